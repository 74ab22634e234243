/* test_gen.c: the demo-data generator: determinism, headers, contract types
 * (every row goes through the dataset builder with zero rejects), truth ids
 * that exist, over-price lines exactly where the truth says, and speed. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "claimwatch/dataset.h"
#include "claimwatch/error.h"
#include "eval/eval.h"
#include "gen/gen.h"
#include "util/progress.h"

static const char *const files[] = { "institutions.csv", "departments.csv", "physicians.csv", "patients.csv",
	                             "items.csv", "bundles.csv", "visits.csv", "claim_lines.csv",
	                             "prescriptions.csv", "exam_results.csv", "truth.json" };
#define NFILES (sizeof files / sizeof files[0])

static char dir_a[256], dir_b[256], dir_c[256];

static int gen_into(const char *dir, uint64_t seed, double *seconds)
{
	cw_gen_opts o;
	cw_gen_opts_init(&o);
	o.out_dir = dir;
	o.seed = seed;
	o.scale = 0.05;
	o.first = (cw_month){ 2026, 1 };
	o.last = (cw_month){ 2026, 3 };
	cw_gen_stats st;
	int rc = cw_gen_run(&o, &st);
	if (seconds)
		*seconds = st.seconds;
	return rc;
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cw_test_gen_XXXXXX";
	char *base = mkdtemp(tmpl);
	if (!base)
		return -1;
	snprintf(dir_a, sizeof dir_a, "%s/a", base);
	snprintf(dir_b, sizeof dir_b, "%s/b", base);
	snprintf(dir_c, sizeof dir_c, "%s/c", base);
	return gen_into(dir_a, 7, NULL) || gen_into(dir_b, 7, NULL) || gen_into(dir_c, 8, NULL);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	char *slash = strrchr(dir_a, '/');
	*slash = 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir_a);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b)
		b[n] = 0;
	*len = (size_t)n;
	return b;
}

static void same_seed_identical(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFILES; i++) {
		size_t la, lb;
		char *a = slurp(dir_a, files[i], &la), *b = slurp(dir_b, files[i], &lb);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
	}
}

static void other_seed_differs(void **state)
{
	(void)state;
	size_t la, lc;
	char *a = slurp(dir_a, "claim_lines.csv", &la), *c = slurp(dir_c, "claim_lines.csv", &lc);
	assert_non_null(a);
	assert_non_null(c);
	assert_true(la != lc || memcmp(a, c, la) != 0);
	free(a);
	free(c);
}

static void headers(void **state)
{
	(void)state;
	static const char *const want[] = {
		"inst_id,name,level,region", "dept_id,inst_id,name,specialty", "physician_id,name,inst_id,dept_id,title",
		"patient_id,sex,birth_date,death_date",
		("item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,max_daily_qty,sex_only,"
		 "age_min,age_max,min_level,setting,catalogue_class,essential"),
		"bundle_code,component_code",
		"visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name",
		"line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount,fund_amount,self_amount",
		"rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount", "line_id,result",
	};
	for (size_t i = 0; i < NFILES - 1; i++) {
		size_t n;
		char *b = slurp(dir_a, files[i], &n);
		assert_non_null(b);
		size_t h = strlen(want[i]);
		assert_true(n > h);
		assert_memory_equal(b, want[i], h);
		assert_int_equal(b[h], '\n');
		assert_non_null(strchr(b + h + 1, '\n')); /* at least one row */
		free(b);
	}
}

/* --- every row through the dataset builder: the contract's types and references ---------- */
typedef struct reader {
	cw_evcsv c;
	int col[16];
} reader;

static void open_reader(reader *r, const char *name, const char *const *cols, int n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir_a, name);
	assert_int_equal(cw_evcsv_open(&r->c, path), 0);
	assert_int_equal(cw_evcsv_next(&r->c), 1);
	for (int i = 0; i < n; i++) {
		r->col[i] = cw_evcsv_column(&r->c, cols[i]);
		assert_true(r->col[i] >= 0);
	}
}

