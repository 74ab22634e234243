/* test_pg_binary.c: PostgreSQL's binary COPY format (src/pg/pg_binary.c): the decoders on good and
 * malformed fields (short and long buffers, NULL, NaN and infinities, digit groups out of range), the
 * encoders on the contract's text forms, and numbers that go both ways unchanged. */
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "pg/pg_binary.h"

/* A numeric field: ndigits, weight, sign, dscale, then the digit groups. */
static int32_t numeric(char *o, int nd, int weight, unsigned sign, int dscale, const unsigned *groups)
{
	unsigned h[4] = { (unsigned)nd, (unsigned)weight, sign, (unsigned)dscale };
	for (int i = 0; i < 4; i++) {
		o[2 * i] = (char)(h[i] >> 8);
		o[2 * i + 1] = (char)h[i];
	}
	for (int i = 0; i < nd; i++) {
		o[8 + 2 * i] = (char)(groups[i] >> 8);
		o[9 + 2 * i] = (char)groups[i];
	}
	return 8 + 2 * nd;
}

static const char *num_text(char *out, const char *p, int32_t len)
{
	size_t n = 0;
	const char *why = NULL;
	assert_int_equal(cw_pgbin_numeric_text(out, &n, &why, p, len), 0);
	out[n] = 0;
	return out;
}

static const char *num_refused(const char *p, int32_t len)
{
	char out[CW_PGBIN_NUMERIC_TEXT];
	size_t n = 0;
	const char *why = NULL;
	assert_int_equal(cw_pgbin_numeric_text(out, &n, &why, p, len), CW_EINVALID);
	assert_non_null(why);
	return why;
}

static void test_numeric_decode(void **state)
{
	(void)state;
	char f[64], out[CW_PGBIN_NUMERIC_TEXT];
	int32_t len;
	len = numeric(f, 2, 0, 0, 2, (unsigned[]){ 12, 3000 });
	assert_string_equal(num_text(out, f, len), "12.30");
	len = numeric(f, 1, -1, 0x4000, 2, (unsigned[]){ 500 });
	assert_string_equal(num_text(out, f, len), "-0.05");
	len = numeric(f, 1, 0, 0, 3, (unsigned[]){ 100 }); /* scale beyond the digits given */
	assert_string_equal(num_text(out, f, len), "100.000");
	len = numeric(f, 0, 0, 0, 2, NULL); /* zero has no digit group */
	assert_string_equal(num_text(out, f, len), "0.00");
	len = numeric(f, 1, 1, 0, 0, (unsigned[]){ 7 }); /* trailing zero groups are implied */
	assert_string_equal(num_text(out, f, len), "70000");
	len = numeric(f, 4, 2, 0x4000, 3, (unsigned[]){ 1, 2345, 6789, 120 });
	assert_string_equal(num_text(out, f, len), "-123456789.012");
	/* malformed */
	len = numeric(f, 0, 0, 0xC000, 0, NULL);
	assert_string_equal(num_refused(f, len), "NaN");
	len = numeric(f, 0, 0, 0xD000, 0, NULL);
	assert_string_equal(num_refused(f, len), "Infinity");
	len = numeric(f, 0, 0, 0xF000, 0, NULL);
	assert_string_equal(num_refused(f, len), "-Infinity");
	len = numeric(f, 2, 0, 0, 2, (unsigned[]){ 12, 3000 });
	assert_string_equal(num_refused(f, 7), "<bad numeric>");       /* shorter than its header */
	assert_string_equal(num_refused(f, len - 1), "<bad numeric>"); /* a digit cut */
	assert_string_equal(num_refused(f, len + 2), "<bad numeric>"); /* bytes past its digits */
	len = numeric(f, 1, 0, 0, 0, (unsigned[]){ 10000 });
	assert_string_equal(num_refused(f, len), "<bad numeric>");
	len = numeric(f, 1, 0, 0x1234, 0, (unsigned[]){ 1 });
	assert_string_equal(num_refused(f, len), "<bad numeric>");
	len = numeric(f, 1, 9, 0, 0, (unsigned[]){ 1 });
	assert_string_equal(num_refused(f, len), "<numeric out of range>");
	len = numeric(f, 1, 0, 0, 17, (unsigned[]){ 1 });
	assert_string_equal(num_refused(f, len), "<numeric out of range>");
	numeric(f, 0, 0, 0, 0, NULL);
	f[0] = (char)0xFF; /* ndigits -1 */
	f[1] = (char)0xFF;
	assert_string_equal(num_refused(f, 8), "<bad numeric>");
	assert_string_equal(num_refused(NULL, -1), "<null>");
}

