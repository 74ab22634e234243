/* pg.c: connecting to PostgreSQL and running claimwatch's SQL with one-line errors (see pg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "util/grow.h"
#include "util/progress.h"
#include "util/resource.h"

#define COPYBUF_SEND (1u << 20) /* bytes buffered before a PQputCopyData */

/* Copies msg into dst as one line: line breaks and tabs become spaces, runs of spaces collapse,
 * "FATAL:  " loses its padding, and every occurrence of the password becomes "***". */
static void one_line(char *dst, size_t size, const char *msg, const char *password)
{
	size_t n = 0, plen = password && *password ? strlen(password) : 0;
	int space = 1;
	for (const char *p = msg; *p && n + 4 < size; p++) {
		if (plen && strncmp(p, password, plen) == 0) {
			memcpy(dst + n, "***", 3);
			n += 3;
			p += plen - 1;
			space = 0;
			continue;
		}
		char c = *p;
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c == ' ' && space)
			continue;
		space = c == ' ';
		dst[n++] = c;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = 0;
}

/* The libpq option `key` of a parsed connection string, or NULL. */
static const char *option(PQconninfoOption *opts, const char *key)
{
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, key) == 0)
			return o->val && *o->val ? o->val : NULL;
	return NULL;
}

/* Whether a connection string may hold a password: a password keyword, or a URL with user:password@. */
static int may_hold_password(const char *conninfo)
{
	if (strcasestr(conninfo, "password"))
		return 1;
	const char *scheme = strstr(conninfo, "://");
	if (!scheme)
		return 0;
	const char *at = strchr(scheme + 3, '@'), *colon = strchr(scheme + 3, ':');
	return at && colon && colon < at;
}

/* Notices and warnings of the server (client_min_messages is warning) as one note line each. */
static void notice(void *arg, const char *message)
{
	cw_pg *pg = arg;
	char line[1024];
	one_line(line, sizeof line, message, pg->password);
	cw_progress_note("%s: %s", pg->target, line);
}

/* Parses the string to find its password (to mask it) and a name for messages, before any
 * connection is tried. A string libpq cannot parse fails here with libpq's reason. */
static int parse_conninfo(cw_pg *pg, const char *conninfo)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
	if (!opts) {
		char line[512];
		one_line(line, sizeof line, err ? err : "out of memory", NULL);
		PQfreemem(err);
		/* libpq quotes the piece it could not parse, which may be (part of) a password: when the
		 * string may hold one, say less. */
		if (may_hold_password(conninfo))
			return cw_error_set(CW_EUSAGE, "invalid database connection string (libpq cannot parse it; it "
			                    "may hold a password, so its text is not shown)");
		return cw_error_set(CW_EUSAGE, "invalid database connection string (%s)", line);
	}
	const char *pw = option(opts, "password");
	if (pw && !(pg->password = strdup(pw))) {
		PQconninfoFree(opts);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	const char *host = option(opts, "host");
	if (!host)
		host = getenv("PGHOST");
	const char *port = option(opts, "port");
	if (!port)
		port = getenv("PGPORT");
	const char *db = option(opts, "dbname");
	if (!db)
		db = getenv("PGDATABASE");
	snprintf(pg->target, sizeof pg->target, "%s:%s/%s", host ? host : "localhost", port ? port : "5432",
	         db ? db : "(default database)");
	PQconninfoFree(opts);
	return 0;
}

int cw_pg_fail(cw_pg *pg, const PGresult *res, const char *what)
{
	/* The server's primary message and detail; libpq's own message otherwise (a lost connection). */
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	char full[1024];
	if (msg && detail) {
		snprintf(full, sizeof full, "%s (%s)", msg, detail);
		msg = full;
	}
	if ((!msg || !*msg) && res)
		msg = PQresultErrorMessage(res);
	if (!msg || !*msg)
		msg = pg && pg->conn ? PQerrorMessage(pg->conn) : "no connection";
	if (!msg || !*msg)
		msg = "unknown error";
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char line[1024];
	one_line(line, sizeof line, msg, pg ? pg->password : NULL);
	if (strncmp(line, "ERROR: ", 7) == 0)
		memmove(line, line + 7, strlen(line + 7) + 1);
	if (state && (!strcmp(state, "42P01") || !strcmp(state, "3F000") || !strcmp(state, "42883")))
		return cw_error_set(CW_ENOTFOUND, "%s: %s (are the tables there? `claimwatch db init --db URL` "
		                    "creates them)", what, line);
	if (pg && pg->connected && PQstatus(pg->conn) == CONNECTION_BAD)
		return cw_error_set(CW_EDB, "%s: the connection to %s was lost: %s", what, pg->target, line);
	return cw_error_set(CW_EDB, "%s: %s", what, line);
}

