/* selfcheck.c: self-inspection totals and the statistics form over a window of months (see selfcheck.h,
 * docs/review.md; K4-K7). */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "judge/selfcheck.h"
#include "util/grow.h"

enum { F_ID, F_DET, F_INST, F_DEPT, F_AMOUNT };

static int is_period(int by) { return by == CW_SC_MONTH || by == CW_SC_QUARTER || by == CW_SC_YEAR; }

/* The period of a month ("YYYY-MM") as the grouping sees it. */
static void period(char out[8], const char *month, int by)
{
	if (by == CW_SC_YEAR)
		snprintf(out, 8, "%.4s", month);
	else if (by == CW_SC_QUARTER)
		snprintf(out, 8, "%.4s-Q%c", month, "0111222333444"[atoi(month + 5) % 13]);
	else
		snprintf(out, 8, "%s", month);
}

/* The key of a row as the grouping sees it: -1, 0 or 1. */
static int key_cmp(int by, const cw_sc_row *a, const cw_sc_row *b)
{
	int c = 0;
	if (is_period(by))
		return strcmp(a->month, b->month);
	c = strcmp(a->inst, b->inst);
	if (c == 0 && by == CW_SC_DEPARTMENT)
		c = strcmp(a->dept, b->dept);
	if (c == 0 && by == CW_SC_FORM)
		c = strcmp(a->detector, b->detector);
	return c;
}

/* The row of key k, inserted in key order when new; NULL when out of memory. */
static cw_sc_row *row_of(cw_selfcheck *sc, const cw_sc_row *k)
{
	size_t lo = 0, hi = sc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(sc->by, &sc->rows[mid], k);
		if (c == 0)
			return &sc->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (cw_grow((void **)&sc->rows, &sc->cap, sc->n + 1, sizeof *sc->rows) < 0)
		return NULL;
	memmove(&sc->rows[lo + 1], &sc->rows[lo], (sc->n - lo) * sizeof *sc->rows);
	sc->n++;
	sc->rows[lo] = *k;
	return &sc->rows[lo];
}

static void count(cw_sc_row *r, int state, cw_fen money, cw_fen refund)
{
	r->found++;
	r->found_amount += money;
	r->n[state]++;
	r->amount[state] += money;
	if (cw_review_is_confirmed(state)) /* refunded, or under appeal after a refund */
		r->refund += refund;
}

/* One finding of month m into its row and the total. */
static int take(cw_selfcheck *sc, const cw_csvtab *t, const char *month, const cw_reviews *rv)
{
	cw_sc_row k;
	char id[72], amount[32];
	const char *why;
	cw_fen money = 0;
	memset(&k, 0, sizeof k);
	cw_csvtab_copy(amount, sizeof amount, t, F_AMOUNT);
	if (amount[0] && cw_parse_money(&money, &why, amount, strlen(amount)) < 0)
		return cw_error_set(CW_EINVALID, "%s: line %llu: suspect_amount '%s': %s", cw_csvtab_path(t),
		                    (unsigned long long)cw_csvtab_line(t), amount, why);
	cw_csvtab_copy(id, sizeof id, t, F_ID);
	if (is_period(sc->by))
		period(k.month, month, sc->by);
	else
		cw_csvtab_copy(k.inst, sizeof k.inst, t, F_INST);
	if (sc->by == CW_SC_DEPARTMENT)
		cw_csvtab_copy(k.dept, sizeof k.dept, t, F_DEPT);
	if (sc->by == CW_SC_FORM)
		cw_csvtab_copy(k.detector, sizeof k.detector, t, F_DET);
	cw_sc_row *r = row_of(sc, &k);
	if (!r)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int state = cw_reviews_status(rv, id);
	if (state < 0 || state >= CW_SC_STATES)
		state = CW_REVIEW_NONE;
	cw_fen refund = cw_reviews_refunded(rv, id);
	count(r, state, money, refund);
	count(&sc->total, state, money, refund);
	return 0;
}

static int read_month(cw_selfcheck *sc, const char *root, cw_month m, const cw_reviews *rv)
{
	static const char *const cols[] = { "finding_id", "detector", "inst_id", "dept_id", "suspect_amount", NULL };
	char month[8];
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, root, m, "findings.csv", cols);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	sc->months_read++;
	cw_month_format(month, m);
	while ((rc = cw_csvtab_next(t)) == 1)
		if ((rc = take(sc, t, month, rv)) < 0)
			break;
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

