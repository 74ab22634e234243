/* test_eval.c: the matching rules of `claimwatch eval` on hand-written
 * truth.json and findings.csv: line-id, visit and physician matches,
 * precision, look-alikes flagged, a folder of months, and the CSV reader. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "eval/eval.h"

static char root[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *truth_json =
	"{ \"generator\": \"claimwatch gen\", \"months\": [\"2026-03\", \"2026-04\"],\n"
	"  \"cases\": [\n"
	"   { \"id\": \"T1\", \"detector\": \"duplicate_billing\", \"kind\": \"k\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR1\", \"patient_id\": \"P1\", \"visit_id\": \"V1\", \"line_ids\": [\"L1\", \"L2\"] },\n"
	"   { \"id\": \"T2\", \"detector\": \"duplicate_billing\", \"kind\": \"k\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR1\", \"patient_id\": \"P2\", \"visit_id\": \"V2\", \"line_ids\": [\"L5\", \"L6\"] },\n"
	"   { \"id\": \"T3\", \"detector\": \"split_admission\", \"kind\": \"k\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR2\", \"patient_id\": \"P3\", \"visit_id\": \"V9\", \"line_ids\": [] },\n"
	"   { \"id\": \"T4\", \"detector\": \"outlier_physician\", \"kind\": \"k\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR3\", \"patient_id\": \"\", \"visit_id\": \"\", \"line_ids\": [] },\n"
	"   { \"id\": \"T5\", \"detector\": \"over_price\", \"kind\": \"k\", \"month\": \"2026-04\",\n"
	"     \"physician_id\": \"DR1\", \"patient_id\": \"P1\", \"visit_id\": \"V7\", \"line_ids\": [\"L70\"] }\n"
	"  ],\n"
	"  \"lookalikes\": [\n"
	"   { \"id\": \"L1\", \"detector\": \"repeat_test\", \"kind\": \"after_positive\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR1\", \"patient_id\": \"P1\", \"visit_id\": \"V3\", \"line_ids\": [\"L30\", \"L31\"] },\n"
	"   { \"id\": \"L2\", \"detector\": \"split_admission\", \"kind\": \"planned\", \"month\": \"2026-03\",\n"
	"     \"physician_id\": \"DR2\", \"patient_id\": \"P4\", \"visit_id\": \"V10\", \"line_ids\": [] }\n"
	"  ],\n"
	"  \"bad_physicians\": [] }\n";

#define HEADER "finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids," \
	       "suspect_amount,score,reason\n"

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/cw_test_eval_XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(root, sizeof root, "%s", tmpl);
	char p[512];
	snprintf(p, sizeof p, "%s/truth.json", root);
	write_file(p, truth_json);
	snprintf(p, sizeof p, "%s/2026-03", root);
	mkdir(p, 0777);
	snprintf(p, sizeof p, "%s/2026-04", root);
	mkdir(p, 0777);
	snprintf(p, sizeof p, "%s/2026-03/findings.csv", root);
	write_file(p, HEADER
	           /* matches T1 by one shared line id */
	           "F1,2026-03,duplicate_billing,treatment,H1,D1,DR1,P1,V1,L2 L99,1.00,1,\"same item, same minute\"\n"
	           /* a duplicate with no case: hurts precision */
	           "F2,2026-03,duplicate_billing,treatment,H1,D1,DR1,P8,V8,L80 L81,1.00,1,dup\n"
	           /* the visit matches T3 (a case without line ids) */
	           "F3,2026-03,split_admission,diagnosis,H1,D1,DR2,P3,V9,,100.00,1,readmitted\n"
	           /* physician-level: matches T4 */
	           "F4,2026-03,outlier_physician,treatment,H1,D1,DR3,,,,0.00,1,costly\n"
	           /* flags the look-alike L1 */
	           "F5,2026-03,repeat_test,exam,H1,D1,DR1,P1,V3,L30 L31,20.00,1,\"repeat, \"\"quoted\"\"\"\n"
	           /* right detector, wrong month for T5 (in 2026-04): no match */
	           "F6,2026-03,over_price,exam,H1,D1,DR1,P1,V7,L70,1.00,1,over\n");
	snprintf(p, sizeof p, "%s/2026-04/findings.csv", root);
	write_file(p, HEADER "F7,2026-04,over_price,exam,H1,D1,DR1,P1,V7,L70,1.00,1,over\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const cw_eval_row *row(const cw_eval_result *r, const char *det)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].detector, det))
			return &r->rows[i];
	fail_msg("no row %s", det);
	return NULL;
}

