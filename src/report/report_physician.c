/* report_physician.c: p/N.html, one page per physician ranked (or with findings) this month: who they are,
 * their scores against their peers, their trend in the cycle, their metrics against peers, and every
 * finding with its reason and the claim lines behind it. A physician with many findings or lines gets
 * several pages (p/N-2.html ...), cut by cw_paginate, so no page grows past a few MB. The pages are
 * written on the run's threads, a few physicians a task (report_threads.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "report/report.h"

/* Peers within the ranking scope: per scores row and dimension, the mean score of the graded
 * physicians of its group and how many of them are ranked. */
typedef struct peers {
	int32_t *mean;   /* [row * nd + d], hundredths; -1 when none */
	uint32_t *ranked;
} peers;

static uint32_t scope_key(const cw_report *r, const cw_physcore *p)
{
	switch (r->sc->scope) {
	case CW_SCOPE_INSTITUTION: return p->inst;
	case CW_SCOPE_SPECIALTY: return cw_dataset_departments(r->ds)->specialty[p->dept];
	default: return 0;
	}
}

static const cw_report *sort_ctx;
static int by_key(const void *a, const void *b)
{
	const cw_physcore *x = &sort_ctx->sc->rows[*(const uint32_t *)a], *y = &sort_ctx->sc->rows[*(const uint32_t *)b];
	uint32_t kx = scope_key(sort_ctx, x), ky = scope_key(sort_ctx, y);
	return (kx > ky) - (kx < ky);
}

/* The mean and ranked count of one group [from, to) of the sorted rows, in dimension d. */
static void group_stats(const cw_report *r, const uint32_t *idx, size_t from, size_t to, size_t d, peers *pe)
{
	size_t nd = r->sc->ndims + 1, n = 0;
	int64_t sum = 0;
	uint32_t ranked = 0;
	for (size_t k = from; k < to; k++) {
		const cw_dimscore *s = &r->sc->rows[idx[k]].dim[d];
		if (s->grade >= 0) {
			sum += s->score;
			n++;
		}
		ranked += s->rank > 0;
	}
	int32_t mean = n ? (int32_t)((sum + (int64_t)n / 2) / (int64_t)n) : -1;
	for (size_t k = from; k < to; k++) {
		pe->mean[idx[k] * nd + d] = mean;
		pe->ranked[idx[k] * nd + d] = ranked;
	}
}

