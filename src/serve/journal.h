/* journal.h: the durable, append-only journal of accepted claims: the data folder's own CSV files.
 *
 * An accepted claim is appended to DIR/visits.csv (a new visit), DIR/claim_lines.csv,
 * DIR/prescriptions.csv and DIR/exam_results.csv in the contract's CSV form, in each file's own
 * column order, and each file written is fsync'd before the answer; a batch run (and the service
 * after a restart) reads them like any other data. A request's rows go to each file in one write;
 * a failed write is cut off again (ftruncate), so the files never keep half an answer.
 *
 * A crash (kill -9, power loss) may leave the last record of a file torn, unterminated and never
 * acknowledged. The first time the service opens a folder it ends every file's last record with a
 * line break and leaves a marker, DIR/.claimwatch-serve; from then on a file of that folder that
 * does not end with a line break ends with a torn record, which cw_journal_open removes. */
#ifndef CW_SERVE_JOURNAL_H
#define CW_SERVE_JOURNAL_H
#include <stddef.h>
#include "serve/history.h"
#include "serve/request.h"

typedef struct cw_journal cw_journal;

/* Opens the journal files of dir (repairing a torn tail, see above) into *out; *repaired gets the
 * bytes removed. Returns 0, or CW_EIO / CW_ENOTFOUND / CW_EINVALID (message naming the file) or
 * CW_ENOMEM. */
int cw_journal_open(cw_journal **out, size_t *repaired, const char *dir);
void cw_journal_close(cw_journal *j);
/* Appends the request's new rows (those k does not know) and fsyncs. Returns 0 or CW_EIO (nothing of
 * the request stays in the files) or CW_ENOMEM. */
int cw_journal_append(cw_journal *j, const cw_request *rq, const cw_hist_known *k);

#endif
