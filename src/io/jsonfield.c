/* jsonfield.c: a text field of our CSV outputs as a JSON value (see jsonfield.h). */
#include <stdlib.h>
#include <string.h>
#include "io/jsonfield.h"

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
