/* watch.c: the counting core of GET /v1/watch (watch.h): per department and physician, today's and
 * this month's hits, money and running indicators; the alerts a threshold raises; the JSON. J2.
 *
 * Findings are kept per patient (a 64-bit key of the patient id) with what they were counted as, so an
 * accepted claim replaces the patient's findings of the month: those gone are taken off (withdrawn),
 * those new are added, a finding that stays is counted once. */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "claimwatch/error.h"
#include "serve/watch.h"

enum { M_HITS_TODAY, M_HITS_MONTH, M_MONEY_TODAY, M_MONEY_MONTH, M_DRUG_SHARE, M_COUNT };
static const char *const metric_name[M_COUNT] = { "hits_today", "hits_month", "money_today", "money_month",
	                                          "drug_share" };

typedef struct period {
	uint64_t hits, by_det[CW_WATCH_MAX_DET];
	cw_fen money, fund;
	uint64_t visits, lines;
	cw_fen revenue, drug;
	uint64_t checks, check_hits;
	cw_fen check_money;
} period;

typedef struct unit {
	period today, month;
	const char *id, *name;
	double target; /* drug share, NAN when none */
	int listed, touched;
	uint8_t above[M_COUNT];
} unit;

typedef struct alert {
	int kind, metric, at_start;
	cw_ref unit;
	char value[32], threshold[32];
	time_t time;
	cw_minute day;
	char reason_en[320], reason_zh[320];
} alert;

/* One patient's findings of the month as counted. */
typedef struct pfind {
	uint64_t key;
	cw_watch_hit *h;
	size_t n;
} pfind;

struct cw_watch {
	pthread_mutex_t lock;
	cw_watch_config c;
	cw_month month;
	unit *u[CW_WATCH_KINDS];
	size_t nu[CW_WATCH_KINDS];
	cw_minute today; /* the first minute of the data's latest day, CW_MINUTE_NONE before any line */
	pfind *pf;       /* open addressing by key (0 stored as 1) */
	size_t pcap, pn;
	alert *alerts;   /* a ring of c.alerts_kept */
	uint64_t nalerts;
	uint64_t checks_today, checks_month;
	int rebuilding;
	cw_ref *touched[CW_WATCH_KINDS]; /* units an event touched, for the alerts */
	size_t ntouched[CW_WATCH_KINDS];
};

