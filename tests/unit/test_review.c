/* test_review.c: inspectors' decisions: a file that only grows, with header and 0600 mode, the latest
 * decision wins, quoting round trip, locating a finding in the month folders, damaged files (their
 * damaged end set aside, never a failure), decisions recorded after a load; the states from open to
 * refunded and an appeal (every transition, the refused ones naming the state), refunds adding up to
 * the cap, a file of the first form read and migrated by the next decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/review.h"

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
	cw_review a = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "seen the record", NULL, 0, 0, 0 };
	cw_review b = { "F2", "2026-05", CW_REVIEW_DISMISSED, "wang", "note with, a comma and \"quotes\"\nand a line", NULL, 0, 0, 0 };
	cw_review c = { "F1", "2026-05", CW_REVIEW_DISMISSED, "zhao", "on second thought", NULL, 0, 0, 0 };
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
	assert_int_equal(strncmp(text, "time,by,finding_id,month,status,note,date,amount\n", 49), 0);
	assert_null(strstr(text + 1, "time,by")); /* one header */
	assert_non_null(strstr(text, ",wang,F2,2026-05,dismissed,\"note with, a comma and \"\"quotes\"\"\nand a line\",20"));
	free(text);
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_count(rv), 2);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_DISMISSED);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_DISMISSED);
	assert_int_equal(cw_reviews_status(rv, "F3"), CW_REVIEW_NONE);
	cw_reviews_free(rv);
	cw_review d = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "confirmed after all", NULL, 0, 0, 0 };
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
	cw_review bad = { "F1", "2026-05", CW_REVIEW_NONE, "li", "x", NULL, 0, 0, 0 };
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
		cw_review c = { "F3", "2026-05", CW_REVIEW_CONFIRMED, "wang", "after the tear", NULL, 0, 0, 0 };
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
	cw_review c = { "F2", "2026-05", CW_REVIEW_CONFIRMED, "wang", "ok", NULL, 0, 0, 0 };
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
	assert_string_equal(now, "time,by,finding_id,month,status,note,date,amount\n");
	free(now);
	tu_rmtree(root);
	free(root);
}

