/* serve.h: `claimwatch serve`, the HTTP service (docs/serve.md): the command line's one call. */
#ifndef CW_SERVE_SERVE_H
#define CW_SERVE_SERVE_H
#include <stddef.h>
#include "serve/service.h"

typedef struct cw_serve_opts {
	cw_service_opts service;
	const char *listen;   /* "127.0.0.1:8080" (port 0: any free port, printed) */
	size_t max_body;      /* bytes of a request body */
	unsigned timeout;     /* seconds a connection may stay idle */
	unsigned max_conn;    /* connections at once */
	unsigned threads;     /* threads serving requests */
	int quiet;            /* no line per request */
	const char *tokens;   /* the tokens file (tokens.h), NULL: no tokens asked */
	const char *tls_cert, *tls_key; /* PEM files (tls.h): HTTPS; NULL: plain HTTP */
} cw_serve_opts;

/* Loads the history, listens, and serves until SIGTERM or SIGINT, then finishes the requests in
 * progress and returns 0; or returns a CW_E* code (message set) when it cannot start. Logs go to
 * standard error, never with a patient id. */
int cw_serve_run(const cw_serve_opts *o);

#endif
