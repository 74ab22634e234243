/* report_svg.c: the report's charts as inline SVG (bars, strip plots, trends, funnel plots).
 *
 * Each chart takes plain arrays and writes one <svg> element; styling is by
 * CSS class (reports/report.css), so a chart of thousands of dots stays small.
 * Coordinates are written with one decimal. Every text from the data is
 * escaped. Nothing here knows about physicians or months. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"
#include "util/textwidth.h"

size_t cw_svg_ticks(double lo, double hi, size_t max, double *ticks)
{
	if (!(hi > lo) || !isfinite(lo) || !isfinite(hi) || max < 2) {
		if (max && isfinite(lo)) {
			ticks[0] = lo;
			return 1;
		}
		return 0;
	}
	double raw = (hi - lo) / (double)(max - 1), mag = pow(10, floor(log10(raw))), step = mag;
	static const double mult[] = { 1, 2, 5, 10 };
	for (size_t i = 0; i < 4; i++) {
		step = mult[i] * mag;
		if ((floor(hi / step) - ceil(lo / step) + 1) <= (double)max)
			break;
	}
	size_t n = 0;
	for (double t = ceil(lo / step) * step; t <= hi + step * 1e-9 && n < max; t += step)
		ticks[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	return n;
}

/* A tick label: % for shares, else as few decimals as the step needs. */
static void tick_label(FILE *f, double v, double step, int percent)
{
	if (percent) {
		v *= 100;
		step *= 100;
	}
	int dec = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
	char buf[CW_NUM_SIZE];
	fputs(cw_fmt_num(buf, v, dec), f);
	if (percent)
		fputc('%', f);
}

/* --- bars -------------------------------------------------------------------- */

void cw_svg_bars(FILE *f, const cw_bar *bars, size_t n, int width)
{
	const double label_w = 200, text_w = 150, row = 22;
	double plot = width - label_w - text_w, max = 0;
	if (plot < 50)
		plot = 50;
	for (size_t i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	double h = row * (double)n + 6;
	fprintf(f, "<svg class=\"bars\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\">", width, h,
	        width, h);
	for (size_t i = 0; i < n; i++) {
		double y = 3 + row * (double)i, w = max > 0 && bars[i].value > 0 ? plot * bars[i].value / max : 0;
		if (bars[i].value > 0 && w < 1)
			w = 1;
		char cut[160];
		fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"><title>", label_w - 8, y + 14);
		cw_svg_text(f, bars[i].label);
		fputs("</title>", f);
		cw_svg_text(f, cw_text_fit(cut, sizeof cut, bars[i].label, 32));
		fprintf(f, "</text><rect class=\"bar%s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"15\"/>",
		        bars[i].cls ? " " : "", bars[i].cls ? bars[i].cls : "", label_w, y + 2, w);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", label_w + w + 6, y + 14);
		cw_svg_text(f, bars[i].text);
		fputs("</text>", f);
	}
	fputs("</svg>", f);
}

