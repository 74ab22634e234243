/* test_report_pages.c: how a physician's findings are cut into pages (cw_paginate), the page links
 * (cw_report_pager), the labels of both
 * languages, and the display width of text for terminals and chart labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/detector.h"
#include "report/report.h"
#include "util/textwidth.h"

static void test_paginate(void **state)
{
	(void)state;
	cw_pagecut c[16];
	/* no finding: one (empty) page */
	assert_int_equal(cw_paginate(NULL, 0, 10, 100, c, 16), 1);
	assert_true(c[0].first == 0 && c[0].line == 0);
	/* everything fits */
	size_t small[] = { 2, 2, 2 };
	assert_int_equal(cw_paginate(small, 3, 10, 100, c, 16), 1);
	/* 10 findings of 3 lines, 10 rows a page: 3 findings a page, never split */
	size_t ten[10] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	assert_int_equal(cw_paginate(ten, 10, 10, 100, c, 16), 4);
	assert_true(c[1].first == 3 && c[2].first == 6 && c[3].first == 9);
	assert_true(c[1].line == 0 && c[3].line == 0);
	/* a finding longer than a page: its lines continue on the next pages */
	size_t big[] = { 4, 25, 3 };
	assert_int_equal(cw_paginate(big, 3, 10, 100, c, 16), 4);
	assert_true(c[0].first == 0 && c[0].line == 0);
	assert_true(c[1].first == 1 && c[1].line == 0);   /* the big one starts a page */
	assert_true(c[2].first == 1 && c[2].line == 10);
	assert_true(c[3].first == 1 && c[3].line == 20);  /* lines 20..24, then the last finding */
	/* findings without lines take a row each */
	size_t none[12] = { 0 };
	assert_int_equal(cw_paginate(none, 12, 5, 100, c, 16), 3);
	/* the findings cap */
	size_t one[7] = { 1, 1, 1, 1, 1, 1, 1 };
	assert_int_equal(cw_paginate(one, 7, 100, 2, c, 16), 4);
	assert_true(c[3].first == 6);
	/* more pages than cut slots: the count is still right */
	assert_int_equal(cw_paginate(ten, 10, 10, 100, c, 2), 4);
}

static void test_labels(void **state)
{
	(void)state;
	for (int k = 0; k < L_COUNT; k++) {
		assert_true(*cw_label(CW_LANG_EN, k));
		assert_true(*cw_label(CW_LANG_ZH, k));
	}
	assert_string_equal(cw_label(CW_LANG_ZH, L_RANKING), "排名");
	assert_string_equal(cw_label(CW_LANG_EN, L_RANKING), "Ranking");
	assert_string_equal(cw_label(CW_LANG_EN, L_COUNT), "");
	assert_string_equal(cw_label_grade(CW_LANG_ZH, CW_GRADE_REASONABLE), "合理");
	assert_string_equal(cw_label_grade(CW_LANG_ZH, CW_GRADE_BASIC), "基本合理");
	assert_string_equal(cw_label_grade(CW_LANG_ZH, CW_GRADE_UNREASONABLE), "不合理");
	assert_string_equal(cw_label_grade(CW_LANG_EN, CW_GRADE_UNREASONABLE), "unreasonable");
	assert_string_equal(cw_label_grade(CW_LANG_EN, CW_GRADE_NONE), "");
	assert_string_equal(cw_label_dimension(CW_LANG_ZH, "medication"), "用药");
	assert_string_equal(cw_label_dimension(CW_LANG_ZH, "composite"), "综合");
	assert_string_equal(cw_label_dimension(CW_LANG_ZH, "<custom>"), "<custom>");
	const cw_detector *sb = cw_registry_find(tu_registry(), "split_billing");
	assert_string_equal(cw_label_detector(CW_LANG_ZH, sb), "分解收费");
	assert_string_equal(cw_label_detector(CW_LANG_EN, sb), "Split billing");
	assert_string_equal(cw_label_category(CW_LANG_ZH, CW_CAT_DRUG), "药品");
	assert_string_equal(cw_label_category(CW_LANG_EN, CW_CAT_LAB), "lab");
	assert_string_equal(cw_label_metric(CW_LANG_ZH, "drug_share"), "药占比");
	assert_string_equal(cw_label_severity(CW_LANG_ZH, CW_VIOLATION), "违规");
	assert_string_equal(cw_label_kind(CW_LANG_EN, CW_INPATIENT), "inpatient");
	assert_int_equal(cw_lang_parse("zh"), CW_LANG_ZH);
	assert_int_equal(cw_lang_parse("en"), CW_LANG_EN);
	assert_int_equal(cw_lang_parse("fr"), -1);
	assert_int_equal(cw_lang_parse(NULL), -1);
}

static char *printed(void (*fn)(FILE *, const char *, size_t, int), const char *s, size_t cols, int right)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fn(f, s, cols, right);
	fclose(f);
	return text;
}

static void test_text_width(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(cw_text_width("abc"), 3);
	assert_int_equal(cw_text_width("程强"), 4);
	assert_int_equal(cw_text_width("不合理 x"), 8);
	assert_int_equal(cw_text_width("ｱ"), 1);     /* halfwidth katakana */
	assert_int_equal(cw_text_width("Ａ"), 2);    /* fullwidth A */
	assert_int_equal(cw_text_width("e\xCC\x81"), 1); /* e + combining acute */
	assert_int_equal(cw_text_width("\xFF"), 1);
	assert_string_equal(cw_text_fit(buf, sizeof buf, "abcdef", 10), "abcdef");
	assert_string_equal(cw_text_fit(buf, sizeof buf, "abcdef", 4), "abc\xE2\x80\xA6");
	assert_string_equal(cw_text_fit(buf, sizeof buf, "东城市第一人民医院", 7), "东城市\xE2\x80\xA6");
	char *s = printed(cw_text_pad, "程强", 6, 0);
	assert_string_equal(s, "程强  ");
	free(s);
	s = printed(cw_text_pad, "42", 5, 1);
	assert_string_equal(s, "   42");
	free(s);
	/* an escape sequence in a name does not reach the terminal */
	s = printed(cw_text_pad, "x\x1b[31mred\x9b", 0, 0);
	assert_null(strchr(s, 0x1b));
	assert_string_equal(s, "x?[31mred?");
	free(s);
}

static char *href_x(const cw_report *r, const void *what, size_t k, char *buf, size_t size)
{
	(void)r;
	snprintf(buf, size, "%s-%zu.html", (const char *)what, k);
	return buf;
}

/* pager(page, pages) as written into a string (the caller frees it). */
static char *pager(int lang, size_t page, size_t pages)
{
	cw_report r = { .lang = lang };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	cw_report_pager(&r, f, page, pages, href_x, "x");
	fclose(f);
	return text;
}

static void test_pager(void **state)
{
	(void)state;
	char *s = pager(CW_LANG_EN, 0, 1);
	assert_string_equal(s, ""); /* one page: no links */
	free(s);
	s = pager(CW_LANG_EN, 1, 3);
	assert_string_equal(s, "<div class=\"pager\">Page: <a href=\"x-0.html\">1</a><b>2</b>"
	                       "<a href=\"x-2.html\">3</a></div>");
	free(s);
	s = pager(CW_LANG_ZH, 0, 2);
	assert_string_equal(s, "<div class=\"pager\">页: <b>1</b><a href=\"x-1.html\">2</a></div>");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paginate),
		cmocka_unit_test(test_pager),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_text_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
