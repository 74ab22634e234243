/* pg.h: a PostgreSQL connection through libpq, with one-line errors that never show a password.
 *
 * The user's connection string is passed to libpq unchanged (a URL or key=value pairs), so the PG*
 * environment variables, ~/.pgpass (or PGPASSFILE), sslmode and every other libpq option work as
 * libpq documents them. claimwatch only adds defaults that the string and the environment can
 * override: application_name "claimwatch" and a connect timeout of 10 s.
 *
 * Every failure becomes one line naming what was being done ("connecting to 127.0.0.1:5432/claims",
 * "extracting claim_lines (queries/extract_claim_lines.sql)") and the server's message; the password
 * of the connection string, if any, is masked out of every message. A missing table or schema adds a
 * hint to run `claimwatch db init`.
 *
 * SQL text comes from the files under queries/, compiled into the binary (cw_pg_sql). Values are
 * always bound as parameters ($1, $2...), never pasted into SQL text. */
#ifndef CW_PG_H
#define CW_PG_H
#include <stddef.h>
#include <libpq-fe.h>
#include "claimwatch/source.h"
#include "source/load_table.h"

typedef struct cw_pg {
	PGconn *conn;
	char *password;   /* from the connection string, to mask in messages (may be NULL) */
	char target[256]; /* "host:port/dbname", for messages */
	int connected;
	int load_wait;    /* seconds a run waits for a load in progress (CW_PG_LOAD_WAIT by default) */
	char *conninfo;   /* the connection string, for the extraction's other connections (wiped at close) */
	int connections;  /* connections a run's extraction uses (0: CW_PG_CONNECTIONS) */
} cw_pg;

/* The extraction's connections by default: one streams each table with one COPY; with more, the claim
 * lines are read in slices of the same snapshot on that many connections (load_pg_par.c). */
#define CW_PG_CONNECTIONS 1
#define CW_PG_CONNECTIONS_MAX 16

#define CW_PG_LOAD_WAIT 1800

/* Connects, then sets the session up for claimwatch: DateStyle ISO, client_encoding UTF8. */
int cw_pg_connect(cw_pg **out, const char *conninfo);
void cw_pg_close(cw_pg *pg);

/* The SQL of queries/<name> ("extract_claim_lines.sql"); CW_ENOTFOUND when absent. */
int cw_pg_sql(const char **sql, const char *name);

/* Sets the error message for a failed command or result: "<what>: <server message>[ hint]", one
 * line, password masked. Returns the code (CW_ENOTFOUND for a missing table, CW_EDB otherwise). */
int cw_pg_fail(cw_pg *pg, const PGresult *res, const char *what);

/* Runs a command without parameters (DDL, BEGIN, COMMIT). */
int cw_pg_exec(cw_pg *pg, const char *what, const char *sql);
/* Runs a statement with text parameters; *out (when not NULL) receives the result (PQclear it). */
int cw_pg_query(PGresult **out, cw_pg *pg, const char *what, const char *sql, int nparams,
                const char *const *params);
/* Runs the statement in queries/<file> with text parameters. */
int cw_pg_run_file(PGresult **out, cw_pg *pg, const char *file, int nparams, const char *const *params);

/* COPY ... FROM STDIN: begin with the statement, send data, end (sends the end of data and checks
 * the command's result). */
int cw_pg_copy_in_begin(cw_pg *pg, const char *what, const char *sql);
int cw_pg_copy_in_put(cw_pg *pg, const char *what, const char *buf, size_t len);
int cw_pg_copy_in_end(cw_pg *pg, const char *what);
/* Ends a COPY that failed on this side (the message of that failure is kept): the server drops what it
 * received, and its answer is read and forgotten. */
void cw_pg_copy_in_abort(cw_pg *pg, const char *why);

/* COPY ... TO STDOUT read as a byte stream, one PQgetCopyData row at a time: start the COPY with PQexec
 * (PGRES_COPY_OUT), then read until 0 (the end, the command's result checked) or -1 (rc and the
 * error message set). */
typedef struct cw_pg_copyout {
	cw_pg *pg;
	const char *what;
	char *row;     /* the current message from PQgetCopyData */
	size_t len, off;
	int done;
	int rc;
} cw_pg_copyout;
long cw_pg_copyout_read(void *ctx, char *buf, size_t n);
void cw_pg_copyout_free(cw_pg_copyout *r);

/* A buffer for building COPY ... (FORMAT csv) input: rows are appended with cw_copybuf_field and
 * sent in large pieces. */
typedef struct cw_copybuf {
	cw_pg *pg;
	const char *what;
	char *buf;
	size_t len, cap;
	int rc; /* first error, sticky */
} cw_copybuf;
int cw_copybuf_init(cw_copybuf *cb, cw_pg *pg, const char *what);
/* A CSV field (len 0 is NULL, as in the contract's CSV), then ',' or '\n' when last. */
void cw_copybuf_field(cw_copybuf *cb, const char *s, size_t len, int last);
/* Room for need bytes at the end of the buffer (for binary COPY data, pg_binary.h): write there, then
 * add what was written to cb->len. NULL after an error (cb->rc). */
char *cw_copybuf_room(cw_copybuf *cb, size_t need);
/* Sends what is buffered; returns the sticky error. */
int cw_copybuf_flush(cw_copybuf *cb);
void cw_copybuf_free(cw_copybuf *cb);

