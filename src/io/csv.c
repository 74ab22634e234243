/* csv.c: the streaming RFC 4180 reader (see csv.h).
 *
 * The buffer holds at most one partial record plus one block: when a record
 * runs past the data read so far, its start is moved to the front and another
 * block is appended, and the record is parsed again from its start. A record
 * that passes max_record is given up: it is followed to its real end, quoting
 * included, without being held (see too_long).
 *
 * Input that is not a regular file (a FIFO) is waited for with poll(): after
 * a second a note says what is awaited, and after `timeout` seconds without
 * data the read fails.
 *
 * The common record (one line, no quotes) takes the fast path: one pass of
 * the field scan (csv_scan.c: scalar, SSE2 or AVX2, chosen at run time) finds
 * its commas and its line break and proves there is no quote or NUL before
 * it. Anything else takes the byte-exact slow path. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/csv_scan.h"
#include "util/progress.h"
#include "util/utf8.h"

#define RAW_KEEP (4096 + 64) /* what is kept of a record too long to hold */
#define PAD CW_CSV_PAD       /* readable bytes after the data, for the scan's vector loads */

struct cw_csv {
	cw_csv_read_fn read;
	void *ctx;
	int fd; /* -1 when reading through a callback */
	int seekable; /* fd is a regular file */
	int waits;    /* fd is a FIFO or the like: poll before reading */
	int noted, timed_out;
	double timeout;
	char *name;
	char *buf; /* cap + PAD bytes */
	size_t cap, pos, end;
	int eof, started, skipping;
	int mem; /* buf is the caller's memory (cw_csv_open_mem) */
	uint64_t line, bytes;
	size_t block, max_record, max_fields;
	cw_csv_field *fields;
	char *scratch; /* unescaped quoted fields, cap bytes, allocated on first use */
	size_t scratch_len, scratch_cap;
	const char *fault; /* a fault found inside a quoted field: the record is bad once it ends */
	int state;         /* where too_long is in a record's quoting (enum scan) */
	uint64_t open_off, open_line; /* too_long: the latest opening quote */
	char side[RAW_KEEP]; /* the kept start of a record too long to hold */
	char reason[160];
	cw_csv_scan_fn scan; /* the field scan (csv_scan.h) */
	int slow;            /* CW_SCAN_SLOW: every record through parse_slow */
};

/* Takes the field scan in use when the reader is opened. */
static void set_scan(cw_csv *c)
{
	int kind = cw_csv_scan_kind();
	c->scan = cw_csv_scan_get(kind);
	c->slow = kind == CW_SCAN_SLOW;
}

enum { P_DONE, P_BLANK, P_MORE, P_FAIL };

/* Waits until the input has something to read (or its writer went away):
 * after a second, says once what is awaited; after c->timeout seconds
 * without anything (0: no limit), fails with errno ETIMEDOUT. */
static int wait_input(cw_csv *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	double start = cw_now();
	for (;;) {
		double left = c->timeout > 0 ? c->timeout - (cw_now() - start) : -1;
		if (c->timeout > 0 && left <= 0) {
			c->timed_out = 1;
			errno = ETIMEDOUT;
			return -1;
		}
		int ms = left < 0 ? -1 : (int)(left * 1000) + 1;
		if (!c->noted && (ms < 0 || ms > 1000))
			ms = 1000;
		int n = poll(&pfd, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0 && !c->noted) {
			c->noted = 1;
			if (c->timeout > 0)
				cw_progress_note("%s: waiting for data (not a regular file: a FIFO?); giving up after %g s "
				                 "without any (--input-timeout, load.input_timeout_seconds)", c->name, c->timeout);
			else
				cw_progress_note("%s: waiting for data (not a regular file: a FIFO?)", c->name);
		}
	}
}

static long fd_read(void *ctx, char *buf, size_t n)
{
	cw_csv *c = ctx;
	for (;;) {
		if (c->waits && wait_input(c) < 0)
			return -1;
		ssize_t r = read(c->fd, buf, n);
		if (r >= 0 || (errno != EINTR && errno != EAGAIN))
			return (long)r;
	}
}

