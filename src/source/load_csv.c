/* load_csv.c: reading a month from a folder of the contract's CSV files.
 *
 * cw_load_csv() reads DIR/<table>.csv for the ten tables in dependency order.
 * For each file: the header maps the contract's columns by name (any order;
 * unknown columns are warned about once and ignored; a missing required column
 * stops the load), then every record is typed (rows.c) and fed to the builder.
 * A record that fails anywhere (malformed CSV, wrong field count, a bad value,
 * an unknown reference, a duplicate key) goes to the reject file with its file,
 * line, column and reason, and is counted against the month it belongs to
 * (cw_load_reject); rows outside the window, valid or not, are counted as
 * skipped. Only a missing or unreadable file, a bad header, a failed write of
 * the reject file or lack of memory stop the load.
 *
 * The large tables (patients, visits, claim lines, prescriptions, exam
 * results) of a file are read on several threads (see load_par.c); the result
 * is the same as record by record. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "source/reject_log.h"
#include "source/rejects.h"
#include "claimwatch/source.h"
#include "dataset/dataset_impl.h"
#include "io/csv.h"
#include "source/load_par.h"
#include "source/load_table.h"
#include "util/progress.h"
#include "util/threads.h"

#define UNKNOWN_SHOWN 10 /* unknown columns named one by one, per file */

cw_table_stats cw_load_totals(const cw_load_stats *st)
{
	cw_table_stats sum = { 0 };
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_table_stats *s = &st->table[t];
		sum.read += s->read;
		sum.loaded += s->loaded;
		sum.skipped += s->skipped;
		sum.rejected += s->rejected;
		sum.rejected_lookback += s->rejected_lookback;
		sum.rejected_unknown += s->rejected_unknown;
		sum.month_rows += s->month_rows;
		sum.seconds += s->seconds;
	}
	return sum;
}

double cw_load_reject_share(const cw_load_stats *st)
{
	cw_table_stats sum = cw_load_totals(st);
	return sum.read ? (double)sum.rejected / (double)sum.read : 0.0;
}

double cw_load_month_share(const cw_load_stats *st)
{
	cw_table_stats sum = cw_load_totals(st);
	uint64_t counted = sum.rejected - sum.rejected_lookback - sum.rejected_unknown;
	return sum.month_rows ? (double)counted / (double)sum.month_rows : 0.0;
}

/* The reason a reject is written with (a cascade names its visit's reason), and whether an earlier month
 * of the run wrote it already (then 1: counted, not written again); < 0 without memory. */
static int recall(cw_reject_log *log, const cw_reject *rj, const char **reason, char *why, size_t size)
{
	int rc = cw_reject_log_explain(log, rj, reason, why, size);
	if (rc == 0 && (rc = cw_reject_log_seen(log, rj)) == 1)
		cw_reject_log_count_repeat(log);
	else if (rc == 0)
		rc = cw_reject_log_count(log, rj, *reason);
	return rc;
}

int cw_load_reject(const cw_builder *b, cw_rejects *rejects, cw_table_stats *st, const cw_reject *rj)
{
	cw_month m;
	const char *reason = rj->reason;
	char why[2048];
	int period = cw_row_period(b, rj->table, rj->f, &m), rc = 0;
	cw_reject_log *log = cw_rejects_log(rejects);
	if (!log)
		return cw_error_set(CW_ENOMEM, "out of memory remembering the rejected rows");
	if (period == CW_PERIOD_OTHER) {
		st->skipped++;
		return cw_reject_log_explain(log, rj, &reason, why, sizeof why); /* its lines may be in the window */
	}
	st->rejected++;
	st->rejected_lookback += period == CW_PERIOD_LOOKBACK;
	st->rejected_unknown += period == CW_PERIOD_UNKNOWN;
	if ((rc = recall(log, rj, &reason, why, sizeof why)) != 0)
		return rc < 0 ? rc : 0;
	char month[8] = "";
	if (m.year)
		cw_month_format(month, m);
	else if (period == CW_PERIOD_MONTH)
		snprintf(month, sizeof month, "all"); /* a table without dates: every month's */
	if (!rj->f)
		return cw_rejects_add(rejects, rj->file, rj->line, month, rj->column, reason, rj->raw, rj->raw_len);
	return cw_rejects_add_row(rejects, rj->file, rj->table, rj->line, month, rj->column, reason, rj->f);
}

