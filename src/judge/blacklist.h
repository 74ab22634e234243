/* blacklist.h: blacklist candidates of a half-year cycle, from the month folders under an output root.
 *
 * A physician is a candidate when the sanction level reached in the cycle is
 * at least min_level, or the composite money at stake summed over the cycle's
 * months reaches min_amount (when above 0). Levels and money come from the
 * months' ranking.csv (the same recomputation as sanctions.csv); the
 * detectors and finding ids behind each candidate come from the months'
 * findings.csv, without the findings an inspector dismissed. */
#ifndef CW_BLACKLIST_H
#define CW_BLACKLIST_H
#include <stdio.h>
#include "claimwatch/sanction.h"

typedef struct cw_blacklist_opts {
	const char *root;
	cw_month cycle_first;
	int min_level;
	cw_fen min_amount;        /* 0: money alone never makes a candidate */
	int top_detectors;        /* detectors listed per candidate */
	const cw_sanction_rules *rules;
	const char *lang;         /* "zh" (NULL) or "en": the language of reason_text */
} cw_blacklist_opts;

typedef struct cw_bl_detector {
	char name[64];
	cw_fen amount;
	size_t findings;
} cw_bl_detector;

typedef struct cw_bl_entry {
	const cw_tally *t;
	int by_level, by_amount;  /* why the physician is listed */
	cw_bl_detector *det;      /* ordered: most money, then most findings, then name */
	size_t ndet;
	char *finding_ids, *confirmed_ids;
	size_t findings;
} cw_bl_entry;

typedef struct cw_blacklist {
	cw_blacklist_opts o;
	char cycle[8], through[8];
	char missing[CW_CYCLE_MONTHS * 8 + 1];
	int months_read;
	cw_history h;
	cw_tally *t;
	size_t nt;
	cw_bl_entry *e;          /* level, then money (both descending), then physician id */
	size_t n;
	char *warnings;          /* reading reviews.csv (a damaged end set aside), one per line, or "" */
} cw_blacklist;

int cw_blacklist_build(cw_blacklist *out, const cw_blacklist_opts *o);
void cw_blacklist_free(cw_blacklist *b);
/* The contract's blacklist.csv columns, then extras; flags: outfile.h's CW_CSV_RAW
 * (formulas left live) and CW_CSV_EXCEL (byte-order mark, CRLF). */
int cw_blacklist_write_csv(const cw_blacklist *b, FILE *f, int flags);
/* A JSON document (cJSON), caller frees; NULL when out of memory. */
char *cw_blacklist_json(const cw_blacklist *b);

#endif
