/* test_parse.c: the contract's value parsers (src/util/parse.c) at every boundary. */
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/types.h"

#define S(x) x, strlen(x)

static cw_day date_ok(const char *s)
{
	cw_day d = 0;
	const char *why = NULL;
	assert_int_equal(cw_parse_date(&d, &why, S(s)), 0);
	return d;
}

static const char *date_bad(const char *s)
{
	cw_day d = 12345;
	const char *why = NULL;
	assert_int_equal(cw_parse_date(&d, &why, S(s)), CW_EINVALID);
	assert_non_null(why);
	assert_int_equal(d, 12345); /* untouched */
	return why;
}

static void test_date(void **state)
{
	(void)state;
	assert_int_equal(date_ok("1970-01-01"), 0);
	assert_int_equal(date_ok("2026-05-01"), cw_days_from_civil(2026, 5, 1));
	assert_int_equal(date_ok("1850-01-01"), cw_days_from_civil(1850, 1, 1));
	assert_int_equal(date_ok("2999-12-31"), cw_days_from_civil(2999, 12, 31));
	/* Feb 29: leap years only (2000 is one, 1900 and 2100 are not) */
	assert_int_equal(date_ok("2024-02-29"), cw_days_from_civil(2024, 2, 29));
	assert_int_equal(date_ok("2000-02-29"), cw_days_from_civil(2000, 2, 29));
	assert_string_equal(date_bad("2023-02-29"), "no such day in that month");
	assert_string_equal(date_bad("1900-02-29"), "no such day in that month");
	assert_string_equal(date_bad("2100-02-29"), "no such day in that month");
	date_ok("2023-02-28");
	assert_string_equal(date_bad("2026-04-31"), "no such day in that month");
	date_ok("2026-12-31");
	assert_string_equal(date_bad("2026-01-00"), "no such day in that month");
	assert_string_equal(date_bad("2026-13-01"), "month is not 01-12");
	assert_string_equal(date_bad("2026-00-10"), "month is not 01-12");
	assert_string_equal(date_bad("9999-01-01"), "year is outside 1850-2999");
	assert_string_equal(date_bad("1849-12-31"), "year is outside 1850-2999");
	assert_string_equal(date_bad("3000-01-01"), "year is outside 1850-2999");
	const char *form = "not a date (expected YYYY-MM-DD)";
	assert_string_equal(date_bad(""), form);
	assert_string_equal(date_bad("2026-1-01"), form);
	assert_string_equal(date_bad("2026/01/01"), form);
	assert_string_equal(date_bad(" 2026-01-01"), form);
	assert_string_equal(date_bad("2026-01-01 "), form);
	assert_string_equal(date_bad("2026-01-01 00:00"), form);
	assert_string_equal(date_bad("20260101"), form);
	assert_string_equal(date_bad("2026-0a-01"), form);
	assert_string_equal(date_bad("+026-01-01"), form);
}

static cw_minute time_ok(const char *s)
{
	cw_minute t = 0;
	const char *why = NULL;
	assert_int_equal(cw_parse_time(&t, &why, S(s)), 0);
	return t;
}

static const char *time_bad(const char *s)
{
	cw_minute t = 777;
	const char *why = NULL;
	assert_int_equal(cw_parse_time(&t, &why, S(s)), CW_EINVALID);
	assert_non_null(why);
	assert_int_equal(t, 777);
	return why;
}

