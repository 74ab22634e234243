/* cli_serve.c: `claimwatch serve`: the real-time service for checks before and during care (J1, J2;
 * docs/serve.md). The options, then cw_serve_run (src/serve/). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "cli.h"
#include "serve/serve.h"

static const char help[] =
	"usage: claimwatch serve (--data DIR | --db URL) [--month YYYY-MM] [--listen 127.0.0.1:PORT] [options]\n"
	"\n"
	"Serves checks of claims before payment over HTTP (docs/serve.md): loads the\n"
	"month's look-back window of DIR at start, then judges each submitted visit with\n"
	"its claim lines and prescriptions by the batch's own detectors on the patient's\n"
	"history. POST /v1/check judges and stores nothing; POST /v1/claims judges and\n"
	"appends the claim to DIR's CSV files (fsync'd before the answer; a retried line\n"
	"is never added twice), or with --db commits it into the database's tables;\n"
	"GET /healthz. GET /v1/watch: live counters and alerts of the key departments\n"
	"and physicians (the rules' serve.watch), and GET /watch its live page. SIGTERM\n"
	"or SIGINT stops it after the requests in progress.\n"
	"用 HTTP 提供事前、事中审核：启动时读入 DIR（或 --db 数据库）中该月及回看期的历史，按患者历史用批处理的\n"
	"同一套检测器判断提交的就诊及其费用明细、处方。\n"
	"\n"
	"options:\n"
	"  --data DIR             the folder of the contract's CSV files (also the journal)\n"
	"  --db URL               a PostgreSQL database instead (a libpq connection string):\n"
	"                         the window is read as `run --db` reads it, and an accepted\n"
	"                         claim is committed into its tables before the answer (503\n"
	"                         while the database is unavailable)\n"
	"  --month YYYY-MM        the served month (default: this month, UTC); claims of\n"
	"                         a later month are refused until a restart with --month\n"
	"  --listen HOST:PORT     IPv4 address and port (default 127.0.0.1:8080; port 0:\n"
	"                         any free port, printed on standard error)\n"
	"  --rules FILE           rules merged over the defaults\n"
	"  --lookback-days N      days of history before the month (default: the rules')\n"
	"  --accept-uncatalogued  take an item code outside items.csv as the batch does\n"
	"                         (the self_created_item finding) instead of refusing it\n"
	"  --max-body BYTES       largest request body (default 1048576)\n"
	"  --timeout SECONDS      a connection idle longer is closed (default 10)\n"
	"  --max-connections N    connections at once (default 256)\n"
	"  --threads N            threads serving requests (default 2)\n"
	"  --request-timeout MS   longest judging of one request (default 2000): a\n"
	"                         request over it is answered 503 \"timeout\" and nothing\n"
	"                         of it is stored; 0: no limit\n"
	"  --rejects FILE         where rows of DIR the loader refuses go (removed when\n"
	"                         none is refused)\n"
	"                         (default /tmp/claimwatch-serve-rejects-PID.csv)\n"
	"  --tokens FILE          ask for bearer tokens: FILE holds their SHA-256 hashes\n"
	"                         and roles (check, commit, watch; docs/serve.md)\n"
	"  --tls-cert FILE        serve HTTPS: the PEM certificate (chain), with --tls-key\n"
	"  --tls-key FILE         the certificate's PEM private key (unencrypted)\n"
	"  --quiet                no line per request on standard error\n"
	"  --lang zh|en           the language of the answers' messages and reasons when a\n"
	"                         request asks for none (its \"lang\", ?lang=, Accept-Language)\n"
	"                         and of the lines on standard error (default zh)\n"
	"  --help                 this help\n";

enum { O_DATA = 256, O_MONTH, O_LISTEN, O_RULES, O_LOOKBACK, O_UNCAT, O_BODY, O_TIMEOUT, O_CONN, O_THREADS,
       O_REJECTS, O_QUIET, O_HELP, O_TOKENS, O_LANG, O_DB, O_TLS_CERT, O_TLS_KEY, O_REQ_TIMEOUT };

static const struct option options[] = {
	{ "data", required_argument, 0, O_DATA }, { "month", required_argument, 0, O_MONTH },
	{ "listen", required_argument, 0, O_LISTEN }, { "rules", required_argument, 0, O_RULES },
	{ "lookback-days", required_argument, 0, O_LOOKBACK }, { "accept-uncatalogued", no_argument, 0, O_UNCAT },
	{ "max-body", required_argument, 0, O_BODY }, { "timeout", required_argument, 0, O_TIMEOUT },
	{ "max-connections", required_argument, 0, O_CONN }, { "threads", required_argument, 0, O_THREADS },
	{ "rejects", required_argument, 0, O_REJECTS }, { "quiet", no_argument, 0, O_QUIET },
	{ "help", no_argument, 0, O_HELP }, { "tokens", required_argument, 0, O_TOKENS },
	{ "lang", required_argument, 0, O_LANG }, { "db", required_argument, 0, O_DB },
	{ "tls-cert", required_argument, 0, O_TLS_CERT }, { "tls-key", required_argument, 0, O_TLS_KEY },
	{ "request-timeout", required_argument, 0, O_REQ_TIMEOUT }, { 0, 0, 0, 0 }
};

typedef struct args {
	cw_serve_opts o;
	const char *month, *rules;
	char rejects[256];
} args;

static int number(long *out, const char *opt, const char *v, long min, long max)
{
	return cw_cli_int(out, "serve", opt, v, min, max) < 0 ? CW_EXIT_USAGE : 0;
}

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	long n = 0;
	int rc = 0;
	switch (c) {
	case O_DATA: a->o.service.data_dir = v; return 0;
	case O_MONTH: a->month = v; return 0;
	case O_LISTEN: a->o.listen = v; return 0;
	case O_RULES: a->rules = v; return 0;
	case O_UNCAT: a->o.service.accept_uncatalogued = 1; return 0;
	case O_REJECTS: a->o.service.rejects_path = v; return 0;
	case O_QUIET: a->o.quiet = 1; return 0;
	case O_TOKENS: a->o.tokens = v; return 0;
	case O_LANG: return cw_cli_lang(&a->o.service.lang, "serve", v);
	case O_DB: a->o.service.db = v; return 0;
	case O_TLS_CERT: a->o.tls_cert = v; return 0;
	case O_TLS_KEY: a->o.tls_key = v; return 0;
	case O_LOOKBACK: rc = number(&n, "--lookback-days", v, 0, 3660); a->o.service.lookback_days = (int)n; return rc;
	case O_BODY: rc = number(&n, "--max-body", v, 256, 64L << 20); a->o.max_body = (size_t)n; return rc;
	case O_TIMEOUT: rc = number(&n, "--timeout", v, 1, 3600); a->o.timeout = (unsigned)n; return rc;
	case O_CONN: rc = number(&n, "--max-connections", v, 1, 100000); a->o.max_conn = (unsigned)n; return rc;
	case O_THREADS: rc = number(&n, "--threads", v, 1, 256); a->o.threads = (unsigned)n; return rc;
	case O_REQ_TIMEOUT:
		rc = number(&n, "--request-timeout", v, 0, 3600000);
		a->o.service.request_timeout_ms = (unsigned)n;
		return rc;
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("serve", "unknown or incomplete option '%s'", arg);
	}
}

static int parse(int argc, char **argv, args *a)
{
	int rc;
	if ((rc = cw_cli_options(argc, argv, options, "serve", option, a)) != 0)
		return rc;
	if (!a->o.service.data_dir && !a->o.service.db)
		return cw_cli_usage("serve", "--data DIR is required (or --db URL)");
	if (a->o.service.data_dir && a->o.service.db)
		return cw_cli_usage("serve", "give --data DIR or --db URL, not both");
	if (!a->o.tls_cert != !a->o.tls_key)
		return cw_cli_usage("serve", "--tls-cert FILE and --tls-key FILE go together");
	if (a->month) {
		if (cw_month_parse(&a->o.service.month, a->month) < 0)
			return cw_cli_usage("serve", "--month: %s", cw_error_last());
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		a->o.service.month = (cw_month){ tm.tm_year + 1900, tm.tm_mon + 1 };
	}
	if (!a->o.service.rejects_path) {
		snprintf(a->rejects, sizeof a->rejects, "/tmp/claimwatch-serve-rejects-%ld.csv", (long)getpid());
		a->o.service.rejects_path = a->rejects;
	}
	return 0;
}

int cw_cmd_serve(int argc, char **argv)
{
	args a = { .o = { .listen = "127.0.0.1:8080", .max_body = 1 << 20, .timeout = 10, .max_conn = 256,
	                  .threads = 2, .service = { .lookback_days = -1, .threads = 0, .request_timeout_ms = 2000 } } };
	int rc = parse(argc, argv, &a);
	if (rc != 0)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_rules *rules = NULL;
	cw_registry *reg = NULL;
	if ((rc = cw_cli_rules(&rules, &reg, a.rules, NULL)) < 0)
		return cw_cli_fail("serve", rc);
	a.o.service.rules = rules;
	rc = cw_serve_run(&a.o);
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("serve", rc) : CW_EXIT_OK;
}
