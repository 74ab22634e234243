/* cli_db.c: `claimwatch db init`: creates claimwatch's tables in a PostgreSQL database, or migrates
 * them to this version's schema. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "pg/pg.h"
#include "util/progress.h"

static const char help[] =
	"usage: claimwatch db init --db URL\n"
	"\n"
	"Creates the data contract's tables (claim lines partitioned by month) in the first\n"
	"schema of the connection's search_path, and claimwatch's result tables in the schema\n"
	"`claimwatch` (runs, findings, ranking, sanctions, rejects), from queries/schema.sql.\n"
	"Input tables that already exist are kept; the optional columns of the data contract\n"
	"they lack are added, and a missing required column is named with what to do. A\n"
	"database made by an older claimwatch is migrated, and a `claimwatch` schema that lost\n"
	"its version is completed and checked. Running it again changes nothing.\n"
	"\n"
	"URL is any libpq connection string: postgresql://user@host:5432/db?sslmode=require\n"
	"or 'host=... dbname=...'. Passwords come from ~/.pgpass (or PGPASSFILE), PGPASSWORD\n"
	"or the string; the PG* environment variables fill what the string leaves out (--db ''\n"
	"uses them alone). Another schema for the input tables:\n"
	"'options=-csearch_path=hospital' (in a URL: ?options=-csearch_path%3Dhospital).\n";

static void say_done(const cw_pg *pg, int from, int to, int added)
{
	if (from == 0)
		cw_progress_note("%s: created claimwatch schema version %d", pg->target, to);
	else if (from == CW_PG_SCHEMA_UNKNOWN)
		cw_progress_note("%s: the claimwatch schema had lost its version: completed and checked it, and recorded "
		                 "version %d", pg->target, to);
	else if (from != to)
		cw_progress_note("%s: migrated claimwatch schema from version %d to %d", pg->target, from, to);
	else if (added)
		cw_progress_note("%s: claimwatch schema version %d is there; %d missing column(s) added", pg->target, to,
		                 added);
	else
		cw_progress_note("%s: claimwatch schema version %d is already there", pg->target, to);
}

int cw_cmd_db(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, 0, 'd' }, { "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
	};
	const char *db = NULL;
	int c;
	if (argc >= 2 && !strcmp(argv[1], "--help")) {
		fputs(help, stdout);
		return CW_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "init") != 0)
		return cw_cli_usage("db", argc < 2 ? "a subcommand is required (init)" : "unknown subcommand '%s'",
		                    argc < 2 ? "" : argv[1]);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'q': cw_progress_set(NULL, NULL); break;
		case 'h': fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("db", "unknown or incomplete option '%s'", argv[optind]);
		}
	}
	if (optind < argc - 1)
		return cw_cli_usage("db", "unexpected argument '%s'", argv[optind + 1]);
	if (!db)
		return cw_cli_usage("db", "--db URL is required");
	cw_pg *pg;
	int rc = cw_pg_connect(&pg, db), from = 0, to = 0, added = 0;
	if (rc == 0) {
		if ((rc = cw_pg_schema_init(&from, &to, &added, pg)) == 0)
			say_done(pg, from, to, added);
		cw_pg_close(pg);
	}
	return rc < 0 ? cw_cli_fail("db init", rc) : CW_EXIT_OK;
}
