/* fuzz_parse.c: libFuzzer harness for the value parsers and formatters
 * (src/util/parse.c, src/util/calendar.c, cw_printable in src/io/csv.c).
 *
 * The first byte picks the parser, the rest is the field. Each parser is
 * checked against a reference written here independently (libc's timegm for
 * dates and times, 128-bit arithmetic for numbers, a code-point decoder for
 * UTF-8): both must accept the same fields and give the same value, and what
 * is accepted must survive a format/parse round trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "io/csv.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "fuzz_parse: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* --- references ------------------------------------------------------------- */

static int digits(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const uint8_t *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : d[m - 1];
}

/* Seconds since 1970 of a UTC civil time, or 0 with *ok = 0 when invalid. */
static long long ref_civil(const uint8_t *s, int with_time, size_t len, int *ok)
{
	*ok = 0;
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return 0;
	int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2), hh = 0, mm = 0, ss = 0;
	if (with_time) {
		if ((s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
			return 0;
		hh = num(s + 11, 2);
		mm = num(s + 14, 2);
		if (len == 19) {
			if (s[16] != ':' || !digits(s + 17, 2))
				return 0;
			ss = num(s + 17, 2);
		}
	}
	if (y < CW_YEAR_MIN || y > CW_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > mdays(y, m) || hh > 23 ||
	    mm > 59 || ss > 59)
		return 0;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm };
	*ok = 1;
	return (long long)timegm(&tm);
}

/* -?[0-9]+(\.[0-9]{1,scale})? with an integer part below 10^15, in units of
 * 10^-scale; *ok = 0 otherwise. */
static __int128 ref_fixed(const uint8_t *s, size_t len, int scale, int *ok)
{
	size_t i = 0;
	int neg = 0;
	*ok = 0;
	if (i < len && s[i] == '-')
		neg = 1, i++;
	size_t start = i;
	__int128 v = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (s[i++] - '0'), v = v > (__int128)1e18 ? (__int128)1e18 : v;
	if (i == start || v >= (__int128)1000000000000000ll)
		return 0;
	int frac = 0;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9' && frac <= scale)
			v = v * 10 + (s[i++] - '0'), frac++;
		if (frac == 0 || frac > scale)
			return 0;
	}
	if (i != len)
		return 0;
	for (; frac < scale; frac++)
		v *= 10;
	*ok = 1;
	return neg ? -v : v;
}

/* The code point of the UTF-8 sequence at s (n bytes left) and its length, or
 * 0 when it is not a valid, shortest, non-surrogate sequence. */
static size_t ref_utf8(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* 1 when valid UTF-8; controls (C0, DEL, C1) rejected when no_controls, NUL
 * rejected always. */
static int ref_text(const uint8_t *s, size_t n, int no_controls)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = ref_utf8(s + i, n - i, &cp);
		if (!k || cp == 0)
			return 0;
		if (no_controls && (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)))
			return 0;
		i += k;
	}
	return 1;
}

/* --- the checks ------------------------------------------------------------- */

static void check_date(const uint8_t *s, size_t n)
{
	cw_day d;
	const char *why = NULL;
	int rc = cw_parse_date(&d, &why, (const char *)s, n);
	int ok = 0;
	long long secs = n == 10 ? ref_civil(s, 0, n, &ok) : 0;
	CHECK((rc == 0) == ok);
	if (rc < 0) {
		CHECK(rc == CW_EINVALID && why && *why);
		return;
	}
	CHECK((long long)d * 86400 == secs);
	char buf[CW_FMT_SIZE];
	CHECK(!memcmp(cw_format_date(buf, d), s, 10) && buf[10] == 0);
}

static void check_time(const uint8_t *s, size_t n)
{
	cw_minute t;
	const char *why = NULL;
	int rc = cw_parse_time(&t, &why, (const char *)s, n);
	int ok = 0;
	long long secs = n == 16 || n == 19 ? ref_civil(s, 1, n, &ok) : 0;
	CHECK((rc == 0) == ok);
	if (rc < 0) {
		CHECK(rc == CW_EINVALID && why && *why);
		return;
	}
	CHECK((long long)t * 60 == secs);
	char buf[CW_FMT_SIZE];
	cw_format_time(buf, t);
	CHECK(strlen(buf) == 16 && !memcmp(buf, s, 10) && buf[10] == ' ' && !memcmp(buf + 11, s + 11, 5));
	CHECK(cw_month_of(t).year == num(s, 4) && cw_month_of(t).month == num(s + 5, 2));
}

