/* test_review.c: inspectors' decisions: a file that only grows, with header and 0600 mode, the latest
 * decision wins, quoting round trip, locating a finding in the month folders, damaged files (their
 * damaged end set aside, never a failure), decisions recorded after a load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/review.h"

static const char *findings_header =
	"finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,"
	"suspect_amount,score,reason\n";

static void month_findings(const char *root, const char *month, const char *rows)
{
	char dir[4200], text[4096];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(text, sizeof text, "%s%s", findings_header, rows);
	tu_write(dir, "findings.csv", text);
}

static void test_missing_file_is_empty(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_count(rv), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_NONE);
	assert_int_equal(cw_reviews_status(NULL, "F1"), CW_REVIEW_NONE);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
}

static void test_append_latest_wins(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_review a = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "seen the record" };
	cw_review b = { "F2", "2026-05", CW_REVIEW_DISMISSED, "wang", "note with, a comma and \"quotes\"\nand a line" };
	cw_review c = { "F1", "2026-05", CW_REVIEW_DISMISSED, "zhao", "on second thought" };
	assert_int_equal(tu_review(root, &a), 0);
	assert_int_equal(tu_review(root, &b), 0);
	assert_int_equal(tu_review(root, &c), 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/reviews.csv", root);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *text = tu_read(path);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "time,by,finding_id,month,status,note\n", 37), 0);
	assert_null(strstr(text + 1, "time,by")); /* one header */
	assert_non_null(strstr(text, ",wang,F2,2026-05,dismissed,\"note with, a comma and \"\"quotes\"\"\nand a line\"\n"));
	free(text);
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_count(rv), 2);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_DISMISSED);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_DISMISSED);
	assert_int_equal(cw_reviews_status(rv, "F3"), CW_REVIEW_NONE);
	cw_reviews_free(rv);
	cw_review d = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "confirmed after all" };
	assert_int_equal(tu_review(root, &d), 0);
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_CONFIRMED);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
}

static void test_bad_status(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_review bad = { "F1", "2026-05", CW_REVIEW_NONE, "li", "x" };
	assert_int_equal(tu_review(root, &bad), CW_EINVALID);
	/* a decision with an unknown status is skipped with a warning; the others count */
	tu_write(root, "reviews.csv", "time,by,finding_id,month,status,note\nt,li,F1,2026-05,maybe,x\n"
	                              "t,li,F2,2026-05,confirmed,y\n");
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_non_null(strstr(cw_reviews_warnings(rv), "line 2"));
	assert_non_null(strstr(cw_reviews_warnings(rv), "maybe"));
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_NONE);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_CONFIRMED);
	cw_reviews_free(rv);
	assert_int_equal(cw_review_status_parse("confirmed"), CW_REVIEW_CONFIRMED);
	assert_int_equal(cw_review_status_parse("Confirmed"), -1);
	tu_rmtree(root);
	free(root);
}

/* The file beside reviews.csv that holds its damaged end, read whole (NULL when there is none). */
static char *set_aside(const char *root)
{
	char cmd[4300], name[4300] = "";
	snprintf(cmd, sizeof cmd, "ls %s | grep '^reviews.csv.damaged-'", root);
	FILE *p = popen(cmd, "r");
	int found = p && fgets(name, sizeof name, p) != NULL;
	if (p)
		pclose(p);
	if (!found)
		return NULL;
	name[strcspn(name, "\n")] = 0;
	snprintf(cmd, sizeof cmd, "%s/%s", root, name);
	return tu_read(cmd);
}

/* Writes of an older claimwatch cut short: the readable decisions count, the damaged end is set aside with
 * a warning, and the next decision is added after the readable part. */
