/* pg_binary.c: PostgreSQL's binary COPY format, both ways (see pg_binary.h).
 *
 * Decoding renders numbers in the contract's text form without sprintf (a fifth of the extraction's
 * client time otherwise); encoding reads the text form the builder already accepted, so it only
 * fails on text that no row of the contract can hold. */
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "pg/pg_binary.h"

/* PostgreSQL's type oids (src/include/catalog/pg_type.dat), stable across versions. */
enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25, OID_BPCHAR = 1042,
       OID_VARCHAR = 1043, OID_DATE = 1082, OID_TIMESTAMP = 1114, OID_NUMERIC = 1700 };

#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000
#define USECS_PER_DAY 86400000000LL

static const char SIGNATURE[11] = "PGCOPY\n\377\r\n";
static const char BAD_VALUE[] = "<bad value>";
static const char NULL_VALUE[] = "<null>";

int cw_pgbin_type_of_oid(unsigned oid)
{
	switch (oid) {
	case OID_TEXT: case OID_BPCHAR: case OID_VARCHAR: return CW_PGBIN_TEXT;
	case OID_INT2: return CW_PGBIN_INT2;
	case OID_INT4: return CW_PGBIN_INT4;
	case OID_INT8: return CW_PGBIN_INT8;
	case OID_NUMERIC: return CW_PGBIN_NUMERIC;
	case OID_DATE: return CW_PGBIN_DATE;
	case OID_TIMESTAMP: return CW_PGBIN_TIMESTAMP;
	case OID_BOOL: return CW_PGBIN_BOOL;
	default: return CW_PGBIN_UNSUPPORTED;
	}
}

