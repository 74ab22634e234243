/* fuzz_csv.c: libFuzzer harness for the streaming CSV reader (src/io/csv.c).
 *
 * Three checks per input:
 *  1. Against a plain reference parser written here from the contract's rules
 *     (RFC 4180, BOM, CRLF, blank lines skipped, NUL and broken quoting are
 *     malformed): every record up to the first malformed one must match field
 *     for field, with the same line number.
 *  2. The same input read with a tiny block size and short reads (chosen by the
 *     input's last byte) must give exactly the records of the default reader,
 *     malformed ones included: where the block boundaries fall must not matter.
 *  3. With small limits (max_record, max_fields) the reader must still finish
 *     (or fail on a broken quote past max_record, which a stream cannot read
 *     again), keep its invariants, and touch only valid memory (ASan checks that).
 *  4. Every field scan the CPU runs (src/io/csv_scan.c: scalar, SSE2, AVX2) and
 *     the general parser alone (CW_SCAN_SLOW, the slow path) must give exactly
 *     the records of check 1, with the default and with the small block. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/csv_scan.h"

#define CHECK(c)                                                                            \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "fuzz_csv: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                            \
		}                                                                           \
	} while (0)

#define MAX_INPUT 65536 /* the longest input tried (run.sh passes -max_len=65536) */

typedef struct memsrc {
	const uint8_t *data;
	size_t len, pos, chunk;
} memsrc;

static long mem_read(void *ctx, char *buf, size_t n)
{
	memsrc *m = ctx;
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	if (m->chunk && k > m->chunk)
		k = m->chunk;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (long)k;
}

/* --- a growing text of every record, to compare two readings ---------------- */

typedef struct text {
	char *s;
	size_t len, cap;
	size_t records, errors; /* of a reading */
} text;

static void put(text *t, const void *p, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap < t->len + n + 1)
			cap *= 2;
		t->s = realloc(t->s, cap);
		CHECK(t->s);
		t->cap = cap;
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = 0;
}

static void put_num(text *t, const char *fmt, unsigned long long v)
{
	char b[32];
	int n = snprintf(b, sizeof b, fmt, v);
	put(t, b, (size_t)n);
}

/* Reads everything and returns its text; checks the per-record invariants. */
static text read_all(const uint8_t *data, size_t len, size_t chunk, const cw_csv_opts *o)
{
	memsrc m = { data, len, 0, chunk };
	cw_csv *c;
	CHECK(cw_csv_open_reader(&c, mem_read, &m, "fuzz", o) == 0);
	size_t max_fields = o && o->max_fields ? o->max_fields : CW_CSV_MAX_FIELDS;
	text t = { 0 };
	put(&t, "", 0);
	cw_csv_record r;
	uint64_t last_line = 0;
	unsigned long long records = 0;
	int rc;
	while ((rc = cw_csv_next(c, &r)) == 1) {
		CHECK(r.line > last_line);
		CHECK(++records <= len);
		last_line = r.line;
		t.records++;
		t.errors += r.error != NULL;
		put_num(&t, "%llu:", (unsigned long long)r.line);
		if (r.error) {
			CHECK(r.nfields == 0);
			put(&t, "!", 1);
			put(&t, r.error, strlen(r.error));
		} else {
			CHECK(r.nfields >= 1 && r.nfields <= max_fields);
			for (size_t i = 0; i < r.nfields; i++) {
				put_num(&t, "[%llu]", (unsigned long long)r.field[i].len);
				put(&t, r.field[i].ptr, r.field[i].len);
			}
		}
		put_num(&t, "{%llu}", (unsigned long long)r.raw_len);
		put(&t, r.raw, r.raw_len);
		put(&t, r.no_newline ? "$\n" : "\n", r.no_newline ? 2 : 1);
	}
	/* a stream whose over-long record opens a quote that never closes cannot be read on */
	CHECK(rc == 0 || (rc == CW_EINVALID && strstr(cw_error_last(), "does not end before the end of the input")));
	CHECK(rc < 0 || cw_csv_bytes(c) == len);
	cw_csv_close(c);
	return t;
}

/* --- the reference parser ----------------------------------------------------
 * Fills `out` with the text read_all() gives for the records before the first
 * malformed one (without their raw text) and returns 1 when it stopped at a
 * malformed record. */

static size_t ref_record(const uint8_t *p, const uint8_t *e, text *fields, size_t *nf, int *bad)
{
	const uint8_t *q = p;
	*nf = 0;
	*bad = 0;
	fields->len = 0;
	for (;;) {
		text f = { 0 };
		put(&f, "", 0);
		if (q < e && *q == '"') {
			q++;
			for (;;) {
				if (q == e) {
					*bad = 1;
					free(f.s);
					return 0;
				}
				if (*q == 0) {
					*bad = 1;
					free(f.s);
					return 0;
				}
				if (*q == '"') {
					if (q + 1 < e && q[1] == '"') {
						put(&f, "\"", 1);
						q += 2;
						continue;
					}
					q++;
					break;
				}
				put(&f, q, 1);
				q++;
			}
			put_num(fields, "[%llu]", (unsigned long long)f.len);
			put(fields, f.s, f.len);
			free(f.s);
			(*nf)++;
			if (q == e || (*q == '\r' && q + 1 == e))
				return (size_t)(e - p);
			if (*q == ',') {
				q++;
				continue;
			}
			if (*q == '\n')
				return (size_t)(q + 1 - p);
			if (*q == '\r' && q[1] == '\n')
				return (size_t)(q + 2 - p);
			*bad = 1;
			return 0;
		}
		const uint8_t *s = q;
		while (q < e && *q != ',' && *q != '\n' && *q != '"' && *q != 0)
			q++;
		if (q < e && (*q == '"' || *q == 0)) {
			*bad = 1;
			free(f.s);
			return 0;
		}
		const uint8_t *fe = q;
		if ((q == e || *q == '\n') && fe > s && fe[-1] == '\r')
			fe--;
		put_num(fields, "[%llu]", (unsigned long long)(fe - s));
		put(fields, s, (size_t)(fe - s));
		free(f.s);
		(*nf)++;
		if (q == e)
			return (size_t)(e - p);
		if (*q == '\n')
			return (size_t)(q + 1 - p);
		q++; /* a comma */
	}
}

