/* test_serve_watch.c: the watch of `claimwatch serve` (serve/watch.c, watch_feed.c; docs/serve.md
 * "Watch", J2) at its edges: the rules' serve.watch checked with errors naming the key; an alert when
 * a value reaches its threshold and none one below; a finding counted once however often it is
 * reported, and taken off when withdrawn; today's counters starting again on a new day, the month's
 * not; checks counted apart; the drug share alert strictly above its target and only from the minimum
 * revenue; alerts of the listed units only (of all when the list is empty); the bounded alert list;
 * the top N when the list is empty. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "serve/watch.h"

static cw_rules *rules_of(const char *text)
{
	cw_rules *r = NULL;
	int rc = cw_rules_load_text(&r, tu_registry(), text, "test");
	if (rc < 0)
		fprintf(stderr, "%s\n", cw_error_last());
	assert_int_equal(rc, 0);
	return r;
}

/* the rules of the watches made: their strings are the configs' (freed at the end) */
static cw_rules *kept[32];
static size_t nkept;

static int free_rules(void **state)
{
	(void)state;
	while (nkept)
		cw_rules_free(kept[--nkept]);
	return 0;
}

static const char *const dets[] = { "duplicate_billing", "over_price" };

/* serve.watch of the rules text into a watch of 3 departments D0..D2 and 3 physicians P0..P2
 * (P0 and P1 of D0, P2 of D1); drug share target 0.5 for every unit. */
static cw_watch *watch_of(const char *text)
{
	static const char *const did[] = { "D0", "D1", "D2" }, *const pid[] = { "P0", "P1", "P2" };
	static const char *const dname[] = { "心内科", "全科", "外科" }, *const pname[] = { "张伟", "李娜", "王芳" };
	cw_rules *r = rules_of(text);
	cw_watch_config c;
	cw_watch *w = NULL;
	assert_int_equal(cw_watch_config_load(&c, r, dets, 2), 0);
	cw_month m = { 2026, 5 };
	assert_int_equal(cw_watch_new(&w, &c, 3, 3, m), 0);
	for (cw_ref i = 0; i < 3; i++) {
		cw_watch_unit(w, CW_WATCH_DEPT, i, did[i], dname[i], 0.5);
		cw_watch_unit(w, CW_WATCH_PHYS, i, pid[i], pname[i], 0.5);
	}
	assert_int_equal(cw_watch_mark_listed(w), 0);
	assert_true(nkept < sizeof kept / sizeof *kept);
	kept[nkept++] = r;
	return w;
}

static cw_minute at(int day, int hour)
{
	return (cw_minute)cw_days_from_civil(2026, 5, day) * CW_MINUTES_PER_DAY + hour * 60;
}

static cw_watch_hit hit(uint64_t id, int det, cw_fen money, cw_minute when, cw_ref dept, cw_ref phys)
{
	return (cw_watch_hit){ .id = id, .det = det, .money = money, .fund = money / 4, .when = when, .unit = { dept, phys } };
}

static void findings(cw_watch *w, uint64_t patient, const cw_watch_hit *h, size_t n)
{
	cw_watch_event e = { .patient = patient, .hits = h, .nhits = n };
	assert_int_equal(cw_watch_apply(w, &e), 0);
}

static void line(cw_watch *w, cw_minute t, cw_ref dept, cw_ref phys, cw_fen amount, int drug, int newvisit)
{
	cw_watch_line l = { .time = t, .unit = { dept, phys }, .amount = amount, .drug = drug,
		            .new_visit = { { (uint8_t)newvisit, (uint8_t)newvisit }, { (uint8_t)newvisit, (uint8_t)newvisit } } };
	cw_watch_event e = { .lines = &l, .nlines = 1 };
	assert_int_equal(cw_watch_apply(w, &e), 0);
}

/* The JSON of the watch, parsed (caller deletes). */
static cJSON *json(cw_watch *w, const char *lang)
{
	char *s = cw_watch_json(w, lang);
	assert_non_null(s);
	cJSON *o = cJSON_Parse(s);
	free(s);
	assert_non_null(o);
	return o;
}