static void test_time(void **state)
{
	(void)state;
	cw_minute t = time_ok("2026-05-08 08:11");
	assert_int_equal(t, cw_days_from_civil(2026, 5, 8) * 1440 + 8 * 60 + 11);
	/* T separator and seconds: same minute, seconds dropped */
	assert_int_equal(time_ok("2026-05-08T08:11"), t);
	assert_int_equal(time_ok("2026-05-08 08:11:33"), t);
	assert_int_equal(time_ok("2026-05-08T08:11:59"), t);
	assert_int_equal(time_ok("1970-01-01 00:00"), 0);
	assert_int_equal(time_ok("1969-12-31 23:59"), -1);
	assert_int_equal(time_ok("1850-01-01 00:00"), cw_days_from_civil(1850, 1, 1) * 1440);
	assert_int_equal(time_ok("2999-12-31 23:59:59"), cw_days_from_civil(2999, 12, 31) * 1440 + 1439);
	time_ok("2024-02-29 12:00");
	assert_string_equal(time_bad("2023-02-29 12:00"), "no such day in that month");
	assert_string_equal(time_bad("2026-05-08 24:00"), "hour is not 00-23");
	assert_string_equal(time_bad("2026-05-08 23:60"), "minute is not 00-59");
	assert_string_equal(time_bad("2026-05-08 23:59:60"), "second is not 00-59");
	assert_string_equal(time_bad("9999-01-01 00:00"), "year is outside 1850-2999");
	assert_string_equal(time_bad("9999-12-31T23:59:59"), "year is outside 1850-2999");
	const char *form = "not a time (expected YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS)";
	assert_string_equal(time_bad(""), form);
	assert_string_equal(time_bad("2026-05-08"), form);
	assert_string_equal(time_bad("2026-05-08 8:11"), form);
	assert_string_equal(time_bad("2026-05-08 08:11:3"), form);
	assert_string_equal(time_bad("2026-05-08 08:11:33.5"), form);
	assert_string_equal(time_bad("2026-05-08 08:11Z"), form);
	assert_string_equal(time_bad("2026-05-08x08:11"), form);
	assert_string_equal(time_bad("2026-05-08 08.11"), form);
	assert_string_equal(time_bad("2026-05-08 08:11-33"), form);
	assert_string_equal(time_bad("2026-05-08 0a:11"), form);
	assert_string_equal(time_bad("2026-05-08 08:11 "), form);
}

static int64_t money(const char *s)
{
	cw_fen v = 0;
	const char *why = NULL;
	assert_int_equal(cw_parse_money(&v, &why, S(s)), 0);
	return v;
}

static const char *money_bad(const char *s)
{
	cw_fen v = 0;
	const char *why = NULL;
	assert_int_equal(cw_parse_money(&v, &why, S(s)), CW_EINVALID);
	assert_non_null(why);
	return why;
}

static void test_money(void **state)
{
	(void)state;
	assert_int_equal(money("12.30"), 1230);
	assert_int_equal(money("12.3"), 1230);
	assert_int_equal(money("12"), 1200);
	assert_int_equal(money("0"), 0);
	assert_int_equal(money("0.01"), 1);
	assert_int_equal(money("007.5"), 750);
	assert_int_equal(money("-5.01"), -501);
	assert_int_equal(money("-0"), 0);
	assert_int_equal(money("-113.19"), -11319);
	assert_int_equal(money("999999999999999.99"), 99999999999999999ll);
	assert_int_equal(money("-999999999999999.99"), -99999999999999999ll);
	assert_string_equal(money_bad("12.345"), "money has more than 2 decimals");
	assert_string_equal(money_bad("0.001"), "money has more than 2 decimals");
	assert_string_equal(money_bad("1000000000000000"), "number is too large");
	assert_string_equal(money_bad("99999999999999999999999999"), "number is too large");
	const char *nan = "not a money amount (expected decimal yuan such as 12.30)";
	assert_string_equal(money_bad(""), nan);
	assert_string_equal(money_bad("abc"), nan);
	assert_string_equal(money_bad("1e5"), nan);
	assert_string_equal(money_bad(" 12"), nan);
	assert_string_equal(money_bad("12 "), nan);
	assert_string_equal(money_bad("-"), nan);
	assert_string_equal(money_bad("."), nan);
	assert_string_equal(money_bad(".5"), nan);
	assert_string_equal(money_bad("12."), nan);
	assert_string_equal(money_bad("+5"), nan);
	assert_string_equal(money_bad("--5"), nan);
	assert_string_equal(money_bad("1,000"), nan);
	assert_string_equal(money_bad("¥12"), nan);
	assert_string_equal(money_bad("12.3.4"), nan);
	assert_string_equal(money_bad("NaN"), nan);
	assert_string_equal(money_bad("0x10"), nan);
}

static void test_qty(void **state)
{
	(void)state;
	cw_qty q;
	const char *why;
	assert_int_equal(cw_parse_qty(&q, &why, S("1.5")), 0);
	assert_int_equal(q, 1500);
	assert_int_equal(cw_parse_qty(&q, &why, S("0.125")), 0);
	assert_int_equal(q, 125);
	assert_int_equal(cw_parse_qty(&q, &why, S("2")), 0);
	assert_int_equal(q, 2000);
	assert_int_equal(cw_parse_qty(&q, &why, S("-3")), 0);
	assert_int_equal(q, -3000);
	assert_int_equal(cw_parse_qty(&q, &why, S("999999999999999.999")), 0);
	assert_int_equal(q, 999999999999999999ll);
	assert_int_equal(cw_parse_qty(&q, &why, S("1.2345")), CW_EINVALID);
	assert_string_equal(why, "quantity has more than 3 decimals");
	assert_int_equal(cw_parse_qty(&q, &why, S("1e5")), CW_EINVALID);
	assert_string_equal(why, "not a quantity (expected a decimal such as 1.5)");
	assert_int_equal(cw_parse_qty(&q, &why, S("")), CW_EINVALID);
	assert_int_equal(cw_parse_qty(&q, &why, S(" 1")), CW_EINVALID);
	assert_int_equal(cw_parse_qty(&q, &why, S("1000000000000000")), CW_EINVALID);
	assert_string_equal(why, "number is too large");
}