static int peers_build(const cw_report *r, peers *pe)
{
	size_t n = r->sc->n, nd = r->sc->ndims + 1;
	uint32_t *idx = malloc((n + 1) * sizeof *idx);
	pe->mean = malloc((n * nd + 1) * sizeof *pe->mean);
	pe->ranked = malloc((n * nd + 1) * sizeof *pe->ranked);
	if (!idx || !pe->mean || !pe->ranked) {
		free(idx);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	sort_ctx = r;
	qsort(idx, n, sizeof *idx, by_key);
	for (size_t from = 0, to; from < n; from = to) {
		uint32_t key = scope_key(r, &r->sc->rows[idx[from]]);
		for (to = from + 1; to < n && scope_key(r, &r->sc->rows[idx[to]]) == key; to++)
			;
		for (size_t d = 0; d < nd; d++)
			group_stats(r, idx, from, to, d, pe);
	}
	free(idx);
	return 0;
}

static void peers_free(peers *pe)
{
	free(pe->mean);
	free(pe->ranked);
}

/* --- the parts of a page --------------------------------------------------------------- */

static void kv(FILE *f, const char *key, const char *value)
{
	fputs("<dt>", f);
	cw_html_text(f, key);
	fputs("<dd>", f);
	cw_html_text(f, value);
}

static void identity(const cw_report *r, FILE *f, const cw_physcore *p)
{
	const cw_physicians *ph = cw_dataset_physicians(r->ds);
	const cw_departments *de = cw_dataset_departments(r->ds);
	int L = r->lang;
	char a[CW_NUM_SIZE];
	fputs("<h1>", f);
	cw_html_text(f, cw_report_str(r, ph->name[p->physician]));
	fputs(" <small>", f);
	cw_html_text(f, cw_report_str(r, ph->id[p->physician]));
	fputs("</small></h1><dl class=\"kv\">", f);
	kv(f, cw_label(L, L_INSTITUTION), cw_report_inst_name(r, p->inst));
	kv(f, cw_label(L, L_DEPARTMENT), cw_report_dept_name(r, p->dept));
	kv(f, cw_label(L, L_SPECIALTY), cw_label_specialty(L, cw_report_str(r, de->specialty[p->dept])));
	if (ph->title[p->physician] != CW_NONE)
		kv(f, cw_label(L, L_TITLE), cw_report_str(r, ph->title[p->physician]));
	kv(f, cw_label(L, L_VISITS), cw_fmt_count(a, p->visits));
	kv(f, cw_label(L, L_BILLED), cw_fmt_money(a, p->billed));
	fputs("</dl>", f);
}

static void scores(const cw_report *r, FILE *f, size_t row, const peers *pe)
{
	static const int heads[] = { L_DIMENSION, L_SCORE, L_GRADE, L_RANK, L_PEER_MEAN, L_FINDINGS, L_SUSPECT,
		                     L_MONEY_SHARE, L_PER_100, L_OUTLIER, L_CONFIRMED, L_DISMISSED };
	const cw_physcore *p = &r->sc->rows[row];
	size_t nd = r->sc->ndims + 1;
	char a[CW_NUM_SIZE];
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_SCORES));
	fputs("</h2><div class=\"wrap\"><table class=\"data sc\"><thead><tr>", f);
	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
		fputs("<th>", f);
		cw_html_text(f, cw_label(r->lang, heads[i]));
	}
	fputs("<tbody>", f);
	for (size_t k = 0; k < nd; k++) {
		size_t d = k == 0 ? r->sc->ndims : k - 1; /* the composite first */
		const cw_dimscore *s = &p->dim[d];
		fputs("<tr><td>", f);
		cw_html_text(f, cw_label_dimension(r->lang, cw_report_dim_name(r, d)));
		cw_report_score_cell(r, f, p, s);
		fputs("<td>", f);
		cw_report_grade_badge(r, f, p->too_few ? -1 : s->grade);
		if (p->too_few)
			cw_html_text(f, cw_label(r->lang, L_TOO_FEW));
		fputs("<td>", f);
		if (s->rank)
			fprintf(f, "%u %s %u", s->rank, cw_label(r->lang, L_OF), pe->ranked[row * nd + d]);
		int32_t mean = pe->mean[row * nd + d];
		fprintf(f, "<td>%s", mean >= 0 ? cw_fmt_score(a, mean) : "");
		fprintf(f, "<td>%u<td>%s", s->findings, cw_fmt_money(a, s->suspect));
		fprintf(f, "<td>%s", cw_fmt_pct(a, s->money_share, 2));
		fprintf(f, "<td>%s", cw_fmt_num(a, s->per_100, 2));
		fprintf(f, "<td>%s", cw_fmt_num(a, s->outlier, 3));
		fprintf(f, "<td>%u<td>%u\n", s->confirmed, s->dismissed);
	}
	fputs("</table></div>", f);
}

static int trend(const cw_report *r, FILE *f, size_t row)
{
	size_t nd = r->sc->ndims + 1, nm = (size_t)r->nmonths;
	double *v = malloc(nd * nm * sizeof *v + 1);
	cw_series *s = calloc(nd, sizeof *s);
	const char *x[6];
	static const char *const cls[] = { "s0", "s1", "s2", "s3", "s4", "s5" };
	if (!v || !s) {
		free(v);
		free(s);
		return cw_error_set(CW_ENOMEM, "out of memory drawing a trend in the report");
	}
	for (size_t m = 0; m < nm; m++)
		x[m] = r->months[m];
	for (size_t k = 0; k < nd; k++) {
		size_t d = k == 0 ? r->sc->ndims : k - 1;
		for (size_t m = 0; m < nm; m++) {
			int32_t t = r->trend[(row * nm + m) * nd + d];
			v[k * nm + m] = t < 0 ? NAN : t / 100.0;
		}
		s[k] = (cw_series){ cw_label_dimension(r->lang, cw_report_dim_name(r, d)), v + k * nm, cls[k % 6] };
	}
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_TREND));
	fputs("</h2>", f);
	cw_svg_trend(f, x, nm, s, nd, 100, r->in->score_rules->cut_basic, r->in->score_rules->cut_unreasonable);
	free(v);
	free(s);	return 0;
}