static cJSON *unit(cJSON *o, const char *list, const char *id)
{
	cJSON *u;
	cJSON_ArrayForEach(u, cJSON_GetObjectItem(o, list))
		if (!strcmp(cJSON_GetObjectItem(u, "id")->valuestring, id))
			return u;
	return NULL;
}

static double num(cJSON *u, const char *period, const char *key)
{
	cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(u, period), key);
	assert_non_null(v);
	return cJSON_IsString(v) ? atof(v->valuestring) : v->valuedouble;
}

static int alerts(cJSON *o) { return cJSON_GetArraySize(cJSON_GetObjectItem(o, "alerts")); }

#define WATCH(extra) "{\"serve\":{\"watch\":{\"departments\":[\"D0\"],\"physicians\":[\"P0\",\"P2\"]" extra "}}}"

static void rules_checked(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ WATCH(",\"top\":-1"), "serve.watch.top" },
		{ WATCH(",\"alerts_kept\":0"), "serve.watch.alerts_kept" },
		{ "{\"serve\":{\"watch\":{\"departments\":[\"D0\",\"D0\"]}}}", "serve.watch.departments[1]: 'D0' is listed twice" },
		{ "{\"serve\":{\"watch\":{\"physicians\":[\"\"]}}}", "serve.watch.physicians[0]: an empty id" },
		{ WATCH(",\"department\":{\"hits_today\":-1}"), "serve.watch.department.hits_today" },
		{ WATCH(",\"physician\":{\"money_month\":-5}"), "serve.watch.physician.money_month" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cw_rules *r = rules_of(bad[i].text);
		cw_watch_config c;
		assert_int_equal(cw_watch_config_load(&c, r, dets, 2), CW_EINVALID);
		if (!strstr(cw_error_last(), bad[i].msg))
			fprintf(stderr, "%s -> %s\n", bad[i].text, cw_error_last());
		assert_non_null(strstr(cw_error_last(), bad[i].msg));
		cw_rules_free(r);
	}
	/* a wrong type is refused when the rules load, naming the key */
	cw_rules *r = NULL;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"serve\":{\"watch\":{\"top\":\"ten\"}}}", "test"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "serve.watch.top"));
	/* an id of no unit */
	cw_rules *r2 = rules_of("{\"serve\":{\"watch\":{\"physicians\":[\"P0\",\"NOPE\"]}}}");
	cw_watch_config c;
	cw_watch *w = NULL;
	assert_int_equal(cw_watch_config_load(&c, r2, dets, 2), 0);
	assert_int_equal(cw_watch_new(&w, &c, 1, 1, (cw_month){ 2026, 5 }), 0);
	cw_watch_unit(w, CW_WATCH_DEPT, 0, "D0", "", NAN);
	cw_watch_unit(w, CW_WATCH_PHYS, 0, "P0", "", NAN);
	assert_int_equal(cw_watch_mark_listed(w), CW_EINVALID);
	assert_string_equal(cw_error_last(), "serve.watch.physicians[1]: 'NOPE' is not in physicians.csv");
	cw_watch_free(w);
	cw_rules_free(r2);
}

