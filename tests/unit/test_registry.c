/* test_registry.c: the detector registry (src/engine/registry.c) and what the rules and detection take
 * from it: every check of cw_registry_add, plug-ins refused (another interface version, no table, no
 * file), a detector's own defaults merged under detectors.<name> and open to the user's rules, the
 * rules' "plugins" relative to the rules file, and ctx->metrics only for a detector that asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"

static int seen_metrics[2]; /* per test detector: scan() saw ctx->metrics */

static int configure(void **out, const cw_section *rules)
{
	long long limit;
	int rc = cw_section_int(&limit, rules, "limit", 0, 100);
	*out = NULL;
	return rc;
}

static int scan_plain(cw_findings *out, const cw_scan *ctx)
{
	(void)out;
	seen_metrics[0] = ctx->metrics != NULL;
	return 0;
}

static int scan_metrics(cw_findings *out, const cw_scan *ctx)
{
	(void)out;
	seen_metrics[1] = ctx->metrics != NULL;
	return 0;
}

static const cw_detector plain = {
	CW_DETECTOR_INIT,
	.name = "plain",
	.title_zh = "普通",
	.title_en = "Plain",
	.summary = "finds nothing",
	.defaults = "{ \"limit\": 5 }",
	.configure = configure,
	.scan = scan_plain,
};

static const cw_detector with_metrics = {
	CW_DETECTOR_INIT,
	.name = "with_metrics",
	.title_zh = "指标",
	.title_en = "With metrics",
	.summary = "reads the metrics",
	.defaults = "{ \"enabled\": false, \"limit\": 1 }",
	.needs = CW_NEEDS_METRICS,
	.configure = configure,
	.scan = scan_metrics,
};

static cw_registry *two(void)
{
	cw_registry *reg;
	assert_int_equal(cw_registry_new(&reg), 0);
	assert_int_equal(cw_registry_add(reg, &plain), 0);
	assert_int_equal(cw_registry_add(reg, &with_metrics), 0);
	return reg;
}

static void refused(cw_registry *reg, const cw_detector *d, const char *message)
{
	assert_int_equal(cw_registry_add(reg, d), CW_EINVALID);
	if (!strstr(cw_error_last(), message))
		fail_msg("message '%s' lacks '%s'", cw_error_last(), message);
}

static void test_add_checks(void **state)
{
	(void)state;
	cw_registry *reg = two();
	assert_int_equal(cw_registry_count(reg), 2);
	assert_ptr_equal(cw_registry_find(reg, "with_metrics"), &with_metrics);
	assert_int_equal(cw_registry_index(reg, "plain"), 0);
	assert_int_equal(cw_registry_index(reg, "none"), -1);
	assert_null(cw_registry_get(reg, 2));
	assert_int_equal(cw_registry_add(reg, &plain), 0); /* the same one again: nothing */
	assert_int_equal(cw_registry_count(reg), 2);
	cw_detector d = plain;
	refused(reg, &d, "two detectors are named plain");
	d.name = "Plain-2";
	refused(reg, &d, "a name is 1 to 48 of a-z, 0-9 and _");
	d.name = "other";
	d.title_en = "";
	refused(reg, &d, "title_zh, title_en and summary are required");
	d = plain;
	d.name = "other";
	d.scan = NULL;
	refused(reg, &d, "configure and scan are required");
	d = plain;
	d.version = CW_DETECTOR_VERSION + 1;
	refused(reg, &d, "built for detector interface version 4; this claimwatch has version 3");
	d = plain;
	d.size = sizeof d - 8;
	refused(reg, &d, "its struct has");
	assert_int_equal(cw_registry_count(reg), 2);
	cw_registry_free(reg);
	assert_int_equal(cw_registry_count(NULL), 0); /* no registry: no detectors */
	assert_null(cw_registry_find(NULL, "plain"));
}

static void test_plugins_refused(void **state)
{
	(void)state;
	cw_registry *reg = two();
	assert_int_equal(cw_registry_load_plugin(reg, CW_PLUGIN_WRONG_VERSION), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), CW_PLUGIN_WRONG_VERSION));
	assert_non_null(strstr(cw_error_last(), "version 4; this claimwatch has version 3"));
	assert_int_equal(cw_registry_load_plugin(reg, "/no/such/plugin.so"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "plugin /no/such/plugin.so"));
	assert_int_equal(cw_registry_load_plugin(reg, CW_PLUGIN_NO_TABLE), CW_EINVALID); /* not a plug-in */
	assert_non_null(strstr(cw_error_last(), "exports no cw_plugin_detectors table"));
	assert_int_equal(cw_registry_load_plugin(reg, "libm.so.6"), CW_EINVALID); /* here, not in the library path */
	assert_non_null(strstr(cw_error_last(), "plugin ./libm.so.6"));
	assert_int_equal(cw_registry_count(reg), 2);
	cw_registry_free(reg);
}

