/* history.h: the service's memory of the claims: the look-back window loaded at start (a dataset
 * read from the data folder) and, per patient, the visits, lines and prescriptions accepted since
 * (POST /v1/claims), with the findings standing for the patient's month.
 *
 * A claim is judged by the real detectors on a small dataset: cw_hist_dataset builds, through the
 * same builder as every source, the dataset of one patient (the patient's rows of the window, those
 * accepted since, and the request's new rows) with exactly the reference rows they name
 * (institutions, departments, physicians, items and the bundles those items belong to). The
 * detectors partitioned by patient see on it what they see of that patient in the batch.
 *
 * Threads: lookups and cw_hist_dataset may run on several threads at once under a read lock; adding
 * (cw_hist_add) needs the write lock. The locking is the caller's. */
#ifndef CW_SERVE_HISTORY_H
#define CW_SERVE_HISTORY_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"
#include "claimwatch/source.h"
#include "serve/request.h"

typedef struct cw_hist cw_hist;

/* Loads the month m with its look-back into *out: from the folder dir, or, when db is given, from
 * that PostgreSQL database by the source `run --db` reads (cw_load_db). Rows the loader rejects go to
 * the reject file at rejects_path. Returns 0 or a CW_E* code (message set). */
int cw_hist_load(cw_hist **out, cw_load_stats *stats, const char *dir, const char *db, cw_month m, int lookback,
                 const char *rejects_path, int threads);
void cw_hist_free(cw_hist *h);
const cw_window *cw_hist_window(const cw_hist *h);
/* The window loaded at start (never changed while the history lives). */
const cw_dataset *cw_hist_base(const cw_hist *h);
/* History size: claim lines of the window and accepted since; patients; bytes (approximate). */
size_t cw_hist_lines(const cw_hist *h);
size_t cw_hist_patients(const cw_hist *h);
size_t cw_hist_memory(const cw_hist *h);

/* What the history knows of a request's rows. */
typedef struct cw_hist_known {
	cw_ref patient;      /* the base dataset's patient row */
	int visit_known;     /* the visit is in the history */
	uint8_t *line_known; /* per request line: 1 when its line_id is in the history (for this visit) */
	uint8_t *rx_known;   /* per prescription row */
	size_t new_lines, new_rx;
} cw_hist_known;
void cw_hist_known_free(cw_hist_known *k);

/* Checks a request against the history: a known patient; a visit id not of another patient (and,
 * when known, the same row); line ids not of another visit; item and drug codes in the catalogue
 * (unless accept_uncatalogued); every time inside the served window. Fills *k. Returns 0, or
 * CW_EINVALID with *err filled, or CW_ENOMEM. */
int cw_hist_match(cw_hist_known *k, cw_req_error *err, const cw_hist *h, const cw_request *rq,
                  int accept_uncatalogued);

/* The dataset of the request's patient for the month m: the history plus the request's new rows.
 * A request row the builder refuses fills *err (422). Returns 0, CW_EINVALID or CW_ENOMEM. */
int cw_hist_dataset(cw_dataset **out, cw_req_error *err, const cw_hist *h, const cw_request *rq,
                    const cw_hist_known *k, cw_month m, int lookback);

/* Adds the request's new rows to the history (after the journal has them). Returns 0 or CW_ENOMEM. */
int cw_hist_add(cw_hist *h, const cw_request *rq, const cw_hist_known *k);

/* The findings standing for a patient's month (ids as 64-bit numbers, sorted): read and replace. */
void cw_hist_standing(const uint64_t **ids, size_t *n, const cw_hist *h, cw_ref patient, cw_month m);
int cw_hist_set_standing(cw_hist *h, cw_ref patient, cw_month m, const uint64_t *ids, size_t n);

/* The month a request belongs to: of its latest line, prescription or the admission. */
cw_month cw_request_month(const cw_request *rq);

#endif
