/*
 * claimwatch/score.h: four-reasonableness scores, grades and ranks of the
 * physicians of a month.
 *
 * For each physician active in the month, and for each of the rules'
 * dimensions plus the composite, a score from 0 (no problem) to 100 (most
 * problems) built from the physician's findings: the money at stake relative
 * to what the physician billed, the findings per 100 visits, and the severity
 * of outlier findings; weights and saturation points are the rules' "scoring"
 * section (docs/scoring.md says it in plain words). Grades follow the cut-offs
 * of "grades". Physicians below scoring.min_visits visits are "too few cases":
 * listed with their findings and money but neither graded nor ranked, unless
 * scoring.rank_too_few asks to grade and rank them like everyone (they stay
 * marked under_floor). Dismissed findings (reviews) do not count.
 *
 * A finding of a detector listed in scoring.grade_floor (a breach of a number
 * the documents set: the 30% positive-rate floor, the antibiotic limits, a
 * large prescription) lifts the grade of its dimension to at least the listed
 * grade, whatever the score; the score and the ranks are unchanged.
 *
 * Scores are kept in hundredths (integers) so that ranks are reproducible from
 * the two decimals written in ranking.csv.
 */
#ifndef CLAIMWATCH_SCORE_H
#define CLAIMWATCH_SCORE_H

#include "claimwatch/common.h"

#include <stdint.h>
#include "claimwatch/dataset.h"
#include "claimwatch/findings.h"
#include "claimwatch/review.h"
#include "claimwatch/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cw_grade { CW_GRADE_NONE = -1, CW_GRADE_REASONABLE, CW_GRADE_BASIC, CW_GRADE_UNREASONABLE };
/* "reasonable", "basically_reasonable", "unreasonable"; "" for CW_GRADE_NONE. */
CW_EXTERN(const char *) cw_grade_name(int grade);
/* 合理, 基本合理, 不合理. */
CW_EXTERN(const char *) cw_grade_name_zh(int grade);
/* CW_GRADE_NONE for an empty or unknown name. */
CW_EXTERN(int) cw_grade_parse(const char *s);

/* Where physicians are ranked against each other. */
enum cw_scope { CW_SCOPE_INSTITUTION, CW_SCOPE_SPECIALTY, CW_SCOPE_ALL };
/* "institution", "specialty", "all". */
CW_EXTERN(const char *) cw_scope_name(int scope);

#define CW_SCORE_MAX_FLOORS 32

/* A detector whose findings lift their dimension's grade to at least `grade`. */
typedef struct cw_grade_floor {
	const cw_detector *detector; /* of the rules' registry */
	int grade;                   /* enum cw_grade */
} cw_grade_floor;

/* The rules' "scoring", "grades" and "ranking" sections. */
typedef struct cw_score_rules {
	long long min_visits;         /* below: too few cases */
	int rank_too_few;             /* grade and rank those below min_visits too (default: list them only) */
	double w_money, w_rate, w_outlier;
	double money_full;            /* share of billing at stake that gives full marks */
	double rate_full;             /* findings per 100 visits that give full marks */
	double outlier_full;          /* summed outlier severity that gives full marks */
	double severity_weight[3];    /* per enum cw_severity */
	int physician_level_amount;   /* count the money of findings with neither patient nor lines */
	double cut_basic, cut_unreasonable; /* grade cut-offs on the 0-100 score */
	int scope;                    /* enum cw_scope */
	cw_grade_floor floor[CW_SCORE_MAX_FLOORS]; /* scoring.grade_floor */
	size_t nfloor;
} cw_score_rules;

/* Reads the three sections into *out. Returns 0, or the getters' error naming
 * the key (also CW_EINVALID for a grade_floor naming no detector of the rules'
 * registry or no grade). */
CW_EXTERN(int) cw_score_rules_load(cw_score_rules *out, const cw_rules *rules);

/* One physician in one dimension (or the composite). */
typedef struct cw_dimscore {
	uint32_t findings;  /* counted (not dismissed) */
	uint32_t confirmed; /* of which confirmed by an inspector */
	uint32_t dismissed; /* left out */
	cw_fen suspect;     /* money at stake, each claim line counted once */
	double outlier;     /* summed severity of outlier findings */
	double money_share; /* suspect / billed */
	double per_100;     /* findings per 100 visits */
	int32_t score;      /* hundredths: 0 .. 10000 */
	int grade;          /* CW_GRADE_NONE when too few cases */
	int min_grade;      /* the highest scoring.grade_floor of its findings, CW_GRADE_NONE when none */
	uint32_t rank;      /* 1 = most problems within the scope; 0 = not ranked */
} cw_dimscore;

/* One physician of the month at one institution: inst is the physicians.csv one, or another institution
 * where the physician saw patients (then dept is the department of the first visit or finding there). */
typedef struct cw_physcore {
	cw_ref physician, inst, dept;
	uint32_t visits;    /* distinct visits of the month: attending, or ordering a line */
	cw_fen billed;      /* the month's claim lines ordered by the physician, net of refunds */
	int under_floor;    /* visits < min_visits */
	int too_few;        /* under_floor and not scoring.rank_too_few: neither graded nor ranked */
	cw_dimscore *dim;   /* ndims + 1: the rules' dimensions, then the composite */
} cw_physcore;

/* The month's scores. */
typedef struct cw_scores {
	size_t n;           /* physicians with visits or findings in the month, in physician order; a physician
	                     * practising at several institutions (多点执业) has a row at each, in institution
	                     * order, with that institution's visits, billing and findings (docs/scoring.md) */
	size_t ndims;       /* the rules' dimensions (the composite is dim[ndims]) */
	cw_physcore *rows;  /* n rows */
	cw_dimscore *cells; /* every row's dim, packed: rows[i].dim == cells + i * (ndims + 1) */
	int scope;          /* set by cw_rank */
	size_t ranked, too_few;       /* set by cw_rank: graded and rankable, too few cases (not) */
	size_t under_floor;           /* set by cw_rank: under min_visits, ranked or not */
	size_t dismissed, confirmed; /* findings, over all physicians */
} cw_scores;

/* Scores the month's findings fs (of the dataset ds, in the dimensions dims)
 * into *out (free with cw_scores_free), unranked. rv may be NULL (no
 * decisions). Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_score(cw_scores **out, const cw_dataset *ds, const cw_findings *fs, const cw_dimset *dims,
             const cw_score_rules *sr, const cw_reviews *rv);
/* Ranks every dimension and the composite of s within the scope (enum
 * cw_scope), in place; ties break on money at stake (more first), then
 * physician id. Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_rank(cw_scores *s, const cw_dataset *ds, int scope);
/* Writes into idx (s->n entries) the order ranking.csv lists dimension dim
 * in: ranked physicians by scope group and rank, then those with too few
 * cases. */
CW_EXTERN(void) cw_rank_order(uint32_t *idx, const cw_scores *s, const cw_dataset *ds, size_t dim);
/* Frees the scores (NULL is allowed). */
CW_EXTERN(void) cw_scores_free(cw_scores *s);

#ifdef __cplusplus
}
#endif
#endif
