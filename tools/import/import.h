/* import.h: `claimwatch import`, the records a hospital already has into the data contract (internal).
 *
 * Two sources: the national medical-insurance platform's interface records (--from nhsa: visits
 * 2201/2401/2402, diagnoses, fee details 2301, settlements 2304 with their fund breakdown, the
 * catalogue) as CSV or JSON lines, and CMS DE-SynPUF / CCW claims files (--from cms: inpatient,
 * outpatient and carrier claims, the beneficiary summary) as CSV. Each is read whole into memory, mapped
 * to the ten tables, written as a contract folder through src/io, and accounted for in a mapping report
 * (import_report.csv: rows read, kept, merged, dropped and defaulted, by record and reason).
 * The mappings, field by field, and their sources: docs/import.md.
 *
 * Files: import.c (driver, the report), imp_src.c (one record file, CSV or JSON lines, by field name),
 * imp_out.c (the contract tables: ids kept once, CSV through src/io), imp_nhsa.c, imp_cms.c (the two
 * mappings), imp_util.c (decimals, ids, the string map). */
#ifndef CW_IMPORT_H
#define CW_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include "claimwatch/types.h"

/* --- public entry (cli_import.c, tests) ------------------------------------- */
enum { CW_IMPORT_NHSA = 1, CW_IMPORT_CMS = 2 };
enum { CW_CODING_ICD10 = 10, CW_CODING_ICD9 = 9 };

typedef struct cw_import_opts {
	int from;           /* CW_IMPORT_NHSA or CW_IMPORT_CMS */
	const char *in_dir; /* the source records */
	const char *out_dir; /* the contract folder written (created; must not hold the contract's files) */
	int coding;         /* CW_CODING_ICD9 or CW_CODING_ICD10 (cms: declared; nhsa: ICD-10) */
	int en;             /* the summary in English (else Chinese) */
	int quiet;          /* no summary on stderr */
} cw_import_opts;

typedef struct cw_import_totals {
	uint64_t read, kept, merged, dropped, defaulted;
	uint64_t visits, lines; /* written */
} cw_import_totals;

/* Reads o->in_dir, writes o->out_dir (the ten tables and import_report.csv) and the summary on stderr. */
int cw_import_run(const cw_import_opts *o, cw_import_totals *tot);

/* --- the mapping report ------------------------------------------------------- */
enum { IMP_READ, IMP_KEPT, IMP_MERGED, IMP_DROPPED, IMP_DEFAULTED, IMP_NOUTCOMES };

typedef struct imp_count {
	const char *record;  /* the source record ("feedetail", "inpatient") */
	int outcome;         /* IMP_* */
	const char *reason;  /* a static text: English */
	const char *reason_zh;
	uint64_t n;
	char example[160];   /* the first row it happened to: file:line[:column] */
} imp_count;

typedef struct imp_report {
	imp_count *c;
	size_t n, cap;
	int failed; /* out of memory while counting */
} imp_report;

/* Counts one row of `record` (reason NULL for read and kept); example may be NULL. */
void imp_count_add(imp_report *r, const char *record, int outcome, const char *reason, const char *reason_zh,
                   const char *example);
uint64_t imp_count_total(const imp_report *r, const char *record, int outcome);

/* --- a record file by field name (imp_src.c) ---------------------------------- */
typedef struct imp_src imp_src;
/* Opens DIR/NAME.csv, else DIR/NAME.jsonl: CW_ENOTFOUND when neither exists (and optional), the fields
 * by name (NULL-terminated; a name starting with '?' is optional). A CSV missing a required column, a
 * JSON line that is not an object, a broken CSV record: CW_EINVALID naming the file and line. */
int imp_src_open(imp_src **out, const char *dir, const char *name, const char *const *fields);
/* imp_src_open for a record a source may lack: 1 when opened, 0 when NAME is absent (nothing open,
 * no error left), or the error. */
int imp_src_open_optional(imp_src **out, const char *dir, const char *name, const char *const *fields);
/* The next row: 1, 0 at the end, < 0 on a malformed row (message set: file, line). */
int imp_src_next(imp_src *s);
/* Field i of the current row, NUL-terminated ("" when empty or absent); valid until the next row. */
const char *imp_src_get(imp_src *s, size_t i);
/* "feedetail.csv:12" or with the column "feedetail.csv:12:cnt" into buf (col < 0: none). */
char *imp_src_where(char *buf, size_t size, const imp_src *s, int col);
const char *imp_src_file(const imp_src *s);
void imp_src_close(imp_src *s);

