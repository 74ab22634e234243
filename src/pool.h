/* pool.h: the dataset's string pool and the hash maps built on it.
 *
 * A pool is one growing byte array of NUL-terminated strings; a string is its
 * offset (cw_str). cw_pool_add copies a string as is; cw_pool_intern stores
 * each distinct string once. An idmap maps the id strings of one table to rows;
 * a u64set holds 64-bit keys (composite keys such as rx_id + line_no). */
#ifndef CW_POOL_H
#define CW_POOL_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"

uint64_t cw_hash(const void *data, size_t len);

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
static inline const char *cw_pool_get(const cw_pool *p, cw_str s) { return s == CW_NONE ? "" : p->bytes + s; }
/* Frees the intern table (the strings stay). */
void cw_pool_seal(cw_pool *p);

/* One slot per key: the high 32 bits hold the key's hash, the low 32 bits the
 * row + 1 (0 = empty), so a probe touches one cache line and compares strings
 * only when the hashes agree. */
typedef struct cw_idmap {
	uint64_t *slot;
	size_t nslots, used;
} cw_idmap;

/* Sizes the map for `expect` keys (it still grows past them). */
int cw_idmap_init(cw_idmap *m, size_t expect);
void cw_idmap_free(cw_idmap *m);
/* The row whose key (ids[row] in pool) equals s, or CW_NONE. */
cw_ref cw_idmap_find(const cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len);
/* Inserts row under key s; returns CW_NONE when inserted, else the row that
 * already holds s (nothing inserted), or CW_NONE - 1 when out of memory. */
cw_ref cw_idmap_insert(cw_idmap *m, const cw_pool *p, const cw_str *ids, const char *s, size_t len, cw_ref row);
/* Replaces every row r by map[r]; rows mapped to CW_NONE are removed. */
int cw_idmap_remap(cw_idmap *m, const uint32_t *map);
size_t cw_idmap_memory(const cw_idmap *m);

typedef struct cw_u64set {
	uint64_t *keys; /* 0 = empty; key 0 is stored as a flag */
	size_t nslots, used;
	int has_zero;
} cw_u64set;
void cw_u64set_free(cw_u64set *s);
/* 1 when inserted, 0 when already there, CW_ENOMEM. */
int cw_u64set_insert(cw_u64set *s, uint64_t key);

#endif
