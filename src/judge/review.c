/* review.c: inspectors' decisions on findings, kept in ROOT/reviews.csv (see claimwatch/review.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "io/csvtab.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "util/grow.h"
#include "util/strbuf.h"

#define ID_MAX 72

typedef struct decision {
	char id[ID_MAX];
	char month[8];
	int status;
	size_t seq; /* line order: the latest wins */
} decision;

struct cw_reviews {
	decision *d;
	size_t n, cap;
	char *warnings; /* one per line */
};

static const char *const status_names[] = { "", "confirmed", "dismissed" };
static const char *const file_columns[] = { "time", "by", "finding_id", "month", "status", "note", NULL };
enum { C_TIME, C_BY, C_ID, C_MONTH, C_STATUS, C_NOTE };

const char *cw_review_status_name(int s) { return s >= 0 && s <= CW_REVIEW_DISMISSED ? status_names[s] : ""; }

int cw_review_status_parse(const char *s)
{
	if (!strcmp(s, "confirmed"))
		return CW_REVIEW_CONFIRMED;
	if (!strcmp(s, "dismissed"))
		return CW_REVIEW_DISMISSED;
	return -1;
}

static int by_id_then_seq(const void *a, const void *b)
{
	const decision *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sorts by id and keeps the latest decision of each finding. */
static void keep_latest(cw_reviews *rv)
{
	if (!rv->n)
		return;
	qsort(rv->d, rv->n, sizeof *rv->d, by_id_then_seq);
	size_t w = 0;
	for (size_t i = 0; i < rv->n; i++) {
		if (w && !strcmp(rv->d[w - 1].id, rv->d[i].id))
			rv->d[w - 1] = rv->d[i];
		else
			rv->d[w++] = rv->d[i];
	}
	rv->n = w;
}

/* --- the file's text ---------------------------------------------------------------------------- */

/* ROOT/reviews.csv into buf; < 0 when it does not fit. */
static int file_path(const char *root, char *buf, size_t size)
{
	if (snprintf(buf, size, "%s/reviews.csv", root) >= (int)size)
		return cw_error_set(CW_EINVALID, "path too long under %s", root);
	return 0;
}

/* Reads all of fd into a new buffer (caller frees *text). */
static int read_all(int fd, const char *path, size_t size, char **text, size_t *len)
{
	char *buf = malloc(size + 1);
	size_t got = 0;
	ssize_t n = 1;
	if (!buf)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += (size_t)n;
	if (n < 0) {
		free(buf);
		return cw_error_set(CW_EIO, "cannot read %s: %s", path, strerror(errno));
	}
	*text = buf;
	*len = got;
	return 0;
}

/* The whole file (caller frees *text); a missing file is empty. Its mode goes to *mode (the default
 * output file mode, 0600, when missing). */
static int read_text(const char *root, const char *path, char **text, size_t *len, mode_t *mode)
{
	struct stat st;
	*text = NULL;
	*len = 0;
	*mode = CW_OUTPUT_FILE_MODE;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = errno;
	if (fd < 0 && err == ENOENT)
		return 0;
	if (fd < 0 && err == ENOTDIR && cw_folder_check(root, "output folder") < 0)
		return CW_EIO; /* ROOT, or a folder above it, is a file: the message says which */
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot read %s: %s", path, strerror(err));
	int rc = fstat(fd, &st) != 0 ? cw_error_set(CW_EIO, "cannot read %s: %s", path, strerror(errno))
	         : !S_ISREG(st.st_mode) ? cw_error_set(CW_EIO, "%s is not a file", path)
	         : read_all(fd, path, (size_t)st.st_size, text, len);
	if (rc == 0)
		*mode = st.st_mode & 0666;
	close(fd);
	return rc;
}

/* What reading the text found: the bytes at its start that hold a header and whole, readable records,
 * and where the damage after them starts. */
typedef struct scan {
	size_t clean;
	uint64_t bad_line; /* 0: no damage */
	char why[512];     /* what is wrong at that line */
} scan;

/* The reason of the reader's last message, without its "PATH: line N: " prefix. */
static void note_why(scan *sc, const char *path)
{
	const char *m = cw_error_last(), *p;
	size_t n = strlen(path);
	if (!strncmp(m, path, n) && !strncmp(m + n, ": ", 2))
		m += n + 2;
	if (!strncmp(m, "line ", 5) && (p = strstr(m, ": ")))
		m = p + 2;
	snprintf(sc->why, sizeof sc->why, "%s", m);
}

static void add_warning(cw_sb *warn, const char *fmt, ...) CW_PRINTF(2, 3);
static void add_warning(cw_sb *warn, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	cw_sb_add(warn, "\n", line);
}

/* One readable row as a decision of rv; a status that is neither is skipped with a warning. */
static int take_row(const cw_csvtab *t, const char *path, cw_reviews *rv, cw_sb *warn)
{
	char status[16];
	int s = cw_review_status_parse(cw_csvtab_copy(status, sizeof status, t, C_STATUS));
	if (s < 0) {
		add_warning(warn, "warning: %s: line %llu: status '%s' is neither confirmed nor dismissed: this decision "
		            "is ignored", path, (unsigned long long)cw_csvtab_line(t), status);
		return 0;
	}
	if (cw_grow((void **)&rv->d, &rv->cap, rv->n + 1, sizeof *rv->d) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
	decision *d = &rv->d[rv->n];
	cw_csvtab_copy(d->id, sizeof d->id, t, C_ID);
	cw_csvtab_copy(d->month, sizeof d->month, t, C_MONTH);
	d->status = s;
	d->seq = rv->n++;
	return 0;
}

/* Reads the text up to its first damaged record (a broken quote, a wrong number of fields, a last record
 * without its line break: a write cut short), the decisions into rv when not NULL. */
static int scan_text(const char *path, const char *text, size_t len, cw_reviews *rv, cw_sb *warn, scan *sc)
{
	cw_csvtab *t;
	memset(sc, 0, sizeof *sc);
	if (!len)
		return 0;
	int rc = cw_csvtab_open_mem(&t, path, text, len, file_columns);
	if (rc == CW_ENOMEM)
		return rc;
	if (rc < 0) { /* the header itself is damaged: the whole file is */
		sc->bad_line = 1;
		note_why(sc, path);
		return 0;
	}
	while ((rc = cw_csvtab_next(t)) == 1 && !cw_csvtab_torn(t))
		if (rv && (rc = take_row(t, path, rv, warn)) < 0)
			break;
	if (rc == 0) {
		sc->clean = len;
	} else if (rc != CW_ENOMEM) {
		sc->clean = (size_t)cw_csvtab_offset(t);
		sc->bad_line = cw_csvtab_line(t);
		if (rc == 1)
			snprintf(sc->why, sizeof sc->why, "the last record is cut short (no line break after it)");
		else
			note_why(sc, path);
		rc = 0;
	}
	cw_csvtab_close(t);
	return rc;
}

/* --- writing the file whole ---------------------------------------------------------------------- */

/* Takes the lock that writers of ROOT/reviews.csv hold: a lock on the ROOT folder itself (the file is
 * replaced by rename, so a lock on it would not be shared). Returns the descriptor, or -1. */
static int lock_root(const char *root, int nonblocking)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | (nonblocking ? LOCK_NB : 0)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Writes n bytes to a new version of path (mode). The file is a set of outputs of its own, with the
 * default limits: reviews.csv is ROOT's, not a run's. */
static int write_whole(const char *path, mode_t mode, const char *a, size_t na, const char *b, size_t nb)
{
	cw_output o;
	FILE *f;
	cw_output_init(&o);
	int rc = cw_outfile_open_mode(&f, &o, path, mode);
	if (rc < 0)
		return rc;
	fwrite(a, 1, na, f);
	fwrite(b, 1, nb, f);
	return cw_outfile_close(f, path);
}

/* Replaces reviews.csv by its clean part (a header when none), then `add` (a record, or ""). A damaged end
 * goes first to ROOT/reviews.csv.damaged-<time>.<pid>, named in the warning. */
static int store(const char *path, mode_t mode, const char *text, size_t len, const scan *sc, const char *add,
                 cw_sb *warn)
{
	char aside[4200], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0;
	if (sc->bad_line) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
		snprintf(aside, sizeof aside, "%s.damaged-%s.%ld", path, stamp, (long)getpid());
		if ((rc = write_whole(aside, mode, text + sc->clean, len - sc->clean, "", 0)) < 0)
			return rc;
		add_warning(warn, "warning: %s: line %llu: %s: the rest of the file (%zu bytes) was set aside in %s; the "
		            "decisions in it are not applied (record them again with claimwatch review)", path,
		            (unsigned long long)sc->bad_line, sc->why, len - sc->clean, aside);
	}
	char *head = NULL;
	size_t headlen = 0;
	if (!sc->clean) {
		FILE *m = open_memstream(&head, &headlen);
		if (!m)
			return cw_error_set(CW_ENOMEM, "out of memory");
		cw_csv_header(m, file_columns);
		fclose(m);
	}
	rc = write_whole(path, mode, sc->clean ? text : head, sc->clean ? sc->clean : headlen, add, strlen(add));
	free(head);
	return rc;
}

/* Under the lock: the file read again, its damaged end set aside and `add` (a record, or "") added, all
 * written whole; nothing written when there is neither. */
static int rewrite_locked(const char *root, const char *path, const char *add, cw_sb *warn)
{
	char *text;
	size_t len;
	mode_t mode;
	scan sc;
	int rc = read_text(root, path, &text, &len, &mode);
	if (rc < 0)
		return rc;
	if ((rc = scan_text(path, text, len, NULL, warn, &sc)) == 0 && (sc.bad_line || *add))
		rc = store(path, mode, text, len, &sc, add, warn);
	free(text);
	return rc;
}

/* A damaged end found by a reader: set aside unless a writer holds the file (then left for later). */
static void set_aside(const char *root, const char *path, const scan *seen, cw_sb *warn)
{
	int fd = lock_root(root, 1);
	if (fd < 0) {
		add_warning(warn, "warning: %s: line %llu: %s: the decisions from there on are not applied (%s)", path,
		            (unsigned long long)seen->bad_line, seen->why, errno == EWOULDBLOCK ?
		            "another claimwatch is writing the file; the next one sets the damaged end aside" : strerror(errno));
		return;
	}
	int rc = rewrite_locked(root, path, "", warn);
	close(fd);
	if (rc < 0)
		add_warning(warn, "warning: %s: line %llu: %s: the decisions from there on are not applied (setting the "
		            "damaged end aside failed: %s)", path, (unsigned long long)seen->bad_line, seen->why,
		            cw_error_last());
}

/* --- reading ---------------------------------------------------------------------------------------- */

int cw_reviews_load(cw_reviews **out, const char *root)
{
	char path[4096], *text;
	size_t len;
	mode_t mode;
	scan sc;
	cw_sb warn = { 0 };
	int rc = file_path(root, path, sizeof path);
	if (rc < 0)
		return rc;
	if ((rc = read_text(root, path, &text, &len, &mode)) < 0)
		return rc;
	cw_reviews *rv = calloc(1, sizeof *rv);
	rc = rv ? scan_text(path, text, len, rv, &warn, &sc) : cw_error_set(CW_ENOMEM, "out of memory");
	free(text);
	if (rc == 0 && sc.bad_line)
		set_aside(root, path, &sc, &warn);
	if (rc == 0 && !(rv->warnings = cw_sb_take(&warn)))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	free(warn.s);
	if (rc < 0) {
		cw_reviews_free(rv);
		return rc;
	}
	keep_latest(rv);
	*out = rv;
	return 0;
}

void cw_reviews_free(cw_reviews *rv)
{
	if (!rv)
		return;
	free(rv->d);
	free(rv->warnings);
	free(rv);
}

size_t cw_reviews_count(const cw_reviews *rv) { return rv ? rv->n : 0; }
const char *cw_reviews_warnings(const cw_reviews *rv) { return rv && rv->warnings ? rv->warnings : ""; }

int cw_reviews_status(const cw_reviews *rv, const char *id)
{
	if (!rv || !rv->n)
		return CW_REVIEW_NONE;
	size_t lo = 0, hi = rv->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rv->d[mid].id, id);
		if (c == 0)
			return rv->d[mid].status;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CW_REVIEW_NONE;
}

