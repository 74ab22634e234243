/* test_rules.c: hostile rules files (src/engine/rules.c): not JSON, binary, empty,
 * too deep, too large, a folder, huge numbers, wrong types, unknown keys; and
 * the output.file_mode key (src/io/outfile.c). Each fails with a message that
 * names the file or the key, never a crash. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
#include "run/run.h"

/* Loads text as a rules file; returns the code, the message in cw_error_last(). */
static int load_text(const char *text)
{
	cw_rules *r = NULL;
	int rc = cw_rules_load_text(&r, tu_registry(), text, "my.json");
	if (rc == 0)
		cw_rules_free(r);
	else
		assert_null(r);
	return rc;
}

static void expect_fail(const char *text, const char *message)
{
	assert_int_equal(load_text(text), CW_EINVALID);
	if (!strstr(cw_error_last(), message))
		fail_msg("message '%s' lacks '%s'", cw_error_last(), message);
}

/* Loads the text, then everything a run reads from it: the settings, the
 * dimensions and every detector's configure(). Returns the first failure. */
static int configure_text(const char *text)
{
	cw_rules *r;
	int rc = cw_rules_load_text(&r, tu_registry(), text, "my.json");
	if (rc < 0)
		return rc;
	cw_section load = cw_rules_section(r, "load");
	long long days;
	cw_dimset *dims = NULL;
	if ((rc = cw_section_int(&days, &load, "lookback_days", 0, 3660)) == 0 && (rc = cw_dimset_load(&dims, r)) == 0)
		for (size_t d = 0; d < cw_registry_count(cw_rules_registry(r)) && rc == 0; d++) {
			const cw_detector *det = cw_registry_get(cw_rules_registry(r), d);
			char path[128];
			snprintf(path, sizeof path, "detectors.%s", det->name);
			cw_section s = cw_rules_section(r, path);
			void *config = NULL;
			if ((rc = det->configure(&config, &s)) == 0 && det->release)
				det->release(config);
		}
	cw_dimset_free(dims);
	cw_rules_free(r);
	return rc;
}

static void test_not_json(void **state)
{
	(void)state;
	expect_fail("", "my.json: not valid JSON (at line 1, column 1)");
	expect_fail("this is not JSON", "my.json: not valid JSON (at line 1, column 1)");
	expect_fail("{\n  \"load\": {\n    \"lookback_days\": 45,\n  }\n}", "not valid JSON (at line 4");
	expect_fail("{} trailing", "not valid JSON");
	expect_fail("[1, 2]", "my.json: the rules must be a JSON object");
	expect_fail("\"a string\"", "must be a JSON object");
	expect_fail("lookback_days = 45\n", "not valid JSON");   /* TOML */
	expect_fail("load:\n  lookback_days: 45\n", "not valid JSON"); /* YAML */
	expect_fail("{\"load\": {\"lookback_days\": 0x10}}", "not valid JSON");
	expect_fail("{\"load\": {\"lookback_days\": NaN}}", "not valid JSON");
	/* nesting far deeper than any rules file: refused, no stack overflow */
	size_t depth = 100000;
	char *deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = 0;
	expect_fail(deep, "not valid JSON");
	deep[0] = '{';
	expect_fail(deep, "not valid JSON");
	free(deep);
}

static void test_huge_numbers(void **state)
{
	(void)state;
	/* beyond double: refused while merging */
	expect_fail("{\"load\": {\"lookback_days\": 1e400}}", "load.lookback_days: number out of range");
	expect_fail("{\"load\": {\"lookback_days\": -1e400}}", "load.lookback_days: number out of range");
	/* a double, far out of the key's range: refused by the getter that reads it */
	const char *big[] = {
		"{\"load\": {\"lookback_days\": 1e300}}",
		"{\"load\": {\"lookback_days\": 99999999999999999999999999999}}",
		"{\"load\": {\"lookback_days\": -9223372036854775809}}",
		"{\"load\": {\"lookback_days\": 45.5}}",
		"{\"detectors\": {\"idle_bed\": {\"min_idle_days\": 1e19}}}",
		"{\"detectors\": {\"split_admission\": {\"window_days\": 9223372036854775807}}}",
		"{\"detectors\": {\"large_prescription\": {\"max_amount\": 1e300}}}",
		"{\"detectors\": {\"large_prescription\": {\"max_amount\": -5}}}",
		"{\"detectors\": {\"over_price\": {\"tolerance\": 1e308}}}",
	};
	for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
		int rc = configure_text(big[i]);
		if (rc != CW_EINVALID)
			fail_msg("%s: %d, wanted CW_EINVALID", big[i], rc);
		assert_non_null(strstr(cw_error_last(), "outside") ? cw_error_last() : strstr(cw_error_last(), "expected"));
	}
	/* tiny numbers underflow to 0, which is in range */
	assert_int_equal(configure_text("{\"load\": {\"max_reject_share\": 1e-400}}"), 0);
}

