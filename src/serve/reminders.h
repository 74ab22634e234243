/* reminders.h: what a claim's answer tells the physician beyond the findings (H3, document 002:
 * 对费用较大或者预计超过医保封顶线的患者,要及时提醒、告知用费情况): the patient's fund payments of the
 * year against the fund's annual cap (统筹基金最高支付限额, 封顶线). docs/serve.md "Reminders". */
#ifndef CW_SERVE_REMINDERS_H
#define CW_SERVE_REMINDERS_H
#include <cjson/cJSON.h>
#include "claimwatch/dataset.h"
#include "claimwatch/rules.h"

/* The rules' "reminders" section. */
typedef struct cw_reminder_rules {
	cw_fen fund_cap;     /* the fund's payments a patient may get in a year; 0: no reminder */
	double warn_share;   /* remind from this share of the cap */
	double fund_share;   /* fund.estimated_share, for a line without fund_amount */
} cw_reminder_rules;

/* Reads the section (and fund.estimated_share); 0, or CW_EINVALID naming the key. */
int cw_reminder_rules_load(cw_reminder_rules *out, const cw_rules *rules);

/* The patient's fund payments of the claim's year, as far as the window reaches. */
typedef struct cw_fund_use {
	cw_fen used;        /* every line of the year in the dataset, refunds netted */
	cw_fen this_claim;  /* of which the lines of the claim's visit */
	int estimated;      /* some line lacked fund_amount: its share was estimated */
	cw_day since;       /* the first day counted: 1 January, or the window's start when later */
} cw_fund_use;

/* Sums the fund's part of the lines of the one-patient dataset ds in the year of month m; the visit
 * visit_id is the claim's. */
void cw_fund_use_sum(cw_fund_use *out, const cw_dataset *ds, cw_month m, const char *visit_id, double share);

/* Adds "reminders" (an array, empty when none applies) to the answer object o, in lang "zh" or
 * "en". Returns 0 or CW_ENOMEM. */
int cw_reminders_add(cJSON *o, const cw_dataset *ds, cw_month m, const char *visit_id, const char *lang,
                     const cw_reminder_rules *r);

#endif
