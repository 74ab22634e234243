/* service.c: judging and accepting one claim (service.h). */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "serve/history.h"
#include "serve/journal.h"
#include "serve/reminders.h"
#include "serve/messages.h"
#include "serve/service.h"
#include "serve/watch.h"
#include "util/progress.h"

#define MAX_DETECTORS 64

struct cw_service {
	cw_hist *hist;
	cw_journal *journal;
	const cw_rules *rules;
	cw_dimset *dims;
	const char *det[MAX_DETECTORS]; /* the enabled detectors partitioned by patient */
	size_t ndet;
	cw_detector_set *set;    /* those detectors, configured once (read-only: shared by the threads) */
	int lookback, accept_uncatalogued;
	double timeout;          /* seconds the judging of one request may take (0: no limit) */
	pthread_rwlock_t lock;   /* the history: read to check, write to accept */
	pthread_mutex_t counters;
	cw_service_stats st;
	cw_reminder_rules reminders; /* the fund-cap reminder (reminders.h, H3) */
	cw_watch *watch; /* GET /v1/watch (watch.h) */
};

/* --- setting up ------------------------------------------------------------------------------ */

static int pick_detectors(cw_service *s)
{
	const cw_registry *reg = cw_rules_registry(s->rules);
	for (size_t i = 0; i < cw_registry_count(reg); i++) {
		const cw_detector *d = cw_registry_get(reg, i);
		char path[128];
		int on = 0;
		snprintf(path, sizeof path, "detectors.%s", d->name);
		cw_section sec = cw_rules_section(s->rules, path);
		if (cw_section_bool(&on, &sec, "enabled") < 0)
			return CW_EINVALID;
		if (on && d->partition == CW_PARTITION_PATIENTS && s->ndet < MAX_DETECTORS)
			s->det[s->ndet++] = d->name;
	}
	s->st.ndetectors = s->ndet;
	memcpy(s->st.detector_name, s->det, s->ndet * sizeof *s->det);
	return 0;
}

static int lookback_of(int *out, const cw_service_opts *o)
{
	long long v = o->lookback_days;
	cw_section load = cw_rules_section(o->rules, "load");
	int rc = v >= 0 ? 0 : cw_section_int(&v, &load, "lookback_days", 0, 3660);
	*out = (int)v;
	return rc;
}

static uint64_t id_num(const char *id) { return strtoull(id + 1, NULL, 16); }

/* The findings of the served month on the history loaded at start: what the batch would find, and so
 * what stands for each patient before any claim (a restart does not answer them again as new hits). */
static int month_findings(cw_findings **out, const cw_service *s, int threads)
{
	cw_detect_opts o = { .threads = threads };
	return cw_detect_set(out, cw_hist_base(s->hist), s->set, &o);
}

typedef struct standing_id {
	cw_ref patient;
	uint64_t id;
} standing_id;

static int cmp_standing(const void *a, const void *b)
{
	const standing_id *x = a, *y = b;
	if (x->patient != y->patient)
		return x->patient < y->patient ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Each patient's findings of the month, as the history's standing ones. */
static int seed_standing(cw_service *s, const cw_findings *f, cw_month m)
{
	size_t n = cw_findings_count(f), k = 0;
	standing_id *all = malloc((n + 1) * sizeof *all);
	uint64_t *ids = malloc((n + 1) * sizeof *ids);
	int rc = all && ids ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		cw_record r;
		cw_findings_get(&r, f, i);
		if (r.f.patient != CW_NONE)
			all[k++] = (standing_id){ r.f.patient, id_num(r.id) };
	}
	if (rc == 0 && k)
		qsort(all, k, sizeof *all, cmp_standing);
	for (size_t i = 0, j; rc == 0 && i < k; i = j) {
		for (j = i; j < k && all[j].patient == all[i].patient; j++)
			ids[j - i] = all[j].id;
		rc = cw_hist_set_standing(s->hist, all[i].patient, m, ids, j - i);
	}
	free(ids);
	free(all);
	return rc;
}

