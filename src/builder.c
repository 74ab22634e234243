/* builder.c: taking rows into a dataset, with the contract's reference and consistency checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset_impl.h"

static int reject(cw_rowerr *err, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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
	cw_u64set_free(&b->rx_keys);
	cw_u64set_free(&b->bundle_keys);
	free(b->visit_used);
	free(b);
}

const cw_window *cw_builder_window(const cw_builder *b) { return &b->ds->win; }

int cw_builder_expect(cw_builder *b, int table, size_t rows)
{
	cw_dataset *ds = b->ds;
	if (table < 0 || table >= CW_T_COUNT)
		return cw_error_set(CW_EINVALID, "no such table");
	if (rows > (size_t)CW_NONE / 2)
		rows = (size_t)CW_NONE / 2;
	cw_idmap *m = &ds->map[table];
	if (m->used == 0 && rows * 4 > m->nslots * 3 && table != CW_T_BUNDLES && table != CW_T_PRESCRIPTIONS &&
	    table != CW_T_RESULTS) {
		cw_idmap_free(m);
		if (cw_idmap_init(m, rows) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory sizing the %s index", cw_table_name(table));
	}
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

static const cw_str *ids_of(cw_dataset *ds, int t)
{
	switch (t) {
	case CW_T_INSTITUTIONS: return ds->inst.id;
	case CW_T_DEPARTMENTS: return ds->dept.id;
	case CW_T_PHYSICIANS: return ds->phys.id;
	case CW_T_PATIENTS: return ds->pat.id;
	case CW_T_ITEMS: return ds->items.code;
	case CW_T_VISITS: return ds->visits.id;
	case CW_T_CLAIMS: return ds->claims.id;
	default: return NULL;
	}
}

/* Looks up a reference; CW_NONE when id is NULL or unknown. */
static cw_ref lookup(cw_dataset *ds, int t, const char *id)
{
	if (!id)
		return CW_NONE;
	return cw_idmap_find(&ds->map[t], &ds->pool, ids_of(ds, t), id, strlen(id));
}

static int need_ref(cw_dataset *ds, int t, const char *id, const char *column, cw_ref *out, cw_rowerr *err)
{
	if (!id || !*id)
		return reject(err, column, "%s is required", column);
	*out = lookup(ds, t, id);
	if (*out == CW_NONE)
		return reject(err, column, "unknown %s '%s' (not in %s)", column, id, cw_table_name(t));
	return 0;
}

static cw_str text(cw_dataset *ds, const char *s, int intern)
{
	if (!s)
		return CW_NONE;
	size_t n = strlen(s);
	return intern ? cw_pool_intern(&ds->pool, s, n) : cw_pool_add(&ds->pool, s, n);
}

/* Adds the key of a new row of table t; rejects a duplicate. Sets *row. */
static int add_key(cw_dataset *ds, int t, const char *id, const char *column, cw_ref *row, cw_rowerr *err)
{
	if (!id || !*id)
		return reject(err, column, "%s is required", column);
	size_t len = strlen(id);
	cw_ref r = grow(ds, t);
	if (r == CW_NONE)
		return oom(err);
	cw_str *ids = (cw_str *)ids_of(ds, t);
	cw_str s = cw_pool_add(&ds->pool, id, len);
	if (s == CW_NONE)
		return oom(err);
	ids[r] = s;
	cw_ref old = cw_idmap_insert(&ds->map[t], &ds->pool, ids, id, len, r);
	if (old == CW_NONE - 1)
		return oom(err);
	if (old != CW_NONE) {
		ds->pool.len = s; /* take back the copy */
		return reject(err, column, "duplicate %s '%s' (already in %s)", column, id, cw_table_name(t));
	}
	*row = r;
	return 0;
}

#define W(ptr) ((void *)(ptr)) /* the builder writes the columns the views expose read-only */

int cw_builder_add_institution(cw_builder *b, const cw_institution_row *x, cw_rowerr *err)
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
	((cw_str *)W(ds->inst.name))[r] = text(ds, x->name, 1);
	((uint8_t *)W(ds->inst.level))[r] = (uint8_t)x->level;
	ds->store[CW_T_INSTITUTIONS].n++;
	return 0;
}

int cw_builder_add_department(cw_builder *b, const cw_department_row *x, cw_rowerr *err)
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
	((cw_str *)W(ds->dept.name))[r] = text(ds, x->name, 1);
	((cw_str *)W(ds->dept.specialty))[r] = text(ds, x->specialty, 1);
	((cw_ref *)W(ds->dept.inst))[r] = inst;
	ds->store[CW_T_DEPARTMENTS].n++;
	return 0;
}

int cw_builder_add_physician(cw_builder *b, const cw_physician_row *x, cw_rowerr *err)
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
	((cw_str *)W(ds->phys.name))[r] = text(ds, x->name, 0);
	((cw_str *)W(ds->phys.title))[r] = text(ds, x->title, 1);
	((cw_ref *)W(ds->phys.inst))[r] = inst;
	((cw_ref *)W(ds->phys.dept))[r] = dept;
	ds->store[CW_T_PHYSICIANS].n++;
	return 0;
}

