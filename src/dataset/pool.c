/* pool.c: string pool, interning, id maps and a 64-bit key set (see pool.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "claimwatch/error.h"
#include "dataset/pool.h"
#include "util/grow.h"

#define HUGE_PAGE ((size_t)2 << 20)
#define BIG (2 * HUGE_PAGE) /* arrays from this size on get huge pages */

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

void *cw_big_calloc(size_t size)
{
	if (size < BIG)
		return calloc(1, size ? size : 1);
	/* map a huge page more than needed, keep the aligned part */
	size_t len = round_up(size, HUGE_PAGE);
	char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	char *a = (char *)round_up((size_t)p, HUGE_PAGE);
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + len + HUGE_PAGE)
		munmap(a + len, (size_t)(p + len + HUGE_PAGE - (a + len)));
#ifdef MADV_HUGEPAGE
	madvise(a, len, MADV_HUGEPAGE);
#endif
	return a;
}

void cw_big_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size < BIG)
		free(p);
	else
		munmap(p, round_up(size, HUGE_PAGE));
}

void cw_advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	if (!p || size < BIG)
		return;
	size_t a = round_up((size_t)p, HUGE_PAGE), e = ((size_t)p + size) / HUGE_PAGE * HUGE_PAGE;
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

/* The value is part of the finding ids, so it must never change. The tail
 * (the last len % 8 bytes, zero-padded) is read with whole loads that may
 * overlap bytes already mixed in, never copied byte by byte into a word
 * (which stalls the load that follows). */
uint64_t cw_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (len * 0xff51afd7ed558ccdull), v;
	size_t n = len;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	if (n == 0) {
		v = 0;
	} else if (len >= 8) { /* the 8 bytes ending at the end: the tail is their top */
		memcpy(&v, p + n - 8, 8);
		v >>= 8 * (8 - n);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		v = a | (uint64_t)b << 8 * (n - 4);
	} else {
		v = p[0] | (uint64_t)p[n / 2] << 8 * (n / 2) | (uint64_t)p[n - 1] << 8 * (n - 1);
	}
	h = (h ^ v) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

int cw_pool_init(cw_pool *p)
{
	memset(p, 0, sizeof *p);
	return 0;
}

void cw_pool_free(cw_pool *p)
{
	free(p->bytes);
	cw_pool_seal(p);
	memset(p, 0, sizeof *p);
}

void cw_pool_seal(cw_pool *p)
{
	free(p->slots);
	free(p->slot_hash);
	p->slots = p->slot_hash = NULL;
	p->nslots = p->used = 0;
}

static int pool_resize(cw_pool *p, size_t cap)
{
	char *b = realloc(p->bytes, cap);
	if (!b)
		return CW_ENOMEM;
	p->bytes = b;
	p->cap = cap;
	return 0;
}

int cw_pool_reserve(cw_pool *p, size_t extra)
{
	if (extra >= (size_t)UINT32_MAX - 1 - p->len)
		return CW_ENOMEM;
	if (p->len + extra <= p->cap)
		return 0;
	return pool_resize(p, p->len + extra);
}

void cw_pool_trim(cw_pool *p)
{
	if (p->cap > p->len + (1 << 16))
		pool_resize(p, p->len + (1 << 16)); /* a failed shrink keeps the room */
}

cw_str cw_pool_add(cw_pool *p, const char *s, size_t len)
{
	if (p->len + len + 1 >= (size_t)UINT32_MAX - 1)
		return CW_NONE;
	if (p->len + len + 1 > p->cap) {
		size_t cap = cw_grown(p->cap, p->len + len + 1, 1 << 16);
		if (cap > (size_t)UINT32_MAX)
			cap = UINT32_MAX;
		if (pool_resize(p, cap) < 0)
			return CW_NONE;
	}
	cw_str at = (cw_str)p->len;
	memcpy(p->bytes + at, s, len);
	p->bytes[at + len] = 0;
	p->len += len + 1;
	return at;
}

