/* report_ranking.c: ranking.html (the composite) and one page per dimension: every scored physician with
 * score, grade in colour, rank, findings, money at stake, billing and last month's score; sortable and
 * filterable in the page, split into pages past CW_REPORT_RANKING_ROWS rows (r->ranking_rows). Physicians under
 * scoring.min_visits are listed too, after the ranked ones, with their findings and money and the status
 * "too few cases" (or "ranked, too few cases" when scoring.rank_too_few ranks them). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"

/* "composite", a dimension's name when it is plain (letters, digits, _), else its number. */
static char *dim_slug(const cw_report *r, size_t d, char *buf, size_t size)
{
	const char *name = cw_report_dim_name(r, d);
	int plain = strlen(name) < 40;
	for (const char *s = name; *s && plain; s++)
		plain = isalnum((unsigned char)*s) || *s == '_';
	if (plain)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%zu", d + 1);
	return buf;
}

/* ranking.html for the composite, ranking-<slug>.html for a dimension; page k > 0 adds -p<k+1>. */
static char *page_name(const cw_report *r, size_t d, size_t page, char *buf, size_t size)
{
	char base[96], slug[48];
	if (d == r->sc->ndims)
		snprintf(base, sizeof base, "ranking");
	else
		snprintf(base, sizeof base, "ranking-%s", dim_slug(r, d, slug, sizeof slug));
	if (page)
		snprintf(buf, size, "%s-p%zu.html", base, page + 1);
	else
		snprintf(buf, size, "%s.html", base);
	return buf;
}

static void tabs(const cw_report *r, FILE *f, size_t active)
{
	char name[128];
	fputs("<div class=\"tabs\">", f);
	for (size_t k = 0; k <= r->sc->ndims; k++) {
		size_t d = k == 0 ? r->sc->ndims : k - 1; /* the composite first */
		fprintf(f, "<a href=\"%s\"%s>", page_name(r, d, 0, name, sizeof name), d == active ? " class=\"on\"" : "");
		cw_html_text(f, cw_label_dimension(r->lang, cw_report_dim_name(r, d)));
		fputs("</a>", f);
	}
	fputs("</div>", f);
}

/* Page k of the ranking of dimension *what. */
static char *page_href(const cw_report *r, const void *what, size_t k, char *buf, size_t size)
{
	return page_name(r, *(const size_t *)what, k, buf, size);
}

enum { COL_INST = 2, COL_GRADE = 5, COL_STATUS = 13 };

static void head(const cw_report *r, FILE *f)
{
	static const struct { int key; const char *t; } cols[] = {
		{ L_RANK, "n" }, { L_PHYSICIAN, "s" }, { L_INSTITUTION, "s" }, { L_DEPARTMENT, "s" }, { L_SCORE, "n" },
		{ L_GRADE, "s" }, { L_FINDINGS, "n" }, { L_SUSPECT, "n" }, { L_VISITS, "n" }, { L_BILLED, "n" },
		{ L_MONEY_SHARE, "n" }, { L_PER_100, "n" }, { L_PREV_MONTH, "n" }, { L_STATUS, "s" }
	};
	fputs("<thead><tr>", f);
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		int num = cols[i].t[0] == 'n';
		fprintf(f, "<th data-t=\"%s\"%s>", cols[i].t, num && cols[i].key != L_RANK ? " data-d=\"desc\"" : "");
		cw_html_text(f, cw_label(r->lang, cols[i].key));
	}
	fputs("</thead>", f);
}

/* Last month's score of the same dimension, with an arrow when it moved. */
static void prev_cell(const cw_report *r, FILE *f, size_t row, size_t d)
{
	size_t nd = r->sc->ndims + 1;
	const cw_physcore *p = &r->sc->rows[row];
	if (r->nmonths < 2) {
		fputs("<td>", f);
		return;
	}
	int32_t before = r->trend[(row * (size_t)r->nmonths + (size_t)(r->nmonths - 2)) * nd + d];
	if (before < 0) {
		fputs("<td>", f);
		return;
	}
	char buf[CW_NUM_SIZE];
	const char *arrow = "";
	if (!p->too_few && p->dim[d].score > before)
		arrow = " <span class=\"up\">&#9650;</span>";
	else if (!p->too_few && p->dim[d].score < before)
		arrow = " <span class=\"down\">&#9660;</span>";
	fprintf(f, "<td>%s%s", cw_fmt_score(buf, before), arrow);
}

