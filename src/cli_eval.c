/* cli_eval.c: placeholder */
#include "cli.h"
int cw_cmd_eval(int argc, char **argv) { (void)argc; (void)argv; return 2; }
