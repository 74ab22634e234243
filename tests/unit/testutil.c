/* testutil.c: helpers shared by the unit tests (see testutil.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "testutil.h"
#include "claimwatch/error.h"

cw_minute tu_time(const char *s)
{
	int y, mo, d, h = 0, mi = 0;
	int n = sscanf(s, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi);
	assert_true(n == 3 || n == 5);
	return cw_days_from_civil(y, mo, d) * CW_MINUTES_PER_DAY + h * 60 + mi;
}

cw_day tu_date(const char *s) { return cw_day_of(tu_time(s)); }

static void ok(int rc, const cw_rowerr *err)
{
	if (rc < 0)
		fail_msg("builder rejected a row: %s: %s", err->column ? err->column : "-", err->reason);
}

cw_builder *tu_builder(const char *month)
{
	cw_builder *b;
	cw_month m;
	cw_rowerr err;
	assert_int_equal(cw_month_parse(&m, month), 0);
	assert_int_equal(cw_builder_new(&b, m, 45), 0);
	static const struct { const char *id; int level; } inst[] = { { "H1", 3 }, { "H2", 2 }, { "H3", 1 } };
	for (size_t i = 0; i < 3; i++) {
		cw_institution_row r = { inst[i].id, inst[i].id, inst[i].level, NULL };
		ok(cw_builder_add_institution(&err, b, &r), &err);
	}
	static const char *dept[][3] = { { "D1", "H1", "cardiology" }, { "D2", "H2", "cardiology" },
		                         { "D3", "H3", "general" }, { "D4", "H1", "respiratory" } };
	for (size_t i = 0; i < 4; i++) {
		cw_department_row r = { dept[i][0], dept[i][1], dept[i][0], dept[i][2] };
		ok(cw_builder_add_department(&err, b, &r), &err);
	}
	static const char *phys[][3] = { { "DR1", "H1", "D1" }, { "DR2", "H1", "D1" }, { "DR3", "H2", "D2" },
		                         { "DR4", "H3", "D3" }, { "DR5", "H1", "D4" } };
	for (size_t i = 0; i < 5; i++) {
		cw_physician_row r = { phys[i][0], phys[i][0], phys[i][1], phys[i][2], NULL };
		ok(cw_builder_add_physician(&err, b, &r), &err);
	}
	cw_patient_row pats[] = { { "PM", CW_SEX_M, tu_date("1980-01-01"), CW_DAY_NONE },
		                  { "PF", CW_SEX_F, tu_date("1990-06-15"), CW_DAY_NONE },
		                  { "PC", CW_SEX_M, tu_date("2020-03-01"), CW_DAY_NONE },
		                  { "PU", CW_SEX_U, CW_DAY_NONE, CW_DAY_NONE } };
	for (size_t i = 0; i < 4; i++)
		ok(cw_builder_add_patient(&err, b, &pats[i]), &err);
	return b;
}

cw_item_row tu_item_row(const char *code, int category, cw_fen std_price)
{
	cw_item_row r;
	memset(&r, 0, sizeof r);
	r.item_code = code;
	r.name = code;
	r.category = category;
	r.std_price = std_price;
	r.retest_hours = CW_INT_NONE;
	r.max_daily_qty = CW_QTY_NONE;
	r.sex_only = CW_SEX_NONE;
	r.age_min = r.age_max = CW_INT_NONE;
	r.min_level = 0;
	r.setting = CW_SETTING_ANY;
	return r;
}

void tu_add_item(cw_builder *b, const cw_item_row *r)
{
	cw_rowerr err;
	ok(cw_builder_add_item(&err, b, r), &err);
}

void tu_add_bundle(cw_builder *b, const char *bundle, const char *component)
{
	cw_rowerr err;
	cw_bundle_row r = { bundle, component };
	ok(cw_builder_add_bundle(&err, b, &r), &err);
}

static const char *phys_inst(const char *p)
{
	return !strcmp(p, "DR3") ? "H2" : !strcmp(p, "DR4") ? "H3" : "H1";
}

static const char *phys_dept(const char *p)
{
	return !strcmp(p, "DR3") ? "D2" : !strcmp(p, "DR4") ? "D3" : !strcmp(p, "DR5") ? "D4" : "D1";
}

void tu_add_visit(cw_builder *b, const char *id, const char *patient, const char *physician, int kind,
                  const char *admit, const char *discharge, const char *dx)
{
	cw_rowerr err;
	cw_visit_row r = { id, patient, phys_inst(physician), phys_dept(physician), physician, kind, tu_time(admit),
		           discharge ? tu_time(discharge) : CW_MINUTE_NONE, dx, NULL };
	ok(cw_builder_add_visit(&err, b, &r), &err);
}

void tu_add_line_by(cw_builder *b, const char *id, const char *visit, const char *item, const char *time,
                    cw_qty qty, cw_fen unit_price, const char *physician)
{
	cw_rowerr err;
	cw_claim_row r = { id, visit, item, physician, tu_time(time), qty, unit_price, qty * unit_price / CW_QTY_ONE,
		           CW_FEN_NONE, CW_FEN_NONE };
	int rc = cw_builder_add_claim(&err, b, &r);
	ok(rc, &err);
}

void tu_add_line(cw_builder *b, const char *id, const char *visit, const char *item, const char *time,
                 cw_qty qty, cw_fen unit_price)
{
	tu_add_line_by(b, id, visit, item, time, qty, unit_price, NULL);
}

void tu_add_result(cw_builder *b, const char *line_id, int result)
{
	cw_rowerr err;
	cw_result_row r = { line_id, result };
	ok(cw_builder_add_result(&err, b, &r), &err);
}

void tu_add_rx(cw_builder *b, const char *rx_id, int line_no, const char *visit, const char *physician,
               const char *time, const char *drug, cw_qty qty, int days, cw_fen amount)
{
	cw_rowerr err;
	cw_rx_row r = { rx_id, line_no, visit, physician, tu_time(time), drug, qty, days, amount };
	ok(cw_builder_add_prescription(&err, b, &r), &err);
}

cw_dataset *tu_finish(cw_builder *b)
{
	cw_dataset *ds = NULL;
	int rc = cw_builder_finish(&ds, b);
	if (rc < 0)
		fail_msg("finish: %s", cw_error_last());
	return ds;
}

static cw_registry *registry;

static void free_registry(void)
{
	cw_registry_free(registry);
}

cw_registry *tu_registry(void)
{
	if (!registry) {
		if (cw_registry_builtin(&registry) < 0)
			fail_msg("registry: %s", cw_error_last());
		atexit(free_registry);
	}
	return registry;
}

cw_findings *tu_detect_threads(const cw_dataset *ds, const char *detector, const char *rules_json, int threads)
{
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *out = NULL;
	if (cw_rules_load_text(&rules, tu_registry(), rules_json, "test rules") < 0)
		fail_msg("rules: %s", cw_error_last());
	if (cw_dimset_load(&dims, rules) < 0)
		fail_msg("dimensions: %s", cw_error_last());
	cw_detect_opts o = { .threads = threads, .only = detector };
	if (cw_detect(&out, ds, rules, dims, &o) < 0)
		fail_msg("detect %s: %s", detector ? detector : "(all)", cw_error_last());
	cw_dimset_free(dims);
	cw_rules_free(rules);
	return out;
}

cw_findings *tu_detect(const cw_dataset *ds, const char *detector, const char *rules_json)
{
	return tu_detect_threads(ds, detector, rules_json, 1);
}

const char *tu_lines(const cw_dataset *ds, const cw_findings *fs, size_t i, char *buf, size_t size)
{
	cw_record r;
	cw_findings_get(&r, fs, i);
	size_t n = 0;
	buf[0] = 0;
	for (size_t k = 0; k < r.f.nlines && n < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? " " : "",
		                      cw_dataset_str(ds, cw_dataset_claims(ds)->id[r.f.lines[k]]));
	return buf;
}

char *tu_tempdir(void)
{
	char *t = strdup("/tmp/cwtest.XXXXXX");
	assert_non_null(t);
	assert_non_null(mkdtemp(t));
	return t;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < sizeof path);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

char *tu_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

/* --- the CSV source's tests ------------------------------------------------- */

