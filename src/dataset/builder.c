/* builder.c: taking rows into a dataset, with the contract's reference and consistency checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset/dataset_impl.h"
#include "util/grow.h"

static int reject(cw_rowerr *err, const char *column, const char *fmt, ...)
	CW_PRINTF(3, 4);
static int reject(cw_rowerr *err, const char *column, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->column = column;
		vsnprintf(err->reason, sizeof err->reason, fmt, ap);
		va_end(ap);
	}
	return CW_EINVALID;
}

static int oom(cw_rowerr *err)
{
	cw_error_set(CW_ENOMEM, "out of memory while loading");
	if (err) {
		err->column = NULL;
		snprintf(err->reason, sizeof err->reason, "out of memory");
	}
	return CW_ENOMEM;
}

int cw_builder_new(cw_builder **out, cw_month m, int lookback_days)
{
	if (lookback_days < 0 || lookback_days > 3660)
		return cw_error_set(CW_EINVALID, "look-back of %d days is outside 0..3660", lookback_days);
	cw_builder *b = calloc(1, sizeof *b);
	cw_dataset *ds = calloc(1, sizeof *ds);
	if (!b || !ds) {
		free(b);
		free(ds);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	cw_pool_init(&ds->pool);
	cw_dataset_init_views(ds);
	ds->win.month = m;
	ds->win.month_start = cw_month_start(m);
	ds->win.month_end = cw_month_end(m);
	ds->win.window_start = ds->win.month_start - lookback_days * CW_MINUTES_PER_DAY;
	b->ds = ds;
	*out = b;
	return 0;
}

void cw_builder_free(cw_builder *b)
{
	if (!b)
		return;
	cw_dataset_free(b->ds);
	cw_idmap_free(&b->rx_keys);
	cw_u64set_free(&b->bundle_keys);
	free(b->visit_used);
	free(b->unknown);
	free(b);
}

const cw_window *cw_builder_window(const cw_builder *b) { return &b->ds->win; }

void cw_builder_set_threads(cw_builder *b, int threads) { b->threads = threads; }

int cw_builder_expect(cw_builder *b, int table, size_t rows)
{
	cw_dataset *ds = b->ds;
	if (table < 0 || table >= CW_T_COUNT)
		return cw_error_set(CW_EINVALID, "no such table");
	if (rows > (size_t)CW_NONE / 2)
		rows = (size_t)CW_NONE / 2;
	int rc = 0;
	if (table == CW_T_PRESCRIPTIONS && b->rx_keys.used == 0) {
		cw_idmap_free(&b->rx_keys);
		rc = cw_idmap_init(&b->rx_keys, rows);
	}
	else if (table == CW_T_BUNDLES)
		rc = cw_u64set_reserve(&b->bundle_keys, rows);
	else if (table != CW_T_RESULTS && ds->map[table].used == 0) {
		/* an empty map takes the size asked for, smaller or larger */
		cw_idmap *m = &ds->map[table];
		cw_idmap_free(m);
		rc = cw_idmap_init(m, rows);
	}
	if (rc < 0)
		return cw_error_set(CW_ENOMEM, "out of memory sizing the %s index", cw_table_name(table));
	return 0;
}

/* A row slot at the end of table t, or CW_NONE when out of memory. */
static cw_ref grow(cw_dataset *ds, int t)
{
	cw_store *s = &ds->store[t];
	if (s->n >= CW_NONE - 1 || cw_store_reserve(s, s->n + 1) < 0)
		return CW_NONE;
	return (cw_ref)s->n;
}

/* Looks up a reference; CW_NONE when id is NULL or unknown. */
static cw_ref lookup(const cw_dataset *ds, int t, const char *id)
{
	if (!id)
		return CW_NONE;
	return cw_idmap_find(&ds->map[t], &ds->pool, cw_dataset_ids(ds, t), id, strlen(id));
}

/* The same through a memo of the previous id looked up (memo may be NULL). */
static cw_ref lookup_memo(const cw_dataset *ds, int t, const char *id, cw_ref_memo *memo)
{
	size_t len = strlen(id);
	if (memo && memo->len == len && memcmp(memo->id, id, len) == 0)
		return memo->ref;
	cw_ref r = cw_idmap_find(&ds->map[t], &ds->pool, cw_dataset_ids(ds, t), id, len);
	if (memo && r != CW_NONE && len <= sizeof memo->id) {
		memcpy(memo->id, id, len);
		memo->len = (uint8_t)len;
		memo->ref = r;
	}
	return r;
}

static int need_ref_memo(const cw_dataset *ds, int t, const char *id, const char *column, cw_ref *out,
                         cw_ref_memo *memo, cw_rowerr *err)
{
	if (!id || !*id)
		return reject(err, column, "%s is required", column);
	*out = lookup_memo(ds, t, id, memo);
	if (*out == CW_NONE)
		return reject(err, column, "unknown %s '%s' (not in %s)", column, id, cw_table_name(t));
	return 0;
}

static int need_ref(const cw_dataset *ds, int t, const char *id, const char *column, cw_ref *out, cw_rowerr *err)
{
	return need_ref_memo(ds, t, id, column, out, NULL, err);
}

