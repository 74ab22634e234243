/* grow.c: growing arrays (see grow.h). */
#include <stdint.h>
#include <stdlib.h>
#include "claimwatch/error.h"
#include "util/grow.h"

size_t cw_grown(size_t cap, size_t need, size_t first)
{
	if (need <= cap)
		return cap;
	size_t c = cap ? cap : first ? first : 1;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : 2 * c;
	return c;
}

int cw_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = cw_grown(*cap, need, 64);
	void *q = size && c <= SIZE_MAX / size ? realloc(*p, c * size) : NULL;
	if (!q)
		return cw_error_set(CW_ENOMEM, "out of memory");
	*p = q;
	*cap = c;
	return 0;
}
