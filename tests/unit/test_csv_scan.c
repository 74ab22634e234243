/* test_csv_scan.c: the CSV reader's field scans (src/io/csv_scan.c): the SSE2
 * and AVX2 scans give exactly what the scalar one gives on every alignment and
 * length, and the reader gives the same records with every scan, and with
 * every record sent to the general parser (CW_SCAN_SLOW), on crafted input:
 * quotes, CRLF, line breaks inside quotes, fields across 16- and 32-byte
 * boundaries, a block ending inside a quoted field, NUL bytes, bytes that are
 * not UTF-8 (the reader takes them as they are: the values' checks are in
 * src/source/rows.c). CW_CSV_SCAN picks the scan at the first use. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/csv_scan.h"
#include "memsrc.h"

/* --- the scans alone ------------------------------------------------------------ */

#define AREA 256

typedef struct scanned {
	const char *stop;
	size_t n;
	cw_csv_field f[8];
	const char *start;
} scanned;

static scanned run_scan(cw_csv_scan_fn fn, const char *p, const char *end)
{
	scanned r = { 0 };
	cw_csv_split s = { r.f, 8, 0, p };
	r.stop = fn(&s, p, end);
	r.n = s.n;
	r.start = s.start;
	return r;
}

static void same_scan(const scanned *a, const scanned *b)
{
	assert_ptr_equal(a->stop, b->stop);
	assert_int_equal(a->n, b->n);
	assert_ptr_equal(a->start, b->start);
	for (size_t i = 0; i < a->n && i < 8; i++) {
		assert_ptr_equal(a->f[i].ptr, b->f[i].ptr);
		assert_int_equal(a->f[i].len, b->f[i].len);
	}
}

/* Every supported scan against the scalar one: random lines of commas, stops
 * and other bytes, at every offset from a 32-byte boundary and every length up
 * to 100, the bytes past the end set to stops and commas (never to be seen). */
static void test_scans_agree(void **state)
{
	(void)state;
	static const char alphabet[] = { ',', ',', 'a', 'b', '\r', '\n', '"', 0, (char)0xff, (char)0xc3, ' ', '9' };
	_Alignas(32) char area[AREA + CW_CSV_PAD];
	unsigned seed = 12345;
	int tried = 0;
	for (int round = 0; round < 60; round++) {
		int sparse = round % 3; /* 0: any byte, 1: stops rare, 2: no stop at all */
		for (size_t i = 0; i < sizeof area; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % (sparse ? 64 : sizeof alphabet);
			area[i] = sparse ? (r < 8 ? ',' : r == 9 && sparse == 1 ? '\n' : (char)('a' + r % 26)) : alphabet[r];
		}
		for (size_t off = 0; off < 32; off++)
			for (size_t len = 0; len <= 100; len += 1 + (round & 1)) {
				const char *p = area + off, *end = p + len;
				char saved[CW_CSV_PAD];
				memcpy(saved, (char *)end, sizeof saved);
				memset((char *)end, sparse == 2 ? ',' : '\n', CW_CSV_PAD); /* past the end: ignored */
				scanned want = run_scan(cw_csv_scan_get(CW_SCAN_SCALAR), p, end);
				for (int k = CW_SCAN_SSE2; k <= CW_SCAN_AVX2; k++)
					if (cw_csv_scan_supported(k)) {
						scanned got = run_scan(cw_csv_scan_get(k), p, end);
						same_scan(&want, &got);
						tried++;
					}
				memcpy((char *)end, saved, sizeof saved);
			}
	}
	assert_true(tried > 0 || !cw_csv_scan_supported(CW_SCAN_SSE2));
}

/* Fields past the split's room are counted, not stored. */
static void test_scan_cap(void **state)
{
	(void)state;
	_Alignas(32) char buf[64 + CW_CSV_PAD] = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t\n";
	for (int k = 0; k <= CW_SCAN_AVX2; k++) {
		if (!cw_csv_scan_supported(k))
			continue;
		cw_csv_field f[3];
		cw_csv_split s = { f, 3, 0, buf };
		const char *stop = cw_csv_scan_get(k)(&s, buf, buf + strlen(buf));
		assert_ptr_equal(stop, buf + strlen(buf) - 1);
		assert_int_equal(s.n, 19);
		assert_int_equal(f[2].len, 1);
		assert_int_equal(f[2].ptr[0], 'c');
		assert_ptr_equal(s.start, buf + 38);
	}
}

