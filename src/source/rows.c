/* rows.c: typing the text fields of one row of each contract table and
 * handing the typed row to the builder (see rows.h).
 *
 * Each table has a function that reads its columns in schema order with the
 * getters below. A getter checks the field against the contract's type and,
 * on failure, fills the rowerr with the column, the reason and the value as
 * read (escaped, cut), so a reject row says e.g.
 *   service_time: no such day in that month: '2026-02-30 10:00'
 * The builder then does what needs the other tables: references, duplicate
 * keys, the window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "dataset/dataset_impl.h"
#include "io/csv.h"
#include "source/rows.h"
#include "util/grow.h"

/* --- schemas ---------------------------------------------------------------- */

#define SCHEMA(tbl, var, ...)                                                             \
	static const char *const var##_cols[] = { __VA_ARGS__ };                          \
	static const uint8_t var##_opt[sizeof var##_cols / sizeof var##_cols[0]]

SCHEMA(CW_T_INSTITUTIONS, inst, "inst_id", "name", "level", "region") = { [3] = 1 };
SCHEMA(CW_T_DEPARTMENTS, dept, "dept_id", "inst_id", "name", "specialty");
SCHEMA(CW_T_PHYSICIANS, phys, "physician_id", "name", "inst_id", "dept_id", "title") = { [4] = 1 };
SCHEMA(CW_T_PATIENTS, pat, "patient_id", "sex", "birth_date", "death_date") = { [2] = 1, [3] = 1 };
SCHEMA(CW_T_ITEMS, item, "item_code", "name", "category", "unit", "std_price", "large_equipment", "retest_hours",
       "antibiotic", "max_daily_qty", "sex_only", "age_min", "age_max", "min_level",
       "setting", "catalogue_class", "essential") = { [3] = 1, [6] = 1, [8] = 1, [9] = 1, [10] = 1, [11] = 1,
                                                       [12] = 1, [13] = 1, [14] = 1, [15] = 1 };
SCHEMA(CW_T_BUNDLES, bund, "bundle_code", "component_code");
SCHEMA(CW_T_VISITS, visit, "visit_id", "patient_id", "inst_id", "dept_id", "physician_id", "kind", "admit_time",
       "discharge_time", "dx_code", "dx_name") = { [7] = 1, [9] = 1 };
SCHEMA(CW_T_CLAIMS, claim, "line_id", "visit_id", "item_code", "physician_id", "service_time", "qty",
       "unit_price", "amount", "fund_amount", "self_amount") = { [3] = 1, [8] = 1, [9] = 1 };
SCHEMA(CW_T_PRESCRIPTIONS, rx, "rx_id", "line_no", "visit_id", "physician_id", "rx_time", "drug_code", "qty",
       "days_supply", "amount");
SCHEMA(CW_T_RESULTS, res, "line_id", "result");

#define ENTRY(tbl, var) { tbl, (int)(sizeof var##_cols / sizeof var##_cols[0]), var##_cols, var##_opt }
static const cw_row_schema schemas[CW_T_COUNT] = {
	ENTRY(CW_T_INSTITUTIONS, inst), ENTRY(CW_T_DEPARTMENTS, dept), ENTRY(CW_T_PHYSICIANS, phys),
	ENTRY(CW_T_PATIENTS, pat),      ENTRY(CW_T_ITEMS, item),       ENTRY(CW_T_BUNDLES, bund),
	ENTRY(CW_T_VISITS, visit),      ENTRY(CW_T_CLAIMS, claim),     ENTRY(CW_T_PRESCRIPTIONS, rx),
	ENTRY(CW_T_RESULTS, res),
};

/* The columns of data contract 1 per table: the later ones (contract 2) come after them. */
static const int v1_cols[CW_T_COUNT] = {
	[CW_T_INSTITUTIONS] = 3, [CW_T_DEPARTMENTS] = 4, [CW_T_PHYSICIANS] = 5, [CW_T_PATIENTS] = 4,
	[CW_T_ITEMS] = 14,       [CW_T_BUNDLES] = 2,     [CW_T_VISITS] = 10,    [CW_T_CLAIMS] = 8,
	[CW_T_PRESCRIPTIONS] = 9, [CW_T_RESULTS] = 2,
};

