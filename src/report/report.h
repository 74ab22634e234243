/* report.h: the monthly HTML report (ROOT/YYYY-MM/report/), the interfaces between its files.
 *
 *   report.c            the driver: indexes, the cycle's trend, sanctions due, then every page
 *   report_page.c       helpers every page shares: names, cells, badges, filters, pagers, page cuts
 *   report_i18n.c       labels in English and Chinese (report_labels.h)
 *   report_html.c       escaping, number formats, the page template (reports/page.html)
 *   report_svg.c        the charts, drawn as inline SVG from plain arrays
 *   report_summary.c    index.html: data scanned, findings, grades, firsts, sanctions due
 *   report_ranking.c    ranking.html and one page per dimension
 *   report_charts.c     charts.html: spread of scores per institution, funnel plots
 *   report_indicators.c indicators.html: drug share, costs per visit and stay
 *   report_institutions.c institutions.html, departments.html: the assessment, grades and ranks
 *   report_physician.c  p/N.html: one page (or several) per ranked physician
 *   report_funnel.c     funnel plots and each physician's metrics against peers
 *   report_threads.c    the physician pages on several threads, byte for byte as on one
 *
 * Everything printed from the data goes through cw_html_text (or cw_svg_text):
 * a name holding markup is shown as text. The page carries a Content Security
 * Policy that allows no fetch at all, no inline style or script, and only the
 * report folder's own report.css and report.js (written once, linked from every
 * page), so the folder opens from a USB stick and an injected script would not
 * run even if escaping failed. */
#ifndef CW_REPORT_H
#define CW_REPORT_H
#include <stdint.h>
#include <stdio.h>
#include "claimwatch/dataset.h"
#include "claimwatch/findings.h"
#include "claimwatch/metrics.h"
#include "claimwatch/review.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "claimwatch/source.h"
#include "engine/indicators.h"
#include "io/output.h"
#include "io/pseudo.h"
#include "judge/assess.h"
#include "report/report_labels.h"

/* --- labels (report_i18n.c) ------------------------------------------------- */
enum cw_lang { CW_LANG_EN, CW_LANG_ZH };
/* CW_LANG_EN or CW_LANG_ZH; -1 for anything but "en" and "zh". */
int cw_lang_parse(const char *s);
const char *cw_lang_code(int lang); /* "en", "zh" */
const char *cw_label(int lang, int key);
/* 合理 / reasonable ...; "" for CW_GRADE_NONE. */
const char *cw_label_grade(int lang, int grade);
/* Known dimension names (exam, diagnosis, treatment, medication, billing,
 * composite) translated; any other name as given. */
const char *cw_label_dimension(int lang, const char *name);
/* A detector's title (分解收费 / Split billing), from the detector. */
const char *cw_label_detector(int lang, const cw_detector *d);
/* A data table's name (institutions...), with its Chinese name in front in Chinese (the file keeps its name). */
const char *cw_label_table(int lang, int table);
/* The detector's one-line summary in the language (the English one where it has no Chinese). */
const char *cw_label_summary(int lang, const cw_detector *d);
/* A department's specialty id in the language: its Chinese name when known, else the id as it is. */
const char *cw_label_specialty(int lang, const char *id);
const char *cw_label_metric(int lang, const char *name);
const char *cw_label_category(int lang, int category);
const char *cw_label_severity(int lang, int severity);
const char *cw_label_kind(int lang, int kind);
const char *cw_label_review(int lang, int status);
/* ranked / no problems / too few cases. */
const char *cw_label_status(int lang, const cw_physcore *p, const cw_dimscore *d);

/* --- HTML (report_html.c) ---------------------------------------------------- */
/* Text or an attribute value, escaped: & < > " ' as entities; C0 controls and
 * bytes that are not valid UTF-8 as U+FFFD. */
void cw_html_text(FILE *f, const char *s);
void cw_html_textn(FILE *f, const char *s, size_t len);
/* The same into a buffer (always NUL-terminated when size > 0); returns the
 * length the whole escaped text needs. */
size_t cw_html_escape(char *dst, size_t size, const char *s);

#define CW_NUM_SIZE 48
/* Money with thousands separators: "12,345.60", "-0.05". */
char *cw_fmt_money(char buf[CW_NUM_SIZE], cw_fen v);
/* A score in hundredths: "72.10". */
char *cw_fmt_score(char buf[CW_NUM_SIZE], int32_t hundredths);
/* A share as a percentage with `decimals` decimals: "48.2%"; "" for NAN. */
char *cw_fmt_pct(char buf[CW_NUM_SIZE], double share, int decimals);
/* A count with thousands separators: "1,234,567". */
char *cw_fmt_count(char buf[CW_NUM_SIZE], uint64_t v);
/* A number with `decimals` decimals and thousands separators; "" for NAN. */
char *cw_fmt_num(char buf[CW_NUM_SIZE], double v, int decimals);

