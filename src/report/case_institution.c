/* case_institution.c: `claimwatch case --institution ID`: an institution's assessment row of the month
 * (ROOT/YYYY-MM/inst_assessment.csv: score, grade, rank, money, the indicators against their targets), the
 * sanction step due to it this month (inst_sanctions.csv: step, measure, refund, penalty, trigger, reason;
 * judge/inst_sanction.h) and its findings of the month by detector (findings.csv: count, money at stake, the
 * fund's share, confirmed, dismissed), as aligned text (--lang) or JSON (judge/assess.h,
 * docs/institutions.md, docs/institution-sanctions.md). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/jsonfield.h"
#include "io/rootmonths.h"
#include "judge/assess.h"
#include "judge/inst_sanction.h"
#include "judge/prompts.h"
#include "report/case.h"
#include "report/report.h"
#include "util/textwidth.h"

enum { A_FIXED = 22, A_N = A_FIXED + 3 * CW_AI_N };
static const char *const fixed[A_FIXED] = {
	"inst_id", "name", "level", "region", "visits", "stays", "revenue", "fund_paid", "findings",
	"findings_per_100_visits", "violation_amount", "violation_fund", "confirmed_amount", "confirmed_fund",
	"refunded_amount", "rejected_rows", "score", "grade", "rank", "rank_of", "rank_group", "period"
};
static const char *const fixed_zh[A_FIXED] = {
	"机构编码", "机构名称", "等级", "统筹区", "门诊人次", "住院人次", "医疗收入", "基金支付", "疑点数",
	"每百人次疑点数", "违规金额", "其中基金支付", "已确认金额", "已确认基金", "已退回金额", "拒收数据行",
	"得分", "等级评定", "名次", "参评数", "排名范围", "期间"
};

typedef struct by_detector {
	char name[64];
	size_t n, confirmed, dismissed;
	cw_fen money, fund;
	int fund_known;
} by_detector;

/* The institution's row of inst_sanctions.csv (judge/inst_sanction.h): the ladder's step due this month. */
enum { S_STEP, S_MEASURE, S_MEASURE_ZH, S_MEASURE_EN, S_REFUND, S_PENALTY, S_TRIGGER, S_REASON, S_REASON_ZH,
       S_REASON_EN, S_HISTORY, S_N };
static const char *const sanction_cols[S_N + 2] = {
	"inst_id", "step", "measure", "?measure_zh", "?measure_en", "refund_fund", "penalty", "trigger", "reason",
	"?reason_zh", "?reason_en", "?history", NULL
};
enum { SANCTION_NO_FILE = -1, SANCTION_NONE = 0, SANCTION_DUE = 1 };

typedef struct inst_case {
	char v[A_N][200];       /* the assessment row's fields */
	char names[3 * CW_AI_N][64];
	by_detector *det;
	size_t ndet;
	int sanction;           /* SANCTION_*: the month has no inst_sanctions.csv, no step due, a step due */
	char s[S_N][512];       /* the row when SANCTION_DUE */
} inst_case;

static int read_row(inst_case *c, const char *root, cw_month m, const char *id)
{
	const char *cols[A_N + 1];
	for (int i = 0; i < A_FIXED; i++)
		cols[i] = fixed[i];
	for (int i = 0; i < CW_AI_N; i++) {
		snprintf(c->names[3 * i], 64, "%s", cw_ai_name(i));
		snprintf(c->names[3 * i + 1], 64, "%s_target", cw_ai_name(i));
		snprintf(c->names[3 * i + 2], 64, "%s_over", cw_ai_name(i));
		for (int k = 0; k < 3; k++)
			cols[A_FIXED + 3 * i + k] = c->names[3 * i + k];
	}
	cols[A_N] = NULL;
	cw_csvtab *t = NULL; /* cw_root_month_table leaves it unset when it fails */
	int rc = cw_root_month_table(&t, root, m, "inst_assessment.csv", cols), found = 0;
	if (rc == CW_ENOTFOUND)
		return cw_error_set(CW_ENOTFOUND, "%s: the month has no inst_assessment.csv (run it again with this "
		                    "version)", root);
	while (rc == 0 && (rc = cw_csvtab_next(t)) == 1) {
		rc = 0;
		cw_csvtab_copy(c->v[0], sizeof c->v[0], t, 0);
		if (strcmp(c->v[0], id))
			continue;
		for (int i = 1; i < A_N; i++)
			cw_csvtab_copy(c->v[i], sizeof c->v[i], t, (size_t)i);
		found = 1;
		break;
	}
	cw_csvtab_close(t);
	if (rc < 0)
		return rc;
	return found ? 0 : cw_error_set(CW_ENOTFOUND, "no institution '%s' in the month's inst_assessment.csv", id);
}