#define be32 cw_pgbin_be32
#define be16 cw_pgbin_be16
static int64_t be64(const char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

static char *put16(char *o, uint16_t v)
{
	o[0] = (char)(v >> 8);
	o[1] = (char)v;
	return o + 2;
}
static char *put32(char *o, uint32_t v)
{
	o[0] = (char)(v >> 24);
	o[1] = (char)(v >> 16);
	o[2] = (char)(v >> 8);
	o[3] = (char)v;
	return o + 4;
}
static char *put64(char *o, uint64_t v) { return put32(put32(o, (uint32_t)(v >> 32)), (uint32_t)v); }

static int refuse(const char **why, const char *text)
{
	*why = text;
	return CW_EINVALID;
}

/* --- decoding ------------------------------------------------------------------------------------ */

int cw_pgbin_header(size_t *len, const char **why, const char *p, size_t n)
{
	*len = CW_PGBIN_HEADER_LEN;
	if (n < CW_PGBIN_HEADER_LEN)
		return 1;
	if (memcmp(p, SIGNATURE, sizeof SIGNATURE) != 0)
		return refuse(why, "not binary COPY data");
	uint32_t ext = be32(p + 15);
	if (ext > (1u << 20))
		return refuse(why, "a header extension of more than 1 MiB");
	*len = CW_PGBIN_HEADER_LEN + ext;
	return n < *len;
}

/* A fixed-length field: NULL and another length refused. */
static int fixed(const char **why, const char *p, int32_t len, int32_t want)
{
	if (!p)
		return refuse(why, NULL_VALUE);
	return len == want ? 0 : refuse(why, BAD_VALUE);
}

int cw_pgbin_int4(int32_t *out, const char **why, const char *p, int32_t len)
{
	int rc = fixed(why, p, len, 4);
	if (rc == 0)
		*out = (int32_t)be32(p);
	return rc;
}

int cw_pgbin_int8(int64_t *out, const char **why, const char *p, int32_t len)
{
	int rc = fixed(why, p, len, 8);
	if (rc == 0)
		*out = be64(p);
	return rc;
}

int cw_pgbin_date(int32_t *out, const char **why, const char *p, int32_t len)
{
	int rc = fixed(why, p, len, 4);
	if (rc < 0)
		return rc;
	int32_t d = (int32_t)be32(p);
	if (d == INT32_MAX || d == INT32_MIN)
		return refuse(why, d > 0 ? "infinity" : "-infinity");
	if (d > INT32_MAX / 2 - CW_PG_EPOCH_DAYS || d < INT32_MIN / 2)
		return refuse(why, "<date out of range>");
	*out = d + CW_PG_EPOCH_DAYS;
	return 0;
}

int cw_pgbin_timestamp(int64_t *out, const char **why, const char *p, int32_t len)
{
	int rc = fixed(why, p, len, 8);
	if (rc < 0)
		return rc;
	int64_t us = be64(p);
	if (us == INT64_MAX || us == INT64_MIN)
		return refuse(why, us > 0 ? "infinity" : "-infinity");
	if (us > INT64_MAX / 2 || us < INT64_MIN / 2)
		return refuse(why, "<date out of range>");
	*out = us + (int64_t)CW_PG_EPOCH_DAYS * USECS_PER_DAY;
	return 0;
}

static char *put_uint(char *o, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*o++ = tmp[--n];
	return o;
}

static char *put_fixed(char *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
	return o + width;
}

/* The digit group of weight w (0 outside the given ones). */
static unsigned group(const char *digits, int nd, int weight, int w)
{
	int idx = weight - w;
	return idx >= 0 && idx < nd ? be16(digits + 2 * idx) : 0;
}

int cw_pgbin_numeric_text(char *o, size_t *n, const char **why, const char *p, int32_t len)
{
	if (!p)
		return refuse(why, NULL_VALUE);
	if (len < 8)
		return refuse(why, "<bad numeric>");
	int nd = (int16_t)be16(p), weight = (int16_t)be16(p + 2), dscale = (int16_t)be16(p + 6);
	unsigned sign = be16(p + 4);
	if (sign == NUMERIC_NAN || sign == NUMERIC_PINF || sign == NUMERIC_NINF)
		return refuse(why, sign == NUMERIC_NAN ? "NaN" : sign == NUMERIC_PINF ? "Infinity" : "-Infinity");
	if ((sign != NUMERIC_POS && sign != NUMERIC_NEG) || nd < 0 || len != 8 + 2 * nd)
		return refuse(why, "<bad numeric>");
	if (weight > 8 || dscale < 0 || dscale > 16)
		return refuse(why, "<numeric out of range>");
	const char *digits = p + 8;
	for (int i = 0; i < nd; i++)
		if (be16(digits + 2 * i) > 9999)
			return refuse(why, "<bad numeric>");
	char *q = o;
	if (sign == NUMERIC_NEG)
		*q++ = '-';
	if (weight < 0)
		*q++ = '0';
	for (int w = weight; w >= 0; w--) {
		unsigned d = group(digits, nd, weight, w);
		q = w == weight ? put_uint(q, d) : put_fixed(q, d, 4);
	}
	if (dscale > 0) {
		*q++ = '.';
		for (int w = -1, left = dscale; left > 0; w--, left -= 4) {
			char four[4];
			put_fixed(four, group(digits, nd, weight, w), 4);
			memcpy(q, four, left < 4 ? (size_t)left : 4);
			q += left < 4 ? left : 4;
		}
	}
	*n = (size_t)(q - o);
	return 0;
}

/* --- encoding ------------------------------------------------------------------------------------ */

void cw_pgbin_put_header(char *o)
{
	memcpy(o, SIGNATURE, sizeof SIGNATURE);
	memset(o + sizeof SIGNATURE, 0, 8); /* flags, extension length */
}

char *cw_pgbin_put_tuple(char *o, int nfields) { return put16(o, (uint16_t)nfields); }
char *cw_pgbin_put_trailer(char *o) { return put16(o, 0xFFFF); }

/* "[-]digits[.digits]" as a numeric: base-10000 groups aligned on the point. */
static char *encode_numeric(char *o, const char **why, const char *s, size_t len)
{
	const char *e = s + len, *ip;
	int neg = s < e && *s == '-';
	s += neg;
	ip = s;
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	const char *ie = s, *fp = s, *fe = s;
	if (s < e && *s == '.') {
		fp = ++s;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
		fe = s;
		if (fe == fp)
			return *why = "not a number", NULL;
	}
	if (s != e || ie == ip || (ie - ip) > 36 || (fe - fp) > 16)
		return *why = "not a number", NULL;
	while (ip < ie - 1 && *ip == '0') /* leading zeros carry no digit group */
		ip++;
	int ni = (int)(ie - ip), nf = (int)(fe - fp);
	int ig = (ni + 3) / 4, fg = (nf + 3) / 4, nd = ig + fg;
	char *q = o + 8;
	unsigned g = 0;
	/* integer groups: the first holds the leftover digits */
	for (int i = 0, k = (ni % 4) ? 4 - ni % 4 : 0; i < ni; i++) {
		g = g * 10 + (unsigned)(ip[i] - '0');
		if (++k == 4) {
			q = put16(q, (uint16_t)g);
			g = 0;
			k = 0;
		}
	}
	for (int i = 0; i < fg * 4; i++) {
		g = g * 10 + (i < nf ? (unsigned)(fp[i] - '0') : 0);
		if (i % 4 == 3) {
			q = put16(q, (uint16_t)g);
			g = 0;
		}
	}
	/* PostgreSQL accepts leading and trailing zero groups; it strips them itself. */
	int weight = ig - 1;
	put16(o, (uint16_t)nd);
	put16(o + 2, (uint16_t)(int16_t)weight);
	put16(o + 4, neg ? NUMERIC_NEG : NUMERIC_POS);
	put16(o + 6, (uint16_t)nf);
	return q;
}

static int digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD": days since 1970-01-01. */
static int read_date(int64_t *days, const char *s, size_t len)
{
	unsigned y, m, d;
	if (len < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = cw_days_from_civil((int)y, (int)m, (int)d);
	int yy, mm, dd; /* a day the month does not have rolls over: refused */
	cw_civil_from_days(&yy, &mm, &dd, (cw_day)*days);
	return yy == (int)y && mm == (int)m && dd == (int)d ? 0 : -1;
}

static char *encode_time(char *o, const char **why, const char *s, size_t len)
{
	int64_t days;
	unsigned h, mi, sec = 0;
	if ((len != 16 && len != 19) || read_date(&days, s, len) < 0 || (s[10] != ' ' && s[10] != 'T') ||
	    s[13] != ':' || digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 ||
	    (len == 19 && (s[16] != ':' || digits(s + 17, 2, &sec) < 0)) || h > 23 || mi > 59 || sec > 59)
		return *why = "not a time (YYYY-MM-DD HH:MM[:SS])", NULL;
	int64_t us = ((days - CW_PG_EPOCH_DAYS) * 86400 + h * 3600 + mi * 60 + sec) * 1000000LL;
	return put64(put32(o, 8), (uint64_t)us);
}

static char *encode_int(char *o, const char **why, int type, const char *s, size_t len)
{
	int64_t v;
	int64_t lo = type == CW_PGBIN_INT2 ? INT16_MIN : type == CW_PGBIN_INT4 ? INT32_MIN : INT64_MIN;
	int64_t hi = type == CW_PGBIN_INT2 ? INT16_MAX : type == CW_PGBIN_INT4 ? INT32_MAX : INT64_MAX;
	if (cw_parse_int(&v, why, s, len, lo, hi) < 0)
		return NULL;
	if (type == CW_PGBIN_INT2)
		return put16(put32(o, 2), (uint16_t)v);
	if (type == CW_PGBIN_INT4)
		return put32(put32(o, 4), (uint32_t)v);
	return put64(put32(o, 8), (uint64_t)v);
}

char *cw_pgbin_encode(char *o, const char **why, int type, const char *s, size_t len)
{
	if (len == 0)
		return put32(o, 0xFFFFFFFFu);
	switch (type) {
	case CW_PGBIN_TEXT:
		memcpy(put32(o, (uint32_t)len), s, len);
		return o + 4 + len;
	case CW_PGBIN_INT2: case CW_PGBIN_INT4: case CW_PGBIN_INT8:
		return encode_int(o, why, type, s, len);
	case CW_PGBIN_NUMERIC: {
		char *e = encode_numeric(o + 4, why, s, len);
		if (e)
			put32(o, (uint32_t)(e - o - 4));
		return e;
	}
	case CW_PGBIN_DATE: {
		int64_t days;
		if (len != 10 || read_date(&days, s, len) < 0)
			return *why = "not a date (YYYY-MM-DD)", NULL;
		return put32(put32(o, 4), (uint32_t)(int32_t)(days - CW_PG_EPOCH_DAYS));
	}
	case CW_PGBIN_TIMESTAMP:
		return encode_time(o, why, s, len);
	case CW_PGBIN_BOOL:
		if (len != 1 || (s[0] != '0' && s[0] != '1'))
			return *why = "not a flag (expected 0 or 1)", NULL;
		o = put32(o, 1);
		*o = (char)(s[0] - '0');
		return o + 1;
	default:
		return *why = "a column type claimwatch does not write in binary", NULL;
	}
}
