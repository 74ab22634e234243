/* case.c: the answers of `claimwatch case` (see case.h): their memory, and printing them as aligned
 * tables (in Chinese or English) or as JSON. Nothing here knows where the answers came from. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "io/jsonfield.h"
#include "judge/prompts.h"
#include "report/case.h"
#include "report/report.h"
#include "util/grow.h"
#include "util/textwidth.h"

/* --- schemas ------------------------------------------------------------------------------ */

#define NAME(e, name, kind) #name,
#define KIND(e, name, kind) #kind
static const char *const standing_names[] = { CW_CASE_STANDING(NAME) };
static const char standing_kinds[] = CW_CASE_STANDING(KIND);
static const char *const finding_names[] = { CW_CASE_FINDING(NAME) };
static const char finding_kinds[] = CW_CASE_FINDING(KIND);
static const char *const line_names[] = { CW_CASE_LINE(NAME) };
static const char line_kinds[] = CW_CASE_LINE(KIND);
static const char *const metric_names[] = { CW_CASE_METRIC(NAME) };
static const char metric_kinds[] = CW_CASE_METRIC(KIND);
#undef NAME
#undef KIND

const cw_case_schema cw_case_standing_schema = { CS_COUNT, standing_names, standing_kinds };
const cw_case_schema cw_case_finding_schema = { CF_COUNT, finding_names, finding_kinds };
const cw_case_schema cw_case_line_schema = { CL_COUNT, line_names, line_kinds };
const cw_case_schema cw_case_metric_schema = { CM_COUNT, metric_names, metric_kinds };

/* --- memory --------------------------------------------------------------------------------- */

typedef struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
} chunk;

struct cw_case_arena {
	chunk *head;
};

