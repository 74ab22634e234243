/* dataset.c: the columnar dataset's storage, accessors and the contract's enumeration names. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "claimwatch/error.h"
#include "dataset/dataset_impl.h"
#include "util/grow.h"

static const char *const category_names[CW_CAT_COUNT] = {
	"drug", "exam", "lab", "treatment", "surgery", "material", "bed", "nursing", "consult", "other"
};
static const char *const kind_names[CW_KIND_COUNT] = { "outpatient", "emergency", "inpatient" };
static const char *const table_names[CW_T_COUNT] = {
	"institutions", "departments", "physicians", "patients", "items",
	"bundles", "visits", "claim_lines", "prescriptions", "exam_results"
};

static int name_index(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

const char *cw_category_name(int c) { return c >= 0 && c < CW_CAT_COUNT ? category_names[c] : "?"; }
int cw_category_parse(const char *s, size_t len) { return name_index(category_names, CW_CAT_COUNT, s, len); }
const char *cw_visit_kind_name(int k) { return k >= 0 && k < CW_KIND_COUNT ? kind_names[k] : "?"; }
int cw_visit_kind_parse(const char *s, size_t len) { return name_index(kind_names, CW_KIND_COUNT, s, len); }
const char *cw_table_name(int t) { return t >= 0 && t < CW_T_COUNT ? table_names[t] : "?"; }

/* --- storage --------------------------------------------------------------- */
void cw_store_col(cw_store *s, void *ptr, size_t size)
{
	s->col[s->ncols].ptr = ptr;
	s->col[s->ncols].size = size;
	s->ncols++;
}

int cw_store_reserve(cw_store *s, size_t need)
{
	if (need <= s->cap)
		return 0;
	size_t cap = cw_grown(s->cap, need, 1024);
	for (int i = 0; i < s->ncols; i++) {
		void *p = realloc(*s->col[i].ptr, cap * s->col[i].size);
		if (!p)
			return cw_error_set(CW_ENOMEM, "out of memory growing a table to %zu rows", cap);
		*s->col[i].ptr = p;
	}
	s->cap = cap;
	return 0;
}

void cw_store_free(cw_store *s)
{
	for (int i = 0; i < s->ncols; i++) {
		free(*s->col[i].ptr);
		*s->col[i].ptr = NULL;
	}
	s->n = s->cap = 0;
}

int cw_store_permute(cw_store *s, const uint32_t *perm, size_t count)
{
	for (int c = 0; c < s->ncols; c++) {
		size_t size = s->col[c].size;
		char *old = *s->col[c].ptr;
		char *neu = malloc((count ? count : 1) * size);
		if (!neu)
			return cw_error_set(CW_ENOMEM, "out of memory reordering a table of %zu rows", count);
		switch (size) {
		case 1: for (size_t i = 0; i < count; i++) neu[i] = old[perm[i]]; break;
		case 4: for (size_t i = 0; i < count; i++) ((uint32_t *)neu)[i] = ((uint32_t *)old)[perm[i]]; break;
		case 8: for (size_t i = 0; i < count; i++) ((uint64_t *)neu)[i] = ((uint64_t *)old)[perm[i]]; break;
		default: for (size_t i = 0; i < count; i++) memcpy(neu + i * size, old + (size_t)perm[i] * size, size);
		}
		free(old);
		*s->col[c].ptr = neu;
	}
	s->n = s->cap = count;
	return 0;
}

int cw_dataset_own(cw_dataset *ds, void *p)
{
	if (!p)
		return cw_error_set(CW_ENOMEM, "out of memory building indexes");
	if (ds->nowned == (int)(sizeof ds->owned / sizeof ds->owned[0])) {
		free(p);
		return cw_error_set(CW_ERROR, "internal: too many dataset allocations");
	}
	ds->owned[ds->nowned++] = p;
	return 0;
}

#define COL(t, field) cw_store_col(&ds->store[t], (void *)&ds->field, sizeof *ds->field)

