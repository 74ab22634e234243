/* test_store.c: the columnar store's catalogue parser and column reader (src/store/) with good and
 * malformed input: every malformed catalogue or partition is refused with a message, never misread. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "store/colstore.h"

/* body + its end line, in buf. */
static const char *seal(char *buf, size_t size, const char *body)
{
	snprintf(buf, size, "%send %016" PRIx64 "\n", body, cw_cs_checksum(body, strlen(body)));
	return buf;
}

static int parse(cw_cs_catalog *c, const char *text)
{
	return cw_cs_catalog_parse(c, "S/CATALOG", text, strlen(text));
}

#define HEAD "claimwatch-store 2\nload 1 2026-01,2026-02\nsource 1 claim_lines claim_lines.csv 2\n"
/* 3 claim lines take 8*3 + 4*3 + 3 + 4*3 (each 8-aligned: 24 + 16 + 8 + 16) + strings and numbers */

static char good[4096];

static void build_good(void)
{
	cw_cs_layout lay;
	assert_int_equal(cw_cs_layout_of(&lay, CW_T_CLAIMS, 3), 0);
	char body[2048];
	snprintf(body, sizeof body, HEAD "part claim_lines 2026-01 1 3 3 0 c.col %" PRIu64 " 00000000000000aa c.heap 9 "
	         "00000000000000bb c.text 5 00000000000000cc\npart items dim 1 0 0 0 i.col 0 0000000000000000 i.heap 1 "
	         "0000000000000001 i.text 0 0000000000000002\nimage 2026-01 45 00000000000000ab image.2026-01.ab.45.img "
	         "8192 00000000000000cd\n",
	         lay.size);
	seal(good, sizeof good, body);
}

static void test_catalog_good(void **state)
{
	(void)state;
	build_good();
	cw_cs_catalog c;
	assert_int_equal(parse(&c, good), 0);
	assert_int_equal(c.version, 2);
	assert_int_equal(c.nimages, 1);
	assert_int_equal(c.images[0].lookback, 45);
	assert_int_equal(c.images[0].inputs, 0xab);
	assert_int_equal(c.nloads, 1);
	assert_int_equal(c.loads[0].nmonths, 2);
	assert_int_equal(c.loads[0].months[1], 2026 * 12 + 1);
	assert_string_equal(c.loads[0].file[CW_T_CLAIMS], "claim_lines.csv");
	assert_int_equal(c.loads[0].unknown[CW_T_CLAIMS], 2);
	assert_int_equal(c.nparts, 2);
	assert_int_equal(c.parts[0].table, CW_T_CLAIMS);
	assert_int_equal(c.parts[0].rows, 3);
	assert_int_equal(c.parts[0].col.sum, 0xaa);
	assert_int_equal(c.parts[1].key, CW_CS_DIM);
	/* formatted again, it reads the same */
	char *text;
	size_t len;
	assert_int_equal(cw_cs_catalog_format(&text, &len, &c), 0);
	assert_int_equal(len, strlen(good));
	assert_memory_equal(text, good, len);
	free(text);
	cw_cs_catalog_free(&c);
}

/* The body with `from` replaced by `to`, sealed again, is refused with a message holding `want`. */
static void refused(const char *from, const char *to, const char *want)
{
	char body[4096], text[4200];
	const char *end = strstr(good, "end ");
	snprintf(body, sizeof body, "%.*s", (int)(end - good), good);
	char *at = strstr(body, from);
	assert_non_null(at);
	char rest[4096];
	snprintf(rest, sizeof rest, "%s", at + strlen(from));
	snprintf(at, sizeof body - (size_t)(at - body), "%s%s", to, rest);
	cw_cs_catalog c;
	int rc = parse(&c, seal(text, sizeof text, body));
	if (rc != CW_EINVALID || !strstr(cw_error_last(), want))
		fail_msg("'%s' -> '%s': rc %d, '%s' (wanted '%s')", from, to, rc, cw_error_last(), want);
	assert_int_equal(c.nparts, 0); /* freed */
}

/* The checksum given in pieces of any size equals the checksum of the whole. */
static void test_checksum_pieces(void **state)
{
	(void)state;
	unsigned char data[1000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof data; len += 37)
		for (size_t piece = 1; piece <= 70; piece += 3) {
			cw_cs_sum s;
			cw_cs_sum_init(&s);
			for (size_t at = 0; at < len; at += piece)
				cw_cs_sum_add(&s, data + at, len - at < piece ? len - at : piece);
			assert_int_equal(cw_cs_sum_end(&s), cw_cs_checksum(data, len));
		}
}

