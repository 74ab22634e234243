/* format.c: the columnar store's encodings (colstore.h, docs/store.md): each table's column layout,
 * the checksum, and a record's text kept in the heap. */
#include <stddef.h>
#include <string.h>
#include "claimwatch/error.h"
#include "store/colstore.h"

#define S(m) { CW_CS_STR, offsetof(cw_row_any, m) }
#define I(m) { CW_CS_I32, offsetof(cw_row_any, m) }
#define L(m) { CW_CS_I64, offsetof(cw_row_any, m) }

typedef struct field { int kind; size_t off; } field;

static const field inst_f[] = { S(inst.inst_id), S(inst.name), I(inst.level), S(inst.region) };
static const field dept_f[] = { S(dept.dept_id), S(dept.inst_id), S(dept.name), S(dept.specialty) };
static const field phys_f[] = { S(phys.physician_id), S(phys.name), S(phys.inst_id), S(phys.dept_id),
	                        S(phys.title) };
static const field pat_f[] = { S(pat.patient_id), I(pat.sex), I(pat.birth), I(pat.death) };
static const field item_f[] = { S(item.item_code), S(item.name), S(item.unit), I(item.category),
	                        L(item.std_price), I(item.large_equipment), I(item.antibiotic),
	                        I(item.retest_hours), L(item.max_daily_qty), I(item.sex_only), I(item.age_min),
	                        I(item.age_max), I(item.min_level), I(item.setting), I(item.catalogue_class),
	                        I(item.essential) };
static const field bundle_f[] = { S(bundle.bundle_code), S(bundle.component_code) };
static const field visit_f[] = { S(visit.visit_id), S(visit.patient_id), S(visit.inst_id), S(visit.dept_id),
	                         S(visit.physician_id), I(visit.kind), I(visit.admit), I(visit.discharge),
	                         S(visit.dx_code), S(visit.dx_name) };
static const field claim_f[] = { S(claim.line_id), S(claim.visit_id), S(claim.item_code), S(claim.physician_id),
	                         I(claim.time), L(claim.qty), L(claim.unit_price), L(claim.amount), L(claim.fund),
	                         L(claim.self_pay) };
static const field rx_f[] = { S(rx.rx_id), I(rx.line_no), S(rx.visit_id), S(rx.physician_id), I(rx.time),
	                      S(rx.drug_code), L(rx.qty), I(rx.days_supply), L(rx.amount) };
static const field result_f[] = { S(result.line_id), I(result.result) };

#define T(a) { a, (int)(sizeof a / sizeof a[0]) }
static const struct { const field *f; int n; } tables[CW_T_COUNT] = {
	T(inst_f), T(dept_f), T(phys_f), T(pat_f), T(item_f), T(bundle_f), T(visit_f), T(claim_f), T(rx_f),
	T(result_f),
};

static uint64_t width(int kind)
{
	switch (kind) {
	case CW_CS_I64: case CW_CS_U64: return 8;
	case CW_CS_U8: return 1;
	default: return 4;
	}
}

int cw_cs_layout_of(cw_cs_layout *out, int table, uint64_t rows)
{
	memset(out, 0, sizeof *out);
	if (table < 0 || table >= CW_T_COUNT)
		return cw_error_set(CW_EINVALID, "no table %d in the store", table);
	if (rows > ((uint64_t)1 << 32))
		return cw_error_set(CW_EINVALID, "%llu rows in one partition: more than the store takes",
		                    (unsigned long long)rows);
	int kinds[CW_CS_ROWCOLS] = { CW_CS_U64, CW_CS_STR, CW_CS_U8, CW_CS_I32 }; /* seq, blob, status, home */
	for (int i = 0; i < CW_CS_ROWCOLS; i++)
		out->kind[out->ncols++] = kinds[i];
	for (int i = 0; i < tables[table].n; i++) {
		out->kind[out->ncols] = tables[table].f[i].kind;
		out->field[out->ncols++] = tables[table].f[i].off;
	}
	uint64_t at = 0;
	for (int i = 0; i < out->ncols; i++) {
		out->off[i] = at;
		at += (width(out->kind[i]) * rows + 7) & ~(uint64_t)7;
	}
	out->size = at;
	return 0;
}

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* Four independent lanes of 8-byte words, folded at the end: a few GB/s, so that checking a month's
 * files costs little beside reading them. */
static const uint64_t lane_seed[4] = { 0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                                       0x082EFA98EC4E6C89ull };

