/*
 * dxcode.h: diagnosis code helpers for the diagnosis-driven detectors (split_admission,
 * unwarranted_admission, large_prescription). Header only; not a detector.
 *
 * Each prefix list of the rules is given per coding system (claimwatch/dxcoding.h): "<key>" for
 * ICD-10, "<key>_icd9" for ICD-9-CM; a scan uses the list of its month's system (cw_scan.dx_coding).
 *
 * Hospitals write the same code as "J18.9", "j18.9" or "J189", so codes and
 * the rules' prefix lists are compared in a normal form: ASCII upper case,
 * without dots and blanks. The ICD-10 category is the first 3 characters of
 * that form ("J18"; an ICD-9 category is also its first 3 characters, "038", "V58", but an E code's
 * has 4, "E880": two E codes compare on their first 3).
 */
#ifndef CW_DETECTORS_DXCODE_H
#define CW_DETECTORS_DXCODE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/dxcoding.h"
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

/* Reads the array of strings rules.key, prefixes of the system `coding`; an entry that is empty in
 * normal form is an error naming the key. */
static inline int dx_prefixes_load(const cw_section *rules, const char *key, dx_prefixes *out, int coding)
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
			return cw_error_set(CW_EINVALID, "%s.%s[%zu]: expected an %s code prefix such as \"%s\"",
			                    rules->path, key, i, cw_dx_coding_label(coding),
			                    coding == CW_DX_ICD9 ? "V58" : "Z51");
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

/* A prefix list in each coding system: sys[CW_DX_ICD10] from rules.key, sys[CW_DX_ICD9] from
 * rules.key_icd9. */
typedef struct dx_lists {
	dx_prefixes sys[2];
} dx_lists;

static inline void dx_lists_free(dx_lists *l)
{
	dx_prefixes_free(&l->sys[0]);
	dx_prefixes_free(&l->sys[1]);
}

static inline int dx_lists_load(const cw_section *rules, const char *key, dx_lists *out)
{
	char key9[96];
	snprintf(key9, sizeof key9, "%s_icd9", key);
	int rc = dx_prefixes_load(rules, key, &out->sys[CW_DX_ICD10], CW_DX_ICD10);
	if (rc == 0)
		rc = dx_prefixes_load(rules, key9, &out->sys[CW_DX_ICD9], CW_DX_ICD9);
	return rc;
}

/* The list of the scan's month's coding system. */
static inline const dx_prefixes *dx_lists_for(const dx_lists *l, const cw_scan *ctx)
{
	return &l->sys[ctx->dx_coding == CW_DX_ICD9 ? CW_DX_ICD9 : CW_DX_ICD10];
}

#endif
