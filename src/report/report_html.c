/* report_html.c: escaping, number formats and the page template of the report (see report.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "io/outguard.h"
#include "report/report.h"
#include "util/safetext.h"
#include "util/resource.h"
#include "util/utf8.h"

#ifndef CW_VERSION
#define CW_VERSION "dev"
#endif

/* --- escaping ---------------------------------------------------------------- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The entity for an ASCII byte, or NULL when it passes as is. */
static const char *entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* Calls out(ctx, bytes, n) for the escaped text, in runs: markup characters as entities, unsafe
 * characters (safetext.h; tab and line breaks stay) as U+FFFD. */
static void escape(const char *s, size_t len, void (*out)(void *, const char *, size_t), void *ctx)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + len, *run = u;
	while (u < e) {
		size_t n;
		uint32_t cp;
		int c = cw_char_class(u, e, &n, &cp);
		const char *ent = c == CW_CHAR_UNSAFE ? replacement : entity(*u);
		if (!ent) {
			u += n;
			continue;
		}
		out(ctx, (const char *)run, (size_t)(u - run));
		out(ctx, ent, strlen(ent));
		u += n;
		run = u;
	}
	out(ctx, (const char *)run, (size_t)(u - run));
}

static void to_file(void *ctx, const char *s, size_t n)
{
	if (n)
		fwrite(s, 1, n, (FILE *)ctx);
}

void cw_html_textn(FILE *f, const char *s, size_t len)
{
	if (s)
		escape(s, len, to_file, f);
}

void cw_html_text(FILE *f, const char *s)
{
	if (s)
		escape(s, strlen(s), to_file, f);
}

typedef struct sink {
	char *dst;
	size_t size, len;
} sink;

static void to_buffer(void *ctx, const char *s, size_t n)
{
	sink *k = ctx;
	if (k->size && k->len < k->size - 1) {
		size_t room = k->size - 1 - k->len;
		memcpy(k->dst + k->len, s, n < room ? n : room);
	}
	k->len += n;
}

size_t cw_html_escape(char *dst, size_t size, const char *s)
{
	sink k = { dst, size, 0 };
	escape(s ? s : "", s ? strlen(s) : 0, to_buffer, &k);
	if (size)
		dst[k.len < size ? k.len : size - 1] = 0;
	return k.len;
}

/* --- numbers ------------------------------------------------------------------ */

/* Inserts thousands separators into the integer part of a plain decimal in buf. */
static char *group_digits(char *buf)
{
	char tmp[CW_NUM_SIZE];
	const char *s = buf;
	size_t n = 0;
	if (*s == '-')
		tmp[n++] = *s++;
	size_t digits = strspn(s, "0123456789");
	for (size_t i = 0; i < digits && n < sizeof tmp - 2; i++) {
		if (i && (digits - i) % 3 == 0)
			tmp[n++] = ',';
		tmp[n++] = s[i];
	}
	snprintf(tmp + n, sizeof tmp - n, "%s", s + digits);
	memcpy(buf, tmp, strlen(tmp) + 1);
	return buf;
}

char *cw_fmt_money(char buf[CW_NUM_SIZE], cw_fen v)
{
	char plain[CW_FMT_SIZE];
	snprintf(buf, CW_NUM_SIZE, "%s", cw_format_money(plain, v));
	return group_digits(buf);
}

char *cw_fmt_score(char buf[CW_NUM_SIZE], int32_t h)
{
	snprintf(buf, CW_NUM_SIZE, "%s%d.%02d", h < 0 ? "-" : "", abs(h) / 100, abs(h) % 100);
	return buf;
}

char *cw_fmt_pct(char buf[CW_NUM_SIZE], double share, int decimals)
{
	if (!isfinite(share))
		buf[0] = 0;
	else
		snprintf(buf, CW_NUM_SIZE, "%.*f%%", decimals, 100.0 * share);
	return buf;
}

char *cw_fmt_count(char buf[CW_NUM_SIZE], uint64_t v)
{
	snprintf(buf, CW_NUM_SIZE, "%llu", (unsigned long long)v);
	return group_digits(buf);
}

char *cw_fmt_num(char buf[CW_NUM_SIZE], double v, int decimals)
{
	if (!isfinite(v) || fabs(v) > 1e15) {
		buf[0] = 0;
		return buf;
	}
	snprintf(buf, CW_NUM_SIZE, "%.*f", decimals, v);
	if (!strcmp(buf, "-0") || (v < 0 && strspn(buf, "-0.") == strlen(buf)))
		memmove(buf, buf + 1, strlen(buf)); /* no "-0.00" */
	return group_digits(buf);
}

/* --- SHA-256 (FIPS 180-4) and base64 ------------------------------------------- */

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, h, sizeof a);
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = a[7] + (ROR(a[4], 6) ^ ROR(a[4], 11) ^ ROR(a[4], 25)) + ((a[4] & a[5]) ^ (~a[4] & a[6])) +
		              K[i] + w[i];
		uint32_t t2 = (ROR(a[0], 2) ^ ROR(a[0], 13) ^ ROR(a[0], 22)) + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
		memmove(a + 1, a, 7 * sizeof *a);
		a[4] += t1;
		a[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += a[i];
}

void cw_sha256(uint8_t out[32], const void *data, size_t len)
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const uint8_t *p = data;
	size_t i = 0;
	for (; i + 64 <= len; i += 64)
		sha_block(h, p + i);
	uint8_t tail[128] = { 0 };
	size_t rest = len - i, n = rest < 56 ? 64 : 128;
	memcpy(tail, p + i, rest);
	tail[rest] = 0x80;
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		tail[n - 1 - k] = (uint8_t)(bits >> (8 * k));
	sha_block(h, tail);
	if (n == 128)
		sha_block(h, tail + 64);
	for (int k = 0; k < 8; k++)
		for (int b = 0; b < 4; b++)
			out[4 * k + b] = (uint8_t)(h[k] >> (24 - 8 * b));
}

