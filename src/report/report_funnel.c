/* report_funnel.c: the funnel plots of the physicians' metrics against their peers, and each physician's
 * metrics on their page.
 *
 * A metric's physicians are judged within peer groups (specialty at an institution level, or across
 * levels; claimwatch/metrics.h), each with its own target and control limits, so a plot is one peer
 * group: each judged physician a dot (units, case-mix adjusted value on the group's scale) against the
 * group's curves; dots above the upper curve are flagged, drawn red and labelled. charts.html shows, per
 * metric, the group with the most flagged physicians; funnel-<metric>.html shows every group. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"

static double limit_of(const void *ctx, double volume, int side)
{
	return cw_funnel_limit(ctx, volume, side);
}

/* A value in the metric's unit: money with two decimals, shares in %, others with one decimal. */
static char *show(const cw_metric_info *mi, double v, char buf[CW_NUM_SIZE])
{
	if (!mi->money && !strcmp(mi->unit, "share"))
		return cw_fmt_pct(buf, v, 1);
	return cw_fmt_num(buf, v, mi->money ? 2 : 1);
}

static const char *volume_word(int lang, const cw_metric_info *mi)
{
	switch (mi->volume_kind) {
	case CW_VOLUME_STAYS: return cw_label(lang, L_UNIT_STAYS);
	case CW_VOLUME_PRESCRIPTIONS: return cw_label(lang, L_UNIT_RX);
	default: return cw_label(lang, L_UNIT_VISITS);
	}
}

static char *group_name(const cw_report *r, const cw_peer_group *g, char *buf, size_t size)
{
	const char *spec = cw_label_specialty(r->lang, cw_report_str(r, g->specialty));
	if (!g->level)
		snprintf(buf, size, "%s, %s", spec, cw_label(r->lang, L_ALL_LEVELS));
	else if (r->lang == CW_LANG_ZH)
		snprintf(buf, size, "%s, %d%s", spec, g->level, cw_label(r->lang, L_LEVEL_N));
	else
		snprintf(buf, size, "%s, %s %d", spec, cw_label(r->lang, L_LEVEL_N), g->level);
	return buf;
}

/* The judged physicians of one metric grouped by peer group: start[g] .. start[g + 1] in phys. */
typedef struct groups {
	const cw_metric_table *t;
	const cw_metric_info *mi;
	uint32_t *start, *phys, *flagged;
	uint32_t *order;   /* groups, the most flagged first, then the most judged */
	size_t n, judged, nflagged;
} groups;

static const groups *order_ctx;
static int by_interest(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const groups *g = order_ctx;
	if (g->flagged[x] != g->flagged[y])
		return g->flagged[x] > g->flagged[y] ? -1 : 1;
	uint32_t nx = g->start[x + 1] - g->start[x], ny = g->start[y + 1] - g->start[y];
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return (x > y) - (x < y);
}

static void groups_free(groups *g)
{
	free(g->start);
	free(g->phys);
	free(g->flagged);
	free(g->order);
}

