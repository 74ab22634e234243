/* test_outguard.c: the size guard of the output files (output.max_bytes, output.max_free_share), and the
 * output settings as a run's or a command's own (io/output.h): two sets of outputs in one process, even
 * written at once, and two runs with different rules, never see each other's settings or counts. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
#include "io/outguard.h"
#include "io/output.h"
#include "run/run.h"
#include "testutil.h"

/* A set of outputs with the given limits. */
static cw_output limits(uint64_t max_bytes, double max_free_share)
{
	cw_output o;
	cw_output_init(&o);
	o.max_bytes = max_bytes;
	o.max_free_share = max_free_share;
	return o;
}

/* Writes n bytes of 'x' into dir/name as part of o; returns the close's result. */
static int write_file(cw_output *o, const char *dir, const char *name, size_t n)
{
	FILE *f;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(cw_outfile_open(&f, o, path), 0);
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	return cw_outfile_close(f, path);
}

/* A month folder written aside: ROOT/.tmp-2026-05 shown as ROOT/2026-05. */
static char *begin_month(cw_output *o, char **root)
{
	*root = tu_tempdir();
	char *tmp = malloc(4096), shown[4096];
	snprintf(tmp, 4096, "%s/.tmp-2026-05", *root);
	snprintf(shown, sizeof shown, "%s/2026-05", *root);
	assert_int_equal(mkdir(tmp, 0700), 0);
	cw_outguard_begin(o, tmp, shown);
	return tmp;
}

static void test_max_bytes(void **state)
{
	(void)state;
	cw_output o = limits(1000, 1.0);
	char *root, *tmp = begin_month(&o, &root);
	assert_int_equal(write_file(&o, tmp, "a.csv", 600), 0);
	assert_int_equal(write_file(&o, tmp, "b.csv", 600), CW_EIO);
	char want[4200];
	snprintf(want, sizeof want, "%s/2026-05/b.csv: the outputs would exceed output.max_bytes (1000 bytes); "
	         "refused after 600 bytes", root);
	assert_string_equal(cw_error_last(), want);
	/* a new month: the count starts again */
	cw_outguard_begin(&o, tmp, "elsewhere");
	assert_int_equal(write_file(&o, tmp, "c.csv", 999), 0);
	assert_int_equal(cw_outguard_explain(&o), 0);
	tu_rmtree(root);
	free(root);
	free(tmp);
}

static void test_share_of_the_free_space(void **state)
{
	(void)state;
	cw_output o = limits(0, 1e-15); /* a few bytes of any disk */
	char *root, *tmp = begin_month(&o, &root);
	assert_int_equal(write_file(&o, tmp, "findings.csv", 100), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "/2026-05/findings.csv: the outputs would take more than "
	                                        "output.max_free_share (1e-15) of the "));
	assert_non_null(strstr(cw_error_last(), " bytes free on the output filesystem when they began; refused after 0 "
	                                        "bytes"));
	/* no limit: 1 lets the outputs take the free space */
	o.max_free_share = 1.0;
	cw_outguard_begin(&o, tmp, "x");
	assert_int_equal(write_file(&o, tmp, "findings.csv", 100000), 0);
	tu_rmtree(root);
	free(root);
	free(tmp);
}

/* Files outside a month folder: measured at their first write, named as they are. */
static void test_files_outside_a_folder(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_output o = limits(10, 1.0);
	cw_outguard_begin(&o, "/nonexistent/folder", "shown"); /* not measurable: measured on the file */
	assert_int_equal(write_file(&o, dir, "export.json", 11), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "/export.json: the outputs would exceed output.max_bytes (10 bytes)"));
	assert_null(strstr(cw_error_last(), "shown"));
	/* a set never begun is measured at its first write too */
	cw_output fresh = limits(10, 1.0);
	assert_int_equal(write_file(&fresh, dir, "other.json", 10), 0);
	tu_rmtree(dir);
	free(dir);
}

/* The report measures its pages with ftell; the close syncs the file under the stream. */
static void test_ftell_and_fileno(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_output o = limits(0, 1.0);
	cw_outguard_begin(&o, dir, dir);
	FILE *f;
	char *path = strdup(tu_path(dir, "page.html"));
	assert_int_equal(cw_outfile_open(&f, &o, path), 0);
	for (int i = 0; i < 5000; i++)
		fputc('y', f);
	assert_int_equal(ftell(f), 5000);
	assert_true(cw_outguard_fileno(f) >= 0);
	assert_ptr_equal(cw_outguard_output(f), &o);
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
	cw_output o = limits(1, 1.0);
	cw_outguard_begin(&o, "/tmp", "/tmp");
	FILE *f = cw_outguard_fdopen(&o, fds[1], "pipe");
	assert_non_null(f);
	assert_int_equal(cw_outguard_fileno(f), fds[1]);
	assert_null(cw_outguard_output(f));
	fputs("hello", f);
	assert_int_equal(fclose(f), 0);
	char buf[8] = "";
	assert_int_equal(read(fds[0], buf, sizeof buf), 5);
	assert_memory_equal(buf, "hello", 5);
	close(fds[0]);
	assert_int_equal(cw_outguard_explain(&o), 0);
}

/* One writer of two sets of outputs written at once. */
typedef struct writer {
	cw_output o;
	const char *dir, *name;
	size_t bytes;
	int rc;
	char message[1024];
} writer;

static void *write_many(void *arg)
{
	writer *w = arg;
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", w->dir, w->name);
	FILE *f;
	w->rc = cw_outfile_open(&f, &w->o, path);
	for (size_t i = 0; w->rc == 0 && i < w->bytes; i++)
		fputc('z', f);
	if (w->rc == 0)
		w->rc = cw_outfile_close(f, path);
	snprintf(w->message, sizeof w->message, "%s", w->rc < 0 ? cw_error_last() : "");
	return NULL;
}