static int pool_grow_slots(cw_pool *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof *slots), *hash = malloc(n * sizeof *hash);
	if (!slots || !hash) {
		free(slots);
		free(hash);
		return CW_ENOMEM;
	}
	for (size_t i = 0; i < p->nslots; i++) {
		if (!p->slots[i])
			continue;
		size_t j = p->slot_hash[i] & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = p->slots[i];
		hash[j] = p->slot_hash[i];
	}
	free(p->slots);
	free(p->slot_hash);
	p->slots = slots;
	p->slot_hash = hash;
	p->nslots = n;
	return 0;
}

cw_str cw_pool_intern(cw_pool *p, const char *s, size_t len)
{
	return cw_pool_intern_h(p, s, len, cw_hash(s, len));
}

void cw_pool_prefetch_intern(const cw_pool *p, uint64_t hash)
{
	if (p->nslots) {
		__builtin_prefetch(&p->slots[(uint32_t)hash & (p->nslots - 1)]);
		__builtin_prefetch(&p->slot_hash[(uint32_t)hash & (p->nslots - 1)]);
	}
}

cw_str cw_pool_intern_h(cw_pool *p, const char *s, size_t len, uint64_t hash)
{
	if ((p->used + 1) * 4 > p->nslots * 3 && pool_grow_slots(p) < 0)
		return CW_NONE;
	uint32_t h = (uint32_t)hash;
	size_t mask = p->nslots - 1, j = h & mask;
	for (; p->slots[j]; j = (j + 1) & mask) {
		cw_str at = p->slots[j] - 1;
		if (p->slot_hash[j] == h && memcmp(p->bytes + at, s, len) == 0 && p->bytes[at + len] == 0)
			return at;
	}
	cw_str at = cw_pool_add(p, s, len);
	if (at == CW_NONE)
		return CW_NONE;
	p->slots[j] = at + 1;
	p->slot_hash[j] = h;
	p->used++;
	return at;
}

#define SLOT(h, row) ((uint64_t)(h) << 32 | ((uint64_t)(row) + 1))
#define SLOT_ROW(s) ((cw_ref)((s) & 0xffffffffu) - 1)
#define SLOT_HASH(s) ((uint32_t)((s) >> 32))

/* Any number of slots (so a map sized for its rows is not doubled to a power
 * of two): a key's first slot is its hash scaled to the table, then linear. */
static inline size_t home(uint32_t h, size_t n) { return (size_t)(((uint64_t)h * n) >> 32); }
static inline size_t step(size_t j, size_t n) { return ++j == n ? 0 : j; }
/* Sized for 3/4 full; grown past 17/20 full. */
static size_t slots_for(size_t keys) { return keys < 48 ? 64 : keys / 3 * 4 + 4; }
static int over_full(size_t used, size_t nslots) { return (used + 1) * 20 > nslots * 17; }

int cw_idmap_init(cw_idmap *m, size_t expect)
{
	size_t n = slots_for(expect);
	m->slot = cw_big_calloc(n * sizeof *m->slot);
	m->nslots = n;
	m->used = 0;
	m->lean = 0;
	if (!m->slot) {
		cw_idmap_free(m);
		return CW_ENOMEM;
	}
	return 0;
}

static int key_equal(const cw_pool *p, cw_str at, const char *s, size_t len)
{
	return memcmp(p->bytes + at, s, len) == 0 && p->bytes[at + len] == 0;
}

static size_t slot_bytes(const cw_idmap *m) { return m->nslots * (m->lean ? 4 : 8); }

void cw_idmap_free(cw_idmap *m)
{
	cw_big_free(m->slot, slot_bytes(m)); /* a lean map's rows fill whole huge pages of a mapping */
	memset(m, 0, sizeof *m);
}

size_t cw_idmap_memory(const cw_idmap *m) { return slot_bytes(m); }

