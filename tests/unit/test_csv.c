/* test_csv.c: the streaming RFC 4180 reader (src/io/csv.c): well-formed input,
 * every kind of malformed record and where the reader resumes after it, and
 * the same answers whatever the block size. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "io/csv.h"
#include "memsrc.h"

/* Every record of the input as "LINE:[f1|f2]" or "LINE:!reason{raw}", one per
 * line, with "$" after a record that had no final line break. */
static char *dump_opts(const char *data, size_t len, size_t chunk, const cw_csv_opts *opts)
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
			assert_int_equal(r.nfields, 0);
			put(&out, &olen, "!", 1);
			put(&out, &olen, r.error, strlen(r.error));
			put(&out, &olen, "{", 1);
			put(&out, &olen, r.raw, r.raw_len);
			put(&out, &olen, "}", 1);
		} else {
			put(&out, &olen, "[", 1);
			for (size_t i = 0; i < r.nfields; i++) {
				if (i)
					put(&out, &olen, "|", 1);
				put(&out, &olen, r.field[i].ptr, r.field[i].len);
			}
			put(&out, &olen, "]", 1);
		}
		if (r.no_newline)
			put(&out, &olen, "$", 1);
		put(&out, &olen, "\n", 1);
	}
	assert_int_equal(rc, 0);
	cw_csv_close(c);
	return out;
}

static char *dump(const char *data, size_t len) { return dump_opts(data, len, 0, NULL); }

/* Checks that input gives `want` with the default options and with every
 * small block size (records then straddle block boundaries everywhere). */
static void check_len(const char *data, size_t len, const char *want)
{
	char *got = dump(data, len);
	assert_string_equal(got, want);
	free(got);
	for (size_t block = 1; block <= 24; block++) {
		cw_csv_opts o = { .block = block, .max_record = 4096 };
		got = dump_opts(data, len, 0, &o);
		assert_string_equal(got, want);
		free(got);
		got = dump_opts(data, len, block, NULL); /* short reads */
		assert_string_equal(got, want);
		free(got);
	}
}

static void check(const char *data, const char *want) { check_len(data, strlen(data), want); }

static void test_simple(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "1:[a|b|c]\n2:[1|2|3]\n");
	check("a,b,c\r\n1,2,3\r\n", "1:[a|b|c]\n2:[1|2|3]\n");
	check("a,b\n1,2", "1:[a|b]\n2:[1|2]$\n");         /* no final newline: fine */
	check("a,b\r\n1,2\r", "1:[a|b]\n2:[1|2]$\n");
	check(",,\n", "1:[||]\n");
	check("x\n", "1:[x]\n");
	check("", "");
	check("\n\n", "");
	check("a\n\n\r\nb\n\n", "1:[a]\n4:[b]\n");         /* blank lines skipped, lines still counted */
	check("a,b\rc\n", "1:[a|b\rc]\n");                /* a lone CR is data */
	check("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t\n", "1:[a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t]\n");
	check("0123456789abcdefghij,0123456789abcdefghijklmnopq,x\n",
	      "1:[0123456789abcdefghij|0123456789abcdefghijklmnopq|x]\n");
}

static void test_bom(void **state)
{
	(void)state;
	check("\xEF\xBB\xBFvisit_id,kind\nV1,outpatient\n", "1:[visit_id|kind]\n2:[V1|outpatient]\n");
	check("\xEF\xBB\xBF", "");
	check("\xEF\xBB", "1:[\xEF\xBB]$\n"); /* not a BOM */
	check("a,\xEF\xBB\xBF\n", "1:[a|\xEF\xBB\xBF]\n"); /* only at the start */
}

