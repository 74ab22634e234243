/* inst_sanction.c: the institutions' sanction ladder over a window of months (see judge/inst_sanction.h,
 * docs/institution-sanctions.md).
 *
 * Sources of the defaults (rules/default.json, section institution_sanctions): the measures are the
 * documents' words: K7 (003/001) 主动清退/退回 the fund's money, L4 (001) 暂停医疗保险服务费用结算 and
 * 解除医疗保险服务协议, (004) 追究其违约责任甚至终止协议; the yearly window is L1/L3's (每年评定信用等级,
 * 年度考核). The documents give no multiple and no amounts: the penalty's 1x is the lower bound of the
 * national rule (医疗保障基金使用监督管理条例, 2021, art. 38: 责令退回, 处造成损失金额1倍以上2倍以下罚款;
 * art. 40 raises it to 2-5x for fraud), and the money triggers are the fraud thresholds of national
 * practice (数额较大 up to 10,000 yuan, 数额巨大 up to 100,000, 数额特别巨大 500,000: the 2011 judicial
 * interpretation on fraud, which the 2024 guidance on medical-insurance fraud applies). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "judge/inst_sanction.h"

static const char *const basis_choices[] = { "violation_fund", "confirmed_fund", NULL };
static const char *const grade_names[] = { "", "A", "B", "C", "D" };

int cw_inst_grade_parse(const char *s)
{
	if (!s[0])
		return 0;
	for (int g = 1; g <= 4; g++)
		if (!strcmp(s, grade_names[g]))
			return g;
	return -1;
}

static int grade_key(int *out, const cw_section *s, const char *key, int allow_empty)
{
	const char *v;
	int rc = cw_section_string(&v, s, key);
	if (rc < 0)
		return rc;
	int g = cw_inst_grade_parse(v);
	if (g < 0 || (g == 0 && !allow_empty))
		return cw_error_set(CW_EINVALID, "%s.%s: expected a grade A, B, C or D%s, got '%s'", s->path, key,
		                    allow_empty ? " or \"\"" : "", v);
	*out = g;
	return 0;
}

static int load_step(const cw_section *s, int k, cw_inst_step *o)
{
	char key[8];
	snprintf(key, sizeof key, "step%d", k);
	cw_section st = cw_section_child(s, key);
	long long fen;
	int rc;
	if ((rc = grade_key(&o->grade, &st, "grade", 1)) < 0 ||
	    (rc = cw_section_int(&o->repeat_months, &st, "repeat_months", 0, CW_INST_WINDOW_MAX)) < 0 ||
	    (rc = cw_section_money(&fen, &st, "fund")) < 0 ||
	    (rc = cw_section_string(&o->measure_zh, &st, "measure_zh")) < 0 ||
	    (rc = cw_section_string(&o->measure_en, &st, "measure_en")) < 0)
		return rc;
	o->fund = fen;
	return 0;
}

int cw_inst_sanction_rules_load(cw_inst_sanction_rules *o, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "institution_sanctions");
	int rc;
	memset(o, 0, sizeof *o);
	o->step[0].measure_zh = o->step[0].measure_en = "";
	if ((rc = cw_section_choice(&o->basis, &s, "basis", basis_choices)) < 0 ||
	    (rc = cw_section_int(&o->window, &s, "window_months", 1, CW_INST_WINDOW_MAX)) < 0 ||
	    (rc = grade_key(&o->repeat_grade, &s, "repeat_grade", 0)) < 0 ||
	    (rc = cw_section_double(&o->penalty_multiple, &s, "penalty_multiple", 0, 100)) < 0)
		return rc;
	for (int k = 1; k <= CW_INST_STEPS; k++)
		if ((rc = load_step(&s, k, &o->step[k])) < 0)
			return rc;
	return 0;
}

const char *cw_inst_measure(const cw_inst_sanction_rules *r, int step, const char *lang)
{
	if (step < 1 || step > CW_INST_STEPS)
		return "";
	return lang && !strcmp(lang, "en") ? r->step[step].measure_en : r->step[step].measure_zh;
}

const char *cw_inst_basis_name(int basis) { return basis_choices[basis == CW_INST_BASIS_CONFIRMED]; }

const char *cw_inst_trigger_name(int trigger)
{
	static const char *const names[] = { "", "grade", "repeat", "fund" };
	return trigger >= 0 && trigger <= CW_INST_TRIGGER_FUND ? names[trigger] : "";
}

/* --- the ladder ------------------------------------------------------------------------------------ */