int cw_service_open(cw_service **out, const cw_service_opts *o)
{
	cw_service *s = calloc(1, sizeof *s);
	size_t repaired = 0;
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	s->rules = o->rules;
	s->accept_uncatalogued = o->accept_uncatalogued;
	s->timeout = o->request_timeout_ms / 1000.0;
	s->st.month = o->month;
	pthread_rwlock_init(&s->lock, NULL);
	pthread_mutex_init(&s->counters, NULL);
	int rc = lookback_of(&s->lookback, o);
	if (rc == 0)
		rc = cw_dimset_load(&s->dims, o->rules);
	if (rc == 0)
		rc = pick_detectors(s);
	if (rc == 0)
		rc = cw_detect_check(o->rules);
	if (rc == 0)
		rc = cw_reminder_rules_load(&s->reminders, o->rules);
	if (rc == 0)
		rc = cw_detector_set_new(&s->set, o->rules, s->dims, s->det, s->ndet);
	if (rc == 0)
		rc = o->db ? cw_journal_open_pg(&s->journal, o->db)
		           : cw_journal_open_csv(&s->journal, &repaired, o->data_dir);
	if (rc == 0 && repaired) {
		char n[24], note[256];
		snprintf(n, sizeof n, "%zu", repaired);
		cw_progress_note("%s", cw_msg_format(note, sizeof note, M_LOG_TORN, cw_msg_lang(o->lang), "", n));
	}
	double t0 = cw_now();
	if (rc == 0)
		rc = cw_hist_load(&s->hist, NULL, o->data_dir, o->db, o->month, s->lookback, o->rejects_path, o->threads);
	s->st.seconds_loading = cw_now() - t0;
	cw_findings *month = NULL;
	t0 = cw_now();
	if (rc == 0)
		rc = month_findings(&month, s, o->threads);
	if (rc == 0)
		rc = seed_standing(s, month, o->month);
	if (rc == 0)
		rc = cw_watch_open(&s->watch, o->rules, cw_hist_base(s->hist), s->det, s->ndet, month);
	cw_findings_free(month);
	if (rc == 0) {
		char secs[24], note[256];
		snprintf(secs, sizeof secs, "%.2f", cw_now() - t0);
		cw_progress_note("%s", cw_msg_format(note, sizeof note, M_LOG_MONTH, cw_msg_lang(o->lang), "", secs));
	}
	if (rc < 0) {
		cw_service_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void cw_service_free(cw_service *s)
{
	if (!s)
		return;
	cw_watch_free(s->watch);
	cw_hist_free(s->hist);
	cw_journal_close(s->journal);
	cw_detector_set_free(s->set);
	cw_dimset_free(s->dims);
	pthread_rwlock_destroy(&s->lock);
	pthread_mutex_destroy(&s->counters);
	free(s);
}

char *cw_service_watch_json(cw_service *s, const char *lang) { return cw_watch_json(s->watch, lang); }

void cw_service_stats_get(cw_service_stats *st, cw_service *s)
{
	pthread_rwlock_rdlock(&s->lock);
	pthread_mutex_lock(&s->counters);
	*st = s->st;
	st->history_lines = cw_hist_lines(s->hist);
	st->patients = cw_hist_patients(s->hist);
	st->memory = cw_hist_memory(s->hist);
	pthread_mutex_unlock(&s->counters);
	pthread_rwlock_unlock(&s->lock);
}

/* --- judging ------------------------------------------------------------------------------------- */

/* The findings of the patient's month, every detector's, in registry order. */
typedef struct verdict {
	cw_dataset *ds;
	cw_findings *f;
	uint64_t *ids; /* of every finding, sorted */
	size_t nids;
	cw_month month;
} verdict;

static void verdict_free(verdict *v)
{
	cw_findings_free(v->f);
	free(v->ids);
	cw_dataset_free(v->ds);
}


static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int has_id(const uint64_t *ids, size_t n, uint64_t id)
{
	return n && bsearch(&id, ids, n, sizeof id, cmp_u64) != NULL;
}

/* --- the time limit ------------------------------------------------------------------------------ */

/* A request's deadline (cw_now() seconds; 0: none), checked between the stages of its judging and
 * between the detectors: a request over it is abandoned before anything is stored. */
static int over(void *deadline)
{
	double d = *(const double *)deadline;
	return d > 0 && cw_now() > d;
}

static int timed_out(cw_req_error *e, double *deadline)
{
	if (!over(deadline))
		return 0;
	return cw_req_refuse(e, M_TIMEOUT, "");
}

/* The set's detectors on the patient's dataset, in one call on this thread. */
static int run_detectors(verdict *v, const cw_service *s, double *deadline)
{
	cw_detect_opts o = { .threads = 1, .stop = over, .stop_arg = deadline };
	int rc = cw_detect_set(&v->f, v->ds, s->set, &o);
	if (rc < 0)
		return rc;
	size_t total = cw_findings_count(v->f);
	v->ids = malloc((total ? total : 1) * sizeof *v->ids);
	if (!v->ids)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < total; i++) {
		cw_record r;
		cw_findings_get(&r, v->f, i);
		v->ids[v->nids++] = id_num(r.id);
	}
	qsort(v->ids, v->nids, sizeof *v->ids, cmp_u64);
	return 0;
}

/* The index of a detector among the service's (for the hit counters). */
static size_t det_index(const cw_service *s, const cw_detector *d)
{
	size_t i = 0;
	while (i < s->ndet && strcmp(s->det[i], d->name))
		i++;
	return i;
}

/* 1 when the finding cites the request's visit or one of its lines. */
static int touches(const cw_record *r, const cw_dataset *ds, const cw_request *rq)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	if (r->f.visit != CW_NONE && !strcmp(cw_dataset_str(ds, cw_dataset_visits(ds)->id[r->f.visit]), rq->visit.visit_id))
		return 1;
	for (size_t i = 0; i < r->f.nlines; i++)
		if (!strcmp(cw_dataset_str(ds, cl->visit[r->f.lines[i]] == CW_NONE ? CW_NONE
		                                 : cw_dataset_visits(ds)->id[cl->visit[r->f.lines[i]]]),
		            rq->visit.visit_id))
			return 1;
	return 0;
}