static cw_csv *csv_new(const char *name, const cw_csv_opts *opts)
{
	cw_csv *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->fd = -1;
	c->block = opts && opts->block ? opts->block : CW_CSV_BLOCK;
	c->max_record = opts && opts->max_record ? opts->max_record : CW_CSV_MAX_RECORD;
	c->max_fields = opts && opts->max_fields ? opts->max_fields : CW_CSV_MAX_FIELDS;
	c->line = 1;
	set_scan(c);
	c->name = strdup(name);
	c->fields = malloc((c->max_fields + 1) * sizeof *c->fields);
	if (!c->name || !c->fields) {
		cw_csv_close(c);
		return NULL;
	}
	return c;
}

int cw_csv_open_mem(cw_csv **out, const char *name, const cw_csv_opts *opts)
{
	cw_csv *c = csv_new(name, opts);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", name);
	c->mem = 1;
	c->started = 1;
	c->eof = 1;
	*out = c;
	return 0;
}

void cw_csv_mem_reset(cw_csv *c, const char *data, size_t len, uint64_t line)
{
	c->buf = (char *)(uintptr_t)data; /* a memory reader never writes its buffer */
	c->pos = 0;
	c->end = c->cap = len;
	c->eof = 1;
	c->skipping = 0;
	c->fault = NULL;
	c->line = line;
	c->bytes = len;
}

int cw_csv_open_reader(cw_csv **out, cw_csv_read_fn fn, void *ctx, const char *name, const cw_csv_opts *opts)
{
	cw_csv *c = calloc(1, sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", name);
	c->read = fn;
	c->ctx = ctx;
	c->fd = -1;
	c->block = opts && opts->block ? opts->block : CW_CSV_BLOCK;
	c->max_record = opts && opts->max_record ? opts->max_record : CW_CSV_MAX_RECORD;
	c->max_fields = opts && opts->max_fields ? opts->max_fields : CW_CSV_MAX_FIELDS;
	c->timeout = opts ? opts->timeout : 0;
	c->cap = c->max_record + c->block + 1;
	c->line = 1;
	set_scan(c);
	c->name = strdup(name);
	c->buf = malloc(c->cap + PAD);
	c->fields = malloc((c->max_fields + 1) * sizeof *c->fields);
	if (!c->name || !c->buf || !c->fields) {
		cw_csv_close(c);
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", name);
	}
	*out = c;
	return 0;
}

int cw_csv_open(cw_csv **out, const char *path, const cw_csv_opts *opts)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO without a writer: do not block here */
	if (fd < 0)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "%s: %s", path,
		                    errno == ENOENT ? "no such file" : strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return cw_error_set(CW_EIO, "%s: %s", path, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return cw_error_set(CW_EIO, "%s: is a directory, not a file", path);
	}
	cw_csv *c;
	int rc = cw_csv_open_reader(&c, fd_read, NULL, path, opts);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	c->fd = fd;
	c->ctx = c;
	c->seekable = S_ISREG(st.st_mode);
	c->waits = !c->seekable;
	if (c->seekable)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*out = c;
	return 0;
}

void cw_csv_close(cw_csv *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->name);
	if (!c->mem)
		free(c->buf);
	free(c->fields);
	free(c->scratch);
	free(c);
}

uint64_t cw_csv_bytes(const cw_csv *c) { return c->bytes; }

void cw_csv_tell(uint64_t *offset, uint64_t *line, const cw_csv *c)
{
	*offset = c->bytes - (c->end - c->pos);
	*line = c->line;
}

int cw_csv_seek(cw_csv *c, uint64_t offset, uint64_t line)
{
	if (!c->seekable || c->mem)
		return cw_error_set(CW_ERROR, "internal: %s cannot seek", c->name);
	if (lseek(c->fd, (off_t)offset, SEEK_SET) == (off_t)-1)
		return cw_error_set(CW_EIO, "%s: seek failed: %s", c->name, strerror(errno));
	c->pos = c->end = 0;
	c->eof = c->skipping = 0;
	c->fault = NULL;
	c->started = 1;
	c->bytes = offset;
	c->line = line;
	return 0;
}

