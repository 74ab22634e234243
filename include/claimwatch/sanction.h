/*
 * claimwatch/sanction.h: the half-year sanction ladder, recomputed from the
 * ranking.csv files of the cycle's months.
 *
 * The cycle is January-June (YYYY-H1) or July-December (YYYY-H2). A month
 * counts for a physician when the physician is ranked first in a single
 * dimension or in the composite, and the composite grade that month is at
 * least sanctions.min_composite_grade (default: unreasonable). In a counting
 * month the level due is the highest level whose threshold the cycle's counts
 * reach so far (level k: single firsts >= sanctions.levelk.single_firsts, or
 * composite firsts >= sanctions.levelk.composite_firsts; a threshold of 0 never
 * triggers). A month with firsts in several dimensions is one single first,
 * unless sanctions.count_each_dimension is true.
 *
 * Everything here reads ranking.csv only (month folders under the output root),
 * so anyone can recompute the levels from those files.
 */
#ifndef CLAIMWATCH_SANCTION_H
#define CLAIMWATCH_SANCTION_H

#include "claimwatch/common.h"

#include "claimwatch/rules.h"
#include "claimwatch/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CW_LEVELS 3
#define CW_CYCLE_MONTHS 6

typedef struct cw_sanction_rules {
	int count_each_dimension;
	int min_composite_grade;                  /* enum cw_grade */
	long long single[CW_LEVELS + 1];          /* [1..3]; 0: this count never triggers the level */
	long long composite[CW_LEVELS + 1];
	const char *measures_zh[CW_LEVELS + 1];   /* owned by the rules */
	const char *measures_en[CW_LEVELS + 1];
} cw_sanction_rules;

CW_EXTERN(int) cw_sanction_rules_load(const cw_rules *rules, cw_sanction_rules *out);
/* The measures of a level in "zh" or "en" ("" for level 0). */
CW_EXTERN(const char *) cw_sanction_measures(const cw_sanction_rules *r, int level, const char *lang);

#define CW_HIST_ID 72

/* One physician in one month of the cycle, as that month's ranking.csv says. */
typedef struct cw_standing {
	int month;                 /* 0-based month of the cycle */
	char physician_id[CW_HIST_ID], inst_id[CW_HIST_ID], dept_id[CW_HIST_ID];
	char *name;                /* "" when ranking.csv has no physician_name column */
	char *firsts;              /* single dimensions ranked first, space separated */
	int nfirsts;
	int composite_first;
	int composite_grade;       /* enum cw_grade; CW_GRADE_NONE when too few cases */
	cw_fen suspect;            /* composite money at stake */
	size_t seq;                /* internal: file order */
} cw_standing;

typedef struct cw_history {
	cw_month first;            /* the cycle's first month */
	char cycle[8];             /* "2026-H1" */
	int nmonths;               /* months from the first to the last asked for (1..6) */
	int present[CW_CYCLE_MONTHS];
	cw_standing *s;            /* by physician id, then month */
	size_t n, cap;
} cw_history;

/* Reads the ranking.csv of every month of last's cycle, from the cycle's first
 * month to last. The file of `last` is last_path when not NULL (the month being
 * written), else ROOT/YYYY-MM/ranking.csv. A month without its file is marked
 * absent (present[i] = 0), not an error; a damaged file is an error. */
CW_EXTERN(int) cw_history_load(const char *root, cw_month last, const char *last_path, cw_history *h);
/* The same, with the months before `last` read from another source than ROOT's ranking.csv files (a
 * run from PostgreSQL reads them from claimwatch.ranking). open_month opens month m's rows, with the
 * columns of ranking.csv asked for, as a table (csvtab.h: cw_csvtab_open_reader over any stream), or
 * returns CW_ENOTFOUND when the month was not run; close_month (optional) is called after the table is
 * closed. src NULL is ROOT. */
struct cw_csvtab;
typedef struct cw_history_source {
	int (*open_month)(void *ctx, cw_month m, const char *const *columns, struct cw_csvtab **out);
	void (*close_month)(void *ctx);
	void *ctx;
} cw_history_source;
CW_EXTERN(int) cw_history_load_from(const cw_history_source *src, const char *root, cw_month last, const char *last_path,
                         cw_history *h);
CW_EXTERN(void) cw_history_free(cw_history *h);
/* The absent months before the last one, "YYYY-MM" space separated, into buf. */
CW_EXTERN(char *) cw_history_missing(const cw_history *h, char *buf, size_t size);

/* One physician over the cycle, through its last month read. */
typedef struct cw_tally {
	const cw_standing *last;   /* the physician's latest standing (ids, name) */
	int single_firsts, composite_firsts;
	int level;                 /* due in the last month: 0 when that month does not count */
	int max_level;             /* the highest level due in any month of the cycle */
	int months_flagged;        /* counting months */
	char *flagged;             /* counting months: "2026-01 2026-03" */
	char *single_detail;       /* "2026-01:exam 2026-03:exam+medication" */
	char *composite_months;    /* "2026-03" */
	char *last_firsts;         /* the last month's firsts: "exam composite" */
	cw_fen suspect_total;      /* composite money at stake over the cycle */
} cw_tally;

/* One tally per physician of the history, in physician id order. */
CW_EXTERN(int) cw_sanction_tally(const cw_history *h, const cw_sanction_rules *r, cw_tally **out, size_t *n);
CW_EXTERN(void) cw_tallies_free(cw_tally *t, size_t n);

#ifdef __cplusplus
}
#endif
#endif
