/*
 * claimwatch/scan.h: the helpers a detector's scan() needs beside the dataset,
 * public so that a detector written outside the tree (examples/detectors/, a
 * plug-in) has the same ones as the built-in detectors. Every helper but
 * cw_grow is a static inline function; cw_grow is the engine's, which a
 * plug-in calls as it calls cw_emit.
 *
 *   cw_line_live(cl, i)            a line that counts (dataset.h, beside the flags)
 *   cw_first_line_at(cl, lo, hi, t) the first of a patient's or a visit's lines at a time
 *   cw_day_end(cl, lo, end)        the end of a line's calendar day
 *   cw_each_patient_day(ctx, fn, arg) each patient-day of the month in the scan's slice
 *   cw_grow(&p, &cap, need, size)  a growing array (capacity doubled)
 *   cw_linebuf                     a growing list of evidence lines
 *   cw_sort_u32, cw_sort_u64       sorting the short groups of a minute or a day
 *   cw_muldiv_round(a, b, c)       money times a quantity, rounded, without overflow
 */
#ifndef CLAIMWATCH_SCAN_H
#define CLAIMWATCH_SCAN_H

#include "claimwatch/common.h"

#include <stdint.h>
#include <stdlib.h>
#include "claimwatch/dataset.h"
#include "claimwatch/detector.h"
#include "claimwatch/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes room for need elements of size bytes in *p (capacity *cap, doubled
 * from 64): *p and *cap are replaced by the larger array, whose new elements
 * are not initialised. Returns 0, or CW_ENOMEM with a message, *p and *cap left
 * as they were. The engine's own growth rule (not inline: every array of the
 * engine grows by it). */
CW_EXTERN(int) cw_grow(void **p, size_t *cap, size_t need, size_t size);

/* A growing list of claim line rows, the evidence of a finding. A scan() keeps
 * one for all its findings and empties it (n = 0) before each, so the memory
 * is allocated a few times per scan, never per line. */
typedef struct cw_linebuf {
	uint32_t *v;
	size_t n, cap;
} cw_linebuf;

/* Appends a line row. Returns 0, or CW_ENOMEM (the buffer as it was). */
static inline int cw_linebuf_push(cw_linebuf *b, uint32_t line)
{
	int rc = cw_grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v);
	if (rc == 0)
		b->v[b->n++] = line;
	return rc;
}

/* Frees the lines and empties the buffer (it may be used again). */
static inline void cw_linebuf_free(cw_linebuf *b)
{
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* a * b / c rounded half away from zero, in 128 bits (no overflow); c > 0.
 * Money times a quantity in thousandths: cw_muldiv_round(fen, qty, CW_QTY_ONE). */
static inline int64_t cw_muldiv_round(int64_t a, int64_t b, int64_t c)
{
	__int128 p = (__int128)a * b;
	return (int64_t)((p >= 0 ? p + c / 2 : p - c / 2) / c);
}

/* qsort comparators of uint64_t and uint32_t, ascending. */
static inline int cw_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static inline int cw_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Sorts n keys ascending, in place. A minute's or a day's group holds a
 * handful of lines: insertion sort, and qsort beyond 32 (glibc's qsort
 * allocates and merges even for three). */
static inline void cw_sort_u64(uint64_t *k, size_t n)
{
	if (n > 32) {
		qsort(k, n, sizeof *k, cw_cmp_u64);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint64_t x = k[i];
		size_t j = i;
		for (; j > 0 && k[j - 1] > x; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* The same for uint32_t keys. */
static inline void cw_sort_u32(uint32_t *k, size_t n)
{
	if (n > 32) {
		qsort(k, n, sizeof *k, cw_cmp_u32);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t x = k[i];
		size_t j = i;
		for (; j > 0 && k[j - 1] > x; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* The first of the time-ordered lines [lo, hi) at or after t (hi when none). */
static inline uint32_t cw_first_line_at(const cw_claims *cl, uint32_t lo, uint32_t hi, cw_minute t)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cl->time[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The end of line lo's calendar day in the time-ordered lines [lo, end): the
 * lines [lo, returned) are that day's. */
static inline uint32_t cw_day_end(const cw_claims *cl, uint32_t lo, uint32_t end)
{
	cw_minute midnight = (cw_day_of(cl->time[lo]) + 1) * CW_MINUTES_PER_DAY;
	uint32_t hi = lo + 1;
	while (hi < end && cl->time[hi] < midnight)
		hi++;
	return hi;
}

/* Calls on_day(ctx, lo, hi, arg) for each calendar day of the month on which a
 * patient of the scan's slice has lines: [lo, hi) are that patient's lines of
 * the day, in time order. Stops at the first non-zero return and returns it. */
typedef int (*cw_day_fn)(const cw_scan *ctx, uint32_t lo, uint32_t hi, void *arg);

static inline int cw_each_patient_day(const cw_scan *ctx, cw_day_fn on_day, void *arg)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	cw_minute month_start = cw_dataset_window(ctx->ds)->month_start;
	int rc = 0;
	for (cw_ref p = ctx->patient_begin; rc == 0 && p < ctx->patient_end; p++) {
		uint32_t end = pat->line_start[p + 1];
		/* the patient's lines are in time order: skip the look-back (the month
		 * starts at midnight), then each calendar day is one run */
		for (uint32_t lo = cw_first_line_at(cl, pat->line_start[p], end, month_start), hi;
		     rc == 0 && lo < end; lo = hi) {
			hi = cw_day_end(cl, lo, end);
			rc = on_day(ctx, lo, hi, arg);
		}
	}
	return rc;
}

#ifdef __cplusplus
}
#endif
#endif
