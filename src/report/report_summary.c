/* report_summary.c: index.html, the committee's first page: what was scanned and rejected, the findings
 * and money at stake by detector and by dimension, the grades, who ranked first, the sanctions due. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"

static void card(FILE *f, const char *value, const char *label, const char *cls)
{
	fprintf(f, "<div class=\"card%s%s\"><b>", cls ? " " : "", cls ? cls : "");
	cw_html_text(f, value);
	fputs("</b><span>", f);
	cw_html_text(f, label);
	fputs("</span></div>", f);
}

static void th(FILE *f, int lang, int key, const char *type)
{
	if (type)
		fprintf(f, "<th data-t=\"%s\"%s>", type, !strcmp(type, "n") ? " class=\"n\" data-d=\"desc\"" : "");
	else
		fputs("<th>", f);
	cw_html_text(f, cw_label(lang, key));
	fputs("</th>", f);
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	cw_html_text(f, s);
	fputs("</td>", f);
}

static void td_num(FILE *f, const char *s)
{
	fprintf(f, "<td class=\"n\">%s</td>", s);
}

/* The money of physician-level findings (no patient, no line): statistical estimates, not claims. */
static cw_fen estimates(const cw_report *r)
{
	size_t n = r->in->findings ? cw_findings_count(r->in->findings) : 0;
	cw_fen sum = 0;
	for (size_t i = 0; i < n; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, i);
		if (rec.f.patient == CW_NONE && !rec.f.nlines)
			sum += rec.f.suspect;
	}
	return sum;
}

static void cards(cw_report *r, FILE *f, size_t nfind, cw_fen total)
{
	char a[CW_NUM_SIZE], b[CW_NUM_SIZE * 2];
	int L = r->lang;
	fputs("<div class=\"cards\">", f);
	card(f, cw_fmt_count(a, cw_dataset_lines_in_month(r->ds)), cw_label(L, L_CLAIM_LINES), NULL);
	card(f, cw_fmt_count(a, cw_dataset_visits(r->ds)->n), cw_label(L, L_VISITS_LOADED), NULL);
	uint64_t rejected = 0;
	for (int t = 0; t < CW_T_COUNT; t++)
		rejected += r->in->load->table[t].rejected;
	card(f, cw_fmt_count(a, rejected), cw_label(L, L_ROWS_REJECTED), rejected ? "over" : NULL);
	snprintf(b, sizeof b, "%s / %zu", cw_fmt_count(a, r->sc->n), r->sc->ranked);
	char label[160];
	snprintf(label, sizeof label, "%s / %s", cw_label(L, L_PHYSICIANS_SCORED), cw_label(L, L_PHYSICIANS_RANKED));
	card(f, b, label, NULL);
	card(f, cw_fmt_count(a, nfind), cw_label(L, L_FINDINGS), NULL);
	cw_fen est = estimates(r);
	if (est) {
		snprintf(label, sizeof label, "%s (%s %s)", cw_label(L, L_SUSPECT), cw_label(L, L_ESTIMATES),
		         cw_fmt_money(b, est));
		card(f, cw_fmt_money(a, total), label, NULL);
	} else {
		card(f, cw_fmt_money(a, total), cw_label(L, L_SUSPECT), NULL);
	}
	size_t due = 0;
	for (int k = 1; k <= CW_LEVELS; k++)
		due += r->in->sanctions_due[k];
	snprintf(b, sizeof b, "%zu (%zu / %zu / %zu)", due, r->in->sanctions_due[1], r->in->sanctions_due[2],
	         r->in->sanctions_due[3]);
	card(f, b, cw_label(L, L_SANCTIONS_DUE), due ? "over" : NULL);
	fputs("</div>", f);
}

/* Rows read, loaded, outside the window and rejected per input table. */
static void tables(cw_report *r, FILE *f)
{
	int L = r->lang;
	char a[CW_NUM_SIZE];
	fputs("<table class=\"data\"><thead><tr>", f);
	th(f, L, L_TABLE, NULL);
	th(f, L, L_ROWS_READ, NULL);
	th(f, L, L_ROWS_LOADED, NULL);
	th(f, L, L_ROWS_OUTSIDE, NULL);
	th(f, L, L_ROWS_REJECTED, NULL);
	fputs("</tr></thead><tbody>", f);
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_table_stats *s = &r->in->load->table[t];
		fputs("<tr>", f);
		td_text(f, cw_label_table(L, t));
		td_num(f, cw_fmt_count(a, s->read));
		td_num(f, cw_fmt_count(a, s->loaded));
		td_num(f, cw_fmt_count(a, s->skipped));
		fprintf(f, "<td class=\"n%s\">%s</td></tr>", s->rejected ? " over" : "", cw_fmt_count(a, s->rejected));
	}
	fputs("</tbody></table><p class=\"note\">", f);
	cw_html_text(f, cw_label(L, L_REJECT_SHARE));
	fprintf(f, ": %s &middot; rejects.csv</p>", cw_fmt_pct(a, cw_load_month_share(r->in->load), 3));
}

