/* strbuf.h: a growing string for lists joined with a separator ("2026-01 2026-03").
 * Out of memory is remembered and reported once, by cw_sb_take. */
#ifndef CW_STRBUF_H
#define CW_STRBUF_H
#include <stdlib.h>
#include <string.h>
#include "util/grow.h"

typedef struct cw_sb {
	char *s;
	size_t len, cap;
	int failed;
} cw_sb;

/* Appends n bytes of text. */
static inline void cw_sb_addn(cw_sb *b, const char *text, size_t n)
{
	if (b->failed)
		return;
	if (cw_grow((void **)&b->s, &b->cap, b->len + n + 1, 1) < 0) {
		b->failed = 1;
		return;
	}
	memcpy(b->s + b->len, text, n);
	b->len += n;
	b->s[b->len] = 0;
}

/* Appends text, preceded by sep unless the string is still empty. */
static inline void cw_sb_add(cw_sb *b, const char *sep, const char *text)
{
	if (b->len)
		cw_sb_addn(b, sep, strlen(sep));
	cw_sb_addn(b, text, strlen(text));
}

/* The text (caller frees; "" when nothing was added), or NULL when out of memory. */
static inline char *cw_sb_take(cw_sb *b)
{
	char *s = b->s;
	int failed = b->failed;
	memset(b, 0, sizeof *b);
	if (failed) {
		free(s);
		return NULL;
	}
	return s ? s : strdup("");
}

#endif
