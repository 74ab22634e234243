/* http.c: the HTTP side of `claimwatch serve` on libmicrohttpd (serve.h, docs/serve.md).
 *
 * libmicrohttpd (Debian's libmicrohttpd-dev) is a small, long-maintained embedded HTTP/1.1 server in
 * C with a thread pool, connection limits and timeouts, and TLS through GnuTLS. Here: a pool of
 * threads, each connection idle at most `timeout` seconds, at most `max_conn` connections, a body of
 * at most `max_body` bytes (a larger one is refused with 413 without being read to its end). The
 * routes: GET /healthz, GET /metrics, POST /v1/check, POST /v1/claims, GET /v1/watch and its page GET /watch. SIGTERM or SIGINT stops accepting, lets the
 * requests in progress finish, and returns. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "serve/messages.h"
#include "serve/request.h"
#include "serve/serve.h"
#include "serve/tls.h"
#include "serve/tokens.h"
#include "serve/watch.h"
#include "util/progress.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

/* The request counters of GET /metrics: by route and status class, and a latency histogram. */
enum { R_HEALTHZ, R_CHECK, R_CLAIMS, R_METRICS, R_WATCH, R_PAGE, R_OTHER, R_COUNT };
static const char *const route_name[R_COUNT] = { "/healthz", "/v1/check", "/v1/claims", "/metrics", "/v1/watch",
	                                         "/watch", "other" };
static const double bucket_ms[] = { 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000 };
#define NBUCKETS (sizeof bucket_ms / sizeof bucket_ms[0])

typedef struct counters {
	uint64_t requests[R_COUNT][6]; /* by status class: 1xx..5xx at [1..5] */
	uint64_t bucket[R_COUNT][NBUCKETS + 1];
	double seconds[R_COUNT];
} counters;

typedef struct server {
	cw_service *svc;
	const cw_serve_opts *o;
	cw_tokens *tokens; /* NULL: no tokens asked */
	counters n;
	cw_tls tls; /* --tls-cert/--tls-key (tls.h), empty without */
} server;

/* One request's state across the calls libmicrohttpd makes for it. */
typedef struct pending {
	char *body;
	size_t len, cap;
	int too_big;
	double t0;
	int status, route;
	char what[64]; /* "POST /v1/check": the log line's, never a query or a body */
	char who[48];  /* the token's name */
} pending;

static __thread pending *current;
static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER; /* the request being answered on this thread, for its log line */

