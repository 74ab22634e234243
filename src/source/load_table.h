/* load_table.h: one table of the contract, from a CSV stream with a header row into a builder.
 *
 * Shared by every source so that a row is mapped, typed, checked and rejected the same way: the CSV
 * folder (load_csv.c), the PostgreSQL extraction, whose COPY ... TO STDOUT (FORMAT csv, HEADER)
 * output is read by the same CSV reader (load_pg.c), and `claimwatch load`, which also passes every
 * row it takes on to the database (pg_copyin.c). */
#ifndef CW_LOAD_TABLE_H
#define CW_LOAD_TABLE_H
#include "claimwatch/source.h"
#include "io/csv.h"
#include "source/rows.h"

/* Called with every row the builder took (loaded or outside the window): its fields in the
 * table's schema order (rows.h). A negative return stops the load. */
typedef int (*cw_row_sink)(void *ctx, const cw_slice *f, int ncols);

/* Called instead of the builder with every record read (the columnar store's load, src/store/): its line,
 * its fields in schema order (f, ncols), or, when it could not be split, f NULL with the record as read
 * (raw, raw_len) and why. A negative return stops the load. */
typedef int (*cw_record_sink)(void *ctx, uint64_t line, const cw_slice *f, int ncols, const char *raw,
                              size_t raw_len, const char *why);

typedef struct cw_table_input {
	int table;        /* enum cw_table */
	cw_csv *csv;      /* positioned at the header row */
	const char *name; /* in messages: a path, or "claim_lines (queries/extract_claim_lines.sql)" */
	const char *file; /* in the reject file's file column: "claim_lines.csv", "claim_lines" */
	cw_row_sink sink; /* optional */
	void *sink_ctx;
	const char *path; /* optional: the file csv reads, so that a large table without a sink is read on
	                     several threads (load_par.c); NULL for a stream */
	cw_record_sink record; /* optional: every record goes here, none to the builder */
	void *record_ctx;
	size_t *unknown_columns; /* optional: set to the header's columns outside the contract */
} cw_table_input;

/* Reads the header (columns by name, unknown ones warned about, a missing required one an error)
 * and every record; adds to stats->table[in->table]. */
int cw_load_table(cw_builder *b, const cw_table_input *in, const cw_load_opts *opts, cw_load_stats *stats,
                  cw_rowbuf *rb);

/* dir/<table>.csv through cw_load_table with in.record = sink (the file opened and named as cw_load_csv
 * does); unknown gets the header's unknown columns. */
int cw_load_csv_records(const char *dir, int table, const cw_load_opts *opts, cw_load_stats *stats,
                        cw_record_sink sink, void *ctx, size_t *unknown);

/* A row that could not be taken. */
typedef struct cw_reject {
	int table;
	const char *file;  /* the reject file's file column: "claim_lines.csv", or a table's name */
	uint64_t line;
	const cw_slice *f; /* its fields in schema order, or NULL when the record could not be split */
	const char *column, *reason;
	const char *raw;   /* the record as read (for one that could not be split) */
	size_t raw_len;
} cw_reject;

/* Counts a rejected row against the month it belongs to (rows.h, cw_row_period) and writes it to
 * the reject file; a row of another month, outside the window, is only counted as skipped (the run
 * of its month rejects it). Every source rejects rows through this. < 0 when the write failed. */
int cw_load_reject(const cw_builder *b, cw_rejects *rejects, cw_table_stats *st, const cw_reject *rj);

/* The fields of a record in schema order: f[j] = field col[j] (empty when col[j] < 0). */
static inline void cw_load_fields(const cw_row_schema *s, const int *col, const cw_csv_record *rec, cw_slice *f)
{
	for (int j = 0; j < s->ncols; j++) {
		int i = col[j];
		f[j].ptr = i >= 0 ? rec->field[i].ptr : NULL;
		f[j].len = i >= 0 ? rec->field[i].len : 0;
	}
}
/* The reason for a record with a number of fields other than the header's nhdr. */
void cw_load_field_count(char *why, size_t size, const cw_csv_record *rec, size_t nhdr);

/* Sets st->month_rows once the table is read: the rows of the month the builder took, and the
 * rejected ones counted against the month. */
void cw_load_count_month(const cw_builder *b, int table, cw_table_stats *st);

#endif