static void test_quoted(void **state)
{
	(void)state;
	check("x,\"a,b\",y\n", "1:[x|a,b|y]\n");
	check("\"he said \"\"hi\"\"\",2\n", "1:[he said \"hi\"|2]\n");
	check("\"\"\"\"\n", "1:[\"]\n");
	check("\"\",x\n", "1:[|x]\n");
	check("a,\"\"\n", "1:[a|]\n");
	check("\"a\"\r\n\"b\"\r\n", "1:[a]\n2:[b]\n");
	check("\"a\",\"b\"", "1:[a|b]$\n");
	check("\"a\",\"b\"\r", "1:[a|b]$\n");
	/* line breaks inside quotes: the next record's line number counts them */
	check("1,\"line1\nline2\",3\n4,5,6\n", "1:[1|line1\nline2|3]\n3:[4|5|6]\n");
	check("\"a\r\nb\",c\r\nd,e\r\n", "1:[a\r\nb|c]\n3:[d|e]\n");
	check("\"x\n\n\ny\"\nz\n", "1:[x\n\n\ny]\n5:[z]\n");
	/* Chinese text intact, quoted and not */
	check("C140300003,\"医用纱布块\n(8层, 10cm×10cm)\",material,包\n高血压,\"胃炎 (Gastritis, unspecified)\"\n",
	      "1:[C140300003|医用纱布块\n(8层, 10cm×10cm)|material|包]\n3:[高血压|胃炎 (Gastritis, unspecified)]\n");
	/* several doubled-quote fields in one record */
	check("\"a\"\"b\",\"c\"\"d\"\"e\",\"\"\"\"\n", "1:[a\"b|c\"d\"e|\"]\n");
}

static void test_malformed(void **state)
{
	(void)state;
	/* unterminated quote at the end: that line is the reject, the reader
	 * resumes on the next line */
	check("a,b\n1,\"abc\n2,x\n", "1:[a|b]\n2:!unterminated quoted field (broken quoting){1,\"abc}\n3:[2|x]\n");
	check("a,\"abc", "1:!unterminated quoted field (broken quoting){a,\"abc}$\n");
	check("\"", "1:!unterminated quoted field (broken quoting){\"}$\n");
	/* a stray quote inside an unquoted field */
	check("ab\"c,d\n1,2\n", "1:!stray quote in an unquoted field{ab\"c,d}\n2:[1|2]\n");
	check("a,b\"\n1,2\n", "1:!stray quote in an unquoted field{a,b\"}\n2:[1|2]\n");
	/* garbage after a closing quote */
	check("\"a\"x,b\n1,2\n", "1:!garbage after a closing quote{\"a\"x,b}\n2:[1|2]\n");
	check("\"a\" ,b\n1,2\n", "1:!garbage after a closing quote{\"a\" ,b}\n2:[1|2]\n");
	check("\"a\"\rb\n1,2\n", "1:!garbage after a closing quote{\"a\"\rb}\n2:[1|2]\n");
	/* ... whose record spanned lines: the reject ends at the line break after the fault */
	check("1,\"a\nb\"x,c\n2,d\n", "1:!garbage after a closing quote{1,\"a\nb\"x,c}\n3:[2|d]\n");
	/* NUL bytes, quoted or not */
	check_len("a,b\0c\n1,2\n", 10, "1:!NUL byte in record{a,b\0c}\n2:[1|2]\n");
	check_len("\"a\0\",b\n1,2\n", 11, "1:!NUL byte in record{\"a\0\",b}\n2:[1|2]\n");
	check_len("\0\0\0", 3, "1:!NUL byte in record{\0\0\0}$\n");
	/* CRLF on a bad line is not part of the raw record */
	check("a\"b\r\nc\r\n", "1:!stray quote in an unquoted field{a\"b}\n2:[c]\n");
}