/* Stores the text s (NULL: none) in row r of the column col. */
static int put_text(cw_dataset *ds, const cw_str *col, cw_ref r, const char *s, int intern, cw_rowerr *err)
{
	cw_str at = CW_NONE;
	if (s)
		at = intern ? cw_pool_intern(&ds->pool, s, strlen(s)) : cw_pool_add(&ds->pool, s, strlen(s));
	if (s && at == CW_NONE)
		return oom(err); /* not an absent field */
	((cw_str *)col)[r] = at;
	return 0;
}

static uint64_t key_hash(const char *id) { return id ? cw_hash(id, strlen(id)) : 0; }

/* Adds the key of a new row of table t (hash: key_hash(id)); rejects a
 * duplicate. Sets *row. */
static int add_key_h(cw_dataset *ds, int t, const char *id, uint64_t hash, const char *column, cw_ref *row,
                     cw_rowerr *err)
{
	if (!id || !*id)
		return reject(err, column, "%s is required", column);
	size_t len = strlen(id);
	cw_ref r = grow(ds, t);
	if (r == CW_NONE)
		return oom(err);
	cw_str *ids = (cw_str *)cw_dataset_ids(ds, t);
	cw_str s = cw_pool_add(&ds->pool, id, len);
	if (s == CW_NONE)
		return oom(err);
	ids[r] = s;
	cw_ref old = cw_idmap_insert_h(&ds->map[t], &ds->pool, ids, id, len, hash, r);
	if (old == CW_NONE - 1)
		return oom(err);
	if (old != CW_NONE) {
		ds->pool.len = s; /* take back the copy */
		return reject(err, column, "duplicate %s '%s' (already in %s)", column, id, cw_table_name(t));
	}
	*row = r;
	return 0;
}

static int add_key(cw_dataset *ds, int t, const char *id, const char *column, cw_ref *row, cw_rowerr *err)
{
	return add_key_h(ds, t, id, key_hash(id), column, row, err);
}

#define W(ptr) ((void *)(ptr)) /* the builder writes the columns the views expose read-only */

int cw_builder_add_institution(cw_rowerr *err, cw_builder *b, const cw_institution_row *x)
{
	cw_dataset *ds = b->ds;
	cw_ref r;
	if (x->level < 1 || x->level > 3)
		return reject(err, "level", "level %d is not 1, 2 or 3", x->level);
	if (!x->name)
		return reject(err, "name", "name is required");
	int rc = add_key(ds, CW_T_INSTITUTIONS, x->inst_id, "inst_id", &r, err);
	if (rc < 0)
		return rc;
	if ((rc = put_text(ds, ds->inst.name, r, x->name, 1, err)) < 0 ||
	    (rc = put_text(ds, ds->inst.region, r, x->region && *x->region ? x->region : NULL, 1, err)) < 0)
		return rc;
	((uint8_t *)W(ds->inst.level))[r] = (uint8_t)x->level;
	ds->store[CW_T_INSTITUTIONS].n++;
	ds->month_rows[CW_T_INSTITUTIONS]++;
	return 0;
}

int cw_builder_add_department(cw_rowerr *err, cw_builder *b, const cw_department_row *x)
{
	cw_dataset *ds = b->ds;
	cw_ref r, inst;
	int rc = need_ref(ds, CW_T_INSTITUTIONS, x->inst_id, "inst_id", &inst, err);
	if (rc < 0)
		return rc;
	if (!x->name)
		return reject(err, "name", "name is required");
	if (!x->specialty)
		return reject(err, "specialty", "specialty is required");
	if ((rc = add_key(ds, CW_T_DEPARTMENTS, x->dept_id, "dept_id", &r, err)) < 0)
		return rc;
	if ((rc = put_text(ds, ds->dept.name, r, x->name, 1, err)) < 0 ||
	    (rc = put_text(ds, ds->dept.specialty, r, x->specialty, 1, err)) < 0)
		return rc;
	((cw_ref *)W(ds->dept.inst))[r] = inst;
	ds->store[CW_T_DEPARTMENTS].n++;
	ds->month_rows[CW_T_DEPARTMENTS]++;
	return 0;
}

int cw_builder_add_physician(cw_rowerr *err, cw_builder *b, const cw_physician_row *x)
{
	cw_dataset *ds = b->ds;
	cw_ref r, inst, dept;
	int rc;
	if ((rc = need_ref(ds, CW_T_INSTITUTIONS, x->inst_id, "inst_id", &inst, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_DEPARTMENTS, x->dept_id, "dept_id", &dept, err)) < 0)
		return rc;
	if (ds->dept.inst[dept] != inst)
		return reject(err, "dept_id", "department '%s' belongs to institution '%s', not '%s'", x->dept_id,
		              cw_pool_get(&ds->pool, ds->inst.id[ds->dept.inst[dept]]), x->inst_id);
	if (!x->name)
		return reject(err, "name", "name is required");
	if ((rc = add_key(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &r, err)) < 0)
		return rc;
	if ((rc = put_text(ds, ds->phys.name, r, x->name, 0, err)) < 0 ||
	    (rc = put_text(ds, ds->phys.title, r, x->title, 1, err)) < 0)
		return rc;
	((cw_ref *)W(ds->phys.inst))[r] = inst;
	((cw_ref *)W(ds->phys.dept))[r] = dept;
	ds->store[CW_T_PHYSICIANS].n++;
	ds->month_rows[CW_T_PHYSICIANS]++;
	return 0;
}