/* --- the answer ---------------------------------------------------------------------------------- */

/* Adds a field to an answer object (the item is freed when it cannot be added). The keys are constants, and
 * put_ref's values outlive the answer's printing (the patient's dataset, the findings, static text): neither
 * is copied, which halves the allocations of a long answer. */
static void put(cJSON *o, const char *key, cJSON *item)
{
	if (!cJSON_AddItemToObjectCS(o, key, item))
		cJSON_Delete(item);
}
static void put_ref(cJSON *o, const char *key, const char *v) { put(o, key, cJSON_CreateStringReference(v)); }
static void put_copy(cJSON *o, const char *key, const char *v) { put(o, key, cJSON_CreateString(v)); }

static cJSON *line_json(const cw_dataset *ds, uint32_t l, const cw_request *rq)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	char b[CW_FMT_SIZE];
	cJSON *o = cJSON_CreateObject();
	const char *vid = cw_dataset_str(ds, cw_dataset_visits(ds)->id[cl->visit[l]]);
	put_ref(o, "line_id", cw_dataset_str(ds, cl->id[l]));
	put_ref(o, "visit_id", vid);
	put_ref(o, "item_code", cw_dataset_str(ds, cw_dataset_items(ds)->code[cl->item[l]]));
	put_copy(o, "service_time", cw_format_time(b, cl->time[l]));
	put_copy(o, "qty", cw_format_qty(b, cl->qty[l]));
	put_copy(o, "amount", cw_format_money(b, cl->amount[l]));
	put(o, "this_claim", cJSON_CreateBool(!strcmp(vid, rq->visit.visit_id)));
	return o;
}