/* hits_today 3 for a physician: two hits raise nothing, the third one alert, the fourth none more. */
static void hits_at_threshold(void **state)
{
	(void)state;
	cw_watch *w = watch_of(WATCH(",\"physician\":{\"hits_today\":3,\"hits_month\":0,\"money_today\":0,"
	                             "\"money_month\":0,\"drug_share\":false}"));
	line(w, at(10, 9), 0, 0, 1000, 0, 1);
	cw_watch_hit h[4] = { hit(1, 0, 100, at(10, 9), 0, 0), hit(2, 1, 200, at(10, 9), 0, 0),
		              hit(3, 0, 300, at(10, 9), 0, 0), hit(4, 0, 5, at(10, 9), 0, 0) };
	findings(w, 7, h, 2);
	cJSON *o = json(w, "en");
	assert_int_equal(alerts(o), 0); /* one below the threshold: no alert */
	assert_int_equal((int)num(unit(o, "physicians", "P0"), "today", "hits"), 2);
	cJSON_Delete(o);
	findings(w, 7, h, 2); /* reported again: counted once */
	o = json(w, "en");
	assert_int_equal((int)num(unit(o, "physicians", "P0"), "month", "hits"), 2);
	assert_int_equal(alerts(o), 0);
	cJSON_Delete(o);
	findings(w, 7, h, 3); /* at the threshold */
	o = json(w, "en");
	assert_int_equal(alerts(o), 1);
	cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0);
	assert_string_equal(cJSON_GetObjectItem(a, "unit")->valuestring, "physician");
	assert_string_equal(cJSON_GetObjectItem(a, "id")->valuestring, "P0");
	assert_string_equal(cJSON_GetObjectItem(a, "metric")->valuestring, "hits_today");
	assert_string_equal(cJSON_GetObjectItem(a, "value")->valuestring, "3");
	assert_string_equal(cJSON_GetObjectItem(a, "threshold")->valuestring, "3");
	assert_string_equal(cJSON_GetObjectItem(a, "day")->valuestring, "2026-05-10");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(a, "at_start")));
	assert_non_null(strstr(cJSON_GetObjectItem(a, "reason")->valuestring, "reached the threshold 3"));
	cJSON *p0 = unit(o, "physicians", "P0");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(p0, "month"), "money")->valuestring, "6.00");
	cJSON *by = cJSON_GetObjectItem(cJSON_GetObjectItem(p0, "month"), "by_detector");
	assert_int_equal((int)cJSON_GetObjectItem(by, "duplicate_billing")->valuedouble, 2);
	assert_int_equal((int)cJSON_GetObjectItem(by, "over_price")->valuedouble, 1);
	cJSON_Delete(o);
	findings(w, 7, h, 4); /* above: still one alert */
	o = json(w, "zh");
	assert_int_equal(alerts(o), 1);
	assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0), "reason")->valuestring,
	                       "达到阈值 3"));
	cJSON_Delete(o);
	/* withdrawn down to 2, then 3 again: a second crossing, a second alert */
	findings(w, 7, h, 2);
	o = json(w, "en");
	assert_int_equal((int)num(unit(o, "physicians", "P0"), "today", "hits"), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(unit(o, "physicians", "P0"), "month"), "money")->valuestring,
	                    "3.00");
	cJSON_Delete(o);
	findings(w, 7, h, 3);
	assert_int_equal(cw_watch_alerts_total(w), 2);
	/* P1 is not listed: at the threshold, no alert */
	cw_watch_hit q[3] = { hit(11, 0, 1, at(10, 9), 0, 1), hit(12, 0, 1, at(10, 9), 0, 1), hit(13, 0, 1, at(10, 9), 0, 1) };
	findings(w, 8, q, 3);
	assert_int_equal(cw_watch_alerts_total(w), 2);
	cw_watch_free(w);
}

/* money_month 10.00 yuan for a department: 9.99 raises nothing, 10.00 one alert. Another patient's
 * findings add up; one patient's findings replace only that patient's. */
static void money_at_threshold(void **state)
{
	(void)state;
	cw_watch *w = watch_of(WATCH(",\"department\":{\"hits_today\":0,\"hits_month\":0,\"money_today\":0,"
	                             "\"money_month\":10,\"drug_share\":false}"));
	line(w, at(3, 9), 0, 0, 1000, 0, 1);
	cw_watch_hit a = hit(1, 0, 599, at(2, 9), 0, 0), b = hit(2, 0, 400, at(3, 9), 0, 1), c = hit(3, 1, 401, at(3, 9), 0, 1);
	findings(w, 1, &a, 1);
	findings(w, 2, &b, 1);
	cJSON *o = json(w, "en");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(unit(o, "departments", "D0"), "month"), "money")->valuestring,
	                    "9.99");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(unit(o, "departments", "D0"), "today"), "money")->valuestring,
	                    "4.00"); /* a's day is not today */
	assert_int_equal(alerts(o), 0);
	cJSON_Delete(o);
	findings(w, 2, &c, 1); /* patient 2's b withdrawn, c added: 5.99 + 4.01 = 10.00 */
	o = json(w, "en");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(unit(o, "departments", "D0"), "month"), "money")->valuestring,
	                    "10.00");
	assert_int_equal(alerts(o), 1);
	cJSON *al = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0);
	assert_string_equal(cJSON_GetObjectItem(al, "metric")->valuestring, "money_month");
	assert_string_equal(cJSON_GetObjectItem(al, "threshold")->valuestring, "10.00");
	cJSON_Delete(o);
	cw_watch_free(w);
}

