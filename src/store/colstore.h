/* colstore.h: the columnar store (docs/store.md): a dataset's rows kept as month partitions of
 * memory-mappable column files, described by a small catalogue.
 *
 * `claimwatch load --data DIR --store PATH` reads every record of the folder once (the CSV source's
 * reader, load_csv.c), puts each in the partitions of the months whose windows need it, and writes the
 * rows typed (fixed-width columns and a string heap) with the record's text beside them, so that a run
 * replays rejected rows exactly as the CSV source rejects them. `claimwatch run --store PATH` maps the
 * partitions of the month and its look-back only, checks them against the catalogue, and feeds their
 * rows, merged back into the source's order, to the same cw_builder.
 *
 * format.c: the column layout of each table, the checksum, a record's text (blob) encoding.
 * catalog.c: the catalogue, parsed strictly and written atomically.
 * store_write.c: the load. store_read.c: mapping, checking and feeding a month. */
#ifndef CW_STORE_COLSTORE_H
#define CW_STORE_COLSTORE_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"
#include "claimwatch/source.h"
#include "source/load_table.h"
#include "source/rows.h"

#define CW_CS_VERSION 2 /* 2: month images (image lines); version 1 is still read */
#define CW_CS_CATALOG "CATALOG"
#define CW_CS_MAGIC "claimwatch-store"

/* Partition keys: a month as year * 12 + month - 1, or one of these. */
#define CW_CS_DIM (-2) /* a table without dates: every month's */
#define CW_CS_ANY (-1) /* rows whose month cannot be told: fed to every run */

#define CW_CS_MAX_COLS 24 /* columns of a column file, the row columns included */
#define CW_CS_ROWCOLS 4   /* seq, blob, status, home: then the typed fields */

/* The status column. */
enum { CW_CS_TYPED = 1, CW_CS_UNTYPED = 0, CW_CS_UNSPLIT = 2 };

/* A column's kind: a string (u32 offset into the heap, UINT32_MAX for none), a 4- or 8-byte integer,
 * or the row columns' u64 and u8. */
enum { CW_CS_STR, CW_CS_I32, CW_CS_I64, CW_CS_U64, CW_CS_U8 };

typedef struct cw_cs_layout {
	int ncols;
	int kind[CW_CS_MAX_COLS];
	size_t field[CW_CS_MAX_COLS]; /* typed columns: the member's offset in cw_row_any */
	uint64_t off[CW_CS_MAX_COLS]; /* the column's offset in the column file */
	uint64_t size;                /* the column file's size */
} cw_cs_layout;

/* The layout of table's column file for rows rows: seq (u64: load << 40 | the record's line), blob (u32:
 * the record's text in the text file), status (u8), home (i32: the key of the partition that counts the row,
 * for a row copied into several), then the typed fields in the order of cw_row_any's member.
 * Every column starts at a multiple of 8. Returns 0, or CW_EINVALID for no such table or too many rows. */
int cw_cs_layout_of(cw_cs_layout *out, int table, uint64_t rows);

/* The store's 64-bit checksum of len bytes. */
uint64_t cw_cs_checksum(const void *data, size_t len);
/* The same checksum over bytes given in pieces: init, add each piece in order, end. */
typedef struct cw_cs_sum {
	uint64_t h[4], len;
	unsigned char buf[32];
	size_t nbuf;
} cw_cs_sum;
void cw_cs_sum_init(cw_cs_sum *s);
void cw_cs_sum_add(cw_cs_sum *s, const void *data, size_t len);
uint64_t cw_cs_sum_end(const cw_cs_sum *s);

/* A record's text in the text file: u32 ncols then, per column, u32 len (UINT32_MAX: a column the source did
 * not have) and the bytes; or, for a record that could not be split, u32 UINT32_MAX, u32 len and the
 * record as read, u32 len and the reason. Little-endian. */
typedef struct cw_cs_blob {
	int split;          /* 1: f[0..ncols) is set; 0: raw and why are */
	int ncols;
	cw_slice f[CW_ROW_MAX_COLS];
	const char *raw, *why;
	size_t raw_len, why_len;
} cw_cs_blob;
/* Decodes the blob at off of a heap of size bytes; CW_EINVALID when it does not fit or is malformed. */
int cw_cs_blob_decode(cw_cs_blob *out, const char *heap, uint64_t size, uint64_t off);

typedef struct cw_cs_file {
	char name[80];
	uint64_t size, sum;
} cw_cs_file;