static void test_nul_file(void **state)
{
	(void)state;
	size_t n = 100000;
	char *zeros = calloc(n, 1), *want = malloc(n + 64);
	int k = snprintf(want, n + 64, "1:!NUL byte in record{");
	memset(want + k, 0, n);
	memcpy(want + k + n, "}$\n", 4);
	char *got = dump(zeros, n);
	assert_memory_equal(got, want, (size_t)k + n + 3);
	free(got);
	/* a NUL file bigger than the record limit: one reject, nothing held */
	cw_csv_opts o = { .block = 4096, .max_record = 10000 };
	got = dump_opts(zeros, n, 0, &o);
	assert_memory_equal(got, "1:!NUL byte in record{", 22);
	free(got);
	free(zeros);
	free(want);
}

static void test_giant(void **state)
{
	(void)state;
	/* a line past the limit: rejected, then the reader goes on at the next line */
	size_t big = 3u << 20;
	char *data = malloc(big + 64);
	strcpy(data, "a,b\n");
	memset(data + 4, 'x', big);
	strcpy(data + 4 + big, "\n1,2\n");
	size_t len = strlen(data);
	memsrc m = { data, len, 0, 0, 0 };
	cw_csv *c;
	cw_csv_record r;
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "giant", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.nfields, 2);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_non_null(r.error);
	assert_string_equal(r.error, "record longer than 1048576 bytes");
	assert_true(r.raw_len >= 4096 && r.raw_len < 8192); /* only its start is kept */
	assert_int_equal(r.raw[0], 'x');
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_null(r.error);
	assert_int_equal(r.line, 3);
	assert_int_equal(r.nfields, 2);
	assert_memory_equal(r.field[1].ptr, "2", 1);
	assert_int_equal(cw_csv_next(c, &r), 0);
	assert_int_equal(cw_csv_bytes(c), len);
	cw_csv_close(c);

	/* the same at the end of the input, without a final newline */
	data[4 + big] = 0;
	m = (memsrc){ data, 4 + big, 0, 0, 0 };
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "giant", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_non_null(r.error);
	assert_int_equal(cw_csv_next(c, &r), 0);
	cw_csv_close(c);
	free(data);

	/* small limits: every boundary position of the giant line */
	char buf[512];
	for (size_t n = 60; n < 80; n++) {
		memset(buf, 0, sizeof buf);
		strcpy(buf, "h\n");
		memset(buf + 2, 'y', n);
		strcpy(buf + 2 + n, "\nz\n");
		for (size_t block = 1; block < 20; block += 3) {
			cw_csv_opts o = { .block = block, .max_record = 64 };
			char *got = dump_opts(buf, strlen(buf), 0, &o);
			char want[512];
			if (n + 1 > 64) {
				/* the kept start depends on the block size: check around it */
				const char *head = "1:[h]\n2:!record longer than 64 bytes{yyyy", *tail = "}\n3:[z]\n";
				assert_memory_equal(got, head, strlen(head));
				assert_string_equal(got + strlen(got) - strlen(tail), tail);
			} else {
				snprintf(want, sizeof want, "1:[h]\n2:[%.*s]\n3:[z]\n", (int)n, buf + 2);
				assert_string_equal(got, want);
			}
			free(got);
		}
	}
}

