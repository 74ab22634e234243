/* eval.h: measures a run's findings against a generated truth.json
 * (`claimwatch eval`), and the small CSV reader it uses.
 *
 * A case of detector D in month M is found when findings.csv of M has a
 * finding of D that shares a line id with the case (when the case lists line
 * ids), else has the case's visit_id (when it gives one), else has the case's
 * physician_id, else (a department-level case: no physician) is a finding without
 * a physician of the case's dept_id. Precision of D = findings of D matched to some case / findings
 * of D. A look-alike is flagged when a finding of its detector in its month
 * matches it by the same rule. */
#ifndef CW_EVAL_H
#define CW_EVAL_H
#include <stddef.h>
#include <stdio.h>

/* --- a small RFC 4180 reader: whole file in memory, one record at a time ---- */
typedef struct cw_evcsv {
	char *buf;      /* the file */
	size_t len, pos;
	char *rec;      /* the current record's fields, NUL-terminated one after another */
	size_t caprec;
	char **field;
	size_t nfields, capfields;
	size_t line;    /* 1-based line where the current record starts */
	char path[512];
} cw_evcsv;

int cw_evcsv_open(cw_evcsv *c, const char *path); /* CW_ENOTFOUND / CW_EIO */
/* 1: a record in c->field[0 .. nfields); 0: the end; CW_EINVALID: a malformed record (message set). */
int cw_evcsv_next(cw_evcsv *c);
/* The column of a header name in the current record, or -1. */
int cw_evcsv_column(const cw_evcsv *c, const char *name);
void cw_evcsv_close(cw_evcsv *c);

/* --- evaluation --------------------------------------------------------------- */
typedef struct cw_eval_row {
	char detector[64];
	long cases, found, findings, matched, lookalikes, flagged;
} cw_eval_row;

typedef struct cw_eval_result {
	cw_eval_row *rows;
	size_t nrows;
	cw_eval_row total;
	char (*months)[8];
	size_t nmonths;
} cw_eval_result;

/* Evaluates run_dir: a month folder (ROOT/YYYY-MM with findings.csv) or a
 * root holding several YYYY-MM folders. Every detector of the registry has a
 * row, in its order (then any other the truth or the findings name). */
typedef struct cw_registry cw_registry;
int cw_eval_run(cw_eval_result *out, const char *truth_path, const char *run_dir, const cw_registry *detectors);
void cw_eval_print(FILE *f, const cw_eval_result *r);
void cw_eval_print_json(FILE *f, const cw_eval_result *r, int checked, int pass);
/* 1 when every detector with cases reaches min_recall, every detector with
 * findings reaches min_precision and no look-alike is flagged (negative
 * thresholds are not checked); the failures are written to why. */
int cw_eval_check(const cw_eval_result *r, double min_recall, double min_precision, FILE *why);
/* 1 when every case of each detector named in `detectors` (comma-separated,
 * e.g. "outlier_physician,low_positive_rate") is found: recall 1 where a lower
 * bar would let a missed physician pass. An unknown name is an error
 * (CW_EUSAGE, message set); the detectors with misses are written to why. */
int cw_eval_require_all(const cw_eval_result *r, const char *detectors, FILE *why);
void cw_eval_free(cw_eval_result *r);

#endif