int cw_pg_connect(cw_pg **out, const char *conninfo)
{
	*out = NULL;
	cw_pg *pg = calloc(1, sizeof *pg);
	if (!pg)
		return cw_error_set(CW_ENOMEM, "out of memory");
	pg->load_wait = CW_PG_LOAD_WAIT;
	if (!(pg->conninfo = strdup(conninfo ? conninfo : ""))) {
		free(pg);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	int rc = parse_conninfo(pg, conninfo);
	if (rc < 0) {
		cw_pg_close(pg);
		return rc;
	}
	/* Our defaults come first so that the user's string (expanded from dbname) overrides them;
	 * PGCONNECT_TIMEOUT is honoured by not giving a timeout at all. */
	const char *keys[4], *vals[4];
	int n = 0;
	keys[n] = "fallback_application_name", vals[n++] = "claimwatch";
	if (!getenv("PGCONNECT_TIMEOUT"))
		keys[n] = "connect_timeout", vals[n++] = "10";
	keys[n] = "dbname", vals[n++] = conninfo;
	keys[n] = NULL, vals[n] = NULL;
	pg->conn = PQconnectdbParams(keys, vals, 1);
	if (!pg->conn) {
		cw_pg_close(pg);
		return cw_error_set(CW_ENOMEM, "out of memory connecting to the database");
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		char line[1024];
		one_line(line, sizeof line, PQerrorMessage(pg->conn), pg->password);
		rc = cw_error_set(CW_EDB, "cannot connect to the database %s: %s", pg->target, line);
		cw_pg_close(pg);
		return rc;
	}
	pg->connected = 1;
	PQsetNoticeProcessor(pg->conn, notice, pg);
	snprintf(pg->target, sizeof pg->target, "%s:%s/%s", PQhost(pg->conn), PQport(pg->conn), PQdb(pg->conn));
	if (PQsetClientEncoding(pg->conn, "UTF8") != 0 ||
	    (rc = cw_pg_exec(pg, "setting the session up", "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = "
	                     "'postgres'; SET extra_float_digits = 1; "
	                     "SET client_min_messages = warning")) < 0) {
		rc = rc < 0 ? rc : cw_pg_fail(pg, NULL, "setting client_encoding to UTF8");
		cw_pg_close(pg);
		return rc;
	}
	*out = pg;
	return 0;
}

void cw_pg_close(cw_pg *pg)
{
	if (!pg)
		return;
	if (pg->conn)
		PQfinish(pg->conn);
	if (pg->password) {
		memset(pg->password, 0, strlen(pg->password));
		free(pg->password);
	}
	if (pg->conninfo) {
		memset(pg->conninfo, 0, strlen(pg->conninfo));
		free(pg->conninfo);
	}
	free(pg);
}

int cw_pg_sql(const char **sql, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "queries/%s", name);
	*sql = cw_resource_get(path, NULL);
	if (!*sql)
		return cw_error_set(CW_ENOTFOUND, "%s: no such query compiled into this claimwatch", path);
	return 0;
}

static int check(cw_pg *pg, PGresult *res, const char *what, PGresult **out)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int rc = cw_pg_fail(pg, res, what);
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

int cw_pg_exec(cw_pg *pg, const char *what, const char *sql)
{
	return check(pg, PQexec(pg->conn, sql), what, NULL);
}

int cw_pg_query(PGresult **out, cw_pg *pg, const char *what, const char *sql, int nparams,
                const char *const *params)
{
	if (out)
		*out = NULL;
	return check(pg, PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0), what, out);
}

int cw_pg_run_file(PGresult **out, cw_pg *pg, const char *file, int nparams, const char *const *params)
{
	const char *sql;
	int rc = cw_pg_sql(&sql, file);
	if (rc < 0)
		return rc;
	char what[160];
	snprintf(what, sizeof what, "queries/%s", file);
	return cw_pg_query(out, pg, what, sql, nparams, params);
}

/* --- COPY FROM STDIN --------------------------------------------------------------------------- */

