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

/* One act of the file, then (after folding) one finding's state. */
typedef struct decision {
	char id[ID_MAX];
	char month[8];
	int status;       /* the act; after folding, the state */
	int prior;        /* after folding: the state before an appeal */
	cw_fen amount;    /* a refund's amount; after folding, the refunds added up */
	uint64_t line;    /* the act's line in the file */
	size_t seq;       /* line order: acts apply in it */
} decision;

struct cw_reviews {
	decision *d;
	size_t n, cap;
	char *warnings; /* one per line */
};

static const char *const status_names[CW_REVIEW_NSTATUS] = {
	"", "confirmed", "dismissed", "rectified", "refunded", "appealed", "upheld", "overturned"
};
static const char *const file_columns[] = { "time", "by", "finding_id", "month", "status", "note", "date",
	                                        "amount", NULL };
/* Reading: date and amount are absent from a file of the first form. */
static const char *const read_columns[] = { "time", "by", "finding_id", "month", "status", "note", "?date",
	                                        "?amount", NULL };
enum { C_TIME, C_BY, C_ID, C_MONTH, C_STATUS, C_NOTE, C_DATE, C_AMOUNT, C_OLD = C_DATE };
#define HEADER "time,by,finding_id,month,status,note,date,amount"

const char *cw_review_status_name(int s) { return s >= 0 && s < CW_REVIEW_NSTATUS ? status_names[s] : ""; }
const char *cw_review_state_name(int s) { return s == CW_REVIEW_NONE ? "open" : cw_review_status_name(s); }

