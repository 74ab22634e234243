/* blacklist.c: blacklist candidates of a half-year cycle (see blacklist.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "io/csvtab.h"
#include "io/jsonfield.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "judge/blacklist.h"
#include "judge/prompts.h"
#include "util/strbuf.h"

/* The latest month of the cycle that has a ranking.csv. */
static int last_month(const cw_blacklist_opts *o, cw_month *out)
{
	cw_month m = o->cycle_first, found = { 0, 0 };
	for (int i = 0; i < CW_CYCLE_MONTHS; i++, m = cw_month_next(m)) {
		char path[4096];
		if (cw_root_month_file(path, sizeof path, o->root, m, "ranking.csv") == 0 && access(path, R_OK) == 0)
			found = m;
	}
	if (!found.year) {
		char cycle[8];
		return cw_error_set(CW_ENOTFOUND, "no month of the cycle %s has results (ranking.csv) under %s",
		                    cw_cycle_name(cycle, o->cycle_first), o->root);
	}
	*out = found;
	return 0;
}

static int selected(const cw_blacklist_opts *o, const cw_tally *t, int *by_level, int *by_amount)
{
	*by_level = t->max_level > 0 && t->max_level >= o->min_level;
	*by_amount = o->min_amount > 0 && t->suspect_total >= o->min_amount;
	return *by_level || *by_amount;
}

static int select_all(cw_blacklist *b)
{
	b->e = calloc(b->nt ? b->nt : 1, sizeof *b->e);
	if (!b->e)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->nt; i++) {
		cw_bl_entry *e = &b->e[b->n];
		if (selected(&b->o, &b->t[i], &e->by_level, &e->by_amount))
			b->e[b->n++].t = &b->t[i];
	}
	return 0;
}