int cw_row_shown_cols(int table, const cw_slice *f)
{
	const cw_row_schema *s = cw_row_schema_of(table);
	int n = s->ncols;
	while (n > v1_cols[table] && !f[n - 1].ptr)
		n--;
	return n;
}

const cw_row_schema *cw_row_schema_of(int table)
{
	return table >= 0 && table < CW_T_COUNT ? &schemas[table] : NULL;
}

int cw_row_schema_find(const cw_row_schema *s, const char *name, size_t len)
{
	for (int i = 0; i < s->ncols; i++)
		if (strlen(s->cols[i]) == len && memcmp(s->cols[i], name, len) == 0)
			return i;
	return -1;
}

void cw_rowbuf_free(cw_rowbuf *rb)
{
	free(rb->buf);
	memset(rb, 0, sizeof *rb);
}

/* --- getters ---------------------------------------------------------------- */

typedef struct row {
	const cw_slice *f;
	const char *const *cols;
	cw_rowbuf *rb;
	cw_rowerr *err;
} row;

#define VALUE_SHOWN 64 /* bytes of a bad value quoted in the reason */

static int bad(row *r, int col, const char *why)
{
	char shown[VALUE_SHOWN + 8];
	const cw_slice *s = &r->f[col];
	r->err->column = r->cols[col];
	cw_printable(shown, sizeof shown, s->ptr, s->len);
	snprintf(r->err->reason, sizeof r->err->reason, "%s: '%s'", why, shown);
	return CW_EINVALID;
}

static int missing(row *r, int col)
{
	r->err->column = r->cols[col];
	snprintf(r->err->reason, sizeof r->err->reason, "%s is required but empty", r->cols[col]);
	return CW_EINVALID;
}

/* Makes room for the NUL-terminated copies of every field of the row. */
static int reserve(row *r, int ncols)
{
	size_t need = 0;
	for (int i = 0; i < ncols; i++)
		need += r->f[i].len + 1;
	r->rb->len = 0;
	if (cw_grow((void **)&r->rb->buf, &r->rb->cap, need, 1) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory typing a row");
	return 0;
}

static const char *copy(row *r, int col)
{
	char *dst = r->rb->buf + r->rb->len;
	memcpy(dst, r->f[col].ptr, r->f[col].len);
	dst[r->f[col].len] = 0;
	r->rb->len += r->f[col].len + 1;
	return dst;
}

static inline int empty(const row *r, int col) { return r->f[col].len == 0; }

/* An id; NULL when empty and optional. */
static int get_id(row *r, int col, int required, const char **out)
{
	const char *why;
	if (empty(r, col)) {
		*out = NULL;
		return required ? missing(r, col) : 0;
	}
	if (cw_check_id(&why, r->f[col].ptr, r->f[col].len) < 0)
		return bad(r, col, why);
	*out = copy(r, col);
	return 0;
}

static int get_text(row *r, int col, int required, const char **out)
{
	const char *why;
	if (empty(r, col)) {
		*out = NULL;
		return required ? missing(r, col) : 0;
	}
	if (cw_check_text(&why, r->f[col].ptr, r->f[col].len) < 0)
		return bad(r, col, why);
	*out = copy(r, col);
	return 0;
}

static int get_time(row *r, int col, int required, cw_minute *out)
{
	const char *why;
	*out = CW_MINUTE_NONE;
	if (empty(r, col))
		return required ? missing(r, col) : 0;
	return cw_parse_time(out, &why, r->f[col].ptr, r->f[col].len) < 0 ? bad(r, col, why) : 0;
}

static int get_date(row *r, int col, cw_day *out)
{
	const char *why;
	*out = CW_DAY_NONE;
	if (empty(r, col))
		return 0;
	return cw_parse_date(out, &why, r->f[col].ptr, r->f[col].len) < 0 ? bad(r, col, why) : 0;
}

static int get_money(row *r, int col, cw_fen *out)
{
	const char *why;
	if (empty(r, col))
		return missing(r, col);
	if (cw_parse_money(out, &why, r->f[col].ptr, r->f[col].len) < 0)
		return bad(r, col, why);
	if (*out > CW_MONEY_MAX || *out < -CW_MONEY_MAX)
		return bad(r, col, "more than 99999999.99 yuan in absolute value, the contract's bound for one amount");
	return 0;
}

/* An optional money field (data contract 2): CW_FEN_NONE when empty. */
static int get_money_opt(row *r, int col, cw_fen *out)
{
	*out = CW_FEN_NONE;
	return empty(r, col) ? 0 : get_money(r, col, out);
}

/* A quantity; min_zero rejects negative ones. */
static int get_qty(row *r, int col, int required, int min_zero, cw_qty *out)
{
	const char *why;
	*out = CW_QTY_NONE;
	if (empty(r, col))
		return required ? missing(r, col) : 0;
	if (cw_parse_qty(out, &why, r->f[col].ptr, r->f[col].len) < 0)
		return bad(r, col, why);
	if (*out > CW_QTY_MAX || *out < -CW_QTY_MAX)
		return bad(r, col, "more than 99999999.999 in absolute value, the contract's bound for one quantity");
	if (min_zero && *out < 0)
		return bad(r, col, "must not be negative");
	return 0;
}

/* An integer in [min, max]; `range` is the reason when it is out of range. */
static int get_int(row *r, int col, int required, int32_t min, int32_t max, const char *range, int32_t *out)
{
	const char *why;
	int64_t v;
	*out = CW_INT_NONE;
	if (empty(r, col))
		return required ? missing(r, col) : 0;
	if (cw_parse_int(&v, &why, r->f[col].ptr, r->f[col].len, min, max) < 0) {
		if (cw_parse_int(&v, &why, r->f[col].ptr, r->f[col].len, INT64_MIN, INT64_MAX) == 0)
			why = range;
		return bad(r, col, why);
	}
	*out = (int32_t)v;
	return 0;
}

static int get_flag(row *r, int col, int *out)
{
	const char *why;
	if (empty(r, col))
		return missing(r, col);
	return cw_parse_flag(out, &why, r->f[col].ptr, r->f[col].len) < 0 ? bad(r, col, why) : 0;
}

/* One of names[0..n), as the index + base; empty gives `none` unless required. */
static int get_enum(row *r, int col, int required, const char *const *names, int n, int base, int none,
                    const char *why, int *out)
{
	*out = none;
	if (empty(r, col))
		return required ? missing(r, col) : 0;
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == r->f[col].len && memcmp(names[i], r->f[col].ptr, r->f[col].len) == 0) {
			*out = base + i;
			return 0;
		}
	return bad(r, col, why);
}

