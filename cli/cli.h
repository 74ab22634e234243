/* cli.h: the command-line front end. Each command is a function in its own cli_*.c file. */
#ifndef CW_CLI_H
#define CW_CLI_H
#include <stddef.h>
#include "claimwatch/common.h"
#include "claimwatch/detector.h"
#include "claimwatch/progress.h"

/* Exit codes, as the README documents them. */
enum { CW_EXIT_OK = 0, CW_EXIT_FAILURE = 1, CW_EXIT_USAGE = 2, CW_EXIT_REJECTS = 3 };

int cw_cli_main(int argc, char **argv);

/* One command: name, one line of help, the function. */
typedef struct cw_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cw_command;

#ifdef CW_VERSION
#define CW_VERSION_STRING CW_VERSION
#else
#define CW_VERSION_STRING "dev"
#endif

/* The commands, each in its own cli_<name>.c, listed in cli.c. */
int cw_cmd_run(int argc, char **argv);
int cw_cmd_detectors(int argc, char **argv);
int cw_cmd_db(int argc, char **argv);
int cw_cmd_load(int argc, char **argv);
int cw_cmd_case_db(int argc, char **argv);
int cw_cmd_gen(int argc, char **argv);
int cw_cmd_eval(int argc, char **argv);
int cw_cmd_review(int argc, char **argv);
/* `review totals` and `review form` (cli_review_totals.c); argv[0] is the subcommand. */
int cw_cmd_review_totals(int argc, char **argv);
int cw_cmd_review_form(int argc, char **argv);
int cw_cmd_blacklist(int argc, char **argv);
int cw_cmd_case(int argc, char **argv);
int cw_cmd_export(int argc, char **argv);
int cw_cmd_sample(int argc, char **argv);
int cw_cmd_assess(int argc, char **argv);
int cw_cmd_inst_sanctions(int argc, char **argv);
int cw_cmd_budget(int argc, char **argv);
int cw_cmd_serve(int argc, char **argv);
int cw_cmd_import(int argc, char **argv);

/* Prints "claimwatch CMD: message" and a hint to --help on stderr; returns CW_EXIT_USAGE. */
int cw_cli_usage(const char *cmd, const char *fmt, ...) CW_PRINTF(2, 3);
/* Prints "claimwatch CMD: <last error>" on stderr; returns the exit code for rc. */
int cw_cli_fail(const char *cmd, int rc);
/* Parses a non-negative integer / a number option value; < 0 on error (message printed). */
int cw_cli_int(long *out, const char *cmd, const char *opt, const char *v, long min, long max);
int cw_cli_double(double *out, const char *cmd, const char *opt, const char *v, double min, double max);
/* --lang's value: zh or en into *out; otherwise a usage error of cmd (CW_EXIT_USAGE). */
int cw_cli_lang(const char **out, const char *cmd, const char *v);
/* --format's value: csv (0) or json (1) into *json; otherwise a usage error of cmd (CW_EXIT_USAGE). */
int cw_cli_format(int *json, const char *cmd, const char *v);

struct option;
/* One command's option, as getopt_long gave it: c, its value v (NULL without) and its text arg; returns
 * 0 to go on, or the command's exit (-1 after --help, CW_EXIT_USAGE...). */
typedef int (*cw_cli_option_fn)(void *args, int c, const char *v, const char *arg);
/* Reads argv's options (long ones only) through fn with args until the end or the first non-zero return
 * (returned); an operand left over is a usage error of cmd. */
int cw_cli_options(int argc, char **argv, const struct option *options, const char *cmd, cw_cli_option_fn fn,
                   void *args);

/* The progress callback of every command: the progress line and the notes on standard error
 * (cli_progress.c). Installed for the command's thread before the command runs; --quiet removes it. */
void cw_cli_progress(const cw_progress *ev, void *payload);
/* --quiet's: the errors alone (a range's failed months). */
void cw_cli_progress_errors(const cw_progress *ev, void *payload);

/* Maps a library error code to an exit code. */
int cw_exit_code(int rc);

/* The shared objects of a command's --plugin options, in order. */
#define CW_CLI_MAX_PLUGINS 64
typedef struct cw_cli_plugins {
	const char *path[CW_CLI_MAX_PLUGINS];
	size_t n;
} cw_cli_plugins;
/* Adds a --plugin path; < 0 on too many (usage message printed). */
int cw_cli_plugin(const char *cmd, cw_cli_plugins *plugins, const char *path);

/* The command's detectors (the built-in ones, then the plug-ins, NULL for none) and the rules loaded
 * with them (rules_path NULL: the defaults). The caller frees both, the rules first. */
int cw_cli_rules(cw_rules **rules, cw_registry **reg, const char *rules_path, const cw_cli_plugins *plugins);

#endif
