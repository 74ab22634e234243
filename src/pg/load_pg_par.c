/* load_pg_par.c: a run's claim lines read from PostgreSQL in slices, on several connections (see
 * load_pg_par.h).
 *
 * One thread per connection fetches its slices' COPY data into memory (the server's work, and the
 * network's, on as many backends as connections); the caller decodes, types and builds the rows of
 * each slice in slice order on its own thread. Relation names come from the catalogue, quoted by the
 * server (regclass::text); block numbers are integers this file computes: no value from outside is
 * pasted into SQL text. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/load_pg_par.h"
#include "util/grow.h"

enum { S_WAITING, S_READY, S_FAILED, S_TAKEN };

typedef struct slice {
	int rel;           /* index into rels */
	long from, to;     /* blocks [from, to); to < 0: to the end */
	char *data;
	size_t len, cap;
	int state;
	int rc;
	char msg[1024];
} slice;

typedef struct worker {
	struct cw_pg_slices *s;
	int k;             /* reads slices k, k + n, ... */
	cw_pg *pg;         /* the caller's for k = 0 */
	pthread_t thread;
	int started;
	int held;          /* slices ready and not yet taken */
} worker;

struct cw_pg_slices {
	const char *sql, *what, *snapshot;
	const char *window[3];
	char **rels;
	int nrels;
	slice *sl;
	int nsl, next;     /* next: the slice the caller takes next */
	long blocks, per;  /* blocks in all, per slice */
	worker w[CW_PG_CONNECTIONS_MAX];
	int n;
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The extraction query over one relation and block range: "FROM claim_lines" becomes the relation,
 * and the TID range goes first in the WHERE clause (queries/extract_claim_lines.sql has both). */
static int slice_sql(char *out, size_t size, const char *sql, const char *rel, long from, long to)
{
	const char *f = strstr(sql, "FROM claim_lines\n"), *w = f ? strstr(f, "WHERE ") : NULL;
	if (!w)
		return cw_error_set(CW_EINVALID, "internal: extract_claim_lines.sql has no \"FROM claim_lines\" and WHERE");
	char range[96];
	if (to >= 0)
		snprintf(range, sizeof range, "ctid >= '(%ld,0)'::tid AND ctid < '(%ld,0)'::tid AND ", from, to);
	else
		snprintf(range, sizeof range, "ctid >= '(%ld,0)'::tid AND ", from);
	int n = snprintf(out, size, "%.*sFROM %s\n%.*s%s%s", (int)(f - sql), sql, rel,
	                 (int)(w + 6 - (f + strlen("FROM claim_lines\n"))), f + strlen("FROM claim_lines\n"), range, w + 6);
	return n > 0 && (size_t)n < size ? 0 : cw_error_set(CW_EINVALID, "internal: slice query too long");
}

/* A connection of its own, in the extraction's snapshot, with the window bound. */
static int join_snapshot(cw_pg **out, const cw_pg_slices *s, const cw_pg *main)
{
	char sql[160];
	for (const char *c = s->snapshot; *c; c++) /* its id: hex digits and dashes only */
		if (!strchr("0123456789ABCDEFabcdef-", *c))
			return cw_error_set(CW_EDB, "%s: unexpected snapshot id", s->what);
	int rc = cw_pg_connect(out, main->conninfo);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '%s'",
	         s->snapshot);
	if ((rc = cw_pg_exec(*out, "joining the extraction's snapshot", sql)) == 0)
		rc = cw_pg_run_file(NULL, *out, "extract_params.sql", 3, s->window);
	if (rc == 0)
		rc = cw_pg_exec(*out, "setting the extraction up", "SET LOCAL max_parallel_workers_per_gather = 0");
	return rc;
}

