/* report_html.c: escaping, number formats and the page template of the report (see report.h). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
		if (*u >= 0x20 && *u < 0x7f && *u != '&' && *u != '<' && *u != '>' && *u != '"' && *u != '\'') {
			u++; /* plain printable ASCII, most of the text: no class to look up */
			continue;
		}
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

/* The digits of v with a comma every three, written backwards from end (exclusive); returns the start. */
static char *grouped(char *end, uint64_t v)
{
	int n = 0;
	do {
		if (n && n % 3 == 0)
			*--end = ',';
		*--end = (char)('0' + v % 10);
		v /= 10;
		n++;
	} while (v);
	return end;
}

/* [-]grouped(whole).frac, frac with `decimals` digits (0..2), into buf; no printf on the hot path. */
static char *fixed(char buf[CW_NUM_SIZE], int negative, uint64_t whole, unsigned frac, int decimals)
{
	char tmp[CW_NUM_SIZE], *end = tmp + sizeof tmp, *s = end;
	for (int i = 0; i < decimals; i++, frac /= 10)
		*--s = (char)('0' + frac % 10);
	if (decimals)
		*--s = '.';
	s = grouped(s, whole);
	if (negative)
		*--s = '-';
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = 0;
	return buf;
}

char *cw_fmt_money(char buf[CW_NUM_SIZE], cw_fen v)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* the same digits as cw_format_money */
	return fixed(buf, v < 0, a / 100, (unsigned)(a % 100), 2);
}

char *cw_fmt_score(char buf[CW_NUM_SIZE], int32_t h)
{
	uint32_t a = h < 0 ? 0 - (uint32_t)h : (uint32_t)h;
	char tmp[CW_NUM_SIZE], *end = tmp + sizeof tmp, *s = end;
	*--s = (char)('0' + a % 10);
	*--s = (char)('0' + a / 10 % 10);
	*--s = '.';
	a /= 100;
	do {
		*--s = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	if (h < 0)
		*--s = '-';
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = 0;
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
	return fixed(buf, 0, v, 0, 0);
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
	(void)jslen;
	/* the CSS and the script are files of the report folder (cw_html_kit_write_assets): 'self' and nothing else */
	snprintf(kit->csp, sizeof kit->csp,
	         "default-src 'none'; style-src 'self'; img-src data:; script-src 'self'; "
	         "base-uri 'none'; form-action 'none'");
	snprintf(kit->csp_noscript, sizeof kit->csp_noscript,
	         "default-src 'none'; style-src 'self'; img-src data:; script-src 'none'; "
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
		else if (IS("rel"))
			fputs(p->rel, p->f);
		else if (IS("script") && p->script)
			fprintf(p->f, "<script src=\"%sreport.js\"></script>", p->rel);
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

/* One asset (text) into dir/name, whole or not at all. */
static int write_asset(const cw_html_kit *kit, const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int rc = cw_outfile_create(&f, kit->output, path, 64 << 10);
	if (rc < 0)
		return rc;
	fputs(text, f);
	return cw_outfile_finish_direct(f, path);
}

int cw_html_kit_write_assets(const cw_html_kit *kit, const char *dir)
{
	int rc = write_asset(kit, dir, "report.css", kit->css);
	return rc < 0 ? rc : write_asset(kit, dir, "report.js", kit->js);
}

/* Pages are created one at a time. The physician pages are written on several threads (report_threads.c)
 * into one folder, whose lock in the kernel a creation holds (ext4 looks for a free inode under it); a thread
 * waiting for that lock spins on its core (7 to 8% of the CPU samples of the 10M-line month's physician
 * pages on two threads, rwsem_spin_on_owner), one waiting here sleeps. */
static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

int cw_page_begin(cw_page *p, const cw_html_kit *kit, const char *path, const char *title, const char *rel, int active,
                  int script)
{
	memset(p, 0, sizeof *p);
	p->kit = kit;
	p->script = script;
	p->rel = rel ? rel : "";
	snprintf(p->path, sizeof p->path, "%s", path);
	/* the report's folder is written aside with the whole month and put in place at once: each page is
	 * created under its own name, with a buffer the size of a typical page */
	pthread_mutex_lock(&create_lock);
	int rc = cw_outfile_create(&p->f, kit->output, path, 64 << 10);
	pthread_mutex_unlock(&create_lock);
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
	int rc = cw_outfile_finish_direct(p->f, p->path); /* no fsync for each of thousands of pages */
	p->f = NULL;
	if (rc == 0 && bytes)
		*bytes = size > 0 ? (uint64_t)size : 0;
	return rc;
}

void cw_page_abort(cw_page *p)
{
	if (p->f) {
		fclose(p->f);
		unlink(p->path); /* no half page left behind */
	}
	p->f = NULL;
}