/* Moves the unconsumed data to the front and appends a block (or what is
 * left of the input). Short reads (pipes, a callback handing out rows) are
 * gathered into one block, so a long record is parsed again a bounded number
 * of times, not once per read. */
static int refill(cw_csv *c)
{
	if (c->pos > 0) {
		memmove(c->buf, c->buf + c->pos, c->end - c->pos);
		c->end -= c->pos;
		c->pos = 0;
	}
	size_t room = c->cap - c->end;
	if (room > c->block)
		room = c->block;
	while (room > 0) {
		long n = c->read(c->ctx, c->buf + c->end, room);
		if (n < 0 && c->timed_out)
			return cw_error_set(CW_EIO, "%s: nothing to read for %g s (--input-timeout, "
			                    "load.input_timeout_seconds): is anything writing to it?", c->name, c->timeout);
		if (n < 0)
			return cw_error_set(CW_EIO, "%s: read failed: %s", c->name, strerror(errno));
		if (n == 0) {
			c->eof = 1;
			break;
		}
		c->end += (size_t)n;
		c->bytes += (uint64_t)n;
		room -= (size_t)n;
	}
	return 0;
}

static uint64_t count_newlines(const char *p, const char *e)
{
	uint64_t n = 0;
	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

static inline void add_field(cw_csv *c, size_t *n, const char *p, size_t len)
{
	if (*n < c->max_fields) {
		c->fields[*n].ptr = p;
		c->fields[*n].len = len;
	}
	(*n)++;
}

/* The reason for a record longer than max_record, on lines first to last. */
static void long_record(cw_csv *c, uint64_t first, uint64_t last)
{
	if (last > first)
		snprintf(c->reason, sizeof c->reason, "record longer than %zu bytes (it spans lines %llu to %llu)",
		         c->max_record, (unsigned long long)first, (unsigned long long)last);
	else
		snprintf(c->reason, sizeof c->reason, "record longer than %zu bytes", c->max_record);
}

/* The reason for a record [p, rec_end) longer than max_record held whole
 * (out of line: finish_record is on every record's path). */
__attribute__((noinline, cold)) static const char *held_too_long(cw_csv *c, const char *p, const char *rec_end)
{
	long_record(c, c->line, c->line + count_newlines(p, rec_end));
	return c->reason;
}

/* Fills *r for the record [p, rec_end) whose next record starts at `next`. */
static int finish_record(cw_csv *c, cw_csv_record *r, const char *p, const char *rec_end, const char *next,
                         size_t n, uint64_t newlines)
{
	r->line = c->line;
	r->raw = p;
	r->raw_len = (size_t)(rec_end - p);
	r->field = c->fields;
	r->nfields = n;
	r->error = NULL;
	r->no_newline = next[-1] != '\n';
	if ((size_t)(next - p) > c->max_record) {
		r->error = held_too_long(c, p, rec_end);
	} else if (n > c->max_fields) {
		snprintf(c->reason, sizeof c->reason, "more than %zu fields", c->max_fields);
		r->error = c->reason;
	}
	if (r->error)
		r->nfields = 0;
	c->line += newlines;
	c->pos = (size_t)(next - c->buf);
	return P_DONE;
}

/* finish_record for the slow path, where a fault found inside a quoted field
 * (c->fault) rejects the record once its end is known. */
static int finish_slow(cw_csv *c, cw_csv_record *r, const char *p, const char *rec_end, const char *next, size_t n,
                       uint64_t newlines)
{
	int rc = finish_record(c, r, p, rec_end, next, n, newlines);
	if (c->fault) {
		r->error = c->fault;
		r->nfields = 0;
		c->fault = NULL;
	}
	return rc;
}

/* A malformed record: it ends at the first line break at or after `at`.
 * When that is not in the buffer yet, P_MORE reads on (the record is parsed
 * again); past max_record, the start of the record is kept aside and the rest
 * skipped by the next call. */
static int bad_record(cw_csv *c, cw_csv_record *r, const char *why, const char *at)
{
	const char *p = c->buf + c->pos, *end = c->buf + c->end;
	const char *nl = at < end ? memchr(at, '\n', (size_t)(end - at)) : NULL;
	c->fault = NULL;
	if (!nl && !c->eof && (size_t)(end - p) <= c->max_record)
		return P_MORE;
	r->line = c->line;
	r->error = why;
	r->nfields = 0;
	r->field = c->fields;
	r->no_newline = 0;
	if (nl) {
		r->raw = p;
		r->raw_len = (size_t)(nl - p) - (nl > p && nl[-1] == '\r');
		c->line += count_newlines(p, nl + 1);
		c->pos = (size_t)(nl + 1 - c->buf);
		return P_DONE;
	}
	size_t len = (size_t)(end - p);
	if (c->eof) {
		r->raw = p;
		r->raw_len = len;
		r->no_newline = 1;
	} else {
		if (len > sizeof c->side)
			len = sizeof c->side;
		memcpy(c->side, p, len);
		r->raw = c->side;
		r->raw_len = len;
		c->skipping = 1;
	}
	c->line += count_newlines(p, end);
	c->pos = c->end;
	return P_DONE;
}

/* Discards input up to and including the next line break. */
static int skip_line(cw_csv *c)
{
	for (;;) {
		const char *p = c->buf + c->pos, *end = c->buf + c->end;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl) {
			c->pos = (size_t)(nl + 1 - c->buf);
			c->line++;
			c->skipping = 0;
			return 0;
		}
		c->pos = c->end;
		if (c->eof) {
			c->skipping = 0;
			return 0;
		}
		int rc = refill(c);
		if (rc < 0)
			return rc;
	}
}

