/* reminders.c: the fund-cap reminder of an answer (reminders.h, H3; docs/serve.md "Reminders").
 *
 * The cap is the fund's annual payment limit per patient. Document 003 puts it at about four times
 * the local average annual wage, "大约为2~3万元" in its survey of 40 cities; the default, 30,000 yuan,
 * is that survey's upper figure, and a bureau sets its own (`reminders.fund_cap`). A patient whose
 * fund payments of the year, this claim's included, reach `warn_share` of the cap (default 0.8) gets
 * a reminder "near"; at the cap or beyond, "over". The year is counted from 1 January, or from the
 * window's start when the service's look-back does not reach back that far (the answer says from
 * when: `serve --lookback-days` reaching 1 January makes it the whole year). A line without
 * fund_amount counts its estimated fund part (cw_line_pay, docs/fund.md) and the reminder says so. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "serve/reminders.h"

int cw_reminder_rules_load(cw_reminder_rules *out, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "reminders");
	long long cap;
	int rc = cw_section_money(&cap, &s, "fund_cap");
	if (rc == 0)
		rc = cw_section_double(&out->warn_share, &s, "warn_share", 0, 1);
	if (rc == 0)
		rc = cw_fund_share(&out->fund_share, rules);
	out->fund_cap = rc == 0 ? cap : 0;
	return rc;
}

void cw_fund_use_sum(cw_fund_use *out, const cw_dataset *ds, cw_month m, const char *visit_id, double share)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_window *w = cw_dataset_window(ds);
	cw_minute from = cw_month_start((cw_month){ .year = m.year, .month = 1 });
	cw_minute to = cw_month_start((cw_month){ .year = m.year + 1, .month = 1 });
	if (w->window_start > from)
		from = w->window_start;
	memset(out, 0, sizeof *out);
	out->since = cw_day_of(from);
	for (uint32_t l = 0; l < cl->n; l++) {
		if (cl->time[l] < from || cl->time[l] >= to)
			continue;
		cw_fen fund, self;
		int est = 0;
		cw_line_pay(&fund, &self, &est, cl, l, share);
		out->used += fund;
		out->estimated |= est;
		if (cl->visit[l] != CW_NONE && !strcmp(cw_dataset_str(ds, v->id[cl->visit[l]]), visit_id))
			out->this_claim += fund;
	}
}

static const char *message(char *buf, size_t size, const cw_fund_use *u, const cw_reminder_rules *r, int over,
                           int zh)
{
	char used[CW_FMT_SIZE], cap[CW_FMT_SIZE], since[CW_FMT_SIZE];
	cw_format_money(used, u->used);
	cw_format_money(cap, r->fund_cap);
	cw_format_date(since, u->since);
	if (zh)
		snprintf(buf, size, "患者自%s起统筹基金已支付%s元%s,%s封顶线%s元,请告知患者用费情况", since, used,
		         u->estimated ? "(含估算)" : "", over ? "已达到" : "接近", cap);
	else
		snprintf(buf, size, "the fund has paid %s yuan for this patient since %s%s, %s the annual cap of %s yuan: "
		         "tell the patient what the care costs", used, since, u->estimated ? " (partly estimated)" : "",
		         over ? "at or over" : "near", cap);
	return buf;
}

int cw_reminders_add(cJSON *o, const cw_dataset *ds, cw_month m, const char *visit_id, const char *lang,
                     const cw_reminder_rules *r)
{
	cJSON *list = cJSON_AddArrayToObject(o, "reminders");
	if (!list)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (r->fund_cap <= 0)
		return 0;
	cw_fund_use u;
	cw_fund_use_sum(&u, ds, m, visit_id, r->fund_share);
	double share = (double)u.used / (double)r->fund_cap;
	if (share < r->warn_share)
		return 0;
	char b[CW_FMT_SIZE], msg[320];
	int over = u.used >= r->fund_cap;
	cJSON *x = cJSON_CreateObject();
	if (!x || !cJSON_AddItemToArray(list, x))
		return cJSON_Delete(x), cw_error_set(CW_ENOMEM, "out of memory");
	cJSON_AddStringToObject(x, "code", "fund_cap");
	cJSON_AddStringToObject(x, "level", over ? "over" : "near");
	cJSON_AddStringToObject(x, "fund_used", cw_format_money(b, u.used));
	cJSON_AddStringToObject(x, "fund_this_claim", cw_format_money(b, u.this_claim));
	cJSON_AddStringToObject(x, "fund_cap", cw_format_money(b, r->fund_cap));
	cJSON_AddNumberToObject(x, "share", (double)(int64_t)(share * 10000 + 0.5) / 10000);
	cJSON_AddStringToObject(x, "since", cw_format_date(b, u.since));
	cJSON_AddBoolToObject(x, "estimated", u.estimated);
	cJSON_AddStringToObject(x, "message", message(msg, sizeof msg, &u, r, over, strcmp(lang, "en") != 0));
	return 0;
}