static void test_wrong_keys_and_types(void **state)
{
	(void)state;
	expect_fail("{\"lod\": {}}", "lod: unknown key");
	expect_fail("{\"load\": {\"lookback\": 1}}", "load.lookback: unknown key");
	expect_fail("{\"load\": {\"lookback_days\": \"45\"}}", "load.lookback_days: expected a number, got a string");
	expect_fail("{\"load\": [1]}", "load: expected an object, got an array");
	expect_fail("{\"detectors\": {\"repeat_test\": {\"categories\": [\"exam\", 3]}}}",
	            "detectors.repeat_test.categories[1]: expected a string, got a number");
	expect_fail("{\"dimensions\": {\"by_detector\": {\"*\": \"exam\"}}}", "dimensions.by_detector.*: unknown key");
	/* a key repeated in one object: the last one counts, the file still loads */
	assert_int_equal(load_text("{\"load\": {\"lookback_days\": 3, \"lookback_days\": 4}}"), 0);
	/* strings with NUL escapes, control characters and invalid UTF-8 */
	cw_rules *r;
	cw_output out;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"output\": {\"file_mode\": \"06\\u000000\"}}", "t"), 0);
	assert_int_equal(cw_output_load(&out, r), CW_EINVALID); /* the string ends at the NUL: "06" */
	assert_non_null(strstr(cw_error_last(), "output.file_mode: '06' is not a file mode"));
	cw_rules_free(r);
	assert_int_equal(load_text("{\"output\": {\"file_mode\": \"\\u001b[2J\"}}"), 0);
	assert_int_equal(configure_text("{\"dimensions\": {\"names\": [\"\xff\xfe\"]}}"), CW_EINVALID);
	/* found by fuzz_rules (tests/fuzz/regress/rules/dimension_repeated): the message quoted a freed name */
	assert_int_equal(configure_text("{\"dimensions\": {\"names\": [\"a\", \"a\"], \"by_class\": {\"drug\": \"b\"}}}"),
	                 CW_EINVALID);
	assert_string_equal(cw_error_last(), "dimensions.names[1]: 'a' is empty, repeated or reserved");
	assert_int_equal(configure_text("{\"dimensions\": {\"names\": [\"exam\", \"composite\"]}}"), CW_EINVALID);
	assert_string_equal(cw_error_last(), "dimensions.names[1]: 'composite' is empty, repeated or reserved");
}

/* Rules files on disk: missing, a folder, NUL bytes, larger than 64 MiB. */
static void test_files(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_rules *r = NULL;
	assert_int_equal(cw_rules_load(&r, tu_registry(), tu_path(dir, "missing.json")), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "missing.json"));
	assert_int_equal(cw_rules_load(&r, tu_registry(), dir), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "is a folder, not a file"));
	tu_write_bytes(dir, "nul.json", "{\"load\":\0{}}", 12);
	assert_int_equal(cw_rules_load(&r, tu_registry(), tu_path(dir, "nul.json")), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "not JSON (holds a NUL byte)"));
	tu_write_bytes(dir, "binary.json", "\x7f" "ELF\x02\x01\x01\0\0\0", 10);
	assert_int_equal(cw_rules_load(&r, tu_registry(), tu_path(dir, "binary.json")), CW_EINVALID);
	/* 100 MiB of spaces (a sparse file would be NULs): refused at 64 MiB, not read whole */
	const char *big = tu_path(dir, "big.json");
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	char *spaces = malloc(1 << 20);
	memset(spaces, ' ', 1 << 20);
	for (int i = 0; i < 100; i++)
		assert_int_equal(write(fd, spaces, 1 << 20), 1 << 20);
	close(fd);
	free(spaces);
	assert_int_equal(cw_rules_load(&r, tu_registry(), tu_path(dir, "big.json")), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "larger than 64 MiB"));
	assert_null(r);
	tu_rmtree(dir);
	free(dir);
}

static void test_file_mode(void **state)
{
	(void)state;
	mode_t m;
	assert_int_equal(cw_outfile_parse_mode(&m, "0600", "k"), 0);
	assert_int_equal(m, 0600);
	assert_int_equal(cw_outfile_parse_mode(&m, "640", "k"), 0);
	assert_int_equal(m, 0640);
	assert_int_equal(cw_outfile_parse_mode(&m, "0666", "k"), 0);
	assert_int_equal(m, 0666);
	const char *bad[] = { "", "06", "0777", "0700", "0644x", "1600", "0800", "00600", "-600", "0400", "0200",
		              "0060", "rw-------", "4600" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (cw_outfile_parse_mode(&m, bad[i], "output.file_mode") != CW_EINVALID)
			fail_msg("'%s' taken as a file mode", bad[i]);
		assert_non_null(strstr(cw_error_last(), "output.file_mode: '"));
	}
	assert_non_null(cw_outfile_parse_mode(&m, "0755", "k") < 0 ? strstr(cw_error_last(), "execute") : NULL);
	/* from the rules */
	cw_rules *r;
	cw_output out;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"output\": {\"file_mode\": \"0640\"}}", "t"), 0);
	assert_int_equal(cw_output_load(&out, r), 0);
	assert_int_equal(out.file_mode, 0640);
	assert_int_equal(cw_output_dir_mode(&out), 0750);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"output\": {\"file_mode\": \"0777\"}}", "t"), 0);
	assert_int_equal(cw_output_load(&out, r), CW_EINVALID);
	assert_int_equal(out.file_mode, 0600); /* the defaults */
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), NULL, NULL), 0);
	assert_int_equal(cw_output_load(&out, r), 0);
	assert_int_equal(out.file_mode, 0600); /* the default */
	assert_int_equal(cw_output_dir_mode(&out), 0700);
	cw_rules_free(r);
	expect_fail("{\"output\": {\"file_mode\": 600}}", "output.file_mode: expected a string, got a number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_json),  cmocka_unit_test(test_huge_numbers), cmocka_unit_test(test_wrong_keys_and_types),
		cmocka_unit_test(test_files),     cmocka_unit_test(test_file_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