static void test_int(void **state)
{
	(void)state;
	int64_t v;
	const char *why;
	assert_int_equal(cw_parse_int(&v, &why, S("12"), 0, 100), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cw_parse_int(&v, &why, S("-3"), -10, 10), 0);
	assert_int_equal(v, -3);
	assert_int_equal(cw_parse_int(&v, &why, S("0"), 0, 0), 0);
	assert_int_equal(cw_parse_int(&v, &why, S("3"), 1, 2), CW_EINVALID);
	assert_string_equal(why, "integer out of range");
	assert_int_equal(cw_parse_int(&v, &why, S("-1"), 0, 2), CW_EINVALID);
	assert_string_equal(why, "integer out of range");
	assert_int_equal(cw_parse_int(&v, &why, S("999999999999999999"), INT64_MIN, INT64_MAX), 0);
	assert_int_equal(cw_parse_int(&v, &why, S("9999999999999999999999"), INT64_MIN, INT64_MAX), CW_EINVALID);
	assert_string_equal(why, "integer out of range");
	assert_int_equal(cw_parse_int(&v, &why, S("1.0"), 0, 9), CW_EINVALID);
	assert_string_equal(why, "not an integer");
	assert_int_equal(cw_parse_int(&v, &why, S(""), 0, 9), CW_EINVALID);
	assert_int_equal(cw_parse_int(&v, &why, S("-"), 0, 9), CW_EINVALID);
	assert_int_equal(cw_parse_int(&v, &why, S(" 1"), 0, 9), CW_EINVALID);
	assert_int_equal(cw_parse_int(&v, &why, S("1e2"), 0, 999), CW_EINVALID);
}

static void test_flag(void **state)
{
	(void)state;
	int f = 7;
	const char *why;
	assert_int_equal(cw_parse_flag(&f, &why, S("0")), 0);
	assert_int_equal(f, 0);
	assert_int_equal(cw_parse_flag(&f, &why, S("1")), 0);
	assert_int_equal(f, 1);
	const char *bad[] = { "", "2", "01", "true", "t", " 1", "1 " };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cw_parse_flag(&f, &why, S(bad[i])), CW_EINVALID);
		assert_string_equal(why, "not a flag (expected 0 or 1)");
	}
}

static void test_id(void **state)
{
	(void)state;
	const char *why;
	char s65[66];
	memset(s65, 'x', 65);
	s65[65] = 0;
	assert_int_equal(cw_check_id(&why, S("P00000001")), 0);
	assert_int_equal(cw_check_id(&why, S("H001-CARD")), 0);
	assert_int_equal(cw_check_id(&why, S("患者一号")), 0);
	assert_int_equal(cw_check_id(&why, S("a b")), 0);
	assert_int_equal(cw_check_id(&why, s65, 64), 0);
	assert_int_equal(cw_check_id(&why, s65, 65), CW_EINVALID);
	assert_string_equal(why, "id is longer than 64 bytes");
	assert_int_equal(cw_check_id(&why, "", 0), CW_EINVALID);
	assert_string_equal(why, "empty id");
	const char *controls[] = { "a\tb", "a\nb", "a\rb", "\x7f", "x\x01", "\xc2\x85" /* U+0085 NEL */ };
	for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
		assert_int_equal(cw_check_id(&why, S(controls[i])), CW_EINVALID);
		assert_string_equal(why, "id contains a control character");
	}
	assert_int_equal(cw_check_id(&why, "a\0b", 3), CW_EINVALID);
	assert_int_equal(cw_check_id(&why, S("\xc2\xa0")), 0); /* U+00A0 is not a control */
	const char *invalid[] = {
		"\xff", "a\x80", "\xc0\xaf" /* overlong */, "\xe0\x80\xaf" /* overlong */,
		"\xed\xa0\x80" /* surrogate */, "\xf4\x90\x80\x80" /* past U+10FFFF */,
		"\xe5\xbc" /* cut */, "\xf0\x9f\x98" /* cut */, "\xc3\x28",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		assert_int_equal(cw_check_id(&why, S(invalid[i])), CW_EINVALID);
		assert_string_equal(why, "not valid UTF-8");
	}
	assert_int_equal(cw_check_id(&why, S("\xf0\x9f\x98\x80")), 0); /* U+1F600 */
}