static cw_fen basis_of(const cw_inst_sanction_rules *r, const cw_inst_month *m)
{
	return r->basis == CW_INST_BASIS_CONFIRMED ? m->confirmed_fund : m->violation_fund;
}

/* The first trigger of step k the tally meets, or NONE. */
static int step_trigger(const cw_inst_step *k, const cw_inst_sanction *s)
{
	if (k->grade && s->last->grade >= k->grade)
		return CW_INST_TRIGGER_GRADE;
	if (k->repeat_months && s->repeat_months >= k->repeat_months)
		return CW_INST_TRIGGER_REPEAT;
	if (k->fund && s->window_fund >= k->fund)
		return CW_INST_TRIGGER_FUND;
	return CW_INST_TRIGGER_NONE;
}

static void add_history(cw_inst_sanction *s, const cw_inst_month *m)
{
	char month[8];
	size_t len = strlen(s->history);
	snprintf(s->history + len, sizeof s->history - len, "%s%s:%s", len ? " " : "", cw_month_format(month, m->month),
	         m->grade ? grade_names[m->grade] : "-");
}

/* One institution's rows [from, to) of the window, the last of them of the last month. */
static void tally(cw_inst_sanction *s, const cw_inst_history *h, const cw_inst_sanction_rules *r, size_t from,
                  size_t to)
{
	memset(s, 0, sizeof *s);
	s->last = &h->r[to - 1];
	for (size_t i = from; i < to; i++) {
		const cw_inst_month *m = &h->r[i];
		cw_fen money = basis_of(r, m);
		if (money <= 0)
			continue;
		s->window_fund += money;
		s->repeat_months += m->grade && m->grade >= r->repeat_grade;
		add_history(s, m);
	}
	s->refund = basis_of(r, s->last);
	if (s->refund <= 0) {
		s->refund = 0;
		return;
	}
	for (int k = CW_INST_STEPS; k >= 1 && !s->step; k--)
		if ((s->trigger = step_trigger(&r->step[k], s)) != CW_INST_TRIGGER_NONE)
			s->step = k;
	if (s->step >= 2)
		s->penalty = (cw_fen)((double)s->refund * r->penalty_multiple + (s->refund >= 0 ? 0.5 : -0.5));
}

int cw_inst_sanctions_compute(cw_inst_sanction **out, size_t *n, const cw_inst_history *h,
                              const cw_inst_sanction_rules *r)
{
	size_t count = 0;
	for (size_t i = 0; i < h->n; i++)
		count += !cw_month_cmp(h->r[i].month, h->last);
	cw_inst_sanction *s = calloc(count ? count : 1, sizeof *s);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory computing the institutions' sanctions");
	size_t k = 0;
	for (size_t i = 0; i < h->n;) {
		size_t j = i + 1;
		while (j < h->n && !strcmp(h->r[j].inst_id, h->r[i].inst_id))
			j++;
		if (!cw_month_cmp(h->r[j - 1].month, h->last))
			tally(&s[k++], h, r, i, j);
		i = j;
	}
	*out = s;
	*n = count;
	return 0;
}

/* --- what a person reads ------------------------------------------------------------------------------ */