static const char *const sex_names[] = { "M", "F", "U" };          /* CW_SEX_M.. */
static const char *const setting_names[] = { "outpatient", "inpatient" }; /* CW_SETTING_OUTPATIENT.. */
/* items.catalogue_class: 甲/乙/丙, A/B/C or 1/2/3 (CW_CLASS_A..). */
static const char *const class_names[] = { "甲", "乙", "丙", "A", "B", "C", "1", "2", "3" };
static const char *const result_names[] = { "negative", "positive", "pending" }; /* CW_RESULT_NEGATIVE.. */

/* --- tables -----------------------------------------------------------------
 * Each types its row in place in *out (a row built aside and copied out made
 * the copy's loads wait on the stores just made). */

static int type_institution(row *r, cw_institution_row *out)
{
	cw_institution_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->inst_id)) < 0 || (rc = get_text(r, 1, 1, &x->name)) < 0 ||
	    (rc = get_int(r, 2, 1, 1, 3, "level must be 1, 2 or 3", &x->level)) < 0 ||
	    (rc = get_id(r, 3, 0, &x->region)) < 0)
		return rc;
	return 0;
}

static int type_department(row *r, cw_department_row *out)
{
	cw_department_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->dept_id)) < 0 || (rc = get_id(r, 1, 1, &x->inst_id)) < 0 ||
	    (rc = get_text(r, 2, 1, &x->name)) < 0 || (rc = get_id(r, 3, 1, &x->specialty)) < 0)
		return rc;
	return 0;
}

static int type_physician(row *r, cw_physician_row *out)
{
	cw_physician_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->physician_id)) < 0 || (rc = get_text(r, 1, 1, &x->name)) < 0 ||
	    (rc = get_id(r, 2, 1, &x->inst_id)) < 0 || (rc = get_id(r, 3, 1, &x->dept_id)) < 0 ||
	    (rc = get_text(r, 4, 0, &x->title)) < 0)
		return rc;
	return 0;
}

