/*
 * claimwatch/dataset.h: one month of data, in memory, as columns.
 *
 * A dataset holds the tables of the data contract for one month plus a
 * look-back window before it. Every table is a struct of parallel, read-only
 * column arrays; a row is an index (cw_ref). Every string is interned into one
 * pool (cw_str) and read back with cw_dataset_str().
 *
 * The order of every table is canonical: it depends on the data only, never
 * on the order of the rows in the source, so a month read from CSV and the same
 * month read from PostgreSQL produce the same findings in the same order.
 *   - institutions, departments, physicians, patients, items: by id (bytewise)
 *   - visits: by patient, then admit time, then visit id
 *   - claim lines: by patient, then service time, then line id
 *   - prescriptions: by rx_id, then line_no
 * Indexes let a detector make linear passes instead of nested loops:
 *   - a patient's visits and claim lines are contiguous (patients.visit_start,
 *     patients.line_start);
 *   - a visit's lines, in time order: claims.by_visit[visits.line_start[v] ..
 *     visits.line_start[v + 1]);
 *   - a physician's lines (by patient, then time): claims.by_physician[
 *     physicians.line_start[p] .. physicians.line_start[p + 1]); a physician's
 *     visits as attending: visits.by_physician[physicians.visit_start[p] ..];
 *   - a bundle's components and the bundles an item belongs to: items.*_start.
 *
 * Datasets are built with cw_builder (below): the CSV reader, the PostgreSQL
 * reader and the unit tests all feed rows through it, so every source gets the
 * same reference checks, window filtering, canonical order and indexes.
 */
#ifndef CLAIMWATCH_DATASET_H
#define CLAIMWATCH_DATASET_H

#include "claimwatch/common.h"

#include <stdint.h>
#include <stddef.h>
#include "claimwatch/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t cw_ref; /* a row of a table */
typedef uint32_t cw_str; /* an interned string */
#define CW_NONE UINT32_MAX

enum cw_category {
	CW_CAT_DRUG, CW_CAT_EXAM, CW_CAT_LAB, CW_CAT_TREATMENT, CW_CAT_SURGERY,
	CW_CAT_MATERIAL, CW_CAT_BED, CW_CAT_NURSING, CW_CAT_CONSULT, CW_CAT_OTHER,
	CW_CAT_COUNT
};
enum cw_visit_kind { CW_OUTPATIENT, CW_EMERGENCY, CW_INPATIENT, CW_KIND_COUNT };
enum cw_sex { CW_SEX_NONE = 0, CW_SEX_M = 1, CW_SEX_F = 2, CW_SEX_U = 3 };
enum cw_result { CW_RESULT_NONE, CW_RESULT_NEGATIVE, CW_RESULT_POSITIVE, CW_RESULT_PENDING };
enum cw_setting { CW_SETTING_ANY, CW_SETTING_OUTPATIENT, CW_SETTING_INPATIENT };
/* items.catalogue_class (data contract 2): 甲 class A, 乙 class B, 丙 class C. */
enum cw_catalogue_class { CW_CLASS_UNKNOWN, CW_CLASS_A, CW_CLASS_B, CW_CLASS_C };

/* Names as the contract spells them ("drug", "inpatient"...): the name of a
 * category or a visit kind ("?" when out of range), and the value of len bytes
 * of name (-1 when unknown). */
CW_EXTERN(const char *) cw_category_name(int category);
CW_EXTERN(int) cw_category_parse(const char *s, size_t len);
CW_EXTERN(const char *) cw_visit_kind_name(int kind);
CW_EXTERN(int) cw_visit_kind_parse(const char *s, size_t len);
/* The same in Chinese, for text an inspector reads: "门诊", "急诊", "住院";
 * "药品", "检查"... ("?" when out of range). */
CW_EXTERN(const char *) cw_visit_kind_name_zh(int kind);
CW_EXTERN(const char *) cw_category_name_zh(int category);
/* The Chinese name of a department's specialty id ("cardiology": "心血管内科"),
 * NULL for an id it does not know (show the id as it is). */