/* --- helpers (imp_util.c) ------------------------------------------------------ */
/* A decimal with up to 6 decimals, rounded half away from zero to `scale` decimals (2: fen, 3:
 * thousandths) into *out; *rounded 1 when digits were lost. < 0 with *why when it is not a number or
 * is beyond 10^12. */
int imp_decimal(int64_t *out, int *rounded, const char **why, const char *s, int scale);
/* A time "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DD" (midnight) or "YYYYMMDD" (midnight). */
int imp_time(cw_minute *out, const char **why, const char *s);

typedef struct imp_map { /* string -> index, open addressing */
	char **key;
	int64_t *val;
	size_t n, cap;
} imp_map;
/* The index of key, or -1. */
int64_t imp_map_get(const imp_map *m, const char *key);
/* Sets key (copied) to val; < 0 when out of memory. */
int imp_map_put(imp_map *m, const char *key, int64_t val);
void imp_map_free(imp_map *m);

/* --- the contract tables (imp_out.c) -------------------------------------------- */
enum { IMP_KIND_OUTPATIENT, IMP_KIND_EMERGENCY, IMP_KIND_INPATIENT };

typedef struct imp_visit {
	char *id, *patient, *inst, *dept, *physician, *dx_code, *dx_name;
	int kind;
	cw_minute admit, discharge; /* discharge CW_MINUTE_NONE when none */
	int dropped;                /* not written (its lines are dropped with it) */
} imp_visit;

typedef struct imp_line {
	char *id, *visit, *item, *physician; /* physician may be NULL */
	cw_minute time;
	cw_qty qty;
	cw_fen price, amount;
	cw_fen fund, self_pay; /* CW_FEN_NONE when not given */
	cw_fen weight;         /* the in-scope amount the fund is apportioned over (nhsa) */
	int64_t orig;          /* a refund: the row of the line it cancels, else -1 */
	int dropped;
} imp_line;

typedef struct imp_item {
	char *code, *name;
	int category;      /* enum cw_category */
	cw_fen std_price;  /* CW_FEN_NONE: the highest unit price billed */
	char cls[8];       /* catalogue_class: "甲", "乙", "丙" or "" */
	int essential;     /* -1 unknown */
} imp_item;

typedef struct imp_db {
	imp_map inst_ix, dept_ix, phys_ix, pat_ix, item_ix, visit_ix, line_ix;
	struct { char *id, *name, *region; int level; } *inst;
	struct { char *id, *inst, *name, *specialty; } *dept;
	struct { char *id, *name, *inst, *dept; int multi; } *phys; /* multi: also seen at another institution */
	struct { char *id; char sex; cw_day birth, death; } *pat;
	imp_item *item;
	imp_visit *visit;
	imp_line *line;
	size_t ninst, ndept, nphys, npat, nitem, nvisit, nline;
	size_t cinst, cdept, cphys, cpat, citem, cvisit, cline;
	imp_report *rep;
} imp_db;

/* Each adder keeps the first row of an id (later ones are merged into it: an empty field filled) and
 * returns its index, or < 0 when out of memory. */
int64_t imp_inst(imp_db *db, const char *id, const char *name, int level, const char *region);
int64_t imp_dept(imp_db *db, const char *inst, const char *code, const char *name, const char *specialty);
int64_t imp_phys(imp_db *db, const char *id, const char *name, const char *inst, const char *dept);
int64_t imp_patient(imp_db *db, const char *id, char sex, cw_day birth, cw_day death);
int64_t imp_item_add(imp_db *db, const char *code, const char *name, int category);
imp_visit *imp_visit_add(imp_db *db, const char *id, int64_t *ix);
imp_line *imp_line_add(imp_db *db, const char *id, int64_t *ix);
/* Writes the ten tables into dir through src/io; a new string duplicated; frees everything. */
int imp_db_write(imp_db *db, const char *dir, uint64_t *visits, uint64_t *lines);
char *imp_strdup(const char *s);
void imp_db_free(imp_db *db);

/* --- the two mappings ------------------------------------------------------------- */
int imp_nhsa(imp_db *db, const char *dir);
int imp_cms(imp_db *db, const char *dir);

#endif