int cw_pg_copy_in_begin(cw_pg *pg, const char *what, const char *sql)
{
	PGresult *res = PQexec(pg->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		int rc = cw_pg_fail(pg, res, what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	return 0;
}

int cw_pg_copy_in_put(cw_pg *pg, const char *what, const char *buf, size_t len)
{
	while (len > 0) {
		int piece = len > (1u << 30) ? 1 << 30 : (int)len;
		if (PQputCopyData(pg->conn, buf, piece) != 1)
			return cw_pg_fail(pg, NULL, what);
		buf += piece;
		len -= (size_t)piece;
	}
	return 0;
}

int cw_pg_copy_in_end(cw_pg *pg, const char *what)
{
	if (PQputCopyEnd(pg->conn, NULL) != 1)
		return cw_pg_fail(pg, NULL, what);
	int rc = 0;
	PGresult *res;
	while ((res = PQgetResult(pg->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = cw_pg_fail(pg, res, what);
		PQclear(res);
	}
	return rc;
}

void cw_pg_copy_in_abort(cw_pg *pg, const char *why)
{
	if (PQstatus(pg->conn) != CONNECTION_OK)
		return;
	PQputCopyEnd(pg->conn, why);
	PGresult *res;
	while ((res = PQgetResult(pg->conn)) != NULL) /* the server's answer: the copy failed, as asked */
		PQclear(res);
}

int cw_copybuf_init(cw_copybuf *cb, cw_pg *pg, const char *what)
{
	memset(cb, 0, sizeof *cb);
	cb->pg = pg;
	cb->what = what;
	cb->cap = COPYBUF_SEND + 65536;
	cb->buf = malloc(cb->cap);
	return cb->buf ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

int cw_copybuf_flush(cw_copybuf *cb)
{
	if (cb->rc == 0 && cb->len)
		cb->rc = cw_pg_copy_in_put(cb->pg, cb->what, cb->buf, cb->len);
	cb->len = 0;
	return cb->rc;
}

static int reserve(cw_copybuf *cb, size_t need)
{
	if (cb->len + need <= cb->cap)
		return 0;
	if (cb->len >= COPYBUF_SEND && cw_copybuf_flush(cb) < 0)
		return -1;
	if (cb->len + need <= cb->cap)
		return 0;
	if ((cb->rc = cw_grow((void **)&cb->buf, &cb->cap, cb->len + need, 1)) < 0)
		return -1;
	return 0;
}

char *cw_copybuf_room(cw_copybuf *cb, size_t need)
{
	if (cb->rc < 0 || reserve(cb, need) < 0)
		return NULL;
	return cb->buf + cb->len;
}

void cw_copybuf_field(cw_copybuf *cb, const char *s, size_t len, int last)
{
	if (cb->rc < 0 || reserve(cb, 2 * len + 3) < 0)
		return;
	char *o = cb->buf + cb->len;
	int quote = 0;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == '\\';
	/* A lone \. would end the data in text format; in csv it is only special as a whole line. */
	if (!quote && len == 2 && s[0] == '\\' && s[1] == '.')
		quote = 1;
	if (!quote) {
		if (len) /* s is NULL for a column the file does not have */
			memcpy(o, s, len);
		o += len;
	} else {
		*o++ = '"';
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				*o++ = '"';
			*o++ = s[i];
		}
		*o++ = '"';
	}
	*o++ = last ? '\n' : ',';
	cb->len = (size_t)(o - cb->buf);
	if (cb->len >= COPYBUF_SEND)
		cw_copybuf_flush(cb);
}

void cw_copybuf_free(cw_copybuf *cb)
{
	free(cb->buf);
	cb->buf = NULL;
}

/* --- COPY TO STDOUT ----------------------------------------------------------------------------- */

static int copyout_fail(cw_pg_copyout *r, const PGresult *res)
{
	r->rc = cw_pg_fail(r->pg, res, r->what);
	r->done = 1;
	return r->rc;
}

/* The end of the COPY: its command result must be a success. */
static int copyout_finish(cw_pg_copyout *r)
{
	PGresult *res;
	int rc = 0;
	r->done = 1;
	while ((res = PQgetResult(r->pg->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = copyout_fail(r, res);
		PQclear(res);
	}
	return rc;
}

long cw_pg_copyout_read(void *ctx, char *buf, size_t n)
{
	cw_pg_copyout *r = ctx;
	size_t got = 0;
	while (got < n) {
		if (r->off == r->len) {
			if (r->row)
				PQfreemem(r->row);
			r->row = NULL;
			r->len = r->off = 0;
			if (r->done)
				break;
			int k = PQgetCopyData(r->pg->conn, &r->row, 0);
			if (k == -1) {
				if (copyout_finish(r) < 0)
					return -1;
				break;
			}
			if (k < 0)
				return copyout_fail(r, NULL), -1;
			r->len = (size_t)k;
		}
		size_t take = r->len - r->off < n - got ? r->len - r->off : n - got;
		memcpy(buf + got, r->row + r->off, take);
		r->off += take;
		got += take;
	}
	return (long)got;
}

void cw_pg_copyout_free(cw_pg_copyout *r)
{
	if (r->row)
		PQfreemem(r->row);
	r->row = NULL;
	r->len = r->off = 0;
}
