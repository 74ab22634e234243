/* budget_book.h: the global budget of every institution over a range of months (document 004, I1-I4,
 * I12; docs/budget.md): the budgets (the budgets table, or derived from the institution's fund payments of
 * the past years), the month folders' fund payments (indicators.csv fund_paid, fund_estimated), the
 * violations confirmed in them (findings.csv fund_amount, else suspect_amount, of the findings that
 * ROOT/reviews.csv confirmed), the grade for the holdback (ROOT/periods/YYYY/inst_assessment.csv, else the
 * rules), settled by budget.c; written as budget.csv and JSON (budget_write.c). */
#ifndef CW_BUDGET_BOOK_H
#define CW_BUDGET_BOOK_H
#include <stdio.h>
#include "claimwatch/rules.h"
#include "judge/budget.h"
#include "source/budgets.h"

enum { CW_BUDGET_GIVEN, CW_BUDGET_DERIVED };
enum { CW_GRADE_RULES, CW_GRADE_ASSESSMENT };

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
	char under_reason[12][160];
	int grade, grade_source;          /* 0..3 (A..D); CW_GRADE_* */
	int targets;                      /* I2's condition from the period's assessment: CW_TARGETS_* */
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
} cw_budget_month_files;

/* Builds the book of the months from..to under root with the budgets of `budgets` (may be empty: only
 * derived budgets then) and the rules (NULL: the defaults); `current` (may be NULL) replaces one month's
 * files. Institutions without a budget given or derivable are left out. Returns 0 (an empty book when
 * nothing has a budget), CW_EINVALID (a damaged file, named with its line), CW_EIO or CW_ENOMEM. */
int cw_budget_book_build(cw_budget_book *out, const char *root, const cw_budget_table *budgets,
                         const cw_rules *rules, cw_month from, cw_month to, const cw_budget_month_files *current,
                         int zh);
void cw_budget_book_free(cw_budget_book *b);

/* The book as CSV: for every institution and year, a row per month read in the range, per quarter and
 * half-year touched, and the year (columns in docs/budget.md). flags: outfile.h's CW_CSV_*. */
int cw_budget_write_csv(FILE *f, const cw_budget_book *b, int flags);
/* The same as JSON: {"from", "to", "institutions": [{..., "periods": [...], "settlement": {...}}]}. */
int cw_budget_write_json(FILE *f, const cw_budget_book *b);

#endif