void cw_load_field_count(char *why, size_t size, const cw_csv_record *rec, size_t nhdr)
{
	snprintf(why, size, "%zu fields where the header has %zu%s", rec->nfields, nhdr,
	         rec->no_newline && rec->nfields < nhdr ? " (truncated last line)" : "");
}

void cw_load_count_month(const cw_builder *b, int table, cw_table_stats *st)
{
	st->month_rows = cw_builder_month_rows(b, table) + st->rejected - st->rejected_lookback - st->rejected_unknown;
}

typedef struct table_load {
	const cw_load_opts *opts;
	cw_load_stats *stats;
	int table;
	const cw_row_schema *schema;
	const char *file; /* in the reject file: "claim_lines.csv" */
	const char *path; /* in messages */
	cw_csv *csv;
	const cw_table_input *in;
	size_t nhdr;                 /* fields in the header */
	int col[CW_ROW_MAX_COLS];    /* schema column -> header field, or -1 */
} table_load;

static void warn(table_load *tl, const char *fmt, ...) CW_PRINTF(2, 3);
static void warn(table_load *tl, const char *fmt, ...)
{
	FILE *w = tl->opts->warn;
	va_list ap;
	va_start(ap, fmt);
	if (w) {
		fputs("warning: ", w);
		vfprintf(w, fmt, ap);
		fputc('\n', w);
	} else { /* the library prints nothing of its own */
		char msg[2048];
		vsnprintf(msg, sizeof msg, fmt, ap);
		cw_progress_note("warning: %s", msg);
	}
	va_end(ap);
}

/* Reads the header and maps the schema's columns onto it. */
static int read_header(table_load *tl)
{
	cw_csv_record rec;
	int rc = cw_csv_next(tl->csv, &rec);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return cw_error_set(CW_EINVALID, "%s: the file is empty (expected a header row with the columns of %s)",
		                    tl->path, cw_table_name(tl->table));
	if (rec.error) {
		if (memchr(rec.raw, 0, rec.raw_len))
			return cw_error_set(CW_EINVALID, "%s: line %llu: the header holds NUL bytes (not a UTF-8 CSV file?)",
			                    tl->path, (unsigned long long)rec.line);
		return cw_error_set(CW_EINVALID, "%s: line %llu: unreadable header: %s (at most %d columns of at most "
		                    "%u bytes in all are taken)", tl->path, (unsigned long long)rec.line, rec.error,
		                    CW_CSV_MAX_FIELDS, CW_CSV_MAX_RECORD);
	}
	const cw_row_schema *s = tl->schema;
	for (int j = 0; j < s->ncols; j++)
		tl->col[j] = -1;
	tl->nhdr = rec.nfields;
	size_t unknown = 0;
	char name[160];
	for (size_t i = 0; i < rec.nfields; i++) {
		const cw_csv_field *f = &rec.field[i];
		int j = cw_row_schema_find(s, f->ptr, f->len);
		if (j >= 0 && tl->col[j] >= 0)
			return cw_error_set(CW_EINVALID, "%s: column '%s' appears twice in the header", tl->path, s->cols[j]);
		if (j >= 0) {
			tl->col[j] = (int)i;
			continue;
		}
		if (unknown++ < UNKNOWN_SHOWN)
			warn(tl, "%s: unknown column '%s' ignored", tl->path, cw_printable(name, sizeof name, f->ptr, f->len));
		tl->stats->warnings++;
	}
	if (unknown > UNKNOWN_SHOWN)
		warn(tl, "%s: %zu more unknown columns ignored", tl->path, unknown - UNKNOWN_SHOWN);
	if (tl->in->unknown_columns)
		*tl->in->unknown_columns = unknown;
	for (int j = 0; j < s->ncols; j++)
		if (tl->col[j] < 0 && !s->optional[j])
			return cw_error_set(CW_ENOTFOUND, "%s: missing required column '%s'", tl->path, s->cols[j]);
	/* a rejected record that cannot be split must not show an unread column or a patient's id */
	if (unknown || cw_row_schema_find(s, "patient_id", 10) >= 0)
		return cw_rejects_protect(tl->opts->rejects, tl->file, unknown > 0);
	return 0;
}

