/* test_findings.c: the month's list of findings (src/engine/findings.c): what cw_emit
 * stores is what cw_findings_get gives back, evidence lines or none. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "claimwatch/findings.h"

/* A physician-level finding (no evidence line) in a list that holds no line
 * at all: found by fuzz_load (tests/fuzz/regress/load/finding_without_lines),
 * where reading it back offset a NULL array. */
static void test_finding_without_lines_alone(void **state)
{
	(void)state;
	cw_findings *l;
	assert_int_equal(cw_findings_new(&l), 0);
	cw_finding f = cw_finding_init();
	f.suspect = 1234;
	assert_int_equal(cw_emit(l, &f, "rate %d%%", 12), 0);
	cw_record r;
	cw_findings_get(&r, l, 0);
	assert_int_equal(r.f.nlines, 0);
	assert_null(r.f.lines);
	assert_int_equal(r.f.suspect, 1234);
	assert_string_equal(r.reason, "rate 12%");
	cw_findings_free(l);
}

static void test_lines_kept_per_finding(void **state)
{
	(void)state;
	cw_findings *l;
	assert_int_equal(cw_findings_new(&l), 0);
	static const uint32_t a[] = { 7, 3, 9 }, b[] = { 42 };
	cw_finding f = cw_finding_init();
	f.lines = a;
	f.nlines = 3;
	assert_int_equal(cw_emit(l, &f, "a"), 0);
	f.lines = NULL;
	f.nlines = 0;
	assert_int_equal(cw_emit(l, &f, "none"), 0);
	f.lines = b;
	f.nlines = 1;
	f.tag = "t";
	assert_int_equal(cw_emit(l, &f, "b"), 0);
	assert_int_equal(cw_findings_count(l), 3);

	cw_record r;
	cw_findings_get(&r, l, 0);
	assert_int_equal(r.f.nlines, 3);
	assert_memory_equal(r.f.lines, a, sizeof a);
	assert_null(r.f.tag);
	cw_findings_get(&r, l, 1);
	assert_null(r.f.lines);
	assert_string_equal(r.reason, "none");
	cw_findings_get(&r, l, 2);
	assert_int_equal(r.f.nlines, 1);
	assert_int_equal(r.f.lines[0], 42);
	assert_string_equal(r.f.tag, "t");
	cw_findings_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding_without_lines_alone),
		cmocka_unit_test(test_lines_kept_per_finding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
