/* rejects.h: the reject file as a run opens it: in its set of outputs, with patients as pseudonyms
 * (see claimwatch/source.h for the file). */
#ifndef CW_SOURCE_REJECTS_H
#define CW_SOURCE_REJECTS_H
#include "claimwatch/source.h"
#include "io/output.h"
#include "io/pseudo.h"

/* cw_rejects_open, with the file in the set of outputs o (its file mode and size guard; o outlives
 * the file); NULL: a set of its own with the defaults, as cw_rejects_open. */
int cw_rejects_open_output(cw_rejects **out, cw_output *o, const char *path);

/* Writes the patient ids of rejected records as their pseudonyms from now on (ps outlives r): the
 * fields cw_rejects_protect declared, the value a reason about the patient_id column quotes, and a
 * database table's patient id column; a record of a declared file that does not split into its fields
 * is withheld. */
void cw_rejects_pseudonymise(cw_rejects *r, const cw_pseudo *ps);

#endif
