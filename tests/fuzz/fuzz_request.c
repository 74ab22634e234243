/* fuzz_request.c: libFuzzer harness for the request parser of `claimwatch serve`
 * (src/serve/request.c): the body of POST /v1/check and /v1/claims.
 *
 * Whatever the bytes, parsing must either succeed or fail with an error that has an HTTP status of
 * 400, 413 or 422, a code and a message in Chinese and in English; a parsed request's strings are NUL-terminated, its visit is
 * set and every line and prescription names that visit. The same bytes as an Accept-Language header
 * (serve/messages.c) give zh, en or neither, and the body's language alone (cw_request_lang) is the one
 * the full parse found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "serve/request.h"

#define CHECK(c)                                                                                \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_request: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_request rq;
	cw_req_error err = { 0 };
	int rc = cw_request_parse(&rq, &err, (const char *)data, size);
	if (rc == 0) {
		CHECK(rq.visit.visit_id && rq.visit.patient_id && strlen(rq.visit.visit_id) <= 64);
		for (size_t i = 0; i < rq.nlines; i++)
			CHECK(rq.lines[i].row.visit_id == rq.visit.visit_id && rq.lines[i].row.line_id);
		for (size_t i = 0; i < rq.nrx; i++)
			CHECK(rq.rx[i].visit_id == rq.visit.visit_id && rq.rx[i].rx_id);
		CHECK(!rq.lang || !strcmp(rq.lang, "zh") || !strcmp(rq.lang, "en"));
	} else if (rc == CW_EINVALID) {
		CHECK(err.status == 400 || err.status == 413 || err.status == 422);
		CHECK(err.code && *err.code && err.message[CW_MSG_ZH][0] && err.message[CW_MSG_EN][0]);
		CHECK(!rq.lang || !strcmp(rq.lang, "zh") || !strcmp(rq.lang, "en"));
	} else {
		CHECK(rc == CW_ENOMEM);
	}
	const char *lang = cw_request_lang((const char *)data, size);
	CHECK(rc == CW_ENOMEM || (lang == NULL) == (rq.lang == NULL));
	CHECK(!lang || !rq.lang || !strcmp(lang, rq.lang));
	cw_request_free(&rq);
	char *header = malloc(size + 1);
	if (header) {
		memcpy(header, data, size);
		header[size] = 0;
		int l = cw_msg_accept_language(header);
		CHECK(l == -1 || l == CW_MSG_ZH || l == CW_MSG_EN);
		free(header);
	}
	return 0;
}