static const char *fld(reader *r, int i) { return r->c.field[r->col[i]]; }
static const char *opt(reader *r, int i) { return *fld(r, i) ? fld(r, i) : NULL; }

/* Strict parsers of the contract's text forms (the library's cw_parse_* land with the CSV loader). */
static int t_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int64_t t_fixed(const char *s, int scale)
{
	int neg = *s == '-';
	const char *p = s + neg;
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (*p++ - '0');
		nd++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			frac = frac * 10 + (*p++ - '0');
			nf++;
		}
		if (!nf)
			fail_msg("'%s': a dot without decimals", s);
	}
	if (!nd || *p || nf > scale)
		fail_msg("'%s' is not a decimal with at most %d decimals", s, scale);
	for (int i = nf; i < scale; i++)
		frac *= 10;
	int64_t v = whole;
	for (int i = 0; i < scale; i++)
		v *= 10;
	return neg ? -(v + frac) : v + frac;
}

static cw_day t_date(const char *s)
{
	if (strlen(s) != 10 || !t_digits(s, 4) || s[4] != '-' || !t_digits(s + 5, 2) || s[7] != '-' || !t_digits(s + 8, 2))
		fail_msg("'%s' is not YYYY-MM-DD", s);
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	return cw_days_from_civil(y, m, d);
}

static cw_minute tm(reader *r, int i)
{
	const char *s = fld(r, i);
	if (!*s)
		return CW_MINUTE_NONE;
	if (strlen(s) != 16 || s[10] != ' ' || !t_digits(s + 11, 2) || s[13] != ':' || !t_digits(s + 14, 2))
		fail_msg("'%s' is not YYYY-MM-DD HH:MM", s);
	char d[11];
	memcpy(d, s, 10);
	d[10] = 0;
	int hh = atoi(s + 11), mm = atoi(s + 14);
	assert_true(hh < 24 && mm < 60);
	return t_date(d) * CW_MINUTES_PER_DAY + hh * 60 + mm;
}

static cw_fen money(reader *r, int i) { return t_fixed(fld(r, i), 2); }

static cw_qty qty(reader *r, int i)
{
	return *fld(r, i) ? t_fixed(fld(r, i), 3) : CW_QTY_NONE;
}

static int32_t num(reader *r, int i, int32_t none)
{
	const char *s = fld(r, i);
	if (!*s)
		return none;
	if (!t_digits(s, (int)strlen(s)))
		fail_msg("'%s' is not an integer", s);
	return (int32_t)atoi(s);
}

static void check(int rc, const cw_rowerr *e, const char *file, size_t line)
{
	if (rc < 0)
		fail_msg("%s:%zu rejected: %s: %s", file, line, e->column, e->reason);
}