/* A decision recorded after a load is counted for its month only. */
static void test_changed(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_review a = { "F1", "2026-05", CW_REVIEW_CONFIRMED, "li", "x", NULL, 0, 0, 0 };
	cw_review b = { "F2", "2026-04", CW_REVIEW_DISMISSED, "li", "x", NULL, 0, 0, 0 };
	cw_review c = { "F1", "2026-05", CW_REVIEW_DISMISSED, "li", "y", NULL, 0, 0, 0 };
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
	tu_write_findings(root, "2026-04", "Faaa,2026-04,over_price,exam,H1,D1,DR1,P-1,V1,L1,15.00,1.000,price\n");
	tu_write_findings(root, "2026-05", "Fbbb,2026-05,repeat_test,exam,H1,D1,DR2,P-2,V2,L2 L3,20.00,1.000,\"a, b\"\n");
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

/* Every act from every state: what a bureau would allow, and the refusals naming the current state. */
static void test_transitions(void **state)
{
	(void)state;
	enum { N = CW_REVIEW_NONE, C = CW_REVIEW_CONFIRMED, D = CW_REVIEW_DISMISSED, R = CW_REVIEW_RECTIFIED,
	       F = CW_REVIEW_REFUNDED, A = CW_REVIEW_APPEALED, U = CW_REVIEW_UPHELD, O = CW_REVIEW_OVERTURNED, X = -1 };
	/* next[state][act]: X where refused; an appeal's `before` is R here */
	static const int next[6][8] = {
		[N] = { X, C, D, X, X, X, X, X },
		[C] = { X, X, D, R, F, A, X, X },
		[D] = { X, C, X, X, X, X, X, X },
		[R] = { X, X, X, X, F, A, X, X },
		[F] = { X, X, X, X, F, A, X, X },
		[A] = { X, X, X, X, X, X, R, D },
	};
	for (int s = N; s <= A; s++)
		for (int act = C; act <= O; act++) {
			int to = -5;
			int rc = cw_review_transition(&to, s, R, act);
			if (next[s][act] == X) {
				assert_int_equal(rc, CW_EINVALID);
				char want[32];
				snprintf(want, sizeof want, "is %s:", cw_review_state_name(s));
				assert_non_null(strstr(cw_error_last(), want));
				assert_int_equal(to, -5);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(to, next[s][act]);
			}
		}
	assert_int_equal(cw_review_transition(&(int){ 0 }, N, N, N), CW_EINVALID);
	assert_string_equal(cw_review_state_name(N), "open");
	assert_string_equal(cw_review_status_name(N), "");
	for (int act = C; act <= O; act++)
		assert_int_equal(cw_review_status_parse(cw_review_status_name(act)), act);
	assert_int_equal(cw_review_status_parse("open"), -1);
	assert_true(cw_review_is_confirmed(C) && cw_review_is_confirmed(R) && cw_review_is_confirmed(F) &&
	            cw_review_is_confirmed(A));
	assert_false(cw_review_is_confirmed(N) || cw_review_is_confirmed(D));
}

/* One finding through every state and an appeal, recorded: refused acts leave the file as it was. */
static void test_walk(void **state)
{
	(void)state;
	char *root = tu_tempdir(), path[4200], *warnings;
	snprintf(path, sizeof path, "%s/reviews.csv", root);
	cw_review r = { "F1", "2026-05", CW_REVIEW_RECTIFIED, "li", "x", "2026-06-01", 0, 1, 10000 };
	assert_int_equal(cw_review_append(&warnings, root, &r), CW_EINVALID); /* open: confirm first */
	free(warnings);
	assert_non_null(strstr(cw_error_last(), "F1: the finding is open"));
	r.status = CW_REVIEW_CONFIRMED;
	assert_int_equal(tu_review(root, &r), 0);
	r.status = CW_REVIEW_CONFIRMED;
	assert_int_equal(tu_review(root, &r), CW_EINVALID); /* already confirmed */
	r.status = CW_REVIEW_RECTIFIED;
	assert_int_equal(tu_review(root, &r), 0);
	r.status = CW_REVIEW_REFUNDED;
	r.amount = 6000;
	assert_int_equal(tu_review(root, &r), 0);
	r.amount = 4001; /* 60 + 40.01 > 100 */
	assert_int_equal(tu_review(root, &r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "100.01"));
	r.capped = 0; /* --force */
	r.amount = 4000;
	assert_int_equal(tu_review(root, &r), 0);
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_REFUNDED);
	assert_int_equal(cw_reviews_refunded(rv, "F1"), 10000);
	cw_reviews_free(rv);
	r.amount = 0;
	r.status = CW_REVIEW_DISMISSED;
	assert_int_equal(tu_review(root, &r), CW_EINVALID); /* refunded: only an appeal overturned dismisses */
	assert_non_null(strstr(cw_error_last(), "is refunded"));
	r.status = CW_REVIEW_UPHELD;
	assert_int_equal(tu_review(root, &r), CW_EINVALID); /* no appeal to close */
	r.status = CW_REVIEW_APPEALED;
	assert_int_equal(tu_review(root, &r), 0);
	assert_int_equal(tu_review(root, &r), CW_EINVALID); /* already under appeal */
	assert_non_null(strstr(cw_error_last(), "is appealed"));
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_APPEALED);
	cw_reviews_free(rv);
	r.status = CW_REVIEW_UPHELD;
	assert_int_equal(tu_review(root, &r), 0);
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_REFUNDED); /* back to before the appeal */
	assert_int_equal(cw_reviews_refunded(rv, "F1"), 10000);
	cw_reviews_free(rv);
	r.status = CW_REVIEW_APPEALED;
	assert_int_equal(tu_review(root, &r), 0);
	r.status = CW_REVIEW_OVERTURNED;
	assert_int_equal(tu_review(root, &r), 0);
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_DISMISSED);
	assert_int_equal(cw_reviews_refunded(rv, "F1"), 0); /* the fund owes it back */
	assert_string_equal(cw_reviews_warnings(rv), "");
	cw_reviews_free(rv);
	char *text = tu_read(path);
	assert_non_null(strstr(text, ",li,F1,2026-05,refunded,x,2026-06-01,60.00\n"));
	assert_non_null(strstr(text, ",li,F1,2026-05,overturned,x,2026-06-01,\n"));
	free(text);
	/* malformed acts: no amount, an amount on another act, a bad date, an unknown act */
	cw_review bad = { "F2", "2026-05", CW_REVIEW_REFUNDED, "li", "x", NULL, 0, 0, 0 };
	assert_int_equal(tu_review(root, &bad), CW_EINVALID);
	bad.status = CW_REVIEW_CONFIRMED;
	bad.amount = 100;
	assert_int_equal(tu_review(root, &bad), CW_EINVALID);
	bad.amount = 0;
	bad.date = "2026-02-30";
	assert_int_equal(tu_review(root, &bad), CW_EINVALID);
	bad.date = NULL;
	bad.status = CW_REVIEW_NSTATUS;
	assert_int_equal(tu_review(root, &bad), CW_EINVALID);
	tu_rmtree(root);
	free(root);
}