/* A line of a later day starts today's counters again; the month keeps them; checks apart. */
static void new_day_and_checks(void **state)
{
	(void)state;
	cw_watch *w = watch_of(WATCH(""));
	line(w, at(4, 8), 0, 0, 2000, 1, 1);
	line(w, at(4, 9), 0, 0, 1000, 0, 0);
	cw_watch_hit h = hit(9, 0, 50, at(4, 9), 0, 0);
	findings(w, 3, &h, 1);
	cJSON *o = json(w, "en");
	cJSON *d0 = unit(o, "departments", "D0");
	assert_string_equal(cJSON_GetObjectItem(o, "today")->valuestring, "2026-05-04");
	assert_int_equal((int)num(d0, "today", "lines"), 2);
	assert_int_equal((int)num(d0, "today", "visits"), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d0, "today"), "cost_per_visit")->valuestring, "30.00");
	assert_true(fabs(num(d0, "today", "drug_share") - 0.6667) < 1e-9);
	cJSON_Delete(o);
	line(w, at(5, 8), 0, 2, 500, 0, 1);
	cw_watch_hit hh = hit(5, 1, 70, at(5, 8), 1, 2);
	cw_watch_event chk = { .check = 1, .check_time = at(5, 9), .check_unit = { 1, 2 }, .hits = &hh, .nhits = 1 };
	assert_int_equal(cw_watch_apply(w, &chk), 0);
	o = json(w, "en");
	d0 = unit(o, "departments", "D0");
	assert_string_equal(cJSON_GetObjectItem(o, "today")->valuestring, "2026-05-05");
	assert_int_equal((int)num(d0, "today", "lines"), 1);
	assert_int_equal((int)num(d0, "today", "hits"), 0);
	assert_int_equal((int)num(d0, "month", "lines"), 3);
	assert_int_equal((int)num(d0, "month", "hits"), 1);
	assert_int_equal((int)num(d0, "month", "visits"), 2);
	cJSON *p2 = unit(o, "physicians", "P2");
	assert_int_equal((int)num(p2, "today", "checks"), 1);
	assert_int_equal((int)num(p2, "today", "check_hits"), 1);
	assert_int_equal((int)num(p2, "month", "hits"), 0); /* a check stores nothing */
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(p2, "month"), "check_money")->valuestring, "0.70");
	assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetObjectItem(o, "checks"), "month")->valuedouble, 1);
	cJSON_Delete(o);
	/* a line of an earlier day counts for the month only */
	line(w, at(1, 8), 0, 0, 100, 0, 1);
	o = json(w, "en");
	assert_int_equal((int)num(unit(o, "departments", "D0"), "today", "lines"), 1);
	assert_int_equal((int)num(unit(o, "departments", "D0"), "month", "lines"), 4);
	cJSON_Delete(o);
	/* a line outside the served month counts nowhere */
	line(w, at(1, 8) - CW_MINUTES_PER_DAY, 0, 0, 100, 0, 1);
	o = json(w, "en");
	assert_int_equal((int)num(unit(o, "departments", "D0"), "month", "lines"), 4);
	cJSON_Delete(o);
	cw_watch_free(w);
}

/* Drug share target 0.5, the detector's minimum department revenue 100 yuan (rules): 50.00 of 100.00
 * raises nothing (not above), 50.01 of 100.01 one alert; below the minimum revenue nothing. */