int cw_watch_new(cw_watch **out, const cw_watch_config *c, size_t ndept, size_t nphys, cw_month month)
{
	cw_watch *w = calloc(1, sizeof *w);
	if (!w) {
		cw_watch_config tmp = *c;
		cw_watch_config_free(&tmp);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	w->c = *c;
	w->month = month;
	w->today = CW_MINUTE_NONE;
	w->nu[CW_WATCH_DEPT] = ndept;
	w->nu[CW_WATCH_PHYS] = nphys;
	pthread_mutex_init(&w->lock, NULL);
	int ok = (w->alerts = calloc((size_t)(c->alerts_kept ? c->alerts_kept : 1), sizeof *w->alerts)) != NULL;
	for (int k = 0; ok && k < CW_WATCH_KINDS; k++) {
		ok = (w->u[k] = calloc(w->nu[k] + 1, sizeof *w->u[k])) && (w->touched[k] = malloc((w->nu[k] + 1) * sizeof(cw_ref)));
		for (size_t i = 0; ok && i < w->nu[k]; i++)
			w->u[k][i].target = NAN;
	}
	if (!ok) {
		cw_watch_free(w);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	*out = w;
	return 0;
}

void cw_watch_free(cw_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->pcap; i++)
		free(w->pf[i].h);
	free(w->pf);
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		free(w->u[k]);
		free(w->touched[k]);
	}
	free(w->alerts);
	cw_watch_config_free(&w->c);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void cw_watch_unit(cw_watch *w, int kind, cw_ref u, const char *id, const char *name, double target)
{
	w->u[kind][u].id = id;
	w->u[kind][u].name = name;
	w->u[kind][u].target = target;
}

int cw_watch_mark_listed(cw_watch *w)
{
	static const char *const key[CW_WATCH_KINDS] = { "departments", "physicians" };
	static const char *const file[CW_WATCH_KINDS] = { "departments.csv", "physicians.csv" };
	for (int k = 0; k < CW_WATCH_KINDS; k++)
		for (size_t i = 0; i < w->c.nids[k]; i++) {
			size_t j = 0;
			while (j < w->nu[k] && (!w->u[k][j].id || strcmp(w->u[k][j].id, w->c.ids[k][i])))
				j++;
			if (j == w->nu[k])
				return cw_error_set(CW_EINVALID, "serve.watch.%s[%zu]: '%s' is not in %s", key[k], i, w->c.ids[k][i],
				                    file[k]);
			w->u[k][j].listed = 1;
		}
	return 0;
}

/* --- counting ------------------------------------------------------------------------------------ */

static cw_minute day_start(cw_minute t) { return (cw_minute)cw_day_of(t) * CW_MINUTES_PER_DAY; }
static int in_month(const cw_watch *w, cw_minute t)
{
	return t != CW_MINUTE_NONE && t >= cw_month_start(w->month) && t < cw_month_end(w->month);
}
static int is_today(const cw_watch *w, cw_minute t) { return w->today != CW_MINUTE_NONE && day_start(t) == w->today; }

static void touch(cw_watch *w, int kind, cw_ref u)
{
	if (u != CW_NONE && u < w->nu[kind] && !w->u[kind][u].touched) {
		w->u[kind][u].touched = 1;
		w->touched[kind][w->ntouched[kind]++] = u;
	}
}

/* The clock moves to the day of t when later: today's counters start again. */
static void advance(cw_watch *w, cw_minute t)
{
	cw_minute d = day_start(t);
	if (w->today != CW_MINUTE_NONE && d <= w->today)
		return;
	w->today = d;
	w->checks_today = 0;
	for (int k = 0; k < CW_WATCH_KINDS; k++)
		for (size_t i = 0; i < w->nu[k]; i++) {
			memset(&w->u[k][i].today, 0, sizeof w->u[k][i].today);
			w->u[k][i].above[M_HITS_TODAY] = w->u[k][i].above[M_MONEY_TODAY] = 0;
		}
}

static void add_line(cw_watch *w, const cw_watch_line *l)
{
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		cw_ref r = l->unit[k];
		if (r == CW_NONE || r >= w->nu[k])
			continue;
		period *p[2] = { &w->u[k][r].month, is_today(w, l->time) ? &w->u[k][r].today : NULL };
		for (int i = 0; i < 2 && p[i]; i++) {
			p[i]->lines++;
			p[i]->revenue += l->amount;
			p[i]->drug += l->drug ? l->amount : 0;
			p[i]->visits += l->new_visit[k][i];
		}
		touch(w, k, r);
	}
}

/* Adds (sign 1) or takes off (-1) a finding, or a check's hit (check 1). */
static void add_hit(cw_watch *w, const cw_watch_hit *h, int sign, int check)
{
	if (!in_month(w, h->when) && !check)
		return;
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		cw_ref r = h->unit[k];
		if (r == CW_NONE || r >= w->nu[k])
			continue;
		period *p[2] = { &w->u[k][r].month, is_today(w, h->when) ? &w->u[k][r].today : NULL };
		for (int i = 0; i < 2 && p[i]; i++) {
			if (check) {
				p[i]->check_hits++;
				p[i]->check_money += h->money;
				continue;
			}
			p[i]->hits += (uint64_t)(int64_t)sign;
			if (h->det >= 0 && h->det < CW_WATCH_MAX_DET)
				p[i]->by_det[h->det] += (uint64_t)(int64_t)sign;
			p[i]->money += sign * h->money;
			p[i]->fund += sign * h->fund;
		}
		touch(w, k, r);
	}
}