typedef struct tally {
	size_t n;
	cw_fen money;
} tally;

/* A table of findings and money per key, with a bar chart of the money. */
static int breakdown(cw_report *r, FILE *f, int head, const char *const *names, const tally *t, size_t n, cw_fen total)
{
	int L = r->lang;
	char a[CW_NUM_SIZE], b[CW_NUM_SIZE];
	cw_bar *bars = calloc(n + 1, sizeof *bars);
	char (*texts)[CW_NUM_SIZE] = calloc(n + 1, sizeof *texts);
	if (!bars || !texts) {
		free(bars);
		free(texts);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	fputs("<div class=\"charts\"><div><table class=\"data\"><thead><tr>", f);
	th(f, L, head, "s");
	th(f, L, L_FINDINGS, "n");
	th(f, L, L_SUSPECT, "n");
	fputs("<th class=\"n\">%</th></tr></thead><tbody>", f);
	size_t nb = 0;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].n)
			continue;
		fputs("<tr>", f);
		td_text(f, names[i]);
		td_num(f, cw_fmt_count(a, t[i].n));
		td_num(f, cw_fmt_money(a, t[i].money));
		td_num(f, cw_fmt_pct(b, total > 0 ? (double)t[i].money / (double)total : 0, 1));
		fputs("</tr>", f);
		snprintf(texts[nb], CW_NUM_SIZE, "%s", cw_fmt_money(a, t[i].money));
		bars[nb] = (cw_bar){ names[i], (double)t[i].money, texts[nb], NULL };
		nb++;
	}
	fputs("</tbody></table></div><div>", f);
	if (nb)
		cw_svg_bars(f, bars, nb, 560);
	fputs("</div></div>", f);
	free(bars);
	free(texts);
	return 0;
}

static int findings_sections(cw_report *r, FILE *f, size_t *nfind, cw_fen *total)
{
	const cw_registry *reg = r->in->detectors;
	size_t nd = cw_registry_count(reg), ndim = r->sc->ndims;
	tally *det = calloc(nd + 1, sizeof *det), *dim = calloc(ndim + 1, sizeof *dim);
	const char **dnames = calloc(nd + 1, sizeof *dnames), **mnames = calloc(ndim + 1, sizeof *mnames);
	if (!det || !dim || !dnames || !mnames) {
		free(det), free(dim), free(dnames), free(mnames);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	size_t n = r->in->findings ? cw_findings_count(r->in->findings) : 0;
	for (size_t i = 0; i < n; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, i);
		int d = cw_registry_index(reg, rec.detector->name);
		if (d < 0) { /* a rule of a later stage (judge/prompts.h): its own row, after the detectors' */
			d = (int)nd;
			dnames[nd] = cw_label_detector(r->lang, rec.detector);
		}
		det[d].n++;
		det[d].money += rec.f.suspect;
		dim[rec.dimension].n++;
		dim[rec.dimension].money += rec.f.suspect;
		*total += rec.f.suspect;
	}
	*nfind = n;
	for (size_t i = 0; i < nd; i++)
		dnames[i] = cw_label_detector(r->lang, cw_registry_get(reg, i));
	for (size_t i = 0; i < ndim; i++)
		mnames[i] = cw_label_dimension(r->lang, cw_dimset_name(r->in->dims, i));
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_BY_DETECTOR));
	fputs("</h2>", f);
	int rc = breakdown(r, f, L_DETECTOR, dnames, det, nd + (det[nd].n > 0), *total);
	if (rc == 0) {
		fputs("<h2>", f);
		cw_html_text(f, cw_label(r->lang, L_BY_DIMENSION));
		fputs("</h2>", f);
		rc = breakdown(r, f, L_DIMENSION, mnames, dim, ndim, *total);
	}
	free(det), free(dim), free(dnames), free(mnames);
	return rc;
}