void cw_idmap_lean(cw_idmap *m)
{
	if (m->lean || m->nslots * 4 < BIG)
		return; /* small maps stay as they are */
	size_t n = slots_for(m->used);
	uint32_t *row = n * 4 >= BIG && n * 2 < m->nslots ? cw_big_calloc(n * 4) : NULL;
	if (row) { /* under half full: re-placed into a smaller table */
		for (size_t i = 0; i < m->nslots; i++) {
			if (!m->slot[i])
				continue;
			size_t j = home(SLOT_HASH(m->slot[i]), n);
			while (row[j])
				j = step(j, n);
			row[j] = (uint32_t)m->slot[i];
		}
		cw_big_free(m->slot, m->nslots * 8);
		m->slot = (uint64_t *)(void *)row;
		m->nslots = n;
		m->lean = 1;
		return;
	}
	row = (uint32_t *)(void *)m->slot;
	for (size_t i = 0; i < m->nslots; i++) /* row[i] overwrites bytes of slots before i only */
		row[i] = (uint32_t)m->slot[i];
	/* give back the pages past the rows (the mapping is in whole huge pages) */
	size_t keep = round_up(m->nslots * 4, HUGE_PAGE), had = round_up(m->nslots * 8, HUGE_PAGE);
	if (had > keep)
		munmap((char *)m->slot + keep, had - keep);
	m->lean = 1;
}

/* A lean map's find: the row of each probed slot, compared by key. */
static cw_ref find_lean(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len,
                        uint32_t h)
{
	const uint32_t *row = (const uint32_t *)(const void *)m->slot;
	for (size_t j = home(h, m->nslots); row[j]; j = step(j, m->nslots))
		if (key_equal(p, ids[row[j] - 1], s, len))
			return row[j] - 1;
	return CW_NONE;
}

static void place(cw_idmap *m, uint64_t s)
{
	size_t j = home(SLOT_HASH(s), m->nslots);
	while (m->slot[j])
		j = step(j, m->nslots);
	m->slot[j] = s;
}

static int idmap_resize(cw_idmap *m, size_t expect)
{
	cw_idmap g;
	if (cw_idmap_init(&g, expect) < 0)
		return CW_ENOMEM;
	for (size_t i = 0; i < m->nslots; i++)
		if (m->slot[i])
			place(&g, m->slot[i]);
	g.used = m->used;
	cw_idmap_free(m);
	*m = g;
	return 0;
}

cw_ref cw_idmap_find(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len)
{
	return cw_idmap_find_h(m, p, ids, s, len, cw_hash(s, len));
}

cw_ref cw_idmap_find_h(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len,
                       uint64_t hash)
{
	if (!m->nslots)
		return CW_NONE;
	uint32_t h = (uint32_t)hash;
	if (m->lean)
		return find_lean(m, p, ids, s, len, h);
	for (size_t j = home(h, m->nslots); m->slot[j]; j = step(j, m->nslots))
		if (SLOT_HASH(m->slot[j]) == h && key_equal(p, ids[SLOT_ROW(m->slot[j])], s, len))
			return SLOT_ROW(m->slot[j]);
	return CW_NONE;
}

void cw_idmap_prefetch_find(const cw_idmap *m, uint64_t hash)
{
	if (m->nslots)
		__builtin_prefetch(m->lean ? (const void *)((const uint32_t *)(const void *)m->slot + home((uint32_t)hash, m->nslots))
		                           : (const void *)&m->slot[home((uint32_t)hash, m->nslots)]);
}

cw_ref cw_idmap_prefetch_key(const cw_idmap *m, const cw_pool *p, const cw_str *ids, uint64_t hash)
{
	if (!m->nslots || m->lean)
		return CW_NONE;
	uint32_t h = (uint32_t)hash;
	for (size_t j = home(h, m->nslots); m->slot[j]; j = step(j, m->nslots))
		if (SLOT_HASH(m->slot[j]) == h) {
			cw_ref r = SLOT_ROW(m->slot[j]);
			__builtin_prefetch(p->bytes + ids[r]);
			return r;
		}
	return CW_NONE;
}

cw_ref cw_idmap_insert(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, cw_ref row)
{
	return cw_idmap_insert_h(m, p, ids, s, len, cw_hash(s, len), row);
}

cw_ref cw_idmap_insert_h(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, uint64_t hash,
                         cw_ref row)
{
	if (m->lean || ((!m->nslots || over_full(m->used, m->nslots)) && idmap_resize(m, 2 * m->used + 32) < 0))
		return CW_NONE - 1;
	uint32_t h = (uint32_t)hash;
	size_t j = home(h, m->nslots);
	for (; m->slot[j]; j = step(j, m->nslots))
		if (SLOT_HASH(m->slot[j]) == h && key_equal(p, ids[SLOT_ROW(m->slot[j])], s, len))
			return SLOT_ROW(m->slot[j]);
	m->slot[j] = SLOT(h, row);
	m->used++;
	return CW_NONE;
}

