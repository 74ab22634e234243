/* rows.h: one row of a contract table, from its text fields to the builder.
 *
 * Every source reads text: the CSV reader its fields, the PostgreSQL source
 * the output of COPY ... TO STDOUT (FORMAT csv). Both hand the fields of a row
 * to cw_row_add() in the order of the table's schema below, so a value is
 * checked, typed and rejected the same way whatever the source.
 *
 * A field is a (ptr, len) slice; an empty field (len 0, ptr may be NULL) is
 * NULL, as is a column the source does not have (only optional columns may
 * be missing).
 *
 * The text forms are the contract's CSV forms. PostgreSQL's own output
 * matches them for text, numeric(14,2)/(14,3), integers, dates and
 * timestamps without fractional seconds (DateStyle ISO); a query feeding
 * this should select booleans as 0/1 (x::int) and timestamps that may carry
 * fractions through date_trunc('second', x). */
#ifndef CW_ROWS_H
#define CW_ROWS_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"
#include "dataset/dataset_impl.h" /* enum cw_period */

typedef struct cw_slice {
	const char *ptr;
	size_t len;
} cw_slice;

#define CW_ROW_MAX_COLS 16

/* The columns of one table, in the order cw_row_add() takes them. */
typedef struct cw_row_schema {
	int table; /* enum cw_table */
	int ncols;
	const char *const *cols;  /* the contract's column names */
	const uint8_t *optional;  /* per column: 1 when it may be missing or empty */
} cw_row_schema;

const cw_row_schema *cw_row_schema_of(int table);
/* The index of column `name` in s, or -1. */
int cw_row_schema_find(const cw_row_schema *s, const char *name, size_t len);

/* How many of the fields f (schema order) a reject row shows: all, less the trailing columns of data
 * contract 2 that the source does not have (ptr NULL), so a version-1 file's rejects read as before. */
int cw_row_shown_cols(int table, const cw_slice *f);

/* Scratch memory for the NUL-terminated strings the builder takes; grows to
 * the longest row and is then reused (zero-initialise it, free it once). */
typedef struct cw_rowbuf {
	char *buf;
	size_t cap, len;
} cw_rowbuf;
void cw_rowbuf_free(cw_rowbuf *rb);

/* Types the fields of a row of `table` (f[i] is column cols[i]) and adds it
 * to b. Returns 0 when taken, CW_SKIP when outside the window, CW_EINVALID
 * when rejected (err names the column and the reason, quoting the value), or
 * CW_ENOMEM (message set). */
int cw_row_add(cw_rowerr *err, cw_builder *b, int table, const cw_slice *f, cw_rowbuf *rb);

/* A typed row of any table: the member of its table is set. */
typedef union cw_row_any {
	cw_institution_row inst;
	cw_department_row dept;
	cw_physician_row phys;
	cw_patient_row pat;
	cw_item_row item;
	cw_bundle_row bundle;
	cw_visit_row visit;
	cw_claim_row claim;
	cw_rx_row rx;
	cw_result_row result;
} cw_row_any;

/* The second half of cw_row_add: a typed row of `table` to the builder (the columnar store's rows). */
int cw_row_add_typed(cw_rowerr *err, cw_builder *b, int table, const cw_row_any *r);

/* 1 for the tables whose rows have dates (visits, claim lines, prescriptions,
 * exam results). */
int cw_row_dated(int table);
/* The period of a row of `table` whose fields (schema order) are f, or NULL
 * when the record could not be split; *month gets the month it belongs to
 * (year 0 when none: a table without dates, or an unreadable date). */
int cw_row_period(const cw_builder *b, int table, const cw_slice *f, cw_month *month);

/* The minutes [*from, *to) the row's dates stand for, as cw_row_period reads them: a claim line's or a
 * prescription's time (a minute, or its month when only "YYYY-MM" can be read), a visit's stay (to
 * INT32_MAX when open). Returns 1, or 0 when they cannot be read or the table has no such dates (exam
 * results go by their claim line). */
int cw_row_span(int table, const cw_slice *f, cw_minute *from, cw_minute *to);

/* 1 when a well-formed record of `table` (fields f, schema order) is of another month, outside the
 * window, so that whatever its other fields hold it ends as skipped: a valid row is skipped by the
 * builder, an invalid one counted as skipped by cw_load_reject. Read from its time field alone, so
 * that the loader drops it without typing, interning or checking anything else. Only claim lines and
 * prescriptions: visits outside the window are loaded (a stay may reach into it), and an exam
 * result's month is its claim line's, found by a lookup that typing it costs little more than. */
int cw_row_outside(const cw_builder *b, int table, const cw_slice *f);

/* The first half of cw_row_add: the checks and typing of the fields, without
 * a builder (safe on several threads, each with its own rb). The strings of
 * *out point into rb until its next use. Returns 0, CW_EINVALID (err set) or
 * CW_ENOMEM; cw_row_add(err, b, ...) is this, then cw_builder_add_X(err, b, out). */
int cw_row_type(cw_row_any *out, cw_rowerr *err, int table, const cw_slice *f, cw_rowbuf *rb);

#endif
