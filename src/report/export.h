/* export.h: a month's results for other programs and for people with a spreadsheet.
 *
 *   - one JSON document of the month: summary.json, findings, ranking, sanctions, indicators, the
 *     institutions' and departments' assessment and the institutions' sanction ladder (inst_sanctions), each
 *     row an object keyed by the CSV columns; numbers as numbers, money as decimal strings ("12.30",
 *     exact), space-separated lists (line_ids, months) as arrays, empty fields as null; text exactly as
 *     meant (no formula apostrophe; unsafe characters as \uXXXX escapes);
 *   - any of the month's CSV files, written again field by field (outfile.h's flags): formula-like
 *     text neutralised with an apostrophe (the month's files hold it so already; older files are
 *     neutralised here) unless CW_CSV_RAW, and for Excel (CW_CSV_EXCEL) a UTF-8 byte-order mark so that
 *     Excel reads Chinese text as UTF-8, and CRLF line ends. */
#ifndef CW_EXPORT_H
#define CW_EXPORT_H
#include <stddef.h>
#include <stdio.h>
#include "claimwatch/types.h"

/* The month's JSON document into out. */
int cw_export_month_json(const char *root, cw_month m, FILE *out);
/* ROOT/YYYY-MM/<table>.csv into out with flags (CW_CSV_RAW, CW_CSV_EXCEL). table: findings, ranking,
 * sanctions, evidence, indicators, metrics, rejects, inst_assessment, dept_assessment, inst_sanctions (or any other CSV file of the folder, by its name
 * without .csv). */
int cw_export_table_csv(const char *root, cw_month m, const char *table, int flags, FILE *out);

#endif