int cw_review_status_parse(const char *s)
{
	for (int i = CW_REVIEW_CONFIRMED; i < CW_REVIEW_NSTATUS; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

int cw_review_is_confirmed(int s)
{
	return s == CW_REVIEW_CONFIRMED || s == CW_REVIEW_RECTIFIED || s == CW_REVIEW_REFUNDED ||
	       s == CW_REVIEW_APPEALED;
}

/* --- the states ------------------------------------------------------------------------------------ */

#define B(s) (1u << (s))
/* Per act: the states it may follow, and how a bureau says so. */
static const struct {
	unsigned from;
	const char *needs;
} acts[CW_REVIEW_NSTATUS] = {
	[CW_REVIEW_CONFIRMED] = { B(CW_REVIEW_NONE) | B(CW_REVIEW_DISMISSED), "an open or dismissed finding "
	                          "(to contest a confirmed one, record an appeal: appealed)" },
	[CW_REVIEW_DISMISSED] = { B(CW_REVIEW_NONE) | B(CW_REVIEW_CONFIRMED), "an open or confirmed finding (once "
	                          "rectified or refunded, only an appeal overturned dismisses it)" },
	[CW_REVIEW_RECTIFIED] = { B(CW_REVIEW_CONFIRMED), "a confirmed finding (confirm it first)" },
	[CW_REVIEW_REFUNDED] = { B(CW_REVIEW_CONFIRMED) | B(CW_REVIEW_RECTIFIED) | B(CW_REVIEW_REFUNDED),
	                         "a confirmed, rectified or refunded finding (confirm it first)" },
	[CW_REVIEW_APPEALED] = { B(CW_REVIEW_CONFIRMED) | B(CW_REVIEW_RECTIFIED) | B(CW_REVIEW_REFUNDED),
	                         "a confirmed, rectified or refunded finding" },
	[CW_REVIEW_UPHELD] = { B(CW_REVIEW_APPEALED), "a finding under appeal (appealed)" },
	[CW_REVIEW_OVERTURNED] = { B(CW_REVIEW_APPEALED), "a finding under appeal (appealed)" },
};

int cw_review_transition(int *next, int current, int before_appeal, int act)
{
	if (act <= CW_REVIEW_NONE || act >= CW_REVIEW_NSTATUS)
		return cw_error_set(CW_EINVALID, "unknown decision %d", act);
	if (current < 0 || current > CW_REVIEW_APPEALED || !(acts[act].from & B(current)))
		return cw_error_set(CW_EINVALID, "the finding is %s: '%s' is for %s", cw_review_state_name(current),
		                    status_names[act], acts[act].needs);
	*next = act == CW_REVIEW_UPHELD ? before_appeal : act == CW_REVIEW_OVERTURNED ? CW_REVIEW_DISMISSED : act;
	return 0;
}

static int by_id_then_seq(const void *a, const void *b)
{
	const decision *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void add_warning(cw_sb *warn, const char *fmt, ...) CW_PRINTF(2, 3);

/* One act applied to the finding's state in *d; an act its state refuses is ignored with a warning (a
 * file edited by hand: claimwatch checks every act before writing it). */
static void apply(decision *d, const decision *act, const char *path, cw_sb *warn)
{
	int next;
	if (cw_review_transition(&next, d->status, d->prior, act->status) < 0) {
		add_warning(warn, "warning: %s: line %llu: %s: %s: this decision is ignored", path,
		            (unsigned long long)act->line, act->id, cw_error_last());
		return;
	}
	if (act->status == CW_REVIEW_APPEALED)
		d->prior = d->status;
	if (act->status == CW_REVIEW_REFUNDED)
		d->amount += act->amount;
	if (next == CW_REVIEW_DISMISSED) /* after an appeal overturned: the fund owes it back */
		d->amount = 0;
	snprintf(d->month, sizeof d->month, "%s", act->month);
	d->status = next;
}

/* Sorts the acts by finding, in file order, and folds each finding's acts into its state. */
static void fold(cw_reviews *rv, const char *path, cw_sb *warn)
{
	if (!rv->n)
		return;
	qsort(rv->d, rv->n, sizeof *rv->d, by_id_then_seq);
	size_t w = 0;
	for (size_t i = 0; i < rv->n;) {
		decision state = rv->d[i];
		state.status = state.prior = CW_REVIEW_NONE;
		state.amount = 0;
		size_t j = i;
		for (; j < rv->n && !strcmp(rv->d[j].id, state.id); j++)
			apply(&state, &rv->d[j], path, warn);
		rv->d[w++] = state;
		i = j;
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
	int old_form;      /* the header is the first form's, without date and amount */
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

static void add_warning(cw_sb *warn, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	cw_sb_add(warn, "\n", line);
}

/* One readable row as an act of rv; an unknown act or a bad amount is skipped with a warning. */
static int take_row(const cw_csvtab *t, const char *path, cw_reviews *rv, cw_sb *warn)
{
	char status[16], amount[32];
	const char *why = NULL;
	cw_fen money = 0;
	unsigned long long line = (unsigned long long)cw_csvtab_line(t);
	int s = cw_review_status_parse(cw_csvtab_copy(status, sizeof status, t, C_STATUS));
	cw_csvtab_copy(amount, sizeof amount, t, C_AMOUNT);
	if (s < 0) {
		add_warning(warn, "warning: %s: line %llu: status '%s' is not a decision (confirmed, dismissed, "
		            "rectified, refunded, appealed, upheld, overturned): this decision is ignored", path, line, status);
		return 0;
	}
	if (s == CW_REVIEW_REFUNDED && (cw_parse_money(&money, &why, amount, strlen(amount)) < 0 || money <= 0)) {
		add_warning(warn, "warning: %s: line %llu: refund amount '%s': %s: this decision is ignored", path, line,
		            amount, why ? why : "not above 0");
		return 0;
	}
	if (cw_grow((void **)&rv->d, &rv->cap, rv->n + 1, sizeof *rv->d) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
	decision *d = &rv->d[rv->n];
	memset(d, 0, sizeof *d);
	cw_csvtab_copy(d->id, sizeof d->id, t, C_ID);
	cw_csvtab_copy(d->month, sizeof d->month, t, C_MONTH);
	d->status = s;
	d->amount = money;
	d->line = line;
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
	int rc = cw_csvtab_open_mem(&t, path, text, len, read_columns);
	size_t hl = strlen(HEADER);
	sc->old_form = !(len > hl && !strncmp(text, HEADER, hl) && (text[hl] == '\n' || text[hl] == '\r'));
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

/* The clean part of a file of the first form in the new form: the new header, and each record with an
 * empty date and amount (caller frees *out). */
static int migrate(char **out, size_t *outlen, const char *path, const char *text, size_t clean)
{
	cw_csvtab *t;
	FILE *m = open_memstream(out, outlen);
	if (!m)
		return cw_error_set(CW_ENOMEM, "out of memory");
	cw_csv_header(m, file_columns);
	int rc = cw_csvtab_open_mem(&t, path, text, clean, read_columns);
	while (rc == 0 && (rc = cw_csvtab_next(t)) == 1) {
		for (size_t i = 0; i < C_OLD; i++) {
			char *cell = cw_csvtab_dup(t, i);
			if (!cell) {
				rc = cw_error_set(CW_ENOMEM, "out of memory");
				break;
			}
			cw_csv_cell(m, cell, 0);
			free(cell);
		}
		if (rc == 1)
			fputs(",\n", m);
		rc = rc == 1 ? 0 : rc;
	}
	cw_csvtab_close(t);
	if (fclose(m) != 0 && rc == 0)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Replaces reviews.csv by its clean part (a header when none; in the new form when a record is added to a
 * file of the first form), then `add` (a record, or ""). A damaged end goes first to
 * ROOT/reviews.csv.damaged-<time>.<pid>, named in the warning. */
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
	if (sc->clean && sc->old_form && *add) {
		if ((rc = migrate(&head, &headlen, path, text, sc->clean)) < 0)
			return rc;
		rc = write_whole(path, mode, head, headlen, add, strlen(add));
		free(head);
		return rc;
	}
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

static const decision *find(const cw_reviews *rv, const char *id);

/* Whether the finding's state in the file's text allows the act r (the file's own warnings are the
 * readers' to give). */
static int check_act(const char *path, const char *text, size_t len, const cw_review *r)
{
	cw_reviews rv = { 0 };
	cw_sb quiet = { 0 };
	scan sc;
	int rc = scan_text(path, text, len, &rv, &quiet, &sc), next;
	if (rc == 0)
		fold(&rv, path, &quiet);
	const decision *d = rc == 0 ? find(&rv, r->finding_id) : NULL;
	cw_fen refunded = d ? d->amount : 0;
	char a[CW_FMT_SIZE], b[CW_FMT_SIZE], c[CW_FMT_SIZE];
	char why[512];
	if (rc == 0 && (rc = cw_review_transition(&next, d ? d->status : CW_REVIEW_NONE, d ? d->prior : 0,
	                                          r->status)) < 0) {
		snprintf(why, sizeof why, "%s", cw_error_last());
		rc = cw_error_set(CW_EINVALID, "%s: %s", r->finding_id, why);
	}
	else if (rc == 0 && r->status == CW_REVIEW_REFUNDED && r->capped && refunded + r->amount > r->cap)
		rc = cw_error_set(CW_EINVALID, "%s: a refund of %s yuan would bring its refunds to %s yuan, more than the "
		                  "%s yuan at stake (--force records it all the same)", r->finding_id,
		                  cw_format_money(a, r->amount), cw_format_money(b, refunded + r->amount),
		                  cw_format_money(c, r->cap));
	free(rv.d);
	free(quiet.s);
	return rc;
}

/* Under the lock: the file read again, its damaged end set aside and `add` (a record, or "") added after
 * checking the act r (when not NULL), all written whole; nothing written when there is neither. */
static int rewrite_locked(const char *root, const char *path, const cw_review *r, const char *add, cw_sb *warn)
{
	char *text;
	size_t len;
	mode_t mode;
	scan sc;
	int rc = read_text(root, path, &text, &len, &mode);
	if (rc < 0)
		return rc;
	if (r && (rc = check_act(path, text, len, r)) < 0) {
		free(text);
		return rc;
	}
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
	int rc = rewrite_locked(root, path, NULL, "", warn);
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
	if (rc == 0)
		fold(rv, path, &warn);
	if (rc == 0 && !(rv->warnings = cw_sb_take(&warn)))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	free(warn.s);
	if (rc < 0) {
		cw_reviews_free(rv);
		return rc;
	}
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

static const decision *find(const cw_reviews *rv, const char *id)
{
	size_t lo = 0, hi = rv ? rv->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rv->d[mid].id, id);
		if (c == 0)
			return &rv->d[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int cw_reviews_status(const cw_reviews *rv, const char *id)
{
	const decision *d = find(rv, id);
	return d ? d->status : CW_REVIEW_NONE;
}

cw_fen cw_reviews_refunded(const cw_reviews *rv, const char *id)
{
	const decision *d = find(rv, id);
	return d ? d->amount : 0;
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

/* The decision as one CSV record, stamped with the local time, its date today's when not given (caller
 * frees). */
static char *record_text(const cw_review *r)
{
	char when[40], today[16], money[CW_FMT_SIZE], *text = NULL;
	size_t len = 0;
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	cw_csv_cell(f, when, 0);
	cw_csv_cell(f, r->by, 0);
	cw_csv_cell(f, r->finding_id, 0);
	cw_csv_cell(f, r->month, 0);
	cw_csv_cell(f, cw_review_status_name(r->status), 0);
	cw_csv_cell(f, r->note ? r->note : "", 0);
	cw_csv_cell(f, r->date && *r->date ? r->date : today, 0);
	cw_csv_cell(f, r->status == CW_REVIEW_REFUNDED ? cw_format_money(money, r->amount) : "", 1);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* What a decision must hold whatever the finding's state: a known act, a refund's amount (and only a
 * refund's), a real date. */
static int check_review(const cw_review *r)
{
	const char *why;
	cw_day day;
	if (r->status <= CW_REVIEW_NONE || r->status >= CW_REVIEW_NSTATUS)
		return cw_error_set(CW_EINVALID, "a decision is confirmed, dismissed, rectified, refunded, appealed, "
		                    "upheld or overturned");
	if (r->status == CW_REVIEW_REFUNDED && r->amount <= 0)
		return cw_error_set(CW_EINVALID, "a refund needs its amount, above 0 yuan");
	if (r->status != CW_REVIEW_REFUNDED && r->amount != 0)
		return cw_error_set(CW_EINVALID, "an amount is for a refund only, not for '%s'",
		                    cw_review_status_name(r->status));
	if (r->date && *r->date && cw_parse_date(&day, &why, r->date, strlen(r->date)) < 0)
		return cw_error_set(CW_EINVALID, "date '%s': %s", r->date, why);
	return 0;
}

int cw_review_append(char **warnings, const char *root, const cw_review *r)
{
	char path[4096];
	cw_sb warn = { 0 };
	*warnings = NULL;
	int rc = check_review(r);
	if (rc == 0)
		rc = file_path(root, path, sizeof path);
	if (rc < 0)
		return rc;
	char *record = record_text(r);
	if (!record)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int fd = lock_root(root, 0);
	if (fd < 0)
		rc = cw_error_set(CW_EIO, "cannot lock %s for writing %s: %s", root, path, strerror(errno));
	else
		rc = rewrite_locked(root, path, r, record, &warn);
	if (fd >= 0)
		close(fd);
	free(record);
	*warnings = cw_sb_take(&warn);
	if (rc == 0 && !*warnings)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	return rc;
}

/* --- finding a finding --------------------------------------------------------- */

static int search_month(const char *root, cw_month m, const char *id, cw_finding_where *out)
{
	enum { C_ID, C_DET, C_PHYS, C_AMOUNT };
	static const char *const cols[] = { "finding_id", "detector", "physician_id", "suspect_amount", NULL };
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, root, m, "findings.csv", cols), found = 0;
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
		rc = search_month(root, months[i], id, out);
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