static void test_rules_take_the_defaults(void **state)
{
	(void)state;
	cw_registry *reg = two();
	cw_rules *r;
	long long limit;
	int on;
	assert_int_equal(cw_rules_load_text(&r, reg, NULL, NULL), 0);
	assert_ptr_equal(cw_rules_registry(r), reg);
	cw_section s = cw_rules_section(r, "detectors.plain");
	assert_int_equal(cw_section_int(&limit, &s, "limit", 0, 100), 0);
	assert_int_equal(limit, 5);
	assert_int_equal(cw_section_bool(&on, &s, "enabled"), 0); /* added */
	assert_true(on);
	s = cw_rules_section(r, "detectors.with_metrics");
	assert_int_equal(cw_section_bool(&on, &s, "enabled"), 0); /* as the detector gives it */
	assert_false(on);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"detectors\": {\"plain\": {\"limit\": 7}}}", "mine.json"), 0);
	s = cw_rules_section(r, "detectors.plain");
	assert_int_equal(cw_section_int(&limit, &s, "limit", 0, 100), 0);
	assert_int_equal(limit, 7);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"detectors\": {\"plain\": {\"limt\": 7}}}", "mine.json"),
	                 CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "mine.json: detectors.plain.limt: unknown key"));
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"detectors\": {\"plain\": {}}}", "mine.json"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.plain: unknown key")); /* no registry, no detector */
	cw_detector broken = plain;
	broken.name = "broken";
	broken.defaults = "{ \"limit\": ";
	assert_int_equal(cw_registry_add(reg, &broken), 0);
	assert_int_equal(cw_rules_load_text(&r, reg, NULL, NULL), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detector broken: its defaults: not valid JSON"));
	cw_registry_free(reg);
}

static void test_rules_plugins(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	char expect[4096];
	tu_write(dir, "rules.json", "{\"plugins\": [\"lib/wrong.so\"]}");
	cw_registry *reg = two();
	cw_rules *r;
	assert_int_equal(cw_rules_load(&r, reg, tu_path(dir, "rules.json")), CW_EINVALID);
	snprintf(expect, sizeof expect, "plugin %s/lib/wrong.so", dir); /* relative to the rules file */
	assert_non_null(strstr(cw_error_last(), expect));
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"plugins\": [\"" CW_PLUGIN_WRONG_VERSION "\"]}", "mine.json"),
	                 CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "mine.json: plugin "));
	assert_non_null(strstr(cw_error_last(), "version 4; this claimwatch has version 3"));
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"plugins\": [1]}", "mine.json"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "mine.json: plugins[0]: expected a path, got a number"));
	assert_int_equal(cw_registry_count(reg), 2);
	cw_registry_free(reg);
	tu_rmtree(dir);
	free(dir);
}

/* Only the detector that asks for the metrics gets them. */
static void test_metrics_for_who_asks(void **state)
{
	(void)state;
	cw_builder *b = tu_builder("2026-05");
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-04 08:30", NULL, "I10");
	cw_dataset *ds = tu_finish(b);
	cw_registry *reg = two();
	cw_rules *r;
	cw_dimset *dims;
	cw_findings *fs;
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"detectors\": {\"with_metrics\": {\"enabled\": true}}}", "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, r), 0);
	seen_metrics[0] = seen_metrics[1] = -1;
	assert_int_equal(cw_detect(&fs, ds, r, dims, NULL), 0);
	assert_int_equal(seen_metrics[0], 0);
	assert_int_equal(seen_metrics[1], 1);
	cw_findings_free(fs);
	cw_dimset_free(dims);
	cw_rules_free(r);
	cw_registry_free(reg);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_checks),
		cmocka_unit_test(test_plugins_refused),
		cmocka_unit_test(test_rules_take_the_defaults),
		cmocka_unit_test(test_rules_plugins),
		cmocka_unit_test(test_metrics_for_who_asks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
