/* review.c: inspectors' decisions on findings, kept in ROOT/reviews.csv (see claimwatch/review.h). */
#include <errno.h>
#include <fcntl.h>
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
#include "io/outfile.h"
#include "io/rootmonths.h"

#define ID_MAX 72

typedef struct decision {
	char id[ID_MAX];
	int status;
	size_t seq; /* line order: the latest wins */
} decision;

struct cw_reviews {
	decision *d;
	size_t n;
};

static const char *const status_names[] = { "", "confirmed", "dismissed" };
static const char *const file_columns[] = { "time", "by", "finding_id", "month", "status", "note", NULL };

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

static int read_file(cw_reviews *rv, const char *path)
{
	enum { C_TIME, C_BY, C_ID, C_MONTH, C_STATUS, C_NOTE };
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, file_columns);
	if (rc < 0)
		return rc;
	size_t cap = 0;
	while ((rc = cw_csvtab_next(t)) == 1) {
		char status[16];
		int s = cw_review_status_parse(cw_csvtab_copy(t, C_STATUS, status, sizeof status));
		if (s < 0) {
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: status '%s' is neither confirmed nor dismissed", path,
			                  (unsigned long long)cw_csvtab_line(t), status);
			break;
		}
		if (rv->n == cap) {
			decision *d = realloc(rv->d, (cap = cap ? 2 * cap : 64) * sizeof *d);
			if (!d) {
				rc = cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
				break;
			}
			rv->d = d;
		}
		decision *d = &rv->d[rv->n];
		cw_csvtab_copy(t, C_ID, d->id, sizeof d->id);
		d->status = s;
		d->seq = rv->n++;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* Reads under a shared lock, so a decision being appended is read whole or not at all. */
static int read_locked(cw_reviews *rv, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd >= 0)
		flock(fd, LOCK_SH);
	int rc = read_file(rv, path);
	if (fd >= 0)
		close(fd);
	return rc == CW_ENOTFOUND ? 0 : rc;
}

int cw_reviews_load(const char *root, cw_reviews **out)
{
	char path[4096];
	cw_reviews *rv = calloc(1, sizeof *rv);
	if (!rv)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (snprintf(path, sizeof path, "%s/reviews.csv", root) >= (int)sizeof path) {
		free(rv);
		return cw_error_set(CW_EINVALID, "path too long under %s", root);
	}
	int rc = read_locked(rv, path);
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
	free(rv);
}

size_t cw_reviews_count(const cw_reviews *rv) { return rv ? rv->n : 0; }

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

/* --- recording a decision ---------------------------------------------------- */

static void now_text(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static int write_decision(FILE *f, int fd, const cw_review *r)
{
	struct stat st;
	char when[40];
	if (fstat(fd, &st) != 0)
		return -1;
	if (st.st_size == 0)
		cw_csv_header(f, file_columns);
	now_text(when, sizeof when);
	cw_csv_cell(f, when, 0);
	cw_csv_cell(f, r->by, 0);
	cw_csv_cell(f, r->finding_id, 0);
	cw_csv_cell(f, r->month, 0);
	cw_csv_cell(f, cw_review_status_name(r->status), 0);
	cw_csv_cell(f, r->note ? r->note : "", 1);
	return 0;
}

int cw_review_append(const char *root, const cw_review *r)
{
	char path[4096];
	if (r->status != CW_REVIEW_CONFIRMED && r->status != CW_REVIEW_DISMISSED)
		return cw_error_set(CW_EINVALID, "a decision is confirmed or dismissed");
	if (snprintf(path, sizeof path, "%s/reviews.csv", root) >= (int)sizeof path)
		return cw_error_set(CW_EINVALID, "path too long under %s", root);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, cw_outfile_mode());
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot open %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX) != 0) {
		int e = errno;
		close(fd);
		return cw_error_set(CW_EIO, "cannot lock %s: %s", path, strerror(e));
	}
	FILE *f = fdopen(fd, "a");
	if (!f) {
		int e = errno;
		close(fd);
		return cw_error_set(CW_EIO, "cannot open %s: %s", path, strerror(e));
	}
	if (write_decision(f, fd, r) < 0) {
		fclose(f);
		return cw_error_set(CW_EIO, "cannot read the size of %s: %s", path, strerror(errno));
	}
	return cw_outfile_close(f, path); /* closing releases the lock */
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
		cw_csvtab_copy(t, C_DET, out->detector, sizeof out->detector);
		cw_csvtab_copy(t, C_PHYS, out->physician_id, sizeof out->physician_id);
		cw_csvtab_copy(t, C_AMOUNT, out->suspect_amount, sizeof out->suspect_amount);
		found = 1;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : found;
}

int cw_finding_locate(const char *root, const char *id, cw_finding_where *out)
{
	cw_month *months;
	size_t n;
	int rc = cw_root_months(root, &months, &n);
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
			cw_month_format(months[i], out->month);
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
