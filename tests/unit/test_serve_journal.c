/* test_serve_journal.c: the journal interface of `claimwatch serve` (serve/journal.h) and what it rests on:
 * an accepted claim's rows as the contract's text (journal_rows.c), the CSV backend through the interface
 * (each file's own column order, a column claimwatch does not read left empty, only the rows the history
 * does not know, a text with a comma quoted), the PostgreSQL backend refusing a database it cannot reach
 * with a clear error, and the TLS files of --tls-cert/--tls-key refused with the file named (tls.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "serve/journal.h"
#include "serve/journal_rows.h"
#include "serve/tls.h"

#define BODY "{\"visit\":{\"visit_id\":\"V9\",\"patient_id\":\"P1\",\"inst_id\":\"H1\",\"dept_id\":\"D1\"," \
	"\"physician_id\":\"DR1\",\"kind\":\"outpatient\",\"admit_time\":\"2026-05-21 08:00\",\"discharge_time\":null," \
	"\"dx_code\":\"I10\",\"dx_name\":\"高血压, 复诊\"}," \
	"\"lines\":[{\"line_id\":\"L1\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1.5\"," \
	"\"unit_price\":\"0.01\",\"amount\":\"0.02\",\"result\":\"positive\"}," \
	"{\"line_id\":\"L2\",\"item_code\":\"C1\",\"service_time\":\"2026-05-21 08:20\",\"qty\":\"1\"," \
	"\"unit_price\":\"3\",\"amount\":\"3\",\"fund_amount\":\"2.40\",\"self_amount\":\"0.60\"}]," \
	"\"prescriptions\":[{\"rx_id\":\"RX9\",\"line_no\":\"2\",\"physician_id\":\"DR1\",\"rx_time\":\"2026-05-21 09:00\"," \
	"\"drug_code\":\"D1\",\"qty\":\"2\",\"days_supply\":\"7\",\"amount\":\"36\"}]}"

static void parse(cw_request *rq)
{
	cw_req_error e = { 0 };
	assert_int_equal(cw_request_parse(rq, &e, BODY, strlen(BODY)), 0);
}

static void rows_as_text(void **state)
{
	(void)state;
	cw_request rq;
	cw_jrow t;
	parse(&rq);
	cw_jrow_visit(&t, &rq.visit);
	assert_string_equal(t.v[0], "V9");
	assert_string_equal(t.v[5], "outpatient");
	assert_string_equal(t.v[6], "2026-05-21 08:00");
	assert_null(t.v[7]); /* no discharge: NULL, an empty CSV field */
	assert_string_equal(t.v[9], "高血压, 复诊");
	cw_jrow_line(&t, &rq.lines[0].row);
	assert_string_equal(t.v[1], "V9"); /* the visit's, though the line did not say it */
	assert_string_equal(t.v[5], "1.5");
	assert_string_equal(t.v[6], "0.01");
	assert_null(t.v[8]); /* no fund amount given: none made up */
	assert_null(t.v[9]);
	cw_jrow_line(&t, &rq.lines[1].row);
	assert_string_equal(t.v[8], "2.40");
	assert_string_equal(t.v[9], "0.60");
	cw_jrow_rx(&t, &rq.rx[0]);
	assert_string_equal(t.v[1], "2");
	assert_string_equal(t.v[7], "7");
	assert_string_equal(t.v[8], "36.00");
	assert_string_equal(cw_jrow_result_name(rq.lines[0].result), "positive");
	cw_request_free(&rq);
}