static void evidence_head(const cw_report *r, FILE *f)
{
	/* the numbers (quantity, prices, amount) are aligned by the columns' CSS (.ev in report.css) */
	static const int cols[] = { L_LINE, L_TIME, L_ITEM, L_CATEGORY, L_QTY, L_UNIT, L_UNIT_PRICE, L_STD_PRICE,
		                    L_AMOUNT };
	fputs("<table class=\"ev\"><thead><tr>", f);
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		fputs("<th>", f);
		cw_html_text(f, cw_label(r->lang, cols[i]));
	}
	fputs("<tbody>", f);
}

static void evidence_line(const cw_report *r, FILE *f, uint32_t l)
{
	const cw_claims *c = cw_dataset_claims(r->ds);
	const cw_items *it = cw_dataset_items(r->ds);
	cw_ref item = c->item[l];
	char a[CW_NUM_SIZE], t[CW_FMT_SIZE];
	fputs("<tr><td>", f);
	cw_html_text(f, cw_report_str(r, c->id[l]));
	fprintf(f, "<td>%s<td>", cw_format_time(t, c->time[l]));
	cw_html_text(f, cw_report_str(r, it->name[item]));
	fputs(" <small>", f);
	cw_html_text(f, cw_report_str(r, it->code[item]));
	fputs("</small>", f);
	if (!cw_line_live(c, l)) {
		fputs(" <span class=\"badge gn\">", f);
		cw_html_text(f, cw_label(r->lang, c->flags[l] & CW_LINE_REFUND ? L_REFUND : L_REFUNDED));
		fputs("</span>", f);
	}
	fputs("<td>", f);
	cw_html_text(f, cw_label_category(r->lang, it->category[item]));
	fprintf(f, "<td>%s<td>", cw_format_qty(t, c->qty[l]));
	cw_html_text(f, cw_report_str(r, it->unit[item]));
	fprintf(f, "<td>%s", cw_fmt_money(a, c->unit_price[l]));
	int over = c->unit_price[l] > it->std_price[item];
	fprintf(f, "<td%s>%s", over ? " class=\"over\"" : "", cw_fmt_money(a, it->std_price[item]));
	fprintf(f, "<td>%s\n", cw_fmt_money(a, c->amount[l]));
}

static void visit_info(const cw_report *r, FILE *f, cw_ref v)
{
	const cw_visits *vi = cw_dataset_visits(r->ds);
	char t[CW_FMT_SIZE];
	kv(f, cw_label(r->lang, L_VISIT), cw_report_str(r, vi->id[v]));
	fputs("<dt>", f);
	cw_html_text(f, cw_label(r->lang, L_KIND));
	fputs("<dd>", f);
	cw_html_text(f, cw_label_kind(r->lang, vi->kind[v]));
	fprintf(f, ", %s", cw_format_time(t, vi->admit[v]));
	if (vi->discharge[v] != CW_MINUTE_NONE)
		fprintf(f, " &ndash; %s", cw_format_time(t, vi->discharge[v]));
	fputs("<dt>", f);
	cw_html_text(f, cw_label(r->lang, L_DX));
	fputs("<dd>", f);
	cw_html_text(f, cw_report_str(r, vi->dx_code[v]));
	fputs(" ", f);
	cw_html_text(f, cw_report_str(r, vi->dx_name[v]));
}

/* The numbers of a finding on a metric: value, expected, limit. */
static void metric_info(const cw_report *r, FILE *f, const cw_record *rec)
{
	char a[CW_NUM_SIZE];
	if (!rec->f.metric)
		return;
	kv(f, cw_label(r->lang, L_METRIC), cw_label_metric(r->lang, rec->f.metric));
	if (isfinite(rec->f.value))
		kv(f, cw_label(r->lang, L_VALUE), cw_fmt_num(a, rec->f.value, 4));
	if (isfinite(rec->f.expected))
		kv(f, cw_label(r->lang, L_EXPECTED), cw_fmt_num(a, rec->f.expected, 4));
	if (isfinite(rec->f.limit))
		kv(f, cw_label(r->lang, L_LIMIT), cw_fmt_num(a, rec->f.limit, 4));
}

