/* run_refunds.c: a note when refund lines of the month's window cancel nothing (issue 18: "refunds without
 * an original line are accepted and only counted in summary.json"). A refund is matched to a live line of
 * its visit with the same item, the opposite quantity and a time not after it (src/dataset/finish.c); one
 * without such a line stays in the data and cancels nothing, which a reviewer should know rather than find
 * in summary.json's refunds_unmatched alone. */
#include <string.h>
#include "run/run.h"

int cw_run_refund_note(cw_month_run *mr)
{
	if (!mr->ds)
		return 0;
	uint64_t n = cw_dataset_build_stats(mr->ds)->refunds_unmatched;
	if (n == 0)
		return 0;
	int en = mr->opts->lang && strcmp(mr->opts->lang, "en") == 0;
	if (en)
		return cw_run_warn(mr, "%s: %llu refund line(s) match no original line of their visit (same item, "
		                       "opposite quantity, not later than the refund): they cancel nothing "
		                       "(summary.json refunds_unmatched)", mr->month, (unsigned long long)n);
	return cw_run_warn(mr, "%s：%llu 条退费行在其就诊中找不到被冲销的原始费用行（同一项目、数量相反、时间不晚于退费），"
	                       "未冲销任何费用（summary.json 的 refunds_unmatched）", mr->month, (unsigned long long)n);
}
