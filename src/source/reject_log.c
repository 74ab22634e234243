/* reject_log.c: the memory of a load's or a run's rejects (see reject_log.h).
 *
 * A rejected visit (or claim line) is remembered by its id with where and why it was rejected; a claim
 * line or prescription then rejected for "unknown visit_id" of that visit says "visit V1 was rejected
 * (visits.csv line 12: dx_code: dx_code is required)" instead, and a result of such a line "claim line L1
 * was rejected (...)". A row written once is remembered by a hash of its file, line and fields, so the
 * later months of a run do not write it again: the look-back's rows, the rows whose month cannot be told
 * and the tables without dates are read by every month. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset/pool.h"
#include "source/reject_log.h"
#include "util/grow.h"

#define MAX_GROUPS 200 /* beyond: one group "(other reasons)" per file */

typedef struct parent {
	int table;
	char *id, *why; /* why: "visits.csv line 12: dx_code: dx_code is required" */
} parent;

typedef struct group {
	char *file, *column, *kind;
	uint64_t rows;
	size_t first;      /* the order it was seen in */
	size_t file_first; /* the first of its file's groups, when sorting */
} group;

struct cw_reject_log {
	parent *parents;
	size_t nparents, capparents;
	uint32_t *slots; /* open addressing: parent index + 1, 0 empty */
	size_t nslots;
	cw_u64set seen;
	group *groups;
	size_t ngroups, capgroups;
	cw_reject_group *view;
	uint64_t repeats;
};

static int oom(void) { return cw_error_set(CW_ENOMEM, "out of memory remembering the rejected rows"); }

int cw_reject_log_new(cw_reject_log **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : oom();
}

static void groups_clear(cw_reject_log *log)
{
	for (size_t i = 0; i < log->ngroups; i++) {
		free(log->groups[i].file);
		free(log->groups[i].column);
		free(log->groups[i].kind);
	}
	log->ngroups = 0;
	log->repeats = 0;
}

void cw_reject_log_free(cw_reject_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nparents; i++) {
		free(log->parents[i].id);
		free(log->parents[i].why);
	}
	free(log->parents);
	free(log->slots);
	cw_u64set_free(&log->seen);
	groups_clear(log);
	free(log->groups);
	free(log->view);
	free(log);
}

void cw_reject_log_month_begin(cw_reject_log *log) { groups_clear(log); }

static void kind_of(char *out, size_t size, const char *reason);

/* --- cascades ----------------------------------------------------------------------------------- */

static uint64_t key_of(int table, const char *id, size_t len) { return cw_hash(id, len) * 31 + (uint64_t)table; }

/* The slot of (table, id): its parent's, or the empty one where it goes. */
static size_t slot_of(const cw_reject_log *log, int table, const char *id, size_t len)
{
	size_t mask = log->nslots - 1, s = (size_t)key_of(table, id, len) & mask;
	for (; log->slots[s]; s = (s + 1) & mask) {
		const parent *p = &log->parents[log->slots[s] - 1];
		if (p->table == table && strlen(p->id) == len && !memcmp(p->id, id, len))
			break;
	}
	return s;
}

static int rehash(cw_reject_log *log)
{
	size_t n = log->nslots ? log->nslots * 2 : 64;
	uint32_t *old = log->slots;
	size_t oldn = log->nslots;
	if (!(log->slots = calloc(n, sizeof *log->slots))) {
		log->slots = old;
		return oom();
	}
	log->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i]) {
			const parent *p = &log->parents[old[i] - 1];
			log->slots[slot_of(log, p->table, p->id, strlen(p->id))] = old[i];
		}
	free(old);
	return 0;
}

static const char *find_parent(const cw_reject_log *log, int table, const cw_slice *id)
{
	if (!log->nslots || !id->len)
		return NULL;
	uint32_t k = log->slots[slot_of(log, table, id->ptr, id->len)];
	return k ? log->parents[k - 1].why : NULL;
}