static void test_text(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(cw_check_text(&why, "", 0), 0);
	assert_int_equal(cw_check_text(&why, S("医用纱布块\n(8层, 10cm×10cm)")), 0);
	assert_int_equal(cw_check_text(&why, S("tab\tand \"quotes\", commas")), 0);
	assert_int_equal(cw_check_text(&why, S("an ASCII run well past eight bytes, then 中文")), 0);
	assert_int_equal(cw_check_text(&why, "abcdefghij\0klmnop", 17), CW_EINVALID);
	assert_string_equal(why, "contains a NUL byte");
	assert_int_equal(cw_check_text(&why, "\0", 1), CW_EINVALID);
	assert_int_equal(cw_check_text(&why, S("abcdefghijklmnop\xff")), CW_EINVALID);
	assert_string_equal(why, "not valid UTF-8");
	assert_int_equal(cw_check_text(&why, S("abcdefgh\xe5\xbc")), CW_EINVALID);
	assert_int_equal(cw_check_text(&why, S("\xed\xbf\xbf")), CW_EINVALID);
	/* every byte position of an invalid byte after an ASCII run */
	char buf[40];
	for (int i = 0; i < 32; i++) {
		memset(buf, 'a', sizeof buf);
		buf[i] = (char)0xfe;
		assert_int_equal(cw_check_text(&why, buf, sizeof buf), CW_EINVALID);
		buf[i] = 0;
		assert_int_equal(cw_check_text(&why, buf, sizeof buf), CW_EINVALID);
	}
}

/* Regressions found by tests/fuzz/fuzz_parse (inputs in tests/fuzz/regress/parse/). */
static void test_fuzz_regressions(void **state)
{
	(void)state;
	char buf[CW_FMT_SIZE];
	/* format_time_int32_min: the day's first minute passed INT32_MIN (signed overflow) */
	cw_format_time(buf, INT32_MIN);
	assert_string_equal(buf + strlen(buf) - 6, " 21:52");
	assert_string_equal(cw_format_time(buf, INT32_MAX), "6053-01-23 02:07");
	assert_string_equal(cw_format_time(buf, -1), "1969-12-31 23:59");
	/* weekday_int32_max: any day has a weekday, without overflow */
	assert_int_equal(cw_weekday(INT32_MAX), (int)(((int64_t)INT32_MAX + 3) % 7));
	assert_int_equal(cw_weekday(0), 3);
	assert_int_equal(cw_weekday(-1), 2);
	/* month_with_space: a month is YYYY-MM in digits, nothing else */
	cw_month m;
	assert_int_equal(cw_month_parse(&m, "2026-05"), 0);
	assert_true(m.year == 2026 && m.month == 5);
	const char *bad[] = { "2026- 5", "2026-+5", " 2026-5", "+202-05", "2026-5", "2026-13", "2026-00", "1849-12",
		              "3000-01", "2026-05x", "2026/05", "", "20260-5" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(cw_month_parse(&m, bad[i]), CW_EINVALID);
	cw_month a, b;
	assert_int_equal(cw_month_range_parse(&a, &b, "2026-01..2026-06"), 0);
	assert_true(a.month == 1 && b.month == 6);
	assert_int_equal(cw_month_range_parse(&a, &b, "2026-06..2026-01"), CW_EINVALID);
	assert_int_equal(cw_month_range_parse(&a, &b, "2026-01.. 2026-6"), CW_EINVALID);
	/* the extremes of money and quantities format and parse back */
	assert_string_equal(cw_format_money(buf, INT64_MIN), "-92233720368547758.08");
	assert_string_equal(cw_format_qty(buf, INT64_MAX), "9223372036854775.807");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date), cmocka_unit_test(test_time), cmocka_unit_test(test_money),
		cmocka_unit_test(test_qty),  cmocka_unit_test(test_int),  cmocka_unit_test(test_flag),
		cmocka_unit_test(test_id),   cmocka_unit_test(test_text), cmocka_unit_test(test_fuzz_regressions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