int cw_case_arena_new(cw_case_arena **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

void cw_case_arena_free(cw_case_arena *a)
{
	if (!a)
		return;
	for (chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static void *arena_alloc(cw_case_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->head->size - a->head->used < n) {
		size_t size = n > 60000 ? n : 60000;
		chunk *c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->size = size;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

char *cw_case_strdup(cw_case_arena *a, const char *s, size_t len)
{
	char *d = arena_alloc(a, len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

cw_case_rec *cw_case_list_add(cw_case_list *l, cw_case_arena *a, const cw_case_schema *schema)
{
	if (cw_grow((void **)&l->rec, &l->cap, l->n + 1, sizeof *l->rec) < 0)
		return NULL;
	char **v = arena_alloc(a, schema->n * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < schema->n; i++)
		v[i] = "";
	l->rec[l->n].v = v;
	return &l->rec[l->n++];
}

static cw_fen money(const char *s)
{
	cw_fen v = 0;
	const char *why;
	if (cw_parse_money(&v, &why, s, strlen(s)) < 0)
		return 0;
	return v;
}

static int by_money(const void *a, const void *b)
{
	const cw_case_rec *x = a, *y = b;
	cw_fen mx = money(x->v[CF_SUSPECT]), my = money(y->v[CF_SUSPECT]);
	if (mx != my)
		return mx > my ? -1 : 1;
	return strcmp(x->v[CF_ID], y->v[CF_ID]);
}

void cw_case_sort_findings(cw_case_list *l)
{
	if (l->n > 1)
		qsort(l->rec, l->n, sizeof *l->rec, by_money);
}

void cw_case_physician_free(cw_case_physician *p)
{
	free(p->standings.rec);
	free(p->metrics.rec);
	free(p->findings.rec);
	cw_case_arena_free(p->arena);
	memset(p, 0, sizeof *p);
}

void cw_case_finding_free(cw_case_finding *c)
{
	free(c->lines.rec);
	cw_case_arena_free(c->arena);
	memset(c, 0, sizeof *c);
}

/* --- words ----------------------------------------------------------------------------------------- */

/* The printed words in Chinese: the keys, headings and column names (the CSV's) of the tables. */
static const struct word {
	const char *en, *zh;
} words[] = {
	{ "physician", "医师" }, { "name", "姓名" }, { "month", "月份" }, { "institution", "医疗机构" },
	{ "department", "科室" }, { "ranked within", "排名范围" }, { "visits", "就诊人次" }, { "billed", "费用总额" },
	{ "sanction due", "应予处理" }, { "scores", "评分" }, { "metrics against peers", "与同行比较的指标" },
	{ "findings, most money first", "问题（按涉及金额从高到低）" }, { "evidence lines", "证据明细" },
	{ "finding", "问题编号" }, { "detector", "规则" }, { "rule", "规则说明" }, { "severity", "性质" },
	{ "dimension", "维度" }, { "patient", "患者" }, { "visit", "就诊" }, { "suspect_amount", "涉及金额" },
	{ "score", "得分" }, { "metric", "指标" }, { "value", "数值" }, { "expected", "预期" }, { "limit", "上限" },
	{ "review", "复核" }, { "reason", "理由" }, { "grade_zh", "等级" }, { "rank", "名次" },
	{ "findings", "问题数" }, { "money_share", "金额占比" }, { "findings_per_100_visits", "每百人次问题数" },
	{ "outlier_severity", "离群程度" }, { "confirmed", "已确认" }, { "dismissed", "已排除" }, { "status", "状态" },
	{ "volume", "例数" }, { "z", "z 值" }, { "flagged", "超限" }, { "peer_group", "同行组" }, { "peers", "同行数" },
	{ "finding_id", "问题编号" }, { "patient_id", "患者" }, { "visit_id", "就诊" }, { "line_id", "明细编号" },
	{ "service_time", "时间" }, { "item_code", "项目编码" }, { "item_name", "项目名称" }, { "category", "类别" },
	{ "qty", "数量" }, { "unit", "单位" }, { "unit_price", "单价" }, { "std_price", "标准价" }, { "amount", "金额" },
	{ "refund", "退费" }, { "fund_amount", "基金支付" }, { "self_amount", "个人自付" },
	{ "fund share", "其中基金支付" }, { "estimated", "估算" }, { "total", "合计" }, { "refunded", "已退费" }, { "none", "无" },
};

static const char *word(int lang, const char *en)
{
	if (lang != CW_LANG_ZH)
		return en;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (!strcmp(words[i].en, en))
			return words[i].zh;
	return en;
}

const char *cw_case_reason(const cw_case_rec *r, int lang)
{
	const char *own = r->v[lang == CW_LANG_ZH ? CF_REASON_ZH : CF_REASON_EN];
	if (*own)
		return own;
	/* no Chinese from the detector: the English one, when the source has both columns */
	return lang == CW_LANG_ZH && *r->v[CF_REASON_EN] ? r->v[CF_REASON_EN] : r->v[CF_REASON];
}

static const char *severity_word(int lang, const char *name)
{
	for (int s = 0; s < CW_SEVERITY_COUNT; s++)
		if (!strcmp(cw_severity_name(s), name))
			return cw_label_severity(lang, s);
	return name;
}

static const char *category_word(int lang, const char *name)
{
	int c = cw_category_parse(name, strlen(name));
	return c < 0 ? name : cw_label_category(lang, c);
}

/* A field's value as printed: the words among them in the language. */
static const char *shown(int lang, const cw_case_schema *s, const cw_case_rec *r, int field)
{
	const char *v = r->v[field];
	if (s == &cw_case_finding_schema) {
		switch (field) {
		case CF_REASON: return cw_case_reason(r, lang);
		case CF_DIMENSION: return cw_label_dimension(lang, v);
		case CF_SEVERITY: return severity_word(lang, v);
		case CF_STATUS: return word(lang, v);
		}
	} else if (s == &cw_case_standing_schema && field == CS_DIMENSION) {
		return cw_label_dimension(lang, v);
	} else if (s == &cw_case_metric_schema && field == CM_METRIC) {
		return cw_label_metric(lang, v);
	} else if (s == &cw_case_line_schema) {
		if (field == CL_CATEGORY)
			return category_word(lang, v);
		if (field == CL_REFUND)
			return word(lang, v);
	}
	return v;
}

/* --- aligned tables ------------------------------------------------------------------------------ */

typedef struct table {
	size_t ncols, nrows;
	const char *const *cells; /* nrows * ncols, row-major, head first */
} table;

/* Numbers right-aligned: a column whose cells are numbers or empty, not all empty. */
static int numeric_column(const table *t, size_t c)
{
	int any = 0;
	for (size_t r = 1; r < t->nrows; r++) {
		const char *s = t->cells[r * t->ncols + c];
		if (*s && strspn(s, "0123456789.-+%") != strlen(s))
			return 0;
		any |= *s != 0;
	}
	return any;
}

/* Prints the table; the last column is not padded (it may be long: a reason). */
static void print_table(FILE *f, const table *t)
{
	size_t *w = calloc(t->ncols, sizeof *w);
	int *right = calloc(t->ncols, sizeof *right);
	if (!w || !right) {
		free(w);
		free(right);
		return;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		right[c] = numeric_column(t, c);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t x = cw_text_width(t->cells[r * t->ncols + c]);
			if (x > w[c])
				w[c] = x;
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		const char *const *row = t->cells + r * t->ncols;
		size_t end = t->ncols; /* no trailing blanks: stop after the last cell with text */
		while (end > 1 && !*row[end - 1])
			end--;
		for (size_t c = 0; c < end; c++) {
			int last = c + 1 == end;
			cw_text_pad(f, row[c], last && !right[c] ? 0 : w[c], right[c]);
			fputs(last ? "\n" : "  ", f);
		}
	}
	free(w);
	free(right);
}

/* A table of some fields (cols, indexes into the schema) of a list of records. */
static int print_records(FILE *f, const cw_case_list *l, const cw_case_schema *s, const int *cols, size_t ncols,
                         int lang)
{
	const char **cells = malloc((l->n + 1) * ncols * sizeof *cells);
	if (!cells)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t c = 0; c < ncols; c++)
		cells[c] = word(lang, s->names[cols[c]]);
	for (size_t r = 0; r < l->n; r++)
		for (size_t c = 0; c < ncols; c++)
			cells[(r + 1) * ncols + c] = shown(lang, s, &l->rec[r], cols[c]);
	table t = { ncols, l->n + 1, cells };
	print_table(f, &t);
	free(cells);
	return 0;
}

/* "key   value" lines, keys (in the language) aligned; empty values are left out. */
static void print_pairs(FILE *f, const char *const *kv, size_t n, int lang)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (kv[2 * i + 1] && *kv[2 * i + 1] && cw_text_width(word(lang, kv[2 * i])) > w)
			w = cw_text_width(word(lang, kv[2 * i]));
	for (size_t i = 0; i < n; i++) {
		if (!kv[2 * i + 1] || !*kv[2 * i + 1])
			continue;
		cw_text_pad(f, word(lang, kv[2 * i]), w, 0);
		fputs("  ", f);
		cw_text_safe(f, kv[2 * i + 1]);
		fputc('\n', f);
	}
}

static void heading(FILE *f, const char *title, size_t n, int lang)
{
	fprintf(f, lang == CW_LANG_ZH ? "\n%s（%zu）\n" : "\n%s (%zu)\n", word(lang, title), n);
}

int cw_case_print_physician(FILE *f, const cw_case_physician *p, int lang)
{
	char sanction[512] = "";
	if (p->sanction_level && *p->sanction_level)
		snprintf(sanction, sizeof sanction, lang == CW_LANG_ZH ? "第 %s 级（%s）：%s" : "level %s (%s): %s",
		         p->sanction_level, p->cycle ? p->cycle : "", p->sanction_measures ? p->sanction_measures : "");
	const char *kv[] = { "physician", p->physician_id, "name", p->name, "month", p->month, "institution",
		             p->inst_id, "department", p->dept_id, "ranked within", p->scope_group, "visits", p->visits,
		             "billed", p->billed, "sanction due", sanction };
	print_pairs(f, kv, sizeof kv / sizeof *kv / 2, lang);
	static const int sc[] = { CS_DIMENSION, CS_SCORE, CS_GRADE, CS_GRADE_ZH, CS_RANK, CS_FINDINGS, CS_SUSPECT,
		                  CS_MONEY_SHARE, CS_PER_100, CS_OUTLIER, CS_CONFIRMED, CS_DISMISSED, CS_STATUS };
	size_t nsc = sizeof sc / sizeof *sc;
	static const int sc_zh[] = { CS_DIMENSION, CS_SCORE, CS_GRADE_ZH, CS_RANK, CS_FINDINGS, CS_SUSPECT,
		                     CS_MONEY_SHARE, CS_PER_100, CS_OUTLIER, CS_CONFIRMED, CS_DISMISSED, CS_STATUS };
	heading(f, "scores", p->standings.n, lang);
	int rc = lang == CW_LANG_ZH
	                 ? print_records(f, &p->standings, &cw_case_standing_schema, sc_zh, nsc - 1, lang)
	                 : print_records(f, &p->standings, &cw_case_standing_schema, sc, nsc, lang);
	if (rc == 0 && p->have_metrics) {
		static const int mc[] = { CM_METRIC, CM_VOLUME, CM_VALUE, CM_EXPECTED, CM_LIMIT, CM_Z, CM_FLAGGED,
			                  CM_STATUS, CM_PEER_GROUP, CM_PEERS };
		heading(f, "metrics against peers", p->metrics.n, lang);
		rc = print_records(f, &p->metrics, &cw_case_metric_schema, mc, sizeof mc / sizeof *mc, lang);
	}
	if (rc == 0) {
		static const int fc[] = { CF_ID, CF_DETECTOR, CF_DIMENSION, CF_SUSPECT, CF_SCORE, CF_SEVERITY, CF_STATUS,
			                  CF_PATIENT, CF_VISIT, CF_REASON };
		heading(f, "findings, most money first", p->findings.n, lang);
		rc = print_records(f, &p->findings, &cw_case_finding_schema, fc, sizeof fc / sizeof *fc, lang);
	}
	if (rc == 0 && p->findings.n)
		fprintf(f, lang == CW_LANG_ZH ? "\n用 --finding 问题编号（--root 相同，--month %s）查看一条问题的证据明细\n"
		                              : "\n--finding ID (with the same --root and --month %s) shows a finding's "
		                                "evidence lines\n",
		        p->month);
	return rc;
}

/* The sum of the lines' amounts, for the table's last row. */
static void total_amount(const cw_case_list *l, char buf[CW_FMT_SIZE])
{
	cw_fen sum = 0;
	for (size_t i = 0; i < l->n; i++)
		sum += money(l->rec[i].v[CL_AMOUNT]);
	cw_format_money(buf, sum);
}

int cw_case_print_finding(FILE *f, const cw_case_finding *c, int lang)
{
	const cw_case_rec *r = &c->f;
	char *const *v = r->v;
	const cw_detector *d = c->rule;
	const cw_case_schema *fs = &cw_case_finding_schema;
	const char *title = d ? cw_label_detector(lang, d) : NULL;
	char detector[160];
	snprintf(detector, sizeof detector, "%s%s%s", v[CF_DETECTOR], title ? " " : "", title ? title : "");
	char fund[96]; /* the fund's share of the suspect money, "(estimated)" from the rules' share */
	snprintf(fund, sizeof fund, "%s%s%s%s", v[CF_FUND], !strcmp(v[CF_FUND_ESTIMATED], "1") ? " (" : "",
	         !strcmp(v[CF_FUND_ESTIMATED], "1") ? word(lang, "estimated") : "", !strcmp(v[CF_FUND_ESTIMATED], "1") ? ")" : "");
	const char *kv[] = {
		"finding", v[CF_ID], "month", v[CF_MONTH], "detector", detector, "rule", d ? cw_label_summary(lang, d) : "",
		"severity", shown(lang, fs, r, CF_SEVERITY), "dimension", shown(lang, fs, r, CF_DIMENSION),
		"physician", v[CF_PHYSICIAN], "institution", v[CF_INST], "department", v[CF_DEPT], "patient", v[CF_PATIENT],
		"visit", v[CF_VISIT], "suspect_amount", v[CF_SUSPECT], "fund share", fund, "score", v[CF_SCORE],
		"metric", *v[CF_METRIC] ? cw_label_metric(lang, v[CF_METRIC]) : "", "value", v[CF_VALUE],
		"expected", v[CF_EXPECTED], "limit", v[CF_LIMIT], "review", shown(lang, fs, r, CF_STATUS),
		"reason", cw_case_reason(r, lang),
	};
	print_pairs(f, kv, sizeof kv / sizeof *kv / 2, lang);
	if (!c->have_lines) {
		fprintf(f, "\n%s%s", word(lang, "evidence lines"), lang == CW_LANG_ZH ? "：" : ": ");
		cw_text_safe(f, *v[CF_LINES] ? v[CF_LINES] : word(lang, "none"));
		fputs(lang == CW_LANG_ZH ? "\n（本月文件夹中没有 evidence.csv：重新运行该月可得明细）\n"
		                         : "\n(no evidence.csv in this month's folder: run the month again for the lines' "
		                           "details)\n", f);
		return 0;
	}
	heading(f, "evidence lines", c->lines.n, lang);
	if (!c->lines.n && cw_finding_is_prompt(v[CF_DETECTOR])) {
		fputs(lang == CW_LANG_ZH ? "无：该问题是对医疗机构的提示（基于其当月服务量与总额预算），而非收费明细\n"
		                         : "none: a prompt about the institution (its month's volumes and its global "
		                           "budget), not a finding on claim lines\n", f);
		return 0;
	}
	if (!c->lines.n) {
		fputs(lang == CW_LANG_ZH ? "无：该问题基于医师的统计指标，而非收费明细\n"
		                         : "none: a finding on the physician's figures, not on claim lines\n", f);
		return 0;
	}
	static const int lc[] = { CL_LINE, CL_TIME, CL_ITEM, CL_ITEM_NAME, CL_CATEGORY, CL_QTY, CL_UNIT,
		                  CL_UNIT_PRICE, CL_STD_PRICE, CL_AMOUNT, CL_FUND, CL_SELF, CL_VISIT, CL_PATIENT, CL_REFUND };
	enum { N = sizeof lc / sizeof *lc };
	const char **cells = malloc((c->lines.n + 2) * N * sizeof *cells);
	if (!cells)
		return cw_error_set(CW_ENOMEM, "out of memory");
	char total[CW_FMT_SIZE];
	total_amount(&c->lines, total);
	for (size_t k = 0; k < N; k++) {
		cells[k] = word(lang, cw_case_line_schema.names[lc[k]]);
		cells[(c->lines.n + 1) * N + k] = lc[k] == CL_LINE ? word(lang, "total") : lc[k] == CL_AMOUNT ? total : "";
	}
	for (size_t i = 0; i < c->lines.n; i++)
		for (size_t k = 0; k < N; k++)
			cells[(i + 1) * N + k] = shown(lang, &cw_case_line_schema, &c->lines.rec[i], lc[k]);
	table t = { N, c->lines.n + 2, cells };
	print_table(f, &t);
	free(cells);
	return 0;
}

/* --- JSON --------------------------------------------------------------------------------------------- */

static cJSON *record_json(const cw_case_rec *r, const cw_case_schema *s)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; o && i < s->n; i++)
		cJSON_AddItemToObject(o, s->names[i], cw_json_field(r->v[i], strlen(r->v[i]), s->kinds[i]));
	return o;
}

static cJSON *list_json(const cw_case_list *l, const cw_case_schema *s)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < l->n; i++)
		cJSON_AddItemToArray(a, record_json(&l->rec[i], s));
	return a;
}

