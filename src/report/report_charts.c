/* report_charts.c: charts.html: the spread of composite scores per institution, and the funnel plots of
 * the physicians' key metrics against their peers. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"

/* One row per institution with graded physicians: their composite scores and grades. */
static int spread(cw_report *r, FILE *f)
{
	const cw_scores *s = r->sc;
	size_t ni = cw_dataset_institutions(r->ds)->n, nd = s->ndims;
	uint32_t *start = calloc(ni + 2, sizeof *start);
	double *v = malloc((s->n + 1) * sizeof *v);
	int8_t *g = malloc(s->n + 1);
	cw_strip_row *rows = calloc(ni + 1, sizeof *rows);
	if (!start || !v || !g || !rows) {
		free(start), free(v), free(g), free(rows);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	for (size_t i = 0; i < s->n; i++)
		if (!s->rows[i].too_few)
			start[s->rows[i].inst + 2]++;
	for (size_t i = 0; i < ni; i++)
		start[i + 2] += start[i + 1];
	for (size_t i = 0; i < s->n; i++) {
		const cw_physcore *p = &s->rows[i];
		if (p->too_few)
			continue;
		uint32_t k = start[p->inst + 1]++;
		v[k] = p->dim[nd].score / 100.0;
		g[k] = (int8_t)p->dim[nd].grade;
	}
	size_t n = 0;
	for (size_t i = 0; i < ni; i++)
		if (start[i + 1] > start[i])
			rows[n++] = (cw_strip_row){ cw_report_inst_name(r, (cw_ref)i), v + start[i], g + start[i],
				                    start[i + 1] - start[i] };
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_SPREAD));
	fputs("</h2><div class=\"wrap\">", f);
	char axis[128];
	snprintf(axis, sizeof axis, "%s (%s)", cw_label(r->lang, L_SCORE), cw_label(r->lang, L_COMPOSITE));
	int rc = cw_svg_strip(f, rows, n, r->in->score_rules->cut_basic, r->in->score_rules->cut_unreasonable, axis);
	fputs("</div>", f);
	free(start), free(v), free(g), free(rows);
	return rc;
}

int cw_report_charts(cw_report *r)
{
	char title[160];
	snprintf(title, sizeof title, "%s %s", cw_label(r->lang, L_CHARTS), r->in->month);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, "charts.html"), title, "", CW_NAV_CHARTS, CW_PAGE_PLAIN);
	if (rc < 0)
		return rc;
	FILE *f = pg.f;
	fputs("<h1>", f);
	cw_html_text(f, title);
	fputs("</h1>", f);
	rc = spread(r, f);
	if (rc == 0)
		rc = cw_report_funnels(r, f);
	if (rc < 0) {
		cw_page_abort(&pg);
		return rc;
	}
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, "charts.html", bytes);
	return rc;
}