CW_EXTERN(const char *) cw_specialty_name_zh(const char *id);
/* Care on an inpatient day: drug, lab, exam, treatment, surgery or material. */
static inline int cw_category_is_care(int c) {
	return c == CW_CAT_DRUG || c == CW_CAT_LAB || c == CW_CAT_EXAM ||
	       c == CW_CAT_TREATMENT || c == CW_CAT_SURGERY || c == CW_CAT_MATERIAL;
}

/* Claim line flags. */
enum {
	CW_LINE_REFUND = 1,   /* a refund line: negative qty and amount */
	CW_LINE_REFUNDED = 2, /* fully cancelled by a later refund line of the same visit and item */
	CW_LINE_IN_MONTH = 4  /* service time inside the run's month (not the look-back) */
};

typedef struct cw_institutions {
	size_t n;
	const cw_str *id, *name;
	const uint8_t *level; /* 1..3 */
	/* Data contract 2 (optional column region, 统筹区): the region an insurer ranks institutions
	 * within, CW_NONE when not given. Last, so code built before it reads the members above. */
	const cw_str *region;
} cw_institutions;

typedef struct cw_departments {
	size_t n;
	const cw_str *id, *name, *specialty;
	const cw_ref *inst;
} cw_departments;

typedef struct cw_physicians {
	size_t n;
	const cw_str *id, *name, *title; /* title may be CW_NONE */
	const cw_ref *inst, *dept;
	const uint32_t *line_start;  /* n + 1 offsets into claims.by_physician */
	const uint32_t *visit_start; /* n + 1 offsets into visits.by_physician */
} cw_physicians;

typedef struct cw_patients {
	size_t n;
	const cw_str *id;
	const uint8_t *sex;       /* CW_SEX_M, CW_SEX_F or CW_SEX_U */
	const cw_day *birth;      /* CW_DAY_NONE when unknown */
	const uint32_t *visit_start; /* n + 1 offsets into visits */
	const uint32_t *line_start;  /* n + 1 offsets into claims */
	/* The recorded date of death (the optional column death_date), CW_DAY_NONE when none. Last, so a
	 * detector built before it reads the members above where they were. */
	const cw_day *death;
} cw_patients;

typedef struct cw_items {
	size_t n;
	const cw_str *code, *name, *unit; /* unit may be CW_NONE */
	const uint8_t *category;          /* enum cw_category */
	const cw_fen *std_price;
	const uint8_t *large_equipment, *antibiotic; /* 0 or 1 */
	const int32_t *retest_hours;  /* CW_INT_NONE when none */
	const cw_qty *max_daily_qty;  /* CW_QTY_NONE when none */
	const uint8_t *sex_only;      /* CW_SEX_NONE, CW_SEX_M or CW_SEX_F */
	const int32_t *age_min, *age_max; /* CW_INT_NONE when none */
	const uint8_t *min_level;     /* 0 when none */
	const uint8_t *setting;       /* enum cw_setting */
	/* Components of bundle b: components[component_start[b] .. component_start[b + 1]).
	 * Bundles that include item c: bundles[bundle_start[c] .. bundle_start[c + 1]). */
	const uint32_t *component_start;
	const cw_ref *components;
	const uint32_t *bundle_start;
	const cw_ref *bundles;
	/* 1 for a code that claim lines bill but the items table does not have
	 * (擅自设立收费项目, the self_created_item detector): the builder keeps such
	 * a line and adds its code here as an item of category other, named by its
	 * code, without restrictions or limits (no retest_hours, max_daily_qty,
	 * sex, age, level or setting, in no bundle), whose std_price is the highest
	 * unit_price it was billed at, so that no check of a catalogue ceiling or
	 * limit fires on it. 0 for every row of the items table. */
	const uint8_t *uncatalogued;
	/* Data contract 2 (optional columns): catalogue_class 0 unknown, 1 甲/A, 2 乙/B, 3 丙/C
	 * (enum cw_catalogue_class); essential 1 on the essential drug list (基本药物), else 0. */
	const uint8_t *catalogue_class;
	const uint8_t *essential;
} cw_items;