static void add_text(cJSON *o, const char *key, const char *s, char kind)
{
	cJSON_AddItemToObject(o, key, cw_json_field(s ? s : "", s ? strlen(s) : 0, kind));
}

static char *print_json(cJSON *doc)
{
	char *text = cw_json_print(doc);
	cJSON_Delete(doc);
	return text;
}

char *cw_case_physician_json(const cw_case_physician *p)
{
	cJSON *o = cJSON_CreateObject(), *ph = cJSON_CreateObject(), *s = NULL;
	add_text(o, "month", p->month, 's');
	add_text(ph, "physician_id", p->physician_id, 's');
	add_text(ph, "name", p->name, 's');
	add_text(ph, "inst_id", p->inst_id, 's');
	add_text(ph, "dept_id", p->dept_id, 's');
	add_text(ph, "scope_group", p->scope_group, 's');
	add_text(ph, "visits", p->visits, 'n');
	add_text(ph, "billed", p->billed, 'm');
	cJSON_AddItemToObject(o, "physician", ph);
	if (p->sanction_level && *p->sanction_level) {
		s = cJSON_CreateObject();
		add_text(s, "cycle", p->cycle, 's');
		add_text(s, "level", p->sanction_level, 'n');
		add_text(s, "measures", p->sanction_measures, 's');
	}
	cJSON_AddItemToObject(o, "sanction", s ? s : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "scores", list_json(&p->standings, &cw_case_standing_schema));
	cJSON_AddItemToObject(o, "metrics", p->have_metrics ? list_json(&p->metrics, &cw_case_metric_schema)
	                                                    : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "findings", list_json(&p->findings, &cw_case_finding_schema));
	return print_json(o);
}

char *cw_case_finding_json(const cw_case_finding *c)
{
	cJSON *o = record_json(&c->f, &cw_case_finding_schema);
	const cw_detector *d = c->rule;
	if (o && d) {
		cJSON *rule = cJSON_CreateObject();
		add_text(rule, "detector", d->name, 's');
		add_text(rule, "title_zh", d->title_zh, 's');
		add_text(rule, "title_en", d->title_en, 's');
		add_text(rule, "summary", d->summary, 's');
		add_text(rule, "summary_zh", d->summary_zh, 's');
		cJSON_AddItemToObject(o, "rule", rule);
	}
	if (o)
		cJSON_AddItemToObject(o, "lines", c->have_lines ? list_json(&c->lines, &cw_case_line_schema)
		                                                : cJSON_CreateNull());
	return print_json(o);
}
