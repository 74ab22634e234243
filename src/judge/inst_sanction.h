/* inst_sanction.h: the institutions' sanction ladder (issue 14 item 3; requirements L1-L4, K7, I-series),
 * recomputed from the month files ROOT/YYYY-MM/inst_assessment.csv alone (docs/institution-sanctions.md).
 *
 * Four steps, each with the measure the documents name: 1 the fund's share of the violations refunded
 * (责令退回, K7), 2 a penalty of a multiple of it (罚款), 3 settlement suspended (暂停医疗保险服务费用结算,
 * L4), 4 the agreement ended (解除医疗保险服务协议, L4). A step is due in a month whose basis money (the
 * rules' institution_sanctions.basis column: violation_fund by default, or confirmed_fund) is above zero;
 * the step due is the highest one whose any trigger is met:
 *   grade           this month's grade is the step's grade or worse (A best, D worst; "" never);
 *   repeat_months   the months of the window (this one included) with basis money above zero and a grade
 *                   of repeat_grade or worse number at least this (0 never);
 *   fund            the basis money of the window's months adds up to at least this (yuan; 0 never).
 * The window is the window_months months ending with this one. The refund is this month's basis money, the
 * penalty penalty_multiple times the refund (steps 2 and above). */
#ifndef CW_JUDGE_INST_SANCTION_H
#define CW_JUDGE_INST_SANCTION_H
#include <stddef.h>
#include <stdio.h>
#include "claimwatch/rules.h"
#include "claimwatch/types.h"

#define CW_INST_STEPS 4
#define CW_INST_WINDOW_MAX 36 /* institution_sanctions.window_months at most */
#define CW_INST_ID 72         /* bytes of an institution id, NUL included */

enum { CW_INST_BASIS_VIOLATION = 0, CW_INST_BASIS_CONFIRMED = 1 };
enum { CW_INST_TRIGGER_NONE = 0, CW_INST_TRIGGER_GRADE, CW_INST_TRIGGER_REPEAT, CW_INST_TRIGGER_FUND };

/* One step of the ladder, as the rules set it. */
typedef struct cw_inst_step {
	int grade;                 /* 1 A .. 4 D; 0: the grade never triggers the step */
	long long repeat_months;   /* 0: never */
	cw_fen fund;               /* 0: never */
	const char *measure_zh, *measure_en; /* owned by the rules */
} cw_inst_step;

/* The rules' "institution_sanctions" section. */
typedef struct cw_inst_sanction_rules {
	int basis;                 /* CW_INST_BASIS_* */
	long long window;          /* months, 1..CW_INST_WINDOW_MAX */
	int repeat_grade;          /* 1 A .. 4 D: a month counts for repeat_months at this grade or worse */
	double penalty_multiple;
	cw_inst_step step[CW_INST_STEPS + 1]; /* [1..4] */
} cw_inst_sanction_rules;

/* Reads the section into *out (its measures point into the rules). Errors name the key. */
int cw_inst_sanction_rules_load(cw_inst_sanction_rules *out, const cw_rules *rules);
/* The measure of a step (1..4) in "en", else Chinese; "" for any other step. */
const char *cw_inst_measure(const cw_inst_sanction_rules *r, int step, const char *lang);
/* "violation_fund" or "confirmed_fund". */
const char *cw_inst_basis_name(int basis);
/* "grade", "repeat", "fund" ("" for none). */
const char *cw_inst_trigger_name(int trigger);
/* 'A'..'D' as 1..4; "" as 0; anything else -1. */
int cw_inst_grade_parse(const char *s);

/* One institution in one month: the columns of a row of inst_assessment.csv the ladder reads. */
typedef struct cw_inst_month {
	cw_month month;
	char inst_id[CW_INST_ID];
	char *name;
	int grade;                 /* 0 ungraded, 1 A .. 4 D */
	cw_fen violation_fund, confirmed_fund;
} cw_inst_month;

/* The window's months read back. */
typedef struct cw_inst_history {
	cw_month first, last;
	int nmonths;
	int present[CW_INST_WINDOW_MAX];
	cw_inst_month *r;          /* n rows, by institution id, then month */
	size_t n, cap;
} cw_inst_history;

/* The one reader of inst_assessment.csv: appends the rows of the file at path, which must all be of
 * month m (column period), to h. CW_ENOTFOUND when the file does not exist; CW_EINVALID naming the file,
 * line and column of a bad field (an empty inst_id, a period of another month, a grade not A-D, money
 * that is not yuan) or a missing column. Also CW_EIO, CW_ENOMEM. */
int cw_inst_assessment_read(cw_inst_history *h, const char *path, cw_month m);
/* Reads the `window` months ending with `last` from ROOT/YYYY-MM/inst_assessment.csv (the file of `last`
 * from last_path when not NULL: the month being written) into *h (free with cw_inst_history_free),
 * sorted by institution and month. A month without its file is absent (present[i] = 0), not an error. */
int cw_inst_history_load(cw_inst_history *h, const char *root, cw_month last, int window, const char *last_path);
void cw_inst_history_free(cw_inst_history *h);
/* The absent months before the last, "YYYY-MM" space separated, into buf (size bytes); returns buf. */
char *cw_inst_history_missing(char *buf, size_t size, const cw_inst_history *h);

/* The step due to one institution in the history's last month. */
typedef struct cw_inst_sanction {
	const cw_inst_month *last; /* the institution's row of the last month (in the history) */
	int step;                  /* 0: none due */
	int trigger;               /* CW_INST_TRIGGER_*: the first of grade, repeat, fund that set the step */
	cw_fen refund, penalty;    /* the last month's basis money; penalty_multiple x refund from step 2 */
	cw_fen window_fund;        /* the basis money of the window */
	int repeat_months;         /* months counted for repeat_months */
	char history[CW_INST_WINDOW_MAX * 11 + 1]; /* the window's months with basis money: "2026-01:C 2026-03:D" */
} cw_inst_sanction;

/* One result per institution of the last month, in institution id order, into *out (*n of them; free
 * with free()). Returns 0 or CW_ENOMEM. */
int cw_inst_sanctions_compute(cw_inst_sanction **out, size_t *n, const cw_inst_history *h,
                              const cw_inst_sanction_rules *r);
/* The sentence saying why the step is due, in lang ("en", else Chinese), into buf; returns buf. */
char *cw_inst_sanction_reason(char *buf, size_t size, const cw_inst_sanction *s, const cw_inst_sanction_rules *r,
                              const char *lang);

/* inst_sanctions.csv: the rows with a step due, highest step first, then by institution; columns
 * cw_inst_sanction_columns. missing: the window's absent months (a column of every row). */
extern const char *const cw_inst_sanction_columns[];
void cw_inst_sanctions_write_csv(FILE *f, const char *month, const cw_inst_sanction *s, size_t n,
                                 const cw_inst_sanction_rules *r, const char *lang, const char *missing);

#endif