/* Rejects a record: f its fields in schema order, NULL when it could not be split. */
static int reject(table_load *tl, cw_builder *b, const cw_csv_record *rec, const cw_slice *f, const char *column,
                  const char *reason)
{
	cw_reject rj = { tl->table, tl->file, rec->line, f, column, reason, rec->raw, rec->raw_len };
	return cw_load_reject(b, tl->opts->rejects, &tl->stats->table[tl->table], &rj);
}

/* Types and adds one well-formed record; < 0 only when the load must stop. */
static int take_record(table_load *tl, cw_builder *b, const cw_csv_record *rec, cw_rowbuf *rb)
{
	cw_table_stats *st = &tl->stats->table[tl->table];
	const cw_table_input *in = tl->in;
	char why[128];
	if (rec->error || rec->nfields != tl->nhdr) {
		if (!rec->error)
			cw_load_field_count(why, sizeof why, rec, tl->nhdr);
		const char *reason = rec->error ? rec->error : why;
		if (in->record)
			return in->record(in->record_ctx, rec->line, NULL, 0, rec->raw, rec->raw_len, reason);
		return reject(tl, b, rec, NULL, NULL, reason);
	}
	cw_slice f[CW_ROW_MAX_COLS]; /* (cw_load_fields, written out: over tl->col, of known size, it unrolls) */
	for (int j = 0; j < tl->schema->ncols; j++) {
		int i = tl->col[j];
		f[j].ptr = i >= 0 ? rec->field[i].ptr : NULL;
		f[j].len = i >= 0 ? rec->field[i].len : 0;
	}
	if (in->record)
		return in->record(in->record_ctx, rec->line, f, tl->schema->ncols, rec->raw, rec->raw_len, NULL);
	if (!tl->in->sink && cw_row_outside(b, tl->table, f)) { /* another month's: nothing built */
		st->skipped++;
		return 0;
	}
	cw_rowerr err;
	int rc = cw_row_add(&err, b, tl->table, f, rb);
	if (rc == 0 || rc == CW_SKIP) {
		if (rc == 0)
			st->loaded++;
		else
			st->skipped++;
		return tl->in->sink ? tl->in->sink(tl->in->sink_ctx, f, tl->schema->ncols) : 0;
	}
	if (rc != CW_EINVALID)
		return cw_error_wrap(rc, "%s: line %llu", tl->path, (unsigned long long)rec->line);
	return reject(tl, b, rec, f, err.column, err.reason);
}

/* The file's size, 0 when unknown. */
static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
}

/* Sizes the table's index for the rows the file holds: its size over the
 * average record length of its first 256 KiB. Capped, since a folder may hold
 * years of which one month is read (the index grows past it if need be). */
static void presize(cw_builder *b, int table, const char *path)
{
	enum { SAMPLE = 256 << 10 };
	uint64_t size = file_size(path);
	if (!size)
		return;
	double per_row = 80;
	char *buf = malloc(SAMPLE);
	FILE *f = buf ? fopen(path, "rb") : NULL;
	if (f) {
		size_t n = fread(buf, 1, SAMPLE, f), lines = 0;
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))) != NULL; p++)
			lines++;
		if (lines > 1) /* the header and at least one record */
			per_row = (double)n / (double)lines;
		fclose(f);
	}
	free(buf);
	double rows = (double)size / per_row * 1.03 + 16;
	cw_builder_expect(b, table, rows < (double)((size_t)24 << 20) ? (size_t)rows : ((size_t)24 << 20));
}

/* Reads what it can of the file on threads, then points the streaming reader
 * at the rest. */
static int read_parallel(table_load *tl, cw_builder *b)
{
	const cw_table_input *in = tl->in;
	if (!in->path || in->sink || in->record || !cw_builder_splits(tl->table))
		return 0;
	int threads = cw_threads(tl->opts->threads);
	uint64_t off, line, size = file_size(in->path);
	cw_csv_tell(&off, &line, tl->csv);
	size_t chunk = cw_load_chunk_bytes ? cw_load_chunk_bytes : ((size_t)256 << 10);
	if (threads < 2 || size < off || size - off < 2 * (uint64_t)chunk)
		return 0;
	cw_par_table pt = { .table = tl->table, .path = in->path, .file = tl->file, .nhdr = tl->nhdr, .col = tl->col,
		            .b = b, .rejects = tl->opts->rejects, .st = &tl->stats->table[tl->table],
		            .threads = threads };
	int rc = cw_load_par(&pt, &off, &line);
	return rc < 0 ? rc : cw_csv_seek(tl->csv, off, line);
}