static int resolve_patient(const cw_patient_row *x, cw_patient_res *o, cw_rowerr *err)
{
	if (x->sex != CW_SEX_M && x->sex != CW_SEX_F && x->sex != CW_SEX_U)
		return reject(err, "sex", "sex must be M, F or U");
	if (x->death != CW_DAY_NONE && x->birth != CW_DAY_NONE && x->death < x->birth)
		return reject(err, "death_date", "death_date is before birth_date");
	o->id = x->patient_id;
	o->hash = key_hash(x->patient_id);
	o->sex = x->sex;
	o->birth = x->birth;
	o->death = x->death;
	return 0;
}

static int commit_patient(cw_dataset *ds, const cw_patient_res *o, cw_rowerr *err)
{
	cw_ref r;
	int rc = add_key_h(ds, CW_T_PATIENTS, o->id, o->hash, "patient_id", &r, err);
	if (rc < 0)
		return rc;
	((uint8_t *)W(ds->pat.sex))[r] = (uint8_t)o->sex;
	((cw_day *)W(ds->pat.birth))[r] = o->birth;
	((cw_day *)W(ds->pat.death))[r] = o->death;
	ds->store[CW_T_PATIENTS].n++;
	ds->month_rows[CW_T_PATIENTS]++;
	return 0;
}

int cw_builder_add_patient(cw_rowerr *err, cw_builder *b, const cw_patient_row *x)
{
	cw_patient_res o = { 0 };
	int rc = resolve_patient(x, &o, err);
	return rc ? rc : commit_patient(b->ds, &o, err);
}

int cw_builder_add_item(cw_rowerr *err, cw_builder *b, const cw_item_row *x)
{
	cw_dataset *ds = b->ds;
	cw_ref r;
	if (x->category < 0 || x->category >= CW_CAT_COUNT)
		return reject(err, "category", "unknown category");
	if (!x->name)
		return reject(err, "name", "name is required");
	if (x->std_price == CW_FEN_NONE || x->std_price < 0)
		return reject(err, "std_price", "std_price must be a money amount of 0 or more");
	if (x->age_min != CW_INT_NONE && x->age_max != CW_INT_NONE && x->age_min > x->age_max)
		return reject(err, "age_max", "age_max %d is below age_min %d", (int)x->age_max, (int)x->age_min);
	if (x->min_level < 0 || x->min_level > 3)
		return reject(err, "min_level", "min_level must be 1, 2 or 3");
	if (x->sex_only != CW_SEX_NONE && x->sex_only != CW_SEX_M && x->sex_only != CW_SEX_F)
		return reject(err, "sex_only", "sex_only must be M or F");
	if (x->setting < CW_SETTING_ANY || x->setting > CW_SETTING_INPATIENT)
		return reject(err, "setting", "setting must be outpatient or inpatient");
	if (x->catalogue_class < CW_CLASS_UNKNOWN || x->catalogue_class > CW_CLASS_C)
		return reject(err, "catalogue_class", "catalogue_class must be 甲, 乙, 丙, A, B, C, 1, 2 or 3");
	int rc = add_key(ds, CW_T_ITEMS, x->item_code, "item_code", &r, err);
	if (rc < 0)
		return rc;
	if ((rc = put_text(ds, ds->items.name, r, x->name, 0, err)) < 0 ||
	    (rc = put_text(ds, ds->items.unit, r, x->unit, 1, err)) < 0)
		return rc;
	((uint8_t *)W(ds->items.category))[r] = (uint8_t)x->category;
	((cw_fen *)W(ds->items.std_price))[r] = x->std_price;
	((uint8_t *)W(ds->items.large_equipment))[r] = (uint8_t)!!x->large_equipment;
	((uint8_t *)W(ds->items.antibiotic))[r] = (uint8_t)!!x->antibiotic;
	((int32_t *)W(ds->items.retest_hours))[r] = x->retest_hours;
	((cw_qty *)W(ds->items.max_daily_qty))[r] = x->max_daily_qty;
	((uint8_t *)W(ds->items.sex_only))[r] = (uint8_t)x->sex_only;
	((int32_t *)W(ds->items.age_min))[r] = x->age_min;
	((int32_t *)W(ds->items.age_max))[r] = x->age_max;
	((uint8_t *)W(ds->items.min_level))[r] = (uint8_t)x->min_level;
	((uint8_t *)W(ds->items.setting))[r] = (uint8_t)x->setting;
	((uint8_t *)W(ds->items.uncatalogued))[r] = 0;
	((uint8_t *)W(ds->items.catalogue_class))[r] = (uint8_t)x->catalogue_class;
	((uint8_t *)W(ds->items.essential))[r] = (uint8_t)!!x->essential;
	ds->store[CW_T_ITEMS].n++;
	ds->month_rows[CW_T_ITEMS]++;
	return 0;
}

int cw_builder_add_bundle(cw_rowerr *err, cw_builder *b, const cw_bundle_row *x)
{
	cw_dataset *ds = b->ds;
	cw_ref parent, child;
	int rc;
	if ((rc = need_ref(ds, CW_T_ITEMS, x->bundle_code, "bundle_code", &parent, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_ITEMS, x->component_code, "component_code", &child, err)) < 0)
		return rc;
	if (parent == child)
		return reject(err, "component_code", "bundle '%s' cannot contain itself", x->bundle_code);
	rc = cw_u64set_insert(&b->bundle_keys, (uint64_t)parent << 32 | child);
	if (rc < 0)
		return oom(err);
	if (rc == 0)
		return reject(err, "component_code", "duplicate bundle pair '%s' -> '%s'", x->bundle_code,
		              x->component_code);
	cw_ref r = grow(ds, CW_T_BUNDLES);
	if (r == CW_NONE)
		return oom(err);
	ds->bundle_parent[r] = parent;
	ds->bundle_child[r] = child;
	ds->store[CW_T_BUNDLES].n++;
	ds->month_rows[CW_T_BUNDLES]++;
	return 0;
}