static int type_patient(row *r, cw_patient_row *out)
{
	cw_patient_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->patient_id)) < 0 ||
	    (rc = get_enum(r, 1, 1, sex_names, 3, CW_SEX_M, CW_SEX_NONE, "sex must be M, F or U", &x->sex)) < 0 ||
	    (rc = get_date(r, 2, &x->birth)) < 0 || (rc = get_date(r, 3, &x->death)) < 0)
		return rc;
	return 0;
}

static int type_item(row *r, cw_item_row *out)
{
	cw_item_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->item_code)) < 0 || (rc = get_text(r, 1, 1, &x->name)) < 0)
		return rc;
	if (empty(r, 2))
		return missing(r, 2);
	x->category = cw_category_parse(r->f[2].ptr, r->f[2].len);
	if (x->category < 0)
		return bad(r, 2, "category must be one of drug exam lab treatment surgery material bed nursing "
		                 "consult other");
	int32_t min_level;
	if ((rc = get_text(r, 3, 0, &x->unit)) < 0 || (rc = get_money(r, 4, &x->std_price)) < 0 ||
	    (rc = get_flag(r, 5, &x->large_equipment)) < 0 ||
	    (rc = get_int(r, 6, 0, 0, 1000000, "retest_hours must be 0-1000000", &x->retest_hours)) < 0 ||
	    (rc = get_flag(r, 7, &x->antibiotic)) < 0 || (rc = get_qty(r, 8, 0, 1, &x->max_daily_qty)) < 0 ||
	    (rc = get_enum(r, 9, 0, sex_names, 2, CW_SEX_M, CW_SEX_NONE, "sex_only must be M or F", &x->sex_only)) < 0 ||
	    (rc = get_int(r, 10, 0, 0, 150, "age_min must be 0-150", &x->age_min)) < 0 ||
	    (rc = get_int(r, 11, 0, 0, 150, "age_max must be 0-150", &x->age_max)) < 0 ||
	    (rc = get_int(r, 12, 0, 1, 3, "min_level must be 1, 2 or 3", &min_level)) < 0 ||
	    (rc = get_enum(r, 13, 0, setting_names, 2, CW_SETTING_OUTPATIENT, CW_SETTING_ANY,
	                   "setting must be outpatient or inpatient", &x->setting)) < 0 ||
	    (rc = get_enum(r, 14, 0, class_names, 9, 1, CW_CLASS_UNKNOWN,
	                   "catalogue_class must be 甲, 乙, 丙, A, B, C, 1, 2 or 3", &x->catalogue_class)) < 0)
		return rc;
	if (x->catalogue_class != CW_CLASS_UNKNOWN)
		x->catalogue_class = (x->catalogue_class - 1) % 3 + 1;
	x->essential = 0;
	if (!empty(r, 15) && (rc = get_flag(r, 15, &x->essential)) < 0)
		return rc;
	if (x->std_price < 0)
		return bad(r, 4, "std_price must not be negative");
	x->min_level = min_level == CW_INT_NONE ? 0 : min_level;
	return 0;
}

static int type_bundle(row *r, cw_bundle_row *out)
{
	cw_bundle_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->bundle_code)) < 0 || (rc = get_id(r, 1, 1, &x->component_code)) < 0)
		return rc;
	return 0;
}

static int type_visit(row *r, cw_visit_row *out)
{
	cw_visit_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->visit_id)) < 0 || (rc = get_id(r, 1, 1, &x->patient_id)) < 0 ||
	    (rc = get_id(r, 2, 1, &x->inst_id)) < 0 || (rc = get_id(r, 3, 1, &x->dept_id)) < 0 ||
	    (rc = get_id(r, 4, 1, &x->physician_id)) < 0)
		return rc;
	if (empty(r, 5))
		return missing(r, 5);
	x->kind = cw_visit_kind_parse(r->f[5].ptr, r->f[5].len);
	if (x->kind < 0)
		return bad(r, 5, "kind must be outpatient, emergency or inpatient");
	if ((rc = get_time(r, 6, 1, &x->admit)) < 0 || (rc = get_time(r, 7, 0, &x->discharge)) < 0 ||
	    (rc = get_id(r, 8, 1, &x->dx_code)) < 0 || (rc = get_text(r, 9, 0, &x->dx_name)) < 0)
		return rc;
	return 0;
}

