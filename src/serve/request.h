/* request.h: the body of POST /v1/check and POST /v1/claims, parsed strictly (docs/serve.md).
 *
 * A request is one visit as it would be submitted, with its claim lines and prescriptions:
 *
 *   {"visit": {"visit_id": "V1", "patient_id": "P1", ...},     the columns of visits.csv
 *    "lines": [{"line_id": "L1", "item_code": "C1", ...}],     of claim_lines.csv (visit_id optional),
 *                                                              plus an optional "result"
 *    "prescriptions": [{"rx_id": "RX1", "line_no": "1", ...}], of prescriptions.csv (visit_id optional)
 *    "lang": "zh" | "en"}                                      optional, the language of the reasons
 *                                                              and of an error's message
 *
 * Every value is a JSON string in the data contract's text form (docs/data-format.md), so money and
 * quantities stay exact decimals, or null for an optional column. The values are typed by the same
 * code as a CSV row (source/rows.c: cw_row_type), so a value the batch would reject is rejected here
 * with the same reason. Anything else is an error with a code, the JSON path and a message: malformed
 * JSON, a member that is not an object or array where one is needed, an unknown or repeated field, a
 * value that is not a string, a missing required column, a line or prescription of another visit, a
 * text value with a control character (the journal keeps one record per line). */
#ifndef CW_SERVE_REQUEST_H
#define CW_SERVE_REQUEST_H
#include <stddef.h>
#include "claimwatch/dataset.h"
#include "serve/messages.h"

#define CW_REQ_MAX_ROWS 5000 /* lines, and prescriptions, of one request */

/* A request's error (messages.h): HTTP status, a stable code ("malformed_json", "unknown_field",
 * "wrong_type", "missing_field", "invalid_value", "unknown_item", "other_patient", "other_visit",
 * "conflict", "too_many_rows"...), the JSON path of the fault ("lines[2].qty", "" for the whole body)
 * and the message in Chinese and English. */

typedef struct cw_req_line {
	cw_claim_row row;
	int result; /* enum cw_result, CW_RESULT_NONE when not given */
} cw_req_line;

/* A parsed request: every string points into the request's own memory. */
typedef struct cw_request {
	cw_visit_row visit;
	cw_req_line *lines;
	size_t nlines;
	cw_rx_row *rx;
	size_t nrx;
	const char *lang; /* "zh" or "en" as the body gave it, NULL when it gave none (cw_msg_lang_choose) */
	char *arena;      /* the strings */
	size_t arena_len, arena_cap;
} cw_request;

/* Parses len bytes of body into *rq (free with cw_request_free, also after a failure). Returns 0, or
 * CW_EINVALID with *err filled, or CW_ENOMEM. */
int cw_request_parse(cw_request *rq, cw_req_error *err, const char *body, size_t len);
void cw_request_free(cw_request *rq);

/* The "lang" of a body that parses as a JSON object with "lang" "zh" or "en" (even when something
 * else in it is wrong); NULL otherwise. For the answers refused before the body is parsed. */
const char *cw_request_lang(const char *body, size_t len);

#endif
