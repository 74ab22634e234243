/*
 * claimwatch/types.h: the value types of the data contract and their text forms.
 *
 * Money is integer fen (0.01 yuan), never floating point. Quantities are
 * integer thousandths. Times are local civil times without a zone, counted in
 * minutes since 1970-01-01 00:00 (the contract compares times at minute
 * precision); dates are days since 1970-01-01. Supported years: 1850-2999.
 */
#ifndef CLAIMWATCH_TYPES_H
#define CLAIMWATCH_TYPES_H

#include "claimwatch/common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t cw_fen;    /* money in fen */
typedef int64_t cw_qty;    /* quantity in thousandths: 1 unit = CW_QTY_ONE */
typedef int32_t cw_minute; /* minutes since 1970-01-01 00:00, local time */
typedef int32_t cw_day;    /* days since 1970-01-01 */

#define CW_QTY_ONE 1000
#define CW_FEN_NONE INT64_MIN
#define CW_QTY_NONE INT64_MIN
#define CW_MINUTE_NONE INT32_MIN
#define CW_DAY_NONE INT32_MIN
#define CW_INT_NONE INT32_MIN
#define CW_MINUTES_PER_DAY 1440

#define CW_YEAR_MIN 1850
#define CW_YEAR_MAX 2999

/* The contract's bound on one value, checked wherever a row is read (CSV or
 * PostgreSQL): a money field at most 99,999,999.99 yuan and a quantity at
 * most 99,999,999.999 in absolute value, and a claim line's qty times
 * unit_price at most the money bound. A row beyond is rejected with its file,
 * line and column. Sums of such values over any realistic number of lines
 * (ten thousand lines at the bound for one physician) stay inside what
 * numeric(14,2) holds in the database (below 10^12 yuan) and far inside what
 * claimwatch reads back from its own files (below 10^15 yuan). */
#define CW_MONEY_MAX INT64_C(9999999999)  /* fen */
#define CW_QTY_MAX INT64_C(99999999999)   /* thousandths */

/* --- calendar -------------------------------------------------------------
 * Proleptic Gregorian, any year (the contract's range is checked by the
 * parsers). */
/* The day of year-month-day (month 1..12, day 1..31). */

CW_EXTERN(cw_day) cw_days_from_civil(int year, int month, int day);
/* The year, month (1..12) and day (1..31) of day d. */
CW_EXTERN(void) cw_civil_from_days(int *year, int *month, int *day, cw_day d);
/* The day of minute t (rounded down, also before 1970). */
static inline cw_day cw_day_of(cw_minute t) {
	return (cw_day)(t >= 0 ? t / CW_MINUTES_PER_DAY : -((-(int64_t)t + CW_MINUTES_PER_DAY - 1) / CW_MINUTES_PER_DAY));
}
/* Day of the week, 0 = Monday .. 6 = Sunday. */
CW_EXTERN(int) cw_weekday(cw_day d);
/* Whole years of age on day `on` for someone born on `birth`. */
CW_EXTERN(int) cw_age_years(cw_day birth, cw_day on);

/* A calendar month, the unit of a run. */
typedef struct cw_month {
	int year;
	int month; /* 1..12 */
} cw_month;

/* Parses "YYYY-MM" (a year of CW_YEAR_MIN..CW_YEAR_MAX) into *out. Returns 0,
 * or CW_EINVALID with a message quoting s, *out left as it was. */
CW_EXTERN(int) cw_month_parse(cw_month *out, const char *s);
/* Parses "A..B" or a single "A" into the inclusive range [*first, *last].
 * Returns 0, or CW_EINVALID with a message (also when B is before A). */
CW_EXTERN(int) cw_month_range_parse(cw_month *first, cw_month *last, const char *s);
/* The month after m, and the month before. */
CW_EXTERN(cw_month) cw_month_next(cw_month m);
CW_EXTERN(cw_month) cw_month_prev(cw_month m);
/* -1, 0 or 1 as a is before, the same as or after b. */
CW_EXTERN(int) cw_month_cmp(cw_month a, cw_month b);
CW_EXTERN(cw_minute) cw_month_start(cw_month m); /* first minute of the month */
CW_EXTERN(cw_minute) cw_month_end(cw_month m);   /* first minute of the next month */
/* The month of minute t. */
CW_EXTERN(cw_month) cw_month_of(cw_minute t);
/* Writes "YYYY-MM" into buf (at least 8 bytes) and returns buf. */
CW_EXTERN(char *) cw_month_format(char *buf, cw_month m);

/* --- parsing the contract's text forms --------------------------------------
 * Each takes a field's bytes s (not NUL-terminated, len may be 0), stores the
 * value in *out and returns 0; on failure it returns CW_EINVALID, points *why
 * at a static reason such as "not a date (expected YYYY-MM-DD)" and leaves
 * *out as it was. They do not touch the thread's error message, so a reader
 * can cheaply report file, line and column itself. */
/* "YYYY-MM-DD", a real date of CW_YEAR_MIN..CW_YEAR_MAX. */
CW_EXTERN(int) cw_parse_date(cw_day *out, const char **why, const char *s, size_t len);
/* "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (also with a T for the space; the
 * seconds are dropped). */
CW_EXTERN(int) cw_parse_time(cw_minute *out, const char **why, const char *s, size_t len);
/* Yuan with at most 2 decimals and an optional '-' ("12.30", "-5"), as fen. */
CW_EXTERN(int) cw_parse_money(cw_fen *out, const char **why, const char *s, size_t len);
/* A decimal with at most 3 decimals and an optional '-', in thousandths. */
CW_EXTERN(int) cw_parse_qty(cw_qty *out, const char **why, const char *s, size_t len);
/* A decimal integer with an optional '-', at most 18 digits, inside [min, max]. */
CW_EXTERN(int) cw_parse_int(int64_t *out, const char **why, const char *s, size_t len, int64_t min, int64_t max);
/* "0" or "1". */
CW_EXTERN(int) cw_parse_flag(int *out, const char **why, const char *s, size_t len);
/* Checks an id: 1-64 bytes, no control characters, valid UTF-8. Returns 0,
 * or CW_EINVALID with *why set. */
CW_EXTERN(int) cw_check_id(const char **why, const char *s, size_t len);
/* Checks text: valid UTF-8 with no NUL byte. Returns 0, or CW_EINVALID with
 * *why set. */
CW_EXTERN(int) cw_check_text(const char **why, const char *s, size_t len);

/* --- formatting --------------------------------------------------------------
 * Each writes a NUL-terminated string into buf (CW_FMT_SIZE bytes) and returns
 * buf. */
#define CW_FMT_SIZE 32
CW_EXTERN(char *) cw_format_money(char buf[CW_FMT_SIZE], cw_fen v);  /* "12.30", "-0.05" */
CW_EXTERN(char *) cw_format_qty(char buf[CW_FMT_SIZE], cw_qty v);    /* "2", "0.125" */
CW_EXTERN(char *) cw_format_time(char buf[CW_FMT_SIZE], cw_minute t); /* "2026-05-08 08:11" */
CW_EXTERN(char *) cw_format_date(char buf[CW_FMT_SIZE], cw_day d);   /* "2026-05-08" */

#ifdef __cplusplus
}
#endif
#endif
