/* run_rejects.c: the month's rejects by table and reason (issue 18 item 3), told first after the load
 * (in the run's language) and kept in summary.json; the groups are the run's reject log's
 * (source/reject_log.h), whose rows an earlier month of the run wrote are counted apart, not again. */
#include <string.h>
#include "run/run.h"
#include "source/reject_log.h"
#include "util/progress.h"

void cw_run_rejects_note(const cw_month_run *mr)
{
	if (!mr->reject_log)
		return;
	int en = mr->opts->lang && !strcmp(mr->opts->lang, "en");
	size_t n;
	const cw_reject_group *g = cw_reject_log_groups(mr->reject_log, &n);
	uint64_t rows = 0, repeats = cw_reject_log_repeats(mr->reject_log);
	for (size_t i = 0; i < n; i++)
		rows += g[i].rows;
	if (n)
		cw_progress_note(en ? "%s: %llu rows rejected, by table and reason:" : "%s：拒收 %llu 行，按表和原因：",
		                 mr->month, (unsigned long long)rows);
	for (size_t i = 0; i < n; i++)
		cw_progress_note(en ? "  %s, %s%s%s: %llu" : "  %s，%s%s%s：%llu 行", g[i].file, g[i].column,
		                 *g[i].column ? (en ? ": " : "：") : "", g[i].kind, (unsigned long long)g[i].rows);
	if (repeats)
		cw_progress_note(en ? "%s: %llu rejected rows already reported by an earlier month of this run, not "
		                      "written again"
		                    : "%s：另有 %llu 行拒收已在本次运行的前面月份报告，不再重复写入",
		                 mr->month, (unsigned long long)repeats);
}

cJSON *cw_run_rejects_json(const cw_month_run *mr)
{
	cJSON *a = cJSON_CreateArray();
	size_t n = 0;
	const cw_reject_group *g = mr->reject_log ? cw_reject_log_groups(mr->reject_log, &n) : NULL;
	for (size_t i = 0; a && i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "file", g[i].file);
		cJSON_AddStringToObject(o, "column", g[i].column);
		cJSON_AddStringToObject(o, "reason", g[i].kind);
		cJSON_AddNumberToObject(o, "rows", (double)g[i].rows);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}
