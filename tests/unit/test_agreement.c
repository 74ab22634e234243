/* test_agreement.c: the detectors are named in one place each, and everything that shows or uses them
 * agrees with the registry: every detector has a title in Chinese and in English (from its struct, as
 * the report prints them), a rules section with "enabled", a row in `eval`; gen plants cases only for
 * detectors of the registry; every detector file of detectors/ is in the registry, in gen's scheme table,
 * in the table of docs/rules.md, has its page docs/detectors/NAME.md headed with its name and Chinese
 * title, and its file-top comment links that page. Every detector page has a section '## Sources' citing a
 * requirement id (the form of the catalogue's ids, A1..M2: the catalogue itself lives outside the tree), and
 * every default that a page, docs/rules.md or docs/scoring.md gives in a table row '| `key` | `value` |' is
 * the one the code has (rules/default.json and each detector's .defaults). */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
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

/* Whether the section '## Sources' of a page (up to the next heading) names a requirement id: a letter A-M
 * and digits, standing alone (B1, E4, A10; not the C08 of XC08CAA011). */
static int sources_cite_id(const char *text)
{
	const char *s = strstr(text, "\n## Sources\n");
	if (!s)
		return 0;
	s += strlen("\n## Sources\n");
	const char *end = strstr(s, "\n#");
	if (!end)
		end = s + strlen(s);
	for (const char *p = s; p < end; p++) {
		if (*p < 'A' || *p > 'M' || !isdigit((unsigned char)p[1]) || (p > s && isalnum((unsigned char)p[-1])))
			continue;
		const char *q = p + 1;
		while (isdigit((unsigned char)*q))
			q++;
		if (!isalnum((unsigned char)*q) && *q != '_')
			return 1;
	}
	return 0;
}

/* The value at a dotted path ("limits.outpatient") under obj, or NULL. */
static const cJSON *json_at(const cJSON *obj, const char *dotted)
{
	char key[256];
	while (obj && *dotted) {
		size_t n = strcspn(dotted, ".");
		if (n >= sizeof key)
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		obj = cJSON_GetObjectItemCaseSensitive(obj, key);
		dotted += n + (dotted[n] == '.');
	}
	return obj;
}

/* A map whose defaults hold only "*" (the type of its values, not an entry) is empty. */
static int empty_map(const cJSON *v)
{
	return cJSON_IsObject(v) && (!v->child || (!v->child->next && !strcmp(v->child->string, "*")));
}

static int same_value(const cJSON *a, const cJSON *b)
{
	if (empty_map(a) && empty_map(b))
		return 1;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return fabs(a->valuedouble - b->valuedouble) <= 1e-9 * (1 + fabs(b->valuedouble));
	return cJSON_Compare(a, b, 1);
}

/* Every table row of a document (named by what) that starts '| `key` | `value` |', with key a path under
 * defaults and value JSON, gives the default the code has. Other rows (prose, a key the defaults do not
 * have, a value with words beside it) are not judged. */
static void check_defaults_table(const char *text, const cJSON *defaults, const char *what)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char key[256], value[1024];
		int k = 0, v = 0;
		if (sscanf(line, "| `%255[^`\n]` | %n", key, &k) != 1 || !k || line[k] != '`' ||
		    sscanf(line + k + 1, "%1023[^`\n]` |%n", value, &v) != 1 || !v)
			continue;
		const cJSON *code = json_at(defaults, key);
		cJSON *doc = cJSON_Parse(value);
		if (code && doc && !same_value(doc, code)) {
			char *got = cJSON_PrintUnformatted(code);
			fail_msg("%s: `%s`: the documentation says %s, the code's default is %s", what, key, value, got);
		}
		cJSON_Delete(doc);
	}
}

/* The defaults of the tree's rules, whole (section NULL) or one detector's section. */
static cJSON *rules_defaults(const char *section)
{
	cw_rules *r;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), NULL, NULL), 0);
	const cJSON *root = cw_rules_json(r);
	const cJSON *at = section ? json_at(cJSON_GetObjectItem(root, "detectors"), section) : root;
	cJSON *copy = at ? cJSON_Duplicate(at, 1) : NULL;
	cw_rules_free(r);
	return copy;
}

/* A detector file's page docs/detectors/NAME.md, headed '# NAME (title_zh' (title_zh NULL: any title), with a
 * section '## Sources' citing a requirement id and the defaults of its key tables those of the detector (when
 * the registry has it), and the link to it in the file-top comment of FOLDER/NAME.c. */
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
	AGREE(sources_cite_id(text), name,
	      "its page has no section '## Sources' citing a requirement id (A1..M2, ../shared/seed-requirements.md)");
	cJSON *defaults = cw_registry_find(tu_registry(), name) ? rules_defaults(name) : NULL;
	if (defaults)
		check_defaults_table(text, defaults, page + strlen(CW_SOURCE_DIR) + 1);
	cJSON_Delete(defaults);
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

/* The defaults that docs/rules.md and docs/scoring.md give in their tables are those of rules/default.json. */
static void test_rules_docs_defaults(void **state)
{
	(void)state;
	static const char *const docs[] = { "docs/rules.md", "docs/scoring.md" };
	cJSON *defaults = rules_defaults(NULL);
	assert_non_null(defaults);
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", CW_SOURCE_DIR, docs[i]);
		char *text = tu_read(path);
		assert_non_null(text);
		check_defaults_table(text, defaults, docs[i]);
		free(text);
	}
	cJSON_Delete(defaults);
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
		cmocka_unit_test(test_rules_docs_defaults),
		cmocka_unit_test(test_example_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
