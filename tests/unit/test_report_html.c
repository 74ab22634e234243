/* test_report_html.c: the report's escaping (markup, quotes, control characters, bad UTF-8), number
 * formats, the page template with its CSP, and the shared CSS and script written once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "report/report.h"
#include "util/resource.h"

static char *escaped(const char *s)
{
	static char buf[1024];
	cw_html_escape(buf, sizeof buf, s);
	return buf;
}

static void test_escape(void **state)
{
	(void)state;
	assert_string_equal(escaped("<script>alert(\"x\")</script>"),
	                    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	assert_string_equal(escaped("O'Brien & Co"), "O&#39;Brien &amp; Co");
	assert_string_equal(escaped("程强 DR1"), "程强 DR1");
	assert_string_equal(escaped("a\tb\nc"), "a\tb\nc");
	assert_string_equal(escaped("bell\x07!"), "bell\xEF\xBF\xBD!");  /* C0 control: U+FFFD */
	assert_string_equal(escaped("del\x7F"), "del\xEF\xBF\xBD");
	assert_string_equal(escaped("bad\xFF\xFE"), "bad\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_string_equal(escaped("cut\xE7\xA8"), "cut\xEF\xBF\xBD\xEF\xBF\xBD"); /* a cut sequence */
	assert_string_equal(escaped(""), "");
	assert_string_equal(escaped(NULL), "");
	/* the whole length is returned, the buffer holds what fits */
	char small[6];
	assert_int_equal(cw_html_escape(small, sizeof small, "<<<"), 12);
	assert_string_equal(small, "&lt;&");
	/* to a file, the same */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cw_html_text(f, "<b>\"x\"</b>");
	cw_html_textn(f, "&&&", 1);
	fclose(f);
	assert_string_equal(text, "&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;");
	free(text);
}

static void test_numbers(void **state)
{
	(void)state;
	char b[CW_NUM_SIZE];
	assert_string_equal(cw_fmt_money(b, 1234567), "12,345.67");
	assert_string_equal(cw_fmt_money(b, -5), "-0.05");
	assert_string_equal(cw_fmt_money(b, 0), "0.00");
	assert_string_equal(cw_fmt_money(b, 100000000), "1,000,000.00");
	assert_string_equal(cw_fmt_money(b, -123456789), "-1,234,567.89");
	assert_string_equal(cw_fmt_score(b, 7210), "72.10");
	assert_string_equal(cw_fmt_score(b, 5), "0.05");
	assert_string_equal(cw_fmt_score(b, 0), "0.00");
	assert_string_equal(cw_fmt_score(b, -250), "-2.50");
	assert_string_equal(cw_fmt_score(b, 1234567), "12345.67");
	assert_string_equal(cw_fmt_money(b, 99), "0.99");
	assert_string_equal(cw_fmt_money(b, INT64_MIN), "-92,233,720,368,547,758.08");
	assert_string_equal(cw_fmt_count(b, 0), "0");
	assert_string_equal(cw_fmt_count(b, 1000), "1,000");
	assert_string_equal(cw_fmt_count(b, UINT64_MAX), "18,446,744,073,709,551,615");
	assert_string_equal(cw_fmt_pct(b, 0.4821, 1), "48.2%");
	assert_string_equal(cw_fmt_pct(b, NAN, 1), "");
	assert_string_equal(cw_fmt_count(b, 1234567), "1,234,567");
	assert_string_equal(cw_fmt_count(b, 999), "999");
	assert_string_equal(cw_fmt_num(b, -0.001, 2), "0.00");
	assert_string_equal(cw_fmt_num(b, 12345.678, 1), "12,345.7");
	assert_string_equal(cw_fmt_num(b, INFINITY, 1), "");
}

static void test_kit_and_page(void **state)
{
	(void)state;
	cw_html_kit kit;
	cw_output out;
	cw_output_init(&out);
	assert_int_equal(cw_html_kit_init(&kit, &out, CW_LANG_EN, "2026-05"), 0);
	/* the CSP allows style and script from the report's folder only, and no fetch */
	assert_non_null(strstr(kit.csp, "default-src 'none'"));
	assert_non_null(strstr(kit.csp, "style-src 'self'"));
	assert_non_null(strstr(kit.csp, "script-src 'self'"));
	assert_null(strstr(kit.csp, "unsafe-inline"));
	assert_non_null(strstr(kit.csp_noscript, "script-src 'none'"));
	assert_null(strstr(kit.csp_noscript, "unsafe-inline"));

	char *dir = tu_tempdir(), path[4200];
	cw_page pg;
	snprintf(path, sizeof path, "%s/a.html", dir);
	assert_int_equal(cw_page_begin(&pg, &kit, path, "<Title & \"co\">", "", CW_NAV_RANKING, CW_PAGE_SCRIPT), 0);
	fputs("<p>body</p>", pg.f);
	uint64_t bytes = 0;
	assert_int_equal(cw_page_end(&pg, &bytes), 0);
	char *text = tu_read(path);
	assert_non_null(text);
	assert_int_equal(strlen(text), bytes);
	assert_non_null(strstr(text, "<title>&lt;Title &amp; &quot;co&quot;&gt;</title>"));
	assert_non_null(strstr(text, "<html lang=\"en\">"));
	assert_non_null(strstr(text, "<a href=\"ranking.html\" class=\"on\">Ranking</a>"));
	assert_non_null(strstr(text, "<p>body</p>"));
	/* the CSS and the script are linked, never inlined */
	assert_non_null(strstr(text, "<link rel=\"stylesheet\" href=\"report.css\">"));
	assert_non_null(strstr(text, "<script src=\"report.js\"></script>"));
	assert_null(strstr(text, "<style"));
	assert_null(strstr(text, "<script>"));
	assert_null(strstr(text, "{{"));
	free(text);

	/* a page without the script, one folder down */
	snprintf(path, sizeof path, "%s/b.html", dir);
	kit.lang = CW_LANG_ZH;
	assert_int_equal(cw_page_begin(&pg, &kit, path, "t", "../", CW_NAV_NONE, CW_PAGE_PLAIN), 0);
	assert_int_equal(cw_page_end(&pg, NULL), 0);
	text = tu_read(path);
	assert_null(strstr(text, "<script"));
	assert_non_null(strstr(text, "script-src 'none'"));
	assert_non_null(strstr(text, "href=\"../index.html\""));
	assert_non_null(strstr(text, "<link rel=\"stylesheet\" href=\"../report.css\">"));
	assert_non_null(strstr(text, "排名"));
	free(text);

	/* the assets, once in the folder: exactly the resources' bytes */
	assert_int_equal(cw_html_kit_write_assets(&kit, dir), 0);
	const char *names[] = { "report.css", "report.js" };
	for (int i = 0; i < 2; i++) {
		char res[64];
		size_t len;
		snprintf(res, sizeof res, "reports/%s", names[i]);
		const char *want = cw_resource_get(res, &len);
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		text = tu_read(path);
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
		assert_memory_equal(text, want, len);
		free(text);
	}

	/* a folder that does not exist: an error naming the file */
	snprintf(path, sizeof path, "%s/no/such/c.html", dir);
	assert_int_equal(cw_page_begin(&pg, &kit, path, "t", "", CW_NAV_NONE, CW_PAGE_PLAIN), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "c.html"));
	assert_int_equal(cw_html_kit_write_assets(&kit, path), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "report.css"));
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_kit_and_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