/* What every page shares: the template, the CSS and the script (files of the report folder, linked from
 * every page), the CSP. */
typedef struct cw_html_kit {
	cw_output *output; /* the run's set of outputs: the pages' file mode and size guard */
	int lang;
	char month[8];
	const char *tpl, *css, *js;
	char csp[256];          /* for pages with the script: style and script from the report folder only */
	char csp_noscript[256]; /* for pages without */
} cw_html_kit;

/* Loads reports/page.html, report.css and report.js from the resources; pages are written as output
 * (which outlives the kit). */
int cw_html_kit_init(cw_html_kit *kit, cw_output *output, int lang, const char *month);
/* Writes report.css and report.js into dir, once for all the pages, which link them. */
int cw_html_kit_write_assets(const cw_html_kit *kit, const char *dir);

enum cw_nav {
	CW_NAV_NONE = -1, CW_NAV_SUMMARY, CW_NAV_RANKING, CW_NAV_CHARTS, CW_NAV_INDICATORS, CW_NAV_INSTITUTIONS,
	CW_NAV_DEPARTMENTS, CW_NAV_BUDGET, CW_NAV_COUNT
};

/* One page being written. */
typedef struct cw_page {
	FILE *f;
	char path[4200];
	const cw_html_kit *kit;
	const char *rel; /* "" for the report folder, "../" for p/ */
	int script;      /* the page carries report.js */
} cw_page;

/* Creates the file and writes the template up to the body: <head> with the
 * title (escaped), the CSP and the CSS, then the navigation bar. Pages with
 * tables to sort or filter take the script (CW_PAGE_SCRIPT); the physician
 * pages, thousands of them, do without. */
enum { CW_PAGE_PLAIN = 0, CW_PAGE_SCRIPT = 1 };
int cw_page_begin(cw_page *p, const cw_html_kit *kit, const char *path, const char *title, const char *rel, int nav,
                  int script);
/* The rest of the template (footer, script); checks every write, closes.
 * *bytes (optional) gets the file's size. Closing does not sync: the driver
 * syncs the whole folder once (syncfs). */
int cw_page_end(cw_page *p, uint64_t *bytes);
/* Closes without checking (after an error). */
void cw_page_abort(cw_page *p);

/* --- charts (report_svg.c) ----------------------------------------------------- */
/* Text inside SVG (same escaping as HTML). */
#define cw_svg_text cw_html_text

/* Horizontal bars, one per row, scaled to the largest value. */
typedef struct cw_bar {
	const char *label; /* escaped */
	double value;
	const char *text;  /* shown after the bar (escaped) */
	const char *cls;   /* CSS class of the bar, or NULL */
} cw_bar;
void cw_svg_bars(FILE *f, const cw_bar *bars, size_t n, int width);

/* A strip plot: one row per group (an institution), each value a dot on a
 * 0..100 axis with its grade's colour, the quartiles as a box, the grade
 * cut-offs as vertical lines. */
typedef struct cw_strip_row {
	const char *label;    /* escaped */
	const double *v;      /* n values, 0..100 */
	const int8_t *grade;  /* n grades (enum cw_grade) */
	size_t n;
} cw_strip_row;
/* 0, or CW_ENOMEM (nothing written). */
int cw_svg_strip(FILE *f, const cw_strip_row *rows, size_t n, double cut_basic, double cut_unreasonable,
                 const char *axis_label);

/* A line chart over the months of a cycle: each series one line with dots;
 * NAN is a gap (no result that month). */
typedef struct cw_series {
	const char *label;  /* escaped, in the legend */
	const double *v;    /* nx values */
	const char *cls;    /* CSS class: its colour */
} cw_series;
void cw_svg_trend(FILE *f, const char *const *xlabels, size_t nx, const cw_series *s, size_t ns, double ymax,
                  double cut_basic, double cut_unreasonable);

/* A funnel plot: each physician a dot (volume, value) against the peers'
 * target and control limits; flagged dots are drawn red and labelled. */