static void test_giant_quoted(void **state)
{
	(void)state;
	/* a quote that never closes, far past the limit, in a file: the reader
	 * follows it to the end of the file, then reads again from the line after
	 * the opening quote */
	char buf[8192] = "h,i\n1,\"open\n";
	for (int i = 0; i < 300; i++)
		strcat(buf, "y,z\n");
	cw_csv_opts o = { .block = 64, .max_record = 256 };
	char *dir = tu_tempdir();
	tu_write(dir, "open.csv", buf);
	cw_csv *c;
	cw_csv_record r;
	assert_int_equal(cw_csv_open(&c, tu_path(dir, "open.csv"), &o), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.error, "record longer than 256 bytes (a quoted field that does not end: broken quoting?)");
	assert_memory_equal(r.raw, "1,\"open\ny,z", 11);
	size_t count = 0;
	int rc;
	while ((rc = cw_csv_next(c, &r)) == 1) {
		assert_null(r.error);
		assert_int_equal(r.line, 3 + count);
		count++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(count, 300); /* every line after the broken one is read */
	cw_csv_close(c);
	tu_rmtree(dir);
	free(dir);
	/* a stream cannot be read again: the read fails, naming the lines */
	memsrc m = { buf, strlen(buf), 0, 0, 0 };
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "stream", &o), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(cw_csv_next(c, &r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "stream: line 2: a quoted field opened on line 2 does not end"));
	cw_csv_close(c);
	/* a quoted field longer than the limit on one line: skipped to the line end */
	char *one = malloc(4000);
	strcpy(one, "a\n\"");
	memset(one + 3, 'q', 3000);
	strcpy(one + 3003, "\"\nb\n");
	char *got = dump_opts(one, strlen(one), 0, &o);
	assert_memory_equal(got, "1:[a]\n2:!record longer than 256 bytes{", 38);
	assert_non_null(strstr(got, "}\n3:[b]\n"));
	free(got);
	free(one);
}

/* A well-formed quoted field longer than the limit, holding line breaks and
 * lines that look like records: one rejected record, and the reader goes on
 * after its real end, never inside the quotes (issue 11, item 4). */
static void test_giant_quoted_field_ends(void **state)
{
	(void)state;
	char buf[16384] = "h,i\n1,\"start\n";
	for (int i = 0; i < 100; i++)
		strcat(buf, "x,\"\"y\"\",z\n");
	strcat(buf, "end\"\"\",\"\nmore\"\r\n2,after\n\"\"\"\",\"\"\n");
	const char *tail = "}\n105:[2|after]\n106:[\"|]\n";
	for (size_t block = 1; block <= 70; block += 3) {
		for (int shortreads = 0; shortreads <= 1; shortreads++) {
			cw_csv_opts o = { .block = block, .max_record = 256 };
			char *got = dump_opts(buf, strlen(buf), shortreads ? block : 0, &o);
			const char *head = "1:[h|i]\n2:!record longer than 256 bytes (it spans lines 2 to 104){1,\"start\nx,";
			assert_memory_equal(got, head, strlen(head));
			assert_string_equal(got + strlen(got) - strlen(tail), tail);
			assert_null(strstr(got, "[x|"));
			free(got);
		}
	}
	/* text after the closing quote: the record ends at the next line break (as a short one does) */
	const char *bad = "h\n\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	                  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"x,\"\ny\nz\n";
	cw_csv_opts o = { .block = 16, .max_record = 64 };
	char *got = dump_opts(bad, strlen(bad), 0, &o);
	assert_non_null(strstr(got, "2:!record longer than 64 bytes (it spans lines 2 to 3){"));
	assert_non_null(strstr(got, "}\n4:[y]\n5:[z]\n"));
	free(got);
}

/* A NUL inside a quoted field rejects the record, which still ends where its
 * quoting says. */
static void test_nul_in_quotes(void **state)
{
	(void)state;
	static const char in[] = "a,b\n1,\"x\0\n2,fake\n\"\n3,4\n";
	for (size_t block = 1; block <= 24; block++) {
		memsrc m = { in, sizeof in - 1, 0, block, 0 };
		cw_csv *c;
		cw_csv_record r;
		assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "nul", NULL), 0);
		assert_int_equal(cw_csv_next(c, &r), 1);
		assert_int_equal(cw_csv_next(c, &r), 1);
		assert_int_equal(r.line, 2);
		assert_string_equal(r.error, "NUL byte in record");
		assert_int_equal(r.raw_len, 14);
		assert_int_equal(cw_csv_next(c, &r), 1);
		assert_null(r.error);
		assert_int_equal(r.line, 5);
		assert_int_equal(cw_csv_next(c, &r), 0);
		cw_csv_close(c);
	}
}

