/* run_dx.c: the month's diagnosis codes against the rules' dx.coding (issue 18 item 4): a warning when
 * most of them do not look like the declared system (its prefix lists would silently never match), the
 * system "auto" picked, and summary.json's "dx_coding". The shapes and the choice: claimwatch/dxcoding.h. */
#include "claimwatch/error.h"
#include "run/run.h"
#include "util/progress.h"

int cw_run_dx_note(cw_month_run *mr)
{
	int declared, rc = cw_dx_coding_load(&declared, mr->rules);
	if (rc < 0)
		return rc;
	cw_dx_month_census(&mr->dx, mr->ds, declared);
	char msg[1024];
	if (!cw_dx_month_message(msg, sizeof msg, &mr->dx, mr->month, mr->opts->lang))
		return 0;
	if (declared == CW_DX_AUTO) {
		cw_progress_note("%s", msg);
		return 0;
	}
	return cw_run_warn(mr, "%s", msg);
}

cJSON *cw_run_dx_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "declared", cw_dx_coding_name(mr->dx.declared));
	cJSON_AddStringToObject(o, "used", cw_dx_coding_name(mr->dx.coding));
	cJSON_AddNumberToObject(o, "codes", (double)mr->dx.codes);
	cJSON_AddNumberToObject(o, "icd10_like", (double)mr->dx.icd10);
	cJSON_AddNumberToObject(o, "icd9_like", (double)mr->dx.icd9);
	cJSON_AddNumberToObject(o, "unlike_used", (double)mr->dx.unlike);
	return o;
}
