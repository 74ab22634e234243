/* budget_book.h: the global budget of every institution over a range of months (document 004, I1-I4,
 * I12; docs/budget.md): the budgets (the budgets table, or derived from the institution's fund payments of
 * the past years), the month folders' fund payments (indicators.csv fund_paid, fund_estimated), the
 * violations confirmed in them (findings.csv fund_amount, else suspect_amount, of the findings that
 * ROOT/reviews.csv confirmed), the grade for the holdback (ROOT/periods/YYYY/inst_assessment.csv, else the
 * year's assessment computed from the month files, else the rules), settled by budget.c; written as budget.csv and JSON (budget_write.c). */
#ifndef CW_BUDGET_BOOK_H
#define CW_BUDGET_BOOK_H
#include <stdio.h>
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"
#include "judge/budget.h"
#include "source/budgets.h"

enum { CW_BUDGET_GIVEN, CW_BUDGET_DERIVED };
enum { CW_GRADE_RULES, CW_GRADE_ASSESSMENT, CW_GRADE_COMPUTED };

typedef struct cw_budget_inst {
	char inst_id[72], name[128];
	int year;
	cw_fen annual;
	int source;                       /* CW_BUDGET_GIVEN, CW_BUDGET_DERIVED */
	int derived_years;                /* past full years the derived budget is the mean of */
	int profile_given;
	int have[12];                     /* the month's fund payments were read */
	int estimated[12];                /* fund_estimated of the month's row */
	cw_budget_month m[12];            /* budget filled for every month; the rest where have[] */
	double visits[12], stays[12], revenue[12]; /* for the I12 signals (NAN where not read) */
	cw_fen last_year[12];             /* last year's use, CW_FEN_NONE where unknown */
	cw_budget_projection proj[12];    /* at the end of each month read */
	int under[12];                    /* I12: the month's services fell while the budget binds */
	char under_reason[12][160];       /* in the book's language (cw_budget_under_text) */
	double under_fall[12][3];         /* I12: the falls (0..1) of visits, stays, cost per case; NAN: none */
	int grade, grade_source;          /* 0..3 (A..D); CW_GRADE_* */
	int targets;                      /* I2's condition from the year's assessment: CW_TARGETS_* */
	int complete;                     /* all twelve months read: the year is settled */
	cw_budget_year y;
} cw_budget_inst;

typedef struct cw_budget_book {
	cw_budget_inst *inst;             /* by year, then inst_id */
	size_t n, cap;
	cw_month from, to;
	cw_budget_rules rules;
	int zh;                           /* the language of the reasons */
	char *warnings;                   /* one per line, "" when none */
} cw_budget_book;

/* A month whose files are not (yet) under ROOT/YYYY-MM (a run's month being written): where they are. */
typedef struct cw_budget_month_files {
	cw_month month;
	const char *indicators, *findings; /* paths */
	const char *inst_assessment;       /* path, or NULL: ROOT's (for the year's assessment, below) */
} cw_budget_month_files;

/* The grade for the holdback and I2's condition come from the year's assessment,
 * ROOT/periods/YYYY/inst_assessment.csv (CW_GRADE_ASSESSMENT); when that file is missing, from the same
 * assessment computed over the year's month files (judge/assess.h, cw_assess_period_with: what `claimwatch
 * assess --period YYYY` would write; CW_GRADE_COMPUTED); without either, from the rules. */
/* Builds the book of the months from..to under root with the budgets of `budgets` (may be empty: only
 * derived budgets then) and the rules (NULL: the defaults); `current` (may be NULL) replaces one month's
 * files. Institutions without a budget given or derivable are left out. Returns 0 (an empty book when
 * nothing has a budget), CW_EINVALID (a damaged file, named with its line), CW_EIO or CW_ENOMEM. */
int cw_budget_book_build(cw_budget_book *out, const char *root, const cw_budget_table *budgets,
                         const cw_rules *rules, cw_month from, cw_month to, const cw_budget_month_files *current,
                         int zh);
void cw_budget_book_free(cw_budget_book *b);

/* The under-service reason of x's month k (0-based), in zh or en: "门诊人次 -40.0%; 住院人次 -35.0%" /
 * "visits -40.0%; stays -35.0%" ("" when the month gave no signal). */
void cw_budget_under_text(char *buf, size_t size, const cw_budget_inst *x, int k, int zh);

/* I12 as findings (budget_under.c): one finding of the rule budget_under_service (judge/prompts.h) per
 * institution of the book whose month m gives an under-service signal, appended to out in the book's order:
 * at institution level (no department, physician, patient, visit or lines), severity notice, no money,
 * the reason in both languages, the given dimension, the id of cw_budget_under_id. ds is the month's data
 * (the institutions' rows). Returns 0, CW_EINVALID (an institution not in ds) or CW_ENOMEM. */
int cw_budget_under_findings(cw_findings *out, const cw_budget_book *b, cw_month m, const cw_dataset *ds,
                             int dimension);
/* The stable id of the under-service finding of an institution and month: "F" + 16 hex digits of a hash
 * of the rule's name, the month and inst_id. */
void cw_budget_under_id(char id[CW_FINDING_ID_SIZE], const char *inst_id, cw_month m);

/* budget.csv's columns, NULL-terminated (budget_write.c; docs/budget.md), also claimwatch.budget's. */
extern const char *const cw_budget_columns[];

/* The book as CSV: for every institution and year, a row per month read in the range, per quarter and
 * half-year touched, and the year (columns in docs/budget.md). flags: outfile.h's CW_CSV_*. */
int cw_budget_write_csv(FILE *f, const cw_budget_book *b, int flags);
/* The same as JSON: {"from", "to", "institutions": [{..., "periods": [...], "settlement": {...}}]}. */
int cw_budget_write_json(FILE *f, const cw_budget_book *b);

#endif
