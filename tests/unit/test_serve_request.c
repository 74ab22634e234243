/* test_serve_request.c: the request parser of `claimwatch serve` (serve/request.c, docs/serve.md) at
 * its boundaries: 5,000 rows taken and 5,001 refused, optional columns given as null, required ones
 * not, exact decimals, whitespace after the value but nothing else, and the code and path of every
 * refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "serve/request.h"

#define VISIT "\"visit\":{\"visit_id\":\"V9\",\"patient_id\":\"P1\",\"inst_id\":\"H1\",\"dept_id\":\"D1\"," \
	"\"physician_id\":\"DR1\",\"kind\":\"outpatient\",\"admit_time\":\"2026-05-21 08:00\",\"discharge_time\":null," \
	"\"dx_code\":\"I10\",\"dx_name\":null}"
#define LINE(id) "{\"line_id\":\"" id "\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1\"," \
	"\"unit_price\":\"0.01\",\"amount\":\"0.01\"}"

static int parse(cw_request *rq, cw_req_error *e, const char *body)
{
	memset(e, 0, sizeof *e);
	return cw_request_parse(rq, e, body, strlen(body));
}

/* Refused with this status, code and path. */
static void refused(const char *body, int status, const char *code, const char *path)
{
	cw_request rq;
	cw_req_error e;
	assert_int_equal(parse(&rq, &e, body), CW_EINVALID);
	if (e.status != status || strcmp(e.code, code) || strcmp(e.path, path))
		fprintf(stderr, "%s\n  -> %d %s at '%s': %s\n", body, e.status, e.code, e.path, e.message[CW_MSG_EN]);
	assert_int_equal(e.status, status);
	assert_string_equal(e.code, code);
	assert_string_equal(e.path, path);
	cw_request_free(&rq);
}

static void good_request(void **state)
{
	(void)state;
	cw_request rq;
	cw_req_error e;
	assert_int_equal(parse(&rq, &e, "{" VISIT ",\"lines\":[" LINE("L1") "],\"lang\":\"en\"} \n\t"), 0);
	assert_string_equal(rq.visit.visit_id, "V9");
	assert_null(rq.visit.dx_name);
	assert_int_equal(rq.visit.discharge, CW_MINUTE_NONE);
	assert_int_equal(rq.nlines, 1);
	assert_ptr_equal(rq.lines[0].row.visit_id, rq.visit.visit_id);
	assert_int_equal(rq.lines[0].row.amount, 1); /* 0.01 yuan is 1 fen, exactly */
	assert_int_equal(rq.lines[0].result, CW_RESULT_NONE);
	assert_string_equal(rq.lang, "en");
	cw_request_free(&rq);
	assert_int_equal(parse(&rq, &e, "{" VISIT "}"), 0);
	assert_null(rq.lang); /* none given: the service chooses (messages.h) */
	assert_int_equal(rq.nlines, 0);
	cw_request_free(&rq);
}

/* A body with n lines. */
static char *lines_body(size_t n)
{
	size_t cap = 256 + n * 160;
	char *b = malloc(cap), *p = b;
	p += sprintf(p, "{" VISIT ",\"lines\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s{\"line_id\":\"L%zu\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:10\","
		                "\"qty\":\"1\",\"unit_price\":\"1\",\"amount\":\"1\"}", i ? "," : "", i);
	strcpy(p, "]}");
	return b;
}

static void row_limit(void **state)
{
	(void)state;
	cw_request rq;
	cw_req_error e;
	char *at = lines_body(CW_REQ_MAX_ROWS), *over = lines_body(CW_REQ_MAX_ROWS + 1);
	assert_int_equal(parse(&rq, &e, at), 0);
	assert_int_equal(rq.nlines, CW_REQ_MAX_ROWS);
	cw_request_free(&rq);
	refused(over, 413, "too_many_rows", "lines");
	free(at);
	free(over);
}

