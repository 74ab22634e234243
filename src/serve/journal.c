/* journal.c: the CSV journal: append-only, in the data folder's own CSV files (journal.h); and the
 * journal interface's two calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "serve/journal.h"
#include "serve/journal_rows.h"
#include "source/rows.h"
#include "util/strbuf.h"
#include "claimwatch/types.h"

enum { J_VISITS, J_LINES, J_RX, J_RESULTS, J_COUNT };
static const int j_table[J_COUNT] = { CW_T_VISITS, CW_T_CLAIMS, CW_T_PRESCRIPTIONS, CW_T_RESULTS };

typedef struct jfile {
	int fd;
	off_t size;
	char path[4096];
	int ncols;
	int col[64]; /* per column of the file: the schema column, -1 for one claimwatch does not read */
} jfile;

typedef struct csv_journal {
	cw_journal base;
	jfile f[J_COUNT];
} csv_journal;

#define MARKER ".claimwatch-serve"

/* The file's header: the schema column of each of its columns. */
static int read_header(jfile *jf, int table)
{
	char buf[4096];
	ssize_t n = pread(jf->fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return cw_error_set(CW_EINVALID, "%s: no header line", jf->path);
	buf[n] = 0;
	char *p = buf;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	char *eol = strpbrk(p, "\r\n");
	if (!eol)
		return cw_error_set(CW_EINVALID, "%s: the header line is longer than 4 KiB", jf->path);
	*eol = 0;
	const cw_row_schema *s = cw_row_schema_of(table);
	jf->ncols = 0;
	for (char *tok = strtok(p, ","); tok && jf->ncols < 64; tok = strtok(NULL, ",")) {
		size_t len = strlen(tok);
		if (len >= 2 && tok[0] == '"' && tok[len - 1] == '"')
			tok++, len -= 2;
		jf->col[jf->ncols++] = cw_row_schema_find(s, tok, len);
	}
	return 0;
}

/* Ends the file with a line break: the first time, a user's last record without one gets it; once
 * the marker is there, an unterminated tail is a torn record of ours and is cut off. */
static int repair_tail(jfile *jf, int marked, size_t *repaired)
{
	char c;
	if (jf->size == 0 || (pread(jf->fd, &c, 1, jf->size - 1) == 1 && c == '\n'))
		return 0;
	if (!marked)
		return write(jf->fd, "\n", 1) == 1 ? (jf->size++, 0)
		                                   : cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
	char buf[4096];
	off_t end = jf->size;
	while (end > 0) {
		off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
		ssize_t n = pread(jf->fd, buf, (size_t)(end - from), from);
		if (n <= 0)
			return cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
		for (ssize_t i = n - 1; i >= 0; i--)
			if (buf[i] == '\n') {
				*repaired += (size_t)(jf->size - (from + i + 1));
				jf->size = from + i + 1;
				return ftruncate(jf->fd, jf->size) == 0 ? 0 : cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
			}
		end = from;
	}
	return cw_error_set(CW_EINVALID, "%s: no complete line", jf->path);
}

static int open_file(jfile *jf, const char *dir, int table, int marked, size_t *repaired)
{
	struct stat st;
	snprintf(jf->path, sizeof jf->path, "%s/%s.csv", dir, cw_table_name(table));
	jf->fd = open(jf->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (jf->fd < 0)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "%s: %s", jf->path, strerror(errno));
	if (fstat(jf->fd, &st) < 0)
		return cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
	jf->size = st.st_size;
	int rc = read_header(jf, table);
	if (rc == 0)
		rc = repair_tail(jf, marked, repaired);
	if (rc == 0 && fsync(jf->fd) < 0)
		rc = cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
	return rc;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int csv_append(cw_journal *j, cw_req_error *err, const cw_request *rq, const cw_hist_known *k);
static void csv_close(cw_journal *j);
static const cw_journal_ops csv_ops = { csv_append, csv_close };

int cw_journal_open_csv(cw_journal **out, size_t *repaired, const char *dir)
{
	char marker[4096];
	snprintf(marker, sizeof marker, "%s/" MARKER, dir);
	int marked = access(marker, F_OK) == 0;
	csv_journal *j = calloc(1, sizeof *j);
	if (!j)
		return cw_error_set(CW_ENOMEM, "out of memory");
	j->base.ops = &csv_ops;
	for (int i = 0; i < J_COUNT; i++)
		j->f[i].fd = -1;
	*repaired = 0;
	int rc = 0;
	for (int i = 0; rc == 0 && i < J_COUNT; i++)
		rc = open_file(&j->f[i], dir, j_table[i], marked, repaired);
	if (rc == 0 && !marked) {
		int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		static const char note[] = "claimwatch serve journals into this folder (docs/serve.md)\n";
		if (fd < 0 || write(fd, note, sizeof note - 1) < 0 || fsync(fd) < 0 || sync_dir(dir) < 0)
			rc = cw_error_set(CW_EIO, "%s: %s", marker, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (rc < 0) {
		csv_close(&j->base);
		return rc;
	}
	*out = &j->base;
	return 0;
}

static void csv_close(cw_journal *base)
{
	csv_journal *j = (csv_journal *)base;
	for (int i = 0; i < J_COUNT; i++)
		if (j->f[i].fd >= 0)
			close(j->f[i].fd);
	free(j);
}

/* --- records ----------------------------------------------------------------------------------- */

/* A text field in CSV: quoted when it holds a comma or a quote, or starts or ends with a space. */
static void put_text(cw_sb *b, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!strpbrk(s, ",\"") && !(n && (s[0] == ' ' || s[n - 1] == ' '))) {
		cw_sb_addn(b, s, n);
		return;
	}
	cw_sb_addn(b, "\"", 1);
	for (const char *p = s; *p; p++)
		cw_sb_addn(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	cw_sb_addn(b, "\"", 1);
}

static void put_record(cw_sb *b, const jfile *jf, const cw_jrow *t)
{
	for (int i = 0; i < jf->ncols; i++) {
		if (i)
			cw_sb_addn(b, ",", 1);
		if (jf->col[i] >= 0)
			put_text(b, t->v[jf->col[i]]);
	}
	cw_sb_addn(b, "\n", 1);
}

/* The request's new rows, file by file. */
static void records(cw_sb *b, const csv_journal *j, const cw_request *rq, const cw_hist_known *k)
{
	cw_jrow t;
	if (!k->visit_known) {
		cw_jrow_visit(&t, &rq->visit);
		put_record(&b[J_VISITS], &j->f[J_VISITS], &t);
	}
	for (size_t i = 0; i < rq->nlines; i++) {
		if (k->line_known[i])
			continue;
		cw_jrow_line(&t, &rq->lines[i].row);
		put_record(&b[J_LINES], &j->f[J_LINES], &t);
		if (rq->lines[i].result != CW_RESULT_NONE) {
			t = (cw_jrow){ .v = { rq->lines[i].row.line_id, cw_jrow_result_name(rq->lines[i].result) } };
			put_record(&b[J_RESULTS], &j->f[J_RESULTS], &t);
		}
	}
	for (size_t i = 0; i < rq->nrx; i++)
		if (!k->rx_known[i]) {
			cw_jrow_rx(&t, &rq->rx[i]);
			put_record(&b[J_RX], &j->f[J_RX], &t);
		}
}

static int write_all(jfile *jf, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(jf->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return fdatasync(jf->fd);
}

static int csv_append(cw_journal *base, cw_req_error *err, const cw_request *rq, const cw_hist_known *k)
{
	(void)err; /* a CSV journal refuses nothing: it fails (CW_EIO) or keeps */
	csv_journal *j = (csv_journal *)base;
	cw_sb b[J_COUNT] = { { 0 } };
	int rc = 0, done = 0;
	records(b, j, rq, k);
	for (int i = 0; i < J_COUNT; i++)
		if (b[i].failed)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	for (; rc == 0 && done < J_COUNT; done++) {
		jfile *jf = &j->f[done];
		if (!b[done].len)
			continue;
		if (write_all(jf, b[done].s, b[done].len) < 0) {
			rc = cw_error_set(CW_EIO, "%s: %s", jf->path, strerror(errno));
			break;
		}
		jf->size += (off_t)b[done].len;
	}
	if (rc < 0) /* take back what this request wrote, so no half answer stays */
		for (int i = 0; i <= done && i < J_COUNT; i++) {
			jfile *jf = &j->f[i];
			off_t back = i < done ? jf->size - (off_t)b[i].len : jf->size;
			if (b[i].len && ftruncate(jf->fd, back) == 0 && fdatasync(jf->fd) == 0)
				jf->size = back;
		}
	for (int i = 0; i < J_COUNT; i++)
		free(b[i].s);
	return rc;
}

/* --- the interface ------------------------------------------------------------------------------ */

void cw_journal_close(cw_journal *j)
{
	if (j)
		j->ops->close(j);
}

int cw_journal_append(cw_journal *j, cw_req_error *err, const cw_request *rq, const cw_hist_known *k)
{
	return j->ops->append(j, err, rq, k);
}
