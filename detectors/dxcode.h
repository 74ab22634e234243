/*
 * dxcode.h: ICD-10 code helpers for the diagnosis-driven detectors (split_admission,
 * unwarranted_admission, large_prescription). Header only; not a detector.
 *
 * Hospitals write the same code as "J18.9", "j18.9" or "J189", so codes and
 * the rules' prefix lists are compared in a normal form: ASCII upper case,
 * without dots and blanks. The ICD-10 category is the first 3 characters of
 * that form ("J18").
 */
#ifndef CW_DETECTORS_DXCODE_H
#define CW_DETECTORS_DXCODE_H

#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"

#define DX_MAX 16 /* longer codes are cut; ICD-10 codes have at most 8 characters */

/* Writes the normal form of s into out; returns its length. */
static inline size_t dx_normalize(const char *s, char out[DX_MAX])
{
	size_t n = 0;
	for (; *s && n < DX_MAX - 1; s++) {
		char c = *s;
		if (c == '.' || c == ' ' || c == '\t')
			continue;
		out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	out[n] = 0;
	return n;
}

/* The ICD-10 category of a normalised code into out: its first 3 characters (fewer when the code is
 * shorter), NUL-padded. */
static inline void dx_category(const char *norm, char out[4])
{
	size_t i = 0;
	for (; i < 3 && norm[i]; i++)
		out[i] = norm[i];
	memset(out + i, 0, 4 - i);
}

/* Same ICD-10 category (first 3 characters of the normal forms). */
static inline int dx_same_category(const char *a, const char *b)
{
	return strncmp(a, b, 3) == 0;
}

/* A list of code prefixes from the rules, in normal form. */
typedef struct dx_prefixes {
	size_t n;
	char (*code)[DX_MAX];
} dx_prefixes;

/* Reads the array of strings rules.key; an entry that is empty in normal form
 * is an error naming the key. */
static inline int dx_prefixes_load(const cw_section *rules, const char *key, dx_prefixes *out)
{
	const char **v;
	size_t n;
	int rc = cw_section_strings(&v, &n, rules, key);
	if (rc < 0)
		return rc;
	out->n = 0;
	out->code = malloc((n ? n : 1) * sizeof *out->code);
	if (!out->code) {
		free(v);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (dx_normalize(v[i], out->code[i]) == 0) {
			free(v);
			free(out->code);
			out->code = NULL;
			return cw_error_set(CW_EINVALID, "%s.%s[%zu]: expected an ICD-10 code prefix such as \"Z51\"",
			                    rules->path, key, i);
		}
	}
	out->n = n;
	free(v);
	return 0;
}

static inline void dx_prefixes_free(dx_prefixes *p)
{
	free(p->code);
	p->code = NULL;
	p->n = 0;
}

/* The first prefix that the normalised code starts with, or NULL. */
static inline const char *dx_prefixes_match(const dx_prefixes *p, const char *norm)
{
	for (size_t i = 0; i < p->n; i++)
		if (strncmp(norm, p->code[i], strlen(p->code[i])) == 0)
			return p->code[i];
	return NULL;
}

#endif