static pfind *patient_slot(cw_watch *w, uint64_t key)
{
	key = key ? key : 1;
	if (2 * (w->pn + 1) > w->pcap) {
		size_t cap = w->pcap ? 2 * w->pcap : 1024;
		pfind *n = calloc(cap, sizeof *n);
		if (!n)
			return NULL;
		for (size_t i = 0; i < w->pcap; i++)
			if (w->pf[i].key) {
				size_t j = w->pf[i].key & (cap - 1);
				while (n[j].key)
					j = (j + 1) & (cap - 1);
				n[j] = w->pf[i];
			}
		free(w->pf);
		w->pf = n;
		w->pcap = cap;
	}
	size_t j = key & (w->pcap - 1);
	while (w->pf[j].key && w->pf[j].key != key)
		j = (j + 1) & (w->pcap - 1);
	if (!w->pf[j].key) {
		w->pf[j].key = key;
		w->pn++;
	}
	return &w->pf[j];
}

/* The patient's findings are hits[] now: the old ones off, the new ones on. */
static int replace_findings(cw_watch *w, uint64_t patient, const cw_watch_hit *h, size_t n)
{
	pfind *p = patient_slot(w, patient);
	cw_watch_hit *copy = malloc((n ? n : 1) * sizeof *copy);
	if (!p || !copy) {
		free(copy);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < p->n; i++)
		add_hit(w, &p->h[i], -1, 0);
	memcpy(copy, h, n * sizeof *h);
	for (size_t i = 0; i < n; i++)
		add_hit(w, &copy[i], 1, 0);
	free(p->h);
	p->h = copy;
	p->n = n;
	return 0;
}

static void add_check(cw_watch *w, const cw_watch_event *e)
{
	int today = is_today(w, e->check_time);
	w->checks_month++;
	w->checks_today += today;
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		cw_ref r = e->check_unit[k];
		if (r == CW_NONE || r >= w->nu[k])
			continue;
		w->u[k][r].month.checks++;
		w->u[k][r].today.checks += today;
	}
	for (size_t i = 0; i < e->nhits; i++)
		add_hit(w, &e->hits[i], 1, 1);
}

/* --- alerts --------------------------------------------------------------------------------------- */

static double share(const period *p) { return p->revenue > 0 ? (double)p->drug / (double)p->revenue : NAN; }

/* 1 when metric m of unit u is at or above its threshold (the drug share: above its target); fills
 * the value and threshold texts. */
static int over(char *value, char *limit, const cw_watch *w, int kind, const unit *u, int m)
{
	const cw_watch_limits *l = &w->c.lim[kind];
	char a[CW_FMT_SIZE], b[CW_FMT_SIZE];
	long long v = 0, t = 0;
	int money = 0;
	switch (m) {
	case M_HITS_TODAY: v = (long long)u->today.hits, t = l->hits_today; break;
	case M_HITS_MONTH: v = (long long)u->month.hits, t = l->hits_month; break;
	case M_MONEY_TODAY: v = u->today.money, t = l->money_today, money = 1; break;
	case M_MONEY_MONTH: v = u->month.money, t = l->money_month, money = 1; break;
	default: {
		double s = share(&u->month);
		snprintf(value, 32, "%.4f", s);
		snprintf(limit, 32, "%.4f", u->target);
		return l->drug_share && isfinite(s) && isfinite(u->target) && u->month.revenue >= w->c.min_revenue[kind] &&
		       s > u->target;
	}
	}
	snprintf(value, 32, "%s", money ? cw_format_money(a, v) : (snprintf(a, sizeof a, "%lld", v), a));
	snprintf(limit, 32, "%s", money ? cw_format_money(b, t) : (snprintf(b, sizeof b, "%lld", t), b));
	return t > 0 && v >= t;
}