static void row(const cw_report *r, FILE *f, size_t i, size_t d)
{
	const cw_physcore *p = &r->sc->rows[i];
	const cw_dimscore *s = &p->dim[d];
	const cw_physicians *ph = cw_dataset_physicians(r->ds);
	char a[CW_NUM_SIZE], href[64];
	/* the numbers are aligned by the columns' CSS (.rk in report.css); </td> and </tr> are optional */
	if (s->rank)
		fprintf(f, "<tr><td>%u<td>", s->rank);
	else
		fputs("<tr><td><td>", f);
	int link = r->has_page[p->physician];
	if (link)
		fprintf(f, "<a href=\"%s\">", cw_report_physician_href(r, p->physician, 0, href, sizeof href));
	cw_html_text(f, cw_report_str(r, ph->name[p->physician]));
	fputs(link ? "</a> <small>" : " <small>", f);
	cw_html_text(f, cw_report_str(r, ph->id[p->physician]));
	fputs("</small><td>", f);
	cw_html_text(f, cw_report_inst_name(r, p->inst));
	fputs("<td>", f);
	cw_html_text(f, cw_report_dept_name(r, p->dept));
	cw_report_score_cell(r, f, p, s);
	fputs("<td>", f);
	if (!p->too_few)
		cw_html_text(f, cw_label_grade(r->lang, s->grade));
	fprintf(f, "<td>%u<td>%s", s->findings, cw_fmt_money(a, s->suspect));
	fprintf(f, "<td>%u", p->visits);
	fprintf(f, "<td>%s", cw_fmt_money(a, p->billed));
	fprintf(f, "<td>%s", cw_fmt_pct(a, s->money_share, 2));
	fprintf(f, "<td>%s", cw_fmt_num(a, s->per_100, 2));
	prev_cell(r, f, i, d);
	fputs("<td>", f);
	cw_html_text(f, cw_label_status(r->lang, p, s));
	fputs("\n", f);
}

/* The institutions of the scored physicians, in institution order (for the filter). */
static const char **institutions(const cw_report *r, size_t *n)
{
	size_t ni = cw_dataset_institutions(r->ds)->n;
	uint8_t *seen = calloc(ni + 1, 1);
	const char **v = calloc(ni + 1, sizeof *v);
	*n = 0;
	if (!seen || !v) {
		free(seen);
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < r->sc->n; i++)
		seen[r->sc->rows[i].inst] = 1;
	for (size_t i = 0; i < ni; i++)
		if (seen[i])
			v[(*n)++] = cw_report_inst_name(r, (cw_ref)i);
	free(seen);
	return v;
}

static int write_page(cw_report *r, size_t d, const uint32_t *idx, size_t from, size_t to, size_t page, size_t pages,
                      const cw_filter_select *sel, size_t nsel)
{
	char name[128], title[256];
	const char *dim = cw_label_dimension(r->lang, cw_report_dim_name(r, d));
	snprintf(title, sizeof title, "%s %s: %s", cw_label(r->lang, L_RANKING), r->in->month, dim);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, page_name(r, d, page, name, sizeof name)), title, "",
	                       CW_NAV_RANKING, CW_PAGE_SCRIPT);
	if (rc < 0)
		return rc;
	FILE *f = pg.f;
	fputs("<h1>", f);
	cw_html_text(f, title);
	fputs("</h1>", f);
	tabs(r, f, d);
	cw_report_pager(r, f, page, pages, page_href, &d);
	char csv[96], slug[48];
	snprintf(csv, sizeof csv, "ranking-%s-%s.csv", r->in->month, dim_slug(r, d, slug, sizeof slug));
	cw_report_filters(r, f, "rank", sel, nsel, csv);
	fputs("<div class=\"wrap\"><table class=\"data rk\" id=\"rank\">", f);
	head(r, f);
	fputs("<tbody>\n", f);
	for (size_t i = from; i < to; i++)
		row(r, f, idx[i], d);
	fputs("</table></div>", f);
	cw_report_pager(r, f, page, pages, page_href, &d);
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, name, bytes);
	return rc;
}

int cw_report_ranking(cw_report *r)
{
	const cw_scores *s = r->sc;
	uint32_t *idx = malloc((s->n + 1) * sizeof *idx);
	size_t ninst = 0;
	const char **inst = institutions(r, &ninst);
	if (!idx || !inst) {
		free(idx);
		free(inst);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	const char *grades[3], *status[4] = { cw_label(r->lang, L_RANKED), cw_label(r->lang, L_NO_PROBLEMS),
		                              cw_label(r->lang, L_TOO_FEW), cw_label(r->lang, L_RANKED_FEW) };
	for (int g = 0; g < 3; g++)
		grades[g] = cw_label_grade(r->lang, g);
	cw_filter_select sel[] = {
		{ COL_INST, cw_label(r->lang, L_INSTITUTION), inst, ninst },
		{ COL_GRADE, cw_label(r->lang, L_GRADE), grades, 3 },
		{ COL_STATUS, cw_label(r->lang, L_STATUS), status, s->under_floor && !s->too_few ? 4 : 3 },
	};
	int rc = 0;
	for (size_t d = 0; rc == 0 && d <= s->ndims; d++) {
		if (s->n)
			cw_rank_order(idx, s, r->ds, d);
		size_t pages = s->n ? (s->n + r->ranking_rows - 1) / r->ranking_rows : 1;
		for (size_t k = 0; rc == 0 && k < pages; k++) {
			size_t from = k * r->ranking_rows, to = from + r->ranking_rows;
			rc = write_page(r, d, idx, from, to < s->n ? to : s->n, k, pages, sel, sizeof sel / sizeof *sel);
		}
	}
	free(idx);
	free(inst);
	return rc;
}