int cw_builder_add_patient(cw_builder *b, const cw_patient_row *x, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_ref r;
	if (x->sex != CW_SEX_M && x->sex != CW_SEX_F && x->sex != CW_SEX_U)
		return reject(err, "sex", "sex must be M, F or U");
	int rc = add_key(ds, CW_T_PATIENTS, x->patient_id, "patient_id", &r, err);
	if (rc < 0)
		return rc;
	((uint8_t *)W(ds->pat.sex))[r] = (uint8_t)x->sex;
	((cw_day *)W(ds->pat.birth))[r] = x->birth;
	ds->store[CW_T_PATIENTS].n++;
	return 0;
}

int cw_builder_add_item(cw_builder *b, const cw_item_row *x, cw_rowerr *err)
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
	int rc = add_key(ds, CW_T_ITEMS, x->item_code, "item_code", &r, err);
	if (rc < 0)
		return rc;
	((cw_str *)W(ds->items.name))[r] = text(ds, x->name, 0);
	((cw_str *)W(ds->items.unit))[r] = text(ds, x->unit, 1);
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
	ds->store[CW_T_ITEMS].n++;
	return 0;
}

int cw_builder_add_bundle(cw_builder *b, const cw_bundle_row *x, cw_rowerr *err)
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
	return 0;
}

int cw_builder_add_visit(cw_builder *b, const cw_visit_row *x, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_ref r, pat, inst, dept, phys;
	int rc;
	if ((rc = need_ref(ds, CW_T_PATIENTS, x->patient_id, "patient_id", &pat, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_INSTITUTIONS, x->inst_id, "inst_id", &inst, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_DEPARTMENTS, x->dept_id, "dept_id", &dept, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &phys, err)) < 0)
		return rc;
	if (ds->dept.inst[dept] != inst)
		return reject(err, "dept_id", "department '%s' belongs to institution '%s', not '%s'", x->dept_id,
		              cw_pool_get(&ds->pool, ds->inst.id[ds->dept.inst[dept]]), x->inst_id);
	if (x->kind < 0 || x->kind >= CW_KIND_COUNT)
		return reject(err, "kind", "kind must be outpatient, emergency or inpatient");
	if (x->admit == CW_MINUTE_NONE)
		return reject(err, "admit_time", "admit_time is required");
	if (x->discharge != CW_MINUTE_NONE && x->discharge < x->admit)
		return reject(err, "discharge_time", "discharge_time is before admit_time");
	if (!x->dx_code || !*x->dx_code)
		return reject(err, "dx_code", "dx_code is required");
	if ((rc = add_key(ds, CW_T_VISITS, x->visit_id, "visit_id", &r, err)) < 0)
		return rc;
	((cw_ref *)W(ds->visits.patient))[r] = pat;
	((cw_ref *)W(ds->visits.inst))[r] = inst;
	((cw_ref *)W(ds->visits.dept))[r] = dept;
	((cw_ref *)W(ds->visits.physician))[r] = phys;
	((uint8_t *)W(ds->visits.kind))[r] = (uint8_t)x->kind;
	((cw_minute *)W(ds->visits.admit))[r] = x->admit;
	((cw_minute *)W(ds->visits.discharge))[r] = x->discharge;
	((cw_str *)W(ds->visits.dx_code))[r] = text(ds, x->dx_code, 1);
	((cw_str *)W(ds->visits.dx_name))[r] = text(ds, x->dx_name, 1);
	ds->store[CW_T_VISITS].n++;
	return 0;
}

