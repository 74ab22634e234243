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

/* --- calendar ------------------------------------------------------------- */
CW_EXTERN(cw_day) cw_days_from_civil(int year, int month, int day);
CW_EXTERN(void) cw_civil_from_days(cw_day d, int *year, int *month, int *day);
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

/* Parses "YYYY-MM". Returns 0 or CW_EINVALID with a message. */
CW_EXTERN(int) cw_month_parse(const char *s, cw_month *out);
/* Parses "A..B" or a single "A" into an inclusive range. */
CW_EXTERN(int) cw_month_range_parse(const char *s, cw_month *first, cw_month *last);
CW_EXTERN(cw_month) cw_month_next(cw_month m);
CW_EXTERN(cw_month) cw_month_prev(cw_month m);
CW_EXTERN(int) cw_month_cmp(cw_month a, cw_month b);
CW_EXTERN(cw_minute) cw_month_start(cw_month m); /* first minute of the month */
CW_EXTERN(cw_minute) cw_month_end(cw_month m);   /* first minute of the next month */
CW_EXTERN(cw_month) cw_month_of(cw_minute t);
/* "YYYY-MM" into buf (at least 8 bytes); returns buf. */
CW_EXTERN(char *) cw_month_format(cw_month m, char *buf);

/* --- parsing the contract's text forms --------------------------------------
 * Each takes the field's bytes (not NUL-terminated, len may be 0) and on
 * failure returns CW_EINVALID and points *why at a static reason such as
 * "not a date (expected YYYY-MM-DD)"; it does not touch the thread's error
 * message, so a reader can cheaply report file, line and column itself. */
CW_EXTERN(int) cw_parse_date(const char *s, size_t len, cw_day *out, const char **why);
CW_EXTERN(int) cw_parse_time(const char *s, size_t len, cw_minute *out, const char **why);
CW_EXTERN(int) cw_parse_money(const char *s, size_t len, cw_fen *out, const char **why);
CW_EXTERN(int) cw_parse_qty(const char *s, size_t len, cw_qty *out, const char **why);
CW_EXTERN(int) cw_parse_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out, const char **why);
CW_EXTERN(int) cw_parse_flag(const char *s, size_t len, int *out, const char **why);
/* An id: 1-64 bytes, no control characters, valid UTF-8. */
CW_EXTERN(int) cw_check_id(const char *s, size_t len, const char **why);
/* Text: valid UTF-8 with no NUL byte. */
CW_EXTERN(int) cw_check_text(const char *s, size_t len, const char **why);

/* --- formatting --------------------------------------------------------------
 * Each writes a NUL-terminated string into buf and returns buf. */
#define CW_FMT_SIZE 32
CW_EXTERN(char *) cw_format_money(cw_fen v, char buf[CW_FMT_SIZE]);  /* "12.30", "-0.05" */
CW_EXTERN(char *) cw_format_qty(cw_qty v, char buf[CW_FMT_SIZE]);    /* "2", "0.125" */
CW_EXTERN(char *) cw_format_time(cw_minute t, char buf[CW_FMT_SIZE]); /* "2026-05-08 08:11" */
CW_EXTERN(char *) cw_format_date(cw_day d, char buf[CW_FMT_SIZE]);   /* "2026-05-08" */

#ifdef __cplusplus
}
#endif
#endif
