/* test_import.c: the pieces of `claimwatch import` (tools/import) at their boundaries: decimals with the
 * platform's 6 places rounded to the contract's, the time forms of both sources, the string map, a record
 * file read as CSV or JSON lines (and refused when broken, naming file, line and column), and the fund's
 * payment shared out to the lines to the fen, refunds mirroring their originals. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "import/import.h"

static char root[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/cw_import_test.%d", (int)getpid());
	mkdir(root, 0700);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_decimal(void **state)
{
	(void)state;
	int64_t v;
	int r;
	const char *why;
	assert_int_equal(imp_decimal(&v, &r, &why, "1.2", 2), 0);
	assert_int_equal(v, 120);
	assert_int_equal(r, 0);
	assert_int_equal(imp_decimal(&v, &r, &why, "0.123456", 2), 0); /* the platform's pric: 16,6 */
	assert_int_equal(v, 12);
	assert_int_equal(r, 1);
	assert_int_equal(imp_decimal(&v, &r, &why, "-2.005", 2), 0); /* half away from zero */
	assert_int_equal(v, -201);
	assert_int_equal(imp_decimal(&v, &r, &why, "1.0005", 3), 0); /* cnt: 16,4 to thousandths */
	assert_int_equal(v, 1001);
	assert_int_equal(imp_decimal(&v, &r, &why, "12", 3), 0);
	assert_int_equal(v, 12000);
	assert_int_equal(imp_decimal(&v, &r, &why, "1.1234567", 2), CW_EINVALID);
	assert_string_equal(why, "more than 6 decimals");
	assert_int_equal(imp_decimal(&v, &r, &why, "x1", 2), CW_EINVALID);
	assert_string_equal(why, "not a number");
	assert_int_equal(imp_decimal(&v, &r, &why, "", 2), CW_EINVALID);
	assert_int_equal(imp_decimal(&v, &r, &why, ".", 2), CW_EINVALID);
	assert_int_equal(imp_decimal(&v, &r, &why, "1e3", 2), CW_EINVALID);
	assert_int_equal(imp_decimal(&v, &r, &why, "99999999999999999999", 2), CW_EINVALID);
}

static void test_time(void **state)
{
	(void)state;
	cw_minute t, u;
	const char *why;
	assert_int_equal(imp_time(&t, &why, "2026-03-02 08:00:59"), 0);
	assert_int_equal(imp_time(&u, &why, "2026-03-02"), 0);
	assert_int_equal(t - u, 8 * 60);
	assert_int_equal(imp_time(&t, &why, "20260302"), 0); /* DE-SynPUF */
	assert_int_equal(t, u);
	assert_int_equal(imp_time(&t, &why, "20260230"), CW_EINVALID);
	assert_int_equal(imp_time(&t, &why, "2026-02-30 08:00"), CW_EINVALID);
	assert_int_equal(imp_time(&t, &why, "yesterday"), CW_EINVALID);
}

static void test_map(void **state)
{
	(void)state;
	imp_map m = { 0 };
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(imp_map_put(&m, key, i), 0);
	}
	assert_int_equal(imp_map_put(&m, "k7", 70), 0);
	assert_int_equal(m.n, 1000);
	assert_int_equal(imp_map_get(&m, "k7"), 70);
	assert_int_equal(imp_map_get(&m, "k999"), 999);
	assert_int_equal(imp_map_get(&m, "k1000"), -1);
	imp_map_free(&m);
	assert_int_equal(imp_map_get(&m, "k1"), -1);
}

static const char *const fields[] = { "a", "?b", "?c", NULL };

