/* cli_run.c: `claimwatch run`: one month or a range of months, in order, through cw_run (claimwatch/run.h)
 * with the command line's progress callback. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/run.h"
#include "cli.h"

static const char help[] =
	"usage: claimwatch run (--data DIR | --db URL | --store PATH) (--month YYYY-MM | --months A..B) --out ROOT [options]\n"
	"\n"
	"Reads a month of claims (plus a look-back window) from the CSV files in DIR or\n"
	"from a PostgreSQL database, runs every enabled detector, scores and ranks the\n"
	"physicians and writes ROOT/YYYY-MM/: findings.csv, evidence.csv, ranking.csv,\n"
	"sanctions.csv, indicators.csv, rejects.csv, summary.json and the HTML report\n"
	"(report/index.html, self-contained: it opens from a USB stick). Sanctions\n"
	"count the earlier months of the half-year cycle from their ranking.csv under\n"
	"ROOT (from a database: from its result tables). A range runs month by month,\n"
	"in order; a month refused for too many rejected rows does not stop it, any\n"
	"other failure does, and the end says which months were run, which failed and\n"
	"which were not run. The month's folder is replaced only when the run succeeds. From a\n"
	"database, the results are also written back to its `claimwatch` schema, in one\n"
	"transaction that replaces the month's earlier results (`claimwatch db init`\n"
	"creates the tables), before the folder is; a run waits for a load in progress,\n"
	"and first moves into place any results the database has that a killed run left\n"
	"aside. A month that had claim lines in its current results and has none now is\n"
	"an error (exit 1), not an empty result, unless --allow-empty.\n"
	"\n"
	"options:\n"
	"  --data DIR             folder of the data contract's CSV files\n"
	"  --db URL               a libpq connection string (URL or key=value; PG* variables\n"
	"                         and ~/.pgpass apply): read from and write back to PostgreSQL\n"
	"  --store PATH           a columnar store written by `claimwatch load --store`: only\n"
	"                         the month and its look-back are read (docs/store.md)\n"
	"  --month YYYY-MM        the month to run\n"
	"  --months A..B          a range of months (inclusive), run in order\n"
	"  --out ROOT             output root (created when missing)\n"
	"  --rules FILE           rules merged over the defaults (rules/default.json)\n"
	"  --plugin PATH.so       a detector plug-in to run beside the built-in detectors\n"
	"                         (repeatable; also the rules' \"plugins\"; see docs/detectors/README.md)\n"
	"  --threads N            threads loading, detecting and writing the report's physician\n"
	"                         pages; 0 = all cores (default: rules run.threads, 0)\n"
	"  --lookback-days N      days loaded before the month (default: rules load.lookback_days)\n"
	"  --max-reject-share X   fail (exit 3) when more than this share of the month's rows is\n"
	"                         rejected (default: rules load.max_reject_share = 0.01)\n"
	"  --input-timeout S      give up on an input file that is not a regular file (a FIFO)\n"
	"                         after S seconds without data; 0 = wait without limit\n"
	"                         (default: rules load.input_timeout_seconds = 600)\n"
	"  --reveal-patients      write raw patient ids instead of keyed pseudonyms\n"
	"  --lang zh|en           the report's labels and the sanctions' measures (default zh)\n"
	"  --no-report            skip the HTML report (the CSV files are written anyway)\n"
	"  --allow-empty          accept a month without claim lines even when its current\n"
	"                         results had some\n"
	"  --load-wait SECONDS    from a database: how long to wait for a load in progress\n"
	"                         before failing (default 1800; 0: fail at once)\n"
	"  --db-connections N     from a database: read the claim lines in slices on N\n"
	"                         connections of one snapshot (default 1: one COPY; at most\n"
	"                         16); the results are the same whatever N\n"
	"  --quiet                no progress or notes on stderr, only errors\n"
	"  --help                 this help\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage error, 3 too many rejected rows (of a range: the\n"
	"worst month's)\n";

enum { O_DATA = 256, O_MONTH, O_MONTHS, O_OUT, O_RULES, O_THREADS, O_LOOKBACK, O_MAXREJ, O_REVEAL, O_QUIET,
       O_HELP, O_DB, O_LANG, O_NO_REPORT, O_PLUGIN, O_ALLOW_EMPTY, O_LOAD_WAIT, O_TIMEOUT, O_STORE,
       O_DB_CONNECTIONS };

static const struct option options[] = {
	{ "data", required_argument, 0, O_DATA },
	{ "db", required_argument, 0, O_DB },
	{ "store", required_argument, 0, O_STORE },
	{ "month", required_argument, 0, O_MONTH },
	{ "months", required_argument, 0, O_MONTHS },
	{ "out", required_argument, 0, O_OUT },
	{ "rules", required_argument, 0, O_RULES },
	{ "plugin", required_argument, 0, O_PLUGIN },
	{ "threads", required_argument, 0, O_THREADS },
	{ "lookback-days", required_argument, 0, O_LOOKBACK },
	{ "max-reject-share", required_argument, 0, O_MAXREJ },
	{ "input-timeout", required_argument, 0, O_TIMEOUT },
	{ "reveal-patients", no_argument, 0, O_REVEAL },
	{ "lang", required_argument, 0, O_LANG },
	{ "no-report", no_argument, 0, O_NO_REPORT },
	{ "allow-empty", no_argument, 0, O_ALLOW_EMPTY },
	{ "load-wait", required_argument, 0, O_LOAD_WAIT },
	{ "db-connections", required_argument, 0, O_DB_CONNECTIONS },
	{ "quiet", no_argument, 0, O_QUIET },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

int cw_cmd_run(int argc, char **argv)
{
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	const char *months = NULL;
	cw_cli_plugins plugins = { .n = 0 };
	long v;
	int c;
	o.progress = cw_cli_progress;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_DATA: o.data_dir = optarg; break;
		case O_DB: o.db = optarg; break;
		case O_STORE: o.store = optarg; break;
		case O_MONTH:
		case O_MONTHS:
			if (months)
				return cw_cli_usage("run", "give --month or --months once");
			months = optarg;
			break;
		case O_OUT: o.root = optarg; break;
		case O_RULES: o.rules_path = optarg; break;
		case O_PLUGIN:
			if (cw_cli_plugin("run", &plugins, optarg) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_THREADS:
			if (cw_cli_int(&v, "run", "--threads", optarg, 0, 256) < 0)
				return CW_EXIT_USAGE;
			o.threads = (int)v;
			break;
		case O_LOOKBACK:
			if (cw_cli_int(&v, "run", "--lookback-days", optarg, 0, 3660) < 0)
				return CW_EXIT_USAGE;
			o.lookback_days = (int)v;
			break;
		case O_MAXREJ:
			if (cw_cli_double(&o.max_reject_share, "run", "--max-reject-share", optarg, 0, 1) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_TIMEOUT:
			if (cw_cli_int(&v, "run", "--input-timeout", optarg, 0, 86400) < 0)
				return CW_EXIT_USAGE;
			o.input_timeout = (int)v;
			break;
		case O_REVEAL: o.reveal_patients = 1; break;
		case O_LANG:
			if (strcmp(optarg, "zh") && strcmp(optarg, "en"))
				return cw_cli_usage("run", "--lang is zh or en, not '%s'", optarg);
			o.lang = optarg;
			break;
		case O_NO_REPORT: o.report = 0; break;
		case O_ALLOW_EMPTY: o.allow_empty = 1; break;
		case O_LOAD_WAIT:
			if (cw_cli_int(&v, "run", "--load-wait", optarg, 0, 86400 * 7) < 0)
				return CW_EXIT_USAGE;
			o.load_wait = (int)v;
			break;
		case O_DB_CONNECTIONS:
			if (cw_cli_int(&v, "run", "--db-connections", optarg, 1, 16) < 0)
				return CW_EXIT_USAGE;
			o.db_connections = (int)v;
			break;
		case O_QUIET: o.progress = cw_cli_progress_errors; break;
		case O_HELP: fputs(help, stdout); return CW_EXIT_OK;
		default:
			return cw_cli_usage("run", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("run", "unexpected argument '%s'", argv[optind]);
	if (!o.data_dir && !o.db && !o.store)
		return cw_cli_usage("run", "--data DIR, --db URL or --store PATH is required");
	if (!!o.data_dir + !!o.db + !!o.store > 1)
		return cw_cli_usage("run", "give one of --data DIR, --db URL and --store PATH");
	if (!months)
		return cw_cli_usage("run", "--month YYYY-MM or --months A..B is required");
	if (!o.root)
		return cw_cli_usage("run", "--out ROOT is required");
	if (cw_month_range_parse(&o.month, &o.last_month, months) < 0)
		return cw_cli_usage("run", "%s", cw_error_last());
	o.plugins = plugins.path;
	o.plugin_count = plugins.n;
	int rc = cw_run(NULL, &o);
	return rc < 0 ? cw_cli_fail("run", rc) : CW_EXIT_OK;
}
