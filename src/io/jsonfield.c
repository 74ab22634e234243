/* jsonfield.c: a text field of our CSV outputs as a JSON value (see jsonfield.h). */
#include <stdlib.h>
#include <string.h>
#include "io/jsonfield.h"
#include "util/safetext.h"
#include "util/strbuf.h"

cJSON *cw_json_words(const char *s, size_t len)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < len;) {
		size_t n = 0;
		while (i + n < len && s[i + n] != ' ')
			n++;
		if (n) {
			char *w = strndup(s + i, n);
			cJSON_AddItemToArray(a, cJSON_CreateString(w ? w : ""));
			free(w);
		}
		i += n + 1;
	}
	return a;
}

cJSON *cw_json_field(const char *s, size_t len, char kind)
{
	if (!len)
		return cJSON_CreateNull();
	if (kind == 'l')
		return cw_json_words(s, len);
	char *text = strndup(s, len);
	if (!text)
		return NULL;
	cJSON *v = NULL;
	if (kind == 'n') {
		char *end;
		double x = strtod(text, &end);
		if (!*end)
			v = cJSON_CreateNumber(x);
	}
	if (!v)
		v = cJSON_CreateString(text);
	free(text);
	return v;
}

static void to_sb(void *ctx, const char *s, size_t n)
{
	cw_sb_addn(ctx, s, n);
}

char *cw_json_print(const cJSON *doc)
{
	char *text = doc ? cJSON_Print(doc) : NULL;
	if (!text)
		return NULL;
	cw_sb sb = { 0 };
	/* cJSON escapes C0 controls itself and its own layout is tabs and line breaks: those stay */
	cw_safe_text(text, strlen(text), CW_SAFE_JSON, 1, to_sb, &sb);
	free(text);
	return cw_sb_take(&sb);
}

void cw_json_add(cJSON *object, const char *key, cJSON *item)
{
	if (!cJSON_AddItemToObject(object, key, item))
		cJSON_Delete(item);
}

void cw_json_push(cJSON *array, cJSON *item)
{
	if (!cJSON_AddItemToArray(array, item))
		cJSON_Delete(item);
}
