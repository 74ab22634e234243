/* cli_detectors.c: `claimwatch detectors`: the registry, one line per detector. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "cli.h"

static const char help[] =
	"usage: claimwatch detectors [--rules FILE] [--plugin PATH.so ...] [--lang zh|en]\n"
	"\n"
	"Lists every detector: the built-in ones, then those of the plug-ins (--plugin,\n"
	"repeatable, or the rules' \"plugins\"): its name (as in findings.csv and the\n"
	"rules), whether the rules enable it, the four-reasonableness dimension its\n"
	"findings count against, what it looks for (in Chinese, or English with --lang en;\n"
	"English where a plug-in gives no Chinese) and its titles.\n";

/* The dimension of every finding of detector i, or "by item/class" when it depends on the finding. */
static const char *dimension(const cw_dimset *dims, int i, char *buf, size_t size)
{
	int fixed = cw_dimset_resolve(dims, i, CW_CAT_DRUG);
	if (fixed == cw_dimset_resolve(dims, i, CW_CAT_EXAM) && fixed == cw_dimset_resolve(dims, i, CW_CLASS_ADMISSION))
		snprintf(buf, size, "%s", cw_dimset_name(dims, (size_t)fixed));
	else
		snprintf(buf, size, "by item/class");
	return buf;
}

static void list(const cw_rules *rules, const cw_dimset *dims, int en)
{
	const cw_registry *reg = cw_rules_registry(rules);
	printf("%-22s %-3s %-14s %s\n", "DETECTOR", "ON", "DIMENSION", "LOOKS FOR");
	for (size_t i = 0; i < cw_registry_count(reg); i++) {
		const cw_detector *d = cw_registry_get(reg, i);
		char path[128], dim[64];
		snprintf(path, sizeof path, "detectors.%s", d->name);
		cw_section s = cw_rules_section(rules, path);
		int on = 0;
		cw_section_bool(&on, &s, "enabled");
		printf("%-22s %-3s %-14s %s (%s, %s)\n", d->name, on ? "yes" : "no", dimension(dims, (int)i, dim, sizeof dim),
		       !en && d->summary_zh ? d->summary_zh : d->summary, d->title_zh, d->title_en);
	}
}

int cw_cmd_detectors(int argc, char **argv)
{
	const char *rules_path = NULL;
	int en = 0;
	cw_cli_plugins plugins = { .n = 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			fputs(help, stdout);
			return CW_EXIT_OK;
		} else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
			const char *lang = argv[++i];
			if (strcmp(lang, "zh") && strcmp(lang, "en"))
				return cw_cli_usage("detectors", "--lang is zh or en, not '%s'", lang);
			en = !strcmp(lang, "en");
		} else if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
			rules_path = argv[++i];
		} else if (!strcmp(argv[i], "--plugin") && i + 1 < argc) {
			if (cw_cli_plugin("detectors", &plugins, argv[++i]) < 0)
				return CW_EXIT_USAGE;
		} else {
			return cw_cli_usage("detectors", "unexpected argument '%s'", argv[i]);
		}
	}
	cw_rules *rules;
	cw_registry *reg;
	cw_dimset *dims;
	int rc = cw_cli_rules(&rules, &reg, rules_path, &plugins);
	if (rc < 0)
		return cw_cli_fail("detectors", rc);
	if ((rc = cw_dimset_load(&dims, rules)) == 0) {
		list(rules, dims, en);
		cw_dimset_free(dims);
	}
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("detectors", rc) : CW_EXIT_OK;
}
