/* textwidth.c: display width of UTF-8 text, cutting and padding it (see textwidth.h). */
#include <string.h>
#include "util/safetext.h"
#include "util/textwidth.h"
#include "util/utf8.h"

int cw_codepoint_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
		{ 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 },
		{ 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F }, { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
	};
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 1; /* printed as '?' */
	if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F))
		return 0;
	for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Steps over one character: its byte length, its columns, and whether it is printable as is (unsafe
 * characters, safetext.h, tab and line breaks included, are printed as '?', one column). */
static size_t step(const unsigned char *u, const unsigned char *e, int *cols, int *ok)
{
	size_t n;
	uint32_t cp;
	*ok = cw_char_class(u, e, &n, &cp) == CW_CHAR_OK;
	*cols = *ok ? cw_codepoint_width(cp) : 1;
	return n;
}

size_t cw_text_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + strlen(s);
	size_t w = 0;
	int cols, ok;
	while (u < e) {
		u += step(u, e, &cols, &ok);
		w += (size_t)cols;
	}
	return w;
}

char *cw_text_fit(char *buf, size_t size, const char *s, size_t cols)
{
	static const char ellipsis[] = "\xE2\x80\xA6";
	const unsigned char *u = (const unsigned char *)s, *e = u + strlen(s);
	if (!size)
		return buf;
	if (cw_text_width(s) <= cols && strlen(s) < size) {
		memcpy(buf, s, strlen(s) + 1);
		return buf;
	}
	size_t w = 0, n = 0;
	int c, ok;
	while (u < e) {
		size_t k = step(u, e, &c, &ok);
		if (w + (size_t)c + 1 > cols || n + k + sizeof ellipsis > size)
			break;
		memcpy(buf + n, u, k);
		n += k;
		w += (size_t)c;
		u += k;
	}
	memcpy(buf + n, ellipsis, sizeof ellipsis);
	return buf;
}

static size_t print_safe(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + strlen(s);
	size_t w = 0;
	int cols, ok;
	while (u < e) {
		size_t k = step(u, e, &cols, &ok);
		if (ok)
			fwrite(u, 1, k, f);
		else
			fputc('?', f);
		w += (size_t)cols;
		u += k;
	}
	return w;
}

void cw_text_safe(FILE *f, const char *s)
{
	print_safe(f, s);
}

void cw_text_pad(FILE *f, const char *s, size_t cols, int right)
{
	size_t w = cw_text_width(s);
	if (right)
		for (size_t i = w; i < cols; i++)
			fputc(' ', f);
	print_safe(f, s);
	if (!right)
		for (size_t i = w; i < cols; i++)
			fputc(' ', f);
}