static void test_fields_cap(void **state)
{
	(void)state;
	cw_csv_opts o = { .max_fields = 4 };
	const char *in = "a,b,c,d\na,b,c,d,e\n\"a\",b,c,d,\"e\"\nx\n";
	char *got = dump_opts(in, strlen(in), 0, &o);
	assert_string_equal(got, "1:[a|b|c|d]\n2:!more than 4 fields{a,b,c,d,e}\n3:!more than 4 fields{\"a\",b,c,d,\"e\"}\n"
	                         "4:[x]\n");
	free(got);
	/* 10 000 columns with the default cap of 4096 */
	size_t n = 10000;
	char *wide = malloc(n * 2 + 1);
	for (size_t i = 0; i < n; i++) {
		wide[2 * i] = 'c';
		wide[2 * i + 1] = i + 1 < n ? ',' : '\n';
	}
	wide[2 * n] = 0;
	memsrc m = { wide, 2 * n, 0, 0, 0 };
	cw_csv *c;
	cw_csv_record r;
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "wide", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_string_equal(r.error, "more than 4096 fields");
	cw_csv_close(c);
	free(wide);
}

/* A generated input that is never stored: a head, then `fill` bytes of one
 * byte value (a line far longer than anything held), then a tail. */
typedef struct gensrc {
	const char *head, *tail;
	uint64_t fill, pos; /* pos counts every byte handed out */
	char byte;
} gensrc;

static long gen_read(void *ctx, char *buf, size_t n)
{
	gensrc *g = ctx;
	uint64_t hl = strlen(g->head), tl = strlen(g->tail), total = hl + g->fill + tl;
	size_t k = 0;
	while (k < n && g->pos < total) {
		uint64_t p = g->pos;
		size_t take;
		if (p < hl) {
			take = (size_t)(hl - p) < n - k ? (size_t)(hl - p) : n - k;
			memcpy(buf + k, g->head + p, take);
		} else if (p < hl + g->fill) {
			uint64_t left = hl + g->fill - p;
			take = left < (uint64_t)(n - k) ? (size_t)left : n - k;
			memset(buf + k, g->byte, take);
		} else {
			p -= hl + g->fill;
			take = (size_t)(tl - p) < n - k ? (size_t)(tl - p) : n - k;
			memcpy(buf + k, g->tail + p, take);
		}
		k += take;
		g->pos += take;
	}
	return (long)k;
}

/* A line of 4 GiB and more (past INT32_MAX and UINT32_MAX), streamed: one
 * reject holding only its first 4 KiB, then the reader goes on; the same for
 * a quoted field that opens and never closes. */
