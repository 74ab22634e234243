/* test_outguard.c: the size guard of the output files (output.max_bytes, output.max_free_share). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
#include "io/outguard.h"
#include "run/run.h"
#include "testutil.h"

/* Writes n bytes of 'x' into dir/name through the output files; returns the close's result. */
static int write_file(const char *dir, const char *name, size_t n)
{
	FILE *f;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(cw_outfile_open(path, &f), 0);
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	return cw_outfile_close(f, path);
}

/* A month folder written aside: ROOT/.tmp-2026-05 shown as ROOT/2026-05. */
static char *begin_month(char **root)
{
	*root = tu_tempdir();
	char *tmp = malloc(4096), shown[4096];
	snprintf(tmp, 4096, "%s/.tmp-2026-05", *root);
	snprintf(shown, sizeof shown, "%s/2026-05", *root);
	assert_int_equal(mkdir(tmp, 0700), 0);
	cw_outguard_begin(tmp, shown);
	return tmp;
}

static void test_max_bytes(void **state)
{
	(void)state;
	char *root, *tmp = begin_month(&root);
	cw_outguard_set(1000, 1.0);
	assert_int_equal(write_file(tmp, "a.csv", 600), 0);
	assert_int_equal(write_file(tmp, "b.csv", 600), CW_EIO);
	char want[4200];
	snprintf(want, sizeof want, "%s/2026-05/b.csv: the outputs would exceed output.max_bytes (1000 bytes); "
	         "refused after 600 bytes", root);
	assert_string_equal(cw_error_last(), want);
	/* a new month: the count starts again */
	cw_outguard_begin(tmp, "elsewhere");
	assert_int_equal(write_file(tmp, "c.csv", 999), 0);
	assert_int_equal(cw_outguard_explain(), 0);
	cw_outguard_set(0, 0.5);
	tu_rmtree(root);
	free(root);
	free(tmp);
}

static void test_share_of_the_free_space(void **state)
{
	(void)state;
	char *root, *tmp = begin_month(&root);
	cw_outguard_set(0, 1e-15); /* a few bytes of any disk */
	assert_int_equal(write_file(tmp, "findings.csv", 100), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "/2026-05/findings.csv: the outputs would take more than "
	                                        "output.max_free_share (1e-15) of the "));
	assert_non_null(strstr(cw_error_last(), " bytes free on the output filesystem when they began; refused after 0 "
	                                        "bytes"));
	/* no limit: 1 lets the outputs take the free space */
	cw_outguard_set(0, 1.0);
	cw_outguard_begin(tmp, "x");
	assert_int_equal(write_file(tmp, "findings.csv", 100000), 0);
	cw_outguard_set(0, 0.5);
	tu_rmtree(root);
	free(root);
	free(tmp);
}

/* Files outside a month folder: measured at their first write, named as they are. */
static void test_files_outside_a_folder(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_outguard_begin("/nonexistent/folder", "shown"); /* not measurable: measured on the file */
	cw_outguard_set(10, 1.0);
	assert_int_equal(write_file(dir, "export.json", 11), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "/export.json: the outputs would exceed output.max_bytes (10 bytes)"));
	assert_null(strstr(cw_error_last(), "shown"));
	cw_outguard_set(0, 0.5);
	tu_rmtree(dir);
	free(dir);
}

/* The report measures its pages with ftell; the close syncs the file under the stream. */
static void test_ftell_and_fileno(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_outguard_set(0, 1.0);
	cw_outguard_begin(dir, dir);
	FILE *f;
	char *path = strdup(tu_path(dir, "page.html"));
	assert_int_equal(cw_outfile_open(path, &f), 0);
	for (int i = 0; i < 5000; i++)
		fputc('y', f);
	assert_int_equal(ftell(f), 5000);
	assert_true(cw_outguard_fileno(f) >= 0);
	assert_int_equal(cw_outfile_close(f, path), 0);
	free(path);
	char *text = tu_read(tu_path(dir, "page.html"));
	assert_int_equal(strlen(text), 5000);
	free(text);
	tu_rmtree(dir);
	free(dir);
}

/* A pipe (standard output, a device) is not counted. */
static void test_pipes_not_counted(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	cw_outguard_begin("/tmp", "/tmp");
	cw_outguard_set(1, 1.0);
	FILE *f = cw_outguard_fdopen(fds[1], "pipe");
	assert_non_null(f);
	assert_int_equal(cw_outguard_fileno(f), fds[1]);
	fputs("hello", f);
	assert_int_equal(fclose(f), 0);
	char buf[8] = "";
	assert_int_equal(read(fds[0], buf, sizeof buf), 5);
	assert_memory_equal(buf, "hello", 5);
	close(fds[0]);
	assert_int_equal(cw_outguard_explain(), 0);
	cw_outguard_set(0, 0.5);
}

static void expect_rules_error(const char *json, const char *message)
{
	cw_rules *r;
	assert_int_equal(cw_rules_load_text(&r, NULL, json, "t"), 0);
	assert_int_equal(cw_outguard_configure(r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), message));
	cw_rules_free(r);
}

static void test_rules(void **state)
{
	(void)state;
	cw_rules *r;
	assert_int_equal(cw_rules_load_text(&r, NULL, NULL, NULL), 0);
	assert_int_equal(cw_outguard_configure(r), 0);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"output\": {\"max_bytes\": 5, \"max_free_share\": 1}}", "t"), 0);
	assert_int_equal(cw_outguard_configure(r), 0);
	cw_rules_free(r);
	char *dir = tu_tempdir();
	cw_outguard_begin(dir, dir);
	assert_int_equal(write_file(dir, "a", 6), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "output.max_bytes (5 bytes)"));
	expect_rules_error("{\"output\": {\"max_free_share\": 0}}", "output.max_free_share: must be above 0");
	expect_rules_error("{\"output\": {\"max_free_share\": 1.5}}", "output.max_free_share: 1.5 is outside 0..1");
	expect_rules_error("{\"output\": {\"max_bytes\": -1}}", "output.max_bytes: -1 is outside");
	expect_rules_error("{\"output\": {\"max_bytes\": 1.5}}", "output.max_bytes: expected a whole number");
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"output\": {\"max_bytes\": \"1G\"}}", "t"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "output.max_bytes"));
	cw_outguard_set(0, 0.5);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_share_of_the_free_space),
		cmocka_unit_test(test_files_outside_a_folder),
		cmocka_unit_test(test_ftell_and_fileno),
		cmocka_unit_test(test_pipes_not_counted),
		cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
