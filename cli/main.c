/* main.c: the claimwatch command line; see cli.c for the commands. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cw_cli_main(argc, argv);
}
