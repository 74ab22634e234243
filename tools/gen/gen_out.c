/* gen_out.c: buffered CSV output for the generator: big buffers, RFC 4180
 * quoting where a field needs it, and the contract's text forms (money, qty,
 * times) through cw_format_*. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "gen.h"

#define GEN_OUT_BUF (4u << 20)

int gen_out_open(gen_out *o, const char *dir, const char *name, const char *header)
{
	memset(o, 0, sizeof *o);
	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	o->f = fopen(o->path, "wb");
	if (!o->f)
		return cw_error_set(CW_EIO, "%s: cannot create: %s", o->path, strerror(errno));
	o->cap = GEN_OUT_BUF;
	o->buf = malloc(o->cap);
	if (!o->buf) {
		fclose(o->f);
		o->f = NULL;
		return cw_error_set(CW_ENOMEM, "%s: out of memory", o->path);
	}
	gen_put(o, header);
	gen_put_char(o, '\n');
	return 0;
}

void gen_out_flush(gen_out *o)
{
	if (o->len && o->f && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = errno ? errno : EIO;
	o->len = 0;
}

int gen_out_close(gen_out *o)
{
	int rc = 0;
	if (o->f) {
		gen_out_flush(o);
		if (fclose(o->f) != 0 && !o->failed)
			o->failed = errno ? errno : EIO;
		if (o->failed)
			rc = cw_error_set(CW_EIO, "%s: write failed: %s", o->path, strerror(o->failed));
	}
	free(o->buf);
	o->buf = NULL;
	o->f = NULL;
	return rc;
}

void gen_put(gen_out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len + n > o->cap)
		gen_out_flush(o);
	if (n > o->cap) { /* never for this generator's fields */
		if (o->f && fwrite(s, 1, n, o->f) != n)
			o->failed = EIO;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void gen_put_char(gen_out *o, char c)
{
	if (o->len + 1 > o->cap)
		gen_out_flush(o);
	o->buf[o->len++] = c;
}

static int needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

char *gen_csv_escape(const char *s)
{
	size_t n = strlen(s), q = 0;
	for (const char *p = s; *p; p++)
		q += *p == '"';
	char *out = malloc(n + q + 3);
	if (!out)
		return NULL;
	if (!needs_quotes(s)) {
		memcpy(out, s, n + 1);
		return out;
	}
	char *w = out;
	*w++ = '"';
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			*w++ = '"';
		*w++ = *p;
	}
	*w++ = '"';
	*w = 0;
	return out;
}

void gen_put_csv(gen_out *o, const char *s)
{
	if (!needs_quotes(s)) {
		gen_put(o, s);
		return;
	}
	gen_put_char(o, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			gen_put_char(o, '"');
		gen_put_char(o, *p);
	}
	gen_put_char(o, '"');
}

void gen_put_u64(gen_out *o, const char *prefix, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t plen = strlen(prefix);
	gen_out_reserve(o, plen + 24 + (size_t)(width > 0 ? width : 0));
	memcpy(o->buf + o->len, prefix, plen);
	o->len += plen;
	for (int i = n; i < width; i++)
		o->buf[o->len++] = '0';
	while (n)
		o->buf[o->len++] = tmp[--n];
}

void gen_put_money(gen_out *o, cw_fen v)
{
	char buf[CW_FMT_SIZE];
	gen_put(o, cw_format_money(buf, v));
}

void gen_put_qty(gen_out *o, cw_qty v)
{
	char buf[CW_FMT_SIZE];
	gen_put(o, cw_format_qty(buf, v));
}

void gen_put_date(gen_out *o, cw_day d)
{
	char buf[CW_FMT_SIZE];
	gen_put(o, cw_format_date(buf, d));
}

/* Times: the date part is formatted once per day and cached (lines of one
 * patient come in runs of the same day). */
void gen_put_time(gen_out *o, cw_minute t)
{
	static __thread cw_day cached = CW_DAY_NONE;
	static __thread char date[CW_FMT_SIZE];
	cw_day d = cw_day_of(t);
	if (d != cached) {
		cw_format_date(date, d);
		cached = d;
	}
	int m = t - d * CW_MINUTES_PER_DAY;
	gen_out_reserve(o, 20);
	memcpy(o->buf + o->len, date, 10);
	o->len += 10;
	char *w = o->buf + o->len;
	w[0] = ' ';
	w[1] = (char)('0' + m / 600);
	w[2] = (char)('0' + m / 60 % 10);
	w[3] = ':';
	w[4] = (char)('0' + m % 60 / 10);
	w[5] = (char)('0' + m % 10);
	o->len += 6;
}

char *gen_pat_id(uint64_t n, char *buf)
{
	snprintf(buf, 24, "P%08llu", (unsigned long long)n);
	return buf;
}

char *gen_visit_id(uint64_t n, char *buf)
{
	snprintf(buf, 24, "V%09llu", (unsigned long long)n);
	return buf;
}

char *gen_line_id(uint64_t n, char *buf)
{
	snprintf(buf, 24, "L%llu", (unsigned long long)n);
	return buf;
}
