/* cli_common.c: what every command shares: usage and failure messages, option values, exit codes
 * (see cli.h). The commands call these; nothing here calls a command. */
#include <errno.h>
#include <string.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "cli.h"
#include "run/run.h"
#include "util/safetext.h"

int cw_cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cw_safe_fprintf(stderr, "claimwatch %s: %s\n", cmd, msg); /* the message quotes what was typed */
	fprintf(stderr, "Try 'claimwatch %s --help'.\n", cmd);
	return CW_EXIT_USAGE;
}

int cw_cli_fail(const char *cmd, int rc)
{
	fprintf(stderr, "claimwatch %s: %s\n", cmd, cw_error_last());
	return cw_exit_code(rc);
}

int cw_cli_int(long *out, const char *cmd, const char *opt, const char *v, long min, long max)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < min || x > max)
		return cw_cli_usage(cmd, "%s expects a whole number from %ld to %ld, not '%s'", opt, min, max, v), -1;
	*out = x;
	return 0;
}

int cw_cli_double(double *out, const char *cmd, const char *opt, const char *v, double min, double max)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (!*v || *end || errno || !(x >= min && x <= max))
		return cw_cli_usage(cmd, "%s expects a number from %g to %g, not '%s'", opt, min, max, v), -1;
	*out = x;
	return 0;
}

int cw_cli_lang(const char **out, const char *cmd, const char *v)
{
	if (strcmp(v, "zh") && strcmp(v, "en"))
		return cw_cli_usage(cmd, "--lang is zh or en, not '%s'", v);
	*out = v;
	return 0;
}

int cw_cli_format(int *json, const char *cmd, const char *v)
{
	if (strcmp(v, "csv") && strcmp(v, "json"))
		return cw_cli_usage(cmd, "--format is csv or json, not '%s'", v);
	*json = !strcmp(v, "json");
	return 0;
}

int cw_cli_options(int argc, char **argv, const struct option *options, const char *cmd, cw_cli_option_fn fn,
                   void *args)
{
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1)
		if ((rc = fn(args, c, optarg, argv[optind - 1])) != 0)
			return rc;
	if (optind < argc)
		return cw_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cw_cli_rules(cw_rules **rules, cw_registry **reg, const char *rules_path, const cw_cli_plugins *plugins)
{
	return cw_run_rules(rules, reg, rules_path, plugins ? plugins->path : NULL, plugins ? plugins->n : 0);
}

int cw_cli_plugin(const char *cmd, cw_cli_plugins *plugins, const char *path)
{
	if (plugins->n == CW_CLI_MAX_PLUGINS)
		return cw_cli_usage(cmd, "at most %d --plugin options", CW_CLI_MAX_PLUGINS), -1;
	plugins->path[plugins->n++] = path;
	return 0;
}

int cw_exit_code(int rc)
{
	switch (rc) {
	case CW_OK: return CW_EXIT_OK;
	case CW_EUSAGE: return CW_EXIT_USAGE;
	case CW_EREJECTS: return CW_EXIT_REJECTS;
	default: return CW_EXIT_FAILURE;
	}
}
