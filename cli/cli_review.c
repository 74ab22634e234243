/* cli_review.c: `claimwatch review`: an inspector records a decision on a finding, from confirmation to
 * refund and appeal (docs/review.md); `review totals` and `review form` are in cli_review_totals.c. */
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
	"usage: claimwatch review --root ROOT --finding ID --status S --note TEXT [--by NAME] [--date D]\n"
	"                         [--amount YUAN [--force]]\n"
	"       claimwatch review totals --root ROOT [--from YYYY-MM] [--to YYYY-MM] [--by institution|department|month|quarter|year] ...\n"
	"       claimwatch review form --root ROOT [--from YYYY-MM] [--to YYYY-MM] ...\n"
	"\n"
	"Records an inspector's decision on a finding in ROOT/reviews.csv (with who, the\n"
	"day of the act and when it was recorded). The decisions walk a finding from open\n"
	"through the states of docs/review.md; a decision its state does not allow is\n"
	"refused, naming the state. The file is written whole or not at all; a damaged end\n"
	"left by an older version is set aside with a warning. The finding must be in some\n"
	"month's findings.csv under ROOT. A dismissed finding no longer counts in scores,\n"
	"ranks and sanctions when its month is run again; confirmed, rectified, refunded\n"
	"and appealed ones count as confirmed and are marked in findings.csv and in the\n"
	"blacklist export. `review totals` and `review form --help` say more.\n"
	"\n"
	"decisions (--status):\n"
	"  confirmed          the finding is a violation (from open or dismissed)\n"
	"  dismissed          it is not (from open or confirmed)\n"
	"  rectified          整改: the cause is put right (from confirmed)\n"
	"  refunded           退回: money returned to the fund, --amount YUAN (from confirmed,\n"
	"                     rectified or refunded: refunds of a finding add up)\n"
	"  appealed           申诉: the institution appeals (from confirmed, rectified or refunded)\n"
	"  upheld             the appeal is rejected: the state before it again\n"
	"  overturned         the appeal succeeds: the finding is dismissed\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --finding ID       the finding_id from findings.csv\n"
	"  --status S         the decision (above)\n"
	"  --note TEXT        why (required)\n"
	"  --by NAME          who decided, free text (default: $USER, else the login name)\n"
	"  --date YYYY-MM-DD  the day of the act (default: today)\n"
	"  --amount YUAN      a refund's amount, at most 2 decimals; the refunds of a finding\n"
	"                     may not add up to more than its suspect_amount\n"
	"  --force            record a refund beyond the suspect_amount all the same\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_FINDING, O_STATUS, O_NOTE, O_BY, O_HELP, O_DATE, O_AMOUNT, O_FORCE };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "finding", required_argument, 0, O_FINDING },
	{ "status", required_argument, 0, O_STATUS },
	{ "note", required_argument, 0, O_NOTE },
	{ "by", required_argument, 0, O_BY },
	{ "date", required_argument, 0, O_DATE },
	{ "amount", required_argument, 0, O_AMOUNT },
	{ "force", no_argument, 0, O_FORCE },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

/* A refund's amount: yuan with at most 2 decimals, above 0. */
static int parse_amount(cw_review *r, const char *s)
{
	const char *why = "not above 0";
	if (cw_parse_money(&r->amount, &why, s, strlen(s)) < 0 || r->amount <= 0)
		return cw_cli_usage("review", "--amount '%s': %s (yuan, at most 2 decimals, above 0)", s, why);
	return 0;
}

static int check_args(const char *root, cw_review *r, const char *status, const char *amount)
{
	if (!root)
		return cw_cli_usage("review", "--root ROOT is required");
	if (!r->finding_id || !*r->finding_id)
		return cw_cli_usage("review", "--finding ID is required");
	if (!status)
		return cw_cli_usage("review", "--status is required (confirmed, dismissed, rectified, refunded, appealed, "
		                    "upheld, overturned)");
	if (r->status < 0)
		return cw_cli_usage("review", "--status is confirmed, dismissed, rectified, refunded, appealed, upheld or "
		                    "overturned, not '%s'", status);
	if (r->status == CW_REVIEW_REFUNDED && !amount)
		return cw_cli_usage("review", "--status refunded needs --amount YUAN");
	if (r->status != CW_REVIEW_REFUNDED && amount)
		return cw_cli_usage("review", "--amount is for --status refunded only");
	if (amount && parse_amount(r, amount))
		return CW_EXIT_USAGE;
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

/* What the decision was: the finding, the act, and for a refund the money. */
static void say(const cw_review *r, const cw_finding_where *w)
{
	char money[CW_FMT_SIZE];
	cw_safe_fprintf(stdout, "%s (%s, %s, %s%s, %s yuan): %s", r->finding_id, w->month, w->detector,
	                w->physician_id[0] ? "physician " : "no physician", w->physician_id, w->suspect_amount,
	                cw_review_status_name(r->status));
	if (r->status == CW_REVIEW_REFUNDED)
		cw_safe_fprintf(stdout, " %s yuan", cw_format_money(money, r->amount));
	cw_safe_fprintf(stdout, " by %s%s%s; it applies when %s is run again\n", r->by, r->date ? " on " : "",
	                r->date ? r->date : "", w->month);
}

/* Records the decision r on a finding found under root. */
static int record(const char *root, cw_review *r, int force)
{
	cw_finding_where w;
	const char *why;
	int rc = cw_finding_locate(&w, root, r->finding_id);
	if (rc < 0)
		return cw_cli_fail("review", rc);
	r->month = w.month;
	r->capped = !force;
	if (cw_parse_money(&r->cap, &why, w.suspect_amount, strlen(w.suspect_amount)) < 0)
		r->cap = 0;
	char *warnings;
	rc = cw_review_append(&warnings, root, r);
	cw_safe_lines(stderr, warnings);
	free(warnings);
	if (rc < 0)
		return cw_cli_fail("review", rc);
	say(r, &w);
	long pid = cw_outdir_running(root, w.month);
	if (pid)
		cw_safe_fprintf(stderr, "note: a run of %s is in flight (pid %ld): its results will not have this decision; "
		                "run %s again when it has finished\n", w.month, pid, w.month);
	return CW_EXIT_OK;
}

int cw_cmd_review(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "totals"))
		return cw_cmd_review_totals(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "form"))
		return cw_cmd_review_form(argc - 1, argv + 1);
	const char *root = NULL, *status = NULL, *amount = NULL;
	cw_review r = { .by = who(), .status = -1 };
	int c, force = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_ROOT: root = optarg; break;
		case O_FINDING: r.finding_id = optarg; break;
		case O_STATUS: status = optarg; r.status = cw_review_status_parse(optarg); break;
		case O_NOTE: r.note = optarg; break;
		case O_BY: r.by = optarg; break;
		case O_DATE: r.date = optarg; break;
		case O_AMOUNT: amount = optarg; break;
		case O_FORCE: force = 1; break;
		case O_HELP: fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("review", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("review", "unexpected argument '%s'", argv[optind]);
	int rc = check_args(root, &r, status, amount);
	if (rc)
		return rc;
	const char *why;
	cw_day day;
	if (r.date && cw_parse_date(&day, &why, r.date, strlen(r.date)) < 0)
		return cw_cli_usage("review", "--date '%s': %s", r.date, why);
	return record(root, &r, force);
}