/* One finding: what, why, about whom, and its lines [from, to) on this page. */
static void finding(const cw_report *r, FILE *f, const cw_record *rec, size_t from, size_t to)
{
	int L = r->lang;
	char a[CW_NUM_SIZE], pseudo[CW_PSEUDO_SIZE];
	fprintf(f, "<details class=\"finding\" open id=\"%s\"><summary><span class=\"badge g%d\">", rec->id,
	        rec->f.severity == CW_VIOLATION ? 2 : rec->f.severity == CW_SUSPICIOUS ? 1 : 0);
	cw_html_text(f, cw_label_severity(L, rec->f.severity));
	fputs("</span> <b>", f);
	cw_html_text(f, cw_label_detector(L, rec->detector));
	fprintf(f, "</b> &middot; %s &middot; ", cw_fmt_money(a, rec->f.suspect));
	cw_html_text(f, cw_label_dimension(L, cw_dimset_name(r->in->dims, (size_t)rec->dimension)));
	fprintf(f, " &middot; <code>%s</code>", rec->id);
	if (from > 0) {
		fputs(" (", f);
		cw_html_text(f, cw_label(L, L_CONTINUED));
		fputs(")", f);
	}
	int status = cw_reviews_status(r->in->reviews, rec->id);
	if (status != CW_REVIEW_NONE) {
		fprintf(f, " <span class=\"badge %s\">", status == CW_REVIEW_DISMISSED ? "gn" : "g2");
		cw_html_text(f, cw_label_review(L, status));
		fputs("</span>", f);
	}
	fputs("</summary><p class=\"why\">", f);
	cw_html_text(f, cw_record_reason(rec, cw_lang_code(L)));
	fputs("</p><dl class=\"kv\">", f);
	kv(f, cw_label(L, L_RULE), cw_label_summary(L, rec->detector));
	if (rec->f.patient != CW_NONE) {
		const char *id = cw_report_str(r, cw_dataset_patients(r->ds)->id[rec->f.patient]);
		kv(f, cw_label(L, L_PATIENT), cw_pseudo_patient(pseudo, r->in->pseudo, id));
	}
	if (rec->f.visit != CW_NONE)
		visit_info(r, f, rec->f.visit);
	kv(f, cw_label(L, L_STRENGTH), cw_fmt_num(a, rec->f.score, 3));
	metric_info(r, f, rec);
	fputs("</dl>", f);
	if (rec->f.nlines) {
		evidence_head(r, f);
		for (size_t k = from; k < to; k++)
			evidence_line(r, f, rec->f.lines[k]);
		fputs("</table>", f);
	} else {
		fputs("<p class=\"note\">", f);
		cw_html_text(f, cw_label(L, L_EVIDENCE_NONE));
		fputs("</p>", f);
	}
	fputs("</details>\n", f);
}

/* Page k of the physician *what, from one of its pages. */
static char *page_href(const cw_report *r, const void *what, size_t k, char *buf, size_t size)
{
	char href[64];
	snprintf(buf, size, "../%s", cw_report_physician_href(r, *(const cw_ref *)what, (int)k, href, sizeof href));
	return buf;
}

/* --- one physician --------------------------------------------------------------------- */

typedef struct phys_ctx {
	cw_report *r;
	const peers *pe;
	size_t *nlines;  /* scratch: lines per finding */
	cw_pagecut *cuts;
	size_t cap;      /* of nlines and cuts */
} phys_ctx;

static int grow(phys_ctx *c, size_t need)
{
	if (need <= c->cap)
		return 0;
	size_t *n = realloc(c->nlines, need * sizeof *n);
	if (n)
		c->nlines = n;
	cw_pagecut *k = realloc(c->cuts, need * sizeof *k);
	if (k)
		c->cuts = k;
	if (!n || !k)
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	c->cap = need;
	return 0;
}

