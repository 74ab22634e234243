/* rejects.h: the reject file's settings that only a run sets (see claimwatch/source.h for the file). */
#ifndef CW_SOURCE_REJECTS_H
#define CW_SOURCE_REJECTS_H
#include "claimwatch/source.h"
#include "io/pseudo.h"

/* Writes the patient ids of rejected records as their pseudonyms from now on (ps outlives r): the
 * fields cw_rejects_protect declared, the value a reason about the patient_id column quotes, and a
 * database table's patient id column; a record of a declared file that does not split into its fields
 * is withheld. */
void cw_rejects_pseudonymise(cw_rejects *r, const cw_pseudo *ps);

#endif
