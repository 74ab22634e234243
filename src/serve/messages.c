/* messages.c: the texts of `claimwatch serve` in Chinese and English, and the choice of a request's
 * language (messages.h, docs/serve.md "Errors"). The table is built from the one list in messages.h,
 * as the report builds its labels from report_labels.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "claimwatch/error.h"
#include "serve/messages.h"

typedef struct entry {
	int status;
	const char *code;
	const char *text[CW_MSG_LANGS];
} entry;

static const entry table[CW_MSG_COUNT] = {
#define CW_MSG_ENTRY(key, status, code, en, zh) [key] = { status, code, { [CW_MSG_ZH] = zh, [CW_MSG_EN] = en } },
	CW_SERVE_MESSAGES(CW_MSG_ENTRY)
#undef CW_MSG_ENTRY
};

/* The fixed words a template shows with {N:word}: the JSON types of request.c. */
static const struct {
	const char *name, *text[CW_MSG_LANGS];
} words[] = {
	{ "number", { "数字", "a number" } },     { "boolean", { "布尔值", "a boolean" } },
	{ "array", { "数组", "an array" } },      { "object", { "对象", "an object" } },
	{ "null", { "null", "null" } },           { "string", { "字符串", "a string" } },
};

static int valid(int msg) { return msg >= 0 && msg < CW_MSG_COUNT; }
static int lang_or_zh(int lang) { return lang == CW_MSG_EN ? CW_MSG_EN : CW_MSG_ZH; }

int cw_msg_status(int msg) { return valid(msg) ? table[msg].status : 0; }
const char *cw_msg_code(int msg) { return valid(msg) ? table[msg].code : NULL; }
const char *cw_msg_template(int msg, int lang) { return valid(msg) ? table[msg].text[lang_or_zh(lang)] : ""; }

static const char *word(const char *name, int lang)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (!strcmp(words[i].name, name))
			return words[i].text[lang];
	return name;
}

/* Appends len bytes of s at *at, never past n - 1 and never cutting a UTF-8 character. */
static void put(char *buf, size_t n, size_t *at, const char *s, size_t len)
{
	if (*at + len >= n) {
		len = n - 1 - *at;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* s[len] would be the first byte left out: step back to a character's start */
	}
	memcpy(buf + *at, s, len);
	*at += len;
	buf[*at] = 0;
}

/* A placeholder at t ("{N}" or "{N:word}"): its argument's index in *k and its length; 0 when t is
 * not one. */
static size_t placeholder(size_t *k, int *is_word, const char *t)
{
	size_t i = 1;
	*k = 0;
	*is_word = 0;
	if (t[0] != '{' || t[1] < '0' || t[1] > '9')
		return 0;
	while (t[i] >= '0' && t[i] <= '9' && i < 4)
		*k = *k * 10 + (size_t)(t[i++] - '0');
	if (!strncmp(t + i, ":word", 5)) {
		*is_word = 1;
		i += 5;
	}
	return t[i] == '}' ? i + 1 : 0;
}

const char *cw_msg_format_(char *buf, size_t n, int msg, int lang, const char *const *args, size_t nargs)
{
	const char *t = cw_msg_template(msg, lang);
	size_t at = 0;
	if (!n)
		return buf;
	buf[0] = 0;
	while (*t && at + 1 < n) {
		size_t k, len;
		int is_word;
		if ((len = placeholder(&k, &is_word, t))) {
			const char *a = k < nargs && args[k] ? args[k] : "";
			if (is_word)
				a = word(a, lang_or_zh(lang));
			put(buf, n, &at, a, strlen(a));
			t += len;
		} else {
			size_t run = strcspn(t + 1, "{") + 1;
			put(buf, n, &at, t, run);
			t += run;
		}
	}
	return buf;
}

int cw_req_refuse_(cw_req_error *err, int msg, const char *const *args, size_t n)
{
	err->msg = msg;
	err->status = cw_msg_status(msg);
	err->code = cw_msg_code(msg);
	snprintf(err->path, sizeof err->path, "%s", n && args[0] ? args[0] : "");
	for (int l = 0; l < CW_MSG_LANGS; l++)
		cw_msg_format_(err->message[l], sizeof err->message[l], msg, l, args, n);
	return CW_EINVALID;
}

char *cw_req_error_json(const cw_req_error *e, int lang)
{
	cJSON *o = cJSON_CreateObject(), *err = cJSON_AddObjectToObject(o, "error");
	cJSON_AddNumberToObject(err, "status", e->status);
	cJSON_AddStringToObject(err, "code", e->code ? e->code : "internal");
	cJSON_AddStringToObject(err, "path", e->path);
	cJSON_AddStringToObject(err, "message", e->message[lang_or_zh(lang)]);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

int cw_msg_lang(const char *s)
{
	if (s && !strcmp(s, "zh"))
		return CW_MSG_ZH;
	if (s && !strcmp(s, "en"))
		return CW_MSG_EN;
	return -1;
}

const char *cw_msg_lang_code(int lang) { return lang == CW_MSG_EN ? "en" : "zh"; }

/* The language of one Accept-Language range ("zh", "zh-CN", "EN-us"), -1 for any other. */
static int range_lang(const char *s, size_t len)
{
	if (len < 2 || (len > 2 && s[2] != '-'))
		return -1;
	if (!strncasecmp(s, "zh", 2))
		return CW_MSG_ZH;
	if (!strncasecmp(s, "en", 2))
		return CW_MSG_EN;
	return -1;
}

/* The q-value of one element's parameters, p to end (";q=0.8"): 1 when none is given, -1 when
 * malformed. */
static double qvalue(const char *p, const char *end)
{
	double q = 1;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p)), *stop = semi ? semi : end;
		p += strspn(p, " \t");
		if (p + 2 <= stop && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			char num[16] = "", *rest;
			size_t len = (size_t)(stop - p - 2);
			while (len && (p[2 + len - 1] == ' ' || p[2 + len - 1] == '\t'))
				len--;
			if (len == 0 || len >= sizeof num)
				return -1;
			memcpy(num, p + 2, len);
			q = strtod(num, &rest);
			if (*rest || !(q >= 0 && q <= 1))
				return -1;
		}
		p = semi ? semi + 1 : end;
	}
	return q;
}

int cw_msg_accept_language(const char *header)
{
	int best = -1;
	double best_q = 0;
	for (const char *p = header; p && *p;) {
		p += strspn(p, " \t,");
		const char *end = p + strcspn(p, ",");
		size_t tag = strcspn(p, " \t;,");
		int lang = range_lang(p, tag);
		double q = lang >= 0 ? qvalue(p + tag, end) : 0;
		if (lang >= 0 && q > best_q) {
			best = lang;
			best_q = q;
		}
		p = end;
	}
	return best;
}

int cw_msg_lang_choose(const char *body, const char *query, const char *accept_language, int fallback)
{
	int l;
	if ((l = cw_msg_lang(body)) >= 0 || (l = cw_msg_lang(query)) >= 0 ||
	    (l = cw_msg_accept_language(accept_language)) >= 0)
		return l;
	return lang_or_zh(fallback);
}