typedef struct cw_cs_part {
	int table;
	int32_t key;    /* month key, CW_CS_DIM or CW_CS_ANY */
	uint32_t load;  /* the load that wrote it */
	uint64_t rows;  /* rows in it */
	uint64_t home;  /* rows counted here in `read` (a visit copied into several months counts once) */
	uint64_t valid; /* visits: of those, the ones the builder takes (with the load's tables without dates) */
	cw_cs_file col, heap, text; /* text: the records' text, read only for a rejected row */
} cw_cs_part;

/* One load (a folder) of the store. */
typedef struct cw_cs_load {
	uint32_t id;
	int nmonths;
	int32_t *months;                  /* the month keys of its claim lines and prescriptions */
	char file[CW_T_COUNT][40];        /* the reject file's file column per table: "claim_lines.csv" */
	uint32_t unknown[CW_T_COUNT];     /* columns of the header outside the contract */
} cw_cs_load;

/* A month image (store_image.c): the finished dataset of one month's window, for one look-back, built
 * from the partitions the catalogue named when `inputs` was their checksum (cw_cs_catalog_inputs). */
typedef struct cw_cs_image {
	int32_t key;      /* the month */
	int lookback;     /* days */
	uint64_t inputs;
	cw_cs_file file;
} cw_cs_image;

typedef struct cw_cs_catalog {
	int version;
	size_t nparts, nloads, nimages;
	cw_cs_part *parts;
	cw_cs_load *loads;
	int has_budgets;     /* the newest budgets.csv loaded, kept as it was read */
	cw_cs_file budgets;
	cw_cs_image *images;
} cw_cs_catalog;

void cw_cs_catalog_free(cw_cs_catalog *c);
/* Parses a catalogue's text (name for messages, "PATH/CATALOG"). A catalogue of another version, a
 * malformed or truncated one (its last line is the checksum of the lines before it) is CW_EINVALID
 * with a message naming it and the line. */
int cw_cs_catalog_parse(cw_cs_catalog *out, const char *name, const char *text, size_t len);
/* Reads and parses dir/CATALOG; CW_ENOTFOUND when there is none. */
int cw_cs_catalog_read(cw_cs_catalog *out, const char *dir);
/* The catalogue's text (malloc'd, *len bytes). */
int cw_cs_catalog_format(char **out, size_t *len, const cw_cs_catalog *c);
/* Writes dir/CATALOG atomically: a temporary file, fsync, rename, fsync of the folder. */
int cw_cs_catalog_write(const char *dir, const cw_cs_catalog *c);
/* The checksum of what the catalogue says of the loads and partitions (not of its images or budgets):
 * a month image is used only while it equals the one it was built from. */
int cw_cs_catalog_inputs(uint64_t *out, const cw_cs_catalog *c);
/* Removes the files of path that look like the store's and that catalogue c does not name. */
void cw_cs_remove_unnamed(const char *path, const cw_cs_catalog *c);
/* "2026-05", "dim" or "any" for a partition key (buf of 8 bytes at least). */
const char *cw_cs_key_name(char *buf, int32_t key);
int32_t cw_cs_key_of(cw_month m);
/* qsort's order of partition keys (int32_t). */
int cw_cs_key_cmp(const void *a, const void *b);

/* The load: every table of dir into the store at path (created when missing); the partitions of the
 * folder's months replace those of earlier loads. Prints a line per table to progress notes. */
typedef struct cw_cs_load_report {
	uint64_t rows, bytes;
	int nparts, nmonths;
	uint32_t load;
} cw_cs_load_report;
int cw_cs_load_csv(cw_cs_load_report *rep, const char *dir, const char *path, int threads);

/* Where a load's records come from: the CSV folder (cw_cs_load_csv) or the PostgreSQL tables
 * (src/pg/pg_store.c). read passes every record of table to sink, numbered as the source numbers them
 * (a file's line, a table's row), and sets *unknown to the columns outside the contract; budgets sets
 * *text to the budgets as a budgets.csv (malloc'd), NULL when there are none (budgets NULL: never). */
typedef struct cw_cs_source {
	int (*read)(void *ctx, int table, const cw_load_opts *lo, cw_load_stats *st, cw_record_sink sink,
	            void *sink_ctx, size_t *unknown);
	int (*budgets)(void *ctx, char **text, size_t *len);
	void *ctx;
	const char *file_ext; /* the reject file's file column is the table's name then this: ".csv", "" */
	int threads;
} cw_cs_source;
/* The load of cw_cs_load_csv from any source. */
int cw_cs_load_source(cw_cs_load_report *rep, const cw_cs_source *src, const char *path);

