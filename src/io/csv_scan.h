/* csv_scan.h: the CSV reader's field scan, vectorised, chosen at run time.
 *
 * The common record of a contract file is one line without quotes. The reader
 * (csv.c) hands such a line to cw_csv_scan(), which finds in one pass its
 * commas and where it stops: the first line feed, double quote or NUL byte.
 * A line feed ends the record; a quote or a NUL sends the record to the
 * reader's general byte-by-byte parser, so the scan never decides anything
 * the general parser would decide otherwise.
 *
 * Three variants give the same result: a portable scalar loop, SSE2 (16 bytes
 * at a time) and AVX2 (32). The best one the CPU runs is chosen once, at the
 * first use (__builtin_cpu_supports); the environment variable
 * CW_CSV_SCAN=scalar|sse2|avx2 forces one (for tests and benchmarks), and
 * CW_CSV_SCAN=slow sends every record to the general parser (the reference
 * the fast paths are compared with). A forced variant the CPU lacks falls
 * back to the best one it has. */
#ifndef CW_CSV_SCAN_H
#define CW_CSV_SCAN_H
#include <stddef.h>
#include "io/csv.h"

typedef struct cw_csv_split {
	cw_csv_field *field; /* room for cap fields */
	size_t cap;
	size_t n;            /* fields closed so far: past cap they are counted, not stored */
	const char *start;   /* where the open field starts */
} cw_csv_split;

/* Scans [p, end) for the first '\n', '"' or NUL. Each comma before it closes
 * the open field (s->start up to the comma) and opens the next one. Returns
 * the byte it stopped at, or end. CW_CSV_PAD readable bytes must follow end. */
typedef const char *(*cw_csv_scan_fn)(cw_csv_split *s, const char *p, const char *end);

enum cw_csv_scan_kind { CW_SCAN_SCALAR, CW_SCAN_SSE2, CW_SCAN_AVX2, CW_SCAN_SLOW, CW_SCAN_KINDS };

/* The variant in use (set at the first call, from the CPU and CW_CSV_SCAN). */
int cw_csv_scan_kind(void);
/* Its scan function (for CW_SCAN_SLOW: the scalar one, used only to find line ends). */
cw_csv_scan_fn cw_csv_scan_get(int kind);
/* "scalar", "sse2", "avx2" or "slow". */
const char *cw_csv_scan_name(int kind);
/* 1 when the CPU runs the variant. */
int cw_csv_scan_supported(int kind);
/* Makes `kind` the variant of readers opened from now on (tests, benchmarks):
 * CW_EINVALID (message set) when the CPU does not run it. Not thread-safe. */
int cw_csv_scan_use(int kind);

#endif
