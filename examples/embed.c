/* embed.c: a month's run through the installed claimwatch library, as a program embedding it would.
 *
 *   cc embed.c $(pkg-config --cflags --libs claimwatch) -o embed
 *   ./embed [--quiet] SOURCE YYYY-MM ROOT
 *
 * SOURCE is a folder of the data contract's CSV files or a PostgreSQL connection string (one holding
 * "://" or "="). The results go to ROOT/YYYY-MM/, as `claimwatch run` writes them. The run's notes
 * come to the progress callback below, which prints them on standard error with the stage they came
 * from; --quiet gives no callback, and the library prints nothing. The exit code is 0, 3 when too many
 * rows were rejected (the month's earlier results are kept), 1 on any other failure.
 * tests/install/test_install.sh builds it from an install with pkg-config and runs it. */
#include <stdio.h>
#include <string.h>
#include <claimwatch/claimwatch.h>

static const char *const stage_names[] = { "-", "prepare", "load", "detect", "score", "write", "report",
	                                   "commit" };

/* Notes as "[stage] message"; the stages are counted in *payload. The messages may quote names from
 * the data: a program writing them to a terminal should escape control characters. */
static void progress(const cw_progress *ev, void *payload)
{
	unsigned *stages = payload;
	if (ev->kind == CW_PROGRESS_STAGE)
		++*stages;
	else if (ev->kind == CW_PROGRESS_NOTE)
		fprintf(stderr, "[%s] %s\n", stage_names[ev->stage], ev->message);
}

int main(int argc, char **argv)
{
	int quiet = argc > 1 && !strcmp(argv[1], "--quiet");
	if (argc - quiet != 4) {
		fprintf(stderr, "usage: embed [--quiet] SOURCE YYYY-MM ROOT\n");
		return 2;
	}
	const char *source = argv[1 + quiet], *month = argv[2 + quiet], *root = argv[3 + quiet];
	unsigned stages = 0;
	cw_run_options opts = CW_RUN_OPTIONS_INIT;
	if (strstr(source, "://") || strchr(source, '='))
		opts.db = source;
	else
		opts.data_dir = source;
	opts.root = root;
	if (cw_month_parse(&opts.month, month) < 0) {
		fprintf(stderr, "embed: %s\n", cw_error_last());
		return 2;
	}
	if (!quiet) {
		opts.progress = progress;
		opts.payload = &stages;
	}
	cw_run_result res;
	int rc = cw_run(&res, &opts);
	if (rc < 0) {
		fprintf(stderr, "embed: %s\n", cw_error_last());
		return rc == CW_EREJECTS ? 3 : 1;
	}
	printf("%s: %zu claim lines, %llu rows rejected, %zu findings, %zu physicians scored, %zu ranked, "
	       "%u stages told\n", month, res.claim_lines, (unsigned long long)res.rows_rejected, res.findings,
	       res.physicians_scored, res.physicians_ranked, stages);
	return 0;
}
