/* csv_scan.c: the scalar, SSE2 and AVX2 field scans and the choice among
 * them (see csv_scan.h).
 *
 * The vector variants compare a block of the line with ',', '\n', '"' and NUL,
 * turn the results into bit masks and walk the comma bits up to the first
 * stop bit. Their last block may read up to 31 bytes past the end (within
 * CW_CSV_PAD); the bits of those bytes are masked off. The x86 variants are
 * compiled with target attributes, so the library needs no -mavx2 and runs on
 * any x86-64; elsewhere only the scalar variant exists. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv_scan.h"
#include "util/progress.h"

#if defined(__x86_64__) || defined(__i386__)
#define CW_X86 1
#include <immintrin.h>
#endif

_Static_assert(CW_CSV_PAD >= 32, "the AVX2 scan reads up to 31 bytes past the end");

static inline void close_field(cw_csv_split *s, const char *at)
{
	if (s->n < s->cap) {
		s->field[s->n].ptr = s->start;
		s->field[s->n].len = (size_t)(at - s->start);
	}
	s->n++;
	s->start = at + 1;
}

/* Byte classes: 1 a comma, 2 a stop (line feed, quote, NUL). */
static const unsigned char cls[256] = { [','] = 1, ['\n'] = 2, ['"'] = 2, [0] = 2 };

static const char *scan_scalar(cw_csv_split *s, const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned k = cls[(unsigned char)*p];
		if (k == 1)
			close_field(s, p);
		else if (k)
			return p;
	}
	return end;
}

/* The commas of a block before its first stop bit; returns the stop or NULL. */
static inline const char *walk(cw_csv_split *s, const char *q, uint32_t mc, uint32_t ms)
{
	if (ms)
		mc &= (ms & -ms) - 1; /* the commas before the first stop */
	while (mc) {
		close_field(s, q + __builtin_ctz(mc));
		mc &= mc - 1;
	}
	return ms ? q + __builtin_ctz(ms) : NULL;
}

#ifdef CW_X86
__attribute__((target("sse2"))) static const char *scan_sse2(cw_csv_split *s, const char *p, const char *end)
{
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"'),
		      zero = _mm_setzero_si128();
	for (const char *q = p; q < end; q += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		uint32_t mc = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
		__m128i st = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, quote)),
		                          _mm_cmpeq_epi8(v, zero));
		uint32_t ms = (uint32_t)_mm_movemask_epi8(st);
		size_t rest = (size_t)(end - q);
		if (rest < 16) {
			uint32_t keep = (1u << rest) - 1;
			mc &= keep;
			ms &= keep;
		}
		const char *stop = walk(s, q, mc, ms);
		if (stop)
			return stop;
	}
	return end;
}

__attribute__((target("avx2"))) static const char *scan_avx2(cw_csv_split *s, const char *p, const char *end)
{
	const __m256i comma = _mm256_set1_epi8(','), lf = _mm256_set1_epi8('\n'), quote = _mm256_set1_epi8('"'),
		      zero = _mm256_setzero_si256();
	for (const char *q = p; q < end; q += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)q);
		uint32_t mc = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, comma));
		__m256i st = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, lf), _mm256_cmpeq_epi8(v, quote)),
		                             _mm256_cmpeq_epi8(v, zero));
		uint32_t ms = (uint32_t)_mm256_movemask_epi8(st);
		size_t rest = (size_t)(end - q);
		if (rest < 32) {
			uint32_t keep = (uint32_t)((1ull << rest) - 1);
			mc &= keep;
			ms &= keep;
		}
		const char *stop = walk(s, q, mc, ms);
		if (stop)
			return stop;
	}
	return end;
}
#endif

static const char *const names[CW_SCAN_KINDS] = { "scalar", "sse2", "avx2", "slow" };

int cw_csv_scan_supported(int kind)
{
	switch (kind) {
	case CW_SCAN_SCALAR:
	case CW_SCAN_SLOW:
		return 1;
#ifdef CW_X86
	case CW_SCAN_SSE2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("sse2");
	case CW_SCAN_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
#endif
	default:
		return 0;
	}
}

cw_csv_scan_fn cw_csv_scan_get(int kind)
{
#ifdef CW_X86
	if (kind == CW_SCAN_SSE2)
		return scan_sse2;
	if (kind == CW_SCAN_AVX2)
		return scan_avx2;
#endif
	return scan_scalar;
}

const char *cw_csv_scan_name(int kind)
{
	return kind >= 0 && kind < CW_SCAN_KINDS ? names[kind] : "?";
}

static int chosen = -1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The best variant the CPU runs, at most `want` (of scalar < sse2 < avx2). */
static int best(int want)
{
	while (want > CW_SCAN_SCALAR && !cw_csv_scan_supported(want))
		want--;
	return want;
}

static void choose(void)
{
	const char *env = getenv("CW_CSV_SCAN");
	int k = best(CW_SCAN_AVX2);
	if (env && *env) {
		int want = -1;
		for (int i = 0; i < CW_SCAN_KINDS; i++)
			if (!strcmp(env, names[i]))
				want = i;
		if (want < 0)
			cw_progress_note("CW_CSV_SCAN=%s: unknown (scalar, sse2, avx2 or slow); using %s", env, names[k]);
		else
			k = want == CW_SCAN_SLOW ? want : best(want);
		if (want >= 0 && k != want)
			cw_progress_note("CW_CSV_SCAN=%s: not run by this CPU; using %s", env, names[k]);
	}
	chosen = k;
}

int cw_csv_scan_kind(void)
{
	pthread_once(&once, choose);
	return chosen;
}

int cw_csv_scan_use(int kind)
{
	if (kind < 0 || kind >= CW_SCAN_KINDS || !cw_csv_scan_supported(kind))
		return cw_error_set(CW_EINVALID, "CSV scan '%s' is not run by this CPU", cw_csv_scan_name(kind));
	pthread_once(&once, choose);
	chosen = kind;
	return 0;
}