/* The field (cs..ce, inside quotes) with each "" made one ", in scratch. */
static const char *unescape(cw_csv *c, const char *cs, const char *ce, size_t *len)
{
	char *dst = c->scratch + c->scratch_len, *d = dst;
	while (cs < ce) {
		*d++ = *cs;
		cs += (*cs == '"') ? 2 : 1;
	}
	*len = (size_t)(d - dst);
	c->scratch_len += *len;
	return dst;
}

/* Byte classes of the slow path's unquoted scan: ',', '"', '\n' and NUL. */
static const unsigned char special[256] = { [0] = 1, [','] = 1, ['"'] = 1, ['\n'] = 1 };

/* The general parser, byte-exact RFC 4180. */
static int parse_slow(cw_csv *c, cw_csv_record *r)
{
	const char *p = c->buf + c->pos, *end = c->buf + c->end, *q = p;
	size_t n = 0;
	c->scratch_len = 0;
	c->fault = NULL;
	for (;;) {
		if (q < end && *q == '"') {
			const char *open = q, *cs = q + 1, *x;
			int doubled = 0;
			for (q = cs;; q = x + 2) {
				x = memchr(q, '"', (size_t)(end - q));
				if (!x || (x + 1 == end && !c->eof)) {
					if (!c->eof)
						return P_MORE;
					return bad_record(c, r, "unterminated quoted field (broken quoting)", open);
				}
				if (x + 1 == end || x[1] != '"')
					break;
				doubled = 1;
			}
			if (memchr(cs, 0, (size_t)(x - cs)))
				c->fault = "NUL byte in record"; /* the record ends where its quoting says, not here */
			if (doubled) {
				if (c->scratch_cap < c->cap) {
					free(c->scratch);
					c->scratch_cap = 0;
					if (!(c->scratch = malloc(c->cap))) {
						cw_error_set(CW_ENOMEM, "%s: out of memory", c->name);
						return P_FAIL;
					}
					c->scratch_cap = c->cap;
				}
				size_t len;
				const char *f = unescape(c, cs, x, &len);
				add_field(c, &n, f, len);
			} else {
				add_field(c, &n, cs, (size_t)(x - cs));
			}
			q = x + 1;
			if (q == end || (*q == '\r' && q + 1 == end)) {
				if (!c->eof)
					return P_MORE;
				return finish_slow(c, r, p, q, end, n, count_newlines(p, end));
			}
			if (*q == ',') {
				q++;
				continue;
			}
			if (*q == '\n')
				return finish_slow(c, r, p, q, q + 1, n, count_newlines(p, q + 1));
			if (*q == '\r' && q[1] == '\n')
				return finish_slow(c, r, p, q, q + 2, n, count_newlines(p, q + 2));
			return bad_record(c, r, "garbage after a closing quote", q);
		}
		const char *x = q;
		while (x < end && !special[(unsigned char)*x])
			x++;
		if (x == end) {
			if (!c->eof)
				return P_MORE;
			const char *fe = (x > q && x[-1] == '\r') ? x - 1 : x;
			add_field(c, &n, q, (size_t)(fe - q));
			return finish_slow(c, r, p, fe, end, n, count_newlines(p, end));
		}
		switch (*x) {
		case ',':
			add_field(c, &n, q, (size_t)(x - q));
			q = x + 1;
			continue;
		case '\n': {
			const char *fe = (x > q && x[-1] == '\r') ? x - 1 : x;
			add_field(c, &n, q, (size_t)(fe - q));
			return finish_slow(c, r, p, fe, x + 1, n, count_newlines(p, x + 1));
		}
		case '"':
			return bad_record(c, r, "stray quote in an unquoted field", x);
		default:
			return bad_record(c, r, "NUL byte in record", x);
		}
	}
}

