/* case.h: `claimwatch case`, an inspector's drill-down into one month's results.
 *
 * Two questions, for people who work in a shell or over SSH:
 *   - a physician: their scores per dimension, their metrics against peers, the sanction due, every
 *     finding (most money first);
 *   - a finding: the rule, the numbers, the reason and the evidence claim lines (item, time, quantity,
 *     unit price, amount).
 * The answers print as aligned tables (wide characters counted as two columns, control characters
 * neutralised), their words and the findings' reasons in Chinese or English (--lang), or as JSON (the
 * field names and values as the files hold them, the reason in both languages).
 *
 * Where the data comes from is a cw_case_source: the month folder's CSV files (case_folder.c) or a
 * database holding the same result tables. A source fills the records below; everything is kept as
 * the text the source holds (the numbers as written in the CSV files), so the printers need no
 * knowledge of the source. Field names are the CSV columns; each record is an array of strings
 * indexed by its enum, so a source can fill them from a table of names. */
#ifndef CW_CASE_H
#define CW_CASE_H
#include <stddef.h>
#include <stdio.h>

/* Each field: its name (the CSV column) and its kind in JSON: s text, n number, m money (kept as a
 * decimal string), l a space-separated list (an array). */
#define CW_CASE_STANDING(X) \
	X(CS_DIMENSION, dimension, s) X(CS_SCORE, score, n) X(CS_GRADE, grade, s) X(CS_GRADE_ZH, grade_zh, s) \
	X(CS_RANK, rank, n) X(CS_FINDINGS, findings, n) X(CS_SUSPECT, suspect_amount, m) \
	X(CS_MONEY_SHARE, money_share, n) X(CS_PER_100, findings_per_100_visits, n) \
	X(CS_OUTLIER, outlier_severity, n) X(CS_CONFIRMED, confirmed, n) X(CS_DISMISSED, dismissed, n) \
	X(CS_STATUS, status, s)

#define CW_CASE_FINDING(X) \
	X(CF_ID, finding_id, s) X(CF_MONTH, month, s) X(CF_DETECTOR, detector, s) X(CF_DIMENSION, dimension, s) \
	X(CF_INST, inst_id, s) X(CF_DEPT, dept_id, s) X(CF_PHYSICIAN, physician_id, s) X(CF_PATIENT, patient_id, s) \
	X(CF_VISIT, visit_id, s) X(CF_LINES, line_ids, l) X(CF_SUSPECT, suspect_amount, m) X(CF_SCORE, score, n) \
	X(CF_REASON, reason, s) X(CF_SEVERITY, severity, s) X(CF_TAG, tag, s) X(CF_METRIC, metric, s) \
	X(CF_VALUE, value, n) X(CF_EXPECTED, expected, n) X(CF_LIMIT, limit, n) X(CF_STATUS, status, s) \
	X(CF_REASON_EN, reason_en, s) X(CF_REASON_ZH, reason_zh, s) X(CF_FUND, fund_amount, m) \
	X(CF_FUND_ESTIMATED, fund_estimated, n)

#define CW_CASE_LINE(X) \
	X(CL_LINE, line_id, s) X(CL_VISIT, visit_id, s) X(CL_PATIENT, patient_id, s) \
	X(CL_PHYSICIAN, physician_id, s) X(CL_ITEM, item_code, s) X(CL_ITEM_NAME, item_name, s) \
	X(CL_CATEGORY, category, s) X(CL_UNIT, unit, s) X(CL_TIME, service_time, s) X(CL_QTY, qty, n) \
	X(CL_UNIT_PRICE, unit_price, m) X(CL_AMOUNT, amount, m) X(CL_STD_PRICE, std_price, m) X(CL_REFUND, refund, s) \
	X(CL_FUND, fund_amount, m) X(CL_SELF, self_amount, m)

#define CW_CASE_METRIC(X) \
	X(CM_METRIC, metric, s) X(CM_VOLUME, volume, n) X(CM_VALUE, value, n) X(CM_EXPECTED, expected, n) \
	X(CM_LIMIT, limit, n) X(CM_Z, z, n) X(CM_FLAGGED, flagged, n) X(CM_STATUS, status, s) \
	X(CM_PEER_GROUP, peer_group, s) X(CM_PEERS, peers, n)

#define CW_CASE_ENUM(e, name, kind) e,
enum { CW_CASE_STANDING(CW_CASE_ENUM) CS_COUNT };
enum { CW_CASE_FINDING(CW_CASE_ENUM) CF_COUNT };
enum { CW_CASE_LINE(CW_CASE_ENUM) CL_COUNT };
enum { CW_CASE_METRIC(CW_CASE_ENUM) CM_COUNT };
#undef CW_CASE_ENUM