typedef struct cw_funnel_dot {
	double x, y;        /* volume, plotted value */
	const char *label;  /* escaped; the tooltip */
	const char *tag;    /* escaped; written beside a flagged dot (NULL: the label) */
	const char *href;   /* link (escaped), or NULL */
	int flagged;
} cw_funnel_dot;
typedef struct cw_funnel_plot {
	const char *title;  /* escaped */
	const char *xlabel, *ylabel;
	double target;
	/* The control limit at a volume (side +1 upper, -1 lower); NULL: none. */
	double (*limit)(const void *ctx, double volume, int side);
	const void *ctx;
	const cw_funnel_dot *dots;
	size_t n;
	int percent;        /* the value is a share: axis in % */
	int width, height;
} cw_funnel_plot;
void cw_svg_funnel(FILE *f, const cw_funnel_plot *p);

/* "Nice" axis ticks between lo and hi: at most max ticks, step 1, 2 or 5 x 10^k.
 * Returns the count written to ticks. */
size_t cw_svg_ticks(double lo, double hi, size_t max, double *ticks);

/* --- the report -------------------------------------------------------------- */
/* One sanction due this month, as sanctions.csv says. */
typedef struct cw_report_sanction {
	char *physician_id, *inst_id, *dept_id, *name, *level, *single_firsts, *composite_firsts, *months, *measures;
} cw_report_sanction;

/* What the report shows: a month's results as the run computed them. Everything is read only. */
typedef struct cw_report_input {
	const char *month;          /* "YYYY-MM" */
	cw_month when;              /* the same month */
	const char *root;           /* the output root: the cycle's earlier months for the trend */
	const char *dir;            /* the folder to write (ROOT/YYYY-MM/report/ while the run writes it aside) */
	cw_output *output;          /* the run's set of outputs: file mode and size guard */
	const char *sanctions_csv;  /* the month's sanctions.csv, already written */
	int lang;                   /* CW_LANG_EN or CW_LANG_ZH */
	const cw_dataset *ds;
	const cw_registry *detectors; /* the run's: every one gets a row, with or without findings */
	const cw_findings *findings;
	const cw_dimset *dims;
	const cw_scores *scores;
	const cw_score_rules *score_rules;
	const cw_metrics *metrics;  /* NULL: no funnel plots */
	const cw_indicators *indicators;
	const cw_reviews *reviews;
	const cw_pseudo *pseudo;
	const cw_load_stats *load;
	const char *warnings;       /* the loader's and the cycle's, one per line; may be NULL */
	const char *cycle;          /* "2026-H1" */
	const size_t *sanctions_due; /* CW_LEVELS + 1 counts: physicians due each level this month */
	int empty;                  /* no claim line in the month */
	const cw_assess_table *inst_assessment, *dept_assessment; /* NULL: no assessment pages' rows */
	const char *inst_sanctions_csv; /* the month's inst_sanctions.csv, already written; NULL: none */
	const struct cw_budget_book *budget; /* the global budget's year to date (judge/budget_book.h); NULL: none */
	int threads;                /* threads writing the physician pages: the run's --threads (0: one per core) */
} cw_report_input;

typedef struct cw_report {
	const cw_report_input *in;
	const cw_dataset *ds;
	const cw_scores *sc;
	int lang;
	cw_html_kit kit;
	char dir[4096];           /* the report folder inside the run's temporary folder */
	char path[4300];          /* scratch for file names */
	int32_t *srow;            /* physician row -> scores row, -1 when not scored */
	uint32_t *fstart, *fidx;  /* findings grouped by physician row: fidx[fstart[p] .. fstart[p + 1]) */
	uint8_t *has_page;        /* physician row -> a page was written */
	/* The cycle's months up to this one: composite and dimension scores per
	 * scores row, hundredths, -1 when absent: trend[(row * nmonths + m) * (ndims + 1) + d]. */
	int nmonths;
	char months[6][8];
	int32_t *trend;
	cw_report_sanction *sanctions;
	size_t nsanctions;
	/* rows of evidence and findings per physician page, rows per ranking page (CW_REPORT_* or
	 * CLAIMWATCH_REPORT_ROWS) */
	size_t evidence_rows, findings_per_page, ranking_rows;
	/* what was written */
	size_t files;
	uint64_t bytes, largest;
	char largest_name[64];
} cw_report;

/* Writes the report into in->dir. */
int cw_report_write(const cw_report_input *in);

/* Pages (each returns 0 or an error). */
int cw_report_summary(cw_report *r);
int cw_report_ranking(cw_report *r);
int cw_report_charts(cw_report *r);
int cw_report_indicators(cw_report *r);
/* institutions.html and departments.html (report_institutions.c). */
int cw_report_institutions(cw_report *r);
/* budget.html: the global budget (report_budget.c, docs/budget.md); a note when the data has none. */
int cw_report_budget(cw_report *r);
int cw_report_physicians(cw_report *r);
/* The funnel plots of charts.html (report_funnel.c). */
int cw_report_funnels(cw_report *r, FILE *f);
/* A physician's metrics against peers, on the physician's page (report_funnel.c). */
void cw_report_physician_metrics(cw_report *r, FILE *f, cw_ref physician);