static cJSON *hit_json(const cw_record *r, const cw_dataset *ds, const cw_request *rq)
{
	char b[CW_FMT_SIZE];
	int zh = strcmp(rq->lang, "en") != 0;
	cJSON *o = cJSON_CreateObject();
	put_copy(o, "id", r->id); /* r is the caller's copy */
	put_ref(o, "detector", r->detector->name);
	put_ref(o, "title", zh ? r->detector->title_zh : r->detector->title_en);
	put_ref(o, "severity", cw_severity_name(r->f.severity));
	put_ref(o, "reason", cw_record_reason(r, rq->lang));
	put_copy(o, "money", cw_format_money(b, r->f.suspect));
	put_copy(o, "fund", cw_format_money(b, r->fund)); /* the fund's share (docs/fund.md) */
	put(o, "fund_estimated", cJSON_CreateBool(r->fund_estimated));
	if (r->f.when != CW_MINUTE_NONE)
		put_copy(o, "when", cw_format_time(b, r->f.when));
	if (r->f.visit != CW_NONE)
		put_ref(o, "visit_id", cw_dataset_str(ds, cw_dataset_visits(ds)->id[r->f.visit]));
	if (r->f.physician != CW_NONE)
		put_ref(o, "physician_id", cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r->f.physician]));
	cJSON *lines = cJSON_AddArrayToObject(o, "lines");
	for (size_t i = 0; i < r->f.nlines; i++)
		cJSON_AddItemToArray(lines, line_json(ds, r->f.lines[i], rq));
	return o;
}

/* 1 when finding r is a hit of the answer: not standing before the claim, or citing it. */
static int is_hit(const cw_record *r, const verdict *v, const cw_request *rq, const uint64_t *old, size_t nold)
{
	return !has_id(old, nold, id_num(r->id)) || touches(r, v->ds, rq);
}

/* The answer: the hits, the findings withdrawn, what was accepted. */
static char *answer_json(const verdict *v, const cw_request *rq, const cw_hist_known *k, const uint64_t *old,
                         size_t nold, int commit, cw_service *s)
{
	char m[8];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "visit_id", rq->visit.visit_id);
	cJSON_AddStringToObject(o, "month", cw_month_format(m, v->month));
	cJSON_AddBoolToObject(o, "committed", commit);
	cJSON_AddNumberToObject(o, "new_lines", (double)k->new_lines);
	cJSON_AddNumberToObject(o, "known_lines", (double)(rq->nlines - k->new_lines));
	cJSON *hits = cJSON_AddArrayToObject(o, "hits");
	uint64_t counted[MAX_DETECTORS + 1] = { 0 };
	for (size_t i = 0; i < cw_findings_count(v->f); i++) {
		cw_record r;
		cw_findings_get(&r, v->f, i);
		if (!is_hit(&r, v, rq, old, nold))
			continue;
		cJSON_AddItemToArray(hits, hit_json(&r, v->ds, rq));
		counted[det_index(s, r.detector)]++;
	}
	cJSON *gone = cJSON_AddArrayToObject(o, "withdrawn");
	for (size_t i = 0; i < nold; i++)
		if (!has_id(v->ids, v->nids, old[i])) {
			char id[24];
			snprintf(id, sizeof id, "F%016llx", (unsigned long long)old[i]);
			cJSON_AddItemToArray(gone, cJSON_CreateString(id));
		}
	if (cw_reminders_add(o, v->ds, v->month, rq->visit.visit_id, rq->lang, &s->reminders) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	pthread_mutex_lock(&s->counters);
	for (size_t d = 0; d < s->ndet; d++)
		s->st.hits_by_detector[d] += counted[d];
	pthread_mutex_unlock(&s->counters);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return txt;
}

/* The watch's share of a judged claim (watch.h): the patient's findings of the month when it is
 * accepted, the hits answered when it is checked. */
static int watch_note(cw_service *s, const verdict *v, const cw_request *rq, const cw_hist_known *k,
                      const uint64_t *old, size_t nold, int commit)
{
	size_t n = cw_findings_count(v->f), m = 0;
	cw_record *r = malloc((n + 1) * sizeof *r);
	if (!r)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		cw_findings_get(&r[m], v->f, i);
		m += commit || is_hit(&r[m], v, rq, old, nold);
	}
	int rc = cw_watch_claim(s->watch, v->ds, v->month, rq, k->line_known, r, m, commit);
	free(r);
	return rc;
}

