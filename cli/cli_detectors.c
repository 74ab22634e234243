/* cli_detectors.c: `claimwatch detectors`: the detector table, one line each. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "cli.h"

static const char help[] =
	"usage: claimwatch detectors [--rules FILE]\n"
	"\n"
	"Lists every detector: its name (as in findings.csv and the rules), whether the\n"
	"rules enable it, the four-reasonableness dimension its findings count against,\n"
	"and what it looks for.\n";

int cw_cmd_detectors(int argc, char **argv)
{
	const char *rules_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			fputs(help, stdout);
			return CW_EXIT_OK;
		} else if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
			rules_path = argv[++i];
		} else {
			return cw_cli_usage("detectors", "unexpected argument '%s'", argv[i]);
		}
	}
	cw_rules *rules;
	cw_dimset *dims;
	int rc = cw_rules_load(&rules, rules_path);
	if (rc < 0)
		return cw_cli_fail("detectors", rc);
	if ((rc = cw_dimset_load(rules, &dims)) < 0) {
		cw_rules_free(rules);
		return cw_cli_fail("detectors", rc);
	}
	printf("%-22s %-3s %-14s %s\n", "DETECTOR", "ON", "DIMENSION", "LOOKS FOR");
	for (size_t i = 0; cw_detectors[i]; i++) {
		const cw_detector *d = cw_detectors[i];
		char path[128], dim[64];
		snprintf(path, sizeof path, "detectors.%s", d->name);
		cw_section s = cw_rules_section(rules, path);
		int on = 0;
		cw_section_bool(&s, "enabled", &on);
		int fixed = cw_dimset_resolve(dims, (int)i, CW_CAT_DRUG);
		if (fixed == cw_dimset_resolve(dims, (int)i, CW_CAT_EXAM) &&
		    fixed == cw_dimset_resolve(dims, (int)i, CW_CLASS_ADMISSION))
			snprintf(dim, sizeof dim, "%s", cw_dimset_name(dims, (size_t)fixed));
		else
			snprintf(dim, sizeof dim, "by item/class");
		printf("%-22s %-3s %-14s %s (%s)\n", d->name, on ? "yes" : "no", dim, d->summary, d->title_zh);
	}
	cw_dimset_free(dims);
	cw_rules_free(rules);
	return CW_EXIT_OK;
}
