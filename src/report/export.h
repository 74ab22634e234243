/* export.h: a month's results for other programs and for Excel.
 *
 *   - one JSON document of the month: summary.json, findings, ranking, sanctions and indicators, each
 *     row an object keyed by the CSV columns; numbers as numbers, money as decimal strings ("12.30",
 *     exact), space-separated lists (line_ids, months) as arrays, empty fields as null;
 *   - any of the month's CSV files for Excel (--excel): a UTF-8 byte-order mark so that Excel reads
 *     Chinese text as UTF-8, CRLF line ends, and text that Excel would take for a formula (starting with
 *     = + - @, a tab or a carriage return, and not a number) prefixed with an apostrophe. */
#ifndef CW_EXPORT_H
#define CW_EXPORT_H
#include <stddef.h>
#include <stdio.h>
#include "claimwatch/types.h"

/* The month's JSON document into out. */
int cw_export_month_json(const char *root, cw_month m, FILE *out);
/* ROOT/YYYY-MM/<table>.csv into out, as is or for Excel. table: findings, ranking, sanctions,
 * evidence, indicators, rejects (or any other CSV file of the folder, by its name without .csv). */
int cw_export_table_csv(const char *root, cw_month m, const char *table, int excel, FILE *out);
/* CSV text (len bytes) rewritten for Excel into out; name names it in messages. */
int cw_csv_to_excel(const char *data, size_t len, const char *name, FILE *out);
/* One field for Excel: quoted when needed, a formula neutralised. */
void cw_excel_field(FILE *out, const char *s, size_t len);

#endif
