/* test_serve_messages.c: the texts of `claimwatch serve` in Chinese and English (serve/messages.c,
 * docs/serve.md "Errors"): the table is whole (every message has both forms, the same variable parts in
 * each, a status and a code for an answer), templates are filled and cut without breaking a character,
 * the error answer is JSON in the asked language, and the language of an answer is chosen in order:
 * the body's "lang", ?lang=, Accept-Language, --lang. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "serve/messages.h"

/* The placeholders of a template as a string ("1 2w 0" for "{1} {2:word} {0}"), sorted by index; -1
 * when a '{' followed by a digit is not a well-formed placeholder. */
static int placeholders(char *out, size_t n, const char *t)
{
	int seen[10] = { 0 };
	*out = 0;
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
		if (p[1] < '0' || p[1] > '9')
			continue;
		int k = p[1] - '0', word = !strncmp(p + 2, ":word}", 6);
		if (!word && p[2] != '}')
			return -1;
		seen[k] |= word ? 2 : 1;
	}
	for (int k = 0; k < 10; k++)
		if (seen[k])
			snprintf(out + strlen(out), n - strlen(out), "%d%s ", k, seen[k] & 2 ? "w" : "");
	return 0;
}

static int has_cjk(const char *s)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u >= 0xE4 && *u <= 0xE9) /* the lead byte of U+4E00..U+9FFF */
			return 1;
	return 0;
}

static void table_whole(void **state)
{
	(void)state;
	for (int m = 0; m < CW_MSG_COUNT; m++) {
		const char *en = cw_msg_template(m, CW_MSG_EN), *zh = cw_msg_template(m, CW_MSG_ZH);
		char pe[64], pz[64];
		assert_true(*en && *zh);
		assert_int_equal(placeholders(pe, sizeof pe, en), 0);
		assert_int_equal(placeholders(pz, sizeof pz, zh), 0);
		if (strcmp(pe, pz))
			fail_msg("message %d: '%s' has {%s}, '%s' has {%s}", m, en, pe, zh, pz);
		if (!has_cjk(zh) || has_cjk(en))
			fail_msg("message %d: '%s' / '%s' is not Chinese / English", m, zh, en);
		int st = cw_msg_status(m);
		const char *code = cw_msg_code(m);
		assert_true((st == 0 && code == NULL) || (st >= 400 && st < 600 && code && *code));
	}
	assert_int_equal(cw_msg_status(-1), 0);
	assert_null(cw_msg_code(CW_MSG_COUNT));
	assert_string_equal(cw_msg_template(CW_MSG_COUNT, CW_MSG_EN), "");
}

static void format(void **state)
{
	(void)state;
	char b[128];
	assert_string_equal(cw_msg_format(b, sizeof b, M_UNKNOWN_ITEM, CW_MSG_EN, "lines[3]", "X1"),
	                    "lines[3].item_code: 'X1' is not in the catalogue (items.csv)");
	assert_string_equal(cw_msg_format(b, sizeof b, M_UNKNOWN_ITEM, CW_MSG_ZH, "lines[3]", "X1"),
	                    "lines[3].item_code：'X1' 不在收费目录（items.csv）中");
	/* {N:word}: a fixed word in the template's language; an unknown one as it is */
	assert_string_equal(cw_msg_format(b, sizeof b, M_NOT_ARRAY, CW_MSG_EN, "lines", "null"), "lines: expected an array, got null");
	assert_string_equal(cw_msg_format(b, sizeof b, M_NOT_ARRAY, CW_MSG_ZH, "lines", "boolean"), "lines：应为数组，实为布尔值");
	assert_string_equal(cw_msg_format(b, sizeof b, M_NOT_ARRAY, CW_MSG_ZH, "lines", "thing"), "lines：应为数组，实为thing");
	/* a part not passed is empty; a part with braces is taken as it is, never as a template */
	assert_string_equal(cw_msg_format(b, sizeof b, M_CONFLICT, CW_MSG_EN, "visit", "kind"),
	                    "visit.kind: differs from the visit '' already accepted");
	assert_string_equal(cw_msg_format(b, sizeof b, M_VISIT_OTHER_PATIENT, CW_MSG_EN, "", "{1}{0"),
	                    "visit.visit_id: '{1}{0' is a visit of another patient");
	/* a language out of range is Chinese, the default */
	assert_string_equal(cw_msg_format(b, sizeof b, M_LOG_STOPPED, -1, ""), "已停止");
	assert_string_equal(cw_msg_format(b, sizeof b, M_LOG_STOPPED, 7, ""), "已停止");
}

/* A message longer than its buffer is cut at a character's start: the rest is valid UTF-8. */
static void cut(void **state)
{
	(void)state;
	char b[64];
	for (size_t n = 1; n < sizeof b; n++) {
		memset(b, 'x', sizeof b);
		cw_msg_format(b, n, M_TOO_LARGE, CW_MSG_ZH, "", "1048576");
		size_t len = strlen(b);
		assert_true(len < n);
		const unsigned char *u = (const unsigned char *)b;
		for (size_t i = 0; i < len;) {
			size_t k = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
			if (i + k > len)
				fail_msg("cut in a character at %zu of %zu (buffer %zu): %s", i, len, n, b);
			i += k;
		}
	}
	assert_string_equal(cw_msg_format(b, 0, M_LOG_STOPPED, CW_MSG_EN, ""), b); /* nothing written, no crash */
}