/* --- strip plot -------------------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile of sorted values (linear interpolation). */
static double quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	return i + 1 < n ? v[i] + (pos - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* A small deterministic offset in [-1, 1] for dot i of a row, so equal scores do not hide each other. */
static double jitter(size_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u;
	x ^= x >> 15;
	return (double)(x % 1000) / 500.0 - 1.0;
}

int cw_svg_strip(FILE *f, const cw_strip_row *rows, size_t n, double cut1, double cut2, const char *axis_label)
{
	size_t most = 0;
	for (size_t r = 0; r < n; r++)
		most = rows[r].n > most ? rows[r].n : most;
	double *tmp = malloc((most + 1) * sizeof *tmp); /* a row's values, sorted for the quartiles */
	if (!tmp)
		return cw_error_set(CW_ENOMEM, "out of memory drawing the spread of scores");
	const double label_w = 230, plot = 560, right = 30, row = 24, top = 8;
	double width = label_w + plot + right, h = top + row * (double)n + 40;
#define SX(v) (label_w + plot * ((v) < 0 ? 0 : (v) > 100 ? 100 : (v)) / 100.0)
	fprintf(f, "<svg class=\"strip\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">", width, h,
	        width, h);
	double bottom = top + row * (double)n;
	for (int t = 0; t <= 100; t += 10)
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", SX(t), top, SX(t), bottom);
	fprintf(f, "<line class=\"cut1\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", SX(cut1), top, SX(cut1), bottom);
	fprintf(f, "<line class=\"cut2\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", SX(cut2), top, SX(cut2), bottom);
	for (size_t r = 0; r < n; r++) {
		const cw_strip_row *s = &rows[r];
		double cy = top + row * ((double)r + 0.5);
		char cut[160];
		fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"><title>", label_w - 8, cy + 4);
		cw_svg_text(f, s->label);
		fputs("</title>", f);
		cw_svg_text(f, cw_text_fit(cut, sizeof cut, s->label, 30));
		fprintf(f, " (%zu)</text>", s->n);
		if (s->n) {
			memcpy(tmp, s->v, s->n * sizeof *tmp);
			qsort(tmp, s->n, sizeof *tmp, by_double);
			double q1 = quantile(tmp, s->n, 0.25), q2 = quantile(tmp, s->n, 0.5), q3 = quantile(tmp, s->n, 0.75);
			fprintf(f, "<rect class=\"box\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", SX(q1),
			        cy - 8, SX(q3) - SX(q1) + 0.5, 16.0);
			char a[CW_NUM_SIZE], b[CW_NUM_SIZE], c[CW_NUM_SIZE];
			fprintf(f, "%s / %s / %s</title></rect>", cw_fmt_num(a, q1, 2), cw_fmt_num(b, q2, 2), cw_fmt_num(c, q3, 2));
			fprintf(f, "<line class=\"tg\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", SX(q2), cy - 8, SX(q2),
			        cy + 8);
		}
		for (size_t i = 0; i < s->n; i++) {
			int g = s->grade ? s->grade[i] : -1;
			fprintf(f, "<circle class=\"d d%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\"/>", g < 0 ? 0 : g, SX(s->v[i]),
			        cy + 6 * jitter(i));
		}
	}
	free(tmp);
	for (int t = 0; t <= 100; t += 10)
		fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>", SX(t), bottom + 14, t);
	fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", label_w + plot / 2, bottom + 32);
	cw_svg_text(f, axis_label);
	fputs("</text></svg>", f);
	return 0;
#undef SX
}

/* --- trend ------------------------------------------------------------------- */

#define TX(i) (left + (nx > 1 ? plot_w * (double)(i) / (double)(nx - 1) : plot_w / 2))
#define TY(v) (top + plot_h - plot_h * ((v) < 0 ? 0 : (v) > ymax ? ymax : (v)) / ymax)
/* A coordinate to a tenth, without a trailing ".0": "157.7", "420". */
static char *coord(char buf[24], double v)
{
	long t = lround(v * 10);
	if (t % 10 == 0)
		snprintf(buf, 24, "%ld", t / 10);
	else
		snprintf(buf, 24, "%s%ld.%ld", t < 0 ? "-" : "", labs(t) / 10, labs(t) % 10);
	return buf;
}

/* One horizontal rule across the plot as a path segment. */
static void hrule(FILE *f, double x0, double x1, double y)
{
	char a[24], b[24], c[24];
	fprintf(f, "M%s %sH%s", coord(a, x0), coord(b, y), coord(c, x1));
}

/* The frame of a trend: the grid with its labels, the cut-offs, the months. */
static void trend_frame(FILE *f, const char *const *xlabels, size_t nx, double ymax, double cut1, double cut2)
{
	const double left = 40, plot_w = 380, top = 10, plot_h = 160;
	char a[24], b[24];
	double ticks[8];
	size_t nt = cw_svg_ticks(0, ymax, 6, ticks);
	fputs("<path class=\"grid\" d=\"", f);
	for (size_t i = 0; i < nt; i++)
		hrule(f, left, left + plot_w, TY(ticks[i]));
	fputs("\"/><g class=\"lbl\" text-anchor=\"end\">", f);
	for (size_t i = 0; i < nt; i++)
		fprintf(f, "<text x=\"%s\" y=\"%s\">%g</text>", coord(a, left - 5), coord(b, TY(ticks[i]) + 4), ticks[i]);
	fputs("</g>", f);
	if (cut1 > 0 && cut1 < ymax) {
		fputs("<path class=\"cut1\" d=\"", f);
		hrule(f, left, left + plot_w, TY(cut1));
		fputs("\"/>", f);
	}
	if (cut2 > 0 && cut2 < ymax) {
		fputs("<path class=\"cut2\" d=\"", f);
		hrule(f, left, left + plot_w, TY(cut2));
		fputs("\"/>", f);
	}
	fprintf(f, "<g class=\"lbl\" text-anchor=\"middle\">");
	for (size_t i = 0; i < nx; i++) {
		fprintf(f, "<text x=\"%s\" y=\"%s\">", coord(a, TX(i)), coord(b, top + plot_h + 16));
		cw_svg_text(f, xlabels[i]);
		fputs("</text>", f);
	}
	fputs("</g>", f);
}