static void test_fixed_decode(void **state)
{
	(void)state;
	const char *why = NULL;
	int32_t i4 = 0, day = 0;
	int64_t i8 = 0, us = 0;
	assert_int_equal(cw_pgbin_int4(&i4, &why, "\xff\xff\xff\xfe", 4), 0);
	assert_int_equal(i4, -2);
	assert_int_equal(cw_pgbin_int4(&i4, &why, "\0\0\0", 3), CW_EINVALID);
	assert_string_equal(why, "<bad value>");
	assert_int_equal(cw_pgbin_int4(&i4, &why, "\0\0\0\0\0", 5), CW_EINVALID);
	assert_int_equal(cw_pgbin_int4(&i4, &why, NULL, -1), CW_EINVALID);
	assert_string_equal(why, "<null>");
	assert_int_equal(cw_pgbin_int8(&i8, &why, "\0\0\0\0\0\0\1\0", 8), 0);
	assert_int_equal(i8, 256);
	assert_int_equal(cw_pgbin_int8(&i8, &why, "\0\0\0\0", 4), CW_EINVALID);
	/* dates: days since 2000-01-01 in, days since 1970 out */
	assert_int_equal(cw_pgbin_date(&day, &why, "\0\0\0\0", 4), 0);
	assert_int_equal(day, cw_days_from_civil(2000, 1, 1));
	assert_int_equal(cw_pgbin_date(&day, &why, "\xff\xff\xff\xff", 4), 0);
	assert_int_equal(day, cw_days_from_civil(1999, 12, 31));
	assert_int_equal(cw_pgbin_date(&day, &why, "\x7f\xff\xff\xff", 4), CW_EINVALID);
	assert_string_equal(why, "infinity");
	assert_int_equal(cw_pgbin_date(&day, &why, "\x80\0\0\0", 4), CW_EINVALID);
	assert_string_equal(why, "-infinity");
	assert_int_equal(cw_pgbin_date(&day, &why, "\0\0\0\0\0\0\0\0", 8), CW_EINVALID);
	/* timestamps: microseconds since 2000-01-01 00:00 */
	assert_int_equal(cw_pgbin_timestamp(&us, &why, "\0\0\0\0\x03\x93\x87\0", 8), 0); /* 60 s */
	assert_int_equal(us, (int64_t)cw_days_from_civil(2000, 1, 1) * 86400000000LL + 60000000);
	assert_int_equal(cw_pgbin_timestamp(&us, &why, "\x7f\xff\xff\xff\xff\xff\xff\xff", 8), CW_EINVALID);
	assert_string_equal(why, "infinity");
	assert_int_equal(cw_pgbin_timestamp(&us, &why, "\0\0\0\0", 4), CW_EINVALID);
	assert_int_equal(cw_pgbin_timestamp(&us, &why, NULL, -1), CW_EINVALID);
}

static void test_header(void **state)
{
	(void)state;
	char h[40];
	size_t len = 0;
	const char *why = NULL;
	cw_pgbin_put_header(h);
	assert_int_equal(cw_pgbin_header(&len, &why, h, CW_PGBIN_HEADER_LEN), 0);
	assert_int_equal(len, CW_PGBIN_HEADER_LEN);
	assert_int_equal(cw_pgbin_header(&len, &why, h, 10), 1); /* more bytes needed */
	h[18] = 4;                                              /* a 4-byte extension */
	assert_int_equal(cw_pgbin_header(&len, &why, h, CW_PGBIN_HEADER_LEN), 1);
	assert_int_equal(len, CW_PGBIN_HEADER_LEN + 4);
	assert_int_equal(cw_pgbin_header(&len, &why, h, CW_PGBIN_HEADER_LEN + 4), 0);
	h[15] = 0x7f; /* an extension of 2 GB */
	assert_int_equal(cw_pgbin_header(&len, &why, h, CW_PGBIN_HEADER_LEN), CW_EINVALID);
	cw_pgbin_put_header(h);
	h[0] = 'X';
	assert_int_equal(cw_pgbin_header(&len, &why, h, CW_PGBIN_HEADER_LEN), CW_EINVALID);
	assert_string_equal(why, "not binary COPY data");
	char t[2];
	assert_ptr_equal(cw_pgbin_put_trailer(t), t + 2);
	assert_memory_equal(t, "\xff\xff", 2);
}