static void one_month(void **state)
{
	(void)state;
	char t[512], run[512];
	snprintf(t, sizeof t, "%s/truth.json", root);
	snprintf(run, sizeof run, "%s/2026-03", root);
	cw_eval_result r;
	assert_int_equal(cw_eval_run(&r, t, run, tu_registry()), 0);
	assert_int_equal(r.nmonths, 1);
	const cw_eval_row *d = row(&r, "duplicate_billing");
	assert_int_equal(d->cases, 2);
	assert_int_equal(d->found, 1);    /* T1 by line L2; T2 not found */
	assert_int_equal(d->findings, 2);
	assert_int_equal(d->matched, 1);  /* F2 matches nothing */
	const cw_eval_row *s = row(&r, "split_admission");
	assert_int_equal(s->cases, 1);
	assert_int_equal(s->found, 1);    /* by visit */
	assert_int_equal(s->lookalikes, 1);
	assert_int_equal(s->flagged, 0);  /* V10 not flagged */
	const cw_eval_row *o = row(&r, "outlier_physician");
	assert_int_equal(o->found, 1);    /* by physician */
	const cw_eval_row *rt = row(&r, "repeat_test");
	assert_int_equal(rt->cases, 0);
	assert_int_equal(rt->findings, 1);
	assert_int_equal(rt->flagged, 1);
	const cw_eval_row *op = row(&r, "over_price");
	assert_int_equal(op->cases, 0);   /* T5 belongs to 2026-04, not evaluated here */
	assert_int_equal(op->findings, 1);
	assert_int_equal(op->matched, 0);
	const cw_eval_row *lp = row(&r, "low_positive_rate");
	assert_int_equal(lp->cases + lp->findings, 0);
	assert_int_equal(r.total.cases, 4);
	assert_int_equal(r.total.found, 3);
	/* thresholds: recall 0.5 of duplicates, a flagged look-alike */
	FILE *devnull = fopen("/dev/null", "w");
	assert_false(cw_eval_check(&r, 0.9, -1, devnull));
	assert_false(cw_eval_check(&r, -1, -1, devnull)); /* the look-alike alone fails */
	/* every case required: the physician-level one is found, a duplicate is missed */
	assert_int_equal(cw_eval_require_all(&r, "outlier_physician", devnull), 1);
	assert_int_equal(cw_eval_require_all(&r, "outlier_physician,low_positive_rate", devnull), 1); /* no cases */
	assert_int_equal(cw_eval_require_all(&r, "outlier_physician,duplicate_billing", devnull), 0);
	assert_int_equal(cw_eval_require_all(&r, "outlier", devnull), CW_EUSAGE);
	assert_non_null(strstr(cw_error_last(), "'outlier'"));
	fclose(devnull);
	cw_eval_free(&r);
}

static void folder_of_months(void **state)
{
	(void)state;
	char t[512];
	snprintf(t, sizeof t, "%s/truth.json", root);
	cw_eval_result r;
	assert_int_equal(cw_eval_run(&r, t, root, tu_registry()), 0);
	assert_int_equal(r.nmonths, 2);
	assert_string_equal(r.months[0], "2026-03");
	const cw_eval_row *op = row(&r, "over_price");
	assert_int_equal(op->cases, 1);
	assert_int_equal(op->found, 1);   /* by F7 in 2026-04 */
	assert_int_equal(op->findings, 2);
	assert_int_equal(op->matched, 1);
	cw_eval_free(&r);
}