int cw_selfcheck_build(cw_selfcheck *sc, const char *root, cw_month from, cw_month to, int by)
{
	cw_reviews *rv = NULL;
	cw_month *months = NULL;
	size_t nm = 0;
	memset(sc, 0, sizeof *sc);
	sc->by = by;
	cw_month_format(sc->from, from);
	cw_month_format(sc->to, to);
	int rc = cw_root_months(&months, &nm, root);
	if (rc == 0)
		rc = cw_reviews_load(&rv, root);
	for (size_t i = 0; rc == 0 && i < nm; i++)
		if (cw_month_cmp(months[i], from) >= 0 && cw_month_cmp(months[i], to) <= 0)
			rc = read_month(sc, root, months[i], rv);
	free(months);
	if (rc == 0 && !sc->months_read)
		rc = cw_error_set(CW_ENOTFOUND, "no month of %s..%s has results (findings.csv) under %s", sc->from, sc->to,
		                  root);
	if (rc == 0 && !(sc->warnings = strdup(cw_reviews_warnings(rv))))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	cw_reviews_free(rv);
	if (rc < 0)
		cw_selfcheck_free(sc);
	return rc;
}

void cw_selfcheck_free(cw_selfcheck *sc)
{
	free(sc->rows);
	free(sc->warnings);
	memset(sc, 0, sizeof *sc);
}

/* --- output ----------------------------------------------------------------------------------------- */

static void cell(FILE *f, const char *s, int last, int flags) { cw_csv_put(f, s, strlen(s), last, flags); }

static void count_cell(FILE *f, size_t n, int last, int flags)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%zu", n);
	cell(f, buf, last, flags);
}

static void money_cell(FILE *f, cw_fen v, int last, int flags)
{
	char buf[CW_FMT_SIZE];
	cell(f, cw_format_money(buf, v), last, flags);
}