const char *tu_path(const char *dir, const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

void tu_write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
	FILE *f = fopen(tu_path(dir, name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void tu_write_findings(const char *root, const char *month, const char *rows)
{
	static const char *header = "finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,"
	                            "visit_id,line_ids,suspect_amount,score,reason\n";
	char dir[4200], text[8192];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(text, sizeof text, "%s%s", header, rows);
	tu_write(dir, "findings.csv", text);
}

void tu_write_month(const char *dir)
{
	tu_write(dir, "institutions.csv",
	         "inst_id,name,level\n"
	         "H1,第一人民医院,3\n"
	         "H2,Second Hospital,2\n");
	tu_write(dir, "departments.csv",
	         "dept_id,inst_id,name,specialty\n"
	         "D1,H1,心血管内科,cardiology\n"
	         "D2,H2,Cardiology,cardiology\n");
	tu_write(dir, "physicians.csv",
	         "physician_id,name,inst_id,dept_id,title\n"
	         "DR1,张伟,H1,D1,主任医师\n"
	         "DR2,Li Na,H2,D2,\n");
	tu_write(dir, "patients.csv",
	         "patient_id,sex,birth_date\n"
	         "P1,M,1980-01-15\n"
	         "P2,F,\n");
	tu_write(dir, "items.csv",
	         "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	         "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	         "I1,CT 平扫,exam,次,300,1,72,0,,,,,,\n"
	         "I2,阿莫西林胶囊,drug,盒,12.50,0,,1,3,,0,150,1,outpatient\n"
	         "I3,\"Blood panel, full\",lab,,20,0,24,0,,F,,,,\n");
	tu_write(dir, "bundles.csv",
	         "bundle_code,component_code\n"
	         "I3,I1\n");
	tu_write(dir, "visits.csv",
	         "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n"
	         "V1,P1,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,原发性高血压\n"
	         "V2,P2,H2,D2,DR2,inpatient,2026-05-10 08:00,2026-05-15 10:00,J18.9,Pneumonia\n");
	tu_write(dir, "claim_lines.csv",
	         "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n"
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	         "L2,V1,I2,,2026-05-03 09:40,2,12.50,25\n"
	         "L3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n");
	tu_write(dir, "prescriptions.csv",
	         "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\n");
	tu_write(dir, "exam_results.csv",
	         "line_id,result\n"
	         "L1,positive\n"
	         "L3,negative\n");
}

void tu_add_patient(cw_builder *b, const char *id, int sex, const char *birth)
{
	cw_rowerr err;
	cw_patient_row r = { id, sex, birth ? tu_date(birth) : CW_DAY_NONE, CW_DAY_NONE };
	ok(cw_builder_add_patient(&err, b, &r), &err);
}

void tu_add_patient_died(cw_builder *b, const char *id, int sex, const char *birth, const char *death)
{
	cw_rowerr err;
	cw_patient_row r = { id, sex, birth ? tu_date(birth) : CW_DAY_NONE, death ? tu_date(death) : CW_DAY_NONE };
	ok(cw_builder_add_patient(&err, b, &r), &err);
}

int tu_find(const cw_dataset *ds, const cw_findings *fs, const char *lines, const char *tag)
{
	char buf[4096];
	for (size_t i = 0; i < cw_findings_count(fs); i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		if (!strcmp(tu_lines(ds, fs, i, buf, sizeof buf), lines) &&
		    (!tag || (r.f.tag && !strcmp(r.f.tag, tag))))
			return (int)i;
	}
	return -1;
}

void tu_add_line_at(cw_builder *b, const char *id, const char *visit, const char *item, cw_minute t, cw_qty qty,
                    cw_fen unit_price, const char *physician)
{
	cw_rowerr err;
	cw_claim_row r = { id, visit, item, physician, t, qty, unit_price, qty * unit_price / CW_QTY_ONE,
		           CW_FEN_NONE, CW_FEN_NONE };
	ok(cw_builder_add_claim(&err, b, &r), &err);
}

void tu_add_stay(cw_builder *b, int n, const char *admit, char *vid)
{
	char pid[16];
	snprintf(pid, sizeof pid, "P%04d", n);
	tu_add_patient(b, pid, n % 2 ? CW_SEX_F : CW_SEX_M, n % 5 ? "1970-01-01" : NULL);
	snprintf(vid, 16, "V%04d", n);
	tu_add_visit(b, vid, pid, n % 3 ? "DR1" : "DR3", CW_INPATIENT, admit, NULL, "J18.9");
}

void tu_add_institution(cw_builder *b, const char *id, int level)
{
	cw_rowerr err;
	cw_institution_row r = { id, id, level, NULL };
	ok(cw_builder_add_institution(&err, b, &r), &err);
}

void tu_add_department(cw_builder *b, const char *id, const char *inst, const char *specialty)
{
	cw_rowerr err;
	cw_department_row r = { id, inst, id, specialty };
	ok(cw_builder_add_department(&err, b, &r), &err);
}

void tu_add_physician(cw_builder *b, const char *id, const char *inst, const char *dept)
{
	cw_rowerr err;
	cw_physician_row r = { id, id, inst, dept, NULL };
	ok(cw_builder_add_physician(&err, b, &r), &err);
}

void tu_add_visit_in(cw_builder *b, const char *id, const char *patient, const char *physician, const char *inst,
                     const char *dept, int kind, cw_minute admit, cw_minute discharge, const char *dx)
{
	cw_rowerr err;
	cw_visit_row r = { id, patient, inst, dept, physician, kind, admit, discharge, dx, NULL };
	ok(cw_builder_add_visit(&err, b, &r), &err);
}

uint64_t tu_rand(tu_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double tu_uniform(tu_rng *r) { return (double)(tu_rand(r) >> 11) / 9007199254740992.0; }

int tu_review(const char *root, const struct cw_review *r)
{
	char *warnings;
	int rc = cw_review_append(&warnings, root, r);
	if (rc == 0)
		assert_string_equal(warnings, "");
	free(warnings);
	return rc;
}