/* Two sets of outputs written at the same time from two threads, one with a cap of 1000 bytes and mode
 * 0640, the other without a cap and the default mode: the capped one is refused, the other is not,
 * each file has its own set's mode, and the refusal is told only by the set it belongs to. */
static void test_two_sets_at_once(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	writer capped = { .o = limits(1000, 1.0), .dir = dir, .name = "capped.csv", .bytes = 1 << 22 };
	writer free_ = { .o = limits(0, 1.0), .dir = dir, .name = "free.csv", .bytes = 1 << 22 };
	capped.o.file_mode = 0640;
	cw_outguard_begin(&capped.o, dir, dir);
	cw_outguard_begin(&free_.o, dir, dir);
	pthread_t a, b;
	assert_int_equal(pthread_create(&a, NULL, write_many, &capped), 0);
	assert_int_equal(pthread_create(&b, NULL, write_many, &free_), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	assert_int_equal(capped.rc, CW_EIO);
	assert_non_null(strstr(capped.message, "capped.csv: the outputs would exceed output.max_bytes (1000 bytes)"));
	assert_int_equal(free_.rc, 0);
	assert_int_equal(cw_outguard_explain(&free_.o), 0);
	assert_int_equal(cw_outguard_explain(&capped.o), CW_EIO);
	struct stat st;
	assert_int_equal(stat(tu_path(dir, "free.csv"), &st), 0);
	assert_int_equal(st.st_size, 1 << 22);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(tu_path(dir, "capped.csv"), &st), -1); /* a refused file is never put in place */
	tu_rmtree(dir);
	free(dir);
}

static void expect_rules_error(const char *json, const char *message)
{
	cw_rules *r;
	cw_output o;
	assert_int_equal(cw_rules_load_text(&r, NULL, json, "t"), 0);
	assert_int_equal(cw_output_load(&o, r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), message));
	cw_rules_free(r);
}

static void test_rules(void **state)
{
	(void)state;
	cw_rules *r;
	cw_output o;
	assert_int_equal(cw_rules_load_text(&r, NULL, NULL, NULL), 0);
	assert_int_equal(cw_output_load(&o, r), 0);
	assert_true(o.max_bytes == 0 && o.max_free_share == 0.5 && o.file_mode == 0600);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"output\": {\"max_bytes\": 5, \"max_free_share\": 1}}", "t"), 0);
	assert_int_equal(cw_output_load(&o, r), 0);
	cw_rules_free(r);
	char *dir = tu_tempdir();
	cw_outguard_begin(&o, dir, dir);
	assert_int_equal(write_file(&o, dir, "a", 6), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "output.max_bytes (5 bytes)"));
	expect_rules_error("{\"output\": {\"max_free_share\": 0}}", "output.max_free_share: must be above 0");
	expect_rules_error("{\"output\": {\"max_free_share\": 1.5}}", "output.max_free_share: 1.5 is outside 0..1");
	expect_rules_error("{\"output\": {\"max_bytes\": -1}}", "output.max_bytes: -1 is outside");
	expect_rules_error("{\"output\": {\"max_bytes\": 1.5}}", "output.max_bytes: expected a whole number");
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"output\": {\"max_bytes\": \"1G\"}}", "t"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "output.max_bytes"));
	tu_rmtree(dir);
	free(dir);
}

/* Runs tests/data/mini's 2026-05 into root with the rules given as JSON text. */
static int run_month(const char *root, const char *rules_json)
{
	cw_rules *rules;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), rules_json, "t"), 0);
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = CW_SOURCE_DIR "/tests/data/mini";
	o.root = root;
	o.threads = 1;
	o.report = 0;
	o.lang = "en";
	o.rules = rules;
	assert_int_equal(cw_month_parse(&o.month, "2026-05"), 0);
	int rc = cw_run(NULL, &o);
	cw_rules_free(rules);
	return rc;
}

static mode_t mode_of(const char *dir, const char *name)
{
	struct stat st;
	assert_int_equal(stat(tu_path(dir, name), &st), 0);
	return st.st_mode & 0777;
}

/* Two runs in one process with different output settings: each month takes its own rules' settings (an
 * embedder's second run is not written with the first one's mode, or held to its cap). */
static void test_runs_keep_their_settings(void **state)
{
	(void)state;
	char *a = tu_tempdir(), *b = tu_tempdir(), *c = tu_tempdir();
	assert_int_equal(run_month(a, "{\"output\": {\"file_mode\": \"0640\"}}"), 0);
	assert_int_equal(run_month(b, NULL), 0);
	assert_int_equal(mode_of(a, "2026-05/findings.csv"), 0640);
	assert_int_equal(mode_of(a, "2026-05"), 0750);
	assert_int_equal(mode_of(b, "2026-05/findings.csv"), 0600);
	assert_int_equal(mode_of(b, "2026-05"), 0700);
	assert_int_equal(run_month(c, "{\"output\": {\"max_bytes\": 100}}"), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "output.max_bytes (100 bytes)"));
	assert_int_equal(run_month(c, NULL), 0); /* the next run is not held to it */
	assert_int_equal(mode_of(c, "2026-05/findings.csv"), 0600);
	tu_rmtree(a);
	tu_rmtree(b);
	tu_rmtree(c);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_share_of_the_free_space),
		cmocka_unit_test(test_files_outside_a_folder),
		cmocka_unit_test(test_ftell_and_fileno),
		cmocka_unit_test(test_pipes_not_counted),
		cmocka_unit_test(test_two_sets_at_once),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_runs_keep_their_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