static void test_catalog_malformed(void **state)
{
	(void)state;
	build_good();
	refused("claimwatch-store 2", "claimwatch-store 3", "a store of format version 3");
	refused("claimwatch-store 2", "claimwatch-store 0", "a store of format version 0");
	refused("claimwatch-store 2", "claimwatch-stor 2", "not a claimwatch store catalogue");
	refused("claimwatch-store 2", "claimwatch-store 99999999", "not a claimwatch store catalogue");
	refused("claimwatch-store 2", "claimwatch-store 1", "expected: image"); /* no images in version 1 */
	refused("image 2026-01 45", "image dim 45", "expected: image");
	refused("image 2026-01 45", "image 2026-01 4000", "expected: image");
	refused("image 2026-01 45 00000000000000ab", "image 2026-01 45 ab", "expected: image");
	refused("image.2026-01.ab.45.img", "../x.img", "expected: image");
	refused("load 1 2026-01,2026-02", "load 1 2026-13", "months");
	refused("load 1 2026-01,2026-02", "load 1 2026-01;2026-02", "months");
	refused("load 1 2026-01,2026-02", "load x -", "load ID MONTHS");
	refused("source 1 claim_lines", "source 2 claim_lines", "of a load given before");
	refused("source 1 claim_lines", "source 1 claim_line", "source LOAD TABLE");
	refused("claim_lines.csv 2", "../x.csv 2", "source LOAD TABLE");
	refused("part claim_lines 2026-01 1 3 3 0", "part claim_lines 2026-01 1 3 4 0", "part TABLE");
	refused("part claim_lines 2026-01 1 3 3 0", "part claim_lines 2026-01 1 4 3 0", "the column file's size");
	refused("part claim_lines 2026-01", "part claim_lines dim", "a dated table in the partition dim");
	refused("part items dim", "part items 2026-01", "a table without dates in a month's");
	refused("part items dim 1", "part items dim 7", "part TABLE");
	refused("c.col", "c/col", "part TABLE");
	refused("c.col", ".col", "part TABLE");
	refused("00000000000000aa", "0000000000000aa", "part TABLE");
	refused("00000000000000aa", "00000000000000ag", "part TABLE");
	refused(" 9 ", " -9 ", "part TABLE");
	refused(" 9 ", "  9 ", "one space");
	refused("load 1", "lode 1", "unknown line");
	refused("c.heap 9", "c.heap 9 extra", "part TABLE");
	refused("c.text 5", "c/text 5", "part TABLE");

	cw_cs_catalog c;
	char text[4200];
	/* damaged text, a truncated end, text after the end, no line break, empty, a NUL */
	snprintf(text, sizeof text, "%s", good);
	text[40] ^= 1;
	assert_int_equal(parse(&c, text), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "does not match its checksum"));
	snprintf(text, sizeof text, "%s", good);
	text[strlen(text) - 1] = 0;
	assert_int_equal(parse(&c, text), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "truncated"));
	snprintf(text, sizeof text, "%.*s", (int)(strstr(good, "end ") - good), good);
	assert_int_equal(parse(&c, text), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "no end line"));
	snprintf(text, sizeof text, "%sload 2 -\n", good);
	assert_int_equal(parse(&c, text), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "after the end"));
	assert_int_equal(parse(&c, ""), CW_EINVALID);
	assert_int_equal(cw_cs_catalog_parse(&c, "S/CATALOG", "claimwatch-store 1\n\0x\n", 22), CW_EINVALID);
	assert_int_equal(parse(&c, "end 0000000000000000\n"), CW_EINVALID);
}

/* --- the column reader ------------------------------------------------------------------------------ */

static void test_layout(void **state)
{
	(void)state;
	cw_cs_layout lay;
	assert_int_equal(cw_cs_layout_of(&lay, CW_T_RESULTS, 3), 0);
	/* seq 24, blob 12 -> 16, status 3 -> 8, home 12 -> 16, line_id 16, result 16 */
	assert_int_equal(lay.ncols, 6);
	assert_int_equal(lay.size, 24 + 16 + 8 + 16 + 16 + 16);
	for (int i = 0; i < lay.ncols; i++)
		assert_int_equal(lay.off[i] % 8, 0);
	assert_int_equal(cw_cs_layout_of(&lay, CW_T_COUNT, 1), CW_EINVALID);
	assert_int_equal(cw_cs_layout_of(&lay, CW_T_CLAIMS, ((uint64_t)1 << 32) + 1), CW_EINVALID);
	assert_int_not_equal(cw_cs_checksum("a", 1), cw_cs_checksum("b", 1));
	assert_int_not_equal(cw_cs_checksum("", 0), cw_cs_checksum("\0", 1));
}

/* A partition of one exam result in memory: line_id at heap offset 1, result 2. */
typedef struct mem { unsigned char col[256]; char heap[64], text[64]; cw_cs_part part; cw_cs_map m; } mem;

