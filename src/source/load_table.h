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

typedef struct cw_table_input {
	int table;        /* enum cw_table */
	cw_csv *csv;      /* positioned at the header row */
	const char *name; /* in messages: a path, or "claim_lines (queries/extract_claim_lines.sql)" */
	const char *file; /* in the reject file's file column: "claim_lines.csv", "claim_lines" */
	cw_row_sink sink; /* optional */
	void *sink_ctx;
	const char *path; /* optional: the file csv reads, so that a large table without a sink is read on
	                     several threads (load_par.c); NULL for a stream */
} cw_table_input;

/* Reads the header (columns by name, unknown ones warned about, a missing required one an error)
 * and every record; adds to stats->table[in->table]. */
int cw_load_table(cw_builder *b, const cw_table_input *in, const cw_load_opts *opts, cw_load_stats *stats,
                  cw_rowbuf *rb);

#endif
