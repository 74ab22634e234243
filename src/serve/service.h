/* service.h: what `claimwatch serve` does, without HTTP: judging a claim on the patient's history
 * with the batch's own detectors, and accepting it into the journal (docs/serve.md).
 *
 * A claim is judged by every enabled detector that is partitioned by patient (claimwatch/detector.h:
 * over-price, duplicate, over-frequency, item restriction, split billing, repeat test, large
 * prescription, phantom service, substitution, stacked supply, split admission, idle bed, self-created
 * item...), configured once at start into a detector set (claimwatch/findings.h) and run by
 * cw_detect_set on the one-patient dataset of history.h for the claim's month, so the service and the
 * batch share one implementation of every rule. The detectors that compare a physician or a department with peers
 * (partition none) need the whole month and are left to the batch.
 *
 * The answer lists the hits: the findings of the patient's month that this claim brings (new since
 * the patient's last accepted claim) or that cite one of its lines or its visit; and the ids of the
 * findings that stood for the patient's month and no longer do ("withdrawn", e.g. a line since
 * refunded, or a finding that grew into a larger one). Replaying a month claim by claim, the hits
 * minus the withdrawn are the batch's findings of those detectors (tests/cli/test_serve_replay.sh). */
#ifndef CW_SERVE_SERVICE_H
#define CW_SERVE_SERVICE_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/rules.h"
#include "claimwatch/types.h"

typedef struct cw_service cw_service;

typedef struct cw_service_opts {
	const char *data_dir;
	cw_month month;        /* the served month: the window is its look-back and the month */
	int lookback_days;     /* -1: the rules' load.lookback_days */
	const cw_rules *rules; /* with the registry the detectors come from; must outlive the service */
	int accept_uncatalogued; /* take an item code outside the catalogue as the batch does */
	int threads;           /* for loading */
	const char *rejects_path;
	const char *lang;      /* "zh" (NULL) or "en": --lang, the answers' language when a request names none */
	const char *db;        /* a libpq connection string: history and journal in PostgreSQL, not data_dir */
	unsigned request_timeout_ms; /* the judging of one request (0: no limit); over it: 503 "timeout", nothing stored */
} cw_service_opts;

/* Opens the journal (repairing a torn tail), loads the history. Returns 0 or a CW_E* code. */
int cw_service_open(cw_service **out, const cw_service_opts *o);
void cw_service_free(cw_service *s);

/* Judges (commit 0: POST /v1/check, nothing stored) or judges and accepts (commit 1: POST
 * /v1/claims) one request body. *json gets the answer (caller frees), *status the HTTP status. The
 * hits' reasons and an error's message are in the body's "lang", else in lang (CW_MSG_ZH or
 * CW_MSG_EN: the request's ?lang=, Accept-Language or --lang, messages.h). Returns 0, or CW_ENOMEM. */
int cw_service_handle(char **json, int *status, cw_service *s, const char *body, size_t len, int commit, int lang);

/* Counters for /healthz and /metrics. */
typedef struct cw_service_stats {
	size_t history_lines, patients, memory;
	uint64_t checks, commits, errors;
	uint64_t lines_accepted, lines_duplicate;
	double seconds_loading;
	cw_month month;
	uint64_t hits_by_detector[64];
	const char *detector_name[64];
	size_t ndetectors;
} cw_service_stats;
void cw_service_stats_get(cw_service_stats *st, cw_service *s);

/* The JSON of GET /v1/watch in lang ("zh" or "en"): the watch's counters and alerts (watch.h); NULL
 * when out of memory (caller frees). */
char *cw_service_watch_json(cw_service *s, const char *lang);

#endif