static int mark_visit_used(cw_builder *b, cw_ref v)
{
	if (v >= b->visit_used_cap) {
		size_t cap = b->visit_used_cap ? b->visit_used_cap : 1024;
		while (cap <= v)
			cap *= 2;
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

int cw_builder_add_claim(cw_builder *b, const cw_claim_row *x, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_ref r, visit, item, phys = CW_NONE;
	int rc;
	if (x->time == CW_MINUTE_NONE)
		return reject(err, "service_time", "service_time is required");
	if (!in_window(&ds->win, x->time))
		return CW_SKIP;
	if ((rc = need_ref(ds, CW_T_VISITS, x->visit_id, "visit_id", &visit, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_ITEMS, x->item_code, "item_code", &item, err)) < 0)
		return rc;
	if (x->physician_id && *x->physician_id &&
	    (rc = need_ref(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &phys, err)) < 0)
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
	if ((rc = add_key(ds, CW_T_CLAIMS, x->line_id, "line_id", &r, err)) < 0)
		return rc;
	if (mark_visit_used(b, visit) < 0)
		return oom(err);
	((cw_ref *)W(ds->claims.visit))[r] = visit;
	((cw_ref *)W(ds->claims.patient))[r] = ds->visits.patient[visit];
	((cw_ref *)W(ds->claims.item))[r] = item;
	((cw_ref *)W(ds->claims.physician))[r] = phys != CW_NONE ? phys : ds->visits.physician[visit];
	((cw_minute *)W(ds->claims.time))[r] = x->time;
	((cw_qty *)W(ds->claims.qty))[r] = x->qty;
	((cw_fen *)W(ds->claims.unit_price))[r] = x->unit_price;
	((cw_fen *)W(ds->claims.amount))[r] = x->amount;
	((uint8_t *)W(ds->claims.result))[r] = CW_RESULT_NONE;
	((uint8_t *)W(ds->claims.flags))[r] = (uint8_t)((x->qty < 0 ? CW_LINE_REFUND : 0) |
	                                               (x->time >= ds->win.month_start ? CW_LINE_IN_MONTH : 0));
	ds->store[CW_T_CLAIMS].n++;
	return 0;
}

int cw_builder_add_prescription(cw_builder *b, const cw_rx_row *x, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	cw_ref visit, phys, drug;
	int rc;
	if (x->time == CW_MINUTE_NONE)
		return reject(err, "rx_time", "rx_time is required");
	if (!in_window(&ds->win, x->time))
		return CW_SKIP;
	if (!x->rx_id || !*x->rx_id)
		return reject(err, "rx_id", "rx_id is required");
	if ((rc = need_ref(ds, CW_T_VISITS, x->visit_id, "visit_id", &visit, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_PHYSICIANS, x->physician_id, "physician_id", &phys, err)) < 0 ||
	    (rc = need_ref(ds, CW_T_ITEMS, x->drug_code, "drug_code", &drug, err)) < 0)
		return rc;
	if (x->line_no == CW_INT_NONE || x->line_no < 0)
		return reject(err, "line_no", "line_no must be an integer of 0 or more");
	if (x->qty == CW_QTY_NONE || x->qty < 0)
		return reject(err, "qty", "qty must be 0 or more on a prescription");
	if (x->days_supply == CW_INT_NONE || x->days_supply < 0)
		return reject(err, "days_supply", "days_supply must be an integer of 0 or more");
	if (x->amount == CW_FEN_NONE || x->amount < 0)
		return reject(err, "amount", "amount must be a money amount of 0 or more on a prescription");
	cw_str rx = cw_pool_intern(&ds->pool, x->rx_id, strlen(x->rx_id));
	if (rx == CW_NONE)
		return oom(err);
	rc = cw_u64set_insert(&b->rx_keys, (uint64_t)rx << 32 | (uint32_t)x->line_no);
	if (rc < 0)
		return oom(err);
	if (rc == 0)
		return reject(err, "line_no", "duplicate prescription line: rx_id '%s' line_no %d", x->rx_id,
		              (int)x->line_no);
	cw_ref r = grow(ds, CW_T_PRESCRIPTIONS);
	if (r == CW_NONE || mark_visit_used(b, visit) < 0)
		return oom(err);
	((cw_str *)W(ds->rx.rx_id))[r] = rx;
	((int32_t *)W(ds->rx.line_no))[r] = x->line_no;
	((cw_ref *)W(ds->rx.visit))[r] = visit;
	((cw_ref *)W(ds->rx.physician))[r] = phys;
	((cw_ref *)W(ds->rx.drug))[r] = drug;
	((cw_minute *)W(ds->rx.time))[r] = x->time;
	((cw_qty *)W(ds->rx.qty))[r] = x->qty;
	((int32_t *)W(ds->rx.days_supply))[r] = x->days_supply;
	((cw_fen *)W(ds->rx.amount))[r] = x->amount;
	((uint8_t *)W(ds->rx.in_month))[r] = x->time >= ds->win.month_start;
	ds->store[CW_T_PRESCRIPTIONS].n++;
	return 0;
}

int cw_builder_add_result(cw_builder *b, const cw_result_row *x, cw_rowerr *err)
{
	cw_dataset *ds = b->ds;
	if (!x->line_id || !*x->line_id)
		return reject(err, "line_id", "line_id is required");
	if (x->result != CW_RESULT_NEGATIVE && x->result != CW_RESULT_POSITIVE && x->result != CW_RESULT_PENDING)
		return reject(err, "result", "result must be positive, negative or pending");
	cw_ref line = lookup(ds, CW_T_CLAIMS, x->line_id);
	if (line == CW_NONE)
		return CW_SKIP; /* its claim line is outside the window (or absent) */
	uint8_t *res = W(ds->claims.result);
	if (res[line] != CW_RESULT_NONE)
		return reject(err, "line_id", "duplicate exam result for line_id '%s'", x->line_id);
	res[line] = (uint8_t)x->result;
	return 0;
}

int cw_builder_finish(cw_builder *b, cw_dataset **out)
{
	int rc = cw_finish(b);
	if (rc == 0) {
		*out = b->ds;
		b->ds = NULL;
	}
	cw_builder_free(b);
	return rc;
}