static by_detector *detector(inst_case *c, const char *name)
{
	for (size_t i = 0; i < c->ndet; i++)
		if (!strcmp(c->det[i].name, name))
			return &c->det[i];
	by_detector *d = realloc(c->det, (c->ndet + 1) * sizeof *d);
	if (!d)
		return NULL;
	c->det = d;
	d = &c->det[c->ndet++];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	d->fund_known = 1;
	return d;
}

static cw_fen money_of(const cw_csvtab *t, size_t i)
{
	size_t len;
	const char *s = cw_csvtab_field(t, i, &len), *why;
	cw_fen v;
	if (!len || cw_parse_money(&v, &why, s, len) < 0) {
		cw_error_clear();
		return CW_FEN_NONE;
	}
	return v;
}

static int read_findings(inst_case *c, const char *root, cw_month m, const char *id)
{
	static const char *const cols[] = { "detector", "inst_id", "suspect_amount", "status", "?fund_amount", NULL };
	char inst[80], name[64], status[32];
	cw_csvtab *t = NULL; /* cw_root_month_table leaves it unset when it fails */
	int rc = cw_root_month_table(&t, root, m, "findings.csv", cols);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	while (rc == 0 && (rc = cw_csvtab_next(t)) == 1) {
		rc = 0;
		cw_csvtab_copy(inst, sizeof inst, t, 1);
		if (strcmp(inst, id))
			continue;
		cw_csvtab_copy(name, sizeof name, t, 0);
		cw_csvtab_copy(status, sizeof status, t, 3);
		by_detector *d = detector(c, name);
		if (!d) {
			rc = cw_error_set(CW_ENOMEM, "out of memory reading findings.csv");
			break;
		}
		cw_fen money = money_of(t, 2), fund = money_of(t, 4);
		d->n++;
		d->money += money == CW_FEN_NONE ? 0 : money;
		d->fund_known &= fund != CW_FEN_NONE;
		d->fund += fund == CW_FEN_NONE ? 0 : fund;
		d->dismissed += !strcmp(status, "dismissed");
		d->confirmed += cw_review_is_confirmed(cw_review_status_parse(status));
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* The row of inst_sanctions.csv: the file lists only the institutions with a step due. */
static int read_sanction(inst_case *c, const char *root, cw_month m, const char *id)
{
	char inst[CW_INST_ID];
	cw_csvtab *t = NULL; /* cw_root_month_table leaves it unset when it fails */
	c->sanction = SANCTION_NONE;
	int rc = cw_root_month_table(&t, root, m, "inst_sanctions.csv", sanction_cols);
	if (rc == CW_ENOTFOUND) { /* a month run before the ladder, or without an assessment */
		cw_error_clear();
		c->sanction = SANCTION_NO_FILE;
		return 0;
	}
	while (rc == 0 && (rc = cw_csvtab_next(t)) == 1) {
		rc = 0;
		cw_csvtab_copy(inst, sizeof inst, t, 0);
		if (strcmp(inst, id))
			continue;
		for (int i = 0; i < S_N; i++)
			cw_csvtab_copy(c->s[i], sizeof c->s[i], t, (size_t)i + 1);
		c->sanction = SANCTION_DUE;
		break;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* A field in the language: the _zh/_en column when the file has it, else the run's. */
static const char *in_lang(const inst_case *c, int plain, int zh_col, int en_col, int lang)
{
	const char *v = c->s[lang == CW_LANG_EN ? en_col : zh_col];
	return *v ? v : c->s[plain];
}

static const char *trigger_zh(const char *t)
{
	return !strcmp(t, "grade") ? "考核等级" : !strcmp(t, "repeat") ? "重复违规" : !strcmp(t, "fund") ? "违规基金金额" : t;
}

/* --- printing ----------------------------------------------------------------------------------------- */

static const char *title(const cw_registry *reg, const char *name, int lang)
{
	const cw_detector *d = reg ? cw_registry_find(reg, name) : NULL;
	if (!d) /* a rule of a later stage (judge/prompts.h) */
		d = cw_prompt_rule(name);
	return d ? cw_label_detector(lang, d) : name;
}

/* The ladder's step due this month (docs/institution-sanctions.md). */
static void print_sanction(FILE *f, const inst_case *c, int lang)
{
	int zh = lang == CW_LANG_ZH;
	static const char *const zh_labels[] = { "处理档次", "处理措施", "退回基金", "罚款", "触发条件", "理由", "计入月份" };
	static const char *const en_labels[] = { "step", "measure", "refund (fund)", "penalty", "trigger", "reason",
		                                 "months counted" };
	const char *const *l = zh ? zh_labels : en_labels;
	fprintf(f, "\n%s\n", zh ? "本月机构处理（inst_sanctions.csv）" : "sanction step due this month (inst_sanctions.csv)");
	if (c->sanction != SANCTION_DUE) {
		fprintf(f, "  %s\n", c->sanction == SANCTION_NONE ? (zh ? "无（本月未达任何处理档次）" : "none due")
		                    : zh ? "未计算（本月目录无 inst_sanctions.csv）"
		                         : "not computed (the month folder has no inst_sanctions.csv)");
		return;
	}
	const char *v[] = { c->s[S_STEP], in_lang(c, S_MEASURE, S_MEASURE_ZH, S_MEASURE_EN, lang), c->s[S_REFUND],
		            c->s[S_PENALTY], zh ? trigger_zh(c->s[S_TRIGGER]) : c->s[S_TRIGGER],
		            in_lang(c, S_REASON, S_REASON_ZH, S_REASON_EN, lang), *c->s[S_HISTORY] ? c->s[S_HISTORY] : "-" };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		fputs("  ", f);
		cw_text_pad(f, l[i], 24, 0);
		fputs("  ", f);
		cw_text_safe(f, v[i]);
		fputc('\n', f);
	}
}

static void print_text(FILE *f, const inst_case *c, int lang, const cw_registry *reg)
{
	int zh = lang == CW_LANG_ZH;
	char buf[CW_FMT_SIZE];
	for (int i = 0; i < A_FIXED; i++) {
		cw_text_pad(f, zh ? fixed_zh[i] : fixed[i], 26, 0);
		fputs("  ", f);
		cw_text_safe(f, c->v[i]);
		fputc('\n', f);
	}
	fprintf(f, "\n%s\n", zh ? "考核指标（值 / 控制目标 / 超标）" : "indicators (value / target / over)");
	for (int i = 0; i < CW_AI_N; i++) {
		const char *v = c->v[A_FIXED + 3 * i], *t = c->v[A_FIXED + 3 * i + 1], *o = c->v[A_FIXED + 3 * i + 2];
		fputs("  ", f);
		cw_text_pad(f, cw_ai_title(i, zh), 32, 0);
		cw_text_pad(f, *v ? v : "-", 12, 1);
		cw_text_pad(f, *t ? t : "-", 12, 1);
		fprintf(f, "  %s\n", !strcmp(o, "1") ? (zh ? "超标" : "over") : "");
	}
	print_sanction(f, c, lang);
	fprintf(f, "\n%s\n", zh ? "本月疑点（按审核规则）：规则、疑点数、涉及金额、基金支付、已确认、已排除"
	                        : "findings of the month by detector: detector, count, money, fund share, confirmed, dismissed");
	for (size_t i = 0; i < c->ndet; i++) {
		const by_detector *d = &c->det[i];
		fputs("  ", f);
		cw_text_pad(f, title(reg, d->name, lang), 32, 0);
		fprintf(f, "%6zu  %14s", d->n, cw_format_money(buf, d->money));
		fprintf(f, "  %14s", d->fund_known ? cw_format_money(buf, d->fund) : "-");
		fprintf(f, "  %6zu  %6zu\n", d->confirmed, d->dismissed);
	}
	if (!c->ndet)
		fprintf(f, "  %s\n", zh ? "无" : "none");
}

/* The step due as an object; null when none is due (or the month has no inst_sanctions.csv). */
static cJSON *sanction_json(const inst_case *c)
{
	static const char kind[S_N] = { 'n', 's', 's', 's', 'm', 'm', 's', 's', 's', 's', 'l' };
	if (c->sanction != SANCTION_DUE)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; o && i < S_N; i++) {
		const char *v = c->s[i], *name = sanction_cols[i + 1];
		name += *name == '?';
		cJSON_AddItemToObject(o, name, kind[i] == 's' || kind[i] == 'm' ? cJSON_CreateString(v)
		                                                              : cw_json_field(v, strlen(v), kind[i]));
	}
	return o;
}

static char *to_json(const inst_case *c)
{
	char buf[CW_FMT_SIZE];
	cJSON *o = cJSON_CreateObject(), *ind = cJSON_CreateObject(), *dets = cJSON_CreateArray();
	if (!o || !ind || !dets) {
		cJSON_Delete(o);
		cJSON_Delete(ind);
		cJSON_Delete(dets);
		return NULL;
	}
	for (int i = 0; i < A_FIXED; i++)
		cJSON_AddStringToObject(o, fixed[i], c->v[i]);
	for (int i = 0; i < CW_AI_N; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "value", c->v[A_FIXED + 3 * i]);
		cJSON_AddStringToObject(x, "target", c->v[A_FIXED + 3 * i + 1]);
		cJSON_AddBoolToObject(x, "over", !strcmp(c->v[A_FIXED + 3 * i + 2], "1"));
		cJSON_AddItemToObject(ind, cw_ai_name(i), x);
	}
	cJSON_AddItemToObject(o, "indicators", ind);
	for (size_t i = 0; i < c->ndet; i++) {
		const by_detector *d = &c->det[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "detector", d->name);
		cJSON_AddNumberToObject(x, "findings", (double)d->n);
		cJSON_AddStringToObject(x, "suspect_amount", cw_format_money(buf, d->money));
		if (d->fund_known)
			cJSON_AddStringToObject(x, "fund_amount", cw_format_money(buf, d->fund));
		else
			cJSON_AddNullToObject(x, "fund_amount");
		cJSON_AddNumberToObject(x, "confirmed", (double)d->confirmed);
		cJSON_AddNumberToObject(x, "dismissed", (double)d->dismissed);
		cJSON_AddItemToArray(dets, x);
	}
	cJSON_AddItemToObject(o, "findings_by_detector", dets);
	cJSON_AddBoolToObject(o, "sanction_computed", c->sanction != SANCTION_NO_FILE);
	cw_json_add(o, "sanction", sanction_json(c));
	char *s = cw_json_print(o);
	cJSON_Delete(o);
	return s;
}

int cw_case_institution(FILE *f, const char *root, cw_month m, const char *inst_id, int lang, int json)
{
	inst_case c = { 0 };
	cw_registry *reg = NULL;
	int rc = read_row(&c, root, m, inst_id);
	if (rc == 0)
		rc = read_findings(&c, root, m, inst_id);
	if (rc == 0)
		rc = read_sanction(&c, root, m, inst_id);
	if (rc == 0 && json) {
		char *s = to_json(&c);
		rc = s ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
		if (s)
			fprintf(f, "%s\n", s);
		free(s);
	} else if (rc == 0) {
		if (cw_registry_builtin(&reg) < 0) {
			cw_error_clear();
			reg = NULL;
		}
		print_text(f, &c, lang, reg);
		cw_registry_free(reg);
	}
	free(c.det);
	return rc;
}
