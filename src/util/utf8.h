/* utf8.h: validating one UTF-8 sequence (shared by the parsers and the writers that escape bytes). */
#ifndef CW_UTF8_H
#define CW_UTF8_H
#include <stddef.h>

/* Length (2-4) of the valid multi-byte UTF-8 sequence at u, whose lead byte is
 * >= 0x80, with e the end of the data; 0 when it is not valid (overlong forms,
 * surrogates, code points past U+10FFFF and cut sequences are not). */
static inline size_t cw_utf8_seq(const unsigned char *u, const unsigned char *e)
{
	unsigned c = u[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F; /* nothing past U+10FFFF */
	} else {
		return 0;
	}
	if ((size_t)(e - u) < n || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((u[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

#endif
