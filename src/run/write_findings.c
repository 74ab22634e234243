/* write_findings.c: findings.csv, the month's suspect cases (columns per the data contract, then extras).
 * `reason` is in the run's language (--lang, zh by default; English where a detector gave no Chinese),
 * and reason_en and reason_zh hold both, so that a drill-down in the other language still has its text;
 * `tag` is the stable machine key of what was found. fund_amount is the fund's share of suspect_amount
 * and fund_estimated 1 when it came from the rules' fund.estimated_share (docs/fund.md); status stays
 * last. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "run/run.h"

static const char *const columns[] = {
	"finding_id", "month", "detector", "dimension", "inst_id", "dept_id", "physician_id", "patient_id",
	"visit_id", "line_ids", "suspect_amount", "score", "reason",
	"severity", "tag", "metric", "value", "expected", "limit", "reason_en", "reason_zh",
	"fund_amount", "fund_estimated", "status", NULL
};

static const char *ref_id(const cw_dataset *ds, const cw_str *ids, cw_ref r)
{
	return r == CW_NONE ? "" : cw_dataset_str(ds, ids[r]);
}

static void number(FILE *f, double v, int last)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	fputc(last ? '\n' : ',', f);
}

typedef struct buffer {
	char *s;
	size_t cap;
} buffer;

/* The evidence line ids, space separated; NULL when out of memory. */
static const char *join_lines(const cw_dataset *ds, const cw_record *r, buffer *b)
{
	const cw_str *ids = cw_dataset_claims(ds)->id;
	size_t need = 1, n = 0;
	for (size_t i = 0; i < r->f.nlines; i++)
		need += strlen(cw_dataset_str(ds, ids[r->f.lines[i]])) + 1;
	if (need > b->cap) {
		char *s = realloc(b->s, need);
		if (!s)
			return NULL;
		b->s = s;
		b->cap = need;
	}
	b->s[0] = 0;
	for (size_t i = 0; i < r->f.nlines; i++) {
		const char *id = cw_dataset_str(ds, ids[r->f.lines[i]]);
		size_t len = strlen(id);
		if (i)
			b->s[n++] = ' ';
		memcpy(b->s + n, id, len + 1);
		n += len;
	}
	return b->s;
}

static int write_row(FILE *f, cw_month_run *mr, const cw_record *r, buffer *lines)
{
	const cw_dataset *ds = mr->ds;
	char buf[CW_FMT_SIZE], pseudo[CW_PSEUDO_SIZE];
	const char *line_ids = join_lines(ds, r, lines);
	if (!line_ids)
		return cw_error_set(CW_ENOMEM, "out of memory writing findings.csv");
	cw_csv_cell(f, r->id, 0);
	cw_csv_cell(f, mr->month, 0);
	cw_csv_cell(f, r->detector->name, 0);
	cw_csv_cell(f, cw_dimset_name(mr->dims, (size_t)r->dimension), 0);
	cw_csv_cell(f, ref_id(ds, cw_dataset_institutions(ds)->id, r->inst), 0);
	cw_csv_cell(f, ref_id(ds, cw_dataset_departments(ds)->id, r->dept), 0);
	cw_csv_cell(f, ref_id(ds, cw_dataset_physicians(ds)->id, r->f.physician), 0);
	cw_csv_cell(f, cw_pseudo_patient(pseudo, &mr->pseudo, ref_id(ds, cw_dataset_patients(ds)->id, r->f.patient)), 0);
	cw_csv_cell(f, ref_id(ds, cw_dataset_visits(ds)->id, r->f.visit), 0);
	cw_csv_cell(f, line_ids, 0);
	cw_csv_cell(f, cw_format_money(buf, r->f.suspect), 0);
	fprintf(f, "%.3f,", r->f.score < 0 ? 0 : r->f.score > 1 ? 1 : r->f.score);
	cw_csv_cell(f, cw_record_reason(r, mr->opts->lang), 0);
	cw_csv_cell(f, cw_severity_name(r->f.severity), 0);
	cw_csv_cell(f, r->f.tag, 0);
	cw_csv_cell(f, r->f.metric, 0);
	number(f, r->f.value, 0);
	number(f, r->f.expected, 0);
	number(f, r->f.limit, 0);
	cw_csv_cell(f, r->reason, 0);
	cw_csv_cell(f, r->reason_zh, 0);
	cw_csv_cell(f, cw_format_money(buf, r->fund), 0);
	cw_csv_cell(f, r->fund_estimated ? "1" : "0", 0);
	cw_csv_cell(f, cw_review_status_name(cw_reviews_status(mr->reviews, r->id)), 1);
	return 0;
}

/* The reviews' warnings (a damaged end of reviews.csv set aside), now that the run keeps warnings. */
static int warn_reviews(cw_month_run *mr)
{
	const char *w = cw_reviews_warnings(mr->reviews);
	int rc = 0;
	while (rc == 0 && *w) {
		size_t n = strcspn(w, "\n");
		rc = cw_run_warn(mr, "%.*s", (int)n, w);
		w += n + (w[n] == '\n');
	}
	return rc;
}

int cw_write_findings_file(cw_month_run *mr)
{
	const char *path = cw_outdir_file(mr->od, "findings.csv");
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_csv_header(f, columns);
	size_t n = mr->findings ? cw_findings_count(mr->findings) : 0;
	buffer lines = { NULL, 0 };
	for (size_t i = 0; i < n && rc == 0; i++) {
		cw_record r;
		cw_findings_get(&r, mr->findings, i);
		rc = write_row(f, mr, &r, &lines);
	}
	free(lines.s);
	int closed = cw_outfile_close(f, path);
	return rc < 0 ? rc : closed;
}

int cw_write_findings(cw_month_run *mr)
{
	int rc = warn_reviews(mr);
	return rc < 0 ? rc : cw_write_findings_file(mr);
}