static void test_huge_streamed_line(void **state)
{
	(void)state;
	const uint64_t fill = (4ull << 30) + 12345;
	gensrc g = { "line_id,amount\nL1,", ",9\nL2,3\n", fill, 0, 'A' };
	cw_csv *c;
	cw_csv_record r;
	assert_int_equal(cw_csv_open_reader(&c, gen_read, &g, "huge", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.nfields, 2);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.error, "record longer than 1048576 bytes");
	assert_true(r.raw_len >= 4096 && r.raw_len <= 4096 + 64);
	assert_memory_equal(r.raw, "L1,AAAA", 7);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_null(r.error);
	assert_int_equal(r.line, 3);
	assert_memory_equal(r.field[0].ptr, "L2", 2);
	assert_int_equal(cw_csv_next(c, &r), 0);
	assert_true(cw_csv_bytes(c) == strlen(g.head) + fill + strlen(g.tail));
	cw_csv_close(c);

	/* a quoted field of 2 GiB and more that closes: one record */
	gensrc q = { "a,b\n1,\"", "\"\n3,4\n", (2ull << 30) + 7, 0, 'q' };
	assert_int_equal(cw_csv_open_reader(&c, gen_read, &q, "quoted", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.error, "record longer than 1048576 bytes");
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_null(r.error);
	assert_int_equal(r.line, 3);
	assert_int_equal(cw_csv_next(c, &r), 0);
	cw_csv_close(c);
	/* one that never closes, streamed: the stream cannot be read again */
	q = (gensrc){ "a,b\n1,\"", "\n3,4\n", (2ull << 30) + 7, 0, 'q' };
	assert_int_equal(cw_csv_open_reader(&c, gen_read, &q, "quoted", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(cw_csv_next(c, &r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "quoted: line 2: a quoted field opened on line 2 does not end"));
	cw_csv_close(c);

	/* 10 million columns in a header: refused as one record, never held */
	gensrc w = { "", "\nx\n", 0, 0, ',' };
	w.fill = 10000000;
	assert_int_equal(cw_csv_open_reader(&c, gen_read, &w, "wide", NULL), 0);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 1);
	assert_string_equal(r.error, "record longer than 1048576 bytes");
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_int_equal(r.nfields, 1);
	cw_csv_close(c);
}

static void test_read_error(void **state)
{
	(void)state;
	memsrc m = { "a,b\n1,2\n3,4\n", 12, 0, 4, 8 };
	cw_csv *c;
	cw_csv_record r;
	assert_int_equal(cw_csv_open_reader(&c, mem_read, &m, "flaky", NULL), 0);
	int rc;
	while ((rc = cw_csv_next(c, &r)) == 1)
		;
	assert_int_equal(rc, CW_EIO);
	assert_non_null(strstr(cw_error_last(), "flaky: read failed"));
	cw_csv_close(c);
}

static void test_files(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_csv *c;
	assert_int_equal(cw_csv_open(&c, tu_path(dir, "nope.csv"), NULL), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "nope.csv"));
	assert_int_equal(cw_csv_open(&c, dir, NULL), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "directory"));
	tu_write(dir, "t.csv", "\xEF\xBB\xBF" "a,b\r\n\"x,\"\"y\"\"\",2\r\n");
	assert_int_equal(cw_csv_open(&c, tu_path(dir, "t.csv"), NULL), 0);
	cw_csv_record r;
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.field[0].len, 1);
	assert_int_equal(cw_csv_next(c, &r), 1);
	assert_int_equal(r.line, 2);
	assert_int_equal(r.field[0].len, 5);
	assert_memory_equal(r.field[0].ptr, "x,\"y\"", 5);
	assert_int_equal(r.raw_len, strlen("\"x,\"\"y\"\"\",2"));
	assert_int_equal(cw_csv_next(c, &r), 0);
	cw_csv_close(c);
	tu_rmtree(dir);
	free(dir);
}

static void test_printable(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(cw_printable(buf, sizeof buf, "abc", 3), "abc");
	assert_string_equal(cw_printable(buf, sizeof buf, "中文", 6), "中文");
	assert_string_equal(cw_printable(buf, sizeof buf, "a\xff\n\0", 4), "a\\xff\\x0a\\x00");
	assert_string_equal(cw_printable(buf, 12, "0123456789abcdef", 16), "01234567...");
	assert_string_equal(cw_printable(buf, 12, "一二三四", 12), "一二...");
	/* found by fuzz_parse: the C1 controls (here NEL and CSI) are escaped too, U+00A0 is not */
	assert_string_equal(cw_printable(buf, sizeof buf, "a\xc2\x85\xc2\x9b\xc2\xa0", 7), "a\\xc2\\x85\\xc2\\x9b\xc2\xa0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),     cmocka_unit_test(test_bom),        cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_malformed),  cmocka_unit_test(test_nul_file),   cmocka_unit_test(test_giant),
		cmocka_unit_test(test_giant_quoted), cmocka_unit_test(test_giant_quoted_field_ends),
		cmocka_unit_test(test_nul_in_quotes), cmocka_unit_test(test_fields_cap), cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_files),      cmocka_unit_test(test_printable), cmocka_unit_test(test_huge_streamed_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
