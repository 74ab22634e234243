/* outfile.h: creating output files and writing CSV fields.
 *
 * Output files name physicians and patients, so they are created readable by
 * their owner only (0600) unless the mode is changed (rules: output.file_mode,
 * set with cw_outfile_set_mode). Closing reports write errors, so a full disk
 * fails the run instead of leaving a truncated file behind. */
#ifndef CW_OUTFILE_H
#define CW_OUTFILE_H
#include <stdio.h>
#include <sys/types.h>

void cw_outfile_set_mode(mode_t file_mode);
/* Parses such a string; < 0 with a message naming `key` when it is not one. */
int cw_outfile_parse_mode(const char *s, const char *key, mode_t *out);
mode_t cw_outfile_mode(void);
/* The mode for folders: the file mode plus x where r is set. */
mode_t cw_outfile_dir_mode(void);
/* Opens path for writing (created or truncated) with a large buffer. */
int cw_outfile_open(const char *path, FILE **out);
/* Flushes, syncs and closes; < 0 with a message naming path when any write failed. */
int cw_outfile_close(FILE *f, const char *path);

/* A CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). */
void cw_csv_field(FILE *f, const char *s);
/* A field, then ',' (or '\n' when last). */
void cw_csv_cell(FILE *f, const char *s, int last);
/* A header row from a NULL-terminated list. */
void cw_csv_header(FILE *f, const char *const *names);

#endif