static void header(FILE *f, const char *const *en, const char *const *zh, int lang_zh, int flags)
{
	const char *const *h = lang_zh ? zh : en;
	if (flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", f);
	for (size_t i = 0; h[i]; i++)
		cell(f, h[i], !h[i + 1], flags);
}

/* The states in the totals' order, after found. */
static const int state_order[] = { CW_REVIEW_NONE, CW_REVIEW_CONFIRMED, CW_REVIEW_DISMISSED, CW_REVIEW_RECTIFIED,
	                               CW_REVIEW_REFUNDED, CW_REVIEW_APPEALED };

static void totals_row(FILE *f, const cw_selfcheck *sc, const cw_sc_row *r, const char *first, int flags)
{
	if (is_period(sc->by))
		cell(f, first ? first : r->month, 0, flags);
	else
		cell(f, first ? first : r->inst, 0, flags);
	if (sc->by == CW_SC_DEPARTMENT)
		cell(f, first ? "" : r->dept, 0, flags);
	count_cell(f, r->found, 0, flags);
	money_cell(f, r->found_amount, 0, flags);
	for (size_t i = 0; i < sizeof state_order / sizeof *state_order; i++) {
		int s = state_order[i];
		count_cell(f, r->n[s], 0, flags);
		money_cell(f, r->amount[s], 0, flags);
		if (s == CW_REVIEW_REFUNDED)
			money_cell(f, r->refund, 0, flags);
	}
	cell(f, sc->from, 0, flags);
	cell(f, sc->to, 1, flags);
}

int cw_selfcheck_write_totals(FILE *f, const cw_selfcheck *sc, int zh, int flags)
{
	static const char *const en[] = { "found", "found_amount", "open", "open_amount", "confirmed",
		"confirmed_amount", "dismissed", "dismissed_amount", "rectified", "rectified_amount", "refunded",
		"refunded_amount", "refund_amount", "appealed", "appealed_amount", "from", "to", NULL };
	static const char *const cn[] = { "发现问题数", "发现金额", "待核实数", "待核实金额", "已确认数", "已确认金额",
		"已排除数", "已排除金额", "已整改数", "已整改金额", "已退回数", "已退回问题金额", "退回金额", "申诉中数",
		"申诉中金额", "起始月份", "截止月份", NULL };
	const char *key_en[20] = { 0 }, *key_zh[20] = { 0 };
	size_t k = 0;
	if (is_period(sc->by)) {
		key_en[k] = sc->by == CW_SC_YEAR ? "year" : sc->by == CW_SC_QUARTER ? "quarter" : "month";
		key_zh[k++] = sc->by == CW_SC_YEAR ? "年度" : sc->by == CW_SC_QUARTER ? "季度" : "月份";
	} else {
		key_en[k] = "inst_id";
		key_zh[k++] = "机构";
	}
	if (sc->by == CW_SC_DEPARTMENT) {
		key_en[k] = "dept_id";
		key_zh[k++] = "科室";
	}
	for (size_t i = 0; en[i]; i++, k++) {
		key_en[k] = en[i];
		key_zh[k] = cn[i];
	}
	header(f, key_en, key_zh, zh, flags);
	for (size_t i = 0; i < sc->n; i++)
		totals_row(f, sc, &sc->rows[i], NULL, flags);
	totals_row(f, sc, &sc->total, zh ? "合计" : "total", flags);
	return 0;
}

/* The violation type's title: the registry's, else its name. */
static const char *title(const cw_registry *reg, const char *name, int zh)
{
	const cw_detector *d = reg && *name ? cw_registry_find(reg, name) : NULL;
	const char *t = d ? (zh ? d->title_zh : d->title_en) : NULL;
	return t && *t ? t : name;
}

static void form_row(FILE *f, const cw_sc_row *r, const char *inst, const char *det, const char *name, int flags)
{
	size_t confirmed = 0;
	cw_fen confirmed_amount = 0;
	for (int s = 0; s < CW_SC_STATES; s++)
		if (cw_review_is_confirmed(s)) {
			confirmed += r->n[s];
			confirmed_amount += r->amount[s];
		}
	cell(f, inst, 0, flags);
	cell(f, det, 0, flags);
	cell(f, name, 0, flags);
	count_cell(f, r->found, 0, flags);
	money_cell(f, r->found_amount, 0, flags);
	count_cell(f, confirmed, 0, flags);
	money_cell(f, confirmed_amount, 0, flags);
	count_cell(f, r->n[CW_REVIEW_RECTIFIED], 0, flags);
	count_cell(f, r->n[CW_REVIEW_REFUNDED], 0, flags);
	money_cell(f, r->refund, 0, flags);
	count_cell(f, r->n[CW_REVIEW_APPEALED], 1, flags);
}

static void add_row(cw_sc_row *sum, const cw_sc_row *r)
{
	sum->found += r->found;
	sum->found_amount += r->found_amount;
	for (int s = 0; s < CW_SC_STATES; s++) {
		sum->n[s] += r->n[s];
		sum->amount[s] += r->amount[s];
	}
	sum->refund += r->refund;
}

int cw_selfcheck_write_form(FILE *f, const cw_selfcheck *sc, const cw_registry *reg, int zh, int flags)
{
	static const char *const en[] = { "inst_id", "violation_type", "violation_name", "found", "found_amount",
		"confirmed", "confirmed_amount", "rectified", "refunded", "refund_amount", "appealed", NULL };
	static const char *const cn[] = { "机构编码", "违规类型代码", "违规类型", "发现问题数", "发现金额(元)",
		"确认违规数", "确认违规金额(元)", "已整改数", "已退回数", "退回金额(元)", "申诉中数", NULL };
	if (sc->by != CW_SC_FORM)
		return cw_error_set(CW_EINVALID, "the statistics form needs findings grouped by institution and type");
	header(f, en, cn, zh, flags);
	for (size_t i = 0; i < sc->n;) {
		cw_sc_row sub;
		memset(&sub, 0, sizeof sub);
		size_t j = i;
		for (; j < sc->n && !strcmp(sc->rows[j].inst, sc->rows[i].inst); j++) {
			form_row(f, &sc->rows[j], sc->rows[j].inst, sc->rows[j].detector,
			         title(reg, sc->rows[j].detector, zh), flags);
			add_row(&sub, &sc->rows[j]);
		}
		form_row(f, &sub, sc->rows[i].inst, "", zh ? "小计" : "subtotal", flags);
		i = j;
	}
	form_row(f, &sc->total, zh ? "合计" : "total", "", "", flags);
	return 0;
}
