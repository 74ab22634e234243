/* journal_pg.c: the PostgreSQL journal of `claimwatch serve --db` (journal.h; docs/serve.md, "Serving
 * from PostgreSQL"). Issue 16, point 3: nothing acknowledged is lost (J1: checks before and during care).
 *
 * An accepted claim's new rows go into the tables `claimwatch load` fills, in one transaction that is
 * committed before the service answers:
 *
 *   BEGIN
 *   the data lock shared, without waiting (pg_lock.c): a load in progress refuses the claim (503);
 *   the visit (queries/serve_visit.sql), each new claim line (serve_claim_line.sql: its month's
 *   partition first, serve_claim_month.sql, when the month has none yet) with its exam result
 *   (serve_exam_result.sql), each new prescription line (serve_prescription.sql);
 *   COMMIT (its tag checked: a COMMIT that rolled back is not a commit).
 *
 * Idempotent by key: a row whose key is already stored is not added again. When the stored row is the
 * same (a retried claim whose commit was made but whose answer was lost), that is the row; when it
 * differs (a line id of the database the served window does not hold, or loaded since the start), the
 * claim is refused with 409 and rolled back.
 *
 * When the connection is lost (the server stopped or restarted, the network), the claim is answered
 * 503 and nothing is acknowledged; the next claim connects again. A failure of the COMMIT itself
 * leaves the client not knowing; it sends the claim again, which the rule above makes safe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "serve/journal.h"
#include "serve/journal_rows.h"
#include "util/progress.h"

#define MAX_MONTHS 64

typedef struct pg_journal {
	cw_journal base;
	char *conninfo;
	cw_pg *pg;                /* NULL after a lost connection, until the next claim connects again */
	cw_month part[MAX_MONTHS]; /* months known to have their claim_lines partition */
	size_t nparts;
	int down;                 /* the last claim found the database unavailable (said once in the log) */
	double retry_at;          /* while down: no new connection tried before this time (cw_now) */
	char target[256];         /* host:port/dbname, for the log */
} pg_journal;

static int pg_append(cw_journal *j, cw_req_error *err, const cw_request *rq, const cw_hist_known *k);
static void pg_close(cw_journal *j);
static const cw_journal_ops pg_ops = { pg_append, pg_close };