static int resolve_visit(const cw_dataset *ds, const cw_visit_row *x, cw_visit_res *o, cw_ref_cache *c,
                         cw_rowerr *err)
{
	int rc;
	if ((rc = need_ref(ds, CW_T_PATIENTS, x->patient_id, "patient_id", &o->patient, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_INSTITUTIONS, x->inst_id, "inst_id", &o->inst, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_DEPARTMENTS, x->dept_id, "dept_id", &o->dept, err)) < 0 ||
	    (rc = need_ref_memo(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &o->physician, &c->phys, err)) < 0)
		return rc;
	if (ds->dept.inst[o->dept] != o->inst)
		return reject(err, "dept_id", "department '%s' belongs to institution '%s', not '%s'", x->dept_id,
		              cw_pool_get(&ds->pool, ds->inst.id[ds->dept.inst[o->dept]]), x->inst_id);
	if (x->kind < 0 || x->kind >= CW_KIND_COUNT)
		return reject(err, "kind", "kind must be outpatient, emergency or inpatient");
	if (x->admit == CW_MINUTE_NONE)
		return reject(err, "admit_time", "admit_time is required");
	if (x->discharge != CW_MINUTE_NONE && x->discharge < x->admit)
		return reject(err, "discharge_time", "discharge_time is before admit_time");
	if (!x->dx_code || !*x->dx_code)
		return reject(err, "dx_code", "dx_code is required");
	o->id = x->visit_id;
	o->hash = key_hash(x->visit_id);
	o->dx_code = x->dx_code;
	o->dx_name = x->dx_name;
	o->kind = (uint8_t)x->kind;
	o->admit = x->admit;
	o->discharge = x->discharge;
	return 0;
}

static int commit_visit(cw_dataset *ds, const cw_visit_res *o, cw_rowerr *err)
{
	cw_ref r;
	int rc = add_key_h(ds, CW_T_VISITS, o->id, o->hash, "visit_id", &r, err);
	if (rc < 0)
		return rc;
	((cw_ref *)W(ds->visits.patient))[r] = o->patient;
	((cw_ref *)W(ds->visits.inst))[r] = o->inst;
	((cw_ref *)W(ds->visits.dept))[r] = o->dept;
	((cw_ref *)W(ds->visits.physician))[r] = o->physician;
	((uint8_t *)W(ds->visits.kind))[r] = o->kind;
	((cw_minute *)W(ds->visits.admit))[r] = o->admit;
	((cw_minute *)W(ds->visits.discharge))[r] = o->discharge;
	if ((rc = put_text(ds, ds->visits.dx_code, r, o->dx_code, 1, err)) < 0 ||
	    (rc = put_text(ds, ds->visits.dx_name, r, o->dx_name, 1, err)) < 0)
		return rc;
	ds->store[CW_T_VISITS].n++;
	ds->month_rows[CW_T_VISITS] += o->admit >= ds->win.month_start && o->admit < ds->win.month_end;
	return 0;
}

int cw_builder_add_visit(cw_rowerr *err, cw_builder *b, const cw_visit_row *x)
{
	cw_visit_res o = { 0 };
	int rc = resolve_visit(b->ds, x, &o, &b->cache, err);
	return rc ? rc : commit_visit(b->ds, &o, err);
}

static int mark_visit_used(cw_builder *b, cw_ref v)
{
	if (v >= b->visit_used_cap) {
		size_t cap = cw_grown(b->visit_used_cap, (size_t)v + 1, 1024);
		uint8_t *u = realloc(b->visit_used, cap);
		if (!u)
			return CW_ENOMEM;
		memset(u + b->visit_used_cap, 0, cap - b->visit_used_cap);
		b->visit_used = u;
		b->visit_used_cap = cap;
	}
	b->visit_used[v] = 1;
	return 0;
}

static int in_window(const cw_window *w, cw_minute t)
{
	return t >= w->window_start && t < w->month_end;
}

/* Data contract 2: who paid a line. fund_amount and self_amount (each optional) carry the sign of
 * amount (negative only on a refund line, zero on a zero line) and together are at most its size; the
 * rest is out of the fund's scope. The column named is the one that breaks the rule. */
static int check_pay(const cw_claim_row *x, cw_rowerr *err)
{
	static const char *const names[2] = { "fund_amount", "self_amount" };
	cw_fen part[2] = { x->fund, x->self_pay };
	/* sizes in unsigned arithmetic: a caller of the public builder (or a damaged store) may pass any
	 * value, and neither negating INT64_MIN nor adding two large parts may overflow */
	uint64_t size = x->amount < 0 ? 0 - (uint64_t)x->amount : (uint64_t)x->amount, sum = 0;
	for (int k = 0; k < 2; k++) {
		if (part[k] == CW_FEN_NONE)
			continue;
		if ((part[k] < 0 && x->amount >= 0) || (part[k] > 0 && x->amount <= 0))
			return reject(err, names[k], "%s must have the sign of amount (negative only on a refund line)",
			              names[k]);
		uint64_t mag = part[k] < 0 ? 0 - (uint64_t)part[k] : (uint64_t)part[k];
		if (mag > size || sum > size - mag)
			return reject(err, names[k], "fund_amount + self_amount is more than amount");
		sum += mag;
	}
	return 0;
}

