/* report_page.c: helpers every page of the report shares: file names, names of rows, cells, badges,
 * filter bars, pagers and the cutting of a physician's findings into pages (see report.h). The driver
 * (report.c) calls the pages; the pages call these; nothing here calls back. */
#include <stdio.h>
#include <string.h>
#include "report/report.h"

/* --- helpers shared by the pages ----------------------------------------------- */

const char *cw_report_file(cw_report *r, const char *name)
{
	snprintf(r->path, sizeof r->path, "%s/%s", r->dir, name);
	return r->path;
}

void cw_report_count(cw_report *r, const char *name, uint64_t bytes)
{
	r->files++;
	r->bytes += bytes;
	if (bytes > r->largest) {
		r->largest = bytes;
		snprintf(r->largest_name, sizeof r->largest_name, "%s", name);
	}
}

const char *cw_report_str(const cw_report *r, cw_str s)
{
	return cw_dataset_str(r->ds, s);
}

const char *cw_report_inst_name(const cw_report *r, cw_ref inst)
{
	const cw_institutions *in = cw_dataset_institutions(r->ds);
	if (inst == CW_NONE)
		return "";
	const char *name = cw_dataset_str(r->ds, in->name[inst]);
	return *name ? name : cw_dataset_str(r->ds, in->id[inst]);
}

const char *cw_report_dept_name(const cw_report *r, cw_ref dept)
{
	const cw_departments *de = cw_dataset_departments(r->ds);
	if (dept == CW_NONE)
		return "";
	const char *name = cw_dataset_str(r->ds, de->name[dept]);
	return *name ? name : cw_dataset_str(r->ds, de->id[dept]);
}

const char *cw_report_dim_name(const cw_report *r, size_t d)
{
	return d < r->sc->ndims ? cw_dimset_name(r->in->dims, d) : "composite";
}

char *cw_report_physician_href(const cw_report *r, cw_ref physician, int page, char *buf, size_t size)
{
	(void)r;
	if (page > 0)
		snprintf(buf, size, "p/%u-%d.html", physician, page + 1);
	else
		snprintf(buf, size, "p/%u.html", physician);
	return buf;
}

void cw_report_score_cell(const cw_report *r, FILE *f, const cw_physcore *p, const cw_dimscore *d)
{
	char buf[CW_NUM_SIZE];
	(void)r;
	if (p->too_few || d->grade < 0)
		fputs("<td class=\"n gn\">", f);
	else
		fprintf(f, "<td class=\"n g%d\">%s", d->grade, cw_fmt_score(buf, d->score)); /* </td> is optional */
}

void cw_report_grade_badge(const cw_report *r, FILE *f, int grade)
{
	if (grade < 0)
		return;
	fprintf(f, "<span class=\"badge g%d\">", grade);
	cw_html_text(f, cw_label_grade(r->lang, grade));
	fputs("</span>", f);
}

void cw_report_pager(const cw_report *r, FILE *f, size_t page, size_t pages, cw_page_href href, const void *what)
{
	char buf[160];
	if (pages < 2)
		return;
	fputs("<div class=\"pager\">", f);
	cw_html_text(f, cw_label(r->lang, L_PAGE));
	fputs(": ", f);
	for (size_t k = 0; k < pages; k++) {
		if (k == page)
			fprintf(f, "<b>%zu</b>", k + 1);
		else
			fprintf(f, "<a href=\"%s\">%zu</a>", href(r, what, k, buf, sizeof buf), k + 1);
	}
	fputs("</div>", f);
}

void cw_report_filters(const cw_report *r, FILE *f, const char *table_id, const cw_filter_select *sel, size_t nsel,
                       const char *csv_name)
{
	fprintf(f, "<div class=\"filters\" data-for=\"%s\"><label>", table_id);
	cw_html_text(f, cw_label(r->lang, L_SEARCH));
	fputs(" <input type=\"search\" size=\"18\"></label>", f);
	for (size_t i = 0; i < nsel; i++) {
		fputs("<label>", f);
		cw_html_text(f, sel[i].label);
		fprintf(f, " <select data-col=\"%d\"><option value=\"\">", sel[i].column);
		cw_html_text(f, cw_label(r->lang, L_ALL));
		fputs("</option>", f);
		for (size_t k = 0; k < sel[i].n; k++) {
			fputs("<option>", f);
			cw_html_text(f, sel[i].values[k]);
			fputs("</option>", f);
		}
		fputs("</select></label>", f);
	}
	if (csv_name) {
		fputs("<button type=\"button\" data-csv=\"", f);
		cw_html_text(f, csv_name);
		fputs("\">", f);
		cw_html_text(f, cw_label(r->lang, L_DOWNLOAD_CSV));
		fputs("</button>", f);
	}
	fputs("<span class=\"count\"></span></div>", f);
}

/* --- pagination of a physician's findings ------------------------------------------ */

size_t cw_paginate(const size_t *nlines, size_t n, size_t max_rows, size_t max_findings, cw_pagecut *cuts,
                   size_t max_cuts)
{
	size_t pages = 0, rows = 0, findings = 0;
	if (max_rows == 0)
		max_rows = 1;
#define NEW_PAGE(fi, li) do { if (pages < max_cuts) cuts[pages] = (cw_pagecut){ (fi), (li) }; pages++; \
                              rows = 0; findings = 0; } while (0)
	NEW_PAGE(0, 0);
	for (size_t i = 0; i < n; i++) {
		size_t need = nlines[i] ? nlines[i] : 1;
		if (findings && (rows + need > max_rows || findings >= max_findings))
			NEW_PAGE(i, 0);
		size_t line = 0;
		while (need - line > max_rows - rows) { /* the finding goes on past this page */
			line += max_rows - rows;
			NEW_PAGE(i, line);
		}
		rows += need - line;
		findings++;
	}
#undef NEW_PAGE
	return pages;
}
