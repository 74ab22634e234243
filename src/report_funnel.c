/* report_funnel.c: the funnel plots of the physicians' key metrics against their peers (charts.html) and
 * each physician's metrics on their page. */
#include "report.h"

int cw_report_funnels(cw_report *r, FILE *f)
{
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_FUNNEL));
	fputs("</h2><p class=\"note\">", f);
	cw_html_text(f, cw_label(r->lang, L_NO_METRICS));
	fputs("</p>", f);
	return 0;
}

void cw_report_physician_metrics(cw_report *r, FILE *f, cw_ref physician)
{
	(void)r;
	(void)f;
	(void)physician;
}