static int resolve_claim(const cw_dataset *ds, const cw_claim_row *x, cw_claim_res *o, cw_ref_cache *c,
                         cw_rowerr *err)
{
	cw_ref phys = CW_NONE;
	int rc;
	if (x->time == CW_MINUTE_NONE)
		return reject(err, "service_time", "service_time is required");
	if (!in_window(&ds->win, x->time))
		return CW_SKIP;
	if ((rc = need_ref_memo(ds, CW_T_VISITS, x->visit_id, "visit_id", &o->visit, &c->visit, err)) < 0)
		return rc;
	if (!x->item_code || !*x->item_code)
		return reject(err, "item_code", "item_code is required");
	/* a code outside the catalogue is kept: a finding (self_created_item), not a reject */
	o->item = lookup(ds, CW_T_ITEMS, x->item_code);
	o->item_code = o->item == CW_NONE ? x->item_code : NULL;
	if (x->physician_id && *x->physician_id &&
	    (rc = need_ref_memo(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &phys, &c->phys, err)) < 0)
		return rc;
	if (x->qty == CW_QTY_NONE)
		return reject(err, "qty", "qty is required");
	if (x->unit_price == CW_FEN_NONE || x->unit_price < 0)
		return reject(err, "unit_price", "unit_price must be a money amount of 0 or more");
	if (x->amount == CW_FEN_NONE)
		return reject(err, "amount", "amount is required");
	if (x->amount < 0 && x->qty >= 0)
		return reject(err, "amount", "a negative amount is allowed only on a refund line, whose qty is negative");
	if (x->qty < 0 && x->amount > 0)
		return reject(err, "qty", "a negative qty is allowed only on a refund line, whose amount is negative");
	if ((rc = check_pay(x, err)) < 0)
		return rc;
	o->id = x->line_id;
	o->hash = key_hash(x->line_id);
	o->patient = ds->visits.patient[o->visit];
	o->physician = phys != CW_NONE ? phys : ds->visits.physician[o->visit];
	o->time = x->time;
	o->qty = x->qty;
	o->unit_price = x->unit_price;
	o->amount = x->amount;
	o->fund = x->fund;
	o->self_pay = x->self_pay;
	o->flags = (uint8_t)((x->qty < 0 ? CW_LINE_REFUND : 0) | (x->time >= ds->win.month_start ? CW_LINE_IN_MONTH : 0));
	return 0;
}

/* Remembers that line r bills `code`, which items does not have (its item is set in cw_finish). */
static int note_unknown_item(cw_builder *b, cw_ref r, const char *code)
{
	cw_str s = cw_pool_intern(&b->ds->pool, code, strlen(code));
	if (s == CW_NONE || cw_grow((void **)&b->unknown, &b->unknown_cap, b->nunknown + 1, sizeof *b->unknown) < 0)
		return CW_ENOMEM;
	b->unknown[b->nunknown++] = (struct cw_unknown_item){ r, s };
	return 0;
}

/* A new item row for an uncatalogued code billed at unit_price: category other, named by its code,
 * without limits or restrictions. */
static cw_ref add_uncatalogued_item(cw_dataset *ds, const char *code, cw_fen unit_price)
{
	cw_ref r = CW_NONE;
	if (add_key(ds, CW_T_ITEMS, code, "item_code", &r, NULL) < 0 ||
	    put_text(ds, ds->items.name, r, code, 0, NULL) < 0)
		return CW_NONE;
	((cw_str *)W(ds->items.unit))[r] = CW_NONE;
	((uint8_t *)W(ds->items.category))[r] = CW_CAT_OTHER;
	((cw_fen *)W(ds->items.std_price))[r] = unit_price;
	((uint8_t *)W(ds->items.large_equipment))[r] = 0;
	((uint8_t *)W(ds->items.antibiotic))[r] = 0;
	((int32_t *)W(ds->items.retest_hours))[r] = CW_INT_NONE;
	((cw_qty *)W(ds->items.max_daily_qty))[r] = CW_QTY_NONE;
	((uint8_t *)W(ds->items.sex_only))[r] = CW_SEX_NONE;
	((int32_t *)W(ds->items.age_min))[r] = CW_INT_NONE;
	((int32_t *)W(ds->items.age_max))[r] = CW_INT_NONE;
	((uint8_t *)W(ds->items.min_level))[r] = 0;
	((uint8_t *)W(ds->items.setting))[r] = CW_SETTING_ANY;
	((uint8_t *)W(ds->items.uncatalogued))[r] = 1;
	((uint8_t *)W(ds->items.catalogue_class))[r] = CW_CLASS_UNKNOWN;
	((uint8_t *)W(ds->items.essential))[r] = 0;
	ds->store[CW_T_ITEMS].n++;
	return r; /* not a row of the items file: month_rows unchanged */
}