static MHD_RESULT reply(struct MHD_Connection *c, int status, char *json, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(json);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (current)
		current->status = status;
	MHD_RESULT ok = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

/* The language of an answer (messages.h): the body's "lang" (body NULL: not read, or not to be
 * parsed), ?lang=, Accept-Language, --lang. */
static int answer_lang(struct MHD_Connection *c, const server *sv, const char *body, size_t len)
{
	return cw_msg_lang_choose(body ? cw_request_lang(body, len) : NULL,
	                          MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang"),
	                          MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
	                          cw_msg_lang(sv->o->service.lang));
}

/* A JSON error answer (messages.h): the message msg with arg as its {1}, in the request's language; the
 * body is looked at for its "lang" unless too large or not to be trusted yet (401). */
static MHD_RESULT refuse(struct MHD_Connection *c, const server *sv, const pending *p, int msg, const char *arg)
{
	cw_req_error e;
	int body = p->body && !p->too_big && msg != M_UNAUTHORIZED;
	cw_req_refuse(&e, msg, "", arg);
	char *s = cw_req_error_json(&e, answer_lang(c, sv, body ? p->body : NULL, p->len));
	return s ? reply(c, e.status, s, "application/json; charset=utf-8") : MHD_NO;
}

static MHD_RESULT healthz(struct MHD_Connection *c, server *sv)
{
	cw_service_stats st;
	char m[8], buf[4096], names[3072] = "";
	cw_service_stats_get(&st, sv->svc);
	for (size_t i = 0, n = 0; i < st.ndetectors && n + 64 < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s\"%s\"", i ? "," : "", st.detector_name[i]);
	snprintf(buf, sizeof buf,
	         "{\"status\":\"ok\",\"month\":\"%s\",\"history_lines\":%zu,\"patients\":%zu,\"memory_bytes\":%zu,"
	         "\"detectors\":[%s]}",
	         cw_month_format(m, st.month), st.history_lines, st.patients, st.memory, names);
	char *s = strdup(buf);
	return s ? reply(c, 200, s, "application/json") : MHD_NO;
}

/* GET /metrics: the Prometheus text format (version 0.0.4). */
static MHD_RESULT metrics(struct MHD_Connection *c, server *sv)
{
	cw_service_stats st;
	cw_service_stats_get(&st, sv->svc);
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	if (!f)
		return MHD_NO;
	fprintf(f, "# HELP claimwatch_serve_requests_total Requests answered, by route and status class.\n"
	           "# TYPE claimwatch_serve_requests_total counter\n");
	for (int r = 0; r < R_COUNT; r++)
		for (int k = 1; k < 6; k++)
			fprintf(f, "claimwatch_serve_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n", route_name[r], k,
			        (unsigned long long)__atomic_load_n(&sv->n.requests[r][k], __ATOMIC_RELAXED));
	fprintf(f, "# HELP claimwatch_serve_request_seconds Time from a request's first byte to its answer.\n"
	           "# TYPE claimwatch_serve_request_seconds histogram\n");
	pthread_mutex_lock(&metrics_lock);
	for (int r = 0; r < R_COUNT; r++) {
		unsigned long long cum = 0;
		for (size_t b = 0; b <= NBUCKETS; b++) {
			cum += __atomic_load_n(&sv->n.bucket[r][b], __ATOMIC_RELAXED);
			if (b < NBUCKETS)
				fprintf(f, "claimwatch_serve_request_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", route_name[r],
				        bucket_ms[b] / 1000, cum);
			else
				fprintf(f, "claimwatch_serve_request_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
				           "claimwatch_serve_request_seconds_sum{route=\"%s\"} %.6f\n"
				           "claimwatch_serve_request_seconds_count{route=\"%s\"} %llu\n",
				        route_name[r], cum, route_name[r], sv->n.seconds[r], route_name[r], cum);
		}
	}
	pthread_mutex_unlock(&metrics_lock);
	fprintf(f, "# HELP claimwatch_serve_hits_total Findings answered as hits, by detector.\n"
	           "# TYPE claimwatch_serve_hits_total counter\n");
	for (size_t d = 0; d < st.ndetectors; d++)
		fprintf(f, "claimwatch_serve_hits_total{detector=\"%s\"} %llu\n", st.detector_name[d],
		        (unsigned long long)st.hits_by_detector[d]);
	fprintf(f, "# HELP claimwatch_serve_history_lines Claim lines in the history.\n"
	           "# TYPE claimwatch_serve_history_lines gauge\nclaimwatch_serve_history_lines %zu\n"
	           "# HELP claimwatch_serve_history_patients Patients in the history.\n"
	           "# TYPE claimwatch_serve_history_patients gauge\nclaimwatch_serve_history_patients %zu\n"
	           "# HELP claimwatch_serve_history_bytes Memory the history holds.\n"
	           "# TYPE claimwatch_serve_history_bytes gauge\nclaimwatch_serve_history_bytes %zu\n"
	           "# HELP claimwatch_serve_lines_accepted_total Claim lines accepted into the journal.\n"
	           "# TYPE claimwatch_serve_lines_accepted_total counter\nclaimwatch_serve_lines_accepted_total %llu\n"
	           "# HELP claimwatch_serve_lines_known_total Claim lines sent again (not journalled twice).\n"
	           "# TYPE claimwatch_serve_lines_known_total counter\nclaimwatch_serve_lines_known_total %llu\n",
	        st.history_lines, st.patients, st.memory, (unsigned long long)st.lines_accepted,
	        (unsigned long long)st.lines_duplicate);
	if (fclose(f) != 0) {
		free(txt);
		return MHD_NO;
	}
	return reply(c, 200, txt, "text/plain; version=0.0.4; charset=utf-8");
}

/* GET /v1/watch?lang=zh|en: the watch's counters and alerts (watch.h), in the language an error answer
 * would take (?lang=, Accept-Language, --lang). */
static MHD_RESULT watch(struct MHD_Connection *c, server *sv, const pending *p)
{
	char *json = cw_service_watch_json(sv->svc, answer_lang(c, sv, NULL, 0) == CW_MSG_EN ? "en" : "zh");
	return json ? reply(c, 200, json, "application/json; charset=utf-8") : refuse(c, sv, p, M_OUT_OF_MEMORY, "");
}

/* GET /watch: the live page, which polls /v1/watch (watch_page.c). */
static MHD_RESULT watch_page(struct MHD_Connection *c)
{
	char *html = strdup(cw_watch_page_html);
	return html ? reply(c, 200, html, "text/html; charset=utf-8") : MHD_NO;
}

/* Collects the body; 1 while more is to come. */
static int collect(pending *p, const char *data, size_t *size, size_t max)
{
	if (!*size)
		return 0;
	if (p->too_big || p->len + *size > max) {
		p->too_big = 1;
		*size = 0;
		return 1;
	}
	if (p->len + *size + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		while (cap < p->len + *size + 1)
			cap *= 2;
		char *b = realloc(p->body, cap);
		if (!b) {
			p->too_big = 1;
			*size = 0;
			return 1;
		}
		p->body = b;
		p->cap = cap;
	}
	memcpy(p->body + p->len, data, *size);
	p->len += *size;
	*size = 0;
	return 1;
}

static MHD_RESULT post(struct MHD_Connection *c, server *sv, pending *p, int commit)
{
	if (p->too_big) {
		char max[24];
		snprintf(max, sizeof max, "%zu", sv->o->max_body);
		return refuse(c, sv, p, M_TOO_LARGE, max);
	}
	char *json;
	int status;
	if (cw_service_handle(&json, &status, sv->svc, p->body ? p->body : "", p->len, commit,
	                      answer_lang(c, sv, NULL, 0)) < 0)
		return refuse(c, sv, p, M_OUT_OF_MEMORY, "");
	return reply(c, status, json, "application/json; charset=utf-8");
}

static int is(const char *a, const char *b) { return !strcmp(a, b); }

static MHD_RESULT route(struct MHD_Connection *c, server *sv, pending *p, const char *url, const char *method);
static int is(const char *a, const char *b);

static MHD_RESULT handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                          const char *version, const char *data, size_t *size, void **state)
{
	(void)version;
	server *sv = cls;
	pending *p = *state;
	if (!p) {
		if (!(p = calloc(1, sizeof *p)))
			return MHD_NO;
		p->t0 = cw_now();
		snprintf(p->what, sizeof p->what, "%.8s %.48s", method, url);
		*state = p;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > sv->o->max_body) { /* refused before the body is read */
			p->too_big = 1;
			p->route = is(url, "/v1/claims") ? R_CLAIMS : is(url, "/v1/check") ? R_CHECK : R_OTHER;
			current = p;
			MHD_RESULT r = post(c, sv, p, 0);
			current = NULL;
			return r;
		}
		return MHD_YES;
	}
	if (collect(p, data, size, sv->o->max_body))
		return MHD_YES;
	current = p;
	MHD_RESULT r = route(c, sv, p, url, method);
	current = NULL;
	return r;
}