static void mem_init(mem *x)
{
	memset(x, 0, sizeof *x);
	x->part.table = CW_T_RESULTS;
	x->part.rows = 1;
	x->m.part = &x->part;
	assert_int_equal(cw_cs_layout_of(&x->m.lay, CW_T_RESULTS, 1), 0);
	memcpy(x->heap, "\0L1\0", 4);
	uint32_t at = 1, blob = 4; /* the text starts with 4 bytes of another record */
	int32_t res = 2;
	uint64_t seq = (uint64_t)1 << 40 | 7;
	memcpy(x->col + x->m.lay.off[0], &seq, 8);
	memcpy(x->col + x->m.lay.off[1], &blob, 4);
	x->col[x->m.lay.off[2]] = CW_CS_TYPED;
	memcpy(x->col + x->m.lay.off[4], &at, 4);
	memcpy(x->col + x->m.lay.off[5], &res, 4);
	/* the blob: 2 columns "L1" and "positive" */
	uint32_t n = 2, l1 = 2, l2 = 8;
	memcpy(x->text + 4, &n, 4);
	memcpy(x->text + 8, &l1, 4);
	memcpy(x->text + 12, "L1", 2);
	memcpy(x->text + 14, &l2, 4);
	memcpy(x->text + 18, "positive", 8);
	x->text[26] = 0;
	x->m.col = x->col;
	x->m.heap = x->heap;
	x->m.col_size = x->m.lay.size;
	x->m.heap_size = 4;
	x->m.text = x->text;
	x->m.text_size = 27;
	x->m.text_checked = 1;
}

static void test_reader(void **state)
{
	(void)state;
	mem x;
	mem_init(&x);
	assert_int_equal(cw_cs_map_check(&x.m, "r.col"), 0);
	cw_row_any row;
	assert_int_equal(cw_cs_map_row(&row, &x.m, 0), 0);
	assert_string_equal(row.result.line_id, "L1");
	assert_int_equal(row.result.result, 2);
	assert_int_equal(cw_cs_map_seq(&x.m, 0) & 0xff, 7);
	cw_cs_blob b;
	assert_int_equal(cw_cs_blob_decode(&b, x.text, x.m.text_size, cw_cs_map_blob(&x.m, 0)), 0);
	assert_int_equal(b.split, 1);
	assert_int_equal(b.ncols, 2);
	assert_int_equal(b.f[1].len, 8);
	assert_memory_equal(b.f[1].ptr, "positive", 8);

	/* the text is checked against its checksum when first needed */
	x.m.text_checked = 0;
	x.part.text.sum = cw_cs_checksum(x.text, 27) ^ 1;
	assert_int_equal(cw_cs_map_text(&x.m), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "does not match its checksum"));
	x.part.text.sum ^= 1;
	assert_int_equal(cw_cs_map_text(&x.m), 0);

	/* a column file of another size, a heap without its final NUL, an empty heap */
	x.m.col_size -= 8;
	assert_int_equal(cw_cs_map_check(&x.m, "r.col"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "r.col: a column file of"));
	mem_init(&x);
	x.heap[3] = 'x';
	assert_int_equal(cw_cs_map_check(&x.m, "r.col"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "does not end with a NUL"));
	x.m.heap_size = 0;
	assert_int_equal(cw_cs_map_check(&x.m, "r.col"), CW_EINVALID);

	/* a string past the heap */
	mem_init(&x);
	uint32_t far = 27;
	memcpy(x.col + x.m.lay.off[4], &far, 4);
	assert_int_equal(cw_cs_map_row(&row, &x.m, 0), CW_EINVALID);
	far = UINT32_MAX; /* none */
	memcpy(x.col + x.m.lay.off[4], &far, 4);
	assert_int_equal(cw_cs_map_row(&row, &x.m, 0), 0);
	assert_null(row.result.line_id);

	/* blobs that do not fit: past the end, lengths past the end, no columns, too many */
	mem_init(&x);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 25), CW_EINVALID);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 1000), CW_EINVALID);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 20, 4), CW_EINVALID); /* "positive" cut */
	uint32_t v = 0;
	memcpy(x.text + 4, &v, 4);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 4), CW_EINVALID);
	v = CW_ROW_MAX_COLS + 1;
	memcpy(x.text + 4, &v, 4);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 4), CW_EINVALID);
	v = UINT32_MAX; /* unsplit: raw len 2 "L1", then a reason length past the end */
	memcpy(x.text + 4, &v, 4);
	memcpy(x.text + 14, (uint32_t[]){ 100 }, 4);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 4), CW_EINVALID);
	v = 2;
	memcpy(x.text + 8, &v, 4);
	memcpy(x.text + 14, (uint32_t[]){ 3 }, 4);
	assert_int_equal(cw_cs_blob_decode(&b, x.text, 27, 4), 0);
	assert_int_equal(b.split, 0);
	assert_int_equal(b.raw_len, 2);
	assert_int_equal(b.why_len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_good),
		cmocka_unit_test(test_checksum_pieces),
		cmocka_unit_test(test_catalog_malformed),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
