/* csvtab.c: claimwatch's own CSV outputs read back by column name (see csvtab.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/csvtab.h"
#include "util/safetext.h"

struct cw_csvtab {
	cw_csv *csv;
	char path[4096];
	size_t ncols, nhdr;
	int col[CW_CSVTAB_MAX]; /* asked column -> header field, or -1 */
	int ours;               /* a file claimwatch wrote: formula apostrophes come off (safetext.h) */
	uint64_t offset;        /* where the current row starts */
	cw_csv_record rec;
	const char *mem;        /* cw_csvtab_open_mem's data */
	size_t memleft;
};

static int map_header(cw_csvtab *t, const char *const *names)
{
	int rc = cw_csv_next(t->csv, &t->rec);
	if (rc < 0)
		return rc;
	if (rc == 0 || t->rec.error)
		return cw_error_set(CW_EINVALID, "%s: no readable header row", t->path);
	t->nhdr = t->rec.nfields;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *want = names[i] + (names[i][0] == '?');
		size_t n = strlen(want);
		t->col[i] = -1;
		for (size_t j = 0; j < t->rec.nfields; j++) {
			const cw_csv_field *f = &t->rec.field[j];
			size_t off = j == 0 && f->len >= 3 && !memcmp(f->ptr, "\xEF\xBB\xBF", 3) ? 3 : 0;
			if (f->len - off == n && !memcmp(f->ptr + off, want, n)) {
				t->col[i] = (int)j;
				break;
			}
		}
		if (t->col[i] < 0 && names[i][0] != '?')
			return cw_error_set(CW_EINVALID, "%s: the column '%s' is missing", t->path, want);
	}
	return 0;
}

static long read_mem(void *ctx, char *buf, size_t n)
{
	cw_csvtab *t = ctx;
	if (n > t->memleft)
		n = t->memleft;
	memcpy(buf, t->mem, n);
	t->mem += n;
	t->memleft -= n;
	return (long)n;
}

/* Opens from a file (fn NULL), a reader or memory (fn read_mem, t filled). */
static int open_tab(cw_csvtab **out, cw_csvtab *t, const char *path, cw_csv_read_fn fn, void *ctx,
                    const char *const *names)
{
	*out = NULL; /* a caller may close what it got whatever the outcome */
	if (!t)
		return cw_error_set(CW_ENOMEM, "out of memory");
	snprintf(t->path, sizeof t->path, "%s", path);
	while (names[t->ncols])
		t->ncols++;
	int rc = t->ncols > CW_CSVTAB_MAX ? cw_error_set(CW_EINVALID, "internal: too many columns asked of %s", path)
	         : fn ? cw_csv_open_reader(&t->csv, fn, ctx, path, NULL) : cw_csv_open(&t->csv, path, NULL);
	if (rc == 0)
		rc = map_header(t, names);
	if (rc < 0) {
		cw_csvtab_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

int cw_csvtab_open(cw_csvtab **out, const char *path, const char *const *names)
{
	cw_csvtab *t = calloc(1, sizeof *t);
	if (t)
		t->ours = 1;
	return open_tab(out, t, path, NULL, NULL, names);
}

int cw_csvtab_open_mem(cw_csvtab **out, const char *name, const char *data, size_t len, const char *const *names)
{
	cw_csvtab *t = calloc(1, sizeof *t);
	if (t) {
		t->ours = 1;
		t->mem = data;
		t->memleft = len;
	}
	return open_tab(out, t, name, read_mem, t, names);
}

int cw_csvtab_open_reader(cw_csvtab **out, long (*fn)(void *ctx, char *buf, size_t n), void *ctx,
                          const char *name, const char *const *names)
{
	return open_tab(out, calloc(1, sizeof(cw_csvtab)), name, fn, ctx, names);
}

int cw_csvtab_next(cw_csvtab *t)
{
	uint64_t line;
	cw_csv_tell(&t->offset, &line, t->csv);
	int rc = cw_csv_next(t->csv, &t->rec);
	if (rc <= 0)
		return rc;
	if (t->rec.error)
		return cw_error_set(CW_EINVALID, "%s: line %llu: %s", t->path, (unsigned long long)t->rec.line,
		                    t->rec.error);
	if (t->rec.nfields != t->nhdr)
		return cw_error_set(CW_EINVALID, "%s: line %llu: %zu fields where the header has %zu", t->path,
		                    (unsigned long long)t->rec.line, t->rec.nfields, t->nhdr);
	return 1;
}

const char *cw_csvtab_field(const cw_csvtab *t, size_t i, size_t *len)
{
	if (i >= t->ncols || t->col[i] < 0) {
		*len = 0;
		return "";
	}
	const cw_csv_field *f = &t->rec.field[t->col[i]];
	size_t skip = t->ours ? cw_csv_unneutral(f->ptr, f->len) : 0;
	*len = f->len - skip;
	return f->ptr + skip;
}

char *cw_csvtab_copy(char *buf, size_t size, const cw_csvtab *t, size_t i)
{
	size_t len;
	const char *s = cw_csvtab_field(t, i, &len);
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = 0;
	return buf;
}

char *cw_csvtab_dup(const cw_csvtab *t, size_t i)
{
	size_t len;
	const char *s = cw_csvtab_field(t, i, &len);
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

uint64_t cw_csvtab_line(const cw_csvtab *t) { return t->rec.line; }
uint64_t cw_csvtab_offset(const cw_csvtab *t) { return t->offset; }
int cw_csvtab_torn(const cw_csvtab *t) { return t->rec.no_newline; }
const char *cw_csvtab_path(const cw_csvtab *t) { return t->path; }

void cw_csvtab_close(cw_csvtab *t)
{
	if (!t)
		return;
	if (t->csv)
		cw_csv_close(t->csv);
	free(t);
}
