/* cli_import.c: `claimwatch import`: the national platform's records or CMS claims files into a contract
 * folder (tools/import), or through a temporary folder into PostgreSQL by `claimwatch load`'s path. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "import/import.h"
#include "io/outdir.h"

static const char help[] =
	"usage: claimwatch import --from nhsa|cms DIR (--out DIR | --db URL) [options]\n"
	"\n"
	"Reads the records a hospital or insurer already has and writes the data contract's ten tables\n"
	"(docs/import.md gives every source field and where it goes):\n"
	"  --from nhsa DIR   the national medical-insurance platform's interface records, as CSV exports\n"
	"                    or JSON lines (NAME.csv or NAME.jsonl): mdtrtinfo (2201/2401/2402, or split\n"
	"                    into adminfo and dscginfo), diseinfo, feedetail (2301), setlinfo and\n"
	"                    setldetail (2304), catalogue (optional)\n"
	"  --from cms DIR    CMS DE-SynPUF / CCW claims: inpatient, outpatient and carrier claims and the\n"
	"                    beneficiary summary (their DE-SynPUF file names, or inpatient.csv, ...)\n"
	"\n"
	"Every import writes the mapping report DIR/import_report.csv (rows read, kept, merged, dropped,\n"
	"values defaulted, by record and reason, with the first row each reason met) and its summary on\n"
	"standard error. A row with a value that cannot be read is dropped, named by file, line and column.\n"
	"\n"
	"options:\n"
	"  --out DIR            the contract folder to write (created; files of the same names replaced)\n"
	"  --db URL             load the tables into PostgreSQL as `claimwatch load` does; without --out\n"
	"                       through a private temporary folder, removed afterwards\n"
	"  --report FILE        with --db and no --out: also keep the mapping report here\n"
	"  --coding icd9|icd10  the diagnosis codes' system: required with --from cms (DE-SynPUF is ICD-9);\n"
	"                       the platform's are ICD-10. Run with the rules key dx.coding set alike\n"
	"  --lang zh|en         the summary's language (default zh)\n"
	"  --quiet              no summary on standard error\n"
	"  --help               this help\n"
	"\n"
	"exit codes: 0 ok, 1 failure (unreadable input: file and line named), 2 usage error,\n"
	"3 too many rejected rows in the load\n";

enum { O_FROM = 256, O_OUT, O_DB, O_CODING, O_LANG, O_QUIET, O_HELP, O_REPORT };
static const struct option options[] = {
	{ "from", required_argument, 0, O_FROM }, { "out", required_argument, 0, O_OUT },
	{ "db", required_argument, 0, O_DB }, { "coding", required_argument, 0, O_CODING },
	{ "lang", required_argument, 0, O_LANG }, { "quiet", no_argument, 0, O_QUIET },
	{ "report", required_argument, 0, O_REPORT }, { "help", no_argument, 0, O_HELP }, { 0, 0, 0, 0 }
};

typedef struct args {
	cw_import_opts o;
	const char *db, *report, *lang;
} args;

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	switch (c) {
	case O_FROM:
		if (strcmp(v, "nhsa") && strcmp(v, "cms"))
			return cw_cli_usage("import", "--from is nhsa or cms, not '%s'", v);
		a->o.from = strcmp(v, "nhsa") ? CW_IMPORT_CMS : CW_IMPORT_NHSA;
		return 0;
	case O_OUT: a->o.out_dir = v; return 0;
	case O_DB: a->db = v; return 0;
	case O_REPORT: a->report = v; return 0;
	case O_CODING:
		if (strcmp(v, "icd9") && strcmp(v, "icd10"))
			return cw_cli_usage("import", "--coding is icd9 or icd10, not '%s'", v);
		a->o.coding = strcmp(v, "icd9") ? CW_CODING_ICD10 : CW_CODING_ICD9;
		return 0;
	case O_LANG: return cw_cli_lang(&a->lang, "import", v) ? CW_EXIT_USAGE : 0;
	case O_QUIET: a->o.quiet = 1; return 0;
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("import", "unknown or incomplete option '%s'", arg);
	}
}

/* --from takes its folder as the next word: `--from nhsa DIR`. */
static int take_dir(args *a, int argc, char **argv)
{
	for (int i = 1; i + 2 < argc; i++)
		if (!strcmp(argv[i], "--from") && strncmp(argv[i + 2], "--", 2)) {
			a->o.in_dir = argv[i + 2];
			for (int j = i + 2; j + 1 < argc; j++)
				argv[j] = argv[j + 1];
			return argc - 1;
		}
	return argc;
}

/* --db: the folder loaded through `claimwatch load`, the one load path. */
static int load(const args *a, const char *dir)
{
	char *argv[] = { "load", "--data", (char *)dir, "--db", (char *)a->db, a->o.quiet ? "--quiet" : NULL, NULL };
	return cw_cmd_load(a->o.quiet ? 6 : 5, argv);
}

static int with_db(args *a)
{
	char tmp[PATH_MAX];
	const char *base = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/claimwatch-import.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "claimwatch import: cannot create a temporary folder in %s\n", base && *base ? base : "/tmp");
		return CW_EXIT_FAILURE;
	}
	a->o.out_dir = tmp;
	cw_import_totals tot;
	int rc = cw_import_run(&a->o, &tot), exit_code = CW_EXIT_OK;
	if (rc < 0)
		exit_code = cw_cli_fail("import", rc);
	if (rc == 0 && a->report) {
		char from[PATH_MAX + 32];
		snprintf(from, sizeof from, "%s/import_report.csv", tmp);
		if (rename(from, a->report) != 0) {
			fprintf(stderr, "claimwatch import: cannot move the mapping report to %s (another filesystem?)\n",
			        a->report);
			exit_code = CW_EXIT_FAILURE;
		}
	}
	if (exit_code == CW_EXIT_OK)
		exit_code = load(a, tmp);
	cw_rmtree(tmp);
	return exit_code;
}

int cw_cmd_import(int argc, char **argv)
{
	args a = { .lang = "zh" };
	argc = take_dir(&a, argc, argv);
	int rc = cw_cli_options(argc, argv, options, "import", option, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	if (!a.o.from || !a.o.in_dir)
		return cw_cli_usage("import", "--from nhsa DIR or --from cms DIR is required");
	if (!a.o.out_dir && !a.db)
		return cw_cli_usage("import", "--out DIR or --db URL is required");
	if (a.report && (a.o.out_dir || !a.db))
		return cw_cli_usage("import", "--report FILE goes with --db and no --out (with --out the report is "
		                    "DIR/import_report.csv)");
	if (a.o.from == CW_IMPORT_CMS && !a.o.coding)
		return cw_cli_usage("import", "--from cms needs --coding icd9 or --coding icd10 (DE-SynPUF is icd9)");
	if (a.o.from == CW_IMPORT_NHSA && a.o.coding == CW_CODING_ICD9)
		return cw_cli_usage("import", "the platform's diagnoses are ICD-10: --coding icd9 does not apply to nhsa");
	if (!a.o.coding)
		a.o.coding = CW_CODING_ICD10;
	a.o.en = !strcmp(a.lang, "en");
	if (a.db && !a.o.out_dir)
		return with_db(&a);
	cw_import_totals tot;
	if ((rc = cw_import_run(&a.o, &tot)) < 0)
		return cw_cli_fail("import", rc);
	return a.db ? load(&a, a.o.out_dir) : CW_EXIT_OK;
}
