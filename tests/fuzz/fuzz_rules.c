/* fuzz_rules.c: libFuzzer harness for the rules-file reader (src/engine/rules.c) and
 * everything that reads the merged rules: the dimensions (src/engine/dimset.c), the
 * run's load settings and every detector's configure().
 *
 * The input is a user's rules file. Whatever it holds, loading must either
 * succeed or fail with a message; a loaded document must configure or be
 * refused with a message naming a key, and must print to JSON that loads
 * again to the same document. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"
#include "engine/rules_json.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "fuzz_rules: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* What a run reads from the rules besides the detectors (run.c, cli). */
static void settings(const cw_rules *r)
{
	cw_section load = cw_rules_section(r, "load");
	long long days;
	double share;
	(void)cw_section_int(&days, &load, "lookback_days", 0, 3660);
	(void)cw_section_double(&share, &load, "max_reject_share", 0, 1);
	cw_section run = cw_rules_section(r, "run");
	long long threads;
	(void)cw_section_int(&threads, &run, "threads", 0, 256);
	cw_section out = cw_rules_section(r, "output");
	const char *mode;
	(void)cw_section_string(&mode, &out, "file_mode");
}

static void configure_all(const cw_rules *r)
{
	const cw_registry *reg = cw_rules_registry(r);
	cw_dimset *dims;
	if (cw_dimset_load(&dims, r) == 0) {
		for (int d = 0; d < (int)cw_registry_count(reg); d++)
			for (int c = 0; c < CW_CLASS_COUNT; c++)
				CHECK((size_t)cw_dimset_resolve(dims, d, c) < cw_dimset_count(dims));
		cw_dimset_free(dims);
	} else {
		CHECK(*cw_error_last());
	}
	for (size_t d = 0; d < cw_registry_count(reg); d++) {
		const cw_detector *det = cw_registry_get(reg, d);
		char path[128];
		snprintf(path, sizeof path, "detectors.%s", det->name);
		cw_section s = cw_rules_section(r, path);
		void *config = NULL;
		if (det->configure(&config, &s) == 0) {
			if (det->release)
				det->release(config);
		} else {
			CHECK(*cw_error_last());
		}
	}
}

static void drop_stars(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "*");
	cJSON *e;
	cJSON_ArrayForEach(e, j)
		if (cJSON_IsObject(e))
			drop_stars(e);
}

/* A rules text naming plug-ins would have the harness dlopen whatever file the fuzzer spells. */
static int names_plugins(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	int yes = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "plugins")) > 0;
	cJSON_Delete(j);
	return yes;
}

static cw_registry *registry;

static void free_registry(void)
{
	cw_registry_free(registry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > (1u << 16))
		return 0;
	if (!registry) {
		CHECK(cw_registry_builtin(&registry) == 0);
		atexit(free_registry);
	}
	char *text = malloc(len + 1);
	CHECK(text);
	memcpy(text, data, len);
	text[len] = 0;
	if (names_plugins(text)) {
		free(text);
		return 0;
	}
	cw_rules *r = NULL;
	int rc = cw_rules_load_text(&r, registry, text, "fuzz.json");
	free(text);
	if (rc < 0) {
		CHECK(rc == CW_EINVALID || rc == CW_ENOMEM);
		CHECK(*cw_error_last());
		return 0;
	}
	settings(r);
	configure_all(r);
	/* the merged document, printed without the open maps' "*" entries (which
	 * only the defaults hold), loads again to the same document */
	cJSON *copy = cJSON_Duplicate(cw_rules_json(r), 1);
	CHECK(copy);
	drop_stars(copy);
	char *printed = cJSON_Print(copy);
	cJSON_Delete(copy);
	CHECK(printed);
	cw_rules *again = NULL;
	CHECK(cw_rules_load_text(&again, registry, printed, "printed") == 0);
	CHECK(cJSON_Compare(cw_rules_json(r), cw_rules_json(again), 1));
	free(printed);
	cw_rules_free(again);
	cw_rules_free(r);
	cw_error_clear();
	return 0;
}