static void reason(alert *a, const cw_watch *w, const unit *u)
{
	static const char *const kind_en[] = { "department", "physician" }, *const kind_zh[] = { "科室", "医师" };
	static const char *const what_en[M_COUNT] = { "hits today", "hits this month", "suspect money today (yuan)",
		                                      "suspect money this month (yuan)", "drug share this month" };
	static const char *const what_zh[M_COUNT] = { "今日命中次数", "本月命中次数", "今日可疑金额(元)",
		                                      "本月可疑金额(元)", "本月药占比" };
	char day[CW_FMT_SIZE];
	cw_format_date(day, cw_day_of(a->day));
	const char *name = u->name && *u->name ? u->name : u->id;
	if (a->metric == M_DRUG_SHARE) {
		double v = atof(a->value) * 100, t = atof(a->threshold) * 100;
		snprintf(a->reason_en, sizeof a->reason_en,
		         "%s %s (%s): drug share this month %.1f%% is above its target %.1f%% (detectors.drug_share)",
		         kind_en[a->kind], name, u->id, v, t);
		snprintf(a->reason_zh, sizeof a->reason_zh, "%s %s(%s):本月药占比 %.1f%% 超过目标 %.1f%%(detectors.drug_share)",
		         kind_zh[a->kind], name, u->id, v, t);
		return;
	}
	snprintf(a->reason_en, sizeof a->reason_en, "%s %s (%s): %s %s on %s reached the threshold %s", kind_en[a->kind],
	         name, u->id, what_en[a->metric], a->value, day, a->threshold);
	snprintf(a->reason_zh, sizeof a->reason_zh, "%s %s(%s):%s %s(%s)达到阈值 %s", kind_zh[a->kind], name, u->id,
	         what_zh[a->metric], a->value, day, a->threshold);
	(void)w;
}

static void raise_alert(cw_watch *w, int kind, cw_ref r, int m, const char *value, const char *limit)
{
	if (!w->c.alerts_kept)
		return;
	alert *a = &w->alerts[w->nalerts++ % (uint64_t)w->c.alerts_kept];
	memset(a, 0, sizeof *a);
	a->kind = kind, a->unit = r, a->metric = m, a->at_start = w->rebuilding;
	snprintf(a->value, sizeof a->value, "%s", value);
	snprintf(a->threshold, sizeof a->threshold, "%s", limit);
	a->time = time(NULL);
	a->day = w->today == CW_MINUTE_NONE ? cw_month_start(w->month) : w->today;
	reason(a, w, &w->u[kind][r]);
}

static void judge_unit(cw_watch *w, int kind, cw_ref r)
{
	unit *u = &w->u[kind][r];
	if (w->c.nids[kind] && !u->listed)
		return; /* a watch list: only its units raise alerts */
	for (int m = 0; m < M_COUNT; m++) {
		char v[32], t[32];
		int now = over(v, t, w, kind, u, m);
		if (now && !u->above[m])
			raise_alert(w, kind, r, m, v, t);
		u->above[m] = (uint8_t)now;
	}
}

static void judge_touched(cw_watch *w)
{
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		for (size_t i = 0; i < w->ntouched[k]; i++) {
			w->u[k][w->touched[k][i]].touched = 0;
			if (!w->rebuilding)
				judge_unit(w, k, w->touched[k][i]);
		}
		w->ntouched[k] = 0;
	}
}

