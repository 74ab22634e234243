/* csvtab.h: reading claimwatch's own CSV outputs back (ranking.csv, findings.csv,
 * reviews.csv) by column name.
 *
 * A thin layer over the streaming reader (csv.h): the header row maps the
 * columns the caller asks for, in any order; extra columns are ignored. A name
 * that starts with '?' is optional (its field reads as empty when the column is
 * absent). A malformed record or a row with the wrong number of fields is an
 * error naming the file and line: these files are written by claimwatch, so a
 * damaged one must not be half-read silently.
 *
 * Fields of claimwatch's files (cw_csvtab_open, cw_csvtab_open_mem) are read
 * back as they were meant: the apostrophe that the writers put before a
 * formula-like text (safetext.h) comes off. A reader of a database's COPY
 * output (cw_csvtab_open_reader) takes the fields as they are. */
#ifndef CW_CSVTAB_H
#define CW_CSVTAB_H
#include <stddef.h>
#include <stdint.h>

#define CW_CSVTAB_MAX 64

/* Opaque, so that csv.h stays out of its users. */
typedef struct cw_csvtab cw_csvtab;

/* Opens path and reads its header; names is NULL-terminated. CW_ENOTFOUND when
 * the file does not exist, CW_EINVALID when a required column is missing. *t is NULL after a failure
 * (cw_csvtab_close takes it). */
int cw_csvtab_open(cw_csvtab **t, const char *path, const char *const *names);
/* The same over a stream (the output of a COPY ... TO STDOUT (FORMAT csv, HEADER)): fn reads up to n
 * bytes into buf and returns the count, 0 at the end or -1 (csv.h's cw_csv_read_fn); name names the
 * stream in messages. */
int cw_csvtab_open_reader(cw_csvtab **t, long (*fn)(void *ctx, char *buf, size_t n), void *ctx,
                          const char *name, const char *const *names);
/* The same over len bytes of a file's text in memory (kept by the caller until closed). */
int cw_csvtab_open_mem(cw_csvtab **t, const char *name, const char *data, size_t len, const char *const *names);
/* The next row: 1, 0 at the end, < 0 on a read error or a malformed row
 * (CW_EINVALID). */
int cw_csvtab_next(cw_csvtab *t);
/* Field i (the index in names) of the current row as a slice. */
const char *cw_csvtab_field(const cw_csvtab *t, size_t i, size_t *len);
/* Field i copied into buf, NUL-terminated (cut to size - 1 bytes). */
char *cw_csvtab_copy(char *buf, size_t size, const cw_csvtab *t, size_t i);
/* Field i as a new string (caller frees); NULL when out of memory. */
char *cw_csvtab_dup(const cw_csvtab *t, size_t i);
/* The current row's line number in the file, and the byte offset where it starts. */
uint64_t cw_csvtab_line(const cw_csvtab *t);
uint64_t cw_csvtab_offset(const cw_csvtab *t);
/* 1 when the current row is the last one and lacks its line break (a write cut short). */
int cw_csvtab_torn(const cw_csvtab *t);
const char *cw_csvtab_path(const cw_csvtab *t);
/* Closes and frees (NULL is fine). */
void cw_csvtab_close(cw_csvtab *t);

#endif
