/*
 * linebuf.h: a growable list of claim line rows, the evidence of a finding.
 * Header only; not a detector. A scan() keeps one for all its findings and
 * empties it (n = 0) before each, so the memory is allocated a few times per
 * scan, never per line.
 */
#ifndef CW_DETECTORS_LINEBUF_H
#define CW_DETECTORS_LINEBUF_H

#include <stdint.h>
#include <stdlib.h>
#include "claimwatch/error.h"

typedef struct linebuf {
	uint32_t *v;
	size_t n, cap;
} linebuf;

static inline int linebuf_push(linebuf *b, uint32_t line)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint32_t *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return cw_error_set(CW_ENOMEM, "out of memory collecting evidence lines");
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = line;
	return 0;
}

static inline void linebuf_free(linebuf *b)
{
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

#endif