/* A blank line [p, le) (le at its line feed, or the end of the input):
 * skipped. Returns P_BLANK, or -1 when the line is not blank. */
static int blank_line(cw_csv *c, const char *p, const char *le, const char *nl)
{
	if (le > p && le[-1] == '\r')
		le--;
	if (le != p)
		return -1;
	c->pos = nl ? (size_t)(nl + 1 - c->buf) : c->end;
	c->line += nl != NULL;
	return P_BLANK;
}

/* CW_SCAN_SLOW: blank lines skipped as by the fast path, every other record
 * through the general parser (the reference the fast path is tested against). */
static int parse_slow_only(cw_csv *c, cw_csv_record *r)
{
	const char *p = c->buf + c->pos, *end = c->buf + c->end;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *le = nl ? nl : c->eof ? end : NULL;
	if (!le && (size_t)(end - p) <= c->max_record)
		return P_MORE;
	int rc = le ? blank_line(c, p, le, nl) : -1;
	return rc >= 0 ? rc : parse_slow(c, r);
}

/* The fast path: one scan finds the commas of the record and its line feed;
 * a quote or a NUL before it sends the record to the slow path. */
static int parse_record(cw_csv *c, cw_csv_record *r)
{
	if (c->slow)
		return parse_slow_only(c, r);
	const char *p = c->buf + c->pos, *end = c->buf + c->end;
	cw_csv_split s = { c->fields, c->max_fields, 0, p };
	const char *x = c->scan(&s, p, end);
	if (x < end && *x != '\n') /* a quote or a NUL */
		return parse_slow(c, r);
	const char *nl = x < end ? x : NULL;
	const char *le = nl ? nl : c->eof ? end : NULL;
	if (!le) {
		if ((size_t)(end - p) <= c->max_record)
			return P_MORE;
		return parse_slow(c, r);
	}
	int rc = blank_line(c, p, le, nl);
	if (rc >= 0)
		return rc;
	if (le[-1] == '\r')
		le--;
	add_field(c, &s.n, s.start, (size_t)(le - s.start));
	return finish_record(c, r, p, le, nl ? nl + 1 : end, s.n, nl != NULL);
}

