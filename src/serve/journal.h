/* journal.h: where POST /v1/claims makes an accepted claim durable before it answers: one interface,
 * two backends, chosen at start (`serve --data DIR` or `serve --db URL`).
 *
 * The CSV journal (journal.c): the data folder's own CSV files. An accepted claim is appended to
 * DIR/visits.csv (a new visit), DIR/claim_lines.csv, DIR/prescriptions.csv and DIR/exam_results.csv in
 * the contract's CSV form, in each file's own column order, and each file written is fsync'd before the
 * answer; a batch run (and the service after a restart) reads them like any other data. A request's
 * rows go to each file in one write; a failed write is cut off again (ftruncate), so the files never
 * keep half an answer.
 *
 * A crash (kill -9, power loss) may leave the last record of a file torn, unterminated and never
 * acknowledged. The first time the service opens a folder it ends every file's last record with a
 * line break and leaves a marker, DIR/.claimwatch-serve; from then on a file of that folder that
 * does not end with a line break ends with a torn record, which cw_journal_open_csv removes.
 *
 * The PostgreSQL journal (journal_pg.c): the request's new rows go into the tables `claimwatch load`
 * fills (visits, claim_lines, prescriptions, exam_results) in one transaction committed before the
 * answer; a batch `run --db` (and the service after a restart) reads them like any other data. */
#ifndef CW_SERVE_JOURNAL_H
#define CW_SERVE_JOURNAL_H
#include <stddef.h>
#include "serve/history.h"
#include "serve/request.h"

typedef struct cw_journal cw_journal;

/* A backend: the first member of its journal's struct. */
typedef struct cw_journal_ops {
	int (*append)(cw_journal *j, cw_req_error *err, const cw_request *rq, const cw_hist_known *k);
	void (*close)(cw_journal *j);
} cw_journal_ops;
struct cw_journal {
	const cw_journal_ops *ops;
};

/* The CSV journal of dir (repairing a torn tail, see above) into *out; *repaired gets the bytes
 * removed. Returns 0, or CW_EIO / CW_ENOTFOUND / CW_EINVALID (message naming the file) or CW_ENOMEM. */
int cw_journal_open_csv(cw_journal **out, size_t *repaired, const char *dir);
/* The PostgreSQL journal on the database of conninfo (connected and its schema checked now; connected
 * again after a lost connection). Returns 0, or CW_EDB / CW_ENOTFOUND (message set) or CW_ENOMEM. */
int cw_journal_open_pg(cw_journal **out, const char *conninfo);
void cw_journal_close(cw_journal *j);

/* Makes the request's new rows (those k does not know) durable. Returns 0; or CW_EINVALID with *err
 * filled when the request is refused and nothing of it is kept (409: a row of that key already stored
 * with other values; 503: the database is unavailable or a load holds it); or CW_EIO, CW_EDB,
 * CW_ENOMEM (message set; nothing of the request is kept). */
int cw_journal_append(cw_journal *j, cw_req_error *err, const cw_request *rq, const cw_hist_known *k);

#endif
