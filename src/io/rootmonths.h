/* rootmonths.h: the month folders under an output root (ROOT/YYYY-MM/) and the
 * half-year cycles they belong to. */
#ifndef CW_ROOTMONTHS_H
#define CW_ROOTMONTHS_H
#include <stddef.h>
#include "claimwatch/types.h"

/* The months that have a folder ROOT/YYYY-MM, in ascending order (caller
 * frees *out). A missing root gives none. */
int cw_root_months(cw_month **out, size_t *n, const char *root);
/* ROOT/YYYY-MM/file into buf; < 0 when it does not fit. */
int cw_root_month_file(char *buf, size_t size, const char *root, cw_month m, const char *file);
/* Opens ROOT/YYYY-MM/file (one of claimwatch's CSV outputs) by column name (csvtab.h): CW_ENOTFOUND
 * when the month has no such file. */
struct cw_csvtab;
int cw_root_month_table(struct cw_csvtab **t, const char *root, cw_month m, const char *file,
                        const char *const *cols);

/* The half-year cycle of a month: its first month and its name ("2026-H1"). */
cw_month cw_cycle_first(cw_month m);
char *cw_cycle_name(char buf[8], cw_month m);
/* Parses "YYYY-H1" / "YYYY-H2" into the cycle's first month. */
int cw_cycle_parse(const char *s, cw_month *first);

#endif
