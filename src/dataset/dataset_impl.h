/* dataset_impl.h: the inside of a dataset and of its builder (dataset.c, builder.c, finish.c). */
#ifndef CW_DATASET_IMPL_H
#define CW_DATASET_IMPL_H
#include "claimwatch/dataset.h"
#include "dataset/pool.h"

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
	uint64_t month_rows[CW_T_COUNT]; /* rows taken of the window's month (a visit: admitted in it) */
	/* Opened from an image (image.c): every array points into it, none is freed; image (when not
	 * NULL) is a mapping of image_len bytes that cw_dataset_free unmaps. */
	int from_image;
	void *image;
	size_t image_len;
};

/* The key column of a table with a single-column key (ids, item codes); NULL for the others. */
const cw_str *cw_dataset_ids(const cw_dataset *ds, int table);

/* --- adding a row in two halves (the parallel loader, load_par.c) ----------
 * resolve checks a typed row and looks up its references without changing
 * anything: several threads may resolve rows of a table at once while one
 * thread commits rows of that same table, since commit only writes that
 * table (its columns, its map, the pool past what is already there; the
 * pool must have room reserved so it does not move). commit takes the row:
 * its key (a duplicate is rejected there), its strings and columns, in
 * source order. cw_builder_add_X() is resolve + commit, with the same checks
 * in the same order, so a row gets the same reason either way. */

/* The last visit and physician looked up, one per thread: claim lines come
 * grouped by visit, so most lookups are a compare with the previous id. */
typedef struct cw_ref_memo {
	cw_ref ref;
	uint8_t len; /* 0: empty */
	char id[64];
} cw_ref_memo;
typedef struct cw_ref_cache {
	cw_ref_memo visit, phys;
} cw_ref_cache;

typedef struct cw_patient_res {
	const char *id;
	uint64_t hash;
	int sex;
	cw_day birth, death;
} cw_patient_res;
typedef struct cw_visit_res {
	const char *id, *dx_code, *dx_name;
	uint64_t hash;
	cw_ref patient, inst, dept, physician;
	cw_minute admit, discharge;
	uint8_t kind;
} cw_visit_res;
typedef struct cw_claim_res {
	const char *id;
	const char *item_code; /* the code when it is not in items (item CW_NONE): kept, see cw_items.uncatalogued */
	uint64_t hash;
	cw_ref visit, patient, item, physician;
	cw_minute time;
	uint8_t flags;
	cw_qty qty;
	cw_fen unit_price, amount;
	cw_fen fund, self_pay; /* CW_FEN_NONE when not given */
} cw_claim_res;
typedef struct cw_rx_res {
	const char *rx_id;
	uint64_t id_hash, key_hash; /* of rx_id; of (rx_id, line_no) */
	int32_t line_no, days_supply;
	cw_ref visit, physician, drug;
	cw_minute time;
	cw_qty qty;
	cw_fen amount;
} cw_rx_res;
typedef struct cw_result_res {
	const char *line_id;
	cw_ref line;
	int result;
} cw_result_res;
typedef union cw_row_res {
	cw_patient_res pat;
	cw_visit_res visit;
	cw_claim_res claim;
	cw_rx_res rx;
	cw_result_res result;
} cw_row_res;

/* 1 for the tables that are added in halves: patients, visits, claim lines,
 * prescriptions, exam results. */
int cw_builder_splits(int table);
/* row is the table's cw_X_row. Returns 0, CW_SKIP or CW_EINVALID (err set). */
int cw_builder_resolve(cw_row_res *out, cw_rowerr *err, const cw_builder *b, int table, const void *row,
                       cw_ref_cache *cache);
/* Returns 0, CW_EINVALID (err set: a duplicate key) or CW_ENOMEM (message set). */
int cw_builder_commit(cw_rowerr *err, cw_builder *b, int table, const cw_row_res *r);
/* Prefetches, in two stages (0, then 1 some work later), what resolving the
 * typed row x will read from memory: the key map slot, then the key and
 * columns of its main reference (the visit of a claim line or prescription,
 * the patient of a visit, the line of an exam result). */
