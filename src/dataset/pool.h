/* pool.h: the dataset's string pool and the hash maps built on it.
 *
 * A pool is one growing byte array of NUL-terminated strings; a string is its
 * offset (cw_str). cw_pool_add copies a string as is; cw_pool_intern stores
 * each distinct string once. An idmap maps the id strings of one table to rows;
 * a u64set holds 64-bit keys (composite keys such as rx_id + line_no).
 *
 * Threads: the parallel loader reads the pool and the maps of finished tables
 * on several threads while one thread adds rows. That is safe because a pool
 * that was given room with cw_pool_reserve does not move while it stays
 * within that room, and the maps being read are not written. */
#ifndef CW_POOL_H
#define CW_POOL_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"

uint64_t cw_hash(const void *data, size_t len);

/* Large arrays: zeroed memory in 2 MiB pages where the kernel allows (fewer
 * TLB misses on random access to maps of millions of slots). cw_big_free needs
 * the size given to cw_big_calloc. */
void *cw_big_calloc(size_t size);
void cw_big_free(void *p, size_t size);
/* Asks for 2 MiB pages on the large aligned part of a malloc'd array. Only
 * for an array that is never realloc'd: moving huge pages costs a copy. */
void cw_advise_huge(void *p, size_t size);

typedef struct cw_pool {
	char *bytes;
	size_t len, cap;
	/* intern table: slots hold cw_str + 1, 0 = empty */
	uint32_t *slots;
	uint32_t *slot_hash;
	size_t nslots, used;
} cw_pool;

int cw_pool_init(cw_pool *p);
void cw_pool_free(cw_pool *p);
/* Appends s (len bytes, then NUL); CW_NONE when the pool would pass 4 GiB. */
cw_str cw_pool_add(cw_pool *p, const char *s, size_t len);
cw_str cw_pool_intern(cw_pool *p, const char *s, size_t len);
/* The same with the key's cw_hash given, and a prefetch of where it probes. */
cw_str cw_pool_intern_h(cw_pool *p, const char *s, size_t len, uint64_t h);
void cw_pool_prefetch_intern(const cw_pool *p, uint64_t h);
static inline const char *cw_pool_get(const cw_pool *p, cw_str s) { return s == CW_NONE ? "" : p->bytes + s; }
/* Makes room for `extra` more bytes, so that adding up to that many does not
 * move the bytes. CW_ENOMEM (no message) when it cannot. */
int cw_pool_reserve(cw_pool *p, size_t extra);
/* Gives back the room past the strings. */
void cw_pool_trim(cw_pool *p);
/* Frees the intern table (the strings stay). */
void cw_pool_seal(cw_pool *p);

/* One slot per key: the high 32 bits hold the key's hash, the low 32 bits the
 * row + 1 (0 = empty), so a probe touches one cache line and compares strings
 * only when the hashes agree. A map has any number of slots, 3/4 full when
 * sized for its keys, grown when 17/20 full. The *_h functions take the key's cw_hash, so a
 * caller can hash on one thread and probe on another, or prefetch. */
typedef struct cw_idmap {
	uint64_t *slot;
	size_t nslots, used;
	int lean; /* slots are 32-bit rows + 1 only (cw_idmap_lean) */
} cw_idmap;

/* Sizes the map for `expect` keys (it still grows past them). */
int cw_idmap_init(cw_idmap *m, size_t expect);
void cw_idmap_free(cw_idmap *m);
/* The row whose key (ids[row] in pool) equals s, or CW_NONE. */
cw_ref cw_idmap_find(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len);
cw_ref cw_idmap_find_h(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len,
                       uint64_t h);
/* Inserts row under key s; returns CW_NONE when inserted, else the row that
 * already holds s (nothing inserted), or CW_NONE - 1 when out of memory. */
cw_ref cw_idmap_insert(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, cw_ref row);
cw_ref cw_idmap_insert_h(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, uint64_t h,
                         cw_ref row);
/* Brings the cache line a key with hash h starts probing at. */
static inline void cw_idmap_prefetch(const cw_idmap *m, uint64_t h)
{
	if (m->nslots && !m->lean)
		__builtin_prefetch(&m->slot[((uint64_t)(uint32_t)h * m->nslots) >> 32], 1, 1);
}
/* An insert into a map whose keys are not id strings: same(arg, r) says
 * whether row r holds the key (asked only of rows stored under the same
 * hash). Returns as cw_idmap_insert_h. */
cw_ref cw_idmap_insert_same(cw_idmap *m, uint64_t h, cw_ref row, int (*same)(void *arg, cw_ref r), void *arg);
/* For a find of the key with hash h, in two steps some work apart (lookups of
 * millions of keys miss the cache at each of them): 0 brings the slot where
 * its probe starts; 1 (the slot cached) brings the key string of the first
 * slot holding h and returns that slot's row (CW_NONE when none yet). */
void cw_idmap_prefetch_find(const cw_idmap *m, uint64_t h);
cw_ref cw_idmap_prefetch_key(const cw_idmap *m, const cw_pool *p, const cw_str *ids, uint64_t h);
/* Replaces every row r by map[r]; rows mapped to CW_NONE are removed (not
 * in a lean map). */
int cw_idmap_remap(cw_idmap *m, const uint32_t *map);
/* Replaces row r by map[r] in slots [lo, hi) only, where no row is removed
 * (so nothing moves): disjoint ranges may run on several threads. */
void cw_idmap_remap_slots(cw_idmap *m, const uint32_t *map, size_t lo, size_t hi);
/* Halves a large map that takes no more keys: each slot keeps its row and its
 * place, not the hash, so a find compares the key at each probe (slower; for
 * the claim lines, which are not looked up after loading but by tests and
 * drill-down). Nothing can be inserted afterwards. */
void cw_idmap_lean(cw_idmap *m);
size_t cw_idmap_memory(const cw_idmap *m);

typedef struct cw_u64set {
	uint64_t *keys; /* 0 = empty; key 0 is stored as a flag */
	size_t nslots, used;
	int has_zero;
} cw_u64set;
void cw_u64set_free(cw_u64set *s);
/* 1 when inserted, 0 when already there, CW_ENOMEM. */
int cw_u64set_insert(cw_u64set *s, uint64_t key);
/* Sizes the set for `expect` keys (it still grows past them). */
int cw_u64set_reserve(cw_u64set *s, size_t expect);

#endif