/* A file of the first form is read as it is, and the next decision rewrites it in the new form. */
static void test_old_form(void **state)
{
	(void)state;
	char *root = tu_tempdir(), path[4200];
	snprintf(path, sizeof path, "%s/reviews.csv", root);
	tu_write(root, "reviews.csv", "time,by,finding_id,month,status,note\n"
	                              "2026-05-01T10:00:00+0800,li,F1,2026-05,confirmed,\"a, b\"\n"
	                              "2026-05-01T10:00:00+0800,li,F2,2026-05,dismissed,\"'=x\"\n");
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_string_equal(cw_reviews_warnings(rv), "");
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_CONFIRMED);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_DISMISSED);
	cw_reviews_free(rv);
	char *text = tu_read(path);
	assert_non_null(strstr(text, "status,note\n")); /* a reader leaves it as it is */
	free(text);
	cw_review r = { "F1", "2026-05", CW_REVIEW_REFUNDED, "wang", "back", "2026-06-02", 1234, 1, 5000 };
	assert_int_equal(tu_review(root, &r), 0);
	text = tu_read(path);
	static const char migrated[] = "time,by,finding_id,month,status,note,date,amount\n"
	                               "2026-05-01T10:00:00+0800,li,F1,2026-05,confirmed,\"a, b\",,\n"
	                               "2026-05-01T10:00:00+0800,li,F2,2026-05,dismissed,\"'=x\",,\n";
	assert_int_equal(strncmp(text, migrated, sizeof migrated - 1), 0);
	assert_non_null(strstr(text + sizeof migrated - 1, ",wang,F1,2026-05,refunded,back,2026-06-02,12.34\n"));
	free(text);
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_REFUNDED);
	assert_int_equal(cw_reviews_refunded(rv, "F1"), 1234);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
}

/* Acts a hand edit left wrong are ignored with a warning naming the line; the others apply. */
static void test_bad_rows(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	tu_write(root, "reviews.csv", "time,by,finding_id,month,status,note,date,amount\n"
	                              "t,li,F1,2026-05,refunded,x,2026-06-01,12.345\n"
	                              "t,li,F2,2026-05,refunded,x,2026-06-01,5\n"
	                              "t,li,F3,2026-05,confirmed,x,2026-06-01,\n"
	                              "t,li,F3,2026-05,refunded,x,2026-06-01,0\n"
	                              "t,li,F3,2026-05,refunded,x,2026-06-01,7.5\n");
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	const char *w = cw_reviews_warnings(rv);
	assert_non_null(strstr(w, "line 2: refund amount '12.345'"));
	assert_non_null(strstr(w, "line 3: F2: the finding is open"));
	assert_non_null(strstr(w, "line 5: refund amount '0'"));
	assert_int_equal(cw_reviews_status(rv, "F1"), CW_REVIEW_NONE);
	assert_int_equal(cw_reviews_status(rv, "F2"), CW_REVIEW_NONE);
	assert_int_equal(cw_reviews_status(rv, "F3"), CW_REVIEW_REFUNDED);
	assert_int_equal(cw_reviews_refunded(rv, "F3"), 750);
	cw_reviews_free(rv);
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
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_old_form),
		cmocka_unit_test(test_bad_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