/* One slice's COPY data into sl->data. */
static int fetch(worker *w, slice *sl)
{
	char sql[8192];
	int rc = slice_sql(sql, sizeof sql, w->s->sql, w->s->rels[sl->rel], sl->from, sl->to);
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(w->pg->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cw_pg_fail(w->pg, res, w->s->what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	cw_pg_copyout cr = { .pg = w->pg, .what = w->s->what };
	for (;;) {
		if (sl->cap - sl->len < (1 << 16) && cw_grow((void **)&sl->data, &sl->cap, sl->len + (1 << 16), 1) < 0) {
			rc = cw_error_set(CW_ENOMEM, "out of memory reading %s", w->s->what);
			/* end the COPY: read it to its end */
			char sink[4096];
			while (cw_pg_copyout_read(&cr, sink, sizeof sink) > 0)
				;
			break;
		}
		long k = cw_pg_copyout_read(&cr, sl->data + sl->len, sl->cap - sl->len);
		if (k < 0) {
			rc = cr.rc;
			break;
		}
		if (k == 0)
			break;
		sl->len += (size_t)k;
	}
	cw_pg_copyout_free(&cr);
	return rc;
}

static void *work(void *arg)
{
	worker *w = arg;
	cw_pg_slices *s = w->s;
	int rc = 0;
	if (w->k > 0)
		rc = join_snapshot(&w->pg, s, w->s->w[0].pg);
	for (int i = w->k; i < s->nsl; i += s->n) {
		pthread_mutex_lock(&s->mu);
		while (!s->stop && w->held >= 2)
			pthread_cond_wait(&s->cv, &s->mu);
		int stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		slice *sl = &s->sl[i];
		if (rc == 0)
			rc = fetch(w, sl);
		pthread_mutex_lock(&s->mu);
		if (rc < 0) {
			sl->rc = rc;
			snprintf(sl->msg, sizeof sl->msg, "%s", cw_error_last());
			sl->state = S_FAILED;
		} else {
			sl->state = S_READY;
			w->held++;
		}
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		if (rc < 0)
			break;
	}
	return NULL;
}

/* The relations and their blocks, cut into slices. 0 with s->nsl >= 0, or 1 when the layout is not
 * one the slices follow. */
static int plan(cw_pg_slices *s, cw_pg *pg)
{
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "extract_slices.sql", 0, NULL);
	if (rc < 0)
		return rc;
	int n = PQntuples(res), blocks = 0;
	const char *env = getenv("CW_PG_SLICE_BLOCKS");
	long per = env && atol(env) > 0 ? atol(env) : CW_PG_SLICE_BLOCKS;
	s->per = per;
	for (int r = 0; r < n; r++) {
		if (PQgetvalue(res, r, 2)[0] != 't') {
			PQclear(res);
			return 1;
		}
		blocks += (int)(atol(PQgetvalue(res, r, 1)) / per) + 1;
	}
	s->rels = calloc((size_t)n + 1, sizeof *s->rels);
	s->sl = calloc((size_t)blocks + 1, sizeof *s->sl);
	if (!s->rels || !s->sl)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	for (int r = 0; r < n && rc == 0; r++) {
		if (!(s->rels[r] = strdup(PQgetvalue(res, r, 0)))) {
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		s->nrels++;
		long size = atol(PQgetvalue(res, r, 1));
		s->blocks += size;
		for (long from = 0; from == 0 || from < size; from += per) {
			slice *sl = &s->sl[s->nsl++];
			sl->rel = r;
			sl->from = from;
			sl->to = from + per < size ? from + per : -1; /* the last: to the end */
			if (sl->to < 0)
				break;
		}
	}
	PQclear(res);
	return rc;
}

static void free_slices(cw_pg_slices *s)
{
	for (int i = 0; i < s->nrels; i++)
		free(s->rels[i]);
	free(s->rels);
	for (int i = 0; s->sl && i < s->nsl; i++)
		free(s->sl[i].data);
	free(s->sl);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

int cw_pg_slices_start(cw_pg_slices **out, cw_pg *pg, const char *sql, const char *snapshot,
                       const char *const window[3], int connections, const char *what)
{
	*out = NULL;
	cw_pg_slices *s = calloc(1, sizeof *s);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->sql = sql;
	s->what = what;
	s->snapshot = snapshot;
	for (int i = 0; i < 3; i++)
		s->window[i] = window[i];
	int rc = plan(s, pg);
	if (rc != 0) {
		free_slices(s);
		return rc < 0 ? rc : 0;
	}
	/* No more connections than whole slices: a small window is not worth another connection (the
	 * slices, and so the results, stay the same). */
	s->n = connections < 1 ? 1 : connections > CW_PG_CONNECTIONS_MAX ? CW_PG_CONNECTIONS_MAX : connections;
	if (s->n > s->blocks / s->per)
		s->n = s->blocks / s->per > 0 ? (int)(s->blocks / s->per) : 1;
	for (int k = 0; k < s->n; k++) {
		s->w[k] = (worker){ .s = s, .k = k, .pg = k == 0 ? pg : NULL };
		if (pthread_create(&s->w[k].thread, NULL, work, &s->w[k]) != 0) {
			rc = cw_error_set(CW_ENOMEM, "%s: cannot start a thread", what);
			break;
		}
		s->w[k].started = 1;
	}
	*out = s;
	if (rc < 0) {
		cw_pg_slices_stop(s);
		*out = NULL;
	}
	return rc;
}

int cw_pg_slices_next(cw_pg_slices *s, const char **data, size_t *len)
{
	pthread_mutex_lock(&s->mu);
	if (s->next > 0) { /* the slice given last is done with */
		slice *prev = &s->sl[s->next - 1];
		free(prev->data);
		prev->data = NULL;
		prev->state = S_TAKEN;
		s->w[(s->next - 1) % s->n].held--;
		pthread_cond_broadcast(&s->cv);
	}
	if (s->next == s->nsl) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	slice *sl = &s->sl[s->next];
	while (sl->state == S_WAITING)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (sl->state == S_FAILED)
		return cw_error_set(sl->rc, "%s", sl->msg);
	s->next++;
	*data = sl->data;
	*len = sl->len;
	return 1;
}

void cw_pg_slices_stop(cw_pg_slices *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (int k = 0; k < s->n; k++) {
		if (s->w[k].started)
			pthread_join(s->w[k].thread, NULL);
		if (k > 0 && s->w[k].pg) {
			PQclear(PQexec(s->w[k].pg->conn, "ROLLBACK"));
			cw_pg_close(s->w[k].pg);
		}
	}
	free_slices(s);
}