typedef struct cw_visits {
	size_t n;
	const cw_str *id;
	const cw_ref *patient, *inst, *dept, *physician;
	const uint8_t *kind;                 /* enum cw_visit_kind */
	const cw_minute *admit, *discharge; /* discharge CW_MINUTE_NONE when none */
	const cw_str *dx_code, *dx_name;     /* dx_name may be CW_NONE */
	const uint32_t *line_start;  /* n + 1 offsets into claims.by_visit */
	const uint32_t *by_physician; /* visits grouped by attending physician */
} cw_visits;

typedef struct cw_claims {
	size_t n;
	const cw_str *id;
	const cw_ref *visit, *patient, *item;
	const cw_ref *physician; /* the ordering physician, else the visit's attending */
	const cw_minute *time;
	const cw_qty *qty;
	const cw_fen *unit_price, *amount;
	const uint8_t *result;   /* enum cw_result, from exam_results */
	const uint8_t *flags;    /* CW_LINE_* */
	const uint32_t *by_visit;     /* line rows grouped by visit, each visit's lines in time order */
	const uint32_t *by_physician; /* line rows grouped by physician */
	/* Data contract 2 (optional columns fund_amount, self_amount): the part of amount the fund paid
	 * (统筹基金支付) and the part the patient paid inside the fund's scope (个人自付), CW_FEN_NONE when
	 * the line does not give it. The rest, amount - fund - self_pay, is out of the fund's scope (自费).
	 * Same sign as amount (negative on a refund line), |fund| + |self_pay| <= |amount|. */
	const cw_fen *fund, *self_pay;
} cw_claims;

/* A line that counts: neither a refund line nor a line a later refund cancelled. Every count, sum and
 * scan of billed care skips the lines that are not live. */
static inline int cw_line_live(const cw_claims *cl, uint32_t line)
{
	return !(cl->flags[line] & (CW_LINE_REFUND | CW_LINE_REFUNDED));
}

typedef struct cw_prescriptions {
	size_t n;
	const cw_str *rx_id;
	const int32_t *line_no;
	const cw_ref *visit, *physician, *drug;
	const cw_minute *time;
	const cw_qty *qty;
	const int32_t *days_supply;
	const cw_fen *amount;
	/* Prescription k (one rx_id) is rows rx_start[k] .. rx_start[k + 1]. */
	size_t nrx;
	const uint32_t *rx_start;
	const uint8_t *in_month; /* per row: rx_time inside the run's month */
} cw_prescriptions;

/* The period a dataset covers: [window_start, month_end) was loaded; findings
 * belong to the run when their latest evidence is in [month_start, month_end). */
typedef struct cw_window {
	cw_month month;
	cw_minute window_start, month_start, month_end;
} cw_window;

typedef struct cw_dataset cw_dataset;

/* The dataset's window and tables. Every pointer stays valid, and every table
 * unchanged, while ds lives: a dataset is read only once built. */
CW_EXTERN(const cw_window *) cw_dataset_window(const cw_dataset *ds);
CW_EXTERN(const cw_institutions *) cw_dataset_institutions(const cw_dataset *ds);
CW_EXTERN(const cw_departments *) cw_dataset_departments(const cw_dataset *ds);
CW_EXTERN(const cw_physicians *) cw_dataset_physicians(const cw_dataset *ds);
CW_EXTERN(const cw_patients *) cw_dataset_patients(const cw_dataset *ds);
CW_EXTERN(const cw_items *) cw_dataset_items(const cw_dataset *ds);
CW_EXTERN(const cw_visits *) cw_dataset_visits(const cw_dataset *ds);
CW_EXTERN(const cw_claims *) cw_dataset_claims(const cw_dataset *ds);
CW_EXTERN(const cw_prescriptions *) cw_dataset_prescriptions(const cw_dataset *ds);

/* The text of an interned string; "" for CW_NONE. Valid while ds lives. */
CW_EXTERN(const char *) cw_dataset_str(const cw_dataset *ds, cw_str s);