static void test_src_json(void **state)
{
	(void)state;
	write_file("r.jsonl", "{\"a\": \"x\", \"b\": 1.5, \"c\": null}\n\n{\"a\": \"y\", \"b\": -80, \"c\": true}\n"
	                      "{\"a\": {\"n\": 1}}\n");
	imp_src *s;
	char where[64];
	assert_int_equal(imp_src_open(&s, root, "r", fields), 0);
	assert_int_equal(imp_src_next(s), 1);
	assert_string_equal(imp_src_get(s, 0), "x");
	assert_string_equal(imp_src_get(s, 1), "1.5");
	assert_string_equal(imp_src_get(s, 2), "");
	assert_int_equal(imp_src_next(s), 1);
	assert_string_equal(imp_src_get(s, 1), "-80");
	assert_string_equal(imp_src_get(s, 2), "1");
	assert_string_equal(imp_src_where(where, sizeof where, s, 1), "r.jsonl:3:b");
	assert_int_equal(imp_src_next(s), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "r.jsonl: line 4: column a: an object or array where a value belongs"));
	imp_src_close(s);
	write_file("r.jsonl", "{\"a\": 123456789012345678901}\n");
	assert_int_equal(imp_src_open(&s, root, "r", fields), 0);
	assert_int_equal(imp_src_next(s), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "r.jsonl: line 1: column a: a number beyond 2^53"));
	imp_src_close(s);
	write_file("r.jsonl", "[1, 2]\n");
	assert_int_equal(imp_src_open(&s, root, "r", fields), 0);
	assert_int_equal(imp_src_next(s), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "r.jsonl: line 1: not a JSON object"));
	imp_src_close(s);
	assert_int_equal(imp_src_open(&s, root, "none", fields), CW_ENOTFOUND);
}

static void test_src_csv(void **state)
{
	(void)state;
	write_file("t.csv", "\xEF\xBB\xBF" "c,a,zz\n3,\"1,2\",q\n4,5\n");
	imp_src *s;
	assert_int_equal(imp_src_open(&s, root, "t", fields), 0);
	assert_int_equal(imp_src_next(s), 1);
	assert_string_equal(imp_src_get(s, 0), "1,2");
	assert_string_equal(imp_src_get(s, 1), ""); /* b: not a column */
	assert_string_equal(imp_src_get(s, 2), "3");
	assert_int_equal(imp_src_next(s), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "t.csv: line 3: 2 fields where the header has 3"));
	imp_src_close(s);
	write_file("u.csv", "b,c\n1,2\n");
	assert_int_equal(imp_src_open(&s, root, "u", fields), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "u.csv: line 1: the required column 'a' is missing"));
}

/* Three lines of equal weight share 100.00 to the fen (33.34 33.33 33.33); the patient's part (S - F =
 * 50.00) likewise; a refunded half of a line carries the negative rest. */
static void test_fund_share(void **state)
{
	(void)state;
	write_file("mdtrtinfo.csv", "mdtrt_id,psn_no,med_type,begntime,fixmedins_code,atddr_no,dept_code,dscg_maindiag_code\n"
	                            "V1,P1,11,2026-03-01 08:00:00,H1,D1,01,I10\n");
	write_file("feedetail.csv", "feedetl_sn,init_feedetl_sn,mdtrt_id,fee_ocur_time,med_list_codg,cnt,pric,det_item_fee_sumamt\n"
	                            "1,,V1,2026-03-01 08:10:00,A,1,100,100\n"
	                            "2,,V1,2026-03-01 08:10:00,B,1,100,100\n"
	                            "3,,V1,2026-03-01 08:10:00,C,2,100,200\n"
	                            "4,3,V1,2026-03-01 09:00:00,C,-1,100,-100\n");
	write_file("setlinfo.csv", "setl_id,mdtrt_id,inscp_scp_amt\nS1,V1,150.00\n");
	write_file("setldetail.csv", "setl_id,fund_pay_type,fund_payamt\nS1,310100,60.00\nS1,320100,40.00\n");
	imp_report rep = { 0 };
	imp_db db = { .rep = &rep };
	assert_int_equal(imp_nhsa(&db, root), 0);
	assert_int_equal(db.nline, 4);
	cw_fen f = 0, p = 0;
	for (size_t i = 0; i < db.nline; i++) {
		f += db.line[i].fund;
		p += db.line[i].self_pay;
	}
	assert_int_equal(f, 10000);
	assert_int_equal(p, 5000);
	assert_int_equal(db.line[0].fund, 3334);
	assert_int_equal(db.line[1].fund, 3333);
	assert_int_equal(db.line[2].fund, 6666); /* its net 33.33, scaled to its gross 200.00 */
	assert_int_equal(db.line[3].fund, -3333);
	assert_true(db.line[3].self_pay <= 0);
	assert_int_equal(db.line[3].orig, 2);
	assert_int_equal(imp_count_total(&rep, "feedetail", IMP_KEPT), 4);
	imp_db_free(&db);
	free(rep.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_map),
		cmocka_unit_test_setup_teardown(test_src_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_src_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fund_share, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