static void drug_share_over_target(void **state)
{
	(void)state;
	cw_watch *w = watch_of("{\"serve\":{\"watch\":{\"departments\":[\"D0\"],"
	                       "\"department\":{\"hits_today\":0,\"hits_month\":0,\"money_today\":0,\"money_month\":0,"
	                       "\"drug_share\":true},"
	                       "\"physician\":{\"hits_today\":0,\"hits_month\":0,\"money_today\":0,\"money_month\":0,"
	                       "\"drug_share\":false}}},"
	                       "\"detectors\":{\"drug_share\":{\"min_department_revenue\":100}}}");
	line(w, at(6, 8), 0, 0, 4000, 1, 1);
	line(w, at(6, 8), 0, 0, 3000, 0, 0); /* 40 of 70: above 0.5 but under the minimum revenue */
	assert_int_equal(cw_watch_alerts_total(w), 0);
	line(w, at(6, 9), 0, 0, 1000, 1, 0);
	line(w, at(6, 9), 0, 0, 2000, 0, 0); /* 50 of 100: at the target, not above */
	assert_int_equal(cw_watch_alerts_total(w), 0);
	line(w, at(6, 10), 0, 0, 1, 1, 0); /* 50.01 of 100.01 */
	cJSON *o = json(w, "en");
	assert_int_equal(alerts(o), 1);
	cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0);
	assert_string_equal(cJSON_GetObjectItem(a, "metric")->valuestring, "drug_share");
	assert_string_equal(cJSON_GetObjectItem(a, "threshold")->valuestring, "0.5000");
	assert_non_null(strstr(cJSON_GetObjectItem(a, "reason")->valuestring, "above its target 50.0%"));
	cJSON_Delete(o);
	cw_watch_free(w);
}

/* alerts_kept 2: the newest two are listed, the total counts all; a standing value at the end of a
 * rebuild raises its alert once, at_start. */
static void bounded_alerts_and_start(void **state)
{
	(void)state;
	cw_watch *w = watch_of("{\"serve\":{\"watch\":{\"alerts_kept\":2,\"physician\":{\"hits_today\":1,\"hits_month\":0,"
	                       "\"money_today\":0,\"money_month\":0,\"drug_share\":false}}}}"); /* no list: every unit */
	cw_watch_rebuilding(w, 1);
	line(w, at(8, 8), 0, 0, 100, 0, 1);
	cw_watch_hit h[3] = { hit(1, 0, 1, at(8, 8), 0, 0), hit(2, 0, 1, at(8, 8), 0, 1), hit(3, 0, 1, at(8, 8), 1, 2) };
	findings(w, 1, h, 1);
	assert_int_equal(cw_watch_alerts_total(w), 0); /* none while rebuilding */
	cw_watch_rebuilding(w, 0);
	assert_int_equal(cw_watch_alerts_total(w), 1);
	cJSON *o = json(w, "en");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0), "at_start")));
	cJSON_Delete(o);
	findings(w, 2, h + 1, 1);
	findings(w, 3, h + 2, 1);
	o = json(w, "en");
	assert_int_equal(alerts(o), 2);
	assert_int_equal((int)cJSON_GetObjectItem(o, "alerts_total")->valuedouble, 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "alerts"), 0), "id")->valuestring,
	                    "P2"); /* newest first */
	cJSON_Delete(o);
	cw_watch_free(w);
}

/* Empty lists: the top N by this month's money, only units with activity. */
static void top_when_unlisted(void **state)
{
	(void)state;
	cw_watch *w = watch_of("{\"serve\":{\"watch\":{\"top\":1}}}");
	line(w, at(8, 8), 1, 2, 100, 0, 1);
	line(w, at(8, 8), 2, 1, 100, 0, 1);
	cw_watch_hit h = hit(1, 0, 30, at(8, 8), 2, 1);
	findings(w, 1, &h, 1);
	cJSON *o = json(w, "en");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "departments")), 1);
	assert_non_null(unit(o, "departments", "D2"));
	assert_non_null(unit(o, "physicians", "P1"));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(unit(o, "physicians", "P1"), "listed")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "shown"), "departments")->valuestring, "top");
	cJSON_Delete(o);
	cw_watch_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_checked),
		cmocka_unit_test(hits_at_threshold),
		cmocka_unit_test(money_at_threshold),
		cmocka_unit_test(new_day_and_checks),
		cmocka_unit_test(drug_share_over_target),
		cmocka_unit_test(bounded_alerts_and_start),
		cmocka_unit_test(top_when_unlisted),
	};
	return cmocka_run_group_tests(tests, NULL, free_rules);
}
