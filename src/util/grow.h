/* grow.h: growing arrays, one rule for the whole engine: the capacity doubles, from a first capacity,
 * until it holds what is needed. claimwatch/scan.h declares cw_grow for detectors, which call this one. */
#ifndef CW_UTIL_GROW_H
#define CW_UTIL_GROW_H
#include <stddef.h>
#include "claimwatch/common.h"

/* The capacity that holds need elements: cap when it does, else cap (first when cap is 0) doubled
 * until it does; need itself where doubling would overflow. */
size_t cw_grown(size_t cap, size_t need, size_t first);
/* Makes room for need elements of size bytes in *p (capacity *cap, doubled from 64): *p and *cap are
 * replaced by the larger array, whose new elements are not initialised. Returns 0, or CW_ENOMEM with
 * the message "out of memory", *p and *cap left as they were. */
CW_EXTERN(int) cw_grow(void **p, size_t *cap, size_t need, size_t size); /* exported: scan.h */

#endif