/* Counts of each grade per dimension. */
static void grades(cw_report *r, FILE *f)
{
	int L = r->lang;
	fputs("<h2>", f);
	cw_html_text(f, cw_label(L, L_GRADES));
	fputs("</h2><table class=\"data\"><thead><tr>", f);
	th(f, L, L_DIMENSION, NULL);
	for (int g = CW_GRADE_REASONABLE; g <= CW_GRADE_UNREASONABLE; g++) {
		fprintf(f, "<th class=\"n g%d\">", g);
		cw_html_text(f, cw_label_grade(L, g));
		fputs("</th>", f);
	}
	fputs("<th class=\"n gn\">", f);
	cw_html_text(f, cw_label(L, L_TOO_FEW));
	fputs("</th></tr></thead><tbody>", f);
	for (size_t d = 0; d <= r->sc->ndims; d++) {
		size_t count[3] = { 0 }, few = 0;
		for (size_t i = 0; i < r->sc->n; i++) {
			int g = r->sc->rows[i].dim[d].grade;
			if (g >= 0)
				count[g]++;
			else
				few++;
		}
		fputs("<tr>", f);
		td_text(f, cw_label_dimension(L, cw_report_dim_name(r, d)));
		for (int g = 0; g < 3; g++)
			fprintf(f, "<td class=\"n\">%zu</td>", count[g]);
		fprintf(f, "<td class=\"n\">%zu</td></tr>", few);
	}
	fputs("</tbody></table>", f);
}

/* A physician cell: a link to the page when there is one. */
static void physician_cell(cw_report *r, FILE *f, cw_ref p)
{
	const cw_physicians *ph = cw_dataset_physicians(r->ds);
	char href[64];
	fputs("<td>", f);
	if (p != CW_NONE && r->has_page[p])
		fprintf(f, "<a href=\"%s\">", cw_report_physician_href(r, p, 0, href, sizeof href));
	cw_html_text(f, p == CW_NONE ? "" : cw_report_str(r, ph->name[p]));
	fputs(" <small>", f);
	cw_html_text(f, p == CW_NONE ? "" : cw_report_str(r, ph->id[p]));
	fputs(p != CW_NONE && r->has_page[p] ? "</small></a></td>" : "</small></td>", f);
}

/* Everyone ranked first in a dimension or the composite, by scope group. */
static void firsts(cw_report *r, FILE *f)
{
	int L = r->lang;
	char a[CW_NUM_SIZE];
	fputs("<h2>", f);
	cw_html_text(f, cw_label(L, L_FIRSTS));
	fputs("</h2><p class=\"note\">", f);
	cw_html_text(f, cw_label(L, L_FIRSTS_NOTE));
	fputs("</p>", f);
	cw_report_filters(r, f, "firsts", NULL, 0, "firsts.csv");
	fputs("<div class=\"wrap\"><table class=\"data\" id=\"firsts\"><thead><tr>", f);
	th(f, L, L_INSTITUTION, "s");
	th(f, L, L_DEPARTMENT, "s");
	th(f, L, L_PHYSICIAN, "s");
	th(f, L, L_DIMENSION, "s");
	th(f, L, L_SCORE, "n");
	th(f, L, L_GRADE, "s");
	fputs("<th data-t=\"s\">", f);
	cw_html_text(f, cw_label(L, L_COMPOSITE));
	fputs("</th>", f);
	th(f, L, L_FINDINGS, "n");
	th(f, L, L_SUSPECT, "n");
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < r->sc->n; i++) {
		const cw_physcore *p = &r->sc->rows[i];
		for (size_t d = 0; d <= r->sc->ndims; d++) {
			const cw_dimscore *s = &p->dim[d];
			if (s->rank != 1)
				continue;
			fputs("<tr>", f);
			td_text(f, cw_report_inst_name(r, p->inst));
			td_text(f, cw_report_dept_name(r, p->dept));
			physician_cell(r, f, p->physician);
			td_text(f, cw_label_dimension(L, cw_report_dim_name(r, d)));
			cw_report_score_cell(r, f, p, s);
			fputs("<td>", f);
			cw_report_grade_badge(r, f, s->grade);
			fputs("</td><td>", f);
			cw_report_grade_badge(r, f, p->dim[r->sc->ndims].grade);
			fprintf(f, "</td><td class=\"n\">%u</td>", s->findings);
			td_num(f, cw_fmt_money(a, s->suspect));
			fputs("</tr>", f);
		}
	}
	fputs("</tbody></table></div>", f);
}

