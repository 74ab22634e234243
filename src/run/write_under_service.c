/* write_under_service.c: the I12 under-service signals of the month as findings at institution level
 * (document 004, I12; docs/budget.md, "Under-service (I12)"). They are known only once budget.csv is, the
 * last of the month's tables, so they come after every figure computed from the findings (the ranking, the
 * sanctions, the institutions' assessment and ladder, the budget's violations), none of which would count
 * them anyway (judge/prompts.h). Appended to the month's findings, they reach findings.csv (written again,
 * by the same writer), the report, summary.json and, with --db, claimwatch.findings. */
#include "claimwatch/error.h"
#include "judge/budget_book.h"
#include "run/run.h"
#include "util/progress.h"

int cw_write_under_service(cw_month_run *mr)
{
	if (!mr->budget || !mr->findings)
		return 0;
	size_t before = cw_findings_count(mr->findings);
	/* the dimension of a finding of class "other" (dimensions.by_class.other, treatment by default) */
	int dim = cw_dimset_resolve(mr->dims, -1, CW_CAT_OTHER);
	int rc = cw_budget_under_findings(mr->findings, mr->budget, mr->opts->month, mr->ds, dim);
	if (rc < 0)
		return cw_error_wrap(rc, "the under-service findings");
	size_t added = cw_findings_count(mr->findings) - before;
	if (!added)
		return 0;
	cw_progress_note("%s: %zu under-service signal(s) of the global budget (I12) added to findings.csv", mr->month,
	                 added);
	return cw_write_findings_file(mr);
}
