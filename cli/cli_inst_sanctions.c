/* cli_inst_sanctions.c: `claimwatch inst-sanctions`: the institutions' sanction ladder of a month
 * recomputed from the month files ROOT/YYYY-MM/inst_assessment.csv alone (judge/inst_sanction.h,
 * docs/institution-sanctions.md), as CSV (the columns of inst_sanctions.csv) or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "cli.h"
#include "io/outfile.h"
#include "io/output.h"
#include "io/rootmonths.h"
#include "judge/inst_sanction.h"

static const char help[] =
	"usage: claimwatch inst-sanctions --root ROOT --month YYYY-MM [options]\n"
	"\n"
	"Recomputes the institutions' sanction ladder of a month from the files alone: the\n"
	"month's ROOT/YYYY-MM/inst_assessment.csv and those of the months before it in the\n"
	"window (rules: institution_sanctions.window_months, default 12). Prints one row per\n"
	"institution with a step due: 1 refund of the fund's share, 2 a penalty (a multiple\n"
	"of it), 3 settlement suspended, 4 the agreement ended, with the trigger (grade,\n"
	"repeat, fund) and the reason; the same columns as the run's inst_sanctions.csv.\n"
	"\n"
	"options:\n"
	"  --root ROOT          the output root of `claimwatch run`\n"
	"  --month YYYY-MM      the month whose step is due\n"
	"  --rules FILE         the rules the run used (default: the built-in ones)\n"
	"  --format csv|json    the output's form (default csv)\n"
	"  --lang zh|en         the language of the measure and the reason (default zh)\n"
	"  --out FILE           write there instead of standard output\n"
	"  --help               this help\n";

enum { O_ROOT = 256, O_MONTH, O_RULES, O_FORMAT, O_LANG, O_OUT, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },     { "month", required_argument, 0, O_MONTH },
	{ "rules", required_argument, 0, O_RULES },   { "format", required_argument, 0, O_FORMAT },
	{ "lang", required_argument, 0, O_LANG },     { "out", required_argument, 0, O_OUT },
	{ "help", no_argument, 0, O_HELP },           { 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *month, *rules, *out, *lang;
	int json;
} args;

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	switch (c) {
	case O_ROOT: a->root = v; return 0;
	case O_MONTH: a->month = v; return 0;
	case O_RULES: a->rules = v; return 0;
	case O_OUT: a->out = v; return 0;
	case O_FORMAT: return cw_cli_format(&a->json, "inst-sanctions", v);
	case O_LANG: return cw_cli_lang(&a->lang, "inst-sanctions", v);
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("inst-sanctions", "unknown or incomplete option '%s'", arg);
	}
}

static int parse(int argc, char **argv, args *a)
{
	int rc;
	if ((rc = cw_cli_options(argc, argv, options, "inst-sanctions", option, a)) != 0)
		return rc;
	if (!a->root)
		return cw_cli_usage("inst-sanctions", "--root ROOT is required");
	if (!a->month)
		return cw_cli_usage("inst-sanctions", "--month YYYY-MM is required");
	return 0;
}

static void add_money(cJSON *o, const char *key, cw_fen v)
{
	char buf[CW_FMT_SIZE];
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(cw_format_money(buf, v)));
}

static cJSON *row_json(const args *a, const cw_inst_sanction *s, const cw_inst_sanction_rules *r,
                       const char *missing)
{
	static const char *const grades[] = { "", "A", "B", "C", "D" };
	char reason[512];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "month", a->month);
	cJSON_AddStringToObject(o, "inst_id", s->last->inst_id);
	cJSON_AddStringToObject(o, "name", s->last->name);
	cJSON_AddNumberToObject(o, "step", s->step);
	cJSON_AddStringToObject(o, "measure", cw_inst_measure(r, s->step, a->lang));
	add_money(o, "refund_fund", s->refund);
	add_money(o, "penalty", s->penalty);
	cJSON_AddStringToObject(o, "trigger", cw_inst_trigger_name(s->trigger));
	cJSON_AddStringToObject(o, "reason", cw_inst_sanction_reason(reason, sizeof reason, s, r, a->lang));
	cJSON_AddStringToObject(o, "history", s->history);
	cJSON_AddStringToObject(o, "grade", grades[s->last->grade]);
	cJSON_AddStringToObject(o, "basis", cw_inst_basis_name(r->basis));
	add_money(o, "violation_fund", s->last->violation_fund);
	add_money(o, "confirmed_fund", s->last->confirmed_fund);
	cJSON_AddNumberToObject(o, "window_months", (double)r->window);
	add_money(o, "window_fund", s->window_fund);
	cJSON_AddNumberToObject(o, "repeat_months", s->repeat_months);
	cJSON_AddStringToObject(o, "missing_months", missing);
	return o;
}

static int write_json(FILE *f, const args *a, const cw_inst_sanction *s, size_t n, const cw_inst_sanction_rules *r,
                      const char *missing)
{
	cJSON *arr = cJSON_CreateArray();
	for (int step = CW_INST_STEPS; arr && step >= 1; step--)
		for (size_t i = 0; i < n; i++)
			if (s[i].step == step)
				cJSON_AddItemToArray(arr, row_json(a, &s[i], r, missing));
	char *text = arr ? cJSON_Print(arr) : NULL;
	cJSON_Delete(arr);
	if (!text)
		return cw_error_set(CW_ENOMEM, "out of memory writing the sanctions as JSON");
	fprintf(f, "%s\n", text);
	cJSON_free(text);
	return 0;
}

static int compute(const args *a, cw_month m, const cw_inst_sanction_rules *r)
{
	char path[4096], missing[CW_INST_WINDOW_MAX * 8 + 1];
	int rc = cw_root_month_file(path, sizeof path, a->root, m, "inst_assessment.csv");
	if (rc < 0)
		return rc;
	cw_inst_history h;
	if ((rc = cw_inst_history_load(&h, a->root, m, (int)r->window, NULL)) < 0)
		return rc;
	if (!h.present[h.nmonths - 1]) {
		cw_inst_history_free(&h);
		return cw_error_set(CW_ENOTFOUND, "%s: no such file: the month has no institutions' assessment", path);
	}
	cw_inst_sanction *s = NULL;
	size_t n = 0;
	cw_output out;
	FILE *f = stdout;
	cw_output_init(&out);
	rc = cw_inst_sanctions_compute(&s, &n, &h, r);
	cw_inst_history_missing(missing, sizeof missing, &h);
	if (rc == 0 && (rc = a->out ? cw_outfile_open(&f, &out, a->out) : 0) == 0) {
		if (a->json)
			rc = write_json(f, a, s, n, r, missing);
		else
			cw_inst_sanctions_write_csv(f, a->month, s, n, r, a->lang, missing);
		rc = cw_output_end(f, a->out, rc);
	}
	free(s);
	cw_inst_history_free(&h);
	return rc;
}

int cw_cmd_inst_sanctions(int argc, char **argv)
{
	args a = { .lang = "zh" };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_month m;
	if (cw_month_parse(&m, a.month) < 0)
		return cw_cli_usage("inst-sanctions", "--month is YYYY-MM, not '%s'", a.month);
	cw_rules *rules = NULL;
	cw_registry *reg = NULL;
	cw_inst_sanction_rules r;
	rc = cw_cli_rules(&rules, &reg, a.rules, NULL);
	if (rc == 0)
		rc = cw_inst_sanction_rules_load(&r, rules);
	if (rc == 0)
		rc = compute(&a, m, &r);
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("inst-sanctions", rc) : CW_EXIT_OK;
}