static MHD_RESULT route(struct MHD_Connection *c, server *sv, pending *p, const char *url, const char *method)
{
	int check = is(url, "/v1/check"), claims = is(url, "/v1/claims");
	p->route = check ? R_CHECK : claims ? R_CLAIMS : is(url, "/healthz") ? R_HEALTHZ : is(url, "/metrics") ? R_METRICS
	                                                                                                : R_OTHER;
	p->route = is(url, "/v1/watch") ? R_WATCH : is(url, "/watch") ? R_PAGE : p->route;
	static const int need[R_COUNT] = { 0, CW_ROLE_CHECK, CW_ROLE_COMMIT, CW_ROLE_WATCH, CW_ROLE_WATCH, 0, 0 };
	if (sv->tokens && need[p->route]) {
		const char *name;
		int roles = cw_tokens_roles(&name, sv->tokens,
		                            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
		snprintf(p->who, sizeof p->who, "%s", name);
		if (!roles)
			return refuse(c, sv, p, M_UNAUTHORIZED, "");
		if (!(roles & need[p->route]))
			return refuse(c, sv, p, M_FORBIDDEN, "");
	}
	if (p->route == R_METRICS)
		return is(method, "GET") ? metrics(c, sv) : refuse(c, sv, p, M_METHOD, "GET");
	if (is(url, "/healthz"))
		return is(method, "GET") ? healthz(c, sv) : refuse(c, sv, p, M_METHOD, "GET");
	if (p->route == R_WATCH)
		return is(method, "GET") ? watch(c, sv, p) : refuse(c, sv, p, M_METHOD, "GET");
	if (p->route == R_PAGE) /* the page holds no data: the token goes with its requests to /v1/watch */
		return is(method, "GET") ? watch_page(c) : refuse(c, sv, p, M_METHOD, "GET");
	if (check || claims)
		return is(method, "POST") ? post(c, sv, p, claims) : refuse(c, sv, p, M_METHOD, "POST");
	return refuse(c, sv, p, M_NOT_FOUND,
	              "GET /healthz, GET /metrics, POST /v1/check, POST /v1/claims, GET /v1/watch, GET /watch");
}

/* Logs the request (method, path, status, milliseconds: never a body, so never a patient id). */
static void done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
	(void)c;
	server *sv = cls;
	pending *p = *state;
	if (!p)
		return;
	double ms = (cw_now() - p->t0) * 1000;
	size_t b = 0;
	while (b < NBUCKETS && ms > bucket_ms[b])
		b++;
	__atomic_add_fetch(&sv->n.requests[p->route][p->status / 100 % 6], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sv->n.bucket[p->route][b], 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&metrics_lock);
	sv->n.seconds[p->route] += ms / 1000;
	pthread_mutex_unlock(&metrics_lock);
	if (!sv->o->quiet) {
		int lang = cw_msg_lang(sv->o->service.lang);
		char by[96] = "", early[64] = "";
		if (*p->who)
			cw_msg_format(by, sizeof by, M_LOG_BY, lang, "", p->who);
		if (why != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			cw_msg_format(early, sizeof early, M_LOG_CLOSED_EARLY, lang, "");
		fprintf(stderr, "serve: %s %d %.2f ms%s%s\n", p->what, p->status, ms, by, early);
	}
	free(p->body);
	free(p);
	*state = NULL;
}

static int parse_listen(struct sockaddr_in *a, const char *listen)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return cw_error_set(CW_EUSAGE, "--listen is HOST:PORT (127.0.0.1:8080), not '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!colon[1] || *end || port > 65535 || inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return cw_error_set(CW_EUSAGE, "--listen is an IPv4 HOST:PORT (127.0.0.1:8080), not '%s'", listen);
	return 0;
}

static int wait_for_stop(void)
{
	sigset_t set;
	int sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigwait(&set, &sig);
	return sig;
}

int cw_serve_run(const cw_serve_opts *o)
{
	struct sockaddr_in addr;
	int rc = parse_listen(&addr, o->listen);
	if (rc < 0)
		return rc;
	/* the threads libmicrohttpd starts inherit this mask: the signals come to sigwait only */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	server sv = { .o = o };
	int lang = cw_msg_lang(o->service.lang);
	if ((rc = cw_tls_load(&sv.tls, o->tls_cert, o->tls_key)) < 0)
		return rc;
	if (o->tokens && (rc = cw_tokens_load(&sv.tokens, o->tokens, lang)) < 0) {
		cw_tls_free(&sv.tls);
		return rc;
	}
	if ((rc = cw_service_open(&sv.svc, &o->service)) < 0) {
		cw_tokens_free(sv.tokens);
		cw_tls_free(&sv.tls);
		return rc;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY | MHD_USE_ITC | MHD_USE_ERROR_LOG | cw_tls_flag(&sv.tls),
		0, NULL, NULL, handler, &sv, MHD_OPTION_ARRAY, cw_tls_options(&sv.tls),
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		MHD_OPTION_CONNECTION_LIMIT, o->max_conn, MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
		MHD_OPTION_NOTIFY_COMPLETED, done, &sv, MHD_OPTION_END);
	if (!d) {
		cw_service_free(sv.svc);
		cw_tokens_free(sv.tokens);
		cw_tls_free(&sv.tls);
		return cw_error_set(CW_EIO, "cannot listen on %s (%s)", o->listen, strerror(errno));
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
	cw_service_stats st;
	cw_service_stats_get(&st, sv.svc);
	char lines[24], patients[24], secs[24], where[48], line[512];
	snprintf(lines, sizeof lines, "%zu", st.history_lines);
	snprintf(patients, sizeof patients, "%zu", st.patients);
	snprintf(secs, sizeof secs, "%.2f", st.seconds_loading);
	snprintf(where, sizeof where, "%s:%u%s", host, info ? info->port : ntohs(addr.sin_port),
	         sv.tls.cert ? " (TLS)" : "");
	fprintf(stderr, "serve: %s\n", cw_msg_format(line, sizeof line, M_LOG_START, lang, "", lines, patients, secs, where));
	int sig = wait_for_stop();
	fprintf(stderr, "serve: %s\n", cw_msg_format(line, sizeof line, M_LOG_STOPPING, lang, "", sig == SIGINT ? "SIGINT" : "SIGTERM"));
	MHD_quiesce_daemon(d);
	MHD_stop_daemon(d);
	cw_service_free(sv.svc);
	cw_tokens_free(sv.tokens);
	cw_tls_free(&sv.tls);
	fprintf(stderr, "serve: %s\n", cw_msg_format(line, sizeof line, M_LOG_STOPPED, lang, ""));
	return 0;
}
