/* pg_binary.h: PostgreSQL's binary COPY format, both ways, for the values claimwatch moves.
 *
 * The format (PostgreSQL documentation, "COPY", section "Binary Format"): an 11-byte signature
 * "PGCOPY\n\377\r\n\0", a 32-bit flags field, a 32-bit header extension length and the extension;
 * then tuples: a 16-bit field count (-1 ends the data), and per field a 32-bit length (-1 for NULL)
 * followed by that many bytes in the type's send/recv form. Every integer is in network byte order.
 * The forms used here (the files of src/backend/utils/adt/: the types' send and recv functions):
 *   int2/int4/int8   two's complement, 2/4/8 bytes
 *   bool             1 byte, 0 or 1
 *   date             int4 days since 2000-01-01 (INT32_MIN/INT32_MAX: -infinity/infinity)
 *   timestamp        int8 microseconds since 2000-01-01 00:00 (INT64_MIN/INT64_MAX: infinities)
 *   numeric          int16 ndigits, int16 weight, uint16 sign (0x0000 +, 0x4000 -, 0xC000 NaN,
 *                    0xD000 +infinity, 0xF000 -infinity), int16 dscale, then ndigits base-10000
 *                    digits (each 0..9999) of which the first has weight `weight`
 *   text             the bytes, in the client encoding (UTF8 for claimwatch)
 *
 * Decoders take one field (p NULL for SQL NULL) and refuse what is malformed (a length other than the
 * type's, a digit of 10000 or more, a NaN or an infinity where a number is due, a NULL) with
 * CW_EINVALID and *why: the text the value stands as in a reject row (so a reject reads as it did
 * when the extraction rendered the value itself). Nothing here sets the error message: the callers
 * say which table, row and column. */
#ifndef CW_PG_BINARY_H
#define CW_PG_BINARY_H
#include <stddef.h>
#include <stdint.h>

#define CW_PGBIN_HEADER_LEN 19
#define CW_PG_EPOCH_DAYS 10957 /* 2000-01-01 in days since 1970-01-01 */

/* The types claimwatch reads and writes in binary. */
enum cw_pgbin_type {
	CW_PGBIN_TEXT, CW_PGBIN_INT2, CW_PGBIN_INT4, CW_PGBIN_INT8, CW_PGBIN_NUMERIC, CW_PGBIN_DATE,
	CW_PGBIN_TIMESTAMP, CW_PGBIN_BOOL, CW_PGBIN_UNSUPPORTED
};
/* The type of a column of PostgreSQL type oid (text, varchar and bpchar are TEXT). */
int cw_pgbin_type_of_oid(unsigned oid);

/* Room a field needs in COPY input: the length word and the encoding of `len` text bytes. */
#define CW_PGBIN_FIELD_ROOM(len) (4 + (len) + 32)

/* Network byte order. */
static inline uint32_t cw_pgbin_be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}
static inline uint16_t cw_pgbin_be16(const char *p)
{
	return (uint16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
}

/* --- decoding (COPY TO STDOUT) ------------------------------------------------------------------ */

/* The header at p (n bytes): 0 with *len the bytes it takes (extension included), 1 when more bytes
 * are needed (*len: how many in all), CW_EINVALID (*why) when it is not binary COPY data. */
int cw_pgbin_header(size_t *len, const char **why, const char *p, size_t n);

int cw_pgbin_int4(int32_t *out, const char **why, const char *p, int32_t len);
int cw_pgbin_int8(int64_t *out, const char **why, const char *p, int32_t len);
/* days since 1970-01-01; infinities refused */
int cw_pgbin_date(int32_t *out, const char **why, const char *p, int32_t len);
/* microseconds since 1970-01-01 00:00; infinities refused */
int cw_pgbin_timestamp(int64_t *out, const char **why, const char *p, int32_t len);
/* A numeric as decimal text with its display scale ("-12.30") into o (room for at least
 * CW_PGBIN_NUMERIC_TEXT bytes); *n its length. Refuses NaN, the infinities, a weight above 8 (36
 * digits before the point) or a display scale above 16, a digit group above 9999, a negative digit
 * count and a buffer of other than 8 + 2 * ndigits bytes. */
#define CW_PGBIN_NUMERIC_TEXT 64
int cw_pgbin_numeric_text(char *o, size_t *n, const char **why, const char *p, int32_t len);

/* --- encoding (COPY FROM STDIN) ------------------------------------------------------------------ */

/* The header (CW_PGBIN_HEADER_LEN bytes), the tuple start (2 bytes), the trailer (2 bytes). */
void cw_pgbin_put_header(char *o);
char *cw_pgbin_put_tuple(char *o, int nfields);
char *cw_pgbin_put_trailer(char *o);

/* One field of a column of `type` from the contract's text form of its value (len 0: NULL), into o
 * (room: CW_PGBIN_FIELD_ROOM(len)). Text as it is; integers as cw_parse_int reads them (within the
 * type's range); numeric "[-]digits[.digits]"; date "YYYY-MM-DD"; timestamp "YYYY-MM-DD HH:MM[:SS]"
 * (or 'T'); bool 0/1. Returns the end of what it wrote, or NULL with *why for text it cannot read. */
char *cw_pgbin_encode(char *o, const char **why, int type, const char *s, size_t len);

#endif