int cw_watch_apply(cw_watch *w, const cw_watch_event *e)
{
	int rc = 0;
	pthread_mutex_lock(&w->lock);
	if (e->check)
		add_check(w, e);
	else {
		for (size_t i = 0; i < e->nlines; i++)
			if (in_month(w, e->lines[i].time))
				advance(w, e->lines[i].time);
		for (size_t i = 0; i < e->nlines; i++)
			if (in_month(w, e->lines[i].time))
				add_line(w, &e->lines[i]);
		if (e->patient || e->nhits)
			rc = replace_findings(w, e->patient, e->hits, e->nhits);
	}
	judge_touched(w);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void cw_watch_rebuilding(cw_watch *w, int on)
{
	pthread_mutex_lock(&w->lock);
	w->rebuilding = on;
	for (int k = 0; k < CW_WATCH_KINDS; k++)
		for (size_t i = 0; !on && i < w->nu[k]; i++) {
			w->rebuilding = 1; /* the alerts standing at start: at_start */
			judge_unit(w, k, (cw_ref)i);
			w->rebuilding = 0;
		}
	pthread_mutex_unlock(&w->lock);
}

const cw_watch_config *cw_watch_config_of(const cw_watch *w) { return &w->c; }

uint64_t cw_watch_alerts_total(cw_watch *w)
{
	pthread_mutex_lock(&w->lock);
	uint64_t n = w->nalerts;
	pthread_mutex_unlock(&w->lock);
	return n;
}

/* --- the JSON -------------------------------------------------------------------------------------- */

static void money(cJSON *o, const char *key, cw_fen v)
{
	char b[CW_FMT_SIZE];
	cJSON_AddStringToObject(o, key, cw_format_money(b, v));
}

static cJSON *period_json(const cw_watch *w, const period *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "hits", (double)p->hits);
	cJSON *by = cJSON_AddObjectToObject(o, "by_detector");
	for (size_t d = 0; d < w->c.ndet; d++)
		if (p->by_det[d])
			cJSON_AddNumberToObject(by, w->c.det[d], (double)p->by_det[d]);
	money(o, "money", p->money);
	money(o, "fund", p->fund);
	cJSON_AddNumberToObject(o, "visits", (double)p->visits);
	cJSON_AddNumberToObject(o, "lines", (double)p->lines);
	money(o, "revenue", p->revenue);
	money(o, "drug", p->drug);
	double s = share(p);
	if (isfinite(s))
		cJSON_AddNumberToObject(o, "drug_share", round(s * 10000) / 10000);
	else
		cJSON_AddNullToObject(o, "drug_share");
	if (p->visits)
		money(o, "cost_per_visit", (cw_fen)llround((double)p->revenue / (double)p->visits));
	else
		cJSON_AddNullToObject(o, "cost_per_visit");
	cJSON_AddNumberToObject(o, "checks", (double)p->checks);
	cJSON_AddNumberToObject(o, "check_hits", (double)p->check_hits);
	money(o, "check_money", p->check_money);
	return o;
}

static cJSON *unit_json(const cw_watch *w, const unit *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", u->id ? u->id : "");
	cJSON_AddStringToObject(o, "name", u->name ? u->name : "");
	cJSON_AddBoolToObject(o, "listed", u->listed);
	cJSON_AddItemToObject(o, "today", period_json(w, &u->today));
	cJSON_AddItemToObject(o, "month", period_json(w, &u->month));
	if (isfinite(u->target))
		cJSON_AddNumberToObject(o, "drug_share_target", u->target);
	else
		cJSON_AddNullToObject(o, "drug_share_target");
	return o;
}

static const unit *sort_base;
/* By this month's suspect money, hits, revenue (all down), then id. */
static int by_money(const void *a, const void *b)
{
	const unit *x = &sort_base[*(const cw_ref *)a], *y = &sort_base[*(const cw_ref *)b];
	if (x->month.money != y->month.money)
		return x->month.money > y->month.money ? -1 : 1;
	if (x->month.hits != y->month.hits)
		return x->month.hits > y->month.hits ? -1 : 1;
	if (x->month.revenue != y->month.revenue)
		return x->month.revenue > y->month.revenue ? -1 : 1;
	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* The listed units in list order, or (empty list) the top N with a hit or a line this month. */
static cJSON *units_json(const cw_watch *w, int kind)
{
	cJSON *arr = cJSON_CreateArray();
	const unit *u = w->u[kind];
	if (w->c.nids[kind]) {
		for (size_t i = 0; i < w->c.nids[kind]; i++)
			for (size_t j = 0; j < w->nu[kind]; j++)
				if (u[j].id && !strcmp(u[j].id, w->c.ids[kind][i])) {
					cJSON_AddItemToArray(arr, unit_json(w, &u[j]));
					break;
				}
		return arr;
	}
	cw_ref *order = malloc((w->nu[kind] + 1) * sizeof *order);
	size_t n = 0;
	for (size_t j = 0; order && j < w->nu[kind]; j++)
		if (u[j].month.hits || u[j].month.lines || u[j].month.check_hits)
			order[n++] = (cw_ref)j;
	sort_base = u; /* under the watch's lock: one sort at a time */
	if (order)
		qsort(order, n, sizeof *order, by_money);
	for (size_t i = 0; i < n && i < (size_t)w->c.top; i++)
		cJSON_AddItemToArray(arr, unit_json(w, &u[order[i]]));
	free(order);
	return arr;
}

static cJSON *alert_json(const cw_watch *w, const alert *a, int zh)
{
	static const char *const kind[] = { "department", "physician" };
	char b[CW_FMT_SIZE], t[32];
	struct tm tm;
	cJSON *o = cJSON_CreateObject();
	const unit *u = &w->u[a->kind][a->unit];
	cJSON_AddStringToObject(o, "unit", kind[a->kind]);
	cJSON_AddStringToObject(o, "id", u->id ? u->id : "");
	cJSON_AddStringToObject(o, "name", u->name ? u->name : "");
	cJSON_AddStringToObject(o, "metric", metric_name[a->metric]);
	cJSON_AddStringToObject(o, "value", a->value);
	cJSON_AddStringToObject(o, "threshold", a->threshold);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&a->time, &tm));
	cJSON_AddStringToObject(o, "time", t);
	cJSON_AddStringToObject(o, "day", cw_format_date(b, cw_day_of(a->day)));
	cJSON_AddBoolToObject(o, "at_start", a->at_start);
	cJSON_AddStringToObject(o, "reason", zh ? a->reason_zh : a->reason_en);
	return o;
}