void cw_builder_prefetch_refs(const cw_builder *b, int table, const void *x, const cw_ref_cache *c, int stage);
/* Prefetches what committing r will touch first (its slot in the key map). */
void cw_builder_prefetch(const cw_builder *b, int table, const cw_row_res *r);
/* The i-th string field of a resolved row (NULL past the last), so a caller
 * can copy the strings somewhere that lives until commit. */
const char **cw_row_res_string(int table, cw_row_res *r, int i);
/* The pool, to reserve room before a parallel phase and trim it after. */
cw_pool *cw_builder_pool(cw_builder *b);
/* A shallow copy of the builder and its dataset header (the pointers to
 * columns, maps and pool bytes, not what they point at) for a resolving
 * thread, so that it never reads a cache line that the committing thread
 * keeps writing (counts, lengths). Valid for resolving while the tables it
 * reads do not change. */
void cw_builder_snapshot(cw_builder *bcopy, cw_dataset *dcopy, const cw_builder *b);

struct cw_builder {
	cw_dataset *ds;
	cw_ref_cache cache; /* for the one-row-at-a-time API */
	cw_idmap rx_keys;      /* (rx_id, line_no) -> prescription row */
	cw_ref_memo rx_last;   /* the last rx_id interned, as a cw_str in ref */
	cw_u64set bundle_keys; /* (bundle, component) seen */
	uint8_t *visit_used; /* per staged visit: owns a loaded line or prescription */
	/* claim lines taken whose item_code is not in items: their row and interned code, given an item of
	 * their own by cw_builder_add_uncatalogued at the start of cw_finish */
	struct cw_unknown_item { cw_ref line; cw_str code; } *unknown;
	size_t nunknown, unknown_cap;
	size_t visit_used_cap;
	int finished;
	int threads; /* for cw_finish: 0 = one per core */
};

/* Rows of `table` taken so far that belong to the window's month: claim lines
 * and prescriptions dated in it, visits admitted in it, exam results of its
 * claim lines, every row of a table without dates. */
uint64_t cw_builder_month_rows(const cw_builder *b, int table);
/* Where a row stands against a run's window, by its dates: a claim line's
 * service_time, a prescription's rx_time, a visit's stay (admit_time, and
 * discharge_time and kind as far as they can be read), an exam result's claim
 * line. When a time cannot be read but starts with a valid "YYYY-MM", that
 * month is taken. The other tables have no dates: their rows belong to every
 * month. Rejected rows are counted against the month they belong to. */
enum cw_period {
	CW_PERIOD_MONTH,    /* the run's month, or every month */
	CW_PERIOD_LOOKBACK, /* the look-back before it: an earlier month's row */
	CW_PERIOD_OTHER,    /* outside the window: another month's row */
	CW_PERIOD_UNKNOWN   /* the date cannot be read (nor the record split) */
};
/* The part of the window a row of `table` belongs to (enum cw_period), from
 * its dates: a claim line or prescription dated [from, to)
 * (one minute, or a whole month when only "YYYY-MM" can be read), a visit
 * admitted at `from` whose stay may reach `to`. *month gets the month of
 * `from` (month may be NULL). */
int cw_builder_period(const cw_builder *b, cw_minute from, cw_minute to, cw_month *month);
/* The same for an exam result, by its claim line: CW_PERIOD_OTHER when that
 * line was not taken (outside the window, or absent). */
int cw_builder_line_period(const cw_builder *b, const char *line_id, size_t len, cw_month *month);

/* Rows below which a pass of cw_builder_finish stays on one thread (0: the
 * default, 32768); tests make it tiny so that small months take every path. */
extern size_t cw_finish_part_rows;

/* The threads cw_builder_finish may use (0: one per core, the default). */
void cw_builder_set_threads(cw_builder *b, int threads);

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
/* Adds an item (cw_items.uncatalogued) for each code of the claim lines taken that is not in items, and
 * points those lines at it; before the pool is sealed. Returns 0 or CW_ENOMEM. */
int cw_builder_add_uncatalogued(cw_builder *b);

#endif