int cw_load_table(cw_builder *b, const cw_table_input *in, const cw_load_opts *opts, cw_load_stats *stats,
                  cw_rowbuf *rb)
{
	table_load tl = { .opts = opts, .stats = stats, .table = in->table, .schema = cw_row_schema_of(in->table),
	                  .file = in->file, .path = in->name, .csv = in->csv, .in = in };
	cw_table_stats *st = &stats->table[in->table];
	double t0 = cw_now();
	uint64_t bytes0 = cw_csv_bytes(in->csv);
	int rc = read_header(&tl);
	if (rc == 0) {
		char task[96];
		snprintf(task, sizeof task, "reading %s", in->file);
		cw_progress_begin(task, 0, "rows");
		cw_csv_record rec;
		if ((rc = read_parallel(&tl, b)) == 0)
			while ((rc = cw_csv_next(in->csv, &rec)) > 0) {
				st->read++;
				if ((rc = take_record(&tl, b, &rec, rb)) < 0)
					break;
				cw_progress_tick(st->read);
			}
		cw_progress_end();
	}
	cw_load_count_month(b, in->table, st);
	st->seconds += cw_now() - t0;
	stats->bytes += cw_csv_bytes(in->csv) - bytes0;
	return rc < 0 ? rc : 0;
}

static int load_table_to(const char *dir, int table, const cw_load_opts *opts, cw_load_stats *stats,
                         cw_builder *b, cw_rowbuf *rb, cw_table_input *tmpl)
{
	char file[64], path[4096];
	snprintf(file, sizeof file, "%s.csv", cw_table_name(table));
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	cw_table_input in = *tmpl;
	in.table = table;
	in.name = in.path = path;
	in.file = file;
	cw_csv_opts co = { .timeout = opts->input_timeout };
	int rc = cw_csv_open(&in.csv, path, &co);
	if (rc == CW_ENOTFOUND)
		return cw_error_set(CW_ENOTFOUND, "%s: missing file (every table of the contract needs one, "
		                    "with at least a header row)", path);
	if (rc < 0)
		return rc;
	if (!tmpl->record)
		presize(b, table, path);
	rc = cw_load_table(b, &in, opts, stats, rb);
	cw_csv_close(in.csv);
	return rc;
}

static int load_table(const char *dir, int table, const cw_load_opts *opts, cw_load_stats *stats,
                      cw_builder *b, cw_rowbuf *rb)
{
	cw_table_input tmpl = { 0 };
	return load_table_to(dir, table, opts, stats, b, rb, &tmpl);
}

int cw_load_csv_records(const char *dir, int table, const cw_load_opts *opts, cw_load_stats *stats,
                        cw_record_sink sink, void *ctx, size_t *unknown)
{
	cw_builder *b; /* only its window is read (the CSV reader presizes its index) */
	int rc = cw_builder_new(&b, opts->month, opts->lookback_days);
	if (rc < 0)
		return rc;
	cw_rowbuf rb = { 0 };
	cw_table_input tmpl = { .record = sink, .record_ctx = ctx, .unknown_columns = unknown };
	*unknown = 0;
	rc = load_table_to(dir, table, opts, stats, b, &rb, &tmpl);
	cw_rowbuf_free(&rb);
	cw_builder_free(b);
	return rc;
}

int cw_load_csv(cw_dataset **out, cw_load_stats *stats, const char *dir, const cw_load_opts *opts)
{
	cw_load_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	*out = NULL;
	if (!opts || !opts->rejects)
		return cw_error_set(CW_EINVALID, "loading %s: no reject file given", dir);
	double t0 = cw_now();
	cw_builder *b;
	int rc = cw_builder_new(&b, opts->month, opts->lookback_days);
	if (rc < 0)
		return rc;
	cw_rowbuf rb = { 0 };
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = load_table(dir, t, opts, stats, b, &rb);
	cw_rowbuf_free(&rb);
	if (rc < 0) {
		cw_builder_free(b);
		return rc;
	}
	cw_progress_begin("indexing the month", 0, "");
	cw_builder_set_threads(b, opts->threads);
	rc = cw_builder_finish(out, b);
	cw_progress_end();
	stats->seconds = cw_now() - t0;
	return rc;
}