static int write_page(phys_ctx *c, size_t row, const uint32_t *fl, size_t nf, size_t page, size_t pages)
{
	cw_report *r = c->r;
	const cw_physcore *p = &r->sc->rows[row];
	const cw_physicians *ph = cw_dataset_physicians(r->ds);
	char href[64], title[256];
	snprintf(title, sizeof title, "%s %s %s", cw_report_str(r, ph->name[p->physician]),
	         cw_report_str(r, ph->id[p->physician]), r->in->month);
	cw_report_physician_href(r, p->physician, (int)page, href, sizeof href);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, href), title, "../", CW_NAV_NONE, CW_PAGE_PLAIN);
	if (rc < 0)
		return rc;
	FILE *f = pg.f;
	fputs("<p><a href=\"../ranking.html\">&larr; ", f);
	cw_html_text(f, cw_label(r->lang, L_BACK));
	fputs("</a></p>", f);
	identity(r, f, p);
	if (page == 0) {
		scores(r, f, row, c->pe);
		if ((rc = trend(r, f, row)) < 0) {
			cw_page_abort(&pg);
			return rc;
		}
		cw_report_physician_metrics(r, f, p->physician);
	}
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_FINDINGS));
	fprintf(f, " (%zu)</h2>", nf);
	cw_report_pager(r, f, page, pages, page_href, &p->physician);
	size_t end_f = page + 1 < pages ? c->cuts[page + 1].first : nf;
	size_t end_l = page + 1 < pages ? c->cuts[page + 1].line : 0;
	for (size_t i = c->cuts[page].first; i < nf && (i < end_f || (i == end_f && end_l > 0)); i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, fl[i]);
		size_t from = i == c->cuts[page].first ? c->cuts[page].line : 0;
		size_t to = i == end_f ? end_l : rec.f.nlines;
		finding(r, f, &rec, from, to);
	}
	cw_report_pager(r, f, page, pages, page_href, &p->physician);
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, href, bytes);
	return rc;
}

static int physician(phys_ctx *c, size_t row)
{
	cw_report *r = c->r;
	cw_ref ph = r->sc->rows[row].physician;
	const uint32_t *fl = r->fidx + r->fstart[ph];
	size_t nf = r->fstart[ph + 1] - r->fstart[ph], total = 0;
	for (size_t i = 0; i < nf; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, fl[i]);
		total += rec.f.nlines;
	}
	int rc = grow(c, nf + total / r->evidence_rows + 2);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < nf; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, fl[i]);
		c->nlines[i] = rec.f.nlines;
	}
	size_t pages = cw_paginate(c->nlines, nf, r->evidence_rows, r->findings_per_page, c->cuts, c->cap);
	if (pages > c->cap)
		return cw_error_set(CW_ERROR, "internal: %zu pages for %zu cut slots", pages, c->cap);
	for (size_t k = 0; rc == 0 && k < pages; k++)
		rc = write_page(c, row, fl, nf, k, pages);
	return rc;
}

/* Ranked in some dimension, or with findings: an inspector may need to check them. */
static int wanted(const cw_report *r, const cw_physcore *p)
{
	for (size_t d = 0; d <= r->sc->ndims; d++)
		if (p->dim[d].rank)
			return 1;
	return r->fstart[p->physician + 1] > r->fstart[p->physician];
}

/* Physicians per task at most: enough to keep a thread busy between two takes (a physician's pages take
 * from a few KB to MB). */
#define ROWS_PER_TASK 8

typedef struct phys_job {
	const peers *pe;
	const uint32_t *rows; /* the scores rows that get a page, in order */
} phys_job;

/* The pages of rows[from .. to), written through w (cw_report_run_tasks). */
static int phys_task(cw_report *w, void *arg, size_t from, size_t to)
{
	const phys_job *j = arg;
	phys_ctx c = { .r = w, .pe = j->pe };
	int rc = 0;
	for (size_t i = from; rc == 0 && i < to; i++)
		rc = physician(&c, j->rows[i]);
	free(c.nlines);
	free(c.cuts);
	return rc;
}

int cw_report_physicians(cw_report *r)
{
	peers pe = { 0 };
	int rc = peers_build(r, &pe);
	uint32_t *rows = malloc((r->sc->n + 1) * sizeof *rows);
	if (rc == 0 && !rows)
		rc = cw_error_set(CW_ENOMEM, "out of memory writing the report");
	/* who gets a page, decided before the pages are written (on several threads): the other pages link
	 * only to pages that exist */
	size_t n = 0;
	for (size_t i = 0; rc == 0 && i < r->sc->n; i++) {
		cw_ref ph = r->sc->rows[i].physician;
		if (!wanted(r, &r->sc->rows[i]) || r->has_page[ph]) /* one page a physician */
			continue;
		r->has_page[ph] = 1;
		rows[n++] = (uint32_t)i;
	}
	phys_job j = { &pe, rows };
	if (rc == 0)
		rc = cw_report_run_tasks(r, r->in->threads, n, ROWS_PER_TASK, phys_task, &j);
	free(rows);
	peers_free(&pe);
	return rc;
}
