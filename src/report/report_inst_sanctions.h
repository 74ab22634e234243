/* report_inst_sanctions.h: the institutions' sanctions table of the monthly report
 * (report_inst_sanctions.c, docs/institution-sanctions.md). */
#ifndef CW_REPORT_INST_SANCTIONS_H
#define CW_REPORT_INST_SANCTIONS_H
#include <stdio.h>
#include "report/report.h"

/* Writes into f, in r's language, a heading and the table of the institutions with a step due, as the
 * month's inst_sanctions.csv at csv_path says (the run's folder: written before the report). Nothing,
 * and 0, when the file does not exist (a month without an institutions' assessment); a damaged file is
 * the reader's error naming file and line. */
int cw_report_inst_sanctions_table(const cw_report *r, FILE *f, const char *csv_path);

#endif