static int type_claim(row *r, cw_claim_row *out)
{
	cw_claim_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->line_id)) < 0 || (rc = get_id(r, 1, 1, &x->visit_id)) < 0 ||
	    (rc = get_id(r, 2, 1, &x->item_code)) < 0 || (rc = get_id(r, 3, 0, &x->physician_id)) < 0 ||
	    (rc = get_time(r, 4, 1, &x->time)) < 0 || (rc = get_qty(r, 5, 1, 0, &x->qty)) < 0 ||
	    (rc = get_money(r, 6, &x->unit_price)) < 0 || (rc = get_money(r, 7, &x->amount)) < 0 ||
	    (rc = get_money_opt(r, 8, &x->fund)) < 0 || (rc = get_money_opt(r, 9, &x->self_pay)) < 0)
		return rc;
	int64_t value; /* fen times thousandths: past int64 is past the bound too */
	if (__builtin_mul_overflow(x->qty, x->unit_price, &value) || value > CW_MONEY_MAX * CW_QTY_ONE ||
	    value < -CW_MONEY_MAX * CW_QTY_ONE)
		return bad(r, 6, "qty times unit_price is more than 99999999.99 yuan in absolute value, the contract's "
		                 "bound for one line");
	return 0;
}

static int type_prescription(row *r, cw_rx_row *out)
{
	cw_rx_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->rx_id)) < 0 ||
	    (rc = get_int(r, 1, 1, 0, INT32_MAX - 1, "line_no must be 0 or more", &x->line_no)) < 0 ||
	    (rc = get_id(r, 2, 1, &x->visit_id)) < 0 || (rc = get_id(r, 3, 1, &x->physician_id)) < 0 ||
	    (rc = get_time(r, 4, 1, &x->time)) < 0 || (rc = get_id(r, 5, 1, &x->drug_code)) < 0 ||
	    (rc = get_qty(r, 6, 1, 1, &x->qty)) < 0 ||
	    (rc = get_int(r, 7, 1, 0, 36500, "days_supply must be 0-36500", &x->days_supply)) < 0 ||
	    (rc = get_money(r, 8, &x->amount)) < 0)
		return rc;
	if (x->amount < 0)
		return bad(r, 8, "amount must not be negative on a prescription");
	return 0;
}

static int type_result(row *r, cw_result_row *out)
{
	cw_result_row *x = out;
	int rc;
	if ((rc = get_id(r, 0, 1, &x->line_id)) < 0 ||
	    (rc = get_enum(r, 1, 1, result_names, 3, CW_RESULT_NEGATIVE, CW_RESULT_NONE,
	                   "result must be positive, negative or pending", &x->result)) < 0)
		return rc;
	return 0;
}

int cw_row_type(cw_row_any *out, cw_rowerr *err, int table, const cw_slice *f, cw_rowbuf *rb)
{
	const cw_row_schema *s = cw_row_schema_of(table);
	if (!s)
		return cw_error_set(CW_EINVALID, "internal: no table %d", table);
	row r = { f, s->cols, rb, err };
	int rc = reserve(&r, s->ncols);
	if (rc < 0)
		return rc;
	err->column = NULL;
	err->reason[0] = 0;
	switch (table) {
	case CW_T_INSTITUTIONS: return type_institution(&r, &out->inst);
	case CW_T_DEPARTMENTS: return type_department(&r, &out->dept);
	case CW_T_PHYSICIANS: return type_physician(&r, &out->phys);
	case CW_T_PATIENTS: return type_patient(&r, &out->pat);
	case CW_T_ITEMS: return type_item(&r, &out->item);
	case CW_T_BUNDLES: return type_bundle(&r, &out->bundle);
	case CW_T_VISITS: return type_visit(&r, &out->visit);
	case CW_T_CLAIMS: return type_claim(&r, &out->claim);
	case CW_T_PRESCRIPTIONS: return type_prescription(&r, &out->rx);
	default: return type_result(&r, &out->result);
	}
}

int cw_row_add(cw_rowerr *err, cw_builder *b, int table, const cw_slice *f, cw_rowbuf *rb)
{
	cw_row_any x;
	int rc = cw_row_type(&x, err, table, f, rb);
	return rc < 0 ? rc : cw_row_add_typed(err, b, table, &x);
}

