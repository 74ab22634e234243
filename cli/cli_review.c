/* cli_review.c: `claimwatch review`: an inspector records a decision on a finding. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "cli.h"
#include "io/outdir.h"
#include "util/safetext.h"

static const char help[] =
	"usage: claimwatch review --root ROOT --finding ID --status confirmed|dismissed --note TEXT [--by NAME]\n"
	"\n"
	"Records an inspector's decision on a finding in ROOT/reviews.csv (with who and\n"
	"when; the latest decision on a finding wins). The file is written whole or not at\n"
	"all; a damaged end left by an older version is set aside with a warning. The\n"
	"finding must be in some month's findings.csv under ROOT. A dismissed finding no\n"
	"longer counts in scores, ranks and sanctions when its month is run again; a\n"
	"confirmed one is marked in findings.csv and in the blacklist export.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --finding ID       the finding_id from findings.csv\n"
	"  --status S         confirmed or dismissed\n"
	"  --note TEXT        why (required)\n"
	"  --by NAME          who decided (default: $USER, else the login name)\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_FINDING, O_STATUS, O_NOTE, O_BY, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "finding", required_argument, 0, O_FINDING },
	{ "status", required_argument, 0, O_STATUS },
	{ "note", required_argument, 0, O_NOTE },
	{ "by", required_argument, 0, O_BY },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

static int check_args(const char *root, const cw_review *r, const char *status)
{
	if (!root)
		return cw_cli_usage("review", "--root ROOT is required");
	if (!r->finding_id || !*r->finding_id)
		return cw_cli_usage("review", "--finding ID is required");
	if (!status)
		return cw_cli_usage("review", "--status confirmed|dismissed is required");
	if (r->status < 0)
		return cw_cli_usage("review", "--status is confirmed or dismissed, not '%s'", status);
	if (!r->note || !*r->note)
		return cw_cli_usage("review", "--note TEXT is required: say why");
	if (!r->by || !*r->by)
		return cw_cli_usage("review", "--by NAME is required: the user has no name");
	return 0;
}

/* $USER, else the name of the effective user. */
static const char *who(void)
{
	const char *u = getenv("USER");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(geteuid());
	return pw ? pw->pw_name : NULL;
}

int cw_cmd_review(int argc, char **argv)
{
	const char *root = NULL, *status = NULL;
	cw_review r = { .by = who(), .status = -1 };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_ROOT: root = optarg; break;
		case O_FINDING: r.finding_id = optarg; break;
		case O_STATUS: status = optarg; r.status = cw_review_status_parse(optarg); break;
		case O_NOTE: r.note = optarg; break;
		case O_BY: r.by = optarg; break;
		case O_HELP: fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("review", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("review", "unexpected argument '%s'", argv[optind]);
	int rc = check_args(root, &r, status);
	if (rc)
		return rc;
	cw_finding_where w;
	if ((rc = cw_finding_locate(&w, root, r.finding_id)) < 0)
		return cw_cli_fail("review", rc);
	r.month = w.month;
	char *warnings;
	rc = cw_review_append(&warnings, root, &r);
	cw_safe_lines(stderr, warnings);
	free(warnings);
	if (rc < 0)
		return cw_cli_fail("review", rc);
	cw_safe_fprintf(stdout, "%s (%s, %s, physician %s, %s yuan): %s by %s; it applies when %s is run again\n",
	                r.finding_id, w.month, w.detector, w.physician_id, w.suspect_amount, cw_review_status_name(r.status),
	                r.by, w.month);
	long pid = cw_outdir_running(root, w.month);
	if (pid)
		cw_safe_fprintf(stderr, "note: a run of %s is in flight (pid %ld): its results will not have this decision; "
		                "run %s again when it has finished\n", w.month, pid, w.month);
	return CW_EXIT_OK;
}
