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

/* The rules' "sanctions" section. */
typedef struct cw_sanction_rules {
	int count_each_dimension;
	int min_composite_grade;                  /* enum cw_grade */
	long long single[CW_LEVELS + 1];          /* [1..3]; 0: this count never triggers the level */
	long long composite[CW_LEVELS + 1];
	const char *measures_zh[CW_LEVELS + 1];   /* owned by the rules */
	const char *measures_en[CW_LEVELS + 1];
} cw_sanction_rules;

/* Reads the rules' "sanctions" section into *out, whose measures point into
 * the rules (they must outlive it). Returns 0, or the getters' error naming
 * the key. */
CW_EXTERN(int) cw_sanction_rules_load(cw_sanction_rules *out, const cw_rules *rules);
/* The measures of a level (1..3) in "en", else Chinese ("" for any other
 * level). */
CW_EXTERN(const char *) cw_sanction_measures(const cw_sanction_rules *r, int level, const char *lang);

#define CW_HIST_ID 72 /* bytes of an id in a standing, NUL included */

/* One physician in one month of the cycle, as that month's ranking.csv says. */
typedef struct cw_standing {
	int month;                 /* 0-based month of the cycle */
	char physician_id[CW_HIST_ID], inst_id[CW_HIST_ID], dept_id[CW_HIST_ID];
	char *name;                /* "" when ranking.csv has no physician_name column */
	char *firsts;              /* single dimensions ranked first, space separated */
	int nfirsts;
	int composite_first;
	int composite_grade;       /* enum cw_grade; CW_GRADE_NONE when too few cases */
	int under_floor;           /* under scoring.min_visits (column under_min_visits; 0 when absent) */
	cw_fen suspect;            /* composite money at stake */
} cw_standing;

/* The cycle's months read back, through the last one asked for. */
typedef struct cw_history {
	cw_month first;            /* the cycle's first month */
	char cycle[8];             /* "2026-H1" */
	int nmonths;               /* months from the first to the last asked for (1..6) */
	int present[CW_CYCLE_MONTHS];
	cw_standing *s;            /* n standings, by physician id, then month */
	size_t n;
} cw_history;

/* Reads the ranking.csv of every month of last's cycle, from the cycle's first
 * month to last, into *h (free with cw_history_free). The file of `last` is
 * last_path when not NULL (the month being written), else
 * ROOT/YYYY-MM/ranking.csv. A month without its file is marked absent
 * (present[i] = 0), not an error; a damaged file is CW_EINVALID naming the file
 * and line (nothing is then left to free). Also CW_EIO, CW_ENOMEM. */
CW_EXTERN(int) cw_history_load(cw_history *h, const char *root, cw_month last, const char *last_path);
/* Frees what the history holds (not h itself). */
CW_EXTERN(void) cw_history_free(cw_history *h);
/* Writes the absent months before the last one, "YYYY-MM" space separated
 * ("" when none), into buf (size bytes; months that do not fit are left out)
 * and returns buf. */
CW_EXTERN(char *) cw_history_missing(char *buf, size_t size, const cw_history *h);

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

/* One tally per physician of the history, in physician id order: an array
 * of *n into *out (free with cw_tallies_free), pointing into h (which must
 * outlive it). Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_sanction_tally(cw_tally **out, size_t *n, const cw_history *h, const cw_sanction_rules *r);
/* Frees n tallies (t NULL is allowed). */
CW_EXTERN(void) cw_tallies_free(cw_tally *t, size_t n);

#ifdef __cplusplus
}
#endif
#endif
