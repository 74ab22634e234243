/* cli.c: dispatches `claimwatch COMMAND ...` to the command's function. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"

int cw_exit_code(int rc)
{
	switch (rc) {
	case CW_OK: return CW_EXIT_OK;
	case CW_EUSAGE: return CW_EXIT_USAGE;
	case CW_EREJECTS: return CW_EXIT_REJECTS;
	default: return CW_EXIT_FAILURE;
	}
}

int cw_cli_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	return 0;
}