/* --- the reader with each scan ------------------------------------------------------ */

/* Every record as "LINE:[len:field|...]{raw}" or "LINE:!reason{raw}", "$" when without a line break. */
static char *dump(const char *data, size_t len, size_t chunk, const cw_csv_opts *opts)
{
	memsrc m = { data, len, 0, chunk, 0 };
	cw_csv *c;
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "test", opts), 0);
	char *out = NULL, tmp[64];
	size_t olen = 0;
	put(&out, &olen, "", 0);
	cw_csv_record r;
	int rc;
	while ((rc = cw_csv_next(c, &r)) == 1) {
		snprintf(tmp, sizeof tmp, "%llu:", (unsigned long long)r.line);
		put(&out, &olen, tmp, strlen(tmp));
		if (r.error) {
			put(&out, &olen, "!", 1);
			put(&out, &olen, r.error, strlen(r.error));
		}
		for (size_t i = 0; i < r.nfields; i++) {
			snprintf(tmp, sizeof tmp, "%s%zu:", i ? "|" : "[", r.field[i].len);
			put(&out, &olen, tmp, strlen(tmp));
			put(&out, &olen, r.field[i].ptr, r.field[i].len);
		}
		put(&out, &olen, r.nfields ? "]{" : "{", 2 - !r.nfields);
		put(&out, &olen, r.raw, r.raw_len);
		put(&out, &olen, r.no_newline ? "}$\n" : "}\n", r.no_newline ? 3 : 2);
	}
	snprintf(tmp, sizeof tmp, "=%d\n", rc);
	put(&out, &olen, tmp, strlen(tmp));
	cw_csv_close(c);
	return out;
}

/* The records of data with the scalar scan, then the same with every other
 * variant, block sizes around 16 and 32 and short reads. */
static void same_records(const char *data, size_t len)
{
	cw_csv_opts whole = { .block = 1 << 16, .max_record = 1 << 16 }; /* the input in one read (1 MiB each by
	                                                                  default: slow to map under ASan) */
	assert_int_equal(cw_csv_scan_use(CW_SCAN_SCALAR), 0);
	char *want = dump(data, len, 0, &whole);
	for (int k = 0; k < CW_SCAN_KINDS; k++) {
		if (!cw_csv_scan_supported(k))
			continue;
		assert_int_equal(cw_csv_scan_use(k), 0);
		static const size_t blocks[] = { 0, 1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33 };
		for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
			size_t block = blocks[b];
			cw_csv_opts o = { .block = block, .max_record = 4096 };
			char *got = dump(data, len, block % 7, block ? &o : &whole);
			if (strcmp(got, want) != 0)
				fail_msg("scan %s, block %zu:\n%s\nscalar:\n%s", cw_csv_scan_name(k), block, got, want);
			free(got);
		}
	}
	free(want);
}