/* The entry of a physician (entries are in physician id order while collecting), or NULL. */
static cw_bl_entry *find_entry(cw_blacklist *b, const char *id, size_t len)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = b->e[mid].t->last->physician_id;
		size_t ml = strlen(m);
		int c = memcmp(m, id, ml < len ? ml : len);
		if (c == 0)
			c = (ml > len) - (ml < len);
		if (c == 0)
			return &b->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add_detector(cw_bl_entry *e, const char *name, cw_fen amount)
{
	for (size_t i = 0; i < e->ndet; i++)
		if (!strcmp(e->det[i].name, name)) {
			e->det[i].amount += amount;
			e->det[i].findings++;
			return 0;
		}
	cw_bl_detector *d = realloc(e->det, (e->ndet + 1) * sizeof *d);
	if (!d)
		return cw_error_set(CW_ENOMEM, "out of memory");
	e->det = d;
	cw_bl_detector *x = &d[e->ndet++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", name);
	x->amount = amount;
	x->findings = 1;
	return 0;
}

typedef struct collect {
	cw_sb *ids, *confirmed; /* per entry */
} collect;

enum { F_ID, F_DET, F_PHYS, F_AMOUNT };

static int take_finding(cw_blacklist *b, const cw_csvtab *t, const cw_reviews *rv, collect *c)
{
	size_t len;
	const char *phys = cw_csvtab_field(t, F_PHYS, &len);
	cw_bl_entry *e = find_entry(b, phys, len);
	if (!e)
		return 0;
	char id[72], det[64], amount[32];
	cw_csvtab_copy(id, sizeof id, t, F_ID);
	int status = cw_reviews_status(rv, id);
	if (status == CW_REVIEW_DISMISSED)
		return 0;
	if (cw_finding_is_prompt(cw_csvtab_copy(det, sizeof det, t, F_DET))) /* a prompt (prompts.h) blacklists nobody */
		return 0;
	cw_csvtab_copy(amount, sizeof amount, t, F_AMOUNT);
	cw_fen money = 0;
	const char *why;
	if (amount[0] && cw_parse_money(&money, &why, amount, strlen(amount)) < 0)
		return cw_error_set(CW_EINVALID, "%s: line %llu: suspect_amount '%s': %s", cw_csvtab_path(t),
		                    (unsigned long long)cw_csvtab_line(t), amount, why);
	size_t k = (size_t)(e - b->e);
	e->findings++;
	cw_sb_add(&c->ids[k], " ", id);
	if (cw_review_is_confirmed(status))
		cw_sb_add(&c->confirmed[k], " ", id);
	return add_detector(e, det, money);
}

static int read_findings(cw_blacklist *b, cw_month m, const cw_reviews *rv, collect *c)
{
	static const char *const cols[] = { "finding_id", "detector", "physician_id", "suspect_amount", NULL };
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, b->o.root, m, "findings.csv", cols);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	while ((rc = cw_csvtab_next(t)) == 1)
		if ((rc = take_finding(b, t, rv, c)) < 0)
			break;
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

static int collect_findings(cw_blacklist *b)
{
	cw_reviews *rv = NULL;
	collect c = { calloc(b->n ? b->n : 1, sizeof *c.ids), calloc(b->n ? b->n : 1, sizeof *c.confirmed) };
	int rc = c.ids && c.confirmed ? cw_reviews_load(&rv, b->o.root) : cw_error_set(CW_ENOMEM, "out of memory");
	cw_month m = b->h.first;
	for (int i = 0; rc == 0 && i < b->h.nmonths; i++, m = cw_month_next(m))
		if (b->h.present[i])
			rc = read_findings(b, m, rv, &c);
	for (size_t k = 0; c.ids && c.confirmed && k < b->n; k++) {
		b->e[k].finding_ids = cw_sb_take(&c.ids[k]);
		b->e[k].confirmed_ids = cw_sb_take(&c.confirmed[k]);
		if (rc == 0 && (!b->e[k].finding_ids || !b->e[k].confirmed_ids))
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	}
	free(c.ids);
	free(c.confirmed);
	if (rc == 0 && !(b->warnings = strdup(cw_reviews_warnings(rv))))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	cw_reviews_free(rv);
	return rc;
}

static int by_money(const void *a, const void *b)
{
	const cw_bl_detector *x = a, *y = b;
	if (x->amount != y->amount)
		return x->amount > y->amount ? -1 : 1;
	if (x->findings != y->findings)
		return x->findings > y->findings ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int by_severity(const void *a, const void *b)
{
	const cw_bl_entry *x = a, *y = b;
	if (x->t->max_level != y->t->max_level)
		return x->t->max_level > y->t->max_level ? -1 : 1;
	if (x->t->suspect_total != y->t->suspect_total)
		return x->t->suspect_total > y->t->suspect_total ? -1 : 1;
	return strcmp(x->t->last->physician_id, y->t->last->physician_id);
}

int cw_blacklist_build(cw_blacklist *b, const cw_blacklist_opts *o)
{
	cw_month last;
	memset(b, 0, sizeof *b);
	b->o = *o;
	int rc = last_month(o, &last);
	if (rc < 0)
		return rc;
	cw_month_format(b->through, last);
	if ((rc = cw_history_load(&b->h, o->root, last, NULL)) < 0)
		return rc;
	snprintf(b->cycle, sizeof b->cycle, "%s", b->h.cycle);
	cw_history_missing(b->missing, sizeof b->missing, &b->h);
	for (int i = 0; i < b->h.nmonths; i++)
		b->months_read += b->h.present[i];
	if ((rc = cw_sanction_tally(&b->t, &b->nt, &b->h, o->rules)) == 0 && (rc = select_all(b)) == 0)
		rc = collect_findings(b);
	if (rc < 0) {
		cw_blacklist_free(b);
		return rc;
	}
	for (size_t k = 0; k < b->n; k++)
		if (b->e[k].ndet)
			qsort(b->e[k].det, b->e[k].ndet, sizeof *b->e[k].det, by_money);
	if (b->n)
		qsort(b->e, b->n, sizeof *b->e, by_severity);
	return 0;
}

void cw_blacklist_free(cw_blacklist *b)
{
	for (size_t k = 0; b->e && k < b->n; k++) {
		free(b->e[k].det);
		free(b->e[k].finding_ids);
		free(b->e[k].confirmed_ids);
	}
	free(b->e);
	free(b->warnings);
	cw_tallies_free(b->t, b->nt);
	cw_history_free(&b->h);
	memset(b, 0, sizeof *b);
}

/* --- output -------------------------------------------------------------------- */

/* Why a physician is listed: the stable word (reason), and in words (reason_text, in opts.lang). */
static const char *reason(const cw_bl_entry *e)
{
	return e->by_level && e->by_amount ? "level+amount" : e->by_level ? "level" : "amount";
}

static const char *reason_text(const cw_blacklist *b, const cw_bl_entry *e)
{
	int en = b->o.lang && !strcmp(b->o.lang, "en");
	if (e->by_level && e->by_amount)
		return en ? "sanction level and money at stake both at or above the thresholds"
		          : "处理等级和涉及金额均达到列入标准";
	if (e->by_level)
		return en ? "sanction level at or above the threshold" : "处理等级达到列入标准";
	return en ? "money at stake over the cycle at or above the threshold" : "本周期涉及金额达到列入标准";
}

static size_t shown(const cw_blacklist *b, const cw_bl_entry *e)
{
	return b->o.top_detectors > 0 && e->ndet > (size_t)b->o.top_detectors ? (size_t)b->o.top_detectors : e->ndet;
}

/* A text cell of the CSV, then ',' or the line end. */
static void cell(FILE *f, const char *s, int last, int flags)
{
	cw_csv_put(f, s, strlen(s), last, flags);
}

int cw_blacklist_write_csv(const cw_blacklist *b, FILE *f, int flags)
{
	static const char *const columns[] = {
		"physician_id", "name", "inst_id", "dept_id", "level", "months_flagged", "suspect_amount_total",
		"top_detectors", "finding_ids", "cycle", "through", "reason", "months_flagged_count",
		"single_firsts", "composite_firsts", "findings", "confirmed_finding_ids", "missing_months", "reason_text",
		NULL
	};
	char money[CW_FMT_SIZE];
	if (flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", f);
	for (size_t i = 0; columns[i]; i++)
		cell(f, columns[i], !columns[i + 1], flags);
	for (size_t k = 0; k < b->n; k++) {
		const cw_bl_entry *e = &b->e[k];
		const cw_standing *s = e->t->last;
		cw_sb top = { 0 };
		for (size_t i = 0; i < shown(b, e); i++)
			cw_sb_add(&top, " ", e->det[i].name);
		char *tops = cw_sb_take(&top);
		if (!tops)
			return cw_error_set(CW_ENOMEM, "out of memory");
		cell(f, s->physician_id, 0, flags);
		cell(f, s->name, 0, flags);
		cell(f, s->inst_id, 0, flags);
		cell(f, s->dept_id, 0, flags);
		fprintf(f, "%d,", e->t->max_level);
		cell(f, e->t->flagged, 0, flags);
		cell(f, cw_format_money(money, e->t->suspect_total), 0, flags);
		cell(f, tops, 0, flags);
		cell(f, e->finding_ids, 0, flags);
		cell(f, b->cycle, 0, flags);
		cell(f, b->through, 0, flags);
		cell(f, reason(e), 0, flags);
		fprintf(f, "%d,%d,%d,%zu,", e->t->months_flagged, e->t->single_firsts, e->t->composite_firsts, e->findings);
		cell(f, e->confirmed_ids, 0, flags);
		cell(f, b->missing, 0, flags);
		cell(f, reason_text(b, e), 1, flags);
		free(tops);
	}
	return 0;
}

static cJSON *entry_json(const cw_blacklist *b, const cw_bl_entry *e)
{
	const cw_standing *s = e->t->last;
	char money[CW_FMT_SIZE];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "physician_id", s->physician_id);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "inst_id", s->inst_id);
	cJSON_AddStringToObject(o, "dept_id", s->dept_id);
	cJSON_AddNumberToObject(o, "level", e->t->max_level);
	cJSON_AddStringToObject(o, "reason", reason(e));
	cJSON_AddStringToObject(o, "reason_text", reason_text(b, e));
	cJSON_AddItemToObject(o, "months_flagged", cw_json_words(e->t->flagged, strlen(e->t->flagged)));
	cJSON_AddNumberToObject(o, "single_firsts", e->t->single_firsts);
	cJSON_AddNumberToObject(o, "composite_firsts", e->t->composite_firsts);
	cJSON_AddStringToObject(o, "suspect_amount_total", cw_format_money(money, e->t->suspect_total));
	cJSON *d = cJSON_AddArrayToObject(o, "top_detectors");
	for (size_t i = 0; i < shown(b, e); i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "detector", e->det[i].name);
		cJSON_AddNumberToObject(x, "findings", (double)e->det[i].findings);
		cJSON_AddStringToObject(x, "suspect_amount", cw_format_money(money, e->det[i].amount));
		cJSON_AddItemToArray(d, x);
	}
	cJSON_AddItemToObject(o, "finding_ids", cw_json_words(e->finding_ids, strlen(e->finding_ids)));
	cJSON_AddItemToObject(o, "confirmed_finding_ids", cw_json_words(e->confirmed_ids, strlen(e->confirmed_ids)));
	return o;
}

char *cw_blacklist_json(const cw_blacklist *b)
{
	char money[CW_FMT_SIZE];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "cycle", b->cycle);
	cJSON_AddStringToObject(o, "through", b->through);
	cJSON_AddNumberToObject(o, "months_read", b->months_read);
	cJSON_AddItemToObject(o, "missing_months", cw_json_words(b->missing, strlen(b->missing)));
	cJSON_AddNumberToObject(o, "min_level", b->o.min_level);
	cJSON_AddStringToObject(o, "min_suspect_amount", cw_format_money(money, b->o.min_amount));
	cJSON *list = cJSON_AddArrayToObject(o, "physicians");
	for (size_t k = 0; k < b->n; k++)
		cJSON_AddItemToArray(list, entry_json(b, &b->e[k]));
	char *text = cw_json_print(o);
	cJSON_Delete(o);
	return text;
}