static int groups_build(const cw_report *r, int metric, groups *g)
{
	size_t np = cw_dataset_physicians(r->ds)->n;
	memset(g, 0, sizeof *g);
	g->t = cw_metrics_table(r->in->metrics, metric);
	g->mi = cw_metric_info_of(metric);
	g->n = g->t->ngroups;
	g->start = calloc(g->n + 2, sizeof *g->start);
	g->phys = malloc((np + 1) * sizeof *g->phys);
	g->flagged = calloc(g->n + 1, sizeof *g->flagged);
	g->order = malloc((g->n + 1) * sizeof *g->order);
	if (!g->start || !g->phys || !g->flagged || !g->order) {
		groups_free(g);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	for (size_t p = 0; p < np; p++) {
		const cw_metric_row *row = &g->t->rows[p];
		if (row->status != CW_METRIC_JUDGED || row->group < 0 || (size_t)row->group >= g->n)
			continue;
		g->start[row->group + 2]++;
		g->flagged[row->group] += row->flagged;
		g->judged++;
		g->nflagged += row->flagged;
	}
	for (size_t k = 0; k < g->n; k++)
		g->start[k + 2] += g->start[k + 1];
	for (size_t p = 0; p < np; p++) {
		const cw_metric_row *row = &g->t->rows[p];
		if (row->status == CW_METRIC_JUDGED && row->group >= 0 && (size_t)row->group < g->n)
			g->phys[g->start[row->group + 1]++] = (uint32_t)p;
	}
	for (size_t k = 0; k < g->n; k++)
		g->order[k] = (uint32_t)k;
	order_ctx = g;
	qsort(g->order, g->n, sizeof *g->order, by_interest);
	return 0;
}

/* One group's plot. rel: the way from the page to the report folder ("" here). */
static int plot_group(const cw_report *r, FILE *f, const groups *gs, uint32_t k)
{
	const cw_peer_group *g = &gs->t->groups[k];
	const cw_physicians *ph = cw_dataset_physicians(r->ds);
	size_t n = gs->start[k + 1] - gs->start[k];
	cw_funnel_dot *dots = calloc(n + 1, sizeof *dots);
	char (*labels)[200] = calloc(n + 1, sizeof *labels), (*hrefs)[40] = calloc(n + 1, sizeof *hrefs);
	char (*tags)[120] = calloc(n + 1, sizeof *tags);
	if (!dots || !labels || !hrefs || !tags) {
		free(dots), free(labels), free(hrefs), free(tags);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t p = gs->phys[gs->start[k] + i];
		const cw_metric_row *row = &gs->t->rows[p];
		char v[CW_NUM_SIZE], e[CW_NUM_SIZE];
		snprintf(labels[i], sizeof labels[i], "%s %s: %s (%s %s, n=%u)", cw_report_str(r, ph->name[p]),
		         cw_report_str(r, ph->id[p]), show(gs->mi, row->value, v), cw_label(r->lang, L_EXPECTED),
		         show(gs->mi, row->expected, e), row->volume);
		snprintf(tags[i], sizeof tags[i], "%s %s", cw_report_str(r, ph->name[p]), cw_report_str(r, ph->id[p]));
		if (r->has_page[p])
			cw_report_physician_href(r, p, 0, hrefs[i], sizeof hrefs[i]);
		dots[i] = (cw_funnel_dot){ (double)row->volume, row->plotted, labels[i], tags[i],
			                   r->has_page[p] ? hrefs[i] : NULL, row->flagged };
	}
	char title[200], xlabel[96];
	group_name(r, g, title, sizeof title);
	snprintf(xlabel, sizeof xlabel, "%s (%s)", cw_label(r->lang, L_VOLUME), volume_word(r->lang, gs->mi));
	cw_funnel_plot plot = { .title = title, .xlabel = xlabel, .ylabel = cw_label_metric(r->lang, gs->mi->name),
		                .target = g->funnel.target, .limit = limit_of, .ctx = &g->funnel, .dots = dots, .n = n,
		                .percent = !gs->mi->money && !strcmp(gs->mi->unit, "share") };
	fprintf(f, "<div class=\"chart\" id=\"g%u\"><h3>", k);
	cw_html_text(f, title);
	fprintf(f, "</h3><p class=\"note\">%s %zu &middot; ", cw_label(r->lang, L_JUDGED), n);
	cw_html_text(f, cw_label(r->lang, L_FLAGGED));
	fprintf(f, " %u</p>", gs->flagged[k]);
	cw_svg_funnel(f, &plot);
	fputs("</div>", f);
	free(dots), free(labels), free(hrefs), free(tags);
	return 0;
}

static char *metric_page(int metric, char *buf, size_t size)
{
	snprintf(buf, size, "funnel-%s.html", cw_metric_info_of(metric)->name);
	return buf;
}

/* funnel-<metric>.html: every peer group of the metric. */
static int metric_page_write(cw_report *r, int metric, const groups *gs)
{
	char name[96], title[256];
	snprintf(title, sizeof title, "%s: %s %s", cw_label(r->lang, L_FUNNEL), cw_label_metric(r->lang, gs->mi->name),
	         r->in->month);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, metric_page(metric, name, sizeof name)), title, "",
	                       CW_NAV_CHARTS, CW_PAGE_PLAIN);
	if (rc < 0)
		return rc;
	fputs("<h1>", pg.f);
	cw_html_text(pg.f, title);
	fputs("</h1><p class=\"note\">", pg.f);
	cw_html_text(pg.f, cw_label(r->lang, L_FUNNEL_NOTE));
	fputs("</p><div class=\"charts\">", pg.f);
	for (size_t i = 0; rc == 0 && i < gs->n; i++)
		if (gs->start[gs->order[i] + 1] > gs->start[gs->order[i]])
			rc = plot_group(r, pg.f, gs, gs->order[i]);
	fputs("</div>", pg.f);
	if (rc < 0) {
		cw_page_abort(&pg);
		return rc;
	}
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, name, bytes);
	return rc;
}