static void refuse_and_json(void **state)
{
	(void)state;
	cw_req_error e;
	assert_int_equal(cw_req_refuse(&e, M_LINE_OTHER_PATIENT, "lines[0]", "L\"4"), CW_EINVALID);
	assert_int_equal(e.status, 422);
	assert_string_equal(e.code, "other_patient");
	assert_string_equal(e.path, "lines[0]");
	assert_int_equal(e.msg, M_LINE_OTHER_PATIENT);
	assert_string_equal(e.message[CW_MSG_EN], "lines[0].line_id: 'L\"4' is a line of another patient");
	assert_string_equal(e.message[CW_MSG_ZH], "lines[0].line_id：'L\"4' 是另一位患者的费用明细");
	for (int lang = CW_MSG_ZH; lang <= CW_MSG_EN; lang++) {
		char *s = cw_req_error_json(&e, lang);
		cJSON *o = cJSON_Parse(s), *err = cJSON_GetObjectItem(o, "error");
		assert_non_null(err);
		assert_int_equal(cJSON_GetObjectItem(err, "status")->valueint, 422);
		assert_string_equal(cJSON_GetObjectItem(err, "code")->valuestring, "other_patient");
		assert_string_equal(cJSON_GetObjectItem(err, "path")->valuestring, "lines[0]");
		assert_string_equal(cJSON_GetObjectItem(err, "message")->valuestring, e.message[lang]);
		cJSON_Delete(o);
		free(s);
	}
	assert_int_equal(cw_req_refuse(&e, M_METHOD, "", "GET"), CW_EINVALID);
	assert_int_equal(e.status, 405);
	assert_string_equal(e.path, "");
	assert_string_equal(e.message[CW_MSG_ZH], "请使用 GET 方法");
}

static void accept_language(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		int lang;
	} cases[] = {
		{ NULL, -1 },
		{ "", -1 },
		{ "zh", CW_MSG_ZH },
		{ "zh-CN", CW_MSG_ZH },
		{ "ZH-hant-TW", CW_MSG_ZH },
		{ "en", CW_MSG_EN },
		{ "en-US,en;q=0.9", CW_MSG_EN },
		{ "en-GB;q=0.8, zh-CN;q=0.9", CW_MSG_ZH },
		{ "zh-CN,zh;q=0.9,en;q=0.8", CW_MSG_ZH },
		{ "fr-FR, fr;q=0.9, en;q=0.5", CW_MSG_EN },
		{ "fr, de", -1 },
		{ "*", -1 },
		{ "english", -1 },   /* not a range of en */
		{ "eng", -1 },
		{ "zh;q=0, en;q=0.1", CW_MSG_EN }, /* q=0: not acceptable */
		{ "zh;q=0", -1 },
		{ "en;q=0.5, zh;q=0.5", CW_MSG_EN }, /* a tie: the first */
		{ "en;q=abc, zh;q=0.2", CW_MSG_ZH },  /* a malformed q-value: the range is passed over */
		{ "en;q=2, zh;q=0.2", CW_MSG_ZH },
		{ "en;q=, zh", CW_MSG_ZH },
		{ " en ; q=0.7 ,zh;q=0.6", CW_MSG_EN },
		{ "de;q=0.9;level=1, zh;level=2;q=0.3", CW_MSG_ZH },
		{ ",,,en,,", CW_MSG_EN },
		{ ";q=1", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (cw_msg_accept_language(cases[i].header) != cases[i].lang)
			fail_msg("'%s': %d, wanted %d", cases[i].header ? cases[i].header : "(none)",
			         cw_msg_accept_language(cases[i].header), cases[i].lang);
}

/* The order: the body's "lang", ?lang=, Accept-Language, --lang; a value that is not zh or en is passed
 * over. */
static void choice(void **state)
{
	(void)state;
	assert_int_equal(cw_msg_lang_choose("en", "zh", "zh", CW_MSG_ZH), CW_MSG_EN);
	assert_int_equal(cw_msg_lang_choose("zh", "en", "en", CW_MSG_EN), CW_MSG_ZH);
	assert_int_equal(cw_msg_lang_choose(NULL, "en", "zh", CW_MSG_ZH), CW_MSG_EN);
	assert_int_equal(cw_msg_lang_choose(NULL, "zh", "en", CW_MSG_EN), CW_MSG_ZH);
	assert_int_equal(cw_msg_lang_choose(NULL, "fr", "en-US", CW_MSG_ZH), CW_MSG_EN);
	assert_int_equal(cw_msg_lang_choose(NULL, "", "zh-CN", CW_MSG_EN), CW_MSG_ZH);
	assert_int_equal(cw_msg_lang_choose(NULL, NULL, "fr", CW_MSG_EN), CW_MSG_EN);
	assert_int_equal(cw_msg_lang_choose(NULL, NULL, NULL, CW_MSG_EN), CW_MSG_EN);
	assert_int_equal(cw_msg_lang_choose(NULL, NULL, NULL, CW_MSG_ZH), CW_MSG_ZH);
	assert_int_equal(cw_msg_lang_choose(NULL, NULL, NULL, -1), CW_MSG_ZH); /* no --lang: zh */
	assert_int_equal(cw_msg_lang_choose("EN", "En", NULL, CW_MSG_ZH), CW_MSG_ZH); /* the values are exact */
	assert_int_equal(cw_msg_lang("zh"), CW_MSG_ZH);
	assert_int_equal(cw_msg_lang("en"), CW_MSG_EN);
	assert_int_equal(cw_msg_lang(NULL), -1);
	assert_int_equal(cw_msg_lang("zh-CN"), -1);
	assert_string_equal(cw_msg_lang_code(CW_MSG_EN), "en");
	assert_string_equal(cw_msg_lang_code(CW_MSG_ZH), "zh");
	assert_string_equal(cw_msg_lang_code(-1), "zh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_whole), cmocka_unit_test(format),          cmocka_unit_test(cut),
		cmocka_unit_test(refuse_and_json), cmocka_unit_test(accept_language), cmocka_unit_test(choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
