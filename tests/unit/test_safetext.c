/* test_safetext.c: the one rule for text leaving claimwatch: which characters are unsafe, how each output
 * shows them (U+FFFD, '?', \xNN, \uXXXX), messages, JSON, and the CSV formula rule with its inverse (every
 * text written and read back is the same). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/jsonfield.h"
#include "io/outfile.h"
#include "util/safetext.h"
#include "testutil.h"

static char *shown(const char *s, int style, int keep_space)
{
	static char buf[512];
	return cw_safe_copy(buf, sizeof buf, s, style, keep_space);
}

static void test_classes(void **state)
{
	(void)state;
	static const char *const unsafe[] = { "\x1b", "\a", "\x7f", "\xc2\x9b", "\xc2\x80", "\xe2\x80\xae",
		                              "\xe2\x80\xaa", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xe2\x80\x8f",
		                              "\xd8\x9c", "\xe2\x80\xa8", "\xff", "\xc0\xaf" };
	for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
		const unsigned char *u = (const unsigned char *)unsafe[i];
		size_t n;
		uint32_t cp;
		assert_int_equal(cw_char_class(u, u + strlen(unsafe[i]), &n, &cp), CW_CHAR_UNSAFE);
	}
	static const char *const ok[] = { "a", "\xc2\xa0", "张", "\xe2\x80\x94", "\xf0\x9f\x98\x80" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		const unsigned char *u = (const unsigned char *)ok[i];
		size_t n;
		uint32_t cp;
		assert_int_equal(cw_char_class(u, u + strlen(ok[i]), &n, &cp), CW_CHAR_OK);
		assert_int_equal(n, strlen(ok[i]));
	}
	size_t n;
	uint32_t cp;
	assert_int_equal(cw_char_class((const unsigned char *)"\t", (const unsigned char *)"\t" + 1, &n, &cp),
	                 CW_CHAR_SPACE);
}

static void test_styles(void **state)
{
	(void)state;
	const char *s = "a\x1b[2J张\xc2\x9b\xe2\x80\xae!\n\xff";
	assert_string_equal(shown(s, CW_SAFE_FFFD, 1), "a\xEF\xBF\xBD[2J张\xEF\xBF\xBD\xEF\xBF\xBD!\n\xEF\xBF\xBD");
	assert_string_equal(shown(s, CW_SAFE_QUESTION, 0), "a?[2J张?" "?!?" "?");
	assert_string_equal(shown(s, CW_SAFE_HEX, 0), "a\\x1b[2J张\\xc2\\x9b\\xe2\\x80\\xae!\\x0a\\xff");
	assert_string_equal(shown(s, CW_SAFE_JSON, 1), "a\\u001b[2J张\\u009b\\u202e!\n\\ufffd");
	assert_string_equal(shown("plain 文本", CW_SAFE_HEX, 0), "plain 文本");
	/* a copy is cut at a character, never inside one */
	char small[6];
	assert_string_equal(cw_safe_copy(small, sizeof small, "ab张c", CW_SAFE_HEX, 0), "ab张");
	assert_string_equal(cw_safe_copy(small, 5, "ab张c", CW_SAFE_HEX, 0), "ab");
}

static void test_messages(void **state)
{
	(void)state;
	cw_error_set(CW_EINVALID, "no such physician '%s'", "X\x1b]0;pwned\a\xe2\x80\xae\nY");
	assert_string_equal(cw_error_last(), "no such physician 'X\\x1b]0;pwned\\x07\\xe2\\x80\\xae\\x0aY'");
	cw_error_wrap(CW_EINVALID, "reading %s", "f\x9b.csv");
	assert_string_equal(cw_error_last(), "reading f\\x9b.csv: no such physician 'X\\x1b]0;pwned\\x07\\xe2\\x80\\xae\\x0aY'");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cw_safe_fprintf(f, "unknown '%s'\n\n", "\x1b[2J");
	cw_safe_lines(f, "one \x1b\ntwo");
	fclose(f);
	assert_string_equal(text, "unknown '\\x1b[2J'\n\none \\x1b\ntwo\n");
	free(text);
}

static void test_json_print(void **state)
{
	(void)state;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", "a\xc2\x9b b\xe2\x80\xae c\x1b d\x7f");
	char *text = cw_json_print(o);
	assert_non_null(text);
	assert_null(strstr(text, "\xc2\x9b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strchr(text, 0x7f));
	assert_non_null(strstr(text, "a\\u009b b\\u202e c\\u001b d\\u007f"));
	cJSON *back = cJSON_Parse(text); /* the value a JSON reader gets is unchanged */
	assert_string_equal(cJSON_GetObjectItem(back, "name")->valuestring, "a\xc2\x9b b\xe2\x80\xae c\x1b d\x7f");
	cJSON_Delete(back);
	cJSON_Delete(o);
	free(text);
}

/* Every text written to a CSV file by claimwatch and read back by csvtab is the same text. */
static void test_formula_round_trip(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"=HYPERLINK(\"http://x\",\"y\")", "+1", "-DR3", "@SUM(A1)", "\tname", "\rname", "-12.30", "+5", "-",
		"'", "''", "'=x", "''=x", "'-5", "'abc", "a'=b", "=", "-1e5", "plain", "", "-0.5", "'\t",
	};
	static const char *const cols[] = { "v", "w", NULL };
	char *root = tu_tempdir(), path[4200];
	snprintf(path, sizeof path, "%s/t.csv", root);
	FILE *f = fopen(path, "w");
	cw_csv_cell(f, "v", 0);
	cw_csv_cell(f, "w", 1);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		cw_csv_cell(f, texts[i], 0);
		cw_csv_cell(f, "x", 1);
	}
	fclose(f);
	cw_csvtab *t;
	assert_int_equal(cw_csvtab_open(&t, path, cols), 0);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char buf[64];
		assert_int_equal(cw_csvtab_next(t), 1);
		assert_string_equal(cw_csvtab_copy(buf, sizeof buf, t, 0), texts[i]);
	}
	assert_int_equal(cw_csvtab_next(t), 0);
	cw_csvtab_close(t);
	char *text = tu_read(path);
	assert_non_null(strstr(text, "\n-12.30,x\n"));  /* numbers stay numbers */
	assert_non_null(strstr(text, "\n\"'-DR3\",x\n"));
	assert_non_null(strstr(text, "\n\"''=x\",x\n"));
	assert_non_null(strstr(text, "\n'abc,x\n"));     /* an apostrophe before plain text stays as it is */
	free(text);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_json_print),
		cmocka_unit_test(test_formula_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