/* One series: its line (split at the gaps), its dots with their values, its legend entry (k-th). */
static void trend_series(FILE *f, const double *v, size_t nx, const cw_series *s, size_t k, double ymax)
{
	const double left = 40, plot_w = 380, top = 10, plot_h = 160;
	const char *cls = s->cls ? s->cls : "s0";
	char a[24], b[24];
	int open = 0;
	for (size_t i = 0; i < nx; i++) {
		int have = isfinite(v[i]);
		if (have && !open) {
			fprintf(f, "<polyline class=\"%s\" points=\"", cls);
			open = 1;
		} else if (!have && open) {
			fputs("\"/>", f);
			open = 0;
		}
		if (have)
			fprintf(f, "%s,%s ", coord(a, TX(i)), coord(b, TY(v[i])));
	}
	if (open)
		fputs("\"/>", f);
	for (size_t i = 0; i < nx; i++)
		if (isfinite(v[i]))
			fprintf(f, "<circle class=\"%s\" cx=\"%s\" cy=\"%s\" r=\"3\"><title>%.2f</title></circle>", cls,
			        coord(a, TX(i)), coord(b, TY(v[i])), v[i]);
	double ly = top + 14 * (double)k + 6;
	fprintf(f, "<path class=\"%s\" stroke-width=\"2\" d=\"", cls);
	hrule(f, left + plot_w + 14, left + plot_w + 30, ly);
	fprintf(f, "\"/><text x=\"%s\" y=\"%s\">", coord(a, left + plot_w + 35), coord(b, ly + 4));
	cw_svg_text(f, s->label);
	fputs("</text>", f);
}

void cw_svg_trend(FILE *f, const char *const *xlabels, size_t nx, const cw_series *s, size_t ns, double ymax,
                  double cut1, double cut2)
{
	const double width = 40 + 380 + 150, h = 10 + 160 + 30;
	if (!(ymax > 0))
		ymax = 100;
	fprintf(f, "<svg class=\"trend\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">", width, h,
	        width, h);
	trend_frame(f, xlabels, nx, ymax, cut1, cut2);
	for (size_t k = 0; k < ns; k++)
		trend_series(f, s[k].v, nx, &s[k], k, ymax);
	fputs("</svg>", f);
}
#undef TX
#undef TY

/* --- funnel plot --------------------------------------------------------------- */

typedef struct frame {
	double left, top, w, h, x0, x1, y0, y1;
} frame;

static double fx(const frame *fr, double x) { return fr->left + fr->w * (x - fr->x0) / (fr->x1 - fr->x0); }
static double fy(const frame *fr, double y) { return fr->top + fr->h - fr->h * (y - fr->y0) / (fr->y1 - fr->y0); }

/* The value range: the dots and the target, widened to show the limits where dots are. */
static void funnel_range(const cw_funnel_plot *p, frame *fr)
{
	double xmax = 0, xmin = INFINITY, ylo = p->target, yhi = p->target;
	for (size_t i = 0; i < p->n; i++) {
		const cw_funnel_dot *d = &p->dots[i];
		if (!isfinite(d->x) || !isfinite(d->y))
			continue;
		xmax = fmax(xmax, d->x);
		xmin = fmin(xmin, d->x);
		ylo = fmin(ylo, d->y);
		yhi = fmax(yhi, d->y);
	}
	if (!isfinite(ylo) || !isfinite(yhi)) {
		ylo = 0;
		yhi = 1;
	}
	if (p->limit && isfinite(xmin) && xmin > 0) {
		double span = yhi - ylo > 0 ? yhi - ylo : fabs(yhi) + 1;
		double up = p->limit(p->ctx, xmin, +1), lo = p->limit(p->ctx, xmin, -1);
		if (isfinite(up))
			yhi = fmax(yhi, fmin(up, yhi + 0.5 * span));
		if (isfinite(lo))
			ylo = fmin(ylo, fmax(lo, ylo - 0.5 * span));
	}
	if (p->percent || ylo >= 0)
		ylo = fmax(0, ylo);
	double pad = (yhi - ylo) * 0.06;
	if (!(pad > 0))
		pad = fabs(yhi) * 0.1 + 0.01;
	fr->x0 = 0;
	fr->x1 = xmax > 0 ? xmax * 1.05 : 1;
	fr->y0 = ylo > 0 ? fmax(0, ylo - pad) : ylo - pad;
	fr->y1 = yhi + pad;
}

