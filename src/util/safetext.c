/* safetext.c: unsafe characters found and shown per output, and the CSV formula rule (see safetext.h). */
#include <stdarg.h>
#include <string.h>
#include "util/safetext.h"
#include "util/utf8.h"

/* The code point of the valid n-byte sequence at u. */
static uint32_t decode(const unsigned char *u, size_t n)
{
	uint32_t cp = u[0] & (0xFF >> (n + 1));
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (u[i] & 0x3F);
	return cp;
}

/* A code point of U+0080 or above that must not go out as it is. */
static int unsafe_codepoint(uint32_t cp)
{
	return cp < 0xA0 || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int cw_char_class(const unsigned char *u, const unsigned char *e, size_t *n, uint32_t *cp)
{
	*n = 1;
	*cp = *u;
	if (*u < 0x80) {
		if (*u == '\t' || *u == '\n' || *u == '\r')
			return CW_CHAR_SPACE;
		return *u < 0x20 || *u == 0x7F ? CW_CHAR_UNSAFE : CW_CHAR_OK;
	}
	size_t k = cw_utf8_seq(u, e);
	if (!k)
		return CW_CHAR_UNSAFE;
	*n = k;
	*cp = decode(u, k);
	return unsafe_codepoint(*cp) ? CW_CHAR_UNSAFE : CW_CHAR_OK;
}

/* One unsafe character (n bytes at u, code point cp) in the style. */
static void show(int style, const unsigned char *u, size_t n, uint32_t cp, cw_safe_out out, void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	char buf[16];
	switch (style) {
	case CW_SAFE_QUESTION:
		out(ctx, "?", 1);
		break;
	case CW_SAFE_HEX:
		for (size_t i = 0; i < n; i++) {
			char esc[4] = { '\\', 'x', hex[u[i] >> 4], hex[u[i] & 15] };
			out(ctx, esc, 4);
		}
		break;
	case CW_SAFE_JSON:
		if (n == 1 && cp >= 0x80)
			cp = 0xFFFD; /* a byte that is not UTF-8 */
		snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp);
		out(ctx, buf, 6);
		break;
	default:
		out(ctx, "\xEF\xBF\xBD", 3);
	}
}

size_t cw_safe_text(const char *s, size_t len, int style, int keep_space, cw_safe_out out, void *ctx)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len, *run = u;
	size_t replaced = 0;
	while (u < e) {
		if (*u >= 0x20 && *u < 0x7F) { /* printable ASCII: the common case */
			u++;
			continue;
		}
		size_t n;
		uint32_t cp;
		int c = cw_char_class(u, e, &n, &cp);
		if (c == CW_CHAR_OK || (c == CW_CHAR_SPACE && keep_space)) {
			u += n;
			continue;
		}
		if (u > run)
			out(ctx, (const char *)run, (size_t)(u - run));
		show(style, u, n, cp, out, ctx);
		replaced++;
		u += n;
		run = u;
	}
	if (u > run)
		out(ctx, (const char *)run, (size_t)(u - run));
	return replaced;
}

static void to_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, (FILE *)ctx);
}

size_t cw_safe_fputs(FILE *f, const char *s, int style, int keep_space)
{
	return s ? cw_safe_text(s, strlen(s), style, keep_space, to_file, f) : 0;
}

typedef struct sink {
	char *dst;
	size_t size, len;
	int full;
} sink;

/* Appends what fits, never cutting a UTF-8 character. */
static void to_buffer(void *ctx, const char *s, size_t n)
{
	sink *k = ctx;
	size_t room = k->size - 1 - k->len;
	if (k->full)
		return;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		k->full = 1;
	}
	memcpy(k->dst + k->len, s, n);
	k->len += n;
}

char *cw_safe_copy(char *dst, size_t size, const char *s, int style, int keep_space)
{
	sink k = { dst, size, 0, 0 };
	if (!size)
		return dst;
	if (s)
		cw_safe_text(s, strlen(s), style, keep_space, to_buffer, &k);
	dst[k.len] = 0;
	return dst;
}

void cw_safe_fprintf(FILE *f, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = strlen(text), body = len;
	while (body > 0 && text[body - 1] == '\n')
		body--;
	cw_safe_text(text, body, CW_SAFE_HEX, 0, to_file, f);
	fwrite(text + body, 1, len - body, f);
}

void cw_safe_lines(FILE *f, const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		cw_safe_text(text, n, CW_SAFE_HEX, 0, to_file, f);
		fputc('\n', f);
		text += n + (text[n] == '\n');
	}
}

/* --- spreadsheet formulas -------------------------------------------------------------------------- */

/* A plain decimal number ("-5.00", "12", "+0.25"): a spreadsheet reads it as a number, not a formula. */
static int is_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits && i == len;
}

int cw_csv_formula_like(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] == '\'')
		i++;
	return i < len && memchr("=+-@\t\r", s[i], 6) && !is_number(s + i, len - i);
}

size_t cw_csv_unneutral(const char *s, size_t len)
{
	return len > 1 && s[0] == '\'' && cw_csv_formula_like(s + 1, len - 1) ? 1 : 0;
}
