/* cli_case.c: `claimwatch case`: a physician's month or one finding, for an inspector at a terminal. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "cli.h"
#include "io/outfile.h"
#include "judge/prompts.h"
#include "report/case.h"
#include "report/report.h"

static const char help[] =
	"usage: claimwatch case --root ROOT --month YYYY-MM (--physician ID | --finding ID | --institution ID)\n"
	"                       [--json]\n"
	"       claimwatch case --db URL ...   the same from PostgreSQL (claimwatch case --db '' --help)\n"
	"\n"
	"Shows what an inspector needs to check a case against the records, from the month\n"
	"folder ROOT/YYYY-MM/ that `claimwatch run` wrote:\n"
	"  --physician ID   the physician's scores and ranks per dimension, the sanction due,\n"
	"                   the metrics against peers and every finding, most money first;\n"
	"  --finding ID     the finding's rule, numbers and reason, and the claim lines behind\n"
	"                   it (item, time, quantity, unit price, price ceiling, amount);\n"
	"  --institution ID the institution's assessment of the month (score, grade A-D,\n"
	"                   rank, violation money and the fund's share, refunds, the\n"
	"                   indicators against their targets), the sanction step due to it\n"
	"                   this month (measure, refund of the fund's share, penalty, trigger,\n"
	"                   reason; docs/institution-sanctions.md) and its findings by\n"
	"                   detector (docs/institutions.md; from the month folder only).\n"
	"Tables are aligned for a terminal (Chinese text counts two columns); --json prints\n"
	"the same as one JSON document. Patient ids are shown as the month's files hold them\n"
	"(pseudonymised unless the run used --reveal-patients).\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --month YYYY-MM    the month\n"
	"  --physician ID     a physician id\n"
	"  --finding ID       a finding id (findings.csv's finding_id)\n"
	"  --institution ID   an institution id\n"
	"  --lang zh|en       the words and the findings' reasons in Chinese or English\n"
	"                     (default zh); --json keeps the files' values and both reasons\n"
	"  --json             JSON instead of tables\n"
	"  --help             this help\n"
	"\n"
	"exit codes: 0 ok, 1 failure (no such month, physician or finding), 2 usage error\n";

enum { O_ROOT = 256, O_MONTH, O_PHYSICIAN, O_FINDING, O_INSTITUTION, O_JSON, O_LANG, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "month", required_argument, 0, O_MONTH },
	{ "physician", required_argument, 0, O_PHYSICIAN },
	{ "finding", required_argument, 0, O_FINDING },
	{ "institution", required_argument, 0, O_INSTITUTION },
	{ "json", no_argument, 0, O_JSON },
	{ "lang", required_argument, 0, O_LANG },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *month, *physician, *finding, *institution;
	int json;
	int lang; /* CW_LANG_ZH (the default) or CW_LANG_EN */
} args;

/* 0 to go on, -1 after --help, or a usage exit code. */
static int parse(int argc, char **argv, args *a)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_ROOT: a->root = optarg; break;
		case O_MONTH: a->month = optarg; break;
		case O_PHYSICIAN: a->physician = optarg; break;
		case O_FINDING: a->finding = optarg; break;
		case O_INSTITUTION: a->institution = optarg; break;
		case O_JSON: a->json = 1; break;
		case O_LANG:
			if ((a->lang = cw_lang_parse(optarg)) < 0)
				return cw_cli_usage("case", "--lang is zh or en, not '%s'", optarg);
			break;
		case O_HELP: fputs(help, stdout); return -1;
		default: return cw_cli_usage("case", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("case", "unexpected argument '%s'", argv[optind]);
	if (!a->root)
		return cw_cli_usage("case", "--root ROOT is required");
	cw_month m;
	if (!a->month)
		return cw_cli_usage("case", "--month YYYY-MM is required");
	if (cw_month_parse(&m, a->month) < 0)
		return cw_cli_usage("case", "%s", cw_error_last());
	if (!!a->physician + !!a->finding + !!a->institution != 1)
		return cw_cli_usage("case", "give one of --physician ID, --finding ID or --institution ID");
	return 0;
}

static int output(const args *a, char *json, int rc)
{
	if (rc == 0 && a->json) {
		if (!json)
			return cw_error_set(CW_ENOMEM, "out of memory");
		printf("%s\n", json);
	}
	free(json);
	return rc < 0 ? rc : cw_output_end(stdout, NULL, rc);
}

/* The question, asked of any source (the month folder today, a database tomorrow). */
static int ask(const cw_case_source *src, const args *a)
{
	int rc;
	char *json = NULL;
	if (a->physician) {
		cw_case_physician p;
		if ((rc = src->physician(src->ctx, a->month, a->physician, &p)) < 0)
			return rc;
		if (a->json)
			json = cw_case_physician_json(&p);
		else
			rc = cw_case_print_physician(stdout, &p, a->lang);
		cw_case_physician_free(&p);
	} else {
		cw_case_finding c;
		cw_registry *reg;
		if ((rc = src->finding(src->ctx, a->month, a->finding, &c)) < 0)
			return rc;
		if ((rc = cw_registry_builtin(&reg)) < 0) {
			cw_case_finding_free(&c);
			return rc;
		}
		c.rule = cw_registry_find(reg, c.f.v[CF_DETECTOR]);
		if (!c.rule) /* a rule of a later stage (judge/prompts.h: the I12 under-service prompt) */
			c.rule = cw_prompt_rule(c.f.v[CF_DETECTOR]);
		if (a->json)
			json = cw_case_finding_json(&c);
		else
			rc = cw_case_print_finding(stdout, &c, a->lang);
		cw_case_finding_free(&c);
		cw_registry_free(reg);
	}
	return output(a, json, rc);
}

int cw_cmd_case(int argc, char **argv)
{
	/* From a database (--db URL): the result tables, through queries/case_*.sql (cli_case_db.c). */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--db") || !strncmp(argv[i], "--db=", 5))
			return cw_cmd_case_db(argc, argv);
	args a = { .lang = CW_LANG_ZH };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	if (a.institution) {
		cw_month m;
		cw_month_parse(&m, a.month);
		rc = cw_case_institution(stdout, a.root, m, a.institution, a.lang, a.json);
		rc = rc < 0 ? rc : cw_output_end(stdout, NULL, rc);
		return rc < 0 ? cw_cli_fail("case", rc) : CW_EXIT_OK;
	}
	cw_case_source src;
	if ((rc = cw_case_folder_source(&src, a.root)) < 0)
		return cw_cli_fail("case", rc);
	rc = ask(&src, &a);
	src.close(src.ctx);
	return rc < 0 ? cw_cli_fail("case", rc) : CW_EXIT_OK;
}