/* Pages on several threads (report_threads.c): a task writes the pages of items [from, to) of a piece of
 * work through w, a copy of the report that is the thread's own (its scratch file name, its counts);
 * whatever w points to is shared and must only be read. */
typedef int (*cw_report_task)(cw_report *w, void *ctx, size_t from, size_t to);
/* Writes the pages of items 0 .. items - 1 on `threads` threads (util/threads.h: 0 is one per core): the
 * items are cut into tasks of at most max_per_task (0: no limit), each thread taking the next task not
 * yet taken; with one thread, one task of them all on the caller's thread, into r. The pages are counted
 * into r as one thread writing the items in order would count them. A failed task stops the others after
 * their current task; the error (code and message) is that of the first task, in order, that failed. */
int cw_report_run_tasks(cw_report *r, int threads, size_t items, size_t max_per_task, cw_report_task task,
                        void *ctx);

/* Helpers shared by the pages (report_page.c). */
/* r->dir/name into r->path. */
const char *cw_report_file(cw_report *r, const char *name);
/* Counts a finished page. */
void cw_report_count(cw_report *r, const char *name, uint64_t bytes);
const char *cw_report_str(const cw_report *r, cw_str s);
const char *cw_report_inst_name(const cw_report *r, cw_ref inst);
const char *cw_report_dept_name(const cw_report *r, cw_ref dept);
/* Dimension d of the scores (d == ndims: the composite), as the rules name it. */
const char *cw_report_dim_name(const cw_report *r, size_t d);
/* The page of a physician row, relative to the report folder ("p/12.html"). */
char *cw_report_physician_href(const cw_report *r, cw_ref physician, int page, char *buf, size_t size);
/* <td> cells of a score: the score coloured by grade. */
void cw_report_score_cell(const cw_report *r, FILE *f, const cw_physcore *p, const cw_dimscore *d);
/* A grade as a coloured badge. */
void cw_report_grade_badge(const cw_report *r, FILE *f, int grade);
/* The filter bar of a table: a search box, optional column selects, a CSV button. */
typedef struct cw_filter_select {
	int column;             /* 0-based column of the table */
	const char *label;      /* escaped */
	const char *const *values; /* distinct values (escaped), n of them */
	size_t n;
} cw_filter_select;
void cw_report_filters(const cw_report *r, FILE *f, const char *table_id, const cw_filter_select *sel, size_t nsel,
                       const char *csv_name);
/* The links "Page: 1 2 3" of a page split in `pages` (nothing when 1): href(r, what, k, buf, size)
 * names page k, as a link from the current page. */
typedef char *(*cw_page_href)(const cw_report *r, const void *what, size_t k, char *buf, size_t size);
void cw_report_pager(const cw_report *r, FILE *f, size_t page, size_t pages, cw_page_href href, const void *what);

/* Rows of a physician's evidence per page before a page is split; findings per physician page at most;
 * rows of a ranking page before it is split. (Overridable at build time, and at run time with
 * CLAIMWATCH_REPORT_ROWS=EVIDENCE,FINDINGS,RANKING, to exercise the splits.) */
#ifndef CW_REPORT_EVIDENCE_ROWS
#define CW_REPORT_EVIDENCE_ROWS 1500
#endif
#ifndef CW_REPORT_FINDINGS_PER_PAGE
#define CW_REPORT_FINDINGS_PER_PAGE 250
#endif
#ifndef CW_REPORT_RANKING_ROWS
#define CW_REPORT_RANKING_ROWS 6000
#endif

/* How a physician's findings are cut into pages: pages[k] is the index (in
 * the physician's list) of the first finding of page k; a finding with more
 * evidence lines than a page holds gets a page of its own (its lines are
 * then cut into parts of at most max_rows, continued on the next pages:
 * part[k] is the first line shown on page k). Returns the number of pages
 * (at least 1). nlines[i] is finding i's evidence line count. */
typedef struct cw_pagecut {
	size_t first;     /* first finding of the page */
	size_t line;      /* its first line on this page (0 unless continued) */
} cw_pagecut;
size_t cw_paginate(const size_t *nlines, size_t n, size_t max_rows, size_t max_findings, cw_pagecut *cuts,
                   size_t max_cuts);

#endif