static void build_month(cw_month m)
{
	cw_builder *b;
	cw_rowerr e;
	reader r;
	assert_int_equal(cw_builder_new(&b, m, 45), 0);
	static const char *const ic[] = { "inst_id", "name", "level" };
	open_reader(&r, "institutions.csv", ic, 3);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_institution_row x = { fld(&r, 0), fld(&r, 1), num(&r, 2, 0), NULL };
		check(cw_builder_add_institution(&e, b, &x), &e, "institutions", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const dc[] = { "dept_id", "inst_id", "name", "specialty" };
	open_reader(&r, "departments.csv", dc, 4);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_department_row x = { fld(&r, 0), fld(&r, 1), fld(&r, 2), fld(&r, 3) };
		check(cw_builder_add_department(&e, b, &x), &e, "departments", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const pc[] = { "physician_id", "name", "inst_id", "dept_id", "title" };
	open_reader(&r, "physicians.csv", pc, 5);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_physician_row x = { fld(&r, 0), fld(&r, 1), fld(&r, 2), fld(&r, 3), opt(&r, 4) };
		check(cw_builder_add_physician(&e, b, &x), &e, "physicians", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const tc[] = { "patient_id", "sex", "birth_date", "death_date" };
	open_reader(&r, "patients.csv", tc, 4);
	while (cw_evcsv_next(&r.c) == 1) {
		const char *s = fld(&r, 1);
		cw_day d = *fld(&r, 2) ? t_date(fld(&r, 2)) : CW_DAY_NONE, died = *fld(&r, 3) ? t_date(fld(&r, 3)) : CW_DAY_NONE;
		cw_patient_row x = { fld(&r, 0), *s == 'M' ? CW_SEX_M : *s == 'F' ? CW_SEX_F : CW_SEX_U, d, died };
		assert_true(!strcmp(s, "M") || !strcmp(s, "F") || !strcmp(s, "U"));
		check(cw_builder_add_patient(&e, b, &x), &e, "patients", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const itc[] = { "item_code", "name", "category", "unit", "std_price", "large_equipment",
		                           "retest_hours", "antibiotic", "max_daily_qty", "sex_only", "age_min",
		                           "age_max", "min_level", "setting" };
	open_reader(&r, "items.csv", itc, 14);
	while (cw_evcsv_next(&r.c) == 1) {
		const char *sx = fld(&r, 9), *st = fld(&r, 13);
		cw_item_row x = { fld(&r, 0), fld(&r, 1), opt(&r, 3), cw_category_parse(fld(&r, 2), strlen(fld(&r, 2))),
			          money(&r, 4), num(&r, 5, 0), num(&r, 7, 0), num(&r, 6, CW_INT_NONE), qty(&r, 8),
			          *sx == 'M' ? CW_SEX_M : *sx == 'F' ? CW_SEX_F : CW_SEX_NONE, num(&r, 10, CW_INT_NONE),
			          num(&r, 11, CW_INT_NONE), num(&r, 12, 0),
			          !*st ? CW_SETTING_ANY : !strcmp(st, "outpatient") ? CW_SETTING_OUTPATIENT : CW_SETTING_INPATIENT,
			          0, 0 };
		assert_true(x.category >= 0);
		check(cw_builder_add_item(&e, b, &x), &e, "items", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const bc[] = { "bundle_code", "component_code" };
	open_reader(&r, "bundles.csv", bc, 2);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_bundle_row x = { fld(&r, 0), fld(&r, 1) };
		check(cw_builder_add_bundle(&e, b, &x), &e, "bundles", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const vc[] = { "visit_id", "patient_id", "inst_id", "dept_id", "physician_id", "kind",
		                          "admit_time", "discharge_time", "dx_code", "dx_name" };
	open_reader(&r, "visits.csv", vc, 10);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_visit_row x = { fld(&r, 0), fld(&r, 1), fld(&r, 2), fld(&r, 3), fld(&r, 4),
			           cw_visit_kind_parse(fld(&r, 5), strlen(fld(&r, 5))), tm(&r, 6), tm(&r, 7), fld(&r, 8),
			           opt(&r, 9) };
		check(cw_builder_add_visit(&e, b, &x), &e, "visits", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const lc[] = { "line_id", "visit_id", "item_code", "physician_id", "service_time", "qty",
		                          "unit_price", "amount" };
	open_reader(&r, "claim_lines.csv", lc, 8);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_claim_row x = { fld(&r, 0), fld(&r, 1), fld(&r, 2), opt(&r, 3), tm(&r, 4), qty(&r, 5),
			           money(&r, 6), money(&r, 7), CW_FEN_NONE, CW_FEN_NONE };
		assert_true(x.amount == x.unit_price * x.qty / CW_QTY_ONE);
		check(cw_builder_add_claim(&e, b, &x), &e, "claim_lines", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const rc_[] = { "rx_id", "line_no", "visit_id", "physician_id", "rx_time", "drug_code",
		                           "qty", "days_supply", "amount" };
	open_reader(&r, "prescriptions.csv", rc_, 9);
	while (cw_evcsv_next(&r.c) == 1) {
		cw_rx_row x = { fld(&r, 0), num(&r, 1, CW_INT_NONE), fld(&r, 2), fld(&r, 3), tm(&r, 4), fld(&r, 5),
			        qty(&r, 6), num(&r, 7, CW_INT_NONE), money(&r, 8) };
		check(cw_builder_add_prescription(&e, b, &x), &e, "prescriptions", r.c.line);
	}
	cw_evcsv_close(&r.c);
	static const char *const xc[] = { "line_id", "result" };
	open_reader(&r, "exam_results.csv", xc, 2);
	while (cw_evcsv_next(&r.c) == 1) {
		const char *s = fld(&r, 1);
		cw_result_row x = { fld(&r, 0), !strcmp(s, "positive") ? CW_RESULT_POSITIVE
		                                : !strcmp(s, "negative") ? CW_RESULT_NEGATIVE
		                                : !strcmp(s, "pending") ? CW_RESULT_PENDING : -1 };
		check(cw_builder_add_result(&e, b, &x), &e, "exam_results", r.c.line);
	}
	cw_evcsv_close(&r.c);
	cw_dataset *ds;
	assert_int_equal(cw_builder_finish(&ds, b), 0);
	const cw_claims *c = cw_dataset_claims(ds);
	assert_true(c->n > 1000);
	const cw_build_stats *bs = cw_dataset_build_stats(ds);
	assert_int_equal(bs->refunds_unmatched, 0);
	cw_dataset_free(ds);
}

static void contract_types_no_rejects(void **state)
{
	(void)state;
	build_month((cw_month){ 2026, 2 });
}

/* --- truth ---------------------------------------------------------------------------------- */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct idset {
	char **v;
	size_t n, cap;
} idset;

static void load_ids(idset *s, const char *file, const char *col)
{
	reader r;
	const char *cols[1] = { col };
	open_reader(&r, file, cols, 1);
	while (cw_evcsv_next(&r.c) == 1) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->v = realloc(s->v, s->cap * sizeof *s->v);
			assert_non_null(s->v);
		}
		s->v[s->n++] = strdup(fld(&r, 0));
	}
	cw_evcsv_close(&r.c);
	qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

static int has(const idset *s, const char *id)
{
	return bsearch(&id, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

static void free_ids(idset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void check_entries(const cJSON *arr, const idset *lines, const idset *visits, const idset *phys,
                          const idset *pats, const idset *depts, size_t *n)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, arr) {
		(*n)++;
		const char *det = cJSON_GetObjectItem(c, "detector")->valuestring;
		assert_non_null(det);
		const char *p = cJSON_GetObjectItem(c, "physician_id")->valuestring;
		const char *v = cJSON_GetObjectItem(c, "visit_id")->valuestring;
		const char *pt = cJSON_GetObjectItem(c, "patient_id")->valuestring;
		if (*p)
			assert_true(has(phys, p));
		if (*v)
			assert_true(has(visits, v));
		if (*pt)
			assert_true(has(pats, pt));
		const cJSON *id;
		int nids = 0;
		cJSON_ArrayForEach(id, cJSON_GetObjectItem(c, "line_ids")) {
			if (!has(lines, id->valuestring))
				fail_msg("truth line %s of %s not in claim_lines.csv", id->valuestring, det);
			nids++;
		}
		const cJSON *d = cJSON_GetObjectItem(c, "dept_id"); /* a department-level case (drug_share) */
		if (d)
			assert_true(has(depts, d->valuestring));
		assert_true(nids || *v || *p || d); /* something to match on */
	}
}

static void truth_ids_exist(void **state)
{
	(void)state;
	idset lines = { 0 }, visits = { 0 }, phys = { 0 }, pats = { 0 }, depts = { 0 };
	load_ids(&depts, "departments.csv", "dept_id");
	load_ids(&lines, "claim_lines.csv", "line_id");
	load_ids(&visits, "visits.csv", "visit_id");
	load_ids(&phys, "physicians.csv", "physician_id");
	load_ids(&pats, "patients.csv", "patient_id");
	size_t n;
	char *text = slurp(dir_a, "truth.json", &n);
	assert_non_null(text);
	cJSON *t = cJSON_Parse(text);
	free(text);
	assert_non_null(t);
	assert_string_equal(cJSON_GetObjectItem(t, "generator")->valuestring, "claimwatch gen");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(t, "months")), 3);
	size_t ncases = 0, nlooks = 0;
	check_entries(cJSON_GetObjectItem(t, "cases"), &lines, &visits, &phys, &pats, &depts, &ncases);
	check_entries(cJSON_GetObjectItem(t, "lookalikes"), &lines, &visits, &phys, &pats, &depts, &nlooks);
	assert_true(ncases >= 20); /* even at scale 0.05, three months carry schemes */
	const cJSON *bad = cJSON_GetObjectItem(t, "bad_physicians"), *b;
	assert_true(cJSON_GetArraySize(bad) >= 2);
	cJSON_ArrayForEach(b, bad)
		assert_true(has(&phys, cJSON_GetObjectItem(b, "physician_id")->valuestring));
	cJSON_Delete(t);
	free_ids(&lines);
	free_ids(&visits);
	free_ids(&phys);
	free_ids(&pats);
	free_ids(&depts);
}

/* Lines above the ceiling are exactly the over_price cases: the background never overcharges. */
static void over_price_only_where_truth_says(void **state)
{
	(void)state;
	reader r;
	static const char *const ic[] = { "item_code", "std_price" };
	char *codes[512];
	cw_fen price[512];
	int ni = 0;
	open_reader(&r, "items.csv", ic, 2);
	while (cw_evcsv_next(&r.c) == 1 && ni < 512) {
		codes[ni] = strdup(fld(&r, 0));
		price[ni++] = money(&r, 1);
	}
	cw_evcsv_close(&r.c);
	static const char *const lc[] = { "item_code", "unit_price", "service_time" };
	open_reader(&r, "claim_lines.csv", lc, 3);
	long over = 0;
	while (cw_evcsv_next(&r.c) == 1)
		for (int i = 0; i < ni; i++)
			if (!strcmp(codes[i], fld(&r, 0))) {
				over += money(&r, 1) > price[i];
				break;
			}
	cw_evcsv_close(&r.c);
	for (int i = 0; i < ni; i++)
		free(codes[i]);
	size_t n;
	char *text = slurp(dir_a, "truth.json", &n);
	cJSON *t = cJSON_Parse(text);
	free(text);
	long cases = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(t, "cases"))
		cases += !strcmp(cJSON_GetObjectItem(c, "detector")->valuestring, "over_price");
	cJSON_Delete(t);
	assert_int_equal(over, cases);
}

static void small_run_is_fast(void **state)
{
	(void)state;
	double s = 0;
	assert_int_equal(gen_into(dir_c, 9, &s), 0);
	assert_true(s < 10.0);
}

static void bad_options(void **state)
{
	(void)state;
	cw_gen_opts o;
	cw_gen_opts_init(&o);
	assert_int_equal(cw_gen_run(&o, NULL), CW_EUSAGE); /* no output folder */
	o.out_dir = dir_c;
	o.scale = 0;
	assert_int_equal(cw_gen_run(&o, NULL), CW_EUSAGE);
	o.scale = 1;
	o.first = (cw_month){ 2026, 5 };
	o.last = (cw_month){ 2026, 4 };
	assert_int_equal(cw_gen_run(&o, NULL), CW_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_identical),
		cmocka_unit_test(other_seed_differs),
		cmocka_unit_test(headers),
		cmocka_unit_test(contract_types_no_rejects),
		cmocka_unit_test(truth_ids_exist),
		cmocka_unit_test(over_price_only_where_truth_says),
		cmocka_unit_test(small_run_is_fast),
		cmocka_unit_test(bad_options),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
