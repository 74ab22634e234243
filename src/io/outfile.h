/* outfile.h: creating output files and writing CSV fields.
 *
 * Output files name physicians and patients, so they are created readable by
 * their owner only (0600) unless their set of outputs says otherwise (output.h:
 * the rules' output.file_mode), and count against its size guard (outguard.h).
 * Every output file is written whole or not at
 * all: it is created unnamed in the target's folder (O_TMPFILE; where the
 * filesystem cannot, as DIR/.NAME.PID.tmp) and renamed over the target only
 * when every byte was written, so a failed, killed or full-disk write leaves
 * the previous file as it was. Closing reports write errors. A target that is
 * not a regular file (a terminal, a pipe, /dev/null) is written directly; a
 * symbolic link is followed.
 *
 * CSV fields leave through cw_csv_write: unsafe characters (safetext.h) become
 * U+FFFD, and a field a spreadsheet would run as a formula gets an apostrophe
 * in front (cw_csv_formula_like), which claimwatch's readers take off again. */
#ifndef CW_OUTFILE_H
#define CW_OUTFILE_H
#include <stdio.h>
#include <sys/types.h>
#include "io/output.h"

/* Parses an output file mode: an octal string ("0600", "640") that gives the
 * owner read and write and nobody execute; < 0 with a message naming `key`
 * when it is not one. */
int cw_outfile_parse_mode(mode_t *out, const char *s, const char *key);
/* Opens a new version of path for writing into *out, with a large buffer, the
 * file mode of o (or `mode`) and o's size guard. */
int cw_outfile_open(FILE **out, cw_output *o, const char *path);
int cw_outfile_open_mode(FILE **out, cw_output *o, const char *path, mode_t mode);
/* Flushes, syncs and puts the file in place (replacing path); < 0 with a
 * message naming path when any write failed, the previous file left as it was. */
int cw_outfile_close(FILE *f, const char *path);
/* The same, with sync 0: without waiting for the disk (the report's pages,
 * whose folder is synced as a whole). */
int cw_outfile_finish(FILE *f, const char *path, int sync);
/* For the many files of a folder that is itself written aside and put in place whole (the report's pages,
 * inside the run's temporary month folder): path is created under its own name, with no temporary name to
 * rename, and a buffer of `buffer` bytes (the hundreds of small pages do not each need a large one). Ended
 * with cw_outfile_finish_direct, which checks every write and removes the file when one failed. */
int cw_outfile_create(FILE **out, cw_output *o, const char *path, size_t buffer);
int cw_outfile_finish_direct(FILE *f, const char *path);
/* Closes without putting the file in place: path stays as it was. */
void cw_outfile_abort(FILE *f, const char *path);
/* Ends a command's output: with path, the file opened by cw_outfile_open is put
 * in place when rc is 0 and dropped otherwise; without, f (standard output) is
 * flushed and checked. Returns rc or the error of the end. */
int cw_output_end(FILE *f, const char *path, int rc);
/* fsync of a folder (after a rename in it); errors ignored. */
void cw_sync_dir(const char *path);

/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, unsafe
 * characters as U+FFFD, and unless raw, a formula-like field with an apostrophe
 * in front. */
void cw_csv_write(FILE *f, const char *s, size_t len, int raw);
/* How a CSV goes out: CW_CSV_RAW leaves formulas live, CW_CSV_EXCEL ends lines
 * with CRLF (its writer puts the UTF-8 byte-order mark first). */
enum { CW_CSV_RAW = 1, CW_CSV_EXCEL = 2 };
/* A field, then ',' or the line end when last. */
void cw_csv_put(FILE *f, const char *s, size_t len, int last, int flags);
/* A field (NULL: empty, never raw), then ',' (or '\n' when last). */
void cw_csv_cell(FILE *f, const char *s, int last);
/* A header row from a NULL-terminated list. */
void cw_csv_header(FILE *f, const char *const *names);

#endif