/* Judges the parsed request under the lock the caller holds; accepts it when commit. */
static int judge(char **json, int *status, cw_service *s, const cw_request *rq, int commit, double deadline)
{
	cw_req_error e = { 0 };
	cw_hist_known k = { 0 };
	verdict v = { .month = cw_request_month(rq) };
	const uint64_t *old = NULL;
	size_t nold = 0;
	int rc = timed_out(&e, &deadline);
	if (rc == 0)
		rc = cw_hist_match(&k, &e, s->hist, rq, s->accept_uncatalogued);
	if (rc == 0 && (rc = timed_out(&e, &deadline)) == 0)
		rc = cw_hist_dataset(&v.ds, &e, s->hist, rq, &k, v.month, s->lookback);
	if (rc == 0 && (rc = timed_out(&e, &deadline)) == 0)
		rc = run_detectors(&v, s, &deadline);
	if (rc == 0 || (rc == CW_ERROR && !e.code)) { /* also a detection it stopped: nothing stored past here */
		int t = timed_out(&e, &deadline);
		rc = t ? t : rc;
	}
	if (rc == 0 && commit && (k.new_lines || k.new_rx || !k.visit_known))
		rc = cw_journal_append(s->journal, &e, rq, &k);
	if (rc == 0 && commit)
		rc = cw_hist_add(s->hist, rq, &k);
	if (rc == 0) {
		cw_hist_standing(&old, &nold, s->hist, k.patient, v.month);
		*json = answer_json(&v, rq, &k, old, nold, commit, s);
		*status = 200;
		if (watch_note(s, &v, rq, &k, old, nold, commit) < 0)
			cw_progress_note("watch: a claim not counted: %s", cw_error_last()); /* the claim stands */
		if (commit)
			rc = cw_hist_set_standing(s->hist, k.patient, v.month, v.ids, v.nids);
		pthread_mutex_lock(&s->counters);
		s->st.lines_accepted += commit ? k.new_lines : 0;
		s->st.lines_duplicate += commit ? rq->nlines - k.new_lines : 0;
		pthread_mutex_unlock(&s->counters);
	} else if (rc == CW_EINVALID && e.code) {
		*json = cw_req_error_json(&e, cw_msg_lang(rq->lang));
		*status = e.status;
		rc = 0;
	}
	verdict_free(&v);
	cw_hist_known_free(&k);
	return rc;
}

int cw_service_handle(char **json, int *status, cw_service *s, const char *body, size_t len, int commit, int lang)
{
	cw_request rq;
	cw_req_error e = { 0 };
	double deadline = s->timeout > 0 ? cw_now() + s->timeout : 0;
	*json = NULL;
	int rc = cw_request_parse(&rq, &e, body, len);
	lang = cw_msg_lang_choose(rq.lang, NULL, NULL, lang);
	rq.lang = cw_msg_lang_code(lang); /* the hits' reasons too */
	if (rc == 0) {
		if (commit)
			pthread_rwlock_wrlock(&s->lock);
		else
			pthread_rwlock_rdlock(&s->lock);
		rc = judge(json, status, s, &rq, commit, deadline);
		pthread_rwlock_unlock(&s->lock);
	} else if (rc == CW_EINVALID) {
		*json = cw_req_error_json(&e, lang);
		*status = e.status;
		rc = 0;
	}
	if (rc < 0) {
		cw_req_refuse(&e, M_INTERNAL, "", cw_error_last());
		*json = cw_req_error_json(&e, lang);
		*status = e.status;
	}
	cw_request_free(&rq);
	pthread_mutex_lock(&s->counters);
	s->st.checks += !commit;
	s->st.commits += commit;
	s->st.errors += *status != 200;
	pthread_mutex_unlock(&s->counters);
	return *json ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}