static void check_fixed(const uint8_t *s, size_t n, int scale)
{
	int64_t v;
	const char *why = NULL;
	int rc = scale == 2 ? cw_parse_money(&v, &why, (const char *)s, n) : cw_parse_qty(&v, &why, (const char *)s, n);
	int ok;
	__int128 want = ref_fixed(s, n, scale, &ok);
	CHECK((rc == 0) == ok);
	if (rc < 0) {
		CHECK(rc == CW_EINVALID && why && *why);
		return;
	}
	CHECK(v == want);
	char buf[CW_FMT_SIZE];
	const char *f = scale == 2 ? cw_format_money(buf, v) : cw_format_qty(buf, v);
	int64_t back;
	CHECK((scale == 2 ? cw_parse_money(&back, &why, f, strlen(f)) : cw_parse_qty(&back, &why, f, strlen(f))) == 0);
	CHECK(back == v);
}

static void check_int(const uint8_t *s, size_t n, int64_t min, int64_t max)
{
	int64_t v;
	const char *why = NULL;
	int rc = cw_parse_int(&v, &why, (const char *)s, n, min, max);
	size_t i = n && s[0] == '-';
	int ok = n > i && n - i <= 18 && digits(s + i, n - i);
	__int128 want = 0;
	for (size_t k = i; ok && k < n; k++)
		want = want * 10 + (s[k] - '0');
	if (i)
		want = -want;
	ok = ok && want >= min && want <= max;
	CHECK((rc == 0) == ok);
	if (rc == 0)
		CHECK(v == want);
	else
		CHECK(why && *why);
}

static void check_utf8(const uint8_t *s, size_t n)
{
	const char *why = NULL;
	CHECK((cw_check_text(&why, (const char *)s, n) == 0) == ref_text(s, n, 0));
	CHECK((cw_check_id(&why, (const char *)s, n) == 0) == (n >= 1 && n <= 64 && ref_text(s, n, 1)));
	int flag;
	int rc = cw_parse_flag(&flag, &why, (const char *)s, n);
	CHECK((rc == 0) == (n == 1 && (s[0] == '0' || s[0] == '1')));
}

static void check_printable(const uint8_t *s, size_t n, size_t size)
{
	char *dst = malloc(size ? size : 1);
	CHECK(dst);
	CHECK(cw_printable(dst, size, (const char *)s, n) == dst);
	if (size) {
		size_t len = strnlen(dst, size);
		CHECK(len < size);
		CHECK(ref_text((const uint8_t *)dst, len, 1));
	}
	free(dst);
}

static void check_month(const uint8_t *s, size_t n)
{
	char *z = malloc(n + 1); /* not strndup: ASan's strict_string_checks reads its source to a NUL */
	CHECK(z);
	memcpy(z, s, n);
	z[n] = 0;
	cw_month a, b;
	if (cw_month_parse(&a, z) == 0) {
		char buf[8];
		CHECK(strcmp(cw_month_format(buf, a), z) == 0);
		CHECK(cw_month_end(a) > cw_month_start(a));
		CHECK(cw_month_of(cw_month_start(a)).month == a.month);
	}
	if (cw_month_range_parse(&a, &b, z) == 0)
		CHECK(cw_month_cmp(a, b) <= 0);
	cw_error_clear();
	free(z);
}

/* Formatting any value must stay in its buffer and be defined. */
static void check_format(const uint8_t *s, size_t n)
{
	int64_t v = 0;
	memcpy(&v, s, n < 8 ? n : 8);
	char buf[CW_FMT_SIZE];
	cw_format_money(buf, v);
	CHECK(strlen(buf) < CW_FMT_SIZE);
	cw_format_qty(buf, v);
	cw_format_time(buf, (cw_minute)v);
	CHECK(strlen(buf) < CW_FMT_SIZE);
	cw_format_date(buf, (cw_day)(v % 2000000));
	(void)cw_weekday((cw_day)v);
	int64_t back;
	const char *why;
	if (v > -100000000000000000ll && v < 100000000000000000ll) {
		cw_format_money(buf, v);
		if (cw_parse_money(&back, &why, buf, strlen(buf)) == 0)
			CHECK(back == v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len < 1)
		return 0;
	const uint8_t *s = data + 1;
	size_t n = len - 1;
	switch (data[0] % 11) {
	case 0: check_date(s, n); break;
	case 1: check_time(s, n); break;
	case 2: check_fixed(s, n, 2); break;
	case 3: check_fixed(s, n, 3); break;
	case 4: check_int(s, n, 0, 150); break;
	case 5: check_int(s, n, INT64_MIN, INT64_MAX); break;
	case 6: check_int(s, n, 0, INT32_MAX - 1); break;
	case 7: check_utf8(s, n); break;
	case 8: check_printable(s, n, data[0] / 11); break;
	case 9: check_month(s, n); break;
	default: check_format(s, n); break;
	}
	return 0;
}