enum cw_table {
	CW_T_INSTITUTIONS, CW_T_DEPARTMENTS, CW_T_PHYSICIANS, CW_T_PATIENTS, CW_T_ITEMS,
	CW_T_BUNDLES, CW_T_VISITS, CW_T_CLAIMS, CW_T_PRESCRIPTIONS, CW_T_RESULTS, CW_T_COUNT
};
/* The contract's table name ("claim_lines", "exam_results"...; "?" when out
 * of range). */
CW_EXTERN(const char *) cw_table_name(int table);

/* The row with this id (item code, visit id, line id...) or CW_NONE (also for
 * a NULL id, and for the tables without a single-column key: bundles,
 * prescriptions, results). */
CW_EXTERN(cw_ref) cw_dataset_find(const cw_dataset *ds, int table, const char *id);

/* The claim lines of the run's month (CW_LINE_IN_MONTH), refunds included. */
CW_EXTERN(size_t) cw_dataset_lines_in_month(const cw_dataset *ds);

/* Bytes of memory the dataset holds. */
CW_EXTERN(size_t) cw_dataset_memory(const cw_dataset *ds);

/* Frees the dataset and everything it holds (NULL is allowed). */
CW_EXTERN(void) cw_dataset_free(cw_dataset *ds);

/* --- building a dataset ----------------------------------------------------
 * Rows are added table by table in dependency order: institutions,
 * departments, physicians, patients, items, bundles, visits, claims,
 * prescriptions, results. Each add function returns
 *   0        the row was taken;
 *   CW_SKIP  the row is valid but outside the window (counted, not an error);
 *   < 0      the row is rejected: *err names the column and the reason
 *            (unknown reference, duplicate key, inconsistent values).
 * One unknown reference is kept, not rejected: a claim line whose item_code is
 * not in items (a charge item set up outside the catalogue, 擅自设立收费项目)
 * is taken, and cw_builder_finish adds its code to the items table, marked
 * uncatalogued (see cw_items); an empty item_code is still rejected.
 * Strings are copied. An optional string is NULL when empty. The builder keeps
 * every visit until cw_builder_finish, then drops those that neither overlap
 * the window nor own a loaded line. */
#define CW_SKIP 1

/* Why a row was rejected, filled by the add functions. */
typedef struct cw_rowerr {
	const char *column; /* the contract's column name (static), or NULL for the whole row */
	char reason[256];   /* "unknown visit_id 'V9'", "duplicate line_id" */
} cw_rowerr;

/* region (data contract 2) NULL when not given. */
typedef struct cw_institution_row { const char *inst_id, *name; int level; const char *region; } cw_institution_row;
typedef struct cw_department_row { const char *dept_id, *inst_id, *name, *specialty; } cw_department_row;
typedef struct cw_physician_row {
	const char *physician_id, *name, *inst_id, *dept_id, *title;
} cw_physician_row;
/* birth and death CW_DAY_NONE when unknown or none (set death: a row zeroed says 1970-01-01). */
typedef struct cw_patient_row { const char *patient_id; int sex; cw_day birth; cw_day death; } cw_patient_row;
typedef struct cw_item_row {
	const char *item_code, *name, *unit;
	int category;
	cw_fen std_price;
	int large_equipment, antibiotic;
	int32_t retest_hours;   /* CW_INT_NONE */
	cw_qty max_daily_qty;   /* CW_QTY_NONE */
	int sex_only;           /* CW_SEX_NONE */
	int32_t age_min, age_max; /* CW_INT_NONE */
	int min_level;          /* 0 */
	int setting;            /* CW_SETTING_ANY */
	int catalogue_class;    /* CW_CLASS_UNKNOWN (data contract 2) */
	int essential;          /* 0 (data contract 2) */
} cw_item_row;
typedef struct cw_bundle_row { const char *bundle_code, *component_code; } cw_bundle_row;
typedef struct cw_visit_row {
	const char *visit_id, *patient_id, *inst_id, *dept_id, *physician_id;
	int kind;
	cw_minute admit, discharge; /* discharge CW_MINUTE_NONE */
	const char *dx_code, *dx_name;
} cw_visit_row;
typedef struct cw_claim_row {
	const char *line_id, *visit_id, *item_code, *physician_id; /* physician_id optional */
	cw_minute time;
	cw_qty qty;
	cw_fen unit_price, amount;
	/* Data contract 2: CW_FEN_NONE when not given (set them: a row zeroed says 0.00 each). */
	cw_fen fund, self_pay;
} cw_claim_row;
typedef struct cw_rx_row {
	const char *rx_id;
	int32_t line_no;
	const char *visit_id, *physician_id;
	cw_minute time;
	const char *drug_code;
	cw_qty qty;
	int32_t days_supply;
	cw_fen amount;
} cw_rx_row;
typedef struct cw_result_row { const char *line_id; int result; } cw_result_row;