int cw_report_funnels(cw_report *r, FILE *f)
{
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_FUNNEL));
	fputs("</h2><p class=\"note\">", f);
	cw_html_text(f, cw_label(r->lang, L_FUNNEL_NOTE));
	fputs("</p>", f);
	int rc = 0, shown = 0;
	for (int k = 0; rc == 0 && r->in->metrics && k < CW_METRIC_COUNT; k++) {
		groups gs;
		if ((rc = groups_build(r, k, &gs)) < 0)
			break;
		if (gs.judged) {
			char name[96];
			fputs("<h3>", f);
			cw_html_text(f, cw_label_metric(r->lang, gs.mi->name));
			fprintf(f, "</h3><p>%s %zu &middot; ", cw_label(r->lang, L_JUDGED), gs.judged);
			cw_html_text(f, cw_label(r->lang, L_FLAGGED));
			fprintf(f, " %zu &middot; <a href=\"%s\">", gs.nflagged, metric_page(k, name, sizeof name));
			cw_html_text(f, cw_label(r->lang, L_ALL_GROUPS));
			fprintf(f, " (%zu)</a></p><div class=\"charts\">", gs.n);
			rc = plot_group(r, f, &gs, gs.order[0]);
			fputs("</div>", f);
			if (rc == 0)
				rc = metric_page_write(r, k, &gs);
			shown++;
		}
		groups_free(&gs);
	}
	if (rc == 0 && !shown) {
		fputs("<p class=\"note\">", f);
		cw_html_text(f, cw_label(r->lang, L_NO_METRICS));
		fputs("</p>", f);
	}
	return rc;
}

/* --- a physician's metrics ----------------------------------------------------------------- */

static const char *status_label(int lang, const cw_metric_row *row)
{
	switch (row->status) {
	case CW_METRIC_LOW_VOLUME: return cw_label(lang, L_LOW_VOLUME);
	case CW_METRIC_FEW_PEERS: return cw_label(lang, L_FEW_PEERS);
	case CW_METRIC_JUDGED: return cw_label(lang, row->flagged ? L_FLAGGED : L_JUDGED);
	default: return "";
	}
}

static void metric_row(const cw_report *r, FILE *f, int k, cw_ref p)
{
	const cw_metric_table *t = cw_metrics_table(r->in->metrics, k);
	const cw_metric_row *row = &t->rows[p];
	const cw_metric_info *mi = cw_metric_info_of(k);
	char a[CW_NUM_SIZE], name[96], group[200];
	fprintf(f, "<tr%s><td>", row->flagged ? " class=\"over\"" : "");
	if (row->group >= 0)
		fprintf(f, "<a href=\"../%s#g%d\">", metric_page(k, name, sizeof name), row->group);
	cw_html_text(f, cw_label_metric(r->lang, mi->name));
	if (row->group >= 0)
		fputs("</a>", f);
	/* the numbers are aligned by the columns' CSS (.pm in report.css); </td> and </tr> are optional */
	fprintf(f, "<td>%u<td>%s", row->volume, show(mi, row->value, a));
	fprintf(f, "<td>%s", show(mi, row->expected, a));
	fprintf(f, "<td>%s", show(mi, row->limit, a));
	fprintf(f, "<td>%s<td>", cw_fmt_num(a, row->z, 2));
	if (row->group >= 0)
		cw_html_text(f, group_name(r, &t->groups[row->group], group, sizeof group));
	fputs("<td>", f);
	cw_html_text(f, status_label(r->lang, row));
	fputs("\n", f);
}

void cw_report_physician_metrics(cw_report *r, FILE *f, cw_ref p)
{
	static const int heads[] = { L_METRIC, L_VOLUME, L_VALUE, L_EXPECTED, L_LIMIT, L_Z, L_PEER_GROUP, L_STATUS };
	if (!r->in->metrics)
		return;
	int any = 0;
	for (int k = 0; k < CW_METRIC_COUNT; k++)
		any |= cw_metrics_table(r->in->metrics, k)->rows[p].status != CW_METRIC_NO_DATA;
	if (!any)
		return;
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_METRICS));
	fputs("</h2><div class=\"wrap\"><table class=\"data pm\"><thead><tr>", f);
	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
		fputs("<th>", f);
		cw_html_text(f, cw_label(r->lang, heads[i]));
	}
	fputs("<tbody>", f);
	for (int k = 0; k < CW_METRIC_COUNT; k++)
		if (cw_metrics_table(r->in->metrics, k)->rows[p].status != CW_METRIC_NO_DATA)
			metric_row(r, f, k, p);
	fputs("</table></div>", f);
}
