/* imp_out.c: the contract's ten tables as the importers build them (each id kept once, the first row
 * winning and later rows filling what it left empty) and their CSV files, written through src/io
 * (cw_outfile_open: a file appears whole or not at all; cw_csv_put: RFC 4180 quoting). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/dataset.h"
#include "claimwatch/error.h"
#include "import.h"
#include "io/outdir.h"
#include "io/outfile.h"

#define GROW(arr, n, cap)                                                                  \
	do {                                                                               \
		if ((n) == (cap)) {                                                        \
			size_t c_ = (cap) ? (cap) * 2 : 64;                                \
			void *p_ = realloc((arr), c_ * sizeof *(arr));                    \
			if (!p_)                                                           \
				return cw_error_set(CW_ENOMEM, "out of memory");          \
			(arr) = p_;                                                        \
			(cap) = c_;                                                        \
		}                                                                          \
	} while (0)

/* Fills *slot from s when it is empty. */
static void fill(char **slot, const char *s)
{
	if ((!*slot || !**slot) && s && *s) {
		char *d = imp_strdup(s);
		if (d) {
			free(*slot);
			*slot = d;
		}
	}
}

int64_t imp_inst(imp_db *db, const char *id, const char *name, int level, const char *region)
{
	int64_t i = imp_map_get(&db->inst_ix, id);
	if (i < 0) {
		GROW(db->inst, db->ninst, db->cinst);
		i = (int64_t)db->ninst++;
		memset(&db->inst[i], 0, sizeof db->inst[i]);
		db->inst[i].id = imp_strdup(id);
		if (imp_map_put(&db->inst_ix, id, i) < 0 || !db->inst[i].id)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	fill(&db->inst[i].name, name);
	fill(&db->inst[i].region, region);
	if (!db->inst[i].level)
		db->inst[i].level = level;
	return i;
}

int64_t imp_dept(imp_db *db, const char *inst, const char *code, const char *name, const char *specialty)
{
	char id[160];
	snprintf(id, sizeof id, "%s:%s", inst, code); /* department codes are the hospital's own */
	int64_t i = imp_map_get(&db->dept_ix, id);
	if (i < 0) {
		GROW(db->dept, db->ndept, db->cdept);
		i = (int64_t)db->ndept++;
		memset(&db->dept[i], 0, sizeof db->dept[i]);
		db->dept[i].id = imp_strdup(id);
		db->dept[i].inst = imp_strdup(inst);
		if (imp_map_put(&db->dept_ix, id, i) < 0 || !db->dept[i].id || !db->dept[i].inst)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	fill(&db->dept[i].name, name);
	fill(&db->dept[i].specialty, specialty);
	return i;
}

int64_t imp_phys(imp_db *db, const char *id, const char *name, const char *inst, const char *dept)
{
	int64_t i = imp_map_get(&db->phys_ix, id);
	if (i < 0) {
		GROW(db->phys, db->nphys, db->cphys);
		i = (int64_t)db->nphys++;
		memset(&db->phys[i], 0, sizeof db->phys[i]);
		db->phys[i].id = imp_strdup(id);
		db->phys[i].inst = imp_strdup(inst);
		db->phys[i].dept = imp_strdup(dept);
		if (imp_map_put(&db->phys_ix, id, i) < 0 || !db->phys[i].id || !db->phys[i].inst || !db->phys[i].dept)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	fill(&db->phys[i].name, name);
	if (inst && strcmp(db->phys[i].inst, inst))
		db->phys[i].multi = 1;
	return i;
}

int64_t imp_patient(imp_db *db, const char *id, char sex, cw_day birth, cw_day death)
{
	int64_t i = imp_map_get(&db->pat_ix, id);
	if (i < 0) {
		GROW(db->pat, db->npat, db->cpat);
		i = (int64_t)db->npat++;
		db->pat[i].id = imp_strdup(id);
		db->pat[i].sex = 'U';
		db->pat[i].birth = db->pat[i].death = CW_DAY_NONE;
		if (imp_map_put(&db->pat_ix, id, i) < 0 || !db->pat[i].id)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (db->pat[i].sex == 'U' && sex)
		db->pat[i].sex = sex;
	if (db->pat[i].birth == CW_DAY_NONE)
		db->pat[i].birth = birth;
	if (db->pat[i].death == CW_DAY_NONE)
		db->pat[i].death = death;
	return i;
}

int64_t imp_item_add(imp_db *db, const char *code, const char *name, int category)
{
	int64_t i = imp_map_get(&db->item_ix, code);
	if (i < 0) {
		GROW(db->item, db->nitem, db->citem);
		i = (int64_t)db->nitem++;
		memset(&db->item[i], 0, sizeof db->item[i]);
		db->item[i].code = imp_strdup(code);
		db->item[i].category = category;
		db->item[i].std_price = CW_FEN_NONE;
		db->item[i].essential = -1;
		if (imp_map_put(&db->item_ix, code, i) < 0 || !db->item[i].code)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	fill(&db->item[i].name, name);
	return i;
}

imp_visit *imp_visit_add(imp_db *db, const char *id, int64_t *ix)
{
	int64_t i = imp_map_get(&db->visit_ix, id);
	*ix = i;
	if (i >= 0)
		return &db->visit[i];
	if (db->nvisit == db->cvisit) {
		size_t c = db->cvisit ? db->cvisit * 2 : 64;
		imp_visit *p = realloc(db->visit, c * sizeof *p);
		if (!p)
			return cw_error_set(CW_ENOMEM, "out of memory"), NULL;
		db->visit = p;
		db->cvisit = c;
	}
	i = (int64_t)db->nvisit;
	imp_visit *v = &db->visit[i];
	memset(v, 0, sizeof *v);
	v->discharge = CW_MINUTE_NONE;
	v->admit = CW_MINUTE_NONE;
	if (!(v->id = imp_strdup(id)) || imp_map_put(&db->visit_ix, id, i) < 0) {
		free(v->id);
		return cw_error_set(CW_ENOMEM, "out of memory"), NULL;
	}
	db->nvisit++;
	*ix = -1 - i; /* new: the caller tells it from an existing one */
	return v;
}

imp_line *imp_line_add(imp_db *db, const char *id, int64_t *ix)
{
	int64_t i = imp_map_get(&db->line_ix, id);
	*ix = i;
	if (i >= 0)
		return &db->line[i];
	if (db->nline == db->cline) {
		size_t c = db->cline ? db->cline * 2 : 256;
		imp_line *p = realloc(db->line, c * sizeof *p);
		if (!p)
			return cw_error_set(CW_ENOMEM, "out of memory"), NULL;
		db->line = p;
		db->cline = c;
	}
	i = (int64_t)db->nline;
	imp_line *l = &db->line[i];
	memset(l, 0, sizeof *l);
	l->fund = l->self_pay = CW_FEN_NONE;
	l->orig = -1;
	if (!(l->id = imp_strdup(id)) || imp_map_put(&db->line_ix, id, i) < 0) {
		free(l->id);
		return cw_error_set(CW_ENOMEM, "out of memory"), NULL;
	}
	db->nline++;
	*ix = -1 - i;
	return l;
}

/* --- writing ------------------------------------------------------------------- */

static void cell(FILE *f, const char *s, int last)
{
	cw_csv_put(f, s ? s : "", s ? strlen(s) : 0, last, CW_CSV_RAW);
}

static const char *money(char *buf, cw_fen v)
{
	return v == CW_FEN_NONE ? "" : cw_format_money(buf, v);
}

typedef struct table_out {
	FILE *f;
	char path[4096];
	cw_output o;
} table_out;

static int open_table(table_out *t, const char *dir, const char *name, const char *header)
{
	cw_output_init(&t->o);
	snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
	int rc = cw_outfile_open(&t->f, &t->o, t->path);
	if (rc == 0)
		fprintf(t->f, "%s\n", header);
	return rc;
}

static int close_table(table_out *t, int rc)
{
	if (rc < 0) {
		cw_outfile_abort(t->f, t->path);
		return rc;
	}
	return cw_outfile_close(t->f, t->path);
}

static int write_masters(imp_db *db, const char *dir)
{
	table_out t;
	char lv[4], d1[CW_FMT_SIZE], d2[CW_FMT_SIZE];
	int rc = open_table(&t, dir, "institutions.csv", "inst_id,name,level,region");
	for (size_t i = 0; rc == 0 && i < db->ninst; i++) {
		snprintf(lv, sizeof lv, "%d", db->inst[i].level ? db->inst[i].level : 3);
		cell(t.f, db->inst[i].id, 0), cell(t.f, db->inst[i].name ? db->inst[i].name : db->inst[i].id, 0);
		cell(t.f, lv, 0), cell(t.f, db->inst[i].region, 1);
	}
	if (rc < 0 || (rc = close_table(&t, 0)) < 0 || (rc = open_table(&t, dir, "departments.csv", "dept_id,inst_id,name,specialty")) < 0)
		return rc;
	for (size_t i = 0; i < db->ndept; i++) {
		cell(t.f, db->dept[i].id, 0), cell(t.f, db->dept[i].inst, 0);
		cell(t.f, db->dept[i].name ? db->dept[i].name : db->dept[i].id, 0);
		cell(t.f, db->dept[i].specialty ? db->dept[i].specialty : "unknown", 1);
	}
	if ((rc = close_table(&t, 0)) < 0 || (rc = open_table(&t, dir, "physicians.csv", "physician_id,name,inst_id,dept_id,title")) < 0)
		return rc;
	for (size_t i = 0; i < db->nphys; i++) {
		cell(t.f, db->phys[i].id, 0), cell(t.f, db->phys[i].name ? db->phys[i].name : db->phys[i].id, 0);
		cell(t.f, db->phys[i].inst, 0), cell(t.f, db->phys[i].dept, 0), cell(t.f, NULL, 1);
	}
	if ((rc = close_table(&t, 0)) < 0 || (rc = open_table(&t, dir, "patients.csv", "patient_id,sex,birth_date,death_date")) < 0)
		return rc;
	for (size_t i = 0; i < db->npat; i++) {
		char sex[2] = { db->pat[i].sex, 0 };
		cell(t.f, db->pat[i].id, 0), cell(t.f, sex, 0);
		cell(t.f, db->pat[i].birth == CW_DAY_NONE ? "" : cw_format_date(d1, db->pat[i].birth), 0);
		cell(t.f, db->pat[i].death == CW_DAY_NONE ? "" : cw_format_date(d2, db->pat[i].death), 1);
	}
	return close_table(&t, 0);
}

/* The highest unit price each item is billed at (its ceiling when the catalogue gives none); NULL when
 * out of memory. */
static cw_fen *top_prices(const imp_db *db)
{
	cw_fen *top = calloc(db->nitem + 1, sizeof *top);
	for (size_t k = 0; top && k < db->nline; k++) {
		int64_t i = db->line[k].dropped ? -1 : imp_map_get(&db->item_ix, db->line[k].item);
		if (i >= 0 && db->line[k].price > top[i])
			top[i] = db->line[k].price;
	}
	return top;
}

static int write_items(imp_db *db, const char *dir)
{
	table_out t;
	char m[CW_FMT_SIZE];
	cw_fen *top = top_prices(db);
	if (!top)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = open_table(&t, dir, "items.csv", "item_code,name,category,unit,std_price,large_equipment,retest_hours,"
	                    "antibiotic,max_daily_qty,sex_only,age_min,age_max,min_level,setting,catalogue_class,essential");
	for (size_t i = 0; rc == 0 && i < db->nitem; i++) {
		const imp_item *it = &db->item[i];
		cw_fen price = it->std_price != CW_FEN_NONE ? it->std_price : top[i];
		cell(t.f, it->code, 0), cell(t.f, it->name ? it->name : it->code, 0);
		cell(t.f, cw_category_name(it->category), 0), cell(t.f, NULL, 0), cell(t.f, money(m, price), 0);
		cell(t.f, "0", 0), cell(t.f, NULL, 0), cell(t.f, "0", 0);
		for (int k = 0; k < 6; k++)
			cell(t.f, NULL, 0);
		cell(t.f, it->cls, 0), cell(t.f, it->essential < 0 ? "" : it->essential ? "1" : "0", 1);
	}
	free(top);
	if (rc < 0 || (rc = close_table(&t, 0)) < 0)
		return rc;
	static const char *const empty[][2] = {
		{ "bundles.csv", "bundle_code,component_code" },
		{ "prescriptions.csv", "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount" },
		{ "exam_results.csv", "line_id,result" },
	};
	for (size_t k = 0; k < sizeof empty / sizeof empty[0]; k++)
		if ((rc = open_table(&t, dir, empty[k][0], empty[k][1])) < 0 || (rc = close_table(&t, 0)) < 0)
			return rc;
	return 0;
}

static const char *const kinds[] = { "outpatient", "emergency", "inpatient" };

static int write_claims(imp_db *db, const char *dir, uint64_t *visits, uint64_t *lines)
{
	table_out t;
	char a[CW_FMT_SIZE], b[CW_FMT_SIZE], c[CW_FMT_SIZE];
	int rc = open_table(&t, dir, "visits.csv", "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,"
	                    "discharge_time,dx_code,dx_name");
	for (size_t i = 0; rc == 0 && i < db->nvisit; i++) {
		const imp_visit *v = &db->visit[i];
		if (v->dropped)
			continue;
		cell(t.f, v->id, 0), cell(t.f, v->patient, 0), cell(t.f, v->inst, 0), cell(t.f, v->dept, 0);
		cell(t.f, v->physician, 0), cell(t.f, kinds[v->kind], 0), cell(t.f, cw_format_time(a, v->admit), 0);
		cell(t.f, v->discharge == CW_MINUTE_NONE ? "" : cw_format_time(b, v->discharge), 0);
		cell(t.f, v->dx_code, 0), cell(t.f, v->dx_name, 1);
		(*visits)++;
	}
	if (rc < 0 || (rc = close_table(&t, 0)) < 0)
		return rc;
	rc = open_table(&t, dir, "claim_lines.csv", "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,"
	                "amount,fund_amount,self_amount");
	for (size_t i = 0; rc == 0 && i < db->nline; i++) {
		const imp_line *l = &db->line[i];
		if (l->dropped)
			continue;
		cell(t.f, l->id, 0), cell(t.f, l->visit, 0), cell(t.f, l->item, 0), cell(t.f, l->physician, 0);
		cell(t.f, cw_format_time(a, l->time), 0), cell(t.f, cw_format_qty(b, l->qty), 0);
		cell(t.f, cw_format_money(c, l->price), 0), cell(t.f, cw_format_money(a, l->amount), 0);
		cell(t.f, money(b, l->fund), 0), cell(t.f, money(c, l->self_pay), 1);
		(*lines)++;
	}
	return rc < 0 ? rc : close_table(&t, 0);
}

int imp_db_write(imp_db *db, const char *dir, uint64_t *visits, uint64_t *lines)
{
	int rc = write_masters(db, dir);
	if (rc == 0)
		rc = write_items(db, dir);
	if (rc == 0)
		rc = write_claims(db, dir, visits, lines);
	return rc;
}

void imp_db_free(imp_db *db)
{
	for (size_t i = 0; i < db->ninst; i++)
		free(db->inst[i].id), free(db->inst[i].name), free(db->inst[i].region);
	for (size_t i = 0; i < db->ndept; i++)
		free(db->dept[i].id), free(db->dept[i].inst), free(db->dept[i].name), free(db->dept[i].specialty);
	for (size_t i = 0; i < db->nphys; i++)
		free(db->phys[i].id), free(db->phys[i].name), free(db->phys[i].inst), free(db->phys[i].dept);
	for (size_t i = 0; i < db->npat; i++)
		free(db->pat[i].id);
	for (size_t i = 0; i < db->nitem; i++)
		free(db->item[i].code), free(db->item[i].name);
	for (size_t i = 0; i < db->nvisit; i++) {
		imp_visit *v = &db->visit[i];
		free(v->id), free(v->patient), free(v->inst), free(v->dept), free(v->physician), free(v->dx_code);
		free(v->dx_name);
	}
	for (size_t i = 0; i < db->nline; i++)
		free(db->line[i].id), free(db->line[i].visit), free(db->line[i].item), free(db->line[i].physician);
	free(db->inst), free(db->dept), free(db->phys), free(db->pat), free(db->item), free(db->visit), free(db->line);
	imp_map_free(&db->inst_ix), imp_map_free(&db->dept_ix), imp_map_free(&db->phys_ix);
	imp_map_free(&db->pat_ix), imp_map_free(&db->item_ix), imp_map_free(&db->visit_ix);
	imp_map_free(&db->line_ix);
	memset(db, 0, sizeof *db);
}
