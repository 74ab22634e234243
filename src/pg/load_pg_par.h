/* load_pg_par.h: a run's claim lines read from PostgreSQL in slices, on several connections.
 *
 * The claim lines of the window are cut into slices: each month partition that meets the window (or
 * claim_lines itself when it is a plain table), in the order a scan of claim_lines reads them, cut into
 * ranges of blocks (queries/extract_slices.sql). Each slice is one COPY of the extraction query over
 * that partition with a TID range (ctid >= '(a,0)' AND ctid < '(b,0)': a TID range scan, which reads its
 * blocks in order). Connection k reads the slices k, k + n, k + 2n...; every connection is in the
 * extraction's snapshot (pg_export_snapshot, SET TRANSACTION SNAPSHOT), so they see the same rows. The
 * caller takes the slices' data in slice order: the rows reach the builder in the same order whatever
 * the number of connections, and so do the row numbers of rejects. The slices do not depend on the
 * number of connections (only on the tables' sizes), and their order is the one in which a single COPY
 * of claim_lines reads the rows (the partitions in the order of their bounds, each in block order),
 * which is how `run --db` reads them on one connection.
 *
 * At most two slices per connection are held waiting, so memory holds 2n slices of COPY data. */
#ifndef CW_LOAD_PG_PAR_H
#define CW_LOAD_PG_PAR_H
#include <stddef.h>
#include "pg/pg.h"

/* Blocks per slice (8 KiB each: 16 MiB of table). CW_PG_SLICE_BLOCKS in the environment sets it (the
 * tests cut small tables into many slices). */
#define CW_PG_SLICE_BLOCKS 2048

typedef struct cw_pg_slices cw_pg_slices;

/* Starts reading the claim lines in slices on `connections` connections (pg the first: the caller
 * leaves it alone until cw_pg_slices_stop), with the extraction query sql (queries/extract_claim_lines.sql);
 * snapshot is the id pg_export_snapshot gave in pg's transaction (used when connections > 1), window the
 * parameters of extract_params.sql bound in it. *out is NULL when the layout of claim_lines is one the
 * slices do not follow: read it with one COPY then. */
int cw_pg_slices_start(cw_pg_slices **out, cw_pg *pg, const char *sql, const char *snapshot,
                       const char *const window[3], int connections, const char *what);
/* The COPY data of the next slice, in order (a whole binary COPY stream: header, tuples, trailer),
 * valid until the next call: 1, 0 after the last, < 0 on error (message set). */
int cw_pg_slices_next(cw_pg_slices *s, const char **data, size_t *len);
/* Stops the connections' threads (each ends the COPY it is in), closes the extra connections. */
void cw_pg_slices_stop(cw_pg_slices *s);

#endif
