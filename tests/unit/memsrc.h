/* memsrc.h: for the CSV reader's tests (test_csv.c, test_csv_scan.c): a reader over memory that hands
 * out at most `chunk` bytes a call and can fail once it reaches a position, and a growing string the
 * tests dump records into. Include after testutil.h (cmocka). */
#ifndef CW_TEST_MEMSRC_H
#define CW_TEST_MEMSRC_H
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct memsrc {
	const char *data;
	size_t len, pos, chunk; /* chunk 0: as much as asked */
	int fail_at;            /* fail once pos reaches this (0: never) */
} memsrc;

static inline long mem_read(void *ctx, char *buf, size_t n)
{
	memsrc *m = ctx;
	if (m->fail_at && m->pos >= (size_t)m->fail_at) {
		errno = EIO;
		return -1;
	}
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	if (m->chunk && k > m->chunk)
		k = m->chunk;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (long)k;
}

/* Appends n bytes of s to the growing, NUL-terminated string *out of *len bytes. */
static inline void put(char **out, size_t *len, const char *s, size_t n)
{
	*out = realloc(*out, *len + n + 1);
	assert_non_null(*out);
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = 0;
}
#endif