cw_ref cw_idmap_insert_same(cw_idmap *m, uint64_t hash, cw_ref row, int (*same)(void *arg, cw_ref r), void *arg)
{
	if (m->lean || ((!m->nslots || over_full(m->used, m->nslots)) && idmap_resize(m, 2 * m->used + 32) < 0))
		return CW_NONE - 1;
	uint32_t h = (uint32_t)hash;
	size_t j = home(h, m->nslots);
	for (; m->slot[j]; j = step(j, m->nslots))
		if (SLOT_HASH(m->slot[j]) == h && same(arg, SLOT_ROW(m->slot[j])))
			return SLOT_ROW(m->slot[j]);
	m->slot[j] = SLOT(h, row);
	m->used++;
	return CW_NONE;
}

void cw_idmap_remap_slots(cw_idmap *m, const uint32_t *map, size_t lo, size_t hi)
{
	if (m->lean) {
		uint32_t *row = (uint32_t *)(void *)m->slot;
		for (size_t i = lo; i < hi; i++)
			if (row[i])
				row[i] = map[row[i] - 1] + 1;
		return;
	}
	for (size_t i = lo; i < hi; i++)
		if (m->slot[i])
			m->slot[i] = SLOT(SLOT_HASH(m->slot[i]), map[SLOT_ROW(m->slot[i])]);
}

int cw_idmap_remap(cw_idmap *m, const uint32_t *map)
{
	size_t removed = 0;
	if (m->lean) {
		uint32_t *row = (uint32_t *)(void *)m->slot;
		for (size_t i = 0; i < m->nslots; i++)
			if (row[i] && map[row[i] - 1] == CW_NONE)
				return cw_error_set(CW_ERROR, "internal: a row removed from a lean map");
		for (size_t i = 0; i < m->nslots; i++)
			if (row[i])
				row[i] = map[row[i] - 1] + 1;
		return 0;
	}
	for (size_t i = 0; i < m->nslots; i++) {
		if (!m->slot[i])
			continue;
		cw_ref r = map[SLOT_ROW(m->slot[i])];
		if (r == CW_NONE)
			removed++;
		m->slot[i] = r == CW_NONE ? 0 : SLOT(SLOT_HASH(m->slot[i]), r);
	}
	if (!removed)
		return 0; /* a slot's place depends on its hash only: nothing moved */
	m->used -= removed;
	/* emptied slots break probe chains: re-place everything */
	return idmap_resize(m, m->used);
}

void cw_u64set_free(cw_u64set *s)
{
	cw_big_free(s->keys, s->nslots * sizeof *s->keys);
	memset(s, 0, sizeof *s);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static inline size_t home64(uint64_t key, size_t n) { return (size_t)(((unsigned __int128)mix64(key) * n) >> 64); }

static int u64set_rehash(cw_u64set *s, size_t n)
{
	uint64_t *k = cw_big_calloc(n * sizeof *k);
	if (!k)
		return CW_ENOMEM;
	for (size_t i = 0; i < s->nslots; i++) {
		if (!s->keys[i])
			continue;
		size_t j = home64(s->keys[i], n);
		while (k[j])
			j = step(j, n);
		k[j] = s->keys[i];
	}
	cw_big_free(s->keys, s->nslots * sizeof *s->keys);
	s->keys = k;
	s->nslots = n;
	return 0;
}

int cw_u64set_reserve(cw_u64set *s, size_t expect)
{
	size_t n = slots_for(expect);
	return n > s->nslots ? u64set_rehash(s, n) : 0;
}

int cw_u64set_insert(cw_u64set *s, uint64_t key)
{
	if (key == 0) {
		if (s->has_zero)
			return 0;
		s->has_zero = 1;
		return 1;
	}
	if ((!s->nslots || over_full(s->used, s->nslots)) && u64set_rehash(s, slots_for(2 * s->used + 32)) < 0)
		return CW_ENOMEM;
	for (size_t j = home64(key, s->nslots);; j = step(j, s->nslots)) {
		if (s->keys[j] == key)
			return 0;
		if (!s->keys[j]) {
			s->keys[j] = key;
			s->used++;
			return 1;
		}
	}
}