static int note_parent(cw_reject_log *log, int table, const cw_slice *id, const cw_reject *rj, const char *reason)
{
	if (!id->len || memchr(id->ptr, 0, id->len))
		return 0;
	if ((log->nparents + 1) * 2 > log->nslots && rehash(log) < 0)
		return CW_ENOMEM;
	size_t s = slot_of(log, table, id->ptr, id->len);
	char why[1400], kind[1200];
	if (rj->column && !strcmp(rj->column, "patient_id")) /* the rows that cite it must not show the patient */
		kind_of(kind, sizeof kind, reason);
	snprintf(why, sizeof why, "%s line %llu: %s%s%s", rj->file, (unsigned long long)rj->line,
	         rj->column ? rj->column : "", rj->column ? ": " : "",
	         rj->column && !strcmp(rj->column, "patient_id") ? kind : reason);
	char *w = strdup(why);
	if (!w)
		return oom();
	if (log->slots[s]) { /* the same row again (a later month of the run) */
		parent *p = &log->parents[log->slots[s] - 1];
		free(p->why);
		p->why = w;
		return 0;
	}
	char *idc = strndup(id->ptr, id->len);
	if (!idc || cw_grow((void **)&log->parents, &log->capparents, log->nparents + 1, sizeof *log->parents) < 0) {
		free(w);
		free(idc);
		return oom();
	}
	log->parents[log->nparents++] = (parent){ table, idc, w };
	log->slots[s] = (uint32_t)log->nparents;
	return 0;
}

/* The field `name` of rj's fields (empty when the row could not be split). */
static cw_slice field(const cw_reject *rj, const char *name)
{
	int i = rj->f ? cw_row_schema_find(cw_row_schema_of(rj->table), name, strlen(name)) : -1;
	return i >= 0 ? rj->f[i] : (cw_slice){ "", 0 };
}

static int unknown_ref(const cw_reject *rj, const char *column)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "unknown %s '", column);
	return rj->column && !strcmp(rj->column, column) && !strncmp(rj->reason, prefix, strlen(prefix));
}

int cw_reject_log_explain(cw_reject_log *log, const cw_reject *rj, const char **reason, char *why, size_t size)
{
	*reason = rj->reason;
	if (!rj->f)
		return 0;
	if ((rj->table == CW_T_CLAIMS || rj->table == CW_T_PRESCRIPTIONS) && unknown_ref(rj, "visit_id")) {
		cw_slice v = field(rj, "visit_id");
		const char *w = find_parent(log, CW_T_VISITS, &v);
		if (w) {
			snprintf(why, size, "visit %.*s was rejected (%s)", (int)(v.len > 200 ? 200 : v.len), v.ptr, w);
			*reason = why;
		}
	} else if (rj->table == CW_T_RESULTS && unknown_ref(rj, "line_id")) {
		cw_slice l = field(rj, "line_id");
		const char *w = find_parent(log, CW_T_CLAIMS, &l);
		if (w) {
			snprintf(why, size, "claim line %.*s was rejected (%s)", (int)(l.len > 200 ? 200 : l.len), l.ptr, w);
			*reason = why;
		}
	}
	if (rj->table == CW_T_VISITS)
		return note_parent(log, CW_T_VISITS, &(cw_slice){ field(rj, "visit_id").ptr, field(rj, "visit_id").len },
		                   rj, *reason);
	if (rj->table == CW_T_CLAIMS)
		return note_parent(log, CW_T_CLAIMS, &(cw_slice){ field(rj, "line_id").ptr, field(rj, "line_id").len },
		                   rj, *reason);
	return 0;
}

/* --- once per run ------------------------------------------------------------------------------- */

int cw_reject_log_seen(cw_reject_log *log, const cw_reject *rj)
{
	uint64_t h = cw_hash(rj->file, strlen(rj->file)) * 1000003u + rj->line;
	if (rj->f) {
		int n = cw_row_schema_of(rj->table)->ncols;
		for (int i = 0; i < n; i++)
			h = h * 31 + cw_hash(rj->f[i].ptr ? rj->f[i].ptr : "", rj->f[i].len);
	} else {
		h = h * 31 + cw_hash(rj->raw ? rj->raw : "", rj->raw ? rj->raw_len : 0);
	}
	int rc = cw_u64set_insert(&log->seen, h);
	return rc < 0 ? oom() : rc == 0;
}