void cw_dataset_init_views(cw_dataset *ds)
{
	COL(CW_T_INSTITUTIONS, inst.id); COL(CW_T_INSTITUTIONS, inst.name); COL(CW_T_INSTITUTIONS, inst.level);
	COL(CW_T_INSTITUTIONS, inst.region);
	COL(CW_T_DEPARTMENTS, dept.id); COL(CW_T_DEPARTMENTS, dept.name); COL(CW_T_DEPARTMENTS, dept.specialty);
	COL(CW_T_DEPARTMENTS, dept.inst);
	COL(CW_T_PHYSICIANS, phys.id); COL(CW_T_PHYSICIANS, phys.name); COL(CW_T_PHYSICIANS, phys.title);
	COL(CW_T_PHYSICIANS, phys.inst); COL(CW_T_PHYSICIANS, phys.dept);
	COL(CW_T_PATIENTS, pat.id); COL(CW_T_PATIENTS, pat.sex); COL(CW_T_PATIENTS, pat.birth);
	COL(CW_T_PATIENTS, pat.death);
	COL(CW_T_ITEMS, items.code); COL(CW_T_ITEMS, items.name); COL(CW_T_ITEMS, items.unit);
	COL(CW_T_ITEMS, items.category); COL(CW_T_ITEMS, items.std_price); COL(CW_T_ITEMS, items.large_equipment);
	COL(CW_T_ITEMS, items.antibiotic); COL(CW_T_ITEMS, items.retest_hours); COL(CW_T_ITEMS, items.max_daily_qty);
	COL(CW_T_ITEMS, items.sex_only); COL(CW_T_ITEMS, items.age_min); COL(CW_T_ITEMS, items.age_max);
	COL(CW_T_ITEMS, items.min_level); COL(CW_T_ITEMS, items.setting);
	COL(CW_T_ITEMS, items.uncatalogued);
	COL(CW_T_ITEMS, items.catalogue_class); COL(CW_T_ITEMS, items.essential);
	COL(CW_T_BUNDLES, bundle_parent); COL(CW_T_BUNDLES, bundle_child);
	COL(CW_T_VISITS, visits.id); COL(CW_T_VISITS, visits.patient); COL(CW_T_VISITS, visits.inst);
	COL(CW_T_VISITS, visits.dept); COL(CW_T_VISITS, visits.physician); COL(CW_T_VISITS, visits.kind);
	COL(CW_T_VISITS, visits.admit); COL(CW_T_VISITS, visits.discharge); COL(CW_T_VISITS, visits.dx_code);
	COL(CW_T_VISITS, visits.dx_name);
	COL(CW_T_CLAIMS, claims.id); COL(CW_T_CLAIMS, claims.visit); COL(CW_T_CLAIMS, claims.patient);
	COL(CW_T_CLAIMS, claims.item); COL(CW_T_CLAIMS, claims.physician); COL(CW_T_CLAIMS, claims.time);
	COL(CW_T_CLAIMS, claims.qty); COL(CW_T_CLAIMS, claims.unit_price); COL(CW_T_CLAIMS, claims.amount);
	COL(CW_T_CLAIMS, claims.result); COL(CW_T_CLAIMS, claims.flags);
	COL(CW_T_CLAIMS, claims.fund); COL(CW_T_CLAIMS, claims.self_pay);
	COL(CW_T_PRESCRIPTIONS, rx.rx_id); COL(CW_T_PRESCRIPTIONS, rx.line_no); COL(CW_T_PRESCRIPTIONS, rx.visit);
	COL(CW_T_PRESCRIPTIONS, rx.physician); COL(CW_T_PRESCRIPTIONS, rx.drug); COL(CW_T_PRESCRIPTIONS, rx.time);
	COL(CW_T_PRESCRIPTIONS, rx.qty); COL(CW_T_PRESCRIPTIONS, rx.days_supply); COL(CW_T_PRESCRIPTIONS, rx.amount);
	COL(CW_T_PRESCRIPTIONS, rx.in_month);
}

/* --- accessors ------------------------------------------------------------- */
const cw_window *cw_dataset_window(const cw_dataset *ds) { return &ds->win; }
const cw_institutions *cw_dataset_institutions(const cw_dataset *ds) { return &ds->inst; }
const cw_departments *cw_dataset_departments(const cw_dataset *ds) { return &ds->dept; }
const cw_physicians *cw_dataset_physicians(const cw_dataset *ds) { return &ds->phys; }
const cw_patients *cw_dataset_patients(const cw_dataset *ds) { return &ds->pat; }
const cw_items *cw_dataset_items(const cw_dataset *ds) { return &ds->items; }
const cw_visits *cw_dataset_visits(const cw_dataset *ds) { return &ds->visits; }
const cw_claims *cw_dataset_claims(const cw_dataset *ds) { return &ds->claims; }
const cw_prescriptions *cw_dataset_prescriptions(const cw_dataset *ds) { return &ds->rx; }
const cw_build_stats *cw_dataset_build_stats(const cw_dataset *ds) { return &ds->stats; }
const char *cw_dataset_str(const cw_dataset *ds, cw_str s) { return cw_pool_get(&ds->pool, s); }

const cw_str *cw_dataset_ids(const cw_dataset *ds, int t)
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

size_t cw_dataset_lines_in_month(const cw_dataset *ds)
{
	size_t n = 0;
	for (size_t i = 0; i < ds->claims.n; i++)
		n += !!(ds->claims.flags[i] & CW_LINE_IN_MONTH);
	return n;
}

cw_ref cw_dataset_find(const cw_dataset *ds, int table, const char *id)
{
	const cw_str *ids = table >= 0 && table < CW_T_COUNT ? cw_dataset_ids(ds, table) : NULL;
	if (!ids || !id)
		return CW_NONE;
	return cw_idmap_find(&ds->map[table], &ds->pool, ids, id, strlen(id));
}

size_t cw_dataset_memory(const cw_dataset *ds)
{
	size_t total = ds->pool.cap + ds->pool.nslots * 8;
	for (int t = 0; t < CW_T_COUNT; t++) {
		total += cw_idmap_memory(&ds->map[t]);
		for (int c = 0; c < ds->store[t].ncols; c++)
			total += ds->store[t].cap * ds->store[t].col[c].size;
	}
	/* indexes: by_visit, by_physician (claims), by_physician (visits), offsets */
	total += ds->claims.n * 8 + ds->visits.n * 8 + (ds->pat.n + ds->visits.n + ds->phys.n * 2) * 4;
	return total;
}

void cw_dataset_free(cw_dataset *ds)
{
	if (!ds)
		return;
	if (ds->from_image) {
		if (ds->image)
			munmap(ds->image, ds->image_len);
		free(ds);
		return;
	}
	cw_pool_free(&ds->pool);
	for (int t = 0; t < CW_T_COUNT; t++) {
		cw_idmap_free(&ds->map[t]);
		cw_store_free(&ds->store[t]);
	}
	for (int i = 0; i < ds->nowned; i++)
		free(ds->owned[i]);
	free(ds);
}
