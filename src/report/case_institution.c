/* case_institution.c: `claimwatch case --institution ID`: an institution's assessment row of the month
 * (ROOT/YYYY-MM/inst_assessment.csv: score, grade, rank, money, the indicators against their targets) and
 * its findings of the month by detector (findings.csv: count, money at stake, the fund's share, confirmed,
 * dismissed), as aligned text (--lang) or JSON (judge/assess.h, docs/institutions.md). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/jsonfield.h"
#include "io/rootmonths.h"
#include "judge/assess.h"
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

typedef struct inst_case {
	char v[A_N][200];       /* the assessment row's fields */
	char names[3 * CW_AI_N][64];
	by_detector *det;
	size_t ndet;
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
	cw_csvtab *t;
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
	cw_csvtab *t;
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

/* --- printing ----------------------------------------------------------------------------------------- */

static const char *title(const cw_registry *reg, const char *name, int lang)
{
	const cw_detector *d = reg ? cw_registry_find(reg, name) : NULL;
	return d ? cw_label_detector(lang, d) : name;
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