/* A record's fields: names[i] and kinds[i] ('s', 'n', 'm', 'l'). */
typedef struct cw_case_schema {
	size_t n;
	const char *const *names;
	const char *kinds;
} cw_case_schema;
extern const cw_case_schema cw_case_standing_schema, cw_case_finding_schema, cw_case_line_schema,
	cw_case_metric_schema;

/* A record: n strings ("" when the source has nothing). */
typedef struct cw_case_rec {
	char **v;
} cw_case_rec;

typedef struct cw_case_list {
	cw_case_rec *rec;
	size_t n, cap;
} cw_case_list;

/* Strings and arrays of one answer live in its arena and go with it. */
typedef struct cw_case_arena cw_case_arena;

typedef struct cw_case_physician {
	cw_case_arena *arena;
	char *month;
	char *physician_id, *name, *inst_id, *dept_id, *scope_group, *visits, *billed;
	char *cycle, *sanction_level, *sanction_measures; /* "" when none is due */
	cw_case_list standings; /* CW_CASE_STANDING records, the composite first */
	cw_case_list metrics;   /* CW_CASE_METRIC records (none when the source has no metrics) */
	cw_case_list findings;  /* CW_CASE_FINDING records, most money first */
	int have_metrics;
} cw_case_physician;

typedef struct cw_case_finding {
	cw_case_arena *arena;
	const struct cw_detector *rule; /* the finding's detector, when the caller's registry has it; else NULL */
	cw_case_rec f;           /* CW_CASE_FINDING */
	cw_case_list lines;      /* CW_CASE_LINE records, in the finding's order */
	int have_lines;          /* 0: the source has the line ids only (no evidence table) */
} cw_case_finding;

/* Where the answers come from. Each call fills *out (zeroed first) or fails with CW_ENOTFOUND and a
 * message naming what is missing. */
typedef struct cw_case_source {
	void *ctx;
	int (*physician)(void *ctx, const char *month, const char *physician_id, cw_case_physician *out);
	int (*finding)(void *ctx, const char *month, const char *finding_id, cw_case_finding *out);
	void (*close)(void *ctx);
} cw_case_source;

/* The month folders under an output root: the CSV files of ROOT/YYYY-MM/. */
int cw_case_folder_source(cw_case_source *out, const char *root);

void cw_case_physician_free(cw_case_physician *p);
void cw_case_finding_free(cw_case_finding *f);

/* --- building answers (for sources) -------------------------------------------------------- */
int cw_case_arena_new(cw_case_arena **out);
void cw_case_arena_free(cw_case_arena *a);
/* A copy of len bytes of s in the arena; NULL when out of memory. */
char *cw_case_strdup(cw_case_arena *a, const char *s, size_t len);
/* A new record of the schema's size, every field "", appended to the list. */
cw_case_rec *cw_case_list_add(cw_case_list *l, cw_case_arena *a, const cw_case_schema *schema);
/* Sorts findings by money at stake (most first), then id. */
void cw_case_sort_findings(cw_case_list *l);

/* --- printing --------------------------------------------------------------------------------- */
/* lang: CW_LANG_ZH or CW_LANG_EN (report.h): the labels, the reasons, the rule's title and summary, and
 * the words of the values (dimension, severity, review, category) in that language. */
int cw_case_print_physician(FILE *f, const cw_case_physician *p, int lang);
int cw_case_print_finding(FILE *f, const cw_case_finding *c, int lang);
/* A finding's reason in the language: its reason_zh or reason_en when the source has it, else the
 * reason as written (in the run's language). */
const char *cw_case_reason(const cw_case_rec *finding, int lang);
/* JSON documents (cJSON); caller frees; NULL when out of memory. */
char *cw_case_physician_json(const cw_case_physician *p);
char *cw_case_finding_json(const cw_case_finding *c);

/* `case --institution ID` (case_institution.c): the institution's row of ROOT/YYYY-MM/inst_assessment.csv
 * (score, grade, rank, money, the indicators against their targets), its row of inst_sanctions.csv (the
 * ladder's step due: measure, refund, penalty, trigger, reason; JSON "sanction", null when none is due,
 * "sanction_computed" false when the month has no such file) and its findings of the month by detector,
 * as aligned text in lang or as JSON. CW_ENOTFOUND names what is missing. */
#include "claimwatch/types.h"
int cw_case_institution(FILE *f, const char *root, cw_month m, const char *inst_id, int lang, int json);

#endif
