/* pool.c: string pool, interning, id maps and a 64-bit key set (see pool.h). */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pool.h"

uint64_t cw_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (len * 0xff51afd7ed558ccdull);
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	uint64_t v = 0;
	memcpy(&v, p, len);
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

cw_str cw_pool_add(cw_pool *p, const char *s, size_t len)
{
	if (p->len + len + 1 >= (size_t)UINT32_MAX - 1)
		return CW_NONE;
	if (p->len + len + 1 > p->cap) {
		size_t cap = p->cap ? p->cap : 1 << 16;
		while (cap < p->len + len + 1)
			cap *= 2;
		char *b = realloc(p->bytes, cap);
		if (!b)
			return CW_NONE;
		p->bytes = b;
		p->cap = cap;
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
	if ((p->used + 1) * 4 > p->nslots * 3 && pool_grow_slots(p) < 0)
		return CW_NONE;
	uint32_t h = (uint32_t)cw_hash(s, len);
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

int cw_idmap_init(cw_idmap *m, size_t expect)
{
	size_t n = 64;
	while (n * 3 < expect * 4 + 4) /* load <= 3/4 */
		n *= 2;
	m->slot = calloc(n, sizeof *m->slot);
	m->nslots = n;
	m->used = 0;
	if (!m->slot) {
		cw_idmap_free(m);
		return CW_ENOMEM;
	}
	return 0;
}

void cw_idmap_free(cw_idmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}

size_t cw_idmap_memory(const cw_idmap *m) { return m->nslots * sizeof *m->slot; }

static void place(cw_idmap *m, uint64_t s)
{
	size_t mask = m->nslots - 1, j = SLOT_HASH(s) & mask;
	while (m->slot[j])
		j = (j + 1) & mask;
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

static int key_equal(const cw_pool *p, cw_str at, const char *s, size_t len)
{
	return memcmp(p->bytes + at, s, len) == 0 && p->bytes[at + len] == 0;
}

cw_ref cw_idmap_find(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len)
{
	if (!m->nslots)
		return CW_NONE;
	uint32_t h = (uint32_t)cw_hash(s, len);
	size_t mask = m->nslots - 1;
	for (size_t j = h & mask; m->slot[j]; j = (j + 1) & mask)
		if (SLOT_HASH(m->slot[j]) == h && key_equal(p, ids[SLOT_ROW(m->slot[j])], s, len))
			return SLOT_ROW(m->slot[j]);
	return CW_NONE;
}

cw_ref cw_idmap_insert(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, cw_ref row)
{
	if ((!m->nslots || (m->used + 1) * 4 > m->nslots * 3) && idmap_resize(m, m->nslots ? m->nslots : 32) < 0)
		return CW_NONE - 1;
	uint32_t h = (uint32_t)cw_hash(s, len);
	size_t mask = m->nslots - 1, j = h & mask;
	for (; m->slot[j]; j = (j + 1) & mask)
		if (SLOT_HASH(m->slot[j]) == h && key_equal(p, ids[SLOT_ROW(m->slot[j])], s, len))
			return SLOT_ROW(m->slot[j]);
	m->slot[j] = SLOT(h, row);
	m->used++;
	return CW_NONE;
}

int cw_idmap_remap(cw_idmap *m, const uint32_t *map)
{
	size_t removed = 0;
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
	free(s->keys);
	memset(s, 0, sizeof *s);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

int cw_u64set_insert(cw_u64set *s, uint64_t key)
{
	if (key == 0) {
		if (s->has_zero)
			return 0;
		s->has_zero = 1;
		return 1;
	}
	if ((s->used + 1) * 4 > s->nslots * 3) {
		size_t n = s->nslots ? s->nslots * 2 : 1024;
		uint64_t *k = calloc(n, sizeof *k);
		if (!k)
			return CW_ENOMEM;
		for (size_t i = 0; i < s->nslots; i++) {
			if (!s->keys[i])
				continue;
			size_t j = mix64(s->keys[i]) & (n - 1);
			while (k[j])
				j = (j + 1) & (n - 1);
			k[j] = s->keys[i];
		}
		free(s->keys);
		s->keys = k;
		s->nslots = n;
	}
	size_t mask = s->nslots - 1;
	for (size_t j = mix64(key) & mask;; j = (j + 1) & mask) {
		if (s->keys[j] == key)
			return 0;
		if (!s->keys[j]) {
			s->keys[j] = key;
			s->used++;
			return 1;
		}
	}
}