static void lanes(uint64_t h[4], const unsigned char *p, size_t blocks)
{
	for (size_t i = 0; i < blocks; i++, p += 32)
		for (int k = 0; k < 4; k++) {
			uint64_t w;
			memcpy(&w, p + 8 * k, 8);
			h[k] = mix(h[k], w);
		}
}

/* The fold of the lanes with the tail (under 32 bytes) and the length. */
static uint64_t fold(const uint64_t h[4], const unsigned char *p, size_t rest, uint64_t len)
{
	uint64_t tail = 0, r = h[0] ^ len;
	size_t i = 0;
	for (int k = 1; k < 4; k++)
		r = mix(r, h[k]);
	for (; i + 8 <= rest; i += 8) {
		memcpy(&tail, p + i, 8);
		r = mix(r, tail);
	}
	tail = 0;
	memcpy(&tail, p + i, rest - i);
	return mix(mix(r, tail), len);
}

uint64_t cw_cs_checksum(const void *data, size_t len)
{
	uint64_t h[4];
	memcpy(h, lane_seed, sizeof h);
	lanes(h, data, len / 32);
	return fold(h, (const unsigned char *)data + len / 32 * 32, len % 32, len);
}

void cw_cs_sum_init(cw_cs_sum *s)
{
	memset(s, 0, sizeof *s);
	memcpy(s->h, lane_seed, sizeof s->h);
}

void cw_cs_sum_add(cw_cs_sum *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->len += len;
	if (s->nbuf) {
		size_t k = len < 32 - s->nbuf ? len : 32 - s->nbuf;
		memcpy(s->buf + s->nbuf, p, k);
		s->nbuf += k, p += k, len -= k;
		if (s->nbuf < 32)
			return;
		lanes(s->h, s->buf, 1);
		s->nbuf = 0;
	}
	lanes(s->h, p, len / 32);
	memcpy(s->buf, p + len / 32 * 32, len % 32);
	s->nbuf = len % 32;
}

uint64_t cw_cs_sum_end(const cw_cs_sum *s) { return fold(s->h, s->buf, s->nbuf, s->len); }

/* Reads a u32 at *at, advancing; 0 when it does not fit. */
static int get_u32(uint32_t *v, const char *heap, uint64_t size, uint64_t *at)
{
	if (*at > size || size - *at < 4)
		return 0;
	memcpy(v, heap + *at, 4);
	*at += 4;
	return 1;
}

/* n bytes at *at into s, advancing; 0 when they do not fit. */
static int get_bytes(const char **s, uint32_t n, uint64_t size, uint64_t *at, const char *heap)
{
	if (*at > size || size - *at < n)
		return 0;
	*s = heap + *at;
	*at += n;
	return 1;
}

int cw_cs_blob_decode(cw_cs_blob *out, const char *heap, uint64_t size, uint64_t off)
{
	uint64_t at = off;
	uint32_t n, len, wlen;
	memset(out, 0, sizeof *out);
	if (!get_u32(&n, heap, size, &at))
		return cw_error_set(CW_EINVALID, "a record's text at %llu is past the heap's end",
		                    (unsigned long long)off);
	if (n == UINT32_MAX) {
		if (!get_u32(&len, heap, size, &at) || !get_bytes(&out->raw, len, size, &at, heap) ||
		    !get_u32(&wlen, heap, size, &at) || !get_bytes(&out->why, wlen, size, &at, heap))
			return cw_error_set(CW_EINVALID, "a record's text at %llu runs past the heap's end",
			                    (unsigned long long)off);
		out->raw_len = len;
		out->why_len = wlen;
		return 0;
	}
	if (n == 0 || n > CW_ROW_MAX_COLS)
		return cw_error_set(CW_EINVALID, "a record's text at %llu has %u columns", (unsigned long long)off, n);
	out->split = 1;
	out->ncols = (int)n;
	for (uint32_t i = 0; i < n; i++) {
		if (!get_u32(&len, heap, size, &at))
			return cw_error_set(CW_EINVALID, "a record's text at %llu runs past the heap's end",
			                    (unsigned long long)off);
		if (len == UINT32_MAX)
			continue; /* a column the source did not have: ptr NULL */
		if (!get_bytes(&out->f[i].ptr, len, size, &at, heap))
			return cw_error_set(CW_EINVALID, "a record's text at %llu runs past the heap's end",
			                    (unsigned long long)off);
		out->f[i].len = len;
	}
	return 0;
}