static void errors(void **state)
{
	(void)state;
	char t[512], run[512];
	cw_eval_result r;
	snprintf(t, sizeof t, "%s/missing.json", root);
	snprintf(run, sizeof run, "%s/2026-03", root);
	assert_true(cw_eval_run(&r, t, run, tu_registry()) < 0);
	cw_eval_free(&r);
	snprintf(t, sizeof t, "%s/truth.json", root);
	snprintf(run, sizeof run, "%s/nothing-here", root);
	assert_true(cw_eval_run(&r, t, run, tu_registry()) < 0);
	cw_eval_free(&r);
}

static void csv_reader(void **state)
{
	(void)state;
	char p[512];
	snprintf(p, sizeof p, "%s/x.csv", root);
	write_file(p, "\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n\n2,\"multi\nline\",\r\n3,\"bad\"x,\n");
	cw_evcsv c;
	assert_int_equal(cw_evcsv_open(&c, p), 0);
	assert_int_equal(cw_evcsv_next(&c), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(c.field[0], "a");
	assert_int_equal(cw_evcsv_column(&c, "c"), 2);
	assert_int_equal(cw_evcsv_next(&c), 1);
	assert_string_equal(c.field[1], "x, y");
	assert_string_equal(c.field[2], "he said \"hi\"");
	assert_int_equal(cw_evcsv_next(&c), 1);
	assert_string_equal(c.field[1], "multi\nline");
	assert_string_equal(c.field[2], "");
	assert_int_equal(cw_evcsv_next(&c), CW_EINVALID);
	cw_evcsv_close(&c);
}

/* A department-level case (a dept_id, no physician_id) is found by a finding of that department with no
 * physician, in its month; a physician's finding in the same department matches it not. */
static void department_cases(void **state)
{
	(void)state;
	char dir[] = "/tmp/cw_test_eval_dept_XXXXXX", p[640], run[512];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/truth.json", dir);
	write_file(p, "{ \"months\": [\"2026-03\"], \"cases\": [\n"
	              " { \"detector\": \"low_positive_rate\", \"kind\": \"k\", \"month\": \"2026-03\", \"physician_id\": \"\",\n"
	              "   \"dept_id\": \"D1\", \"line_ids\": [] },\n"
	              " { \"detector\": \"low_positive_rate\", \"kind\": \"k\", \"month\": \"2026-03\", \"physician_id\": \"\",\n"
	              "   \"dept_id\": \"D2\", \"line_ids\": [] } ],\n"
	              " \"lookalikes\": [\n"
	              " { \"detector\": \"low_positive_rate\", \"kind\": \"k\", \"month\": \"2026-03\", \"physician_id\": \"\",\n"
	              "   \"dept_id\": \"D3\", \"line_ids\": [] } ] }\n");
	snprintf(run, sizeof run, "%s/2026-03", dir);
	mkdir(run, 0777);
	snprintf(p, sizeof p, "%s/findings.csv", run);
	write_file(p, HEADER "F1,2026-03,low_positive_rate,exam,H1,D1,,,,,0.00,1,department\n"
	                     "F2,2026-03,low_positive_rate,exam,H1,D2,DR2,,,,0.00,1,a physician of D2\n"
	                     "F3,2026-03,low_positive_rate,exam,H1,D4,,,,,0.00,1,department\n");
	snprintf(p, sizeof p, "%s/truth.json", dir);
	cw_eval_result r;
	assert_int_equal(cw_eval_run(&r, p, run, tu_registry()), 0);
	const cw_eval_row *lp = row(&r, "low_positive_rate");
	assert_int_equal(lp->cases, 2);
	assert_int_equal(lp->found, 1);    /* D1; D2's finding is a physician's */
	assert_int_equal(lp->findings, 3);
	assert_int_equal(lp->matched, 1);
	assert_int_equal(lp->lookalikes, 1);
	assert_int_equal(lp->flagged, 0);  /* D3 not flagged */
	cw_eval_free(&r);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_month),
		cmocka_unit_test(folder_of_months),
		cmocka_unit_test(errors),
		cmocka_unit_test(csv_reader),
		cmocka_unit_test(department_cases),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
