/* dataset_impl.h: the inside of a dataset and of its builder (dataset.c, builder.c, finish.c). */
#ifndef CW_DATASET_IMPL_H
#define CW_DATASET_IMPL_H
#include "claimwatch/dataset.h"
#include "pool.h"

#define CW_MAX_COLS 20

/* The growable columns of one table: each entry points at a column pointer of
 * a public view struct, so growing a table updates the view. */
typedef struct cw_store {
	size_t n, cap;
	int ncols;
	struct { void **ptr; size_t size; } col[CW_MAX_COLS];
} cw_store;

struct cw_dataset {
	cw_window win;
	cw_pool pool;
	cw_idmap map[CW_T_COUNT];
	cw_store store[CW_T_COUNT];
	cw_institutions inst;
	cw_departments dept;
	cw_physicians phys;
	cw_patients pat;
	cw_items items;
	cw_visits visits;
	cw_claims claims;
	cw_prescriptions rx;
	/* bundle pairs (items rows) while building */
	cw_ref *bundle_parent, *bundle_child;
	/* index arrays, freed with the dataset */
	void *owned[32];
	int nowned;
	cw_build_stats stats;
};

struct cw_builder {
	cw_dataset *ds;
	cw_u64set rx_keys;     /* (rx_id, line_no) seen */
	cw_u64set bundle_keys; /* (bundle, component) seen */
	uint8_t *visit_used; /* per staged visit: owns a loaded line or prescription */
	size_t visit_used_cap;
	int finished;
};

int cw_store_reserve(cw_store *s, size_t need);
void cw_store_free(cw_store *s);
/* Registers a column of `size`-byte elements held in *ptr. */
void cw_store_col(cw_store *s, void *ptr, size_t size);
/* Reorders every column: new row i is old row perm[i]; keeps n = count. */
int cw_store_permute(cw_store *s, const uint32_t *perm, size_t count);
/* Remembers an allocation to free with the dataset. */
int cw_dataset_own(cw_dataset *ds, void *p);
void cw_dataset_init_views(cw_dataset *ds);

int cw_finish(cw_builder *b);

#endif
