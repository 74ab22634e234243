/* journal_rows.h: an accepted claim's rows in the data contract's text form, column by column in the
 * schema's order (source/rows.h), for both journals (journal.h): the CSV journal writes them in each
 * file's own column order, the PostgreSQL journal binds them as the parameters of its statements. */
#ifndef CW_SERVE_JOURNAL_ROWS_H
#define CW_SERVE_JOURNAL_ROWS_H
#include "claimwatch/dataset.h"
#include "source/rows.h"

/* The text of each schema column of one row (NULL: empty / SQL NULL). */
typedef struct cw_jrow {
	const char *v[CW_ROW_MAX_COLS];
	char num[CW_ROW_MAX_COLS][CW_FMT_SIZE];
} cw_jrow;

void cw_jrow_visit(cw_jrow *t, const cw_visit_row *v);
void cw_jrow_line(cw_jrow *t, const cw_claim_row *l);
void cw_jrow_rx(cw_jrow *t, const cw_rx_row *r);
/* An exam result (enum cw_result) as exam_results.csv writes it. */
const char *cw_jrow_result_name(int result);

#endif