int cw_builder_add_uncatalogued(cw_builder *b)
{
	cw_dataset *ds = b->ds;
	for (size_t k = 0; k < b->nunknown; k++) {
		cw_ref line = b->unknown[k].line;
		const char *code = cw_pool_get(&ds->pool, b->unknown[k].code);
		cw_fen price = ds->claims.unit_price[line];
		cw_ref item = lookup(ds, CW_T_ITEMS, code);
		if (item == CW_NONE && (item = add_uncatalogued_item(ds, code, price)) == CW_NONE)
			return cw_error_set(CW_ENOMEM, "out of memory adding the items not in the catalogue");
		if (ds->items.uncatalogued[item] && price > ds->items.std_price[item])
			((cw_fen *)W(ds->items.std_price))[item] = price;
		((cw_ref *)W(ds->claims.item))[line] = item;
		ds->stats.unknown_item_lines++;
		ds->stats.unknown_item_lines_in_month += (ds->claims.flags[line] & CW_LINE_IN_MONTH) != 0;
	}
	free(b->unknown);
	b->unknown = NULL;
	b->nunknown = b->unknown_cap = 0;
	return 0;
}

static int commit_claim(cw_builder *b, const cw_claim_res *o, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_ref r;
	int rc = add_key_h(ds, CW_T_CLAIMS, o->id, o->hash, "line_id", &r, err);
	if (rc < 0)
		return rc;
	if (mark_visit_used(b, o->visit) < 0)
		return oom(err);
	((cw_ref *)W(ds->claims.visit))[r] = o->visit;
	((cw_ref *)W(ds->claims.patient))[r] = o->patient;
	((cw_ref *)W(ds->claims.item))[r] = o->item;
	((cw_ref *)W(ds->claims.physician))[r] = o->physician;
	((cw_minute *)W(ds->claims.time))[r] = o->time;
	((cw_qty *)W(ds->claims.qty))[r] = o->qty;
	((cw_fen *)W(ds->claims.unit_price))[r] = o->unit_price;
	((cw_fen *)W(ds->claims.amount))[r] = o->amount;
	((uint8_t *)W(ds->claims.result))[r] = CW_RESULT_NONE;
	((uint8_t *)W(ds->claims.flags))[r] = o->flags;
	((cw_fen *)W(ds->claims.fund))[r] = o->fund;
	((cw_fen *)W(ds->claims.self_pay))[r] = o->self_pay;
	if (o->item == CW_NONE && note_unknown_item(b, r, o->item_code) < 0)
		return oom(err);
	ds->store[CW_T_CLAIMS].n++;
	ds->month_rows[CW_T_CLAIMS] += (o->flags & CW_LINE_IN_MONTH) != 0;
	return 0;
}

int cw_builder_add_claim(cw_rowerr *err, cw_builder *b, const cw_claim_row *x)
{
	cw_claim_res o = { 0 };
	int rc = resolve_claim(b->ds, x, &o, &b->cache, err);
	return rc ? rc : commit_claim(b, &o, err);
}

static int resolve_rx(const cw_dataset *ds, const cw_rx_row *x, cw_rx_res *o, cw_ref_cache *c, cw_rowerr *err)
{
	int rc;
	if (x->time == CW_MINUTE_NONE)
		return reject(err, "rx_time", "rx_time is required");
	if (!in_window(&ds->win, x->time))
		return CW_SKIP;
	if (!x->rx_id || !*x->rx_id)
		return reject(err, "rx_id", "rx_id is required");
	if ((rc = need_ref_memo(ds, CW_T_VISITS, x->visit_id, "visit_id", &o->visit, &c->visit, err)) < 0 ||
	    (rc = need_ref_memo(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &o->physician, &c->phys, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_ITEMS, x->drug_code, "drug_code", &o->drug, err)) < 0)
		return rc;
	if (x->line_no == CW_INT_NONE || x->line_no < 0)
		return reject(err, "line_no", "line_no must be an integer of 0 or more");
	if (x->qty == CW_QTY_NONE || x->qty < 0)
		return reject(err, "qty", "qty must be 0 or more on a prescription");
	if (x->days_supply == CW_INT_NONE || x->days_supply < 0)
		return reject(err, "days_supply", "days_supply must be an integer of 0 or more");
	if (x->amount == CW_FEN_NONE || x->amount < 0)
		return reject(err, "amount", "amount must be a money amount of 0 or more on a prescription");
	o->rx_id = x->rx_id;
	o->id_hash = key_hash(x->rx_id);
	o->key_hash = (o->id_hash ^ (uint64_t)(uint32_t)x->line_no * 0x9E3779B97F4A7C15ull) * 0xbf58476d1ce4e5b9ull;
	o->key_hash ^= o->key_hash >> 32;
	o->line_no = x->line_no;
	o->days_supply = x->days_supply;
	o->time = x->time;
	o->qty = x->qty;
	o->amount = x->amount;
	return 0;
}

typedef struct rx_key {
	const cw_dataset *ds;
	cw_str rx;
	int32_t line_no;
} rx_key;

static int same_rx_line(void *arg, cw_ref r)
{
	const rx_key *k = arg;
	return k->ds->rx.rx_id[r] == k->rx && k->ds->rx.line_no[r] == k->line_no;
}

