/* cli_gen.c: `claimwatch gen`, the demo-data generator with its answers (truth.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "gen/gen.h"
#include "util/safetext.h"
#include "util/progress.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: claimwatch gen --out DIR [--months YYYY-MM..YYYY-MM] [--scale X | --lines N]\n"
	        "                      [--seed N] [--warmup-days N] [--quiet]\n\n"
	        "Writes the ten tables of the data contract as CSV into DIR, with DIR/truth.json: the\n"
	        "injected fraud schemes (cases), the look-alikes that must not be flagged and the bad\n"
	        "physicians. The same seed gives byte-identical files.\n\n"
	        "  --out DIR          output folder (created)\n"
	        "  --months A..B      months to generate (default 2026-01..2026-06)\n"
	        "  --scale X          size: 1 is about 100,000 claim lines a month (default 1)\n"
	        "  --lines N          size as claim lines a month (instead of --scale)\n"
	        "  --seed N           random seed (default 1)\n"
	        "  --warmup-days N    background history before the first month (default 15)\n"
	        "  --quiet            no progress or summary on standard error\n");
}

static int parse_num(const char *opt, const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= min && v <= max)) {
		cw_safe_fprintf(stderr, "claimwatch gen: %s expects a number from %g to %g, got '%s'\n", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cw_cmd_gen(int argc, char **argv)
{
	cw_gen_opts o;
	cw_gen_opts_init(&o);
	int quiet = 0, have_scale = 0, have_lines = 0;
	double x;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return CW_EXIT_OK;
		}
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (i + 1 >= argc || strncmp(a, "--", 2)) {
			cw_safe_fprintf(stderr, "claimwatch gen: %s '%s'\n\n", strncmp(a, "--", 2) ? "unexpected argument" : "missing value for", a);
			usage(stderr);
			return CW_EXIT_USAGE;
		}
		const char *val = argv[++i];
		if (!strcmp(a, "--out")) {
			o.out_dir = val;
		} else if (!strcmp(a, "--months")) {
			if (cw_month_range_parse(&o.first, &o.last, val) < 0 || cw_month_cmp(o.first, o.last) > 0) {
				cw_safe_fprintf(stderr, "claimwatch gen: --months: %s\n", cw_month_cmp(o.first, o.last) > 0 ?
				        "the first month is after the last" : cw_error_last());
				return CW_EXIT_USAGE;
			}
		} else if (!strcmp(a, "--scale")) {
			if (parse_num(a, val, 1e-4, 10000, &o.scale) < 0)
				return CW_EXIT_USAGE;
			have_scale = 1;
		} else if (!strcmp(a, "--lines")) {
			if (parse_num(a, val, 10, 1e9, &x) < 0)
				return CW_EXIT_USAGE;
			o.scale = x / CW_GEN_LINES_PER_SCALE;
			have_lines = 1;
		} else if (!strcmp(a, "--seed")) {
			char *end;
			unsigned long long s = strtoull(val, &end, 10);
			if (!*val || *end || val[0] == '-') {
				cw_safe_fprintf(stderr, "claimwatch gen: --seed expects a non-negative integer, got '%s'\n", val);
				return CW_EXIT_USAGE;
			}
			o.seed = s;
		} else if (!strcmp(a, "--warmup-days")) {
			if (parse_num(a, val, 0, 60, &x) < 0)
				return CW_EXIT_USAGE;
			o.warmup_days = (int)x;
		} else {
			cw_safe_fprintf(stderr, "claimwatch gen: unknown option '%s'\n\n", a);
			usage(stderr);
			return CW_EXIT_USAGE;
		}
	}
	if (!o.out_dir) {
		cw_safe_fprintf(stderr, "claimwatch gen: --out DIR is required\n\n");
		usage(stderr);
		return CW_EXIT_USAGE;
	}
	if (have_scale && have_lines) {
		cw_safe_fprintf(stderr, "claimwatch gen: give --scale or --lines, not both\n");
		return CW_EXIT_USAGE;
	}
	if (quiet)
		cw_progress_set(NULL, NULL);
	o.progress = !quiet;
	cw_gen_stats st;
	int rc = cw_gen_run(&o, &st);
	if (rc < 0) {
		cw_safe_fprintf(stderr, "claimwatch gen: %s\n", cw_error_last());
		return cw_exit_code(rc);
	}
	if (!quiet)
		cw_progress_note("wrote %s: %llu institutions, %llu physicians, %llu patients, %llu visits, "
		                 "%llu claim lines (%llu in the months), %llu prescription lines, %llu results; "
		                 "truth: %llu cases, %llu look-alikes (%.1f s)",
		                 o.out_dir, (unsigned long long)st.institutions, (unsigned long long)st.physicians,
		                 (unsigned long long)st.patients, (unsigned long long)st.visits,
		                 (unsigned long long)st.lines, (unsigned long long)st.lines_in_range,
		                 (unsigned long long)st.prescriptions, (unsigned long long)st.results,
		                 (unsigned long long)st.cases, (unsigned long long)st.lookalikes, st.seconds);
	return CW_EXIT_OK;
}
