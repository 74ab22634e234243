/* parse.c: the contract's text forms (dates, times, money, quantities, integers,
 * flags, ids, text) parsed from a field's bytes.
 *
 * These run for every field of every row, so they are hand-written: fixed
 * positions for dates and times, one pass for numbers, an 8-bytes-at-a-time
 * ASCII fast path for UTF-8. No allocation, no locale, no sscanf/strtod. On
 * failure each returns CW_EINVALID and a short static reason; the caller adds
 * the file, line, column and value. */
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "util/utf8.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char R_DATE[] = "not a date (expected YYYY-MM-DD)";
static const char R_TIME[] = "not a time (expected YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS)";
static const char R_YEAR[] = "year is outside " STR(CW_YEAR_MIN) "-" STR(CW_YEAR_MAX);
static const char R_MONTH[] = "month is not 01-12";
static const char R_DAY[] = "no such day in that month";
static const char R_HOUR[] = "hour is not 00-23";
static const char R_MINUTE[] = "minute is not 00-59";
static const char R_SECOND[] = "second is not 00-59";

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return CW_EINVALID;
}

/* The value of two ASCII digits, or NOT_DIGITS (a bit no value reaches, so
 * several results can be checked with one OR) when either is not a digit. */
#define NOT_DIGITS 0x10000u
static inline unsigned two_digits(const unsigned char *s)
{
	unsigned a = (unsigned)s[0] - '0', b = (unsigned)s[1] - '0';
	return (a > 9 || b > 9) ? NOT_DIGITS : a * 10 + b;
}

static inline int is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dim[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 ? 28u + (unsigned)is_leap(y) : dim[m];
}

/* "YYYY-MM-DD" at s (10 bytes available). */
static int parse_ymd(const unsigned char *s, cw_day *out, const char **why)
{
	unsigned hi = two_digits(s), lo = two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
	if (((hi | lo | m | d) & NOT_DIGITS) || s[4] != '-' || s[7] != '-')
		return fail(why, R_DATE);
	unsigned y = hi * 100 + lo;
	if (y < CW_YEAR_MIN || y > CW_YEAR_MAX)
		return fail(why, R_YEAR);
	if (m < 1 || m > 12)
		return fail(why, R_MONTH);
	if (d < 1 || d > days_in_month(y, m))
		return fail(why, R_DAY);
	*out = cw_days_from_civil((int)y, (int)m, (int)d);
	return 0;
}

int cw_parse_date(cw_day *out, const char **why, const char *s, size_t len)
{
	if (len != 10)
		return fail(why, R_DATE);
	return parse_ymd((const unsigned char *)s, out, why);
}

int cw_parse_time(cw_minute *out, const char **why, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if ((len != 16 && len != 19) || (u[10] != ' ' && u[10] != 'T') || u[13] != ':')
		return fail(why, R_TIME);
	unsigned h = two_digits(u + 11), mi = two_digits(u + 14), sec = 0;
	if (len == 19) {
		if (u[16] != ':')
			return fail(why, R_TIME);
		sec = two_digits(u + 17);
	}
	if ((h | mi | sec) & NOT_DIGITS)
		return fail(why, R_TIME);
	cw_day d;
	int rc = parse_ymd(u, &d, why);
	if (rc < 0)
		return rc;
	if (h > 23)
		return fail(why, R_HOUR);
	if (mi > 59)
		return fail(why, R_MINUTE);
	if (sec > 59)
		return fail(why, R_SECOND);
	*out = (cw_minute)(d * CW_MINUTES_PER_DAY + (cw_minute)(h * 60 + mi));
	return 0;
}

/* A decimal with an optional leading '-' and at most `scale` decimals, as an
 * integer in units of 10^-scale. The integer part stays below 10^15, so the
 * result fits in 64 bits with room to spare (numeric(14,x) needs 10^12). */
#define FIXED_INT_LIMIT 1000000000000000ull

static int parse_fixed(const char *s, size_t len, int scale, int64_t *out, const char **why,
                       const char *not_number, const char *too_many_decimals)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len;
	int neg = len > 0 && *u == '-';
	u += neg;
	const unsigned char *digits = u;
	uint64_t v = 0;
	unsigned d;
	while (u < e && (d = (unsigned)*u - '0') <= 9) {
		v = v * 10 + d;
		if (v >= FIXED_INT_LIMIT)
			return fail(why, "number is too large");
		u++;
	}
	if (u == digits)
		return fail(why, not_number);
	int frac = 0;
	if (u < e && *u == '.') {
		u++;
		while (u < e && (d = (unsigned)*u - '0') <= 9) {
			if (++frac > scale)
				return fail(why, too_many_decimals);
			v = v * 10 + d;
			u++;
		}
		if (frac == 0)
			return fail(why, not_number);
	}
	if (u != e)
		return fail(why, not_number);
	for (; frac < scale; frac++)
		v *= 10;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int cw_parse_money(cw_fen *out, const char **why, const char *s, size_t len)
{
	return parse_fixed(s, len, 2, out, why, "not a money amount (expected decimal yuan such as 12.30)",
	                   "money has more than 2 decimals");
}

int cw_parse_qty(cw_qty *out, const char **why, const char *s, size_t len)
{
	return parse_fixed(s, len, 3, out, why, "not a quantity (expected a decimal such as 1.5)",
	                   "quantity has more than 3 decimals");
}

int cw_parse_int(int64_t *out, const char **why, const char *s, size_t len, int64_t min, int64_t max)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len;
	int neg = len > 0 && *u == '-';
	u += neg;
	if (u == e || e - u > 18)
		return fail(why, u == e ? "not an integer" : "integer out of range");
	int64_t v = 0;
	for (; u < e; u++) {
		unsigned d = (unsigned)*u - '0';
		if (d > 9)
			return fail(why, "not an integer");
		v = v * 10 + (int64_t)d;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return fail(why, "integer out of range");
	*out = v;
	return 0;
}

int cw_parse_flag(int *out, const char **why, const char *s, size_t len)
{
	if (len != 1 || (s[0] != '0' && s[0] != '1'))
		return fail(why, "not a flag (expected 0 or 1)");
	*out = s[0] - '0';
	return 0;
}

/* --- UTF-8 ------------------------------------------------------------------ */

static const char R_UTF8[] = "not valid UTF-8";

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

int cw_check_text(const char **why, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len;
	while (u < e) {
		if (e - u >= 8) {
			uint64_t v;
			memcpy(&v, u, 8);
			/* all ASCII and no zero byte: take 8 at once */
			if (!((v | ((v - ONES) & ~v)) & HIGHS)) {
				u += 8;
				continue;
			}
		}
		if (*u < 0x80) {
			if (*u == 0)
				return fail(why, "contains a NUL byte");
			u++;
			continue;
		}
		size_t n = cw_utf8_seq(u, e);
		if (!n)
			return fail(why, R_UTF8);
		u += n;
	}
	return 0;
}

int cw_check_id(const char **why, const char *s, size_t len)
{
	if (len == 0)
		return fail(why, "empty id");
	if (len > 64)
		return fail(why, "id is longer than 64 bytes");
	const unsigned char *u = (const unsigned char *)s, *e = u + len;
	while (u < e) {
		unsigned c = *u;
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7F)
				return fail(why, "id contains a control character");
			u++;
			continue;
		}
		size_t n = cw_utf8_seq(u, e);
		if (!n)
			return fail(why, R_UTF8);
		if (c == 0xC2 && u[1] < 0xA0) /* U+0080..U+009F, the C1 controls */
			return fail(why, "id contains a control character");
		u += n;
	}
	return 0;
}