static void refusals(void **state)
{
	(void)state;
	refused("", 400, "malformed_json", "");
	refused("{" VISIT "} x", 400, "malformed_json", "");
	refused("\"text\"", 400, "wrong_type", "");
	refused("{\"lines\":[]}", 400, "missing_field", "visit");
	refused("{" VISIT ",\"x\":1}", 400, "unknown_field", "x");
	refused("{" VISIT "," VISIT "}", 400, "duplicate_field", "visit");
	refused("{\"visit\":{\"visit_id\":\"V9\",\"visit_id\":\"V8\"}}", 400, "duplicate_field", "visit.visit_id");
	refused("{\"visit\":[]}", 400, "wrong_type", "visit");
	refused("{\"visit\":{\"visit_id\":\"V9\"}}", 400, "missing_field", "visit.patient_id");
	refused("{" VISIT ",\"lines\":[{\"line_id\":\"L1\",\"item_code\":null}]}", 400, "missing_field", "lines[0].item_code");
	refused("{" VISIT ",\"lines\":[1]}", 400, "wrong_type", "lines[0]");
	refused("{" VISIT ",\"lines\":[" LINE("L1") "," LINE("L1") "]}", 422, "duplicate_line", "lines[1]");
	refused("{" VISIT ",\"lang\":\"fr\"}", 422, "invalid_value", "lang");
	refused("{" VISIT ",\"lang\":1}", 400, "wrong_type", "lang");
	refused("{\"visit\":{\"visit_id\":\"V\\u0007\"}}", 400, "invalid_value", "visit.visit_id");
	refused("{" VISIT ",\"lines\":[{\"line_id\":\"L1\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:10\","
	        "\"qty\":\"1\",\"unit_price\":\"0.001\",\"amount\":\"1\"}]}", 422, "invalid_value", "lines[0].unit_price");
	refused("{" VISIT ",\"lines\":[{\"line_id\":\"L1\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:10\","
	        "\"qty\":\"1\",\"unit_price\":\"1\",\"amount\":\"1\",\"result\":\"maybe\"}]}", 422, "invalid_value",
	        "lines[0].result");
	refused("{" VISIT ",\"prescriptions\":[{\"rx_id\":\"R1\",\"line_no\":\"1\",\"visit_id\":\"V8\",\"physician_id\":\"DR1\","
	        "\"rx_time\":\"2026-05-21 09:00\",\"drug_code\":\"D1\",\"qty\":\"2\",\"days_supply\":\"7\",\"amount\":\"36\"}]}",
	        422, "other_visit", "prescriptions[0]");
	refused("{" VISIT ",\"prescriptions\":[{\"rx_id\":\"R1\",\"line_no\":\"1\"}]}", 400, "missing_field",
	        "prescriptions[0].physician_id");
}

static const char *body_lang(const char *body) { return cw_request_lang(body, strlen(body)); }

/* A refusal has its message in both languages; the body's "lang" is known even when the body is refused
 * for something else, and only when it parses. */
static void refusal_languages(void **state)
{
	(void)state;
	cw_request rq;
	cw_req_error e;
	assert_int_equal(parse(&rq, &e, "{\"lang\":\"en\",\"visit\":{\"visit_id\":\"V9\",\"x\":\"1\"}}"), CW_EINVALID);
	assert_string_equal(rq.lang, "en");
	assert_string_equal(e.code, "unknown_field");
	assert_string_equal(e.message[CW_MSG_EN], "visit.x: unknown field (the columns of visits)");
	assert_string_equal(e.message[CW_MSG_ZH], "visit.x：未知字段（应为 visits 的列）");
	cw_request_free(&rq);
	assert_int_equal(parse(&rq, &e, "{\"lang\":\"en\",\"visit\":1} x"), CW_EINVALID);
	assert_null(rq.lang);
	assert_string_equal(e.message[CW_MSG_ZH], "JSON 格式错误：第 24 字节处在值之后还有内容");
	cw_request_free(&rq);
	assert_int_equal(parse(&rq, &e, "{\"lang\":\"fr\",\"visit\":[]}"), CW_EINVALID);
	assert_null(rq.lang); /* not a language of the service: the answer's comes from elsewhere */
	assert_string_equal(e.message[CW_MSG_EN], "lang: \"zh\" or \"en\", not \"fr\"");
	assert_string_equal(e.message[CW_MSG_ZH], "lang：只能是 \"zh\" 或 \"en\"，不能是 \"fr\"");
	cw_request_free(&rq);
	assert_int_equal(parse(&rq, &e, "{\"visit\":[]}"), CW_EINVALID);
	assert_null(rq.lang);
	assert_string_equal(e.message[CW_MSG_EN], "visit: expected an object, got an array");
	assert_string_equal(e.message[CW_MSG_ZH], "visit：应为对象，实为数组");
	cw_request_free(&rq);
	assert_string_equal(body_lang("{\"lang\":\"zh\",\"foo\":1}"), "zh");
	assert_null(body_lang("{\"lang\":\"en\""));
	assert_null(body_lang("[\"en\"]"));
	assert_null(body_lang("{\"lang\":\"EN\"}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_request),
		cmocka_unit_test(row_limit),
		cmocka_unit_test(refusals),
		cmocka_unit_test(refusal_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
