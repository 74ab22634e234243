/* cli_load.c: `claimwatch load`: a folder of the contract's CSV files into PostgreSQL. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "cli.h"
#include "outdir.h"
#include "pg_load.h"
#include "progress.h"
#include "pseudo.h"

static const char help[] =
	"usage: claimwatch load --data DIR --db URL [options]\n"
	"\n"
	"Loads DIR/<table>.csv for every table of the data contract into the database, in one\n"
	"transaction. Rows are checked exactly as `claimwatch run --data DIR` checks them; the\n"
	"rows that cannot be taken go to claimwatch.rejects (and to --rejects FILE) and are not\n"
	"loaded. Claim lines replace the months they belong to, the other tables are updated by\n"
	"key: loading the same month twice does not duplicate it. Create the tables first with\n"
	"`claimwatch db init --db URL`.\n"
	"\n"
	"Patient ids in the rejected rows are written as the keyed pseudonyms a run writes (the\n"
	"key from CLAIMWATCH_PSEUDONYM_KEY, else ROOT/.pseudonym-key with --root ROOT), or withheld\n"
	"without a key: the database and the reject file hold no raw patient id.\n"
	"\n"
	"options:\n"
	"  --data DIR             folder of the data contract's CSV files\n"
	"  --db URL               a libpq connection string (URL or key=value; PG* variables\n"
	"                         and ~/.pgpass apply)\n"
	"  --rejects FILE         also keep the rejected rows in this CSV file\n"
	"  --root ROOT            the runs' output root, whose pseudonym key (created when\n"
	"                         missing) pseudonymises patient ids in the rejected rows\n"
	"  --max-reject-share X   load nothing (exit 3) when more than this share of rows is\n"
	"                         rejected (default: rules load.max_reject_share = 0.01)\n"
	"  --quiet                no progress or notes on stderr\n"
	"  --help                 this help\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage error, 3 too many rejected rows\n";

enum { O_DATA = 256, O_DB, O_REJECTS, O_MAXREJ, O_QUIET, O_HELP, O_ROOT };
static const struct option options[] = {
	{ "data", required_argument, 0, O_DATA }, { "db", required_argument, 0, O_DB },
	{ "rejects", required_argument, 0, O_REJECTS }, { "max-reject-share", required_argument, 0, O_MAXREJ },
	{ "root", required_argument, 0, O_ROOT },
	{ "quiet", no_argument, 0, O_QUIET }, { "help", no_argument, 0, O_HELP }, { 0, 0, 0, 0 }
};

static int default_share(double *share)
{
	cw_rules *rules;
	int rc = cw_rules_load(&rules, NULL);
	if (rc < 0)
		return rc;
	cw_section load = cw_rules_section(rules, "load");
	rc = cw_section_double(&load, "max_reject_share", 0, 1, share);
	cw_rules_free(rules);
	return rc;
}

/* The key of the patient pseudonyms, as a run takes it: CLAIMWATCH_PSEUDONYM_KEY, else
 * ROOT/.pseudonym-key. *ps is NULL when there is neither (patient ids are then withheld). */
static int pseudonym_key(const char *root, cw_pseudo *key, const cw_pseudo **ps)
{
	const char *env = getenv("CLAIMWATCH_PSEUDONYM_KEY");
	*ps = NULL;
	if ((!env || !*env) && !root) {
		cw_progress_note("no pseudonym key (--root ROOT or CLAIMWATCH_PSEUDONYM_KEY): patient ids in rejected "
		                 "rows are withheld");
		return 0;
	}
	int rc = root ? cw_mkdirs(root) : 0;
	if (rc == 0 && (rc = cw_pseudo_init(key, root, NULL, 0)) == 0)
		*ps = key;
	return rc;
}

static void report(const char *dir, const cw_load_stats *st, const cw_pg_load_report *rep, const cw_pg *pg)
{
	unsigned long long read = 0, rejected = 0;
	for (int t = 0; t < CW_T_COUNT; t++) {
		read += st->table[t].read;
		rejected += st->table[t].rejected;
	}
	for (int i = 0; i < rep->nmonths; i++)
		cw_progress_note("%s: claim lines of %s: %lld", pg->target, rep->months[i].month, rep->months[i].lines);
	cw_progress_note("%s: loaded %s in %.1f s: %llu rows read, %llu rejected%s (load %s in claimwatch.runs)",
	                 pg->target, dir, st->seconds, read, rejected,
	                 rejected ? ", listed in claimwatch.rejects" : "", rep->run_id);
}

int cw_cmd_load(int argc, char **argv)
{
	const char *dir = NULL, *db = NULL, *rejects = NULL, *root = NULL;
	double share = -1;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_DATA: dir = optarg; break;
		case O_DB: db = optarg; break;
		case O_REJECTS: rejects = optarg; break;
		case O_ROOT: root = optarg; break;
		case O_MAXREJ:
			if (cw_cli_double("load", "--max-reject-share", optarg, 0, 1, &share) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_QUIET: cw_progress_quiet(1); break;
		case O_HELP: fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("load", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("load", "unexpected argument '%s'", argv[optind]);
	if (!dir)
		return cw_cli_usage("load", "--data DIR is required");
	if (!db)
		return cw_cli_usage("load", "--db URL is required");
	cw_pseudo key;
	cw_pg_load_opts lo = { .max_reject_share = share };
	int rc = share < 0 ? default_share(&lo.max_reject_share) : 0;
	if (rc == 0)
		rc = pseudonym_key(root, &key, &lo.pseudo);
	if (rc < 0)
		return cw_cli_fail("load", rc);
	/* Without --rejects the reject file is a private temporary file, gone after the load. */
	char tmp[] = "/tmp/claimwatch-rejects.XXXXXX";
	if (!rejects) {
		int fd = mkstemp(tmp);
		if (fd < 0)
			return cw_cli_fail("load", cw_error_set(CW_EIO, "cannot create a temporary reject file in /tmp"));
		close(fd);
	}
	lo.rejects_path = rejects ? rejects : tmp;
	cw_pg *pg;
	cw_load_stats st;
	cw_pg_load_report rep;
	if ((rc = cw_pg_connect(&pg, db)) == 0) {
		if ((rc = cw_pg_schema_check(pg)) == 0 && (rc = cw_pg_load(pg, dir, &lo, &st, &rep)) == 0)
			report(dir, &st, &rep, pg);
		cw_pg_close(pg);
	}
	if (!rejects)
		unlink(tmp);
	return rc < 0 ? cw_cli_fail("load", rc) : CW_EXIT_OK;
}
