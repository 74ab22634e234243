/* test_report_html.c: the report's escaping (markup, quotes, control characters, bad UTF-8), number
 * formats, SHA-256 and base64 for the CSP, and the page template. */
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
	assert_string_equal(cw_fmt_pct(b, 0.4821, 1), "48.2%");
	assert_string_equal(cw_fmt_pct(b, NAN, 1), "");
	assert_string_equal(cw_fmt_count(b, 1234567), "1,234,567");
	assert_string_equal(cw_fmt_count(b, 999), "999");
	assert_string_equal(cw_fmt_num(b, -0.001, 2), "0.00");
	assert_string_equal(cw_fmt_num(b, 12345.678, 1), "12,345.7");
	assert_string_equal(cw_fmt_num(b, INFINITY, 1), "");
}

static void hex(const uint8_t *h, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

static void test_sha256_base64(void **state)
{
	(void)state;
	uint8_t h[32];
	char x[65], b[64];
	cw_sha256(h, "abc", 3);
	hex(h, x);
	assert_string_equal(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cw_sha256(h, "", 0);
	hex(h, x);
	assert_string_equal(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two tail blocks */
	cw_sha256(h, m, strlen(m));
	hex(h, x);
	assert_string_equal(x, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_string_equal(cw_base64(b, (const uint8_t *)"abc", 3), "YWJj");
	assert_string_equal(cw_base64(b, (const uint8_t *)"ab", 2), "YWI=");
	assert_string_equal(cw_base64(b, (const uint8_t *)"a", 1), "YQ==");
}

static void test_kit_and_page(void **state)
{
	(void)state;
	cw_html_kit kit;
	cw_output out;
	cw_output_init(&out);
	assert_int_equal(cw_html_kit_init(&kit, &out, CW_LANG_EN, "2026-05"), 0);
	/* the CSP names the script by its hash and allows no fetch */
	size_t len;
	const char *js = cw_resource_get("reports/report.js", &len);
	uint8_t h[32];
	char b64[48], want[80];
	cw_sha256(h, js, len);
	snprintf(want, sizeof want, "'sha256-%s'", cw_base64(b64, h, 32));
	assert_non_null(strstr(kit.csp, want));
	assert_non_null(strstr(kit.csp, "default-src 'none'"));
	assert_non_null(strstr(kit.csp_noscript, "script-src 'none'"));

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
	assert_non_null(strstr(text, want));
	const char *script = strstr(text, "<script>");
	assert_non_null(script);
	assert_int_equal(memcmp(script + 8, js, len), 0); /* exactly the hashed bytes */
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
	assert_non_null(strstr(text, "排名"));
	free(text);

	/* a folder that does not exist: an error naming the file */
	snprintf(path, sizeof path, "%s/no/such/c.html", dir);
	assert_int_equal(cw_page_begin(&pg, &kit, path, "t", "", CW_NAV_NONE, CW_PAGE_PLAIN), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "c.html"));
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sha256_base64),
		cmocka_unit_test(test_kit_and_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