static int reference(const uint8_t *data, size_t len, text *out, size_t *records)
{
	*records = 0;
	const uint8_t *p = data, *e = data + len;
	unsigned long long line = 1;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	put(out, "", 0);
	text fields = { 0 };
	put(&fields, "", 0);
	int stopped = 0;
	while (p < e) {
		/* a blank line */
		const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));
		const uint8_t *le = nl ? nl : e;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			p = nl ? nl + 1 : e;
			line += nl != NULL;
			continue;
		}
		size_t nf;
		int bad;
		size_t used = ref_record(p, e, &fields, &nf, &bad);
		if (bad || nf > CW_CSV_MAX_FIELDS) {
			stopped = 1;
			break;
		}
		put_num(out, "%llu:", line);
		put(out, fields.s, fields.len);
		for (size_t i = 0; i < used; i++)
			line += p[i] == '\n';
		p += used;
		put(out, p[-1] == '\n' ? "\n" : "$\n", p[-1] == '\n' ? 1 : 2);
		(*records)++;
	}
	free(fields.s);
	return stopped;
}

/* read_all()'s text without the raw text of each record, up to `records`
 * records. */
static text strip_raw(const text *t, size_t records, size_t *kept)
{
	text o = { 0 };
	put(&o, "", 0);
	const char *p = t->s, *e = t->s + t->len;
	*kept = 0;
	while (p < e && *kept < records) {
		/* LINE: then either ! or fields, then {N} raw, then $? \n */
		const char *colon = memchr(p, ':', (size_t)(e - p));
		CHECK(colon);
		const char *q = colon + 1;
		if (*q == '!') {
			break;
		}
		while (*q == '[') {
			unsigned long long n = strtoull(q + 1, (char **)&q, 10);
			CHECK(*q == ']');
			q += 1 + n;
		}
		put(&o, p, (size_t)(q - p));
		CHECK(*q == '{');
		unsigned long long n = strtoull(q + 1, (char **)&q, 10);
		q += 1 + n;
		if (*q == '$') {
			put(&o, "$", 1);
			q++;
		}
		CHECK(*q == '\n');
		put(&o, "\n", 1);
		p = q + 1;
		(*kept)++;
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > MAX_INPUT)
		return 0;
	/* 1. the reader against the reference (limits above the input's size, as
	 * the defaults are for any real record; smaller buffers keep it fast) */
	cw_csv_opts roomy = { .block = MAX_INPUT, .max_record = MAX_INPUT + 16 };
	text got = read_all(data, len, 0, &roomy);
	text want = { 0 };
	size_t want_records;
	int stopped = reference(data, len, &want, &want_records);
	size_t kept;
	text cut = strip_raw(&got, want_records, &kept);
	if (cut.len != want.len || memcmp(cut.s, want.s, cut.len) != 0) {
		fprintf(stderr, "reader:\n%s\nreference:\n%s\nreader in full:\n%s\n", cut.s, want.s, got.s);
		CHECK(!"the reader and the reference parser disagree");
	}
	CHECK(kept == want_records);
	/* where the reference saw no malformed record, neither did the reader */
	if (!stopped)
		CHECK(got.records == want_records && got.errors == 0);
	else
		CHECK(got.errors > 0);
	free(cut.s);
	free(want.s);

	/* 2. block boundaries do not matter */
	size_t block = len ? 1 + data[len - 1] % 17 : 1;
	size_t chunk = len > 1 ? data[len - 2] % 5 : 0;
	cw_csv_opts small = { .block = block, .max_record = MAX_INPUT + 16 };
	text other = read_all(data, len, chunk, &small);
	if (other.len != got.len || memcmp(other.s, got.s, got.len) != 0) {
		fprintf(stderr, "block %zu chunk %zu:\n%s\ndefault:\n%s\n", block, chunk, other.s, got.s);
		CHECK(!"the block size changed what was read");
	}
	free(other.s);

	/* 4. the fast paths against the slow one, with both block sizes */
	int kind = cw_csv_scan_kind();
	for (int k = 0; k < CW_SCAN_KINDS; k++) {
		if (k == kind || !cw_csv_scan_supported(k))
			continue;
		CHECK(cw_csv_scan_use(k) == 0);
		for (int pass = 0; pass < 2; pass++) {
			other = pass ? read_all(data, len, chunk, &small) : read_all(data, len, 0, &roomy);
			if (other.len != got.len || memcmp(other.s, got.s, got.len) != 0) {
				fprintf(stderr, "scan %s (pass %d):\n%s\nscan %s:\n%s\n", cw_csv_scan_name(k), pass, other.s,
				        cw_csv_scan_name(kind), got.s);
				CHECK(!"the field scans disagree");
			}
			free(other.s);
		}
	}
	CHECK(cw_csv_scan_use(kind) == 0);
	free(got.s);

	/* 3. small limits */
	cw_csv_opts tight = { .block = block, .max_record = 8 + (len ? data[0] % 64 : 0), .max_fields = 1 + block % 5 };
	text t = read_all(data, len, chunk, &tight);
	free(t.s);
	return 0;
}