int cw_csv_whole(cw_csv *c, const char *data, size_t len, size_t max, size_t *whole, int *giant)
{
	cw_csv_mem_reset(c, data, len, 1);
	c->eof = 0; /* more input follows: cut as the streaming reader would */
	*giant = 0;
	cw_csv_record r;
	while (c->pos < c->end) {
		size_t start = c->pos;
		switch (parse_record(c, &r)) {
		case P_BLANK:
			continue;
		case P_FAIL:
			c->eof = 1;
			return CW_ENOMEM;
		case P_DONE:
			if (!c->skipping && c->pos - start <= max)
				continue;
			*giant = 1;
			break;
		default: /* P_MORE: the record goes on past len */
			*giant = c->end - start > c->max_record;
		}
		*whole = start;
		c->eof = 1;
		return 0;
	}
	*whole = len;
	c->eof = 1;
	return 0;
}

/* Where too_long is in a record's quoting, byte-exact with parse_slow. */
enum scan {
	S_FIELD,    /* at the start of a field */
	S_UNQUOTED, /* in an unquoted field */
	S_QUOTED,   /* in a quoted field */
	S_QUOTE,    /* after a quote in a quoted field: its end, or the first of "" */
	S_CR,       /* after a closing quote and a CR */
	S_FAULT     /* after a fault (a stray quote, a NUL, text after a closing quote): ends at the line break */
};

/* A byte of [q, e) in the input, as a file offset. */
static uint64_t offset_of(const cw_csv *c, const char *q)
{
	return c->bytes - (uint64_t)(c->buf + c->end - q);
}

/* In an unquoted field, or at a field's start: the record ends at the next
 * line break unless a quote or a NUL comes first. Sets *done when it ends
 * (and returns just past its line break). */
static const char *scan_unquoted(cw_csv *c, const char *q, const char *e, int *done)
{
	if (c->state == S_FIELD && *q == '"') {
		c->open_off = offset_of(c, q);
		c->open_line = c->line;
		c->state = S_QUOTED;
		return q + 1;
	}
	const char *nl = memchr(q, '\n', (size_t)(e - q)), *stop = nl ? nl : e;
	const char *quote = memchr(q, '"', (size_t)(stop - q)), *nul = memchr(q, 0, (size_t)(stop - q));
	if (nul && (!quote || nul < quote)) {
		c->state = S_FAULT;
		return nul + 1;
	}
	if (quote && quote > q && quote[-1] == ',') { /* a quoted field opens */
		c->state = S_FIELD;
		return quote;
	}
	if (quote) { /* a stray quote */
		c->state = S_FAULT;
		return quote + 1;
	}
	if (nl) {
		c->line++;
		*done = 1;
		return nl + 1;
	}
	c->state = e[-1] == ',' ? S_FIELD : S_UNQUOTED;
	return e;
}

/* Follows the quoting of a record from q; returns just past its line break,
 * or NULL when it goes on past e. Counts the lines it passes. */
static const char *scan_record(cw_csv *c, const char *q, const char *e)
{
	int done = 0;
	while (q < e) {
		const char *x;
		switch (c->state) {
		case S_QUOTED:
			x = memchr(q, '"', (size_t)(e - q));
			c->line += count_newlines(q, x ? x : e);
			if (!x)
				return NULL;
			c->state = S_QUOTE;
			q = x + 1;
			break;
		case S_FAULT:
			if (!(x = memchr(q, '\n', (size_t)(e - q))))
				return NULL;
			c->line++;
			return x + 1;
		case S_QUOTE:
		case S_CR:
			if (*q == '\n') {
				c->line++;
				return q + 1;
			}
			if (c->state == S_CR)
				c->state = S_FAULT;
			else
				c->state = *q == '"' ? S_QUOTED : *q == ',' ? S_FIELD : *q == '\r' ? S_CR : S_FAULT;
			q++;
			break;
		default:
			q = scan_unquoted(c, q, e, &done);
			if (done)
				return q;
		}
	}
	return NULL;
}

/* A quoted field that does not end before the end of the input: a broken
 * quote. A file is read again from the line after the opening quote (as a
 * short record would be); a stream cannot go back, so the read fails. This
 * happens once per file at most: every line after that quote left the scan
 * inside a quoted field, and no line can both do that and, read from its
 * start, open a quoted field it leaves open. */
