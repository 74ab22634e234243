/* watch.h: live counters of the key departments and physicians, and alerts (GET /v1/watch, GET /watch;
 * docs/serve.md "Watch"). J2: 对重点科室和重点医生要进行实时监控 (real-time monitoring of key departments
 * and physicians); J1: supervision during care, not only after it.
 *
 * The watch list and the thresholds are the rules' serve.watch (docs/rules.md). For every department
 * and physician of the data (the listed ones are "watched"; with an empty list, the top N by suspect
 * money this month are shown) the watch keeps today's and this month's:
 *   - hits: the findings of the service's detectors (partitioned by patient) that stand, by detector,
 *     with their suspect money and the fund's share; a finding is counted once by its id, and taken
 *     off when it is withdrawn (the patient's findings of the month are replaced at every accepted
 *     claim); a finding belongs to its responsible department and physician (cw_record's dept and
 *     f.physician, findings.csv's dept_id and physician_id) and to the day of its latest evidence;
 *   - running indicators of the claim lines of the served month: visits billed, lines, revenue, drug
 *     revenue and share, cost per visit; a line belongs to its visit's department and its physician (as
 *     the drug_share detector counts them) and to the day of its service time;
 *   - checks (POST /v1/check, nothing stored), counted apart: requests, the hits answered, their money.
 * "Today" is the data's clock: the latest day of a claim line of the served month seen (loaded or
 * accepted), so a restart gives the same day and counters are by the data's time, not the arrival's.
 *
 * At start the counters are rebuilt from the history of the served month (the accepted claims are in
 * it: the journal is the data folder): its lines, and the findings of the service's detectors run on
 * the whole window once, as the batch does. Alerts: a value of a listed unit (of any unit when its
 * kind's list is empty) that reaches its threshold (from below) raises one alert, kept in a bounded list (newest first); those standing at start are raised once
 * with at_start true.
 *
 * Threads: every call takes the watch's own lock. */
#ifndef CW_SERVE_WATCH_H
#define CW_SERVE_WATCH_H
#include <stddef.h>
#include <stdint.h>
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"
#include "claimwatch/types.h"
#include "serve/request.h"

#define CW_WATCH_MAX_DET 64

enum { CW_WATCH_DEPT, CW_WATCH_PHYS, CW_WATCH_KINDS };

/* The thresholds of one kind of unit; 0 turns one off. */
typedef struct cw_watch_limits {
	long long hits_today, hits_month;
	long long money_today, money_month; /* fen */
	int drug_share; /* alert when the month's drug share is above drug_share's target for the unit */
} cw_watch_limits;

/* serve.watch, read and checked (cw_watch_config_load). */
typedef struct cw_watch_config {
	const char **ids[CW_WATCH_KINDS]; /* the watch list: department ids, physician ids (into the rules) */
	size_t nids[CW_WATCH_KINDS];
	long long top;                   /* shown when a list is empty */
	long long alerts_kept;
	cw_watch_limits lim[CW_WATCH_KINDS];
	long long min_revenue[CW_WATCH_KINDS]; /* drug_share's min_department_revenue, min_physician_revenue */
	const char *det[CW_WATCH_MAX_DET];  /* the detectors counted, by index */
	size_t ndet;
	const cw_dataset *base; /* the history loaded at start (watch_feed.c), NULL in the core */
} cw_watch_config;

/* Reads serve.watch (and drug_share's minimum revenues) into *c; det: the service's detectors. Returns
 * 0 or CW_EINVALID naming the key. Free with cw_watch_config_free. */
int cw_watch_config_load(cw_watch_config *c, const cw_rules *rules, const char *const *det, size_t ndet);
void cw_watch_config_free(cw_watch_config *c);

typedef struct cw_watch cw_watch;

/* --- the counting core (watch.c): units are numbered refs, no dataset --------------------------- */

/* A claim line of the served month. new_visit[kind][0]: no other line of its visit for this unit in
 * the month yet; [kind][1]: none on its day. */
typedef struct cw_watch_line {
	cw_minute time;
	cw_ref unit[CW_WATCH_KINDS];
	cw_fen amount;
	int drug;
	uint8_t new_visit[CW_WATCH_KINDS][2];
} cw_watch_line;

/* A finding (or a check's hit). */
typedef struct cw_watch_hit {
	uint64_t id;
	int det; /* index in the config's det */
	cw_fen money, fund;
	cw_minute when;
	cw_ref unit[CW_WATCH_KINDS];
} cw_watch_hit;

/* What one accepted claim (or check) brings. */
typedef struct cw_watch_event {
	const cw_watch_line *lines;
	size_t nlines;
	uint64_t patient;          /* accepted: the patient whose month's findings are hits[] now */
	const cw_watch_hit *hits;
	size_t nhits;
	int check;                 /* a check: counted apart; hits[] its answered hits */
	cw_minute check_time;
	cw_ref check_unit[CW_WATCH_KINDS];
} cw_watch_event;

/* A watch over ndept departments and nphys physicians. It takes c (its arrays are freed with the
 * watch, also after a failure; its strings, the rules', must outlive it). Returns 0 or CW_ENOMEM. */
int cw_watch_new(cw_watch **out, const cw_watch_config *c, size_t ndept, size_t nphys, cw_month month);
void cw_watch_free(cw_watch *w);
/* A unit's id and name (pointers kept), and its drug share target (NAN: none). */
void cw_watch_unit(cw_watch *w, int kind, cw_ref u, const char *id, const char *name, double target);
/* Marks the units of the watch list (by id, after cw_watch_unit); an id of no unit is CW_EINVALID
 * naming serve.watch.departments[i] or physicians[i]. */
int cw_watch_mark_listed(cw_watch *w);
/* Counts an event and raises the alerts it crosses (none while w is rebuilding). Returns 0 or CW_ENOMEM. */
int cw_watch_apply(cw_watch *w, const cw_watch_event *e);
/* Rebuilding: while on, no alert is raised; turning it off raises, once, those standing (at_start). */
void cw_watch_rebuilding(cw_watch *w, int on);
/* The JSON of GET /v1/watch in lang ("zh"/"en"); NULL when out of memory (caller frees). */
char *cw_watch_json(cw_watch *w, const char *lang);
/* The watch's configuration. */
const cw_watch_config *cw_watch_config_of(const cw_watch *w);
/* Alerts raised so far (also those dropped from the bounded list). */
uint64_t cw_watch_alerts_total(cw_watch *w);

/* --- fed from datasets (watch_feed.c) ----------------------------------------------------------- */

/* A watch over base (the history loaded at start) for its month: reads the rules, names the units,
 * and rebuilds the counters from the month's lines and month, the findings of the detectors det[] on
 * base (the service runs them once at start, for the watch and for the findings standing). Returns 0
 * or a CW_E* code (message set). base must outlive the watch. */
int cw_watch_open(cw_watch **out, const cw_rules *rules, const cw_dataset *base, const char *const *det,
                  size_t ndet, const cw_findings *month);
/* A judged claim: ds the patient's dataset for month m, rec[] its findings of the month when accepted
 * (commit 1: line_known[] tells the request's lines already in the history), or the hits answered to
 * a check (commit 0). Returns 0 or CW_ENOMEM. */
int cw_watch_claim(cw_watch *w, const cw_dataset *ds, cw_month m, const cw_request *rq, const uint8_t *line_known,
                   const cw_record *rec, size_t nrec, int commit);

/* --- the live page (watch_page.c) ---------------------------------------------------------------- */
extern const char cw_watch_page_html[];

#endif
