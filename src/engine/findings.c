/* findings.c: the findings list: cw_emit() for detectors, cw_findings_get() for everything downstream. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "engine/findings_impl.h"
#include "util/grow.h"

static const char *const severity_names[CW_SEVERITY_COUNT] = { "violation", "suspicious", "notice" };
static const char *const class_names[CW_CLASS_COUNT - CW_CAT_COUNT] = {
	"admission", "stay", "prescription", "cost", "exam_use"
};

const char *cw_severity_name(int s) { return s >= 0 && s < CW_SEVERITY_COUNT ? severity_names[s] : "?"; }

const char *cw_class_name(int c)
{
	if (c >= 0 && c < CW_CAT_COUNT)
		return cw_category_name(c);
	if (c >= CW_CAT_COUNT && c < CW_CLASS_COUNT)
		return class_names[c - CW_CAT_COUNT];
	return "?";
}

int cw_class_parse(const char *s)
{
	for (int c = 0; c < CW_CLASS_COUNT; c++)
		if (!strcmp(cw_class_name(c), s))
			return c;
	return -1;
}

cw_finding cw_finding_init(void)
{
	cw_finding f;
	memset(&f, 0, sizeof f);
	f.physician = f.patient = f.visit = f.item = CW_NONE;
	f.cls = CW_CAT_OTHER;
	f.severity = CW_SUSPICIOUS;
	f.score = 1.0;
	f.when = CW_MINUTE_NONE;
	f.value = f.expected = f.limit = NAN;
	f.dept = CW_NONE;
	return f;
}

int cw_findings_new(cw_findings **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

void cw_findings_free(cw_findings *l)
{
	if (!l)
		return;
	free(l->items);
	free(l->lines);
	free(l->text);
	free(l);
}

size_t cw_findings_count(const cw_findings *l) { return l->n; }

/* Appends text (made one line: control characters become spaces). */
static size_t add_text(cw_findings *l, const char *s, size_t n)
{
	if (cw_grow((void **)&l->text, &l->text_cap, l->text_len + n + 1, 1) < 0)
		return SIZE_MAX;
	size_t at = l->text_len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		l->text[at + i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	l->text[at + n] = 0;
	l->text_len += n + 1;
	return at;
}

static size_t add_opt(cw_findings *l, const char *s, int *failed)
{
	if (!s)
		return SIZE_MAX;
	size_t at = add_text(l, s, strlen(s));
	if (at == SIZE_MAX)
		*failed = 1;
	return at;
}

static int push(cw_findings *l, const cw_finding *f, const char *reason, size_t reason_len, const char *reason_zh)
{
	int failed = 0;
	if (cw_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) < 0 ||
	    cw_grow((void **)&l->lines, &l->lines_cap, l->nlines + f->nlines, sizeof *l->lines) < 0)
		return CW_ENOMEM;
	cw_stored *s = &l->items[l->n];
	memset(s, 0, sizeof *s);
	s->f = *f;
	s->lines_at = l->nlines;
	if (f->nlines)
		memcpy(l->lines + l->nlines, f->lines, f->nlines * sizeof *l->lines);
	l->nlines += f->nlines;
	s->reason_at = add_text(l, reason, reason_len);
	s->reason_zh_at = add_opt(l, reason_zh, &failed);
	s->tag_at = add_opt(l, f->tag, &failed);
	s->metric_at = add_opt(l, f->metric, &failed);
	if (s->reason_at == SIZE_MAX || failed)
		return CW_ENOMEM;
	s->f.lines = NULL;
	s->f.tag = s->f.metric = NULL;
	s->detector = NULL;
	s->dimension = -1;
	s->inst = s->dept = CW_NONE;
	s->fund = 0;
	s->fund_estimated = 1;
	l->n++;
	return 0;
}

#define REASON_MAX 1024 /* bytes of a reason, with its NUL: longer ones are cut */