static int unterminated(cw_csv *c, cw_csv_record *r)
{
	uint64_t open_line = c->open_line;
	snprintf(c->reason, sizeof c->reason, "record longer than %zu bytes (a quoted field that does not end: "
	         "broken quoting?)", c->max_record);
	r->error = c->reason;
	if (!c->seekable)
		return cw_error_set(CW_EINVALID, "%s: line %llu: a quoted field opened on line %llu does not end before "
		                    "the end of the input and the record is longer than %zu bytes: broken quoting; "
		                    "the input cannot be read again from the line after the quote", c->name,
		                    (unsigned long long)r->line, (unsigned long long)open_line, c->max_record);
	int rc = cw_csv_seek(c, c->open_off, open_line);
	if (rc == 0)
		rc = skip_line(c);
	return rc < 0 ? rc : 1;
}

/* A record past max_record while more input follows: it is rejected with its
 * first 4 KiB, and the rest of it is read and dropped up to its real end,
 * following its quoting: a line break inside a quoted field does not end it.
 * Returns 1, or < 0 when reading failed. */
static int too_long(cw_csv *c, cw_csv_record *r)
{
	size_t keep = c->end - c->pos < sizeof c->side ? c->end - c->pos : sizeof c->side;
	memcpy(c->side, c->buf + c->pos, keep);
	*r = (cw_csv_record){ .line = c->line, .field = c->fields, .raw = c->side, .raw_len = keep, .error = c->reason };
	c->fault = NULL;
	c->state = S_FIELD;
	for (;;) {
		const char *stop = scan_record(c, c->buf + c->pos, c->buf + c->end);
		if (stop) {
			c->pos = (size_t)(stop - c->buf);
			break;
		}
		c->pos = c->end;
		if (c->eof && c->state == S_QUOTED)
			return unterminated(c, r);
		if (c->eof) {
			r->no_newline = 1;
			break;
		}
		int rc = refill(c);
		if (rc < 0)
			return rc;
	}
	long_record(c, r->line, c->line - !r->no_newline);
	return 1;
}

/* Skips a UTF-8 byte-order mark at the start of the input. */
static int skip_bom(cw_csv *c)
{
	while (c->end < 3 && !c->eof) {
		int rc = refill(c);
		if (rc < 0)
			return rc;
	}
	if (c->end >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	c->started = 1;
	return 0;
}

int cw_csv_next(cw_csv *c, cw_csv_record *r)
{
	int rc;
	if (!c->started && (rc = skip_bom(c)) < 0)
		return rc;
	if (c->skipping && (rc = skip_line(c)) < 0)
		return rc;
	for (;;) {
		if (c->pos == c->end) {
			if (c->eof)
				return 0;
			if ((rc = refill(c)) < 0)
				return rc;
			continue;
		}
		switch (parse_record(c, r)) {
		case P_DONE:
			return 1;
		case P_BLANK:
			continue;
		case P_FAIL:
			return CW_ENOMEM;
		}
		if (c->end - c->pos > c->max_record)
			return too_long(c, r);
		if ((rc = refill(c)) < 0)
			return rc;
	}
}

char *cw_printable(char *dst, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s, *e = u + len;
	size_t o = 0;
	if (size < 8) {
		if (size)
			dst[0] = 0;
		return dst;
	}
	size_t lim = size - 4; /* room for "..." and the NUL */
	while (u < e) {
		size_t n = *u < 0x80 ? 1 : cw_utf8_seq(u, e);
		/* C0, DEL and the C1 controls (U+0080..U+009F: NEL, CSI...) are escaped */
		int esc = n == 0 || (n == 1 && (*u < 0x20 || *u == 0x7F)) || (n == 2 && *u == 0xC2 && u[1] < 0xA0);
		if (o + (esc ? 4 : n) > lim) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (esc) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*u >> 4];
			dst[o++] = hex[*u & 15];
			u++;
		} else {
			memcpy(dst + o, u, n);
			o += n;
			u += n;
		}
	}
	dst[o] = 0;
	return dst;
}