/* --- runs and loads exclude each other (pg_lock.c) ---------------------------------------------- */

/* A run's extraction: waits (a note, at most pg->load_wait seconds) while a load is in progress, then
 * holds the data lock shared until cw_pg_unlock_for_run. Call it outside a transaction. */
int cw_pg_lock_for_run(cw_pg *pg);
void cw_pg_unlock_for_run(cw_pg *pg);
/* A load, in its transaction: waits (a note) for the extractions under way and any other load, then
 * holds the data lock exclusive until the transaction ends. */
int cw_pg_lock_for_load(cw_pg *pg);
/* An accepted claim of `serve --db`, in its transaction: takes the data lock shared until the transaction
 * ends, without waiting. 1: held; 0: a load holds it; < 0: an error (message set). */
int cw_pg_lock_for_commit(cw_pg *pg);

/* --- the schema (pg_schema.c) ------------------------------------------------------------------- */

/* The version of queries/schema.sql and queries/functions.sql; later versions come with
 * queries/migrations/NNNN.sql. */
#define CW_PG_SCHEMA_VERSION 10
/* The version of a `claimwatch` schema that lost its schema_version table or row. */
#define CW_PG_SCHEMA_UNKNOWN (-1)

/* Creates the schema, migrates an older one or completes one without its version, in one transaction;
 * then adds the optional columns the tables lack (*added counts them, each said in a note) or fails
 * naming a required one. *from is the version found (0: none, CW_PG_SCHEMA_UNKNOWN), *to the one left.
 * A newer version than this claimwatch knows is an error. */
int cw_pg_schema_init(int *from, int *to, int *added, cw_pg *pg);
/* Checks that the result schema is there at the version this claimwatch writes and that the input
 * tables have every column of the data contract: a clear error (what is missing, what to do) otherwise.
 * Changes nothing. */
int cw_pg_schema_check(cw_pg *pg);

/* --- the PostgreSQL source (load_pg.c) ----------------------------------------------------------- */
/* Reads the month's window from the database with queries/extract_*.sql, like cw_load_csv reads a
 * folder (claimwatch/source.h): same typing, checks, rejects (file = the table's name, line = the
 * row's line in the COPY output) and stats. */
int cw_load_pg(cw_dataset **out, cw_load_stats *stats, cw_pg *pg, const cw_load_opts *opts);

/* Every row of the input tables, whatever its month, as the run's extraction renders it (the contract's
 * text form), for `load --db URL --store PATH` (pg_store.c): cw_pg_records_begin takes the lock a run
 * takes and opens one snapshot with the widest window; cw_pg_records_table passes the rows of a table to
 * sink, numbered from 1 in the order COPY reads them (stats->table[table].read counts them);
 * cw_pg_records_end commits (rc 0) or rolls back, releases the lock, and returns rc or the commit's
 * error. */
int cw_pg_records_begin(cw_pg *pg);
int cw_pg_records_table(cw_pg *pg, int table, cw_load_stats *stats, cw_record_sink sink, void *ctx);
int cw_pg_records_end(cw_pg *pg, int rc);

/* --- staging files, recording commands (pg_stage.c) ------------------------------------------------ */

/* Streams the CSV file at path (a header row, then rows) into a new temporary table `stage` whose
 * columns are cols (all text, NULL-terminated list): file columns are matched by header name, missing
 * ones are NULL, others are ignored. The table is dropped at the end of the transaction. *rows gets
 * the number of rows. */
int cw_pg_stage_csv(long long *rows, cw_pg *pg, const char *path, const char *stage, const char *const *cols);

/* Records a finished command in claimwatch.runs (queries/write_run.sql) and returns its run_id in
 * id (at least 24 bytes). month: "YYYY-MM-01" or NULL; summary_path: a JSON file or NULL. */
typedef struct cw_pg_run_row {
	const char *command, *month, *status, *source;
	double started;     /* Unix time */
	long long rows_read, rows_rejected, findings;
	const char *summary_path;
	const char *run_id; /* taken beforehand (write_reserve.sql), or NULL for a new one */
} cw_pg_run_row;
int cw_pg_insert_run(char *id, cw_pg *pg, const cw_pg_run_row *row);

/* Writes a reject file into claimwatch.rejects for the run. */
int cw_pg_write_rejects(cw_pg *pg, const char *path, const char *run_id);

/* The optional budgets table (schema 9; pg_budgets.c, source/budgets.h), every row checked as a row of
 * budgets.csv; on a connection, or connecting to conninfo (and checking the schema) for it. */
struct cw_budget_table;
int cw_pg_budgets_read_conn(struct cw_budget_table *out, cw_pg *pg);
/* The budgets table as a budgets.csv (header, then a row per row, values as extract_budgets.sql gives
 * them): *out malloc'd, *len bytes; *out NULL when the table is empty. */
int cw_pg_budgets_csv(char **out, size_t *len, cw_pg *pg);
int cw_pg_budgets_read(struct cw_budget_table *out, const char *conninfo);
/* `claimwatch load`: DIR/budgets.csv, when the folder has one, into budgets inside the load's transaction,
 * each row added or corrected by (inst_id, year); *n the rows written (0 without the file). A bad row is
 * an error naming the file, line and column (the load then changes nothing). */
int cw_pg_budgets_load(int *n, cw_pg *pg, const char *dir);

#endif
