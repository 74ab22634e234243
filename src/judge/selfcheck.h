/* selfcheck.h: self-inspection to refund over a window of months (K4-K7): the totals per institution,
 * department or month, and the self-inspection statistics form (《定点医疗机构自查情况统计表》, K6:
 * per institution and violation type, found, confirmed, refunded), from the month folders' findings.csv
 * and each finding's state after the decisions of ROOT/reviews.csv (claimwatch/review.h). See
 * docs/review.md. */
#ifndef CW_SELFCHECK_H
#define CW_SELFCHECK_H
#include <stdio.h>
#include "claimwatch/detector.h"
#include "claimwatch/review.h"

/* How rows are grouped: the totals' ways (a period: month, quarter "2018-Q1" or year "2018"), and the
 * form's institution and detector. */
enum { CW_SC_INSTITUTION, CW_SC_DEPARTMENT, CW_SC_MONTH, CW_SC_QUARTER, CW_SC_YEAR, CW_SC_FORM };

/* The states a finding can be in: CW_REVIEW_NONE (open) .. CW_REVIEW_APPEALED. */
#define CW_SC_STATES (CW_REVIEW_APPEALED + 1)

typedef struct cw_sc_row {
	char inst[72], dept[72], month[8], detector[64]; /* the group's key (the others empty); month holds
	                                                  * the period: YYYY-MM, YYYY-Qn or YYYY */
	size_t found;
	cw_fen found_amount;                             /* money at stake (suspect_amount) */
	size_t n[CW_SC_STATES];                          /* findings per state: the states add up to found */
	cw_fen amount[CW_SC_STATES];                     /* their money at stake */
	cw_fen refund;                                   /* money refunded on the findings that count as
	                                                  * confirmed (refunded, or under appeal since) */
} cw_sc_row;

typedef struct cw_selfcheck {
	int by;
	char from[8], to[8];  /* the window asked for */
	int months_read;      /* month folders of the window with a findings.csv */
	cw_sc_row *rows;      /* in key order */
	size_t n, cap;
	cw_sc_row total;      /* every row added up */
	char *warnings;       /* reading reviews.csv, one per line, or "" */
} cw_selfcheck;

/* Reads the findings of the month folders from..to under root, with their states. Returns 0,
 * CW_ENOTFOUND when no month of the window has a findings.csv, CW_EINVALID (a damaged findings.csv),
 * CW_EIO or CW_ENOMEM. */
int cw_selfcheck_build(cw_selfcheck *out, const char *root, cw_month from, cw_month to, int by);
void cw_selfcheck_free(cw_selfcheck *sc);
/* The totals as CSV (headers in Chinese when zh), a last row with everything; flags: outfile.h's
 * CW_CSV_RAW and CW_CSV_EXCEL (byte-order mark, CRLF). */
int cw_selfcheck_write_totals(FILE *f, const cw_selfcheck *sc, int zh, int flags);
/* The statistics form as CSV (built with CW_SC_FORM): one row per institution and violation type with
 * its title from reg (Chinese when zh), a subtotal row per institution and a total row. */
int cw_selfcheck_write_form(FILE *f, const cw_selfcheck *sc, const cw_registry *reg, int zh, int flags);

#endif