int cw_row_add_typed(cw_rowerr *err, cw_builder *b, int table, const cw_row_any *r)
{
	switch (table) {
	case CW_T_INSTITUTIONS: return cw_builder_add_institution(err, b, &r->inst);
	case CW_T_DEPARTMENTS: return cw_builder_add_department(err, b, &r->dept);
	case CW_T_PHYSICIANS: return cw_builder_add_physician(err, b, &r->phys);
	case CW_T_PATIENTS: return cw_builder_add_patient(err, b, &r->pat);
	case CW_T_ITEMS: return cw_builder_add_item(err, b, &r->item);
	case CW_T_BUNDLES: return cw_builder_add_bundle(err, b, &r->bundle);
	case CW_T_VISITS: return cw_builder_add_visit(err, b, &r->visit);
	case CW_T_CLAIMS: return cw_builder_add_claim(err, b, &r->claim);
	case CW_T_PRESCRIPTIONS: return cw_builder_add_prescription(err, b, &r->rx);
	default: return cw_builder_add_result(err, b, &r->result);
	}
}

/* --- periods ------------------------------------------------------------------ */

int cw_row_dated(int table)
{
	return table == CW_T_VISITS || table == CW_T_CLAIMS || table == CW_T_PRESCRIPTIONS || table == CW_T_RESULTS;
}

/* The minutes [*from, *to) a time field stands for: its minute, or its
 * month when only a valid "YYYY-MM" prefix can be read; 0 when neither. */
static int read_when(const cw_slice *s, cw_minute *from, cw_minute *to)
{
	const char *why;
	if (cw_parse_time(from, &why, s->ptr, s->len) == 0) {
		*to = *from + 1;
		return 1;
	}
	const unsigned char *u = (const unsigned char *)s->ptr;
	int y = 0, m = 0;
	for (size_t i = 0; i < 7 && s->len >= 7; i++) {
		unsigned d = (unsigned)u[i] - '0';
		if (i == 4 ? u[i] != '-' : d > 9)
			return 0;
		if (i < 4)
			y = y * 10 + (int)d;
		else if (i > 4)
			m = m * 10 + (int)d;
	}
	if (s->len < 7 || m < 1 || m > 12 || y < CW_YEAR_MIN || y > CW_YEAR_MAX)
		return 0;
	*from = cw_month_start((cw_month){ y, m });
	*to = cw_month_end((cw_month){ y, m });
	return 1;
}

/* A visit's stay: from its admission to its discharge, or without end for a
 * stay still open (or of a kind that cannot be read), or its admission only
 * for an outpatient or emergency visit (as cw_builder_finish keeps visits). */
static int read_stay(const cw_slice *f, cw_minute *from, cw_minute *to)
{
	cw_minute d_from, d_to;
	if (!read_when(&f[6], from, to))
		return 0;
	int kind = cw_visit_kind_parse(f[5].ptr, f[5].len);
	if (f[7].len && read_when(&f[7], &d_from, &d_to))
		*to = d_to;
	else if (f[7].len || kind == CW_INPATIENT || kind < 0)
		*to = INT32_MAX;
	return 1;
}

int cw_row_span(int table, const cw_slice *f, cw_minute *from, cw_minute *to)
{
	if (!f || (table != CW_T_VISITS && table != CW_T_CLAIMS && table != CW_T_PRESCRIPTIONS))
		return 0;
	return table == CW_T_VISITS ? read_stay(f, from, to) : read_when(&f[4], from, to);
}

int cw_row_period(const cw_builder *b, int table, const cw_slice *f, cw_month *month)
{
	cw_minute from, to;
	*month = (cw_month){ 0, 0 };
	if (!cw_row_dated(table))
		return CW_PERIOD_MONTH;
	if (!f)
		return CW_PERIOD_UNKNOWN;
	if (table == CW_T_RESULTS) {
		const char *why;
		if (cw_check_id(&why, f[0].ptr, f[0].len) < 0)
			return CW_PERIOD_UNKNOWN;
		return cw_builder_line_period(b, f[0].ptr, f[0].len, month);
	}
	return cw_row_span(table, f, &from, &to) ? cw_builder_period(b, from, to, month) : CW_PERIOD_UNKNOWN;
}

int cw_row_outside(const cw_builder *b, int table, const cw_slice *f)
{
	cw_minute from, to;
	if (table != CW_T_CLAIMS && table != CW_T_PRESCRIPTIONS) /* (cw_row_period's answer, without its month) */
		return 0;
	return cw_row_span(table, f, &from, &to) && cw_builder_period(b, from, to, NULL) == CW_PERIOD_OTHER;
}