/* Formats a reason into buf (REASON_MAX bytes); returns its length. */
static size_t format_reason(char *buf, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, REASON_MAX, fmt, ap);
	if (n < 0)
		return buf[0] = 0, 0;
	if ((size_t)n < REASON_MAX)
		return (size_t)n;
	/* cut: drop a UTF-8 character the cut left incomplete */
	size_t len = REASON_MAX - 1, start = len;
	while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0) {
		unsigned char lead = (unsigned char)buf[start - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (start - 1 + need > len)
			len = start - 1;
	}
	buf[len] = 0;
	return len;
}

int cw_emit(cw_findings *out, const cw_finding *f, const char *fmt, ...)
{
	char buf[REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	size_t n = format_reason(buf, fmt, ap);
	va_end(ap);
	return push(out, f, buf, n, NULL);
}

int cw_emit_i18n(cw_findings *out, const cw_finding *f, const char *fmt_en, const char *fmt_zh, ...)
{
	char en[REASON_MAX], zh[REASON_MAX];
	va_list ap, again;
	va_start(ap, fmt_zh);
	va_copy(again, ap);
	size_t n = format_reason(en, fmt_en, ap);
	format_reason(zh, fmt_zh, again);
	va_end(again);
	va_end(ap);
	return push(out, f, en, n, zh);
}

const char *cw_findings_text(const cw_findings *l, size_t at)
{
	return at == SIZE_MAX ? NULL : l->text + at;
}

void cw_findings_get(cw_record *r, const cw_findings *l, size_t i)
{
	const cw_stored *s = &l->items[i];
	r->f = s->f;
	r->f.lines = s->f.nlines ? l->lines + s->lines_at : NULL; /* none held yet: l->lines is NULL */
	r->f.tag = cw_findings_text(l, s->tag_at);
	r->f.metric = cw_findings_text(l, s->metric_at);
	r->detector = s->detector;
	r->dimension = s->dimension;
	r->inst = s->inst;
	r->dept = s->dept;
	r->fund = s->fund;
	r->fund_estimated = s->fund_estimated;
	r->reason = cw_findings_text(l, s->reason_at);
	r->reason_zh = cw_findings_text(l, s->reason_zh_at);
	memcpy(r->id, s->id, sizeof r->id);
}

const char *cw_record_reason(const cw_record *r, const char *lang)
{
	int en = lang && !strcmp(lang, "en");
	return !en && r->reason_zh ? r->reason_zh : r->reason ? r->reason : "";
}

int cw_findings_copy(cw_findings *dst, const cw_findings *src, size_t i)
{
	cw_record r;
	cw_findings_get(&r, src, i);
	const char *reason = r.reason ? r.reason : "";
	int rc = push(dst, &r.f, reason, strlen(reason), r.reason_zh);
	if (rc < 0)
		return rc;
	cw_stored *s = &dst->items[dst->n - 1];
	s->detector = r.detector;
	s->dimension = r.dimension;
	s->inst = r.inst;
	s->dept = r.dept;
	s->fund = r.fund;
	s->fund_estimated = r.fund_estimated;
	memcpy(s->id, r.id, sizeof s->id);
	return 0;
}

cw_stored *cw_findings_last(cw_findings *l) { return l->n ? &l->items[l->n - 1] : NULL; }

int cw_findings_add_placed(cw_findings *l, const cw_finding *f, const char *reason_en, const char *reason_zh,
                           const cw_placed *at)
{
	int rc = push(l, f, reason_en, strlen(reason_en), reason_zh);
	if (rc < 0)
		return cw_error_set(rc, "out of memory");
	cw_stored *s = &l->items[l->n - 1];
	s->detector = at->detector;
	s->dimension = at->dimension;
	s->inst = at->inst;
	s->dept = at->dept;
	s->fund = 0;
	s->fund_estimated = 0;
	snprintf(s->id, sizeof s->id, "%s", at->id);
	return 0;
}