/* Encodes a numeric and decodes it back. */
static const char *num_round(char *out, const char *s)
{
	char f[128];
	const char *why = NULL;
	char *e = cw_pgbin_encode(f, &why, CW_PGBIN_NUMERIC, s, strlen(s));
	assert_non_null(e);
	int32_t len = (int32_t)cw_pgbin_be32(f);
	assert_int_equal(len, e - f - 4);
	return num_text(out, f + 4, len);
}

static void test_encode(void **state)
{
	(void)state;
	char out[CW_PGBIN_NUMERIC_TEXT], f[128];
	const char *why = NULL;
	static const char *const same[] = { "12.30", "-0.05", "0", "100", "123456789.012", "0.5", "-1234567890123.45",
	                                    "99999999.99", "10000", "0.001", "-7" };
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_string_equal(num_round(out, same[i]), same[i]);
	assert_string_equal(num_round(out, "00012.5"), "12.5");
	static const char *const bad[] = { "1.", ".5", "1e3", "--1", "abc", "1.2.3", "+1", "1 ", "-" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_NUMERIC, bad[i], strlen(bad[i])));
	/* NULL: an empty field */
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_NUMERIC, "", 0), f + 4);
	assert_memory_equal(f, "\xff\xff\xff\xff", 4);
	/* integers within the column's type */
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_INT4, "-2", 2), f + 8);
	assert_memory_equal(f, "\0\0\0\4\xff\xff\xff\xfe", 8);
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_INT4, "2147483648", 10));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_INT2, "40000", 5));
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_INT2, "1", 1), f + 6);
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_INT8, "2147483648", 10), f + 12);
	/* dates and times */
	int32_t day = 0;
	int64_t us = 0;
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_DATE, "2026-05-04", 10), f + 8);
	assert_int_equal(cw_pgbin_date(&day, &why, f + 4, 4), 0);
	assert_int_equal(day, cw_days_from_civil(2026, 5, 4));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_DATE, "2026-02-30", 10));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_DATE, "2026-5-4", 8));
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_TIMESTAMP, "2026-05-04T08:30:15", 19), f + 12);
	assert_int_equal(cw_pgbin_timestamp(&us, &why, f + 4, 8), 0);
	assert_int_equal(us, ((int64_t)cw_days_from_civil(2026, 5, 4) * 86400 + 8 * 3600 + 30 * 60 + 15) * 1000000);
	assert_non_null(cw_pgbin_encode(f, &why, CW_PGBIN_TIMESTAMP, "2026-05-04 08:30", 16));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_TIMESTAMP, "2026-05-04 24:00", 16));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_TIMESTAMP, "2026-05-04", 10));
	/* flags, text, what is not written in binary */
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_BOOL, "1", 1), f + 5);
	assert_int_equal(f[4], 1);
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_BOOL, "2", 1));
	assert_ptr_equal(cw_pgbin_encode(f, &why, CW_PGBIN_TEXT, "甲", strlen("甲")), f + 4 + strlen("甲"));
	assert_null(cw_pgbin_encode(f, &why, CW_PGBIN_UNSUPPORTED, "x", 1));
	assert_int_equal(cw_pgbin_type_of_oid(1700), CW_PGBIN_NUMERIC);
	assert_int_equal(cw_pgbin_type_of_oid(1043), CW_PGBIN_TEXT);
	assert_int_equal(cw_pgbin_type_of_oid(1184), CW_PGBIN_UNSUPPORTED); /* timestamptz */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_decode),
		cmocka_unit_test(test_fixed_decode),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
