/* cli_eval.c: `claimwatch eval`, recall and precision of a run against a generated truth.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "eval/eval.h"
#include "util/safetext.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: claimwatch eval --truth DIR/truth.json --run ROOT/YYYY-MM [--json]\n"
	        "                       [--min-recall X] [--min-precision Y] [--require-all DET,...]\n\n"
	        "Matches the findings of a run (findings.csv) against the cases and look-alikes that\n"
	        "`claimwatch gen` recorded, and prints per detector: cases, found, recall, findings,\n"
	        "matched, precision, look-alikes and how many were flagged. --run may also be ROOT,\n"
	        "the folder holding several YYYY-MM runs: they are evaluated together.\n\n"
	        "  --truth FILE        truth.json written by claimwatch gen\n"
	        "  --run DIR           a run's month folder, or the folder of months\n"
	        "  --json              print JSON instead of the table\n"
	        "  --min-recall X      exit 1 when a detector with cases has a recall below X\n"
	        "  --min-precision Y   exit 1 when a detector with findings has a precision below Y\n"
	        "                      (with either, a flagged look-alike also exits 1)\n"
	        "  --require-all LIST  exit 1 when a detector of the comma-separated list misses any\n"
	        "                      of its cases (e.g. outlier_physician,low_positive_rate); a\n"
	        "                      flagged look-alike also exits 1\n");
}

static int parse_ratio(const char *opt, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= 0 && v <= 1)) {
		cw_safe_fprintf(stderr, "claimwatch eval: %s expects a number from 0 to 1, got '%s'\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cw_cmd_eval(int argc, char **argv)
{
	const char *truth = NULL, *run = NULL, *require_all = NULL;
	int json = 0;
	double min_recall = -1, min_precision = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return CW_EXIT_OK;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (i + 1 >= argc || strncmp(a, "--", 2)) {
			cw_safe_fprintf(stderr, "claimwatch eval: %s '%s'\n\n", strncmp(a, "--", 2) ? "unexpected argument" : "missing value for", a);
			usage(stderr);
			return CW_EXIT_USAGE;
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--truth"))
			truth = v;
		else if (!strcmp(a, "--run"))
			run = v;
		else if (!strcmp(a, "--min-recall")) {
			if (parse_ratio(a, v, &min_recall) < 0)
				return CW_EXIT_USAGE;
		} else if (!strcmp(a, "--min-precision")) {
			if (parse_ratio(a, v, &min_precision) < 0)
				return CW_EXIT_USAGE;
		} else if (!strcmp(a, "--require-all")) {
			require_all = v;
		} else {
			cw_safe_fprintf(stderr, "claimwatch eval: unknown option '%s'\n\n", a);
			usage(stderr);
			return CW_EXIT_USAGE;
		}
	}
	if (!truth || !run) {
		cw_safe_fprintf(stderr, "claimwatch eval: --truth and --run are required\n\n");
		usage(stderr);
		return CW_EXIT_USAGE;
	}
	cw_eval_result r = { 0 };
	cw_registry *reg = NULL;
	int rc = cw_registry_builtin(&reg);
	if (rc == 0)
		rc = cw_eval_run(&r, truth, run, reg);
	cw_registry_free(reg);
	if (rc < 0) {
		cw_safe_fprintf(stderr, "claimwatch eval: %s\n", cw_error_last());
		cw_eval_free(&r);
		return cw_exit_code(rc);
	}
	int checked = min_recall >= 0 || min_precision >= 0 || require_all;
	int pass = !checked || cw_eval_check(&r, min_recall, min_precision, stderr);
	if (require_all) {
		int all = cw_eval_require_all(&r, require_all, stderr);
		if (all < 0) {
			cw_safe_fprintf(stderr, "claimwatch eval: %s\n", cw_error_last());
			cw_eval_free(&r);
			return CW_EXIT_USAGE;
		}
		pass &= all;
	}
	if (json)
		cw_eval_print_json(stdout, &r, checked, pass);
	else
		cw_eval_print(stdout, &r);
	cw_eval_free(&r);
	return pass ? CW_EXIT_OK : CW_EXIT_FAILURE;
}