char *cw_inst_sanction_reason(char *buf, size_t size, const cw_inst_sanction *s, const cw_inst_sanction_rules *r,
                              const char *lang)
{
	int en = lang && !strcmp(lang, "en");
	const cw_inst_step *k = &r->step[s->step];
	char a[CW_FMT_SIZE], b[CW_FMT_SIZE];
	buf[0] = 0;
	switch (s->trigger) {
	case CW_INST_TRIGGER_GRADE:
		if (en)
			snprintf(buf, size, "graded %s this month, %s or below, with %s yuan of the fund's money in violation",
			         grade_names[s->last->grade], grade_names[k->grade], cw_format_money(a, s->refund));
		else
			snprintf(buf, size, "本月考核等级%s(不高于%s),违规涉及医保基金%s元", grade_names[s->last->grade],
			         grade_names[k->grade], cw_format_money(a, s->refund));
		break;
	case CW_INST_TRIGGER_REPEAT:
		if (en)
			snprintf(buf, size, "violations in %d of the last %lld months graded %s or below (the step is at %lld)",
			         s->repeat_months, r->window, grade_names[r->repeat_grade], k->repeat_months);
		else
			snprintf(buf, size, "近%lld个月内有%d个月违规且考核等级不高于%s(达到%lld个月)", r->window,
			         s->repeat_months, grade_names[r->repeat_grade], k->repeat_months);
		break;
	case CW_INST_TRIGGER_FUND:
		if (s->refund >= k->fund && en) /* the month alone reaches the step */
			snprintf(buf, size, "%s yuan of the fund's money in violation this month (the step is at %s)",
			         cw_format_money(a, s->refund), cw_format_money(b, k->fund));
		else if (s->refund >= k->fund)
			snprintf(buf, size, "本月违规涉及医保基金%s元(达到%s元)", cw_format_money(a, s->refund),
			         cw_format_money(b, k->fund));
		else if (en)
			snprintf(buf, size, "%s yuan of the fund's money in violation over the last %lld months (the step is at %s)",
			         cw_format_money(a, s->window_fund), r->window, cw_format_money(b, k->fund));
		else
			snprintf(buf, size, "近%lld个月违规涉及医保基金%s元(达到%s元)", r->window,
			         cw_format_money(a, s->window_fund), cw_format_money(b, k->fund));
		break;
	default: break;
	}
	return buf;
}

const char *const cw_inst_sanction_columns[] = {
	"month", "inst_id", "name", "step", "measure", "refund_fund", "penalty", "trigger", "reason", "history",
	"grade", "basis", "violation_fund", "confirmed_fund", "window_months", "window_fund", "repeat_months",
	"measure_zh", "measure_en", "reason_zh", "reason_en", "missing_months", NULL
};

static void write_row(FILE *f, const char *month, const cw_inst_sanction *s, const cw_inst_sanction_rules *r,
                      const char *lang, const char *missing)
{
	char a[CW_FMT_SIZE], b[CW_FMT_SIZE], reason[512];
	cw_csv_cell(f, month, 0);
	cw_csv_cell(f, s->last->inst_id, 0);
	cw_csv_cell(f, s->last->name, 0);
	fprintf(f, "%d,", s->step);
	cw_csv_cell(f, cw_inst_measure(r, s->step, lang), 0);
	fprintf(f, "%s,%s,", cw_format_money(a, s->refund), cw_format_money(b, s->penalty));
	cw_csv_cell(f, cw_inst_trigger_name(s->trigger), 0);
	cw_csv_cell(f, cw_inst_sanction_reason(reason, sizeof reason, s, r, lang), 0);
	cw_csv_cell(f, s->history, 0);
	cw_csv_cell(f, grade_names[s->last->grade], 0);
	cw_csv_cell(f, cw_inst_basis_name(r->basis), 0);
	fprintf(f, "%s,", cw_format_money(a, s->last->violation_fund));
	fprintf(f, "%s,", cw_format_money(a, s->last->confirmed_fund));
	fprintf(f, "%lld,%s,%d,", r->window, cw_format_money(a, s->window_fund), s->repeat_months);
	cw_csv_cell(f, cw_inst_measure(r, s->step, "zh"), 0);
	cw_csv_cell(f, cw_inst_measure(r, s->step, "en"), 0);
	cw_csv_cell(f, cw_inst_sanction_reason(reason, sizeof reason, s, r, "zh"), 0);
	cw_csv_cell(f, cw_inst_sanction_reason(reason, sizeof reason, s, r, "en"), 0);
	cw_csv_cell(f, missing, 1);
}

void cw_inst_sanctions_write_csv(FILE *f, const char *month, const cw_inst_sanction *s, size_t n,
                                 const cw_inst_sanction_rules *r, const char *lang, const char *missing)
{
	cw_csv_header(f, cw_inst_sanction_columns);
	for (int step = CW_INST_STEPS; step >= 1; step--)
		for (size_t i = 0; i < n; i++)
			if (s[i].step == step)
				write_row(f, month, &s[i], r, lang, missing);
}
