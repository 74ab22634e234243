/* test_agreement.c: the detectors are named in one place each, and everything that shows or uses them
 * agrees with the registry: every detector has a title in Chinese and in English (from its struct, as
 * the report prints them), a rules section with "enabled", a row in `eval`; gen plants cases only for
 * detectors of the registry; every detector file of detectors/ is in the registry, in gen's scheme table,
 * in the table of docs/rules.md, has its page docs/detectors/NAME.md headed with its name and Chinese
 * title, and its file-top comment links that page. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "engine/rules_json.h"
#include "eval/eval.h"
#include "gen/gen.h"
#include "report/report.h"

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Fails with the detector's name and what it lacks. */
#define AGREE(cond, name, what)                                   \
	do {                                                      \
		if (!(cond))                                      \
			fail_msg("detector %s: %s", (name), (what)); \
	} while (0)

static void test_titles_in_both_languages(void **state)
{
	(void)state;
	const cw_registry *reg = tu_registry();
	assert_true(cw_registry_count(reg) > 0);
	for (size_t i = 0; i < cw_registry_count(reg); i++) {
		const cw_detector *d = cw_registry_get(reg, i);
		const char *zh = cw_label_detector(CW_LANG_ZH, d), *en = cw_label_detector(CW_LANG_EN, d);
		AGREE(zh && *zh && !ascii(zh), d->name, "no Chinese title in the report");
		AGREE(en && *en && ascii(en) && strcmp(en, d->name), d->name, "no English title in the report");
		AGREE(!strcmp(zh, d->title_zh) && !strcmp(en, d->title_en), d->name, "the report's titles are not its own");
	}
}

static void test_rules_sections(void **state)
{
	(void)state;
	cw_rules *r;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), NULL, NULL), 0);
	const cw_registry *reg = cw_rules_registry(r);
	for (size_t i = 0; i < cw_registry_count(reg); i++) {
		char path[128];
		int on;
		snprintf(path, sizeof path, "detectors.%s", cw_registry_get(reg, i)->name);
		cw_section s = cw_rules_section(r, path);
		AGREE(cw_section_bool(&on, &s, "enabled") == 0, cw_registry_get(reg, i)->name, "no rules section");
	}
	/* and no section of a detector the registry lacks */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cw_rules_json(r), "detectors")),
	                 (int)cw_registry_count(reg));
	cw_rules_free(r);
}

static void test_eval_rows(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), run[512];
	tu_write(dir, "truth.json", "{\"months\": [\"2026-05\"], \"cases\": []}");
	snprintf(run, sizeof run, "%s/2026-05", dir);
	assert_int_equal(mkdir(run, 0700), 0);
	tu_write(run, "findings.csv", "finding_id,month,detector,line_ids,visit_id,physician_id\n");
	cw_eval_result r;
	assert_int_equal(cw_eval_run(&r, tu_path(dir, "truth.json"), run, tu_registry()), 0);
	assert_int_equal(r.nrows, cw_registry_count(tu_registry()));
	for (size_t i = 0; i < r.nrows; i++)
		assert_string_equal(r.rows[i].detector, cw_registry_get(tu_registry(), i)->name);
	cw_eval_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_gen_plants_known_detectors(void **state)
{
	(void)state;
	for (size_t i = 0; gen_detectors[i]; i++)
		AGREE(cw_registry_find(tu_registry(), gen_detectors[i]), gen_detectors[i],
		      "gen plants cases for it, but no detector has that name");
}

static int in_gen(const char *name)
{
	for (size_t i = 0; gen_detectors[i]; i++)
		if (!strcmp(gen_detectors[i], name))
			return 1;
	return 0;
}

/* A detector file's page docs/detectors/NAME.md, headed '# NAME (title_zh' (title_zh NULL: any title), and
 * the link to it in the file-top comment of FOLDER/NAME.c. */
static void check_page(const char *folder, const char *name, const char *title_zh)
{
	char page[1024], heading[1024], link[1024]; /* a name is at most 255 bytes */
	snprintf(page, sizeof page, "%s/docs/detectors/%s.md", CW_SOURCE_DIR, name);
	char *text = tu_read(page);
	AGREE(text, name, "no page docs/detectors/NAME.md");
	snprintf(heading, sizeof heading, "# %s (%s", name, title_zh ? title_zh : ""); /* then ")" or more names */
	size_t hl = strlen(heading);
	AGREE(!strncmp(text, heading, hl) && text[hl] && (!title_zh || strchr("):/, ", text[hl])), name,
	      "its page is not headed '# NAME (title_zh'");
	free(text);
	snprintf(page, sizeof page, "%s/%s/%s.c", CW_SOURCE_DIR, folder, name);
	text = tu_read(page);
	snprintf(link, sizeof link, "docs/detectors/%s.md", name);
	char *comment_end = text ? strstr(text, "*/") : NULL;
	AGREE(comment_end && strstr(text, link) && strstr(text, link) < comment_end, name,
	      "its file-top comment does not link docs/detectors/NAME.md");
	free(text);
}

/* What every detector of the tree's detectors/ folder must have besides its file. */
static void check_in_tree(const char *name, const char *rules_md)
{
	char row[1024];
	const cw_detector *d = cw_registry_find(tu_registry(), name);
	AGREE(d, name, "its file is in detectors/ but it is not in the registry");
	AGREE(in_gen(name), name, "gen plants no case for it (tools/gen/gen_catalog.c)");
	snprintf(row, sizeof row, "| [%s](detectors/%s.md) |", name, name);
	AGREE(strstr(rules_md, row), name, "no row in the table of docs/rules.md");
	check_page("detectors", name, d->title_zh);
}

/* The detector files of FOLDER (under the source tree), each passed to check with ctx; returns how many. */
static size_t each_detector_file(const char *folder, void (*check)(const char *name, const void *ctx),
                                 const void *ctx)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", CW_SOURCE_DIR, folder);
	DIR *dir = opendir(path);
	assert_non_null(dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c"))
			continue;
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(len - 2), e->d_name);
		check(name, ctx);
		n++;
	}
	closedir(dir);
	return n;
}

static void check_tree_file(const char *name, const void *rules_md)
{
	check_in_tree(name, rules_md);
}

static void check_example_file(const char *name, const void *ctx)
{
	(void)ctx;
	check_page("examples/detectors", name, NULL);
}

static void test_tree_docs_and_gen(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/docs/rules.md", CW_SOURCE_DIR);
	char *rules_md = tu_read(path);
	assert_non_null(rules_md);
	size_t n = each_detector_file("detectors", check_tree_file, rules_md);
	free(rules_md);
	assert_true(n >= 13);
}

/* The examples written outside the tree have their page too: the rule, its source, its blind spots. */
static void test_example_pages(void **state)
{
	(void)state;
	assert_true(each_detector_file("examples/detectors", check_example_file, NULL) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_titles_in_both_languages),
		cmocka_unit_test(test_rules_sections),
		cmocka_unit_test(test_eval_rows),
		cmocka_unit_test(test_gen_plants_known_detectors),
		cmocka_unit_test(test_tree_docs_and_gen),
		cmocka_unit_test(test_example_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