static void limits_json(cJSON *o, const cw_watch_limits *l)
{
	char b[CW_FMT_SIZE];
	cJSON_AddNumberToObject(o, "hits_today", (double)l->hits_today);
	cJSON_AddNumberToObject(o, "hits_month", (double)l->hits_month);
	cJSON_AddStringToObject(o, "money_today", cw_format_money(b, l->money_today));
	cJSON_AddStringToObject(o, "money_month", cw_format_money(b, l->money_month));
	cJSON_AddBoolToObject(o, "drug_share", l->drug_share);
}

static void build_json(cJSON *o, const cw_watch *w, int zh)
{
	char m[8], b[CW_FMT_SIZE];
	cJSON_AddStringToObject(o, "month", cw_month_format(m, w->month));
	if (w->today == CW_MINUTE_NONE)
		cJSON_AddNullToObject(o, "today");
	else
		cJSON_AddStringToObject(o, "today", cw_format_date(b, cw_day_of(w->today)));
	cJSON *mode = cJSON_AddObjectToObject(o, "shown");
	cJSON_AddStringToObject(mode, "departments", w->c.nids[CW_WATCH_DEPT] ? "list" : "top");
	cJSON_AddStringToObject(mode, "physicians", w->c.nids[CW_WATCH_PHYS] ? "list" : "top");
	cJSON_AddNumberToObject(mode, "top", (double)w->c.top);
	cJSON *th = cJSON_AddObjectToObject(o, "thresholds");
	limits_json(cJSON_AddObjectToObject(th, "department"), &w->c.lim[CW_WATCH_DEPT]);
	limits_json(cJSON_AddObjectToObject(th, "physician"), &w->c.lim[CW_WATCH_PHYS]);
	cJSON *checks = cJSON_AddObjectToObject(o, "checks");
	cJSON_AddNumberToObject(checks, "today", (double)w->checks_today);
	cJSON_AddNumberToObject(checks, "month", (double)w->checks_month);
	cJSON_AddItemToObject(o, "departments", units_json(w, CW_WATCH_DEPT));
	cJSON_AddItemToObject(o, "physicians", units_json(w, CW_WATCH_PHYS));
	cJSON *al = cJSON_AddArrayToObject(o, "alerts");
	uint64_t kept = w->c.alerts_kept, first = w->nalerts > kept ? w->nalerts - kept : 0;
	for (uint64_t i = w->nalerts; i > first; i--)
		cJSON_AddItemToArray(al, alert_json(w, &w->alerts[(i - 1) % kept], zh));
	cJSON_AddNumberToObject(o, "alerts_total", (double)w->nalerts);
}

char *cw_watch_json(cw_watch *w, const char *lang)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	pthread_mutex_lock(&w->lock);
	build_json(o, w, !lang || strcmp(lang, "en") != 0);
	pthread_mutex_unlock(&w->lock);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}