/* rx_id interned; a prescription's lines come together, so mostly the last one. */
static cw_str intern_rx(cw_builder *b, const cw_rx_res *o)
{
	cw_ref_memo *m = &b->rx_last;
	size_t len = strlen(o->rx_id);
	if (m->len == len && memcmp(m->id, o->rx_id, len) == 0)
		return m->ref;
	cw_str rx = cw_pool_intern_h(&b->ds->pool, o->rx_id, len, o->id_hash);
	if (rx != CW_NONE && len <= sizeof m->id) {
		memcpy(m->id, o->rx_id, len);
		m->len = (uint8_t)len;
		m->ref = rx;
	}
	return rx;
}

static int commit_rx(cw_builder *b, const cw_rx_res *o, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_str rx = intern_rx(b, o);
	if (rx == CW_NONE)
		return oom(err);
	cw_ref r = grow(ds, CW_T_PRESCRIPTIONS);
	if (r == CW_NONE)
		return oom(err);
	rx_key k = { ds, rx, o->line_no };
	cw_ref old = cw_idmap_insert_same(&b->rx_keys, o->key_hash, r, same_rx_line, &k);
	if (old == CW_NONE - 1)
		return oom(err);
	if (old != CW_NONE)
		return reject(err, "line_no", "duplicate prescription line: rx_id '%s' line_no %d", o->rx_id,
		              (int)o->line_no);
	if (mark_visit_used(b, o->visit) < 0)
		return oom(err);
	((cw_str *)W(ds->rx.rx_id))[r] = rx;
	((int32_t *)W(ds->rx.line_no))[r] = o->line_no;
	((cw_ref *)W(ds->rx.visit))[r] = o->visit;
	((cw_ref *)W(ds->rx.physician))[r] = o->physician;
	((cw_ref *)W(ds->rx.drug))[r] = o->drug;
	((cw_minute *)W(ds->rx.time))[r] = o->time;
	((cw_qty *)W(ds->rx.qty))[r] = o->qty;
	((int32_t *)W(ds->rx.days_supply))[r] = o->days_supply;
	((cw_fen *)W(ds->rx.amount))[r] = o->amount;
	((uint8_t *)W(ds->rx.in_month))[r] = o->time >= ds->win.month_start;
	ds->store[CW_T_PRESCRIPTIONS].n++;
	ds->month_rows[CW_T_PRESCRIPTIONS] += o->time >= ds->win.month_start;
	return 0;
}

int cw_builder_add_prescription(cw_rowerr *err, cw_builder *b, const cw_rx_row *x)
{
	cw_rx_res o = { 0 };
	int rc = resolve_rx(b->ds, x, &o, &b->cache, err);
	return rc ? rc : commit_rx(b, &o, err);
}

static int resolve_result(const cw_dataset *ds, const cw_result_row *x, cw_result_res *o, cw_rowerr *err)
{
	if (!x->line_id || !*x->line_id)
		return reject(err, "line_id", "line_id is required");
	if (x->result != CW_RESULT_NEGATIVE && x->result != CW_RESULT_POSITIVE && x->result != CW_RESULT_PENDING)
		return reject(err, "result", "result must be positive, negative or pending");
	o->line = lookup(ds, CW_T_CLAIMS, x->line_id);
	if (o->line == CW_NONE)
		return CW_SKIP; /* its claim line is outside the window (or absent) */
	o->line_id = x->line_id;
	o->result = x->result;
	return 0;
}

static int commit_result(cw_dataset *ds, const cw_result_res *o, cw_rowerr *err)
{
	uint8_t *res = W(ds->claims.result);
	if (res[o->line] != CW_RESULT_NONE)
		return reject(err, "line_id", "duplicate exam result for line_id '%s'", o->line_id);
	res[o->line] = (uint8_t)o->result;
	ds->month_rows[CW_T_RESULTS] += (ds->claims.flags[o->line] & CW_LINE_IN_MONTH) != 0;
	return 0;
}

int cw_builder_add_result(cw_rowerr *err, cw_builder *b, const cw_result_row *x)
{
	cw_result_res o = { 0 };
	int rc = resolve_result(b->ds, x, &o, err);
	return rc ? rc : commit_result(b->ds, &o, err);
}

/* --- the two halves, by table ----------------------------------------------- */

int cw_builder_splits(int table)
{
	return table == CW_T_PATIENTS || table == CW_T_VISITS || table == CW_T_CLAIMS || table == CW_T_PRESCRIPTIONS ||
	       table == CW_T_RESULTS;
}

int cw_builder_resolve(cw_row_res *out, cw_rowerr *err, const cw_builder *b, int table, const void *row,
                       cw_ref_cache *cache)
{
	switch (table) {
	case CW_T_PATIENTS: return resolve_patient(row, &out->pat, err);
	case CW_T_VISITS: return resolve_visit(b->ds, row, &out->visit, cache, err);
	case CW_T_CLAIMS: return resolve_claim(b->ds, row, &out->claim, cache, err);
	case CW_T_PRESCRIPTIONS: return resolve_rx(b->ds, row, &out->rx, cache, err);
	case CW_T_RESULTS: return resolve_result(b->ds, row, &out->result, err);
	default: return cw_error_set(CW_ERROR, "internal: %s is not added in halves", cw_table_name(table));
	}
}

