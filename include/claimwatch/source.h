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
 * CSV with the header file,line,column,reason,record,month: the source file
 * (or table), the 1-based line where the record starts, the column at fault
 * (empty when the whole record is), the reason, the record (cut after 4 KiB,
 * which the reason then says), and the month the row belongs to (YYYY-MM;
 * `all` for a table without dates; empty when it cannot be told).
 *
 * The record holds only the contract's columns of the table, in the
 * contract's order (docs/data-format.md), never a column claimwatch does
 * not read (names, ID numbers...), with the patient id written as its
 * pseudonym when the run writes pseudonyms (unless --reveal-patients); so
 * does the value a reason about patient_id quotes. */
typedef struct cw_rejects cw_rejects;
/* Creates (or empties) the reject file at path, mode 0600, with its header,
 * into *out (close with cw_rejects_close). Its writes stop with an error
 * before they take half the space that was free on the filesystem at the
 * first one. Returns 0, CW_EIO or CW_ENOMEM. */
CW_EXTERN(int) cw_rejects_open(cw_rejects **out, const char *path);
/* Writes one rejected record that could not be split into its fields: the
 * source file (or table), the 1-based line, the month the row belongs to
 * ("YYYY-MM", "all", or NULL when it cannot be told), the column at fault
 * (NULL or "" for the whole record), the reason, and record_len bytes of the
 * record as read, or a note that it is withheld when its file is protected.
 * Returns 0, or CW_EIO once a write failed (the file is then dead: every
 * later add fails too). */
CW_EXTERN(int) cw_rejects_add(cw_rejects *r, const char *file, uint64_t line, const char *month, const char *column,
                   const char *reason, const char *record, size_t record_len);
/* The records written so far. */
CW_EXTERN(uint64_t) cw_rejects_count(const cw_rejects *r);
/* Records of `file` that cannot be split are withheld: always when its header
 * has columns claimwatch does not read (unread_columns), else, when the file
 * holds patient ids, while pseudonymising. Returns 0, or CW_EINVALID when
 * more than 8 files are declared or the file's name is 64 bytes or longer. */
CW_EXTERN(int) cw_rejects_protect(cw_rejects *r, const char *file, int unread_columns);
/* Flushes, closes and frees the reject file (NULL is allowed). Returns 0, or
 * CW_EIO with a message when any write failed (a full disk, the size guard). */
CW_EXTERN(int) cw_rejects_close(cw_rejects *r);

/* What a load read, table by table. */

typedef struct cw_table_stats {
	uint64_t read;     /* data rows read */
	uint64_t loaded;   /* taken into the dataset */
	uint64_t skipped;  /* outside the window: rows of another month, valid or not */
	uint64_t rejected; /* written to the reject file */
	uint64_t rejected_lookback; /* of those, rows of the look-back: counted against their own month */
	uint64_t rejected_unknown;  /* of those, rows whose month cannot be told: counted against none */
	uint64_t month_rows; /* rows of the run's month, taken or rejected (all of a table without dates) */
	double seconds;
} cw_table_stats;

typedef struct cw_load_stats {
	cw_table_stats table[CW_T_COUNT];
	uint64_t bytes;      /* bytes of input read */
	uint64_t warnings;   /* unknown columns and the like, each also printed once */
	double seconds;
} cw_load_stats;

/* Every table's counts added up (seconds included). */
CW_EXTERN(cw_table_stats) cw_load_totals(const cw_load_stats *st);
/* Rejected rows over rows read, over every table, 0 when nothing was read
 * (`claimwatch load`; a run limits the month's share, cw_load_month_share). */
CW_EXTERN(double) cw_load_reject_share(const cw_load_stats *st);
/* The rows rejected against the run's month over the month's rows: what a
 * run's load.max_reject_share limits. */
CW_EXTERN(double) cw_load_month_share(const cw_load_stats *st);

/* How to load a month. */
typedef struct cw_load_opts {
	cw_month month;
	int lookback_days;
	cw_rejects *rejects;  /* where rejected rows go (required) */
	FILE *warn;           /* where warnings go (NULL: notes to the progress callback, claimwatch/progress.h) */
	int threads;          /* threads reading the large tables (0: one per core; 1: none) */
	int input_timeout;    /* seconds a file that is not a regular file (a FIFO) may keep the load
	                         waiting for data; 0: no limit */
} cw_load_opts;

/* Reads dir/<table>.csv for every table of the contract into a dataset of the
 * month's window, *out (free it with cw_dataset_free; NULL on failure), and
 * its counts into *stats (may be NULL). A missing file or a missing required
 * column fails the load with a message naming it; a row that cannot be taken
 * goes to opts->rejects. The dataset, the counts and the reject file are the
 * same whatever the number of threads. Returns 0, or CW_ENOTFOUND, CW_EIO,
 * CW_EINVALID (no reject file given) or CW_ENOMEM. */
CW_EXTERN(int) cw_load_csv(cw_dataset **out, cw_load_stats *stats, const char *dir, const cw_load_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