size_t cw_reviews_changed(const cw_reviews *rv, const char *root, const char *month)
{
	cw_reviews *now;
	size_t n = 0;
	if (cw_reviews_load(&now, root) < 0)
		return 0;
	for (size_t i = 0; i < now->n; i++)
		n += !strcmp(now->d[i].month, month) && cw_reviews_status(rv, now->d[i].id) != now->d[i].status;
	cw_reviews_free(now);
	return n;
}

/* --- recording a decision ---------------------------------------------------- */

/* The decision as one CSV record, stamped with the local time (caller frees). */
static char *record_text(const cw_review *r)
{
	char when[40], *text = NULL;
	size_t len = 0;
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	cw_csv_cell(f, when, 0);
	cw_csv_cell(f, r->by, 0);
	cw_csv_cell(f, r->finding_id, 0);
	cw_csv_cell(f, r->month, 0);
	cw_csv_cell(f, cw_review_status_name(r->status), 0);
	cw_csv_cell(f, r->note ? r->note : "", 1);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int cw_review_append(char **warnings, const char *root, const cw_review *r)
{
	char path[4096];
	cw_sb warn = { 0 };
	*warnings = NULL;
	if (r->status != CW_REVIEW_CONFIRMED && r->status != CW_REVIEW_DISMISSED)
		return cw_error_set(CW_EINVALID, "a decision is confirmed or dismissed");
	int rc = file_path(root, path, sizeof path);
	if (rc < 0)
		return rc;
	char *record = record_text(r);
	if (!record)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int fd = lock_root(root, 0);
	if (fd < 0)
		rc = cw_error_set(CW_EIO, "cannot lock %s for writing %s: %s", root, path, strerror(errno));
	else
		rc = rewrite_locked(root, path, record, &warn);
	if (fd >= 0)
		close(fd);
	free(record);
	*warnings = cw_sb_take(&warn);
	if (rc == 0 && !*warnings)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	return rc;
}

/* --- finding a finding --------------------------------------------------------- */

static int search_month(const char *path, const char *id, cw_finding_where *out)
{
	enum { C_ID, C_DET, C_PHYS, C_AMOUNT };
	static const char *const cols[] = { "finding_id", "detector", "physician_id", "suspect_amount", NULL };
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, cols), found = 0;
	if (rc < 0)
		return rc;
	size_t idlen = strlen(id);
	while (!found && (rc = cw_csvtab_next(t)) == 1) {
		size_t len;
		const char *s = cw_csvtab_field(t, C_ID, &len);
		if (len != idlen || memcmp(s, id, len))
			continue;
		cw_csvtab_copy(out->detector, sizeof out->detector, t, C_DET);
		cw_csvtab_copy(out->physician_id, sizeof out->physician_id, t, C_PHYS);
		cw_csvtab_copy(out->suspect_amount, sizeof out->suspect_amount, t, C_AMOUNT);
		found = 1;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : found;
}

int cw_finding_locate(cw_finding_where *out, const char *root, const char *id)
{
	cw_month *months;
	size_t n;
	int rc = cw_root_months(&months, &n, root);
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof *out);
	for (size_t i = n; i-- > 0;) {
		char path[4096];
		if ((rc = cw_root_month_file(path, sizeof path, root, months[i], "findings.csv")) < 0)
			break;
		rc = search_month(path, id, out);
		if (rc == CW_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		if (rc == 1) {
			cw_month_format(out->month, months[i]);
			rc = 0;
			break;
		}
	}
	free(months);
	if (rc == 0 && !out->month[0])
		rc = cw_error_set(CW_ENOTFOUND, "no month under %s has a finding with the id '%s' (looked in %zu "
		                  "month folder%s)", root, id, n, n == 1 ? "" : "s");
	return rc;
}
