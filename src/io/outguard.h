/* outguard.h: a size guard on the output files.
 *
 * Outputs that grow without bound must stop the run with a clear message
 * before the disk is full (issue 11: a few thousand claim lines once wrote
 * 12.5 GB of evidence and 58 GB of report and filled the disk). The output
 * files are streams that count the bytes they write against their set of
 * outputs (output.h: one month folder, else one command's files). A write is
 * refused when it would take the set
 *   - above output.max_bytes (0: no fixed cap), or
 *   - above output.max_free_share of the space that was free on the output
 *     filesystem when the set began, or
 *   - when the filesystem itself has come down to the rest of that space
 *     (someone else is filling it).
 * The file's close then fails with the guard's message, naming the file as
 * it will be called (ROOT/2026-05/evidence.csv, not the folder written
 * aside); the month folder is only swapped in when everything was written
 * (outdir.h), so the previous results stay as they were.
 *
 * Hooks: cw_outfile_open creates its streams with cw_outguard_fdopen and
 * cw_outfile_close syncs cw_outguard_fileno; the closes of output files
 * (cw_outfile_close, cw_page_end, the reject file) report cw_outguard_explain
 * first; cw_outdir_begin calls cw_outguard_begin. Terminals, pipes and
 * devices are not counted. */
#ifndef CW_OUTGUARD_H
#define CW_OUTGUARD_H
#include <stdint.h>
#include <stdio.h>
#include "io/output.h"

/* The set of outputs o begins anew, written into dir (the count restarts,
 * the free space is measured there); files under dir are named under shown
 * in messages. A set never begun is measured at its first write. */
void cw_outguard_begin(cw_output *o, const char *dir, const char *shown);

/* A write stream on fd that counts against o (which outlives it) when fd is a
 * regular file (a plain fdopen otherwise); path names it in messages. NULL
 * with errno set on failure (fd stays open). */
FILE *cw_outguard_fdopen(cw_output *o, int fd, const char *path);
/* The file descriptor under f (fileno does not see through a guarded stream). */
int cw_outguard_fileno(FILE *f);
/* The errno of the first write to the file that failed (ENOSPC, EFBIG...),
 * 0 when none failed or f is a plain stream: by the time the stream is
 * flushed and closed, errno may say something else. */
int cw_outguard_errno(FILE *f);
/* The set of outputs f counts against; NULL for a plain stream. */
cw_output *cw_outguard_output(FILE *f);

/* When the guard refused a write of o's since they began: records its
 * message (one line, naming the file and the limit) and returns CW_EIO;
 * else (or o NULL) 0. A failed close asks this first, so the reason is the
 * limit. */
int cw_outguard_explain(const cw_output *o);

#endif
