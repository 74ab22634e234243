/*
 * claimwatch/source.h: reading a month of the data contract into a dataset.
 *
 * A source (a folder of CSV files, a PostgreSQL database) reads the contract's
 * tables, checks every value against its type, and feeds the rows to a
 * cw_builder. A row that cannot be taken is never dropped silently: it is
 * written to the reject file with its file (or table), line, column and reason,
 * and counted. Rows outside the month's window are counted as skipped.
 */
#ifndef CLAIMWATCH_SOURCE_H
#define CLAIMWATCH_SOURCE_H

#include "claimwatch/common.h"

#include <stdint.h>
#include <stdio.h>
#include "claimwatch/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- the reject file ---------------------------------------------------------
 * CSV with the header file,line,column,reason,record: the source file (or
 * table), the 1-based line where the record starts, the column at fault (empty
 * when the whole record is), the reason, and the record's text as read (cut
 * after 4 KiB, which the reason then says). */
typedef struct cw_rejects cw_rejects;
CW_EXTERN(int) cw_rejects_open(cw_rejects **out, const char *path);
CW_EXTERN(int) cw_rejects_add(cw_rejects *r, const char *file, uint64_t line, const char *column,
                   const char *reason, const char *record, size_t record_len);
CW_EXTERN(uint64_t) cw_rejects_count(const cw_rejects *r);
/* Patient ids in rejected records: records of `file` hold a patient id in
 * field `field` (0-based) of `nfields`, by the file's header. Once a
 * pseudonymiser is set (src/io/pseudo.h; a run sets it unless
 * --reveal-patients), that field, and the value a reason about the
 * patient_id column quotes, are written as the patient's pseudonym, and a
 * record of the file that does not split into nfields fields is withheld.
 * A reject whose `file` is a table's name (a database source) needs no
 * declaration: its record is taken to hold the fields in schema order. */
CW_EXTERN(int) cw_rejects_protect(cw_rejects *r, const char *file, size_t field, size_t nfields);
struct cw_pseudo;
CW_EXTERN(void) cw_rejects_pseudonymise(cw_rejects *r, const struct cw_pseudo *ps);
/* Flushes and closes; returns < 0 when a write failed (disk full). */
CW_EXTERN(int) cw_rejects_close(cw_rejects *r);

typedef struct cw_table_stats {
	uint64_t read;     /* data rows read */
	uint64_t loaded;   /* taken into the dataset */
	uint64_t skipped;  /* valid, outside the window */
	uint64_t rejected; /* written to the reject file */
	double seconds;
} cw_table_stats;

typedef struct cw_load_stats {
	cw_table_stats table[CW_T_COUNT];
	uint64_t bytes;      /* bytes of input read */
	uint64_t warnings;   /* unknown columns and the like, each also printed once */
	double seconds;
} cw_load_stats;

/* Rejected rows over rows read, over every table. */
CW_EXTERN(double) cw_load_reject_share(const cw_load_stats *st);

typedef struct cw_load_opts {
	cw_month month;
	int lookback_days;
	cw_rejects *rejects;  /* where rejected rows go (required) */
	FILE *warn;           /* where warnings go (NULL: notes to the progress callback, claimwatch/progress.h) */
	int threads;          /* threads reading the large tables (0: one per core; 1: none) */
} cw_load_opts;

/* Reads dir/<table>.csv for every table of the contract. A missing file or a
 * missing required column fails the load with a message naming it. The
 * dataset, the counts and the reject file are the same whatever the number of
 * threads. */
CW_EXTERN(int) cw_load_csv(const char *dir, const cw_load_opts *opts, cw_dataset **out, cw_load_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
