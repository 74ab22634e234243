/* calendar.c: civil dates, months and the text forms of money, quantities and times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"

/* Howard Hinnant's days_from_civil / civil_from_days, proleptic Gregorian. */
cw_day cw_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (cw_day)(era * 146097 + (int)doe - 719468);
}

void cw_civil_from_days(int *year, int *month, int *day, cw_day z0)
{
	int z = z0 + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = (int)m;
	*day = (int)d;
}

int cw_weekday(cw_day d)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int w = (int)(((int64_t)d + 3) % 7); /* defined for every cw_day */
	return w < 0 ? w + 7 : w;
}

int cw_age_years(cw_day birth, cw_day on)
{
	int by, bm, bd, y, m, d;
	cw_civil_from_days(&by, &bm, &bd, birth);
	cw_civil_from_days(&y, &m, &d, on);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int cw_month_parse(cw_month *out, const char *s)
{
	int y = 0, m = 0, ok = s && strlen(s) == 7 && s[4] == '-';
	/* digits only: sscanf's %d would also take "2026- 5" and "2026-+5" */
	for (int i = 0; ok && i < 7; i++) {
		if (i == 4)
			continue;
		ok = s[i] >= '0' && s[i] <= '9';
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (!ok || m < 1 || m > 12 || y < CW_YEAR_MIN || y > CW_YEAR_MAX)
		return cw_error_set(CW_EINVALID, "'%s' is not a month (expected YYYY-MM)", s ? s : "");
	out->year = y;
	out->month = m;
	return 0;
}

int cw_month_range_parse(cw_month *first, cw_month *last, const char *s)
{
	const char *dots = strstr(s, "..");
	if (!dots) {
		if (cw_month_parse(first, s) < 0)
			return CW_EINVALID;
		*last = *first;
		return 0;
	}
	char a[16];
	size_t n = (size_t)(dots - s);
	if (n >= sizeof a)
		return cw_error_set(CW_EINVALID, "'%s' is not a month range (expected YYYY-MM..YYYY-MM)", s);
	memcpy(a, s, n);
	a[n] = 0;
	if (cw_month_parse(first, a) < 0 || cw_month_parse(last, dots + 2) < 0)
		return cw_error_set(CW_EINVALID, "'%s' is not a month range (expected YYYY-MM..YYYY-MM)", s);
	if (cw_month_cmp(*first, *last) > 0)
		return cw_error_set(CW_EINVALID, "month range '%s' ends before it starts", s);
	return 0;
}

cw_month cw_month_next(cw_month m)
{
	if (++m.month > 12) { m.month = 1; m.year++; }
	return m;
}

cw_month cw_month_prev(cw_month m)
{
	if (--m.month < 1) { m.month = 12; m.year--; }
	return m;
}

int cw_month_cmp(cw_month a, cw_month b)
{
	int x = a.year * 12 + a.month, y = b.year * 12 + b.month;
	return (x > y) - (x < y);
}

cw_minute cw_month_start(cw_month m)
{
	return cw_days_from_civil(m.year, m.month, 1) * CW_MINUTES_PER_DAY;
}

cw_minute cw_month_end(cw_month m) { return cw_month_start(cw_month_next(m)); }

cw_month cw_month_of(cw_minute t)
{
	int y, m, d;
	cw_civil_from_days(&y, &m, &d, cw_day_of(t));
	return (cw_month){ y, m };
}

char *cw_month_format(char *buf, cw_month m)
{
	unsigned y = m.year < 0 ? 0 : (unsigned)m.year % 10000, mo = m.month < 1 || m.month > 12 ? 0 : (unsigned)m.month;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + mo / 10);
	buf[6] = (char)('0' + mo % 10);
	buf[7] = 0;
	return buf;
}

/* Writes |v| / 10^scale with exactly `scale` decimals, then trims trailing zeros
 * down to `keep` decimals. */
static char *format_fixed(int64_t v, int scale, int keep, char *buf)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = 1;
	for (int i = 0; i < scale; i++)
		p *= 10;
	int n = snprintf(buf, CW_FMT_SIZE, "%s%llu.%0*llu", v < 0 ? "-" : "",
	                 (unsigned long long)(a / p), scale, (unsigned long long)(a % p));
	int dot = n - scale - 1, end = n;
	while (end > dot + 1 + keep && buf[end - 1] == '0')
		end--;
	if (end == dot + 1)
		end = dot;
	buf[end] = 0;
	return buf;
}

char *cw_format_money(char buf[CW_FMT_SIZE], cw_fen v) { return format_fixed(v, 2, 2, buf); }
char *cw_format_qty(char buf[CW_FMT_SIZE], cw_qty v) { return format_fixed(v, 3, 0, buf); }

char *cw_format_date(char buf[CW_FMT_SIZE], cw_day d)
{
	int y, m, dd;
	cw_civil_from_days(&y, &m, &dd, d);
	snprintf(buf, CW_FMT_SIZE, "%04d-%02d-%02d", y, m, dd);
	return buf;
}

char *cw_format_time(char buf[CW_FMT_SIZE], cw_minute t)
{
	cw_day d = cw_day_of(t);
	int mins = (int)((int64_t)t - (int64_t)d * CW_MINUTES_PER_DAY); /* d * 1440 may pass INT32_MIN */
	cw_format_date(buf, d);
	snprintf(buf + 10, CW_FMT_SIZE - 10, " %02d:%02d", mins / 60, mins % 60);
	return buf;
}
