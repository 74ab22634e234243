/* cli_sample.c: `claimwatch sample`: the 双随机 draw of requirement J4 (docs/sample.md), a seeded
 * sample of a month's physicians or institutions for on-site checks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "io/output.h"
#include "judge/sample.h"
#include "util/safetext.h"

static const char help[] =
	"usage: claimwatch sample --root ROOT --month YYYY-MM [options]\n"
	"\n"
	"Draws a reproducible sample of the month's physicians (every physician of\n"
	"ranking.csv) or institutions for on-site checks (双随机, requirement J4): at least\n"
	"--share of them, the first --random-share of the draw purely at random, the rest\n"
	"weighted by risk (a physician's composite score; an institution's money at stake,\n"
	"as a share of the largest). Writes who was drawn and why (pick: random or risk).\n"
	"The same seed and results give the same draw.\n"
	"\n"
	"options:\n"
	"  --root ROOT            the output root of `claimwatch run`\n"
	"  --month YYYY-MM        the month whose results are read (ROOT/YYYY-MM)\n"
	"  --of physicians|institutions   what to draw (default physicians)\n"
	"  --share S              the share to draw, above 0 and at most 1 (default 0.2)\n"
	"  --random-share R       the part of the draw picked purely at random, 0 to 1\n"
	"                         (default 0.3)\n"
	"  --seed N               the seed (default: from the clock; the seed used is\n"
	"                         printed and written in every row)\n"
	"  --out FILE             write there instead of standard output\n"
	"  --lang zh|en           the language of the summary line (default zh)\n"
	"  --quiet                no summary line on standard error\n"
	"  --help                 this help\n";

enum { O_ROOT = 256, O_MONTH, O_OF, O_SHARE, O_RANDOM, O_SEED, O_OUT, O_LANG, O_QUIET, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "month", required_argument, 0, O_MONTH },
	{ "of", required_argument, 0, O_OF },
	{ "share", required_argument, 0, O_SHARE },
	{ "random-share", required_argument, 0, O_RANDOM },
	{ "seed", required_argument, 0, O_SEED },
	{ "out", required_argument, 0, O_OUT },
	{ "lang", required_argument, 0, O_LANG },
	{ "quiet", no_argument, 0, O_QUIET },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *month, *out, *lang;
	int institutions, quiet, seeded;
	double share, random_share;
	uint64_t seed;
} args;

static int parse_seed(args *a, const char *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-')
		return cw_cli_usage("sample", "--seed is a non-negative integer, not '%s'", v);
	a->seed = x;
	a->seeded = 1;
	return 0;
}

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	switch (c) {
	case O_ROOT: a->root = v; return 0;
	case O_MONTH: a->month = v; return 0;
	case O_OUT: a->out = v; return 0;
	case O_QUIET: a->quiet = 1; return 0;
	case O_SEED: return parse_seed(a, v);
	case O_SHARE:
		if (cw_cli_double(&a->share, "sample", "--share", v, 0, 1) < 0 || a->share <= 0)
			return cw_cli_usage("sample", "--share is above 0 and at most 1, not '%s'", v);
		return 0;
	case O_RANDOM: return cw_cli_double(&a->random_share, "sample", "--random-share", v, 0, 1) < 0 ? CW_EXIT_USAGE : 0;
	case O_OF:
		if (strcmp(v, "physicians") && strcmp(v, "institutions"))
			return cw_cli_usage("sample", "--of is physicians or institutions, not '%s'", v);
		a->institutions = !strcmp(v, "institutions");
		return 0;
	case O_LANG: return cw_cli_lang(&a->lang, "sample", v);
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("sample", "unknown or incomplete option '%s'", arg);
	}
}

static int parse(int argc, char **argv, args *a)
{
	int rc;
	if ((rc = cw_cli_options(argc, argv, options, "sample", option, a)) != 0)
		return rc;
	if (!a->root)
		return cw_cli_usage("sample", "--root ROOT is required");
	if (!a->month)
		return cw_cli_usage("sample", "--month YYYY-MM is required");
	if (!a->seeded)
		a->seed = (uint64_t)time(NULL);
	return 0;
}

static void summary(const cw_sample *s, const args *a)
{
	size_t k = s->drawn, r = s->random_drawn;
	unsigned long long seed = (unsigned long long)s->seed;
	if (!strcmp(a->lang, "en"))
		fprintf(stderr, "sample %s: %zu of %zu %s drawn (share %.2f; %zu purely random, %zu by risk), seed %llu\n",
		        a->month, k, s->n, a->institutions ? "institutions" : "physicians", a->share, r, k - r, seed);
	else
		fprintf(stderr, "抽查 %s：从 %zu 个%s中抽取 %zu 个（比例 %.2f；纯随机 %zu，按风险 %zu），种子 %llu\n",
		        a->month, s->n, a->institutions ? "定点医疗机构" : "医师", k, a->share, r, k - r, seed);
}

static int draw(const args *a, cw_month m)
{
	cw_sample s = { 0 };
	cw_output out;
	FILE *f = stdout;
	int rc = cw_sample_load(&s, a->root, m, a->institutions);
	if (rc == 0 && !s.n)
		rc = cw_error_set(CW_EINVALID, "%s/%s: nobody to draw from (ranking.csv has no composite rows)",
		                  a->root, a->month);
	if (rc == 0)
		rc = cw_sample_draw(&s, a->share, a->random_share, a->seed);
	cw_output_init(&out);
	if (rc == 0 && (rc = a->out ? cw_outfile_open(&f, &out, a->out) : 0) == 0) {
		rc = cw_output_end(f, a->out, cw_sample_write_csv(&s, f, 0));
		if (rc == 0 && !a->quiet)
			summary(&s, a);
	}
	cw_sample_free(&s);
	return rc;
}

int cw_cmd_sample(int argc, char **argv)
{
	args a = { .share = CW_SAMPLE_SHARE, .random_share = CW_SAMPLE_RANDOM_SHARE, .lang = "zh" };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_month m;
	if (cw_month_parse(&m, a.month) < 0)
		return cw_cli_usage("sample", "--month is YYYY-MM, not '%s'", a.month);
	rc = draw(&a, m);
	return rc < 0 ? cw_cli_fail("sample", rc) : CW_EXIT_OK;
}
