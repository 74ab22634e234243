/* csv.h: a streaming RFC 4180 reader for the contract's CSV files.
 *
 * The reader pulls large blocks (1 MiB by default) from a file descriptor or a
 * read callback and hands out one record at a time: its fields as (ptr, len)
 * slices, the 1-based physical line where it starts, and its raw text for the
 * reject file. Unquoted fields and quoted fields without doubled quotes point
 * into the read buffer; fields with doubled quotes are unescaped into a
 * scratch buffer. Everything a record points at stays valid until the next
 * call to cw_csv_next().
 *
 * Accepted: a UTF-8 byte-order mark at the start, CRLF or LF line ends, quoted
 * fields holding commas, doubled quotes and line breaks, a last record without
 * a final line break. Blank lines are skipped.
 *
 * A malformed record is not a failure of the reader: it is returned with
 * `error` set (an unterminated quote, a stray quote in an unquoted field,
 * garbage after a closing quote, a NUL byte, a record longer than max_record,
 * more than max_fields fields) and the reader resynchronises at the first line
 * break at or after the fault (for an unterminated quote: after the opening
 * quote; a NUL inside a quoted field is not a fault of the quoting: the record
 * ends where its quoting says), so one broken row costs one row. A record
 * longer than max_record is never held in memory: the reader keeps its first
 * 4 KiB for the reject file and skips the rest in blocks up to the record's
 * real end, following its quoting, so that the lines of a long quoted field
 * are never read as records. When such a quoted field runs to the end of the
 * input (a broken quote), a file is read again from the line after the
 * opening quote, as for a short record; a stream cannot be, and fails with
 * CW_EINVALID. Otherwise only a failing read() is an error.
 *
 * A file that is not a regular file (a FIFO) is opened without waiting for its
 * writer; reads then wait for data with poll(): after a second a progress note
 * names the file awaited, and after opts->timeout seconds without data the
 * read fails (CW_EIO, with a message that says so). */
#ifndef CW_CSV_H
#define CW_CSV_H
#include <stddef.h>
#include <stdint.h>

typedef struct cw_csv_field {
	const char *ptr;
	size_t len;
} cw_csv_field;

typedef struct cw_csv_record {
	uint64_t line;              /* 1-based physical line where the record starts */
	size_t nfields;             /* fields in the record (0 when error is set) */
	const cw_csv_field *field;  /* nfields slices */
	const char *raw;            /* the record's text, without its line break */
	size_t raw_len;             /* (for a skipped giant record: its first 4 KiB and a bit) */
	const char *error;          /* NULL, or why the whole record is malformed */
	int no_newline;             /* the input's last record, without a final line break */
} cw_csv_record;

/* Reads up to n bytes into buf: returns the count, 0 at the end, or -1 with
 * errno set. */
typedef long (*cw_csv_read_fn)(void *ctx, char *buf, size_t n);

typedef struct cw_csv_opts {
	size_t block;      /* bytes per read; 0: 1 MiB */
	size_t max_record; /* longest record taken; 0: 1 MiB */
	size_t max_fields; /* most fields in a record; 0: 4096 */
	double timeout;    /* seconds a FIFO may keep the reader waiting for data; 0: no limit */
} cw_csv_opts;

#define CW_CSV_BLOCK (1u << 20)
#define CW_CSV_MAX_RECORD (1u << 20)
#define CW_CSV_MAX_FIELDS 4096

typedef struct cw_csv cw_csv;

/* Opens a file: CW_ENOTFOUND when it does not exist, CW_EIO when it cannot be
 * read or is a directory. `opts` may be NULL. */
int cw_csv_open(cw_csv **out, const char *path, const cw_csv_opts *opts);
/* Reads from fn(ctx, ...); `name` names the input in messages. */
int cw_csv_open_reader(cw_csv **out, cw_csv_read_fn fn, void *ctx, const char *name, const cw_csv_opts *opts);

/* The next record: 1 with *rec filled, 0 at the end of the input, CW_EIO when
 * reading failed or timed out, CW_EINVALID for a broken quote in a stream
 * (message set, naming the input and the line). */
int cw_csv_next(cw_csv *c, cw_csv_record *rec);

/* Bytes read so far. */
uint64_t cw_csv_bytes(const cw_csv *c);
void cw_csv_close(cw_csv *c);

/* --- for the parallel loader (load_par.c) ------------------------------------
 * A file is cut into chunks at record boundaries; each chunk is parsed from
 * memory on its own thread. The records are the ones the streaming reader
 * would give, as long as no record is longer than about max_record / 2 (the
 * loader falls back to the streaming reader for the rest of the file then). */
#define CW_CSV_PAD 32 /* readable bytes a memory reader needs after the data (csv_scan.h) */

/* Where the next record starts: its byte offset in the input and its line. */
void cw_csv_tell(uint64_t *offset, uint64_t *line, const cw_csv *c);
/* Goes on reading a file opened with cw_csv_open at `offset`, the start of a
 * record numbered `line` (from cw_csv_tell or a record boundary after it). */
int cw_csv_seek(cw_csv *c, uint64_t offset, uint64_t line);
/* A reader of records in memory: cw_csv_mem_reset points it at data[0..len),
 * the whole input (no byte-order mark is looked for), numbered from `line`;
 * CW_CSV_PAD readable bytes must follow data[len - 1]. Records point into data. */
int cw_csv_open_mem(cw_csv **out, const char *name, const cw_csv_opts *opts);
void cw_csv_mem_reset(cw_csv *c, const char *data, size_t len, uint64_t line);
/* With a memory reader: how many bytes at the start of data[0..len) (more
 * input follows) hold whole records, cut exactly where the streaming reader
 * would cut them. *giant is set when the record at *whole is longer than max
 * bytes (or may be: it passes max_record), so it must be left to the
 * streaming reader. Returns 0 or CW_ENOMEM. */
int cw_csv_whole(cw_csv *c, const char *data, size_t len, size_t max, size_t *whole, int *giant);

/* Writes s as printable text into dst (size > 0, always NUL-terminated):
 * bytes that are not valid UTF-8 and control characters (C0, DEL and the
 * C1 controls U+0080..U+009F, which terminals may act on) become \xNN, and
 * the text is cut with "..." when it does not fit. For names and values in
 * messages. Returns dst. */
char *cw_printable(char *dst, size_t size, const char *s, size_t len);

#endif
