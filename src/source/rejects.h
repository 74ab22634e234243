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

/* A rejected row whose fields could be read: f holds the columns of `table` in schema order, written
 * as the contract's columns only, the patient id as its pseudonym. */
struct cw_slice;
int cw_rejects_add_row(cw_rejects *r, const char *file, int table, uint64_t line, const char *month,
                       const char *column, const char *reason, const struct cw_slice *f);

/* Without a key to pseudonymise with: patient ids are withheld. */
void cw_rejects_withhold_patients(cw_rejects *r);

/* What the rejects remember (reject_log.h, issue 18 item 3): the file's own log, made on first use (NULL
 * without memory), or the one cw_rejects_share_log gave: a run's, shared by its months (it outlives r). */
struct cw_reject_log;
struct cw_reject_log *cw_rejects_log(cw_rejects *r);
void cw_rejects_share_log(cw_rejects *r, struct cw_reject_log *log);

#endif
