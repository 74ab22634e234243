/* load_par.h: reading one large table file on several threads.
 *
 * The file is cut into chunks of whole records, each parsed, typed and
 * resolved (references looked up) on any thread, then committed to the
 * builder one chunk at a time in file order, so the dataset, the counts and
 * the reject file are the same as when one thread reads the file record by
 * record. A chunk boundary is only put where the streaming reader would end
 * a record: after any line break when the chunk holds no quote character,
 * else where an exact scan of the quoting says. A record too long to judge
 * that way (about half of CW_CSV_MAX_RECORD) hands the rest of the file back
 * to the streaming reader, as does the end of the file. */
#ifndef CW_LOAD_PAR_H
#define CW_LOAD_PAR_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/source.h"

typedef struct cw_par_table {
	int table;
	const char *path;  /* for messages */
	const char *file;  /* for the reject file ("claim_lines.csv") */
	size_t nhdr;       /* fields in the header */
	const int *col;    /* schema column -> header field, or -1 */
	cw_builder *b;
	cw_rejects *rejects;
	cw_table_stats *st;
	int threads;       /* >= 2 */
} cw_par_table;

/* Bytes per chunk (0: the default, 2 MiB); tests make it tiny to put chunk
 * boundaries everywhere. */
extern size_t cw_load_chunk_bytes;

/* Reads records from *offset (a record boundary, line *line) while it can do
 * so on threads; then sets *offset and *line to where the streaming reader
 * must go on (the end of the file, or the record it left). Returns 0, or < 0
 * when the load must stop (message set). */
int cw_load_par(const cw_par_table *t, uint64_t *offset, uint64_t *line);

#endif