void cw_reject_log_count_repeat(cw_reject_log *log) { log->repeats++; }
uint64_t cw_reject_log_repeats(const cw_reject_log *log) { return log->repeats; }

/* --- groups ------------------------------------------------------------------------------------- */

/* The kind of a reason: each quoted value as '…'; a cascade's "visit <id> was rejected (<file> line <n>:
 * <why>)" as "visit was rejected (<file>: <why's kind>)". */
static void kind_of(char *out, size_t size, const char *reason)
{
	static const char *const cascade[] = { "visit ", "claim line " };
	for (int c = 0; c < 2; c++) {
		size_t l = strlen(cascade[c]);
		const char *was = strstr(reason, " was rejected (");
		const char *ln = was ? strstr(was, " line ") : NULL;
		const char *colon = ln ? strchr(ln, ':') : NULL;
		if (strncmp(reason, cascade[c], l) || !colon)
			continue;
		int n = snprintf(out, size, "%swas rejected (%.*s: ", cascade[c], (int)(ln - was - 15), was + 15);
		if (n < 0 || (size_t)n >= size)
			return;
		kind_of(out + n, size - (size_t)n, colon[1] == ' ' ? colon + 2 : colon + 1);
		return;
	}
	size_t n = 0;
	for (int quoted = 0; *reason && n + 6 < size; reason++) {
		if (*reason == '\'') {
			if (!quoted) {
				memcpy(out + n, "'\xe2\x80\xa6'", 5); /* '…' */
				n += 5;
			}
			quoted = !quoted;
		} else if (!quoted) {
			out[n++] = *reason;
		}
	}
	if (size)
		out[n < size ? n : size - 1] = 0;
}

int cw_reject_log_count(cw_reject_log *log, const cw_reject *rj, const char *reason)
{
	char kind[1200];
	const char *column = rj->column ? rj->column : "";
	kind_of(kind, sizeof kind, reason);
	for (size_t i = 0; i < log->ngroups; i++) {
		group *g = &log->groups[i];
		if (!strcmp(g->file, rj->file) && !strcmp(g->column, column) && !strcmp(g->kind, kind)) {
			g->rows++;
			return 0;
		}
	}
	if (log->ngroups >= MAX_GROUPS) { /* lump the rest: the summary stays short */
		column = "";
		snprintf(kind, sizeof kind, "(other reasons)");
		for (size_t i = 0; i < log->ngroups; i++)
			if (!strcmp(log->groups[i].file, rj->file) && !strcmp(log->groups[i].kind, kind)) {
				log->groups[i].rows++;
				return 0;
			}
	}
	group g = { strdup(rj->file), strdup(column), strdup(kind), 1, log->ngroups, 0 };
	if (!g.file || !g.column || !g.kind ||
	    cw_grow((void **)&log->groups, &log->capgroups, log->ngroups + 1, sizeof *log->groups) < 0) {
		free(g.file);
		free(g.column);
		free(g.kind);
		return oom();
	}
	log->groups[log->ngroups++] = g;
	return 0;
}

/* By the file's first group, then most rows first, then first seen. */
static int by_file_rows(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (x->file_first != y->file_first)
		return x->file_first < y->file_first ? -1 : 1;
	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

const cw_reject_group *cw_reject_log_groups(cw_reject_log *log, size_t *n)
{
	*n = 0;
	free(log->view);
	log->view = NULL;
	if (!log->ngroups)
		return NULL;
	if (!(log->view = calloc(log->ngroups, sizeof *log->view)))
		return NULL;
	for (size_t i = 0; i < log->ngroups; i++) {
		group *g = &log->groups[i];
		g->file_first = g->first;
		for (size_t j = 0; j < log->ngroups; j++)
			if (log->groups[j].first < g->file_first && !strcmp(log->groups[j].file, g->file))
				g->file_first = log->groups[j].first;
	}
	qsort(log->groups, log->ngroups, sizeof *log->groups, by_file_rows);
	for (size_t i = 0; i < log->ngroups; i++)
		log->view[i] = (cw_reject_group){ log->groups[i].file, log->groups[i].column, log->groups[i].kind,
			                          log->groups[i].rows };
	*n = log->ngroups;
	return log->view;
}