static void sanctions(cw_report *r, FILE *f)
{
	int L = r->lang;
	fputs("<h2>", f);
	cw_html_text(f, cw_label(L, L_SANCTIONS_DUE));
	fputs("</h2>", f);
	if (!r->nsanctions) {
		fputs("<p>", f);
		cw_html_text(f, cw_label(L, L_NO_SANCTIONS));
		fputs("</p>", f);
		return;
	}
	fputs("<div class=\"wrap\"><table class=\"data\" id=\"sanctions\"><thead><tr>", f);
	th(f, L, L_SANCTION_LEVEL, "n");
	th(f, L, L_PHYSICIAN, "s");
	th(f, L, L_INSTITUTION, "s");
	th(f, L, L_DEPARTMENT, "s");
	th(f, L, L_SINGLE_FIRSTS, "n");
	th(f, L, L_COMPOSITE_FIRSTS, "n");
	th(f, L, L_MONTHS_FLAGGED, "s");
	th(f, L, L_MEASURES, NULL);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < r->nsanctions; i++) {
		const cw_report_sanction *s = &r->sanctions[i];
		int level = atoi(s->level);
		fprintf(f, "<tr><td class=\"n\"><span class=\"badge lv%d\">", level >= 1 && level <= 3 ? level : 1);
		cw_html_text(f, s->level);
		fputs("</span></td>", f);
		cw_ref p = cw_dataset_find(r->ds, CW_T_PHYSICIANS, s->physician_id);
		if (p != CW_NONE) {
			physician_cell(r, f, p);
		} else {
			fputs("<td>", f);
			cw_html_text(f, s->name);
			fputs(" <small>", f);
			cw_html_text(f, s->physician_id);
			fputs("</small></td>", f);
		}
		cw_ref inst = cw_dataset_find(r->ds, CW_T_INSTITUTIONS, s->inst_id);
		cw_ref dept = cw_dataset_find(r->ds, CW_T_DEPARTMENTS, s->dept_id);
		td_text(f, inst != CW_NONE ? cw_report_inst_name(r, inst) : s->inst_id);
		td_text(f, dept != CW_NONE ? cw_report_dept_name(r, dept) : s->dept_id);
		fputs("<td class=\"n\">", f);
		cw_html_text(f, s->single_firsts);
		fputs("</td><td class=\"n\">", f);
		cw_html_text(f, s->composite_firsts);
		fputs("</td>", f);
		td_text(f, s->months);
		td_text(f, s->measures);
		fputs("</tr>", f);
	}
	fputs("</tbody></table></div>", f);
}

static void intro(cw_report *r, FILE *f)
{
	int L = r->lang;
	static const int scope_key[] = { L_SCOPE_INSTITUTION, L_SCOPE_SPECIALTY, L_SCOPE_ALL };
	fputs("<h1>", f);
	cw_html_text(f, cw_label(L, L_REPORT_TITLE));
	fputs(" ", f);
	cw_html_text(f, r->in->month);
	fputs("</h1><p class=\"note\">", f);
	cw_html_text(f, cw_label(L, L_SCOPE));
	fputs(": ", f);
	int scope = r->sc->scope >= 0 && r->sc->scope <= 2 ? r->sc->scope : 0;
	cw_html_text(f, cw_label(L, scope_key[scope]));
	fputs(" &middot; ", f);
	cw_html_text(f, cw_label(L, L_CYCLE));
	fputs(" ", f);
	cw_html_text(f, r->in->cycle);
	fputs(" &middot; ", f);
	cw_html_text(f, cw_label(L, r->in->pseudo->reveal ? L_REVEALED : L_PSEUDONYMS));
	fputs("</p>", f);
	if (r->in->empty) {
		fputs("<p class=\"over\">", f);
		cw_html_text(f, cw_label(L, L_EMPTY_MONTH));
		fputs("</p>", f);
	}
	if (r->in->warnings && *r->in->warnings) {
		fputs("<h2>", f);
		cw_html_text(f, cw_label(L, L_WARNINGS));
		fputs("</h2><ul>", f);
		for (const char *s = r->in->warnings, *nl; *s; s = nl + 1) {
			if (!(nl = strchr(s, '\n')))
				nl = s + strlen(s) - 1;
			fputs("<li>", f);
			cw_html_textn(f, s, (size_t)(nl - s) + (*nl != '\n'));
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
}

int cw_report_summary(cw_report *r)
{
	cw_page pg;
	char title[160];
	snprintf(title, sizeof title, "%s %s", cw_label(r->lang, L_REPORT_TITLE), r->in->month);
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, "index.html"), title, "", CW_NAV_SUMMARY, CW_PAGE_SCRIPT);
	if (rc < 0)
		return rc;
	FILE *f = pg.f;
	size_t nfind = 0;
	cw_fen total = 0;
	intro(r, f);
	/* the cards need the totals: the sections go to a buffer first */
	char *body = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&body, &len);
	if (!mem) {
		cw_page_abort(&pg);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	rc = findings_sections(r, mem, &nfind, &total);
	fclose(mem);
	if (rc == 0) {
		fputs("<h2>", f);
		cw_html_text(f, cw_label(r->lang, L_DATA_SCANNED));
		fputs("</h2>", f);
		cards(r, f, nfind, total);
		tables(r, f);
		fwrite(body, 1, len, f);
		grades(r, f);
		sanctions(r, f);
		firsts(r, f);
	}
	free(body);
	if (rc < 0) {
		cw_page_abort(&pg);
		return rc;
	}
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, "index.html", bytes);
	return rc;
}