/* The store's budgets (the budgets.csv of the newest load that had one, checked against the catalogue)
 * into *t; an empty table when it has none. */
struct cw_budget_table;
int cw_cs_budgets_read(struct cw_budget_table *t, const char *path);

/* A month from the store at path, as cw_load_csv reads it from a folder (claimwatch/source.h): its
 * month image when the catalogue has one for the month and look-back that matches the partitions
 * (and CLAIMWATCH_STORE_IMAGES is not 0), else built from the partitions. */
int cw_cs_load_month(cw_dataset **out, cw_load_stats *stats, const char *path, const cw_load_opts *opts);
/* The same; image (when not NULL) gets the name of the month image used, "" when none was. */
int cw_cs_load_month_as(cw_dataset **out, cw_load_stats *stats, char image[80], const char *path,
                        const cw_load_opts *opts);
/* The same built from the partitions that catalogue cat (of the store at path) names; stats zeroed
 * by the caller. */
int cw_cs_load_month_from(cw_dataset **out, cw_load_stats *stats, const char *path, const cw_cs_catalog *cat,
                          const cw_load_opts *opts);

/* --- month images (store_image.c) ---------------------------------------------------------------------
 * A month image is the finished dataset of a month's window (src/dataset/image.c) with the load's counts,
 * built after a load from the partitions, for one look-back, so that a run maps it instead of building. */
typedef struct cw_cs_images_report {
	int built, kept, skipped; /* skipped: a window with rejected rows (its run replays them) */
	uint64_t bytes;
} cw_cs_images_report;
/* Builds the store's missing or stale month images for lookback days, every month its loads hold, and
 * records them in the catalogue (written atomically; the store stays readable throughout). */
int cw_cs_images_build(cw_cs_images_report *rep, const char *path, int lookback, int threads);
/* A month image's checksum (its catalogue line's SUM): the checksum of the little-endian checksums of
 * its 64 MiB pieces, so that a run sums the pieces on several threads. */
uint64_t cw_cs_image_sum(const void *data, size_t len);
/* The month image of opts's month and look-back, mapped and checked, into *out and *stats (its file's
 * name into image when not NULL). Returns 0;
 * CW_ENOTFOUND when there is none that matches the catalogue's partitions (or it was written by another
 * build of claimwatch: a progress note says so); CW_EINVALID naming the file when it is damaged. */
int cw_cs_image_open(cw_dataset **out, cw_load_stats *stats, char image[80], const char *path,
                     const cw_cs_catalog *cat, const cw_load_opts *opts);

/* A mapped, checked partition (store_read.c). */
typedef struct cw_cs_map {
	const cw_cs_part *part;
	cw_cs_layout lay;
	const unsigned char *col;
	const char *heap, *text;
	uint64_t col_size, heap_size, text_size;
	int text_checked; /* the text's checksum is checked when a row first needs it */
	char text_path[4200];
} cw_cs_map;
/* Maps the file at path (MAP_PRIVATE | flags, prot) once its size is the catalogue's f->size; *out NULL
 * for an empty file. CW_ENOTFOUND, CW_EIO or CW_EINVALID with a message naming the file. */
int cw_cs_map_sized(unsigned char **out, const char *path, const cw_cs_file *f, int prot, int flags);
/* Maps and checks dir/<part's files>: sizes, checksums, the column file's layout, the heap's final
 * NUL. Every failure names the file. */
int cw_cs_map_open(cw_cs_map *m, const char *dir, const cw_cs_part *part);
void cw_cs_map_close(cw_cs_map *m);
/* The partition's text (the records as read), its checksum checked on first use; CW_EINVALID naming the
 * file when it does not match. */
int cw_cs_map_text(cw_cs_map *m);
/* Checks a partition held in memory (the fuzz harness, the unit tests). */
int cw_cs_map_check(cw_cs_map *m, const char *name);
/* Row r of the map into a typed row (strings point into the heap); CW_EINVALID when a string offset
 * leaves the heap. */
int cw_cs_map_row(cw_row_any *out, const cw_cs_map *m, uint64_t r);
uint64_t cw_cs_map_seq(const cw_cs_map *m, uint64_t r);
int32_t cw_cs_map_home(const cw_cs_map *m, uint64_t r);
uint32_t cw_cs_map_blob(const cw_cs_map *m, uint64_t r);
int cw_cs_map_status(const cw_cs_map *m, uint64_t r);

#endif
