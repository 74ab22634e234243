/* cli.c: dispatches `claimwatch COMMAND ...` to the command's function, and the top-level help. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"

/* One line per command; each command's function lives in its own cli_<name>.c. */
static const cw_command commands[] = {
	{ "gen", "generate demo data with known fraud schemes (truth.json)", cw_cmd_gen },
	{ "eval", "measure findings against a generated truth.json", cw_cmd_eval },
	{ NULL, NULL, NULL }
};

int cw_exit_code(int rc)
{
	switch (rc) {
	case CW_OK: return CW_EXIT_OK;
	case CW_EUSAGE: return CW_EXIT_USAGE;
	case CW_EREJECTS: return CW_EXIT_REJECTS;
	default: return CW_EXIT_FAILURE;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "claimwatch %s: fraud and over-treatment detection for hospital claims\n\n"
	           "usage: claimwatch COMMAND [OPTIONS]   (claimwatch COMMAND --help for its options)\n\n"
	           "commands:\n", CW_VERSION_STRING);
	for (const cw_command *c = commands; c->name; c++)
		fprintf(f, "  %-11s %s\n", c->name, c->summary);
	fprintf(f, "\nexit codes: 0 ok, 1 failure, 2 usage error, 3 too many rejected rows\n");
}

int cw_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CW_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return CW_EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("claimwatch %s\n", CW_VERSION_STRING);
		return CW_EXIT_OK;
	}
	for (const cw_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "claimwatch: unknown command '%s'\n\n", name);
	usage(stderr);
	return CW_EXIT_USAGE;
}
