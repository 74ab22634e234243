/* test_report_svg.c: the report's charts: every label escaped, one mark per value, gaps for missing
 * months, flagged funnel dots labelled, limits drawn inside the frame, never a NaN in the output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "report/report.h"

typedef struct out {
	char *text;
	size_t len;
	FILE *f;
} out;

static void open_out(out *o)
{
	o->text = NULL;
	o->f = open_memstream(&o->text, &o->len);
	assert_non_null(o->f);
}

static char *close_out(out *o)
{
	fclose(o->f);
	return o->text;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void no_nan(const char *s)
{
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf"));
}

static void test_ticks(void **state)
{
	(void)state;
	double t[10];
	size_t n = cw_svg_ticks(0, 100, 6, t);
	assert_int_equal(n, 6);
	assert_true(t[0] == 0 && t[1] == 20 && t[5] == 100);
	n = cw_svg_ticks(0.13, 0.61, 6, t);
	assert_true(n >= 3 && n <= 6);
	assert_true(t[0] >= 0.13 && t[n - 1] <= 0.61);
	n = cw_svg_ticks(5, 5, 6, t); /* no span: one tick */
	assert_int_equal(n, 1);
}

static void test_bars(void **state)
{
	(void)state;
	cw_bar b[] = { { "<b>x</b>", 100, "1.00", "g2" }, { "two", 50, "0.50", NULL }, { "zero", 0, "0", NULL } };
	out o;
	open_out(&o);
	cw_svg_bars(o.f, b, 3, 500);
	char *s = close_out(&o);
	assert_int_equal(count(s, "<rect"), 3);
	assert_non_null(strstr(s, "&lt;b&gt;x&lt;/b&gt;"));
	assert_null(strstr(s, "<b>"));
	assert_non_null(strstr(s, "class=\"bar g2\""));
	assert_non_null(strstr(s, "width=\"150.0\"")); /* the largest bar spans the plot: 500 - 200 - 150 */
	assert_non_null(strstr(s, "width=\"75.0\""));
	assert_non_null(strstr(s, "width=\"0.0\""));
	no_nan(s);
	free(s);
}

static void test_strip(void **state)
{
	(void)state;
	double v1[] = { 10, 20, 30, 80 }, v2[] = { 5 };
	int8_t g1[] = { 0, 0, 1, 2 }, g2[] = { 0 };
	cw_strip_row rows[] = { { "Hospital \"A\"", v1, g1, 4 }, { "B", v2, g2, 1 } };
	out o;
	open_out(&o);
	cw_svg_strip(o.f, rows, 2, 25, 55, "score");
	char *s = close_out(&o);
	assert_int_equal(count(s, "<circle"), 5);
	assert_int_equal(count(s, "class=\"d d2\""), 1);
	assert_non_null(strstr(s, "Hospital &quot;A&quot; (4)"));
	assert_int_equal(count(s, "class=\"box\""), 2);
	assert_non_null(strstr(s, "class=\"cut2\""));
	no_nan(s);
	free(s);
	/* no rows at all is still a valid (empty) chart */
	open_out(&o);
	cw_svg_strip(o.f, NULL, 0, 25, 55, "score");
	s = close_out(&o);
	assert_non_null(strstr(s, "</svg>"));
	free(s);
}

static void test_trend(void **state)
{
	(void)state;
	const char *x[] = { "2026-01", "2026-02", "2026-03", "2026-04" };
	double a[] = { 10, NAN, 30, 40 }, b[] = { NAN, NAN, NAN, NAN };
	cw_series s[] = { { "<composite>", a, "s0" }, { "exam", b, "s1" } };
	out o;
	open_out(&o);
	cw_svg_trend(o.f, x, 4, s, 2, 100, 25, 55);
	char *t = close_out(&o);
	assert_int_equal(count(t, "<polyline"), 2); /* the gap in February splits the line; b has none */
	assert_int_equal(count(t, "<circle"), 3);
	assert_non_null(strstr(t, "&lt;composite&gt;"));
	assert_non_null(strstr(t, ">2026-03<"));
	no_nan(t);
	free(t);
}

static double limit(const void *ctx, double n, int side)
{
	(void)ctx;
	return n > 0 ? 100 + side * 300 / sqrt(n) : side * INFINITY;
}

static void test_funnel(void **state)
{
	(void)state;
	cw_funnel_dot d[] = {
		{ 50, 110, "Dr A <x>", NULL, "p/1.html?a=1&b=2", 0 },
		{ 200, 180, "Dr B: 180 (expected 100)", "Dr B", NULL, 1 },
		{ NAN, 10, "broken", NULL, NULL, 0 },
	};
	cw_funnel_plot p = { .title = "cardiology <3>", .xlabel = "visits", .ylabel = "cost", .target = 100,
		             .limit = limit, .dots = d, .n = 3 };
	out o;
	open_out(&o);
	cw_svg_funnel(o.f, &p);
	char *s = close_out(&o);
	assert_int_equal(count(s, "<circle"), 2); /* the NaN dot is left out */
	assert_int_equal(count(s, "class=\"fl\""), 2); /* the flagged dot and its tag */
	assert_non_null(strstr(s, ">Dr B</text>"));
	assert_non_null(strstr(s, "<title>Dr B: 180 (expected 100)</title>"));
	assert_non_null(strstr(s, "Dr A &lt;x&gt;"));
	assert_non_null(strstr(s, "href=\"p/1.html?a=1&amp;b=2\""));
	assert_non_null(strstr(s, "<title>cardiology &lt;3&gt;</title>"));
	assert_non_null(strstr(s, "class=\"lim\""));
	assert_non_null(strstr(s, "class=\"tg\""));
	/* the flagged dot is drawn after the others: on top */
	assert_true(strstr(s, "class=\"fl\"") > strstr(s, "class=\"d\""));
	no_nan(s);
	free(s);
	/* shares in percent, no limit function, no dots */
	cw_funnel_plot q = { .title = "t", .xlabel = "x", .ylabel = "y", .target = 0.4, .percent = 1 };
	open_out(&o);
	cw_svg_funnel(o.f, &q);
	s = close_out(&o);
	assert_non_null(strstr(s, "%</text>"));
	assert_null(strstr(s, "<circle"));
	no_nan(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_funnel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
