/* jsonfield.h: a text field of claimwatch's CSV outputs as a JSON value, the one rule shared by
 * `claimwatch export`, `case --json` and the blacklist's JSON, the one way they print JSON, and cJSON's
 * adders made safe when memory runs out. */
#ifndef CW_JSONFIELD_H
#define CW_JSONFIELD_H
#include <stddef.h>
#include <cjson/cJSON.h>

/* The space-separated words of s[0..len) as an array of strings (empty: []). */
cJSON *cw_json_words(const char *s, size_t len);
/* An empty field is null; kind 'n' gives a number when the text is one, 'l' the
 * array of its words, anything else the string as it is (money stays a
 * decimal string). NULL when out of memory. */
cJSON *cw_json_field(const char *s, size_t len, char kind);
/* cJSON_Print of doc with the unsafe characters of its strings (safetext.h: C1
 * controls, bidirectional controls, bytes that are not UTF-8) as \uXXXX escapes,
 * so no JSON claimwatch prints can drive a terminal; the parsed values are the
 * same. Caller frees; NULL when out of memory. */
char *cw_json_print(const cJSON *doc);

/* cJSON_AddItemToObject and cJSON_AddItemToArray that free item when it cannot be added (its key
 * could not be copied, or the parent is NULL because creating it failed): cJSON's own leave it to
 * the caller. A failed allocation inside cJSON returns no reason: errno, cleared before building a
 * document, is ENOMEM after it when anything was lost. */
void cw_json_add(cJSON *object, const char *key, cJSON *item);
void cw_json_push(cJSON *array, cJSON *item);

#endif
