/* detcheck.h: small checks shared by the detector tests (test_det_*.c): split_admission,
 * idle_bed, unwarranted_admission, large_prescription and the line-level detectors. Header only. */
#ifndef CW_DETCHECK_H
#define CW_DETCHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static inline cw_record dc_get(const cw_findings *fs, size_t i)
{
	cw_record r;
	assert_true(i < cw_findings_count(fs));
	cw_findings_get(&r, fs, i);
	return r;
}

/* The id of finding i's visit ("" when none). */
static inline const char *dc_visit(const cw_dataset *ds, const cw_findings *fs, size_t i)
{
	cw_record r = dc_get(fs, i);
	return r.f.visit == CW_NONE ? "" : cw_dataset_str(ds, cw_dataset_visits(ds)->id[r.f.visit]);
}

static inline const char *dc_physician(const cw_dataset *ds, const cw_findings *fs, size_t i)
{
	cw_record r = dc_get(fs, i);
	return r.f.physician == CW_NONE ? "" : cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r.f.physician]);
}

/* The number of findings with this tag. */
static inline size_t dc_count_tag(const cw_findings *fs, const char *tag)
{
	size_t n = 0;
	for (size_t i = 0; i < cw_findings_count(fs); i++) {
		cw_record r = dc_get(fs, i);
		n += r.f.tag && !strcmp(r.f.tag, tag);
	}
	return n;
}

/* Every finding as one text (id, tag, visit, suspect, when, lines, reason), to
 * compare two runs. Caller frees. */
static inline char *dc_fingerprint(const cw_dataset *ds, const cw_findings *fs)
{
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap), lines[4096];
	assert_non_null(out);
	out[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs); i++) {
		cw_record r = dc_get(fs, i);
		char row[8192];
		int n = snprintf(row, sizeof row, "%s|%s|%s|%lld|%d|%s|%s\n", r.id, r.f.tag ? r.f.tag : "",
		                 dc_visit(ds, fs, i), (long long)r.f.suspect, (int)r.f.when,
		                 tu_lines(ds, fs, i, lines, sizeof lines), r.reason);
		while (len + (size_t)n + 1 > cap) {
			out = realloc(out, cap *= 2);
			assert_non_null(out);
		}
		memcpy(out + len, row, (size_t)n + 1);
		len += (size_t)n;
	}
	return out;
}

/* Runs detector on ds with 1 and 2 threads and checks the outputs are equal;
 * returns the number of findings. */
static inline size_t dc_same_with_threads(const cw_dataset *ds, const char *detector)
{
	cw_findings *one = tu_detect_threads(ds, detector, NULL, 1);
	cw_findings *two = tu_detect_threads(ds, detector, NULL, 2);
	char *a = dc_fingerprint(ds, one), *b = dc_fingerprint(ds, two);
	assert_string_equal(a, b);
	size_t n = cw_findings_count(one);
	free(a);
	free(b);
	cw_findings_free(one);
	cw_findings_free(two);
	return n;
}

#endif