int cw_builder_commit(cw_rowerr *err, cw_builder *b, int table, const cw_row_res *r)
{
	switch (table) {
	case CW_T_PATIENTS: return commit_patient(b->ds, &r->pat, err);
	case CW_T_VISITS: return commit_visit(b->ds, &r->visit, err);
	case CW_T_CLAIMS: return commit_claim(b, &r->claim, err);
	case CW_T_PRESCRIPTIONS: return commit_rx(b, &r->rx, err);
	case CW_T_RESULTS: return commit_result(b->ds, &r->result, err);
	default: return cw_error_set(CW_ERROR, "internal: %s is not added in halves", cw_table_name(table));
	}
}

/* The main reference of a typed row: its table and id; 0 when none (or the
 * memo has it). */
static int main_ref(int table, const void *x, const cw_ref_cache *c, int *t, const char **id)
{
	const cw_ref_memo *memo = NULL;
	switch (table) {
	case CW_T_CLAIMS: *t = CW_T_VISITS; *id = ((const cw_claim_row *)x)->visit_id; memo = &c->visit; break;
	case CW_T_PRESCRIPTIONS: *t = CW_T_VISITS; *id = ((const cw_rx_row *)x)->visit_id; memo = &c->visit; break;
	case CW_T_VISITS: *t = CW_T_PATIENTS; *id = ((const cw_visit_row *)x)->patient_id; break;
	case CW_T_RESULTS: *t = CW_T_CLAIMS; *id = ((const cw_result_row *)x)->line_id; break;
	default: return 0;
	}
	if (!*id)
		return 0;
	size_t len = strlen(*id);
	return !(memo && memo->len == len && memcmp(memo->id, *id, len) == 0);
}

void cw_builder_prefetch_refs(const cw_builder *b, int table, const void *x, const cw_ref_cache *c, int stage)
{
	const cw_dataset *ds = b->ds;
	int t;
	const char *id;
	if (!main_ref(table, x, c, &t, &id))
		return;
	uint64_t h = key_hash(id);
	if (stage == 0) {
		cw_idmap_prefetch_find(&ds->map[t], h);
		return;
	}
	cw_ref r = cw_idmap_prefetch_key(&ds->map[t], &ds->pool, cw_dataset_ids(ds, t), h);
	if (r != CW_NONE && t == CW_T_VISITS) {
		__builtin_prefetch(&ds->visits.patient[r]);
		__builtin_prefetch(&ds->visits.physician[r]);
	}
}

void cw_builder_prefetch(const cw_builder *b, int table, const cw_row_res *r)
{
	if (table == CW_T_CLAIMS)
		cw_idmap_prefetch(&b->ds->map[CW_T_CLAIMS], r->claim.hash);
	else if (table == CW_T_VISITS)
		cw_idmap_prefetch(&b->ds->map[CW_T_VISITS], r->visit.hash);
	else if (table == CW_T_PATIENTS)
		cw_idmap_prefetch(&b->ds->map[CW_T_PATIENTS], r->pat.hash);
	else if (table == CW_T_PRESCRIPTIONS) {
		cw_idmap_prefetch(&b->rx_keys, r->rx.key_hash);
		cw_pool_prefetch_intern(&b->ds->pool, r->rx.id_hash);
	}
}

const char **cw_row_res_string(int table, cw_row_res *r, int i)
{
	switch (table) {
	case CW_T_PATIENTS: return i == 0 ? &r->pat.id : NULL;
	case CW_T_VISITS: return i == 0 ? &r->visit.id : i == 1 ? &r->visit.dx_code : i == 2 ? &r->visit.dx_name : NULL;
	case CW_T_CLAIMS: return i == 0 ? &r->claim.id : i == 1 ? &r->claim.item_code : NULL;
	case CW_T_PRESCRIPTIONS: return i == 0 ? &r->rx.rx_id : NULL;
	case CW_T_RESULTS: return i == 0 ? &r->result.line_id : NULL;
	default: return NULL;
	}
}

cw_pool *cw_builder_pool(cw_builder *b) { return &b->ds->pool; }

uint64_t cw_builder_month_rows(const cw_builder *b, int table) { return b->ds->month_rows[table]; }

int cw_builder_period(const cw_builder *b, cw_minute from, cw_minute to, cw_month *month)
{
	const cw_window *w = &b->ds->win;
	if (month)
		*month = cw_month_of(from);
	if (from >= w->month_end)
		return CW_PERIOD_OTHER;
	if (from >= w->month_start)
		return CW_PERIOD_MONTH;
	return to > w->window_start ? CW_PERIOD_LOOKBACK : CW_PERIOD_OTHER;
}

int cw_builder_line_period(const cw_builder *b, const char *line_id, size_t len, cw_month *month)
{
	const cw_dataset *ds = b->ds;
	cw_ref r = cw_idmap_find(&ds->map[CW_T_CLAIMS], &ds->pool, ds->claims.id, line_id, len);
	if (r == CW_NONE) {
		*month = (cw_month){ 0, 0 };
		return CW_PERIOD_OTHER;
	}
	return cw_builder_period(b, ds->claims.time[r], ds->claims.time[r] + 1, month);
}

void cw_builder_snapshot(cw_builder *bcopy, cw_dataset *dcopy, const cw_builder *b)

{
	*dcopy = *b->ds;
	*bcopy = *b;
	bcopy->ds = dcopy;
}

int cw_builder_finish(cw_dataset **out, cw_builder *b)
{
	int rc = cw_finish(b);
	if (rc == 0) {
		*out = b->ds;
		b->ds = NULL;
	}
	cw_builder_free(b);
	return rc;
}