char *cw_base64(char *dst, const uint8_t *d, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < len ? d[i + 2] : 0);
		dst[n++] = a[v >> 18 & 63];
		dst[n++] = a[v >> 12 & 63];
		dst[n++] = i + 1 < len ? a[v >> 6 & 63] : '=';
		dst[n++] = i + 2 < len ? a[v & 63] : '=';
	}
	dst[n] = 0;
	return dst;
}

/* --- the page template ---------------------------------------------------------- */

int cw_html_kit_init(cw_html_kit *kit, cw_output *output, int lang, const char *month)
{
	memset(kit, 0, sizeof *kit);
	kit->output = output;
	kit->lang = lang;
	snprintf(kit->month, sizeof kit->month, "%s", month);
	size_t jslen;
	kit->tpl = cw_resource_get("reports/page.html", NULL);
	kit->css = cw_resource_get("reports/report.css", NULL);
	kit->js = cw_resource_get("reports/report.js", &jslen);
	if (!kit->tpl || !kit->css || !kit->js || !strstr(kit->tpl, "{{body}}"))
		return cw_error_set(CW_ENOTFOUND, "the report templates (reports/page.html, report.css, report.js) are "
		                    "missing from this build");
	uint8_t hash[32];
	char b64[48];
	cw_sha256(hash, kit->js, jslen);
	snprintf(kit->csp, sizeof kit->csp,
	         "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-%s'; "
	         "base-uri 'none'; form-action 'none'", cw_base64(b64, hash, 32));
	snprintf(kit->csp_noscript, sizeof kit->csp_noscript,
	         "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; "
	         "base-uri 'none'; form-action 'none'");
	return 0;
}

static void nav(const cw_page *p, int active)
{
	static const struct { const char *file; int label; } items[CW_NAV_COUNT] = {
		{ "index.html", L_SUMMARY }, { "ranking.html", L_RANKING }, { "charts.html", L_CHARTS },
		{ "indicators.html", L_INDICATORS }, { "institutions.html", L_INSTITUTIONS_PAGE },
		{ "departments.html", L_DEPARTMENTS_PAGE }, { "budget.html", L_BUDGET }
	};
	fputs("<nav>", p->f);
	for (int i = 0; i < CW_NAV_COUNT; i++) {
		fprintf(p->f, "<a href=\"%s%s\"%s>", p->rel, items[i].file, i == active ? " class=\"on\"" : "");
		cw_html_text(p->f, cw_label(p->kit->lang, items[i].label));
		fputs("</a>", p->f);
	}
	fputs("</nav>", p->f);
}

/* Writes the template from s to end, filling the {{placeholders}}. */
static void fill(cw_page *p, const char *s, const char *end, const char *title, int active)
{
	const cw_html_kit *k = p->kit;
	while (s < end) {
		const char *open = strstr(s, "{{");
		if (!open || open >= end) {
			fwrite(s, 1, (size_t)(end - s), p->f);
			return;
		}
		fwrite(s, 1, (size_t)(open - s), p->f);
		const char *close = strstr(open, "}}");
		if (!close || close >= end) {
			fwrite(open, 1, (size_t)(end - open), p->f);
			return;
		}
		size_t n = (size_t)(close - open - 2);
		const char *name = open + 2;
#define IS(word) (n == strlen(word) && !memcmp(name, word, n))
		if (IS("lang"))
			fputs(cw_lang_code(k->lang), p->f);
		else if (IS("csp"))
			fputs(p->script ? k->csp : k->csp_noscript, p->f);
		else if (IS("title"))
			cw_html_text(p->f, title);
		else if (IS("css"))
			fputs(k->css, p->f);
		else if (IS("script") && p->script)
			fprintf(p->f, "<script>%s</script>", k->js);
		else if (IS("month"))
			cw_html_text(p->f, k->month);
		else if (IS("nav"))
			nav(p, active);
		else if (IS("home"))
			fprintf(p->f, "%sindex.html", p->rel);
		else if (IS("footer")) {
			cw_html_text(p->f, cw_label(k->lang, L_GENERATED));
			fprintf(p->f, " %s &middot; ", CW_VERSION);
			cw_html_text(p->f, k->month);
		}
#undef IS
		s = close + 2;
	}
}

int cw_page_begin(cw_page *p, const cw_html_kit *kit, const char *path, const char *title, const char *rel, int active,
                  int script)
{
	memset(p, 0, sizeof *p);
	p->kit = kit;
	p->script = script;
	p->rel = rel ? rel : "";
	snprintf(p->path, sizeof p->path, "%s", path);
	int rc = cw_outfile_open(&p->f, kit->output, path);
	if (rc < 0)
		return rc;
	fill(p, kit->tpl, strstr(kit->tpl, "{{body}}"), title, active);
	return 0;
}

int cw_page_end(cw_page *p, uint64_t *bytes)
{
	const char *body = strstr(p->kit->tpl, "{{body}}") + 8;
	fill(p, body, body + strlen(body), NULL, CW_NAV_NONE);
	long size = ftell(p->f);
	int rc = cw_outfile_finish(p->f, p->path, 0); /* no fsync for each of thousands of pages */
	p->f = NULL;
	if (rc == 0 && bytes)
		*bytes = size > 0 ? (uint64_t)size : 0;
	return rc;
}

void cw_page_abort(cw_page *p)
{
	if (p->f)
		cw_outfile_abort(p->f, p->path);
	p->f = NULL;
}