/* One control-limit curve, drawn only where it is inside the frame. */
static void funnel_curve(FILE *f, const cw_funnel_plot *p, const frame *fr, int side)
{
	int open = 0;
	for (int i = 1; i <= 120; i++) {
		double x = fr->x1 * (double)i / 120.0, y = p->limit(p->ctx, x, side);
		int in = isfinite(y) && y >= fr->y0 && y <= fr->y1;
		if (in && !open) {
			fprintf(f, "<polyline class=\"%s\" points=\"", side > 0 ? "lim" : "liml");
			open = 1;
		} else if (!in && open) {
			fputs("\"/>", f);
			open = 0;
		}
		if (in)
			fprintf(f, "%.1f,%.1f ", fx(fr, x), fy(fr, y));
	}
	if (open)
		fputs("\"/>", f);
}

static void funnel_axes(FILE *f, const cw_funnel_plot *p, const frame *fr)
{
	double t[12];
	size_t n = cw_svg_ticks(fr->y0, fr->y1, 7, t);
	double step = n > 1 ? t[1] - t[0] : 1;
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><text class=\"lbl\" x=\"%.1f\" "
		        "y=\"%.1f\" text-anchor=\"end\">", fr->left, fy(fr, t[i]), fr->left + fr->w, fy(fr, t[i]), fr->left - 5,
		        fy(fr, t[i]) + 4);
		tick_label(f, t[i], step, p->percent);
		fputs("</text>", f);
	}
	n = cw_svg_ticks(fr->x0, fr->x1, 8, t);
	step = n > 1 ? t[1] - t[0] : 1;
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", fx(fr, t[i]), fr->top + fr->h + 15);
		tick_label(f, t[i], step, 0);
		fputs("</text>", f);
	}
	fprintf(f, "<rect class=\"ax\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", fr->left, fr->top,
	        fr->w, fr->h);
	fprintf(f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", fr->left + fr->w / 2,
	        fr->top + fr->h + 32);
	cw_svg_text(f, p->xlabel);
	fprintf(f, "</text><text class=\"lbl\" x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">",
	        fr->top + fr->h / 2, fr->top + fr->h / 2);
	cw_svg_text(f, p->ylabel);
	fputs("</text>", f);
}

static void funnel_dot(FILE *f, const cw_funnel_dot *d, const frame *fr)
{
	double x = fx(fr, d->x), y = fy(fr, fmin(fmax(d->y, fr->y0), fr->y1));
	if (d->href) {
		fputs("<a href=\"", f);
		cw_svg_text(f, d->href);
		fputs("\">", f);
	}
	fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"><title>", d->flagged ? "fl" : "d", x, y,
	        d->flagged ? "4" : "3");
	cw_svg_text(f, d->label);
	fputs("</title></circle>", f);
	if (d->flagged) { /* the tag on the side with room: left of dots in the right third */
		int left = x > fr->left + fr->w * 2 / 3;
		fprintf(f, "<text class=\"fl\" x=\"%.1f\" y=\"%.1f\"%s>", left ? x - 6 : x + 6, y - 5,
		        left ? " text-anchor=\"end\"" : "");
		cw_svg_text(f, d->tag ? d->tag : d->label);
		fputs("</text>", f);
	}
	if (d->href)
		fputs("</a>", f);
}

void cw_svg_funnel(FILE *f, const cw_funnel_plot *p)
{
	int width = p->width > 0 ? p->width : 640, height = p->height > 0 ? p->height : 360;
	frame fr = { .left = 64, .top = 10, .w = width - 64 - 20, .h = height - 10 - 42 };
	funnel_range(p, &fr);
	fprintf(f, "<svg class=\"funnel\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>", width,
	        height, width, height);
	cw_svg_text(f, p->title);
	fputs("</title>", f);
	funnel_axes(f, p, &fr);
	if (isfinite(p->target) && p->target >= fr.y0 && p->target <= fr.y1)
		fprintf(f, "<line class=\"tg\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", fr.left, fy(&fr, p->target),
		        fr.left + fr.w, fy(&fr, p->target));
	if (p->limit) {
		funnel_curve(f, p, &fr, +1);
		funnel_curve(f, p, &fr, -1);
	}
	for (int pass = 0; pass < 2; pass++) /* flagged dots last, on top */
		for (size_t i = 0; i < p->n; i++)
			if (!!p->dots[i].flagged == pass && isfinite(p->dots[i].x) && isfinite(p->dots[i].y))
				funnel_dot(f, &p->dots[i], &fr);
	fputs("</svg>", f);
}