typedef struct cw_builder cw_builder;

/* A new builder into *out for the month m with a look-back of lookback_days
 * (0..3660). Returns 0, CW_EINVALID or CW_ENOMEM. */
CW_EXTERN(int) cw_builder_new(cw_builder **out, cw_month m, int lookback_days);
/* The window the builder keeps rows of. */
CW_EXTERN(const cw_window *) cw_builder_window(const cw_builder *b);
/* Says how many rows of a table are about to come (an estimate), so the
 * builder sizes its index once instead of growing it. Optional. Returns 0,
 * CW_EINVALID (no such table) or CW_ENOMEM. */
CW_EXTERN(int) cw_builder_expect(cw_builder *b, int table, size_t rows);
/* Adds one row of a table (see above for what they return); *err (may be
 * NULL) is filled when the row is rejected. CW_ENOMEM (a message set, *err
 * not) stops the build. */
CW_EXTERN(int) cw_builder_add_institution(cw_rowerr *err, cw_builder *b, const cw_institution_row *r);
CW_EXTERN(int) cw_builder_add_department(cw_rowerr *err, cw_builder *b, const cw_department_row *r);
CW_EXTERN(int) cw_builder_add_physician(cw_rowerr *err, cw_builder *b, const cw_physician_row *r);
CW_EXTERN(int) cw_builder_add_patient(cw_rowerr *err, cw_builder *b, const cw_patient_row *r);
CW_EXTERN(int) cw_builder_add_item(cw_rowerr *err, cw_builder *b, const cw_item_row *r);
CW_EXTERN(int) cw_builder_add_bundle(cw_rowerr *err, cw_builder *b, const cw_bundle_row *r);
CW_EXTERN(int) cw_builder_add_visit(cw_rowerr *err, cw_builder *b, const cw_visit_row *r);
CW_EXTERN(int) cw_builder_add_claim(cw_rowerr *err, cw_builder *b, const cw_claim_row *r);
CW_EXTERN(int) cw_builder_add_prescription(cw_rowerr *err, cw_builder *b, const cw_rx_row *r);
CW_EXTERN(int) cw_builder_add_result(cw_rowerr *err, cw_builder *b, const cw_result_row *r);

/* Puts the rows in canonical order, builds the indexes and matches refunds,
 * and hands the dataset to *out (free it with cw_dataset_free). Consumes the
 * builder, also on failure. Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_builder_finish(cw_dataset **out, cw_builder *b);
/* Frees a builder that will not be finished, and its rows (NULL is allowed). */
CW_EXTERN(void) cw_builder_free(cw_builder *b);

/* What the builder saw, for the run summary; valid while ds lives. */
typedef struct cw_build_stats {
	uint64_t visits_dropped;     /* outside the window and without loaded lines */
	uint64_t refunds_unmatched;  /* refund lines with no original to cancel */
	uint64_t refunds_matched;
	/* claim lines kept whose item_code is not in items (cw_items.uncatalogued),
	 * of the window and of the run's month */
	uint64_t unknown_item_lines, unknown_item_lines_in_month;
} cw_build_stats;
CW_EXTERN(const cw_build_stats *) cw_dataset_build_stats(const cw_dataset *ds);

#ifdef __cplusplus
}
#endif
#endif