int cw_journal_open_pg(cw_journal **out, const char *conninfo)
{
	pg_journal *j = calloc(1, sizeof *j);
	if (!j || !(j->conninfo = strdup(conninfo))) {
		free(j);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	j->base.ops = &pg_ops;
	int rc = cw_pg_connect(&j->pg, conninfo);
	if (rc == 0)
		rc = cw_pg_schema_check(j->pg);
	if (rc == 0)
		snprintf(j->target, sizeof j->target, "%s", j->pg->target);
	if (rc < 0) {
		pg_close(&j->base);
		return rc;
	}
	*out = &j->base;
	return 0;
}

static void pg_close(cw_journal *base)
{
	pg_journal *j = (pg_journal *)base;
	cw_pg_close(j->pg);
	free(j->conninfo);
	free(j);
}

/* --- statements ---------------------------------------------------------------------------------- */

/* The outcome of one statement: 0 (*res the result when asked), or < 0 with the message set and
 * *state the SQLSTATE ("" when the connection failed). */
static int run(PGresult **res, char state[8], pg_journal *j, const char *what, const char *file, int n,
               const char *const *params)
{
	const char *sql;
	int rc = cw_pg_sql(&sql, file);
	state[0] = 0;
	if (rc < 0)
		return rc;
	PGresult *r = PQexecParams(j->pg->conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		snprintf(state, 8, "%s", s ? s : "");
		rc = cw_pg_fail(j->pg, r, what);
		PQclear(r);
		return rc;
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return 0;
}

/* 1 when the row is there as given, 0 when another row holds its key (the answer of serve_*.sql). */
static int same_row(int *same, char state[8], pg_journal *j, const char *what, const char *file, int n,
                    const char *const *params)
{
	PGresult *r = NULL;
	int rc = run(&r, state, j, what, file, n, params);
	if (rc == 0)
		*same = PQntuples(r) == 1 && strtol(PQgetvalue(r, 0, 0), NULL, 10) >= 1;
	PQclear(r);
	return rc;
}

static int has_part(const pg_journal *j, cw_month m)
{
	for (size_t i = 0; i < j->nparts; i++)
		if (!cw_month_cmp(j->part[i], m))
			return 1;
	return 0;
}

/* The claim_lines partition of the line's month, added when the month has none. */
static int month_partition(char state[8], pg_journal *j, cw_minute t)
{
	cw_month m = cw_month_of(t);
	if (has_part(j, m))
		return 0;
	char day[16];
	snprintf(day, sizeof day, "%04d-%02d-01", m.year, m.month);
	const char *params[1] = { day };
	PGresult *r = NULL;
	int rc = run(&r, state, j, "finding the month's partition of claim_lines", "serve_claim_month.sql", 1, params);
	if (rc == 0 && PQntuples(r) == 1) {
		PGresult *c = PQexec(j->pg->conn, PQgetvalue(r, 0, 0));
		if (!c || PQresultStatus(c) != PGRES_COMMAND_OK) {
			const char *s = c ? PQresultErrorField(c, PG_DIAG_SQLSTATE) : NULL;
			snprintf(state, 8, "%s", s ? s : "");
			rc = cw_pg_fail(j->pg, c, "adding the month's partition of claim_lines");
		}
		PQclear(c);
	}
	PQclear(r);
	if (rc == 0 && j->nparts < MAX_MONTHS)
		j->part[j->nparts++] = m; /* taken back by the caller when the transaction does not commit */
	return rc;
}

static int conflict(cw_req_error *err, const char *path, const char *key)
{
	return cw_req_refuse(err, M_DB_CONFLICT, path, key);
}

/* The request's new rows; 0, CW_EINVALID (*err: a row refused), or < 0 (a database failure). */
static int write_rows(cw_req_error *err, char state[8], pg_journal *j, const cw_request *rq, const cw_hist_known *k)
{
	cw_jrow t;
	char path[64];
	int same = 1, rc = 0;
	if (!k->visit_known) {
		cw_jrow_visit(&t, &rq->visit);
		rc = same_row(&same, state, j, "adding the claim's visit", "serve_visit.sql", 10, t.v);
		if (rc == 0 && !same)
			return conflict(err, "visit.visit_id", rq->visit.visit_id);
	}
	for (size_t i = 0; rc == 0 && i < rq->nlines; i++) {
		if (k->line_known[i])
			continue;
		const cw_req_line *l = &rq->lines[i];
		rc = month_partition(state, j, l->row.time);
		cw_jrow_line(&t, &l->row);
		if (rc == 0)
			rc = same_row(&same, state, j, "adding a claim line", "serve_claim_line.sql", 10, t.v);
		snprintf(path, sizeof path, "lines[%zu].line_id", i);
		if (rc == 0 && !same)
			return conflict(err, path, l->row.line_id);
		const char *res[2] = { l->row.line_id, cw_jrow_result_name(l->result) };
		if (rc == 0 && l->result != CW_RESULT_NONE)
			rc = run(NULL, state, j, "adding an exam result", "serve_exam_result.sql", 2, res);
	}
	for (size_t i = 0; rc == 0 && i < rq->nrx; i++) {
		if (k->rx_known[i])
			continue;
		cw_jrow_rx(&t, &rq->rx[i]);
		rc = same_row(&same, state, j, "adding a prescription line", "serve_prescription.sql", 9, t.v);
		snprintf(path, sizeof path, "prescriptions[%zu]", i);
		if (rc == 0 && !same)
			return conflict(err, path, rq->rx[i].rx_id);
	}
	return rc;
}

/* --- the transaction ------------------------------------------------------------------------------- */

static int lost(const pg_journal *j) { return !j->pg || PQstatus(j->pg->conn) != CONNECTION_OK; }

/* The log says when the database goes away and when it is back: the request threads have no progress
 * sink, so these lines go to standard error like the requests' own (never with a request's data). */
static int unavailable(cw_req_error *err, pg_journal *j, const char *why)
{
	if (!j->down)
		fprintf(stderr, "serve: the database %s is unavailable: claims are answered 503 until it is back\n",
		        j->target);
	j->down = 1;
	return cw_req_refuse(err, M_DB_UNAVAILABLE, "", why);
}

/* A connection, made again when the last one was lost; tried at most once a second while the database
 * is down, so that claims sent meanwhile are answered at once (a connection is tried under the write
 * lock, which checks wait for). */
static int connect_again(cw_req_error *err, pg_journal *j)
{
	if (!lost(j))
		return 0;
	cw_pg_close(j->pg);
	j->pg = NULL;
	if (j->down && cw_now() < j->retry_at)
		return unavailable(err, j, "not connected (a new connection is tried once a second)");
	if (cw_pg_connect(&j->pg, j->conninfo) < 0) {
		j->retry_at = cw_now() + 1;
		return unavailable(err, j, cw_error_last());
	}
	fprintf(stderr, "serve: connected to the database %s again\n", j->target);
	j->down = 0;
	return 0;
}

static int commit(pg_journal *j)
{
	PGresult *r = PQexec(j->pg->conn, "COMMIT");
	int rc = 0;
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = cw_pg_fail(j->pg, r, "committing the accepted claim");
	else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) /* the transaction had failed: it rolled back */
		rc = cw_error_set(CW_EDB, "committing the accepted claim: the database rolled it back");
	PQclear(r);
	return rc;
}

static int pg_append(cw_journal *base, cw_req_error *err, const cw_request *rq, const cw_hist_known *k)
{
	pg_journal *j = (pg_journal *)base;
	size_t nparts = j->nparts;
	char state[8] = "";
	int rc = connect_again(err, j);
	if (rc < 0)
		return rc;
	const char *what = "beginning the accepted claim's transaction";
	rc = cw_pg_exec(j->pg, what, "BEGIN");
	if (rc < 0 && lost(j)) { /* a connection the server closed since (a restart): nothing was sent yet */
		if ((rc = connect_again(err, j)) < 0)
			return rc;
		rc = cw_pg_exec(j->pg, what, "BEGIN");
	}
	int held = rc == 0 ? cw_pg_lock_for_commit(j->pg) : rc;
	if (held == 0)
		rc = cw_req_refuse(err, M_DB_LOADING, "");
	else if (held < 0)
		rc = held;
	if (rc == 0)
		rc = write_rows(err, state, j, rq, k);
	if (rc == 0)
		rc = commit(j);
	if (rc == 0)
		return 0;
	j->nparts = nparts; /* the partitions added by this transaction went with it */
	if (lost(j)) {
		char why[512];
		snprintf(why, sizeof why, "%s", cw_error_last());
		return unavailable(err, j, why);
	}
	PQclear(PQexec(j->pg->conn, "ROLLBACK"));
	if (rc == CW_EINVALID && err->code)
		return rc;
	if (!strncmp(state, "23", 2)) /* an integrity constraint of the hospital's tables refused a row */
		return cw_req_refuse(err, M_DB_REFUSED, "", cw_error_last());
	return rc;
}