static void csv_through_the_interface(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	tu_write(dir, "visits.csv", "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,"
	                            "dx_code,dx_name\n");
	/* its own column order, and a column claimwatch does not read */
	tu_write(dir, "claim_lines.csv", "amount,line_id,note,visit_id,item_code,physician_id,service_time,qty,unit_price\n");
	tu_write(dir, "prescriptions.csv", "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n");
	tu_write(dir, "exam_results.csv", "line_id,result\n");
	cw_journal *j = NULL;
	size_t repaired = 9;
	assert_int_equal(cw_journal_open_csv(&j, &repaired, dir), 0);
	assert_int_equal(repaired, 0);
	cw_request rq;
	parse(&rq);
	uint8_t line_known[2] = { 0, 1 }, rx_known[1] = { 0 };
	cw_hist_known k = { .visit_known = 0, .line_known = line_known, .rx_known = rx_known, .new_lines = 1, .new_rx = 1 };
	cw_req_error e = { 0 };
	assert_int_equal(cw_journal_append(j, &e, &rq, &k), 0);
	assert_null(e.code);
	cw_journal_close(j);
	char path[512];
	snprintf(path, sizeof path, "%s/claim_lines.csv", dir);
	char *txt = tu_read(path);
	assert_string_equal(strchr(txt, '\n') + 1, "0.02,L1,,V9,C1,,2026-05-21 08:10,1.5,0.01\n"); /* L2 was known */
	free(txt);
	snprintf(path, sizeof path, "%s/visits.csv", dir);
	txt = tu_read(path);
	assert_non_null(strstr(txt, "\nV9,P1,H1,D1,DR1,outpatient,2026-05-21 08:00,,I10,\"高血压, 复诊\"\n"));
	free(txt);
	snprintf(path, sizeof path, "%s/exam_results.csv", dir);
	txt = tu_read(path);
	assert_string_equal(txt, "line_id,result\nL1,positive\n");
	free(txt);
	snprintf(path, sizeof path, "%s/prescriptions.csv", dir);
	txt = tu_read(path);
	assert_non_null(strstr(txt, "\nRX9,2,V9,DR1,2026-05-21 09:00,D1,2,7,36.00\n"));
	free(txt);
	cw_request_free(&rq);
	tu_rmtree(dir);
	free(dir);
}

static void csv_missing_file(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_journal *j = NULL;
	size_t repaired;
	assert_int_equal(cw_journal_open_csv(&j, &repaired, dir), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "visits.csv"));
	assert_null(j);
	tu_rmtree(dir);
	free(dir);
}

static void pg_unreachable(void **state)
{
	(void)state;
	cw_journal *j = NULL;
	/* port 1 of the loopback: refused at once */
	assert_int_equal(cw_journal_open_pg(&j, "host=127.0.0.1 port=1 dbname=none connect_timeout=2"), CW_EDB);
	assert_non_null(strstr(cw_error_last(), "cannot connect to the database 127.0.0.1:1/none"));
	assert_null(j);
	assert_int_equal(cw_journal_open_pg(&j, "host='unterminated"), CW_EUSAGE);
	assert_null(j);
}

static void tls_files(void **state)
{
	(void)state;
	cw_tls t;
	assert_int_equal(cw_tls_load(&t, NULL, NULL), 0); /* no TLS */
	assert_int_equal(cw_tls_flag(&t), 0);
	assert_int_equal(cw_tls_options(&t)[0].option, MHD_OPTION_END);
	cw_tls_free(&t);
	char *dir = tu_tempdir();
	char cert[512], key[512];
	snprintf(cert, sizeof cert, "%s/none.crt", dir);
	snprintf(key, sizeof key, "%s/k.pem", dir);
	tu_write(dir, "k.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
	assert_int_equal(cw_tls_load(&t, cert, key), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "none.crt: cannot read it"));
	assert_null(t.cert);
	assert_int_equal(cw_tls_load(&t, dir, key), CW_EINVALID); /* a folder */
	assert_non_null(strstr(cw_error_last(), "not a regular file"));
	tu_write(dir, "empty.crt", "");
	snprintf(cert, sizeof cert, "%s/empty.crt", dir);
	assert_int_equal(cw_tls_load(&t, cert, key), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "empty.crt: not a PEM file (empty)"));
	tu_write(dir, "text.crt", "a certificate, they said\n");
	snprintf(cert, sizeof cert, "%s/text.crt", dir);
	assert_int_equal(cw_tls_load(&t, cert, key), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "text.crt: not a PEM certificate"));
	assert_int_equal(cw_tls_flag(&t), 0);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_as_text),
		cmocka_unit_test(csv_through_the_interface),
		cmocka_unit_test(csv_missing_file),
		cmocka_unit_test(pg_unreachable),
		cmocka_unit_test(tls_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
