/* cli_blacklist.c: `claimwatch blacklist`: the blacklist candidates of a half-year cycle. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "io/output.h"
#include "io/rootmonths.h"
#include "judge/blacklist.h"
#include "report/export.h"
#include "run/run.h"
#include "util/safetext.h"

static const char help[] =
	"usage: claimwatch blacklist --root ROOT --cycle YYYY-H1|YYYY-H2 [options]\n"
	"\n"
	"Lists the physicians who reached a sanction level in the cycle (default: level 3,\n"
	"rules blacklist.min_level) or whose money at stake over the cycle reaches an\n"
	"amount (rules blacklist.min_suspect_amount, 0 = off), with name, institution,\n"
	"department, level, months flagged, money at stake, the detectors behind it and\n"
	"the finding ids that prove it (findings an inspector dismissed are left out).\n"
	"Levels are recomputed from the months' ranking.csv under ROOT.\n"
	"\n"
	"options:\n"
	"  --root ROOT          the output root of `claimwatch run`\n"
	"  --cycle C            the half-year cycle: 2026-H1 (Jan-Jun) or 2026-H2 (Jul-Dec)\n"
	"  --min-level N        1, 2 or 3\n"
	"  --min-amount YUAN    money at stake over the cycle that lists a physician (0: off)\n"
	"  --format csv|json    (default csv)\n"
	"  --excel              CSV for Excel: UTF-8 byte-order mark (Chinese text opens\n"
	"                       correctly) and CRLF\n"
	"  --raw                CSV text as it is: without it, text a spreadsheet would run\n"
	"                       as a formula (starting with = + - @, a tab or a CR, not a\n"
	"                       number) is written with an apostrophe in front\n"
	"  --out FILE           write there instead of standard output (the file is\n"
	"                       replaced only when written whole)\n"
	"  --rules FILE         rules merged over the defaults (sanction thresholds, blacklist keys)\n"
	"  --lang zh|en         the language of reason_text, why each is listed (default zh;\n"
	"                       the reason column keeps its stable words: level, amount)\n"
	"  --help               this help\n";

enum { O_ROOT = 256, O_CYCLE, O_LEVEL, O_AMOUNT, O_FORMAT, O_OUT, O_RULES, O_HELP, O_EXCEL, O_RAW, O_LANG };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "cycle", required_argument, 0, O_CYCLE },
	{ "min-level", required_argument, 0, O_LEVEL },
	{ "min-amount", required_argument, 0, O_AMOUNT },
	{ "format", required_argument, 0, O_FORMAT },
	{ "out", required_argument, 0, O_OUT },
	{ "rules", required_argument, 0, O_RULES },
	{ "excel", no_argument, 0, O_EXCEL },
	{ "raw", no_argument, 0, O_RAW },
	{ "lang", required_argument, 0, O_LANG },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *cycle, *format, *out, *rules, *lang;
	int csv_flags; /* CW_CSV_EXCEL, CW_CSV_RAW */
	long min_level;    /* -1: from the rules */
	double min_amount; /* < 0: from the rules */
} args;

static int parse(int argc, char **argv, args *a)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_ROOT: a->root = optarg; break;
		case O_CYCLE: a->cycle = optarg; break;
		case O_LEVEL:
			if (cw_cli_int(&a->min_level, "blacklist", "--min-level", optarg, 1, CW_LEVELS) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_AMOUNT:
			if (cw_cli_double(&a->min_amount, "blacklist", "--min-amount", optarg, 0, 1e12) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_FORMAT: a->format = optarg; break;
		case O_OUT: a->out = optarg; break;
		case O_RULES: a->rules = optarg; break;
		case O_EXCEL: a->csv_flags |= CW_CSV_EXCEL; break;
		case O_RAW: a->csv_flags |= CW_CSV_RAW; break;
		case O_LANG:
			if (strcmp(optarg, "zh") && strcmp(optarg, "en"))
				return cw_cli_usage("blacklist", "--lang is zh or en, not '%s'", optarg);
			a->lang = optarg;
			break;
		case O_HELP: fputs(help, stdout); return -1;
		default: return cw_cli_usage("blacklist", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("blacklist", "unexpected argument '%s'", argv[optind]);
	if (!a->root)
		return cw_cli_usage("blacklist", "--root ROOT is required");
	if (!a->cycle)
		return cw_cli_usage("blacklist", "--cycle YYYY-H1 or YYYY-H2 is required");
	if (strcmp(a->format, "csv") && strcmp(a->format, "json"))
		return cw_cli_usage("blacklist", "--format is csv or json, not '%s'", a->format);
	if (a->csv_flags && strcmp(a->format, "csv"))
		return cw_cli_usage("blacklist", "--excel and --raw are for CSV: leave out --format json");
	return 0;
}

/* The blacklist settings: the rules, then the command line over them. */
static int settings(const cw_rules *rules, const args *a, cw_blacklist_opts *o)
{
	cw_section s = cw_rules_section(rules, "blacklist");
	long long level, top, amount;
	int rc;
	if ((rc = cw_section_int(&level, &s, "min_level", 1, CW_LEVELS)) < 0 ||
	    (rc = cw_section_money(&amount, &s, "min_suspect_amount")) < 0 ||
	    (rc = cw_section_int(&top, &s, "top_detectors", 0, 1000)) < 0)
		return rc;
	o->min_level = a->min_level > 0 ? (int)a->min_level : (int)level;
	o->lang = a->lang;
	o->top_detectors = (int)top;
	o->min_amount = amount;
	if (a->min_amount >= 0)
		o->min_amount = llround(a->min_amount * 100.0);
	return 0;
}

static int output(const cw_blacklist *b, const args *a, cw_output *o)
{
	FILE *f = stdout;
	int rc = a->out ? cw_outfile_open(&f, o, a->out) : 0;
	if (rc < 0)
		return rc;
	if (!strcmp(a->format, "json")) {
		char *text = cw_blacklist_json(b);
		if (!text)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
		else
			fprintf(f, "%s\n", text);
		free(text);
	} else {
		rc = cw_blacklist_write_csv(b, f, a->csv_flags);
	}
	return cw_output_end(f, a->out, rc);
}

int cw_cmd_blacklist(int argc, char **argv)
{
	args a = { .format = "csv", .min_level = -1, .min_amount = -1 };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_blacklist_opts o = { .root = a.root };
	if (cw_cycle_parse(a.cycle, &o.cycle_first) < 0)
		return cw_cli_usage("blacklist", "%s", cw_error_last());
	cw_rules *rules;
	cw_registry *reg;
	cw_sanction_rules sr;
	cw_blacklist b;
	cw_output out;
	if ((rc = cw_cli_rules(&rules, &reg, a.rules, NULL)) < 0)
		return cw_cli_fail("blacklist", rc);
	o.rules = &sr;
	if ((rc = cw_output_load(&out, rules)) == 0 &&
	    (rc = cw_sanction_rules_load(&sr, rules)) == 0 && (rc = settings(rules, &a, &o)) == 0 &&
	    (rc = cw_blacklist_build(&b, &o)) == 0) {
		if (b.missing[0])
			cw_safe_fprintf(stderr, "warning: %s: no results under %s for %s: their firsts are not counted\n",
			                b.cycle, a.root, b.missing);
		cw_safe_lines(stderr, b.warnings);
		rc = output(&b, &a, &out);
		cw_blacklist_free(&b);
	}
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("blacklist", rc) : CW_EXIT_OK;
}
