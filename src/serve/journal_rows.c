/* journal_rows.c: an accepted claim's rows as the contract's text (journal_rows.h). */
#include <stdio.h>
#include "serve/journal_rows.h"

static const char *fmt_time(cw_jrow *t, int c, cw_minute m) { return m == CW_MINUTE_NONE ? NULL : cw_format_time(t->num[c], m); }
static const char *fmt_money(cw_jrow *t, int c, cw_fen v) { return cw_format_money(t->num[c], v); }
static const char *fmt_qty(cw_jrow *t, int c, cw_qty v) { return cw_format_qty(t->num[c], v); }
static const char *fmt_int(cw_jrow *t, int c, long v)
{
	snprintf(t->num[c], CW_FMT_SIZE, "%ld", v);
	return t->num[c];
}

void cw_jrow_visit(cw_jrow *t, const cw_visit_row *v)
{
	*t = (cw_jrow){ .v = { v->visit_id, v->patient_id, v->inst_id, v->dept_id, v->physician_id,
	                       cw_visit_kind_name(v->kind), NULL, NULL, v->dx_code, v->dx_name } };
	t->v[6] = fmt_time(t, 6, v->admit);
	t->v[7] = fmt_time(t, 7, v->discharge);
}

void cw_jrow_line(cw_jrow *t, const cw_claim_row *l)
{
	*t = (cw_jrow){ .v = { l->line_id, l->visit_id, l->item_code, l->physician_id } };
	t->v[4] = fmt_time(t, 4, l->time);
	t->v[5] = fmt_qty(t, 5, l->qty);
	t->v[6] = fmt_money(t, 6, l->unit_price);
	t->v[7] = fmt_money(t, 7, l->amount);
	if (l->fund != CW_FEN_NONE) /* data contract 2: kept when given */
		t->v[8] = fmt_money(t, 8, l->fund);
	if (l->self_pay != CW_FEN_NONE)
		t->v[9] = fmt_money(t, 9, l->self_pay);
}

void cw_jrow_rx(cw_jrow *t, const cw_rx_row *r)
{
	*t = (cw_jrow){ .v = { r->rx_id, NULL, r->visit_id, r->physician_id, NULL, r->drug_code } };
	t->v[1] = fmt_int(t, 1, r->line_no);
	t->v[4] = fmt_time(t, 4, r->time);
	t->v[6] = fmt_qty(t, 6, r->qty);
	t->v[7] = fmt_int(t, 7, r->days_supply);
	t->v[8] = fmt_money(t, 8, r->amount);
}

const char *cw_jrow_result_name(int r)
{
	return r == CW_RESULT_NEGATIVE ? "negative" : r == CW_RESULT_POSITIVE ? "positive" : "pending";
}