static void test_damaged_end(void **state)
{
	(void)state;
	static const char *const torn[] = {
		"2026-11-20T10:01:00+0800,li,F2,2026-05,confirmed,\"half a no",              /* a broken quote */
		"2026-11-20T10:01:00+0800,li,F2,2026-05,confirmed,\"half\"x,y\n",            /* text after a quote */
		"2026-11-20T10:01:00+0800,li,F2,2026-05,confirm",                            /* no line break */
		"2026-11-20T10:01:00+0800,li,F2\n",                                          /* too few fields */
	};
	const char *good = "time,by,finding_id,month,status,note\n2026-11-20T10:00:00+0800,li,F1,2026-05,dismissed,ok\n";
	for (size_t i = 0; i < sizeof torn / sizeof *torn; i++) {
		char *root = tu_tempdir(), text[1024], path[4200];
		snprintf(text, sizeof text, "%s%s", good, torn[i]);
		tu_write(root, "reviews.csv", text);
		cw_reviews *rv;
		assert_int_equal(cw_reviews_load(&rv, root), 0);
		assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_DISMISSED);
		assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_NONE);
		assert_non_null(strstr(cw_reviews_warnings(rv), "line 3"));
		assert_non_null(strstr(cw_reviews_warnings(rv), "set aside in"));
		cw_reviews_free(rv);
		char *aside = set_aside(root);
		assert_non_null(aside);
		assert_string_equal(aside, torn[i]);
		free(aside);
		snprintf(path, sizeof path, "%s/reviews.csv", root);
		char *now = tu_read(path);
		assert_string_equal(now, good);
		free(now);
		cw_review c = { "F3", "2026-05", CW_REVIEW_CONFIRMED, "wang", "after the tear" };
		assert_int_equal(tu_review(root, &c), 0); /* nothing left to warn about */
		assert_int_equal(cw_reviews_load(&rv, root), 0);
		assert_string_equal(cw_reviews_warnings(rv), "");
		assert_int_equal(cw_reviews_status(rv, "F3"), CW_REVIEW_CONFIRMED);
		assert_int_equal(cw_reviews_count(rv), 2);
		cw_reviews_free(rv);
		tu_rmtree(root);
		free(root);
	}
}

/* A damaged end found by the writer itself: set aside, with the warning returned. A damaged header: the
 * whole file is set aside and a new one begun. */
static void test_damaged_append(void **state)
{
	(void)state;
	char *root = tu_tempdir(), path[4200], *warnings;
	tu_write(root, "reviews.csv", "time,by,finding_id,month,status,note\nt,li,F1,2026-05,dismissed,\"torn");
	cw_review c = { "F2", "2026-05", CW_REVIEW_CONFIRMED, "wang", "ok" };
	assert_int_equal(cw_review_append(&warnings, root, &c), 0);
	assert_non_null(strstr(warnings, "line 2"));
	free(warnings);
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_count(rv), 1);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_CONFIRMED);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);

	root = tu_tempdir();
	tu_write(root, "reviews.csv", "time,by,month,status,note\n");
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_non_null(strstr(cw_reviews_warnings(rv), "finding_id"));
	cw_reviews_free(rv);
	snprintf(path, sizeof path, "%s/reviews.csv", root);
	char *now = tu_read(path);
	assert_string_equal(now, "time,by,finding_id,month,status,note\n");
	free(now);
	tu_rmtree(root);
	free(root);
}

/* A decision recorded after a load is counted for its month only. */
static void test_changed(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_review a = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "x" };
	cw_review b = { "F2", "2026-04", CW_REVIEW_DISMISSED, "li", "x" };
	cw_review c = { "F1", "2026-05", CW_REVIEW_DISMISSED, "li", "y" };
	assert_int_equal(tu_review(root, &a), 0);
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_changed(rv, root, "2026-05"), 0);
	assert_int_equal(tu_review(root, &b), 0);
	assert_int_equal(cw_reviews_changed(rv, root, "2026-05"), 0);
	assert_int_equal(tu_review(root, &c), 0);
	assert_int_equal(cw_reviews_changed(rv, root, "2026-05"), 1);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
}

static void test_locate(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	month_findings(root, "2026-04", "Faaa,2026-04,over_price,exam,H1,D1,DR1,P-1,V1,L1,15.00,1.000,price\n");
	month_findings(root, "2026-05", "Fbbb,2026-05,repeat_test,exam,H1,D1,DR2,P-2,V2,L2 L3,20.00,1.000,\"a, b\"\n");
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-06.rejected", root); /* not a month folder */
	mkdir(dir, 0700);
	cw_finding_where w;
	assert_int_equal(cw_finding_locate(&w, root, "Faaa"), 0);
	assert_string_equal(w.month, "2026-04");
	assert_string_equal(w.detector, "over_price");
	assert_string_equal(w.physician_id, "DR1");
	assert_int_equal(cw_finding_locate(&w, root, "Fbbb"), 0);
	assert_string_equal(w.month, "2026-05");
	assert_string_equal(w.suspect_amount, "20.00");
	assert_int_equal(cw_finding_locate(&w, root, "Fccc"), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "Fccc"));
	assert_non_null(strstr(cw_error_last(), "2 month folders"));
	assert_int_equal(cw_finding_locate(&w, root, "Fa"), CW_ENOTFOUND); /* a prefix is not an id */
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file_is_empty),
		cmocka_unit_test(test_append_latest_wins),
		cmocka_unit_test(test_bad_status),
		cmocka_unit_test(test_damaged_end),
		cmocka_unit_test(test_damaged_append),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