static void test_reader_same(void **state)
{
	(void)state;
	static const struct { const char *s; size_t len; } cases[] = {
#define C(lit) { lit, sizeof lit - 1 }
		C("a,b,c\n1,2,3\n"),
		C("a,b,c\r\n1,2,3\r\n\r\n\n4,,6"),
		C("id,name\n1,\"x, y\"\n2,\"he said \"\"hi\"\"\"\n3,\"two\nlines\"\n4,z\r\n"),
		C("x,\"open\n,never closed\nmore\n"),
		C("a,b\n1,st\"ray\n2,ok\n3,\"q\"garbage\n4,\"q\"\r\r\n5,end"),
		C("a,b\n1,x\0y\n2,\"in\0quote\"\n3,ok\n"),
		C("a,b\n\xff\xfe,\xc3\x28\n\xe2\x82,ok\n"),
		C("\xEF\xBB\xBF" "h1,h2\n,\n,,\n\"\",\"\"\n"),
		/* fields across 16- and 32-byte boundaries, a comma and a line break right on them */
		C("0123456789abcde,0123456789abcdef0123456789abcde,x\n0123456789abcdef\n"
		  "0123456789abcdef0123456789abcdef,\n0123456789abcdef0123456789abcde\n,y\n"),
		C("a,b\r"),
		C("\"a\"\r"),
		C("\r\n\r\n\r"),
		C("last,line,without,break"),
		C("q,\"a long quoted field that crosses block ends, with \"\"doubled\"\" quotes\r\nand a CRLF\"\r\nz,1\r\n"),
#undef C
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		same_records(cases[i].s, cases[i].len);
}

/* Long and random lines: a line of every length up to 200 with a comma at
 * every third byte, then random bytes of a small alphabet. */
static void test_reader_random(void **state)
{
	(void)state;
	char *data = malloc(64 << 10);
	assert_non_null(data);
	size_t len = 0;
	for (int n = 1; n <= 200; n++) {
		for (int i = 0; i < n; i++)
			data[len++] = i % 3 == 2 ? ',' : (char)('a' + i % 26);
		data[len++] = n % 4 == 0 ? '\r' : 'z';
		data[len++] = '\n';
	}
	same_records(data, len);
	static const char alphabet[] = { ',', ',', ',', 'a', 'b', 'c', '\r', '\n', '\n', '"', 0, (char)0xff };
	unsigned seed = 7;
	for (int round = 0; round < 12; round++) {
		size_t n = 200 + (size_t)round * 97;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			data[i] = alphabet[(seed >> 16) % (round % 2 ? sizeof alphabet : sizeof alphabet - 3)];
		}
		same_records(data, n);
	}
	free(data);
}

/* A record longer than max_record and one with more fields than max_fields. */
static void test_reader_limits(void **state)
{
	(void)state;
	char *want = NULL, line[200];
	memset(line, 'x', sizeof line);
	for (int k = 0; k < CW_SCAN_KINDS; k++) {
		if (!cw_csv_scan_supported(k))
			continue;
		assert_int_equal(cw_csv_scan_use(k), 0);
		char data[600];
		int n = snprintf(data, sizeof data, "a,b\n%.150s\n%s\nok,1\n", line, "1,2,3,4,5,6,7,8,9");
		cw_csv_opts o = { .block = 16, .max_record = 64, .max_fields = 4 };
		char *got = dump(data, (size_t)n, 0, &o);
		assert_non_null(strstr(got, "longer than 64 bytes"));
		assert_non_null(strstr(got, "more than 4 fields"));
		if (!want)
			want = got;
		else {
			assert_string_equal(got, want);
			free(got);
		}
	}
	free(want);
}

/* --- the choice ------------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(cw_csv_scan_name(CW_SCAN_SCALAR), "scalar");
	assert_string_equal(cw_csv_scan_name(CW_SCAN_SSE2), "sse2");
	assert_string_equal(cw_csv_scan_name(CW_SCAN_AVX2), "avx2");
	assert_string_equal(cw_csv_scan_name(CW_SCAN_SLOW), "slow");
	assert_true(cw_csv_scan_supported(CW_SCAN_SCALAR));
	assert_int_equal(cw_csv_scan_use(CW_SCAN_KINDS), CW_EINVALID);
	assert_int_equal(cw_csv_scan_use(-1), CW_EINVALID);
}

int main(void)
{
	/* the variable is read at the first use, which is this one */
	setenv("CW_CSV_SCAN", "scalar", 1);
	if (cw_csv_scan_kind() != CW_SCAN_SCALAR) {
		fprintf(stderr, "CW_CSV_SCAN=scalar was not taken\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scans_agree),  cmocka_unit_test(test_scan_cap),
		cmocka_unit_test(test_reader_same),  cmocka_unit_test(test_reader_random),
		cmocka_unit_test(test_reader_limits), cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
