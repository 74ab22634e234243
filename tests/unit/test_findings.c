/* test_findings.c: the month's list of findings (src/engine/findings.c): what cw_emit
 * stores is what cw_findings_get gives back, evidence lines or none. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "claimwatch/findings.h"
#include "engine/findings_impl.h"

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

/* Both languages' reasons from one set of arguments; a copy keeps both; a
 * detector that gives only English has no Chinese reason. */
static void test_reason_in_two_languages(void **state)
{
	(void)state;
	cw_findings *l, *copy;
	assert_int_equal(cw_findings_new(&l), 0);
	assert_int_equal(cw_findings_new(&copy), 0);
	cw_finding f = cw_finding_init();
	assert_int_equal(f.dept, CW_NONE);
	f.dept = 5;
	assert_int_equal(cw_emit_i18n(l, &f, "%s at %.2f, above %d", "%s 单价 %.2f, 超过 %d", "CT", 43.7, 30), 0);
	f.dept = CW_NONE;
	assert_int_equal(cw_emit(l, &f, "only English"), 0);
	assert_int_equal(cw_findings_copy(copy, l, 0), 0);
	cw_record r;
	cw_findings_get(&r, copy, 0);
	assert_string_equal(r.reason, "CT at 43.70, above 30");
	assert_string_equal(r.reason_zh, "CT 单价 43.70, 超过 30");
	assert_int_equal(r.f.dept, 5);
	cw_findings_get(&r, l, 1);
	assert_string_equal(r.reason, "only English");
	assert_null(r.reason_zh);
	cw_findings_free(l);
	cw_findings_free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding_without_lines_alone),
		cmocka_unit_test(test_lines_kept_per_finding),
		cmocka_unit_test(test_reason_in_two_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
