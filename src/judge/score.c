/* score.c: the four-reasonableness score of each physician of the month (see claimwatch/score.h).
 *
 * Three passes: the physician's activity (visits, billing), the findings
 * (counts, outlier severity, money), then the formula. Money at stake counts
 * each claim line once: a finding's money is spread over the lines it cites in
 * proportion to their amounts (never more than a line's amount), and for each
 * physician and line only the largest share counts, per dimension and, across
 * dimensions, in the composite. A finding of a detector of scoring.grade_floor
 * lifts its dimension's grade to at least the floor's grade.
 *
 * A physician practising at several institutions (多点执业, issue 18 item 2) has one row per institution,
 * each with that institution's visits, billing and findings (a finding's institution is the one
 * cw_finding_place gives, a line's that of its visit): the row at the physician's own institution
 * (physicians.csv) has the physician's department, a row elsewhere the department of the physician's
 * first visit or finding there. A physician seen at one institution has one row, as before. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/score.h"
#include "engine/rules_json.h"
#include "judge/prompts.h"
#include "util/grow.h"

static const char *const grade_names[] = { "reasonable", "basically_reasonable", "unreasonable" };
static const char *const grade_names_zh[] = { "合理", "基本合理", "不合理" };
static const char *const scope_names[] = { "institution", "specialty", "all", NULL };

const char *cw_grade_name(int g) { return g >= 0 && g <= CW_GRADE_UNREASONABLE ? grade_names[g] : ""; }
const char *cw_grade_name_zh(int g) { return g >= 0 && g <= CW_GRADE_UNREASONABLE ? grade_names_zh[g] : ""; }
const char *cw_scope_name(int s) { return s >= 0 && s <= CW_SCOPE_ALL ? scope_names[s] : "?"; }

int cw_grade_parse(const char *s)
{
	for (int g = 0; g <= CW_GRADE_UNREASONABLE; g++)
		if (!strcmp(s, grade_names[g]))
			return g;
	return CW_GRADE_NONE;
}

/* --- rules ------------------------------------------------------------------- */

static int load_weights(const cw_section *sc, cw_score_rules *o)
{
	cw_section w = cw_section_child(sc, "weights"), sev = cw_section_child(sc, "severity_weights");
	int rc;
	if ((rc = cw_section_double(&o->w_money, &w, "money", 0, 1e6)) < 0 ||
	    (rc = cw_section_double(&o->w_rate, &w, "frequency", 0, 1e6)) < 0 ||
	    (rc = cw_section_double(&o->w_outlier, &w, "outlier", 0, 1e6)) < 0)
		return rc;
	if (o->w_money + o->w_rate + o->w_outlier <= 0)
		return cw_error_set(CW_EINVALID, "%s: at least one weight must be above 0", w.path);
	for (int s = 0; s < CW_SEVERITY_COUNT; s++)
		if ((rc = cw_section_double(&o->severity_weight[s], &sev, cw_severity_name(s), 0, 1e6)) < 0)
			return rc;
	return 0;
}

/* scoring.grade_floor: detector name -> grade name ("" or "*": none). */
static int load_floors(const cw_section *sc, const cw_rules *rules, cw_score_rules *o)
{
	cw_section m = cw_section_child(sc, "grade_floor");
	const cw_registry *reg = cw_rules_registry(rules);
	const cJSON *e;
	if (!reg) /* rules without detectors: no finding to lift a grade */
		return 0;
	cJSON_ArrayForEach(e, cw_section_json(&m)) {
		if (!strcmp(e->string, "*") || !cJSON_IsString(e) || !*e->valuestring)
			continue;
		int det = cw_registry_index(reg, e->string), g = cw_grade_parse(e->valuestring);
		if (det < 0)
			return cw_error_set(CW_EINVALID, "%s.%s: no detector has that name", m.path, e->string);
		if (g == CW_GRADE_NONE)
			return cw_error_set(CW_EINVALID, "%s.%s: '%s' is not a grade (reasonable, basically_reasonable, "
			                    "unreasonable)", m.path, e->string, e->valuestring);
		if (o->nfloor == CW_SCORE_MAX_FLOORS)
			return cw_error_set(CW_EINVALID, "%s: more than %d detectors", m.path, CW_SCORE_MAX_FLOORS);
		o->floor[o->nfloor++] = (cw_grade_floor){ cw_registry_get(reg, (size_t)det), g };
	}
	return 0;
}

static int floor_of(const cw_score_rules *sr, const cw_detector *d)
{
	for (size_t i = 0; i < sr->nfloor; i++)
		if (sr->floor[i].detector == d)
			return sr->floor[i].grade;
	return CW_GRADE_NONE;
}

int cw_score_rules_load(cw_score_rules *o, const cw_rules *rules)
{
	cw_section sc = cw_rules_section(rules, "scoring"), gr = cw_rules_section(rules, "grades");
	cw_section rk = cw_rules_section(rules, "ranking");
	int rc;
	memset(o, 0, sizeof *o);
	if ((rc = cw_section_int(&o->min_visits, &sc, "min_visits", 0, 1000000)) < 0 ||
	    (rc = cw_section_double(&o->money_full, &sc, "money_share_full", 1e-9, 1e6)) < 0 ||
	    (rc = cw_section_double(&o->rate_full, &sc, "per_100_visits_full", 1e-9, 1e6)) < 0 ||
	    (rc = cw_section_double(&o->outlier_full, &sc, "outlier_full", 1e-9, 1e6)) < 0 ||
	    (rc = cw_section_bool(&o->physician_level_amount, &sc, "count_physician_level_amount")) < 0 ||
	    (rc = cw_section_bool(&o->rank_too_few, &sc, "rank_too_few")) < 0 ||
	    (rc = load_weights(&sc, o)) < 0 || (rc = load_floors(&sc, rules, o)) < 0 ||
	    (rc = cw_section_double(&o->cut_basic, &gr, "basically_reasonable", 0, 100)) < 0 ||
	    (rc = cw_section_double(&o->cut_unreasonable, &gr, "unreasonable", 0, 100)) < 0 ||
	    (rc = cw_section_choice(&o->scope, &rk, "scope", scope_names)) < 0)
		return rc;
	if (o->cut_basic > o->cut_unreasonable)
		return cw_error_set(CW_EINVALID, "grades.basically_reasonable (%g) is above grades.unreasonable (%g)",
		                    o->cut_basic, o->cut_unreasonable);
	return 0;
}

/* --- activity: visits and billing ------------------------------------------------ */

/* A visit belongs to the month when it has a claim line in the month or was admitted in it. */
static uint8_t *visits_of_month(const cw_dataset *ds)
{
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_claims *c = cw_dataset_claims(ds);
	const cw_window *w = cw_dataset_window(ds);
	uint8_t *in = calloc(v->n ? v->n : 1, 1);
	if (!in)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		in[i] = v->admit[i] >= w->month_start && v->admit[i] < w->month_end;
	for (size_t i = 0; i < c->n; i++)
		if (c->flags[i] & CW_LINE_IN_MONTH)
			in[c->visit[i]] = 1;
	return in;
}

/* --- sites: the rows of a physician practising away from the own institution ------------ */

typedef struct site {
	cw_ref physician, inst, dept;
	size_t seq; /* the order seen: of two equal sites, the first seen gives the department */
} site;

/* The rows of the month: the physicians' own (row p for physician p), then one per physician and other
 * institution (nphys + j for away[j], sorted by physician and institution). */
typedef struct rowset {
	const cw_dataset *ds;
	size_t nphys, naway, k; /* k: the dimensions and the composite */
	site *away;
	uint32_t *away_start;   /* nphys + 1 offsets into away */
	cw_physcore *rows;
	cw_dimscore *cells;
} rowset;

static int push_site(site **v, size_t *n, size_t *cap, cw_ref p, cw_ref inst, cw_ref dept)
{
	if (cw_grow((void **)v, cap, *n + 1, sizeof **v) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory scoring");
	(*v)[*n] = (site){ p, inst, dept, *n };
	(*n)++;
	return 0;
}

static int by_site(const void *a, const void *b)
{
	const site *x = a, *y = b;
	if (x->physician != y->physician)
		return x->physician < y->physician ? -1 : 1;
	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int same_site(const site *x, const site *y) { return x->physician == y->physician && x->inst == y->inst; }

/* Every (physician, institution) of the month's lines, visits and findings away from the physician's
 * own institution, in order, once each (the first seen gives the department). */
static int find_sites(rowset *rs, const cw_findings *fs, const uint8_t *in)
{
	const cw_dataset *ds = rs->ds;
	const cw_physicians *ph = cw_dataset_physicians(ds);
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_claims *c = cw_dataset_claims(ds);
	size_t n = 0, cap = 0, nf = fs ? cw_findings_count(fs) : 0;
	site *all = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < c->n; i++)
		if ((c->flags[i] & CW_LINE_IN_MONTH) && v->inst[c->visit[i]] != ph->inst[c->physician[i]])
			rc = push_site(&all, &n, &cap, c->physician[i], v->inst[c->visit[i]], v->dept[c->visit[i]]);
	for (size_t i = 0; rc == 0 && i < v->n; i++)
		if (in[i] && v->physician[i] < rs->nphys && v->inst[i] != ph->inst[v->physician[i]])
			rc = push_site(&all, &n, &cap, v->physician[i], v->inst[i], v->dept[i]);
	for (size_t i = 0; rc == 0 && i < nf; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		if (r.f.physician != CW_NONE && r.f.physician < rs->nphys && r.inst != CW_NONE &&
		    r.inst != ph->inst[r.f.physician])
			rc = push_site(&all, &n, &cap, r.f.physician, r.inst, r.dept);
	}
	if (rc == 0 && n)
		qsort(all, n, sizeof *all, by_site);
	size_t w = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (w == 0 || !same_site(&all[w - 1], &all[i]))
			all[w++] = all[i];
	rs->away = all;
	rs->naway = rc == 0 ? w : 0;
	rs->away_start = calloc(rs->nphys + 1, sizeof *rs->away_start);
	if (rc == 0 && !rs->away_start)
		rc = cw_error_set(CW_ENOMEM, "out of memory scoring");
	for (size_t i = 0; rc == 0 && i < rs->naway; i++)
		rs->away_start[rs->away[i].physician + 1]++;
	for (size_t p = 0; rc == 0 && p < rs->nphys; p++)
		rs->away_start[p + 1] += rs->away_start[p];
	return rc;
}

/* The row of physician p at institution inst. */
static cw_physcore *row_of(const rowset *rs, cw_ref p, cw_ref inst)
{
	if (inst != cw_dataset_physicians(rs->ds)->inst[p])
		for (uint32_t j = rs->away_start[p]; j < rs->away_start[p + 1]; j++)
			if (rs->away[j].inst == inst)
				return &rs->rows[rs->nphys + j];
	return &rs->rows[p];
}

static int activity(const rowset *rs, const uint8_t *in)
{
	const cw_dataset *ds = rs->ds;
	const cw_physicians *ph = cw_dataset_physicians(ds);
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_claims *c = cw_dataset_claims(ds);
	uint32_t *stamp = calloc(v->n ? v->n : 1, sizeof *stamp);
	if (!stamp)
		return cw_error_set(CW_ENOMEM, "out of memory scoring");
	for (uint32_t p = 0; p < ph->n; p++) {
		for (uint32_t k = ph->line_start[p]; k < ph->line_start[p + 1]; k++) {
			uint32_t i = c->by_physician[k];
			if (!(c->flags[i] & CW_LINE_IN_MONTH))
				continue;
			cw_physcore *r = row_of(rs, p, v->inst[c->visit[i]]);
			r->billed += c->amount[i];
			if (stamp[c->visit[i]] != p + 1) {
				stamp[c->visit[i]] = p + 1;
				r->visits++;
			}
		}
		for (uint32_t k = ph->visit_start[p]; k < ph->visit_start[p + 1]; k++) {
			uint32_t vi = v->by_physician[k];
			if (in[vi] && stamp[vi] != p + 1) {
				stamp[vi] = p + 1;
				row_of(rs, p, v->inst[vi])->visits++;
			}
		}
	}
	for (size_t i = 0; i < rs->nphys + rs->naway; i++)
		if (rs->rows[i].billed < 0)
			rs->rows[i].billed = 0;
	free(stamp);
	return 0;
}

/* --- findings ---------------------------------------------------------------------- */

typedef struct share {
	uint32_t row; /* the physician's row at the finding's institution */
	uint32_t line;
	int32_t dim;
	cw_fen amount;
} share;

typedef struct shares {
	share *v;
	size_t n, cap;
} shares;

static int push_share(shares *s, uint32_t p, uint32_t line, int dim, cw_fen amount)
{
	if (cw_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory scoring");
	s->v[s->n++] = (share){ p, line, dim, amount };
	return 0;
}

/* Spreads a finding's money over its lines in proportion to their amounts,
 * never more than a line's amount; the last line takes the rounding rest. */
static int spread(const cw_dataset *ds, const cw_record *r, uint32_t row, shares *out)
{
	const cw_fen *amount = cw_dataset_claims(ds)->amount;
	cw_fen total = 0, given = 0;
	size_t n = r->f.nlines;
	for (size_t i = 0; i < n; i++)
		total += amount[r->f.lines[i]] > 0 ? amount[r->f.lines[i]] : 0;
	for (size_t i = 0; i < n; i++) {
		cw_fen a = amount[r->f.lines[i]] > 0 ? amount[r->f.lines[i]] : 0, part;
		if (i + 1 == n)
			part = r->f.suspect - given;
		else if (total > 0)
			part = (cw_fen)llround((double)r->f.suspect * (double)a / (double)total);
		else
			part = r->f.suspect / (cw_fen)n;
		if (total > 0 && part > a)
			part = a;
		if (part < 0)
			part = 0;
		given += part;
		int rc = push_share(out, row, r->f.lines[i], r->dimension, part);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int is_outlier(const cw_record *r) { return r->f.metric != NULL || r->f.patient == CW_NONE; }

static int count_finding(const cw_dataset *ds, const cw_score_rules *sr, size_t ndims, const cw_record *r,
                         int status, cw_physcore *row, uint32_t at, shares *sh)
{
	cw_dimscore *d = &row->dim[r->dimension], *all = &row->dim[ndims];
	if (status == CW_REVIEW_DISMISSED) {
		d->dismissed++;
		all->dismissed++;
		return 0;
	}
	d->findings++;
	all->findings++;
	int fl = floor_of(sr, r->detector);
	if (fl > d->min_grade)
		d->min_grade = fl;
	if (cw_review_is_confirmed(status)) {
		d->confirmed++;
		all->confirmed++;
	}
	if (is_outlier(r)) {
		double s = r->f.score < 0 ? 0 : r->f.score > 1 ? 1 : r->f.score;
		int sev = r->f.severity >= 0 && r->f.severity < CW_SEVERITY_COUNT ? r->f.severity : CW_NOTICE;
		d->outlier += sr->severity_weight[sev] * s;
		all->outlier += sr->severity_weight[sev] * s;
	}
	if (r->f.suspect <= 0)
		return 0;
	if (r->f.nlines)
		return spread(ds, r, at, sh);
	if (r->f.patient != CW_NONE || sr->physician_level_amount) {
		d->suspect += r->f.suspect;
		all->suspect += r->f.suspect;
	}
	return 0;
}

static int by_row_line_dim(const void *a, const void *b)
{
	const share *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->dim > y->dim) - (x->dim < y->dim);
}

/* Per physician and line: the largest share per dimension, and across dimensions for the composite. */
static void fold_shares(shares *sh, cw_physcore *rows, size_t ndims)
{
	if (sh->n)
		qsort(sh->v, sh->n, sizeof *sh->v, by_row_line_dim);
	for (size_t i = 0; i < sh->n;) {
		const share *g = &sh->v[i];
		cw_physcore *row = &rows[g->row];
		cw_fen line_max = 0;
		while (i < sh->n && sh->v[i].row == g->row && sh->v[i].line == g->line) {
			int dim = sh->v[i].dim;
			cw_fen dim_max = 0;
			for (; i < sh->n && sh->v[i].row == g->row && sh->v[i].line == g->line &&
			       sh->v[i].dim == dim; i++)
				if (sh->v[i].amount > dim_max)
					dim_max = sh->v[i].amount;
			row->dim[dim].suspect += dim_max;
			if (dim_max > line_max)
				line_max = dim_max;
		}
		row->dim[ndims].suspect += line_max;
	}
}

static int tally_findings(const cw_dataset *ds, const cw_findings *fs, const cw_score_rules *sr, size_t ndims,
                          const cw_reviews *rv, cw_scores *s, const rowset *rs)
{
	shares sh = { 0 };
	size_t n = fs ? cw_findings_count(fs) : 0, nphys = cw_dataset_physicians(ds)->n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		if (r.f.physician == CW_NONE || r.f.physician >= nphys || r.dimension < 0 || (size_t)r.dimension >= ndims ||
		    cw_finding_is_prompt(r.detector->name)) /* a prompt (prompts.h) ranks nobody */
			continue;
		int status = cw_reviews_status(rv, r.id);
		s->dismissed += status == CW_REVIEW_DISMISSED;
		s->confirmed += cw_review_is_confirmed(status);
		cw_physcore *row = row_of(rs, r.f.physician, r.inst);
		rc = count_finding(ds, sr, ndims, &r, status, row, (uint32_t)(row - rs->rows), &sh);
	}
	if (rc == 0)
		fold_shares(&sh, rs->rows, ndims);
	free(sh.v);
	return rc;
}

/* --- the formula ------------------------------------------------------------------- */

static double part(double x, double full) { return x >= full ? 1.0 : x / full; }

static void grade_cell(const cw_score_rules *sr, const cw_physcore *row, cw_dimscore *d)
{
	double m, r, o = part(d->outlier, sr->outlier_full);
	d->money_share = row->billed > 0 ? (double)d->suspect / (double)row->billed : 0;
	d->per_100 = row->visits ? 100.0 * d->findings / row->visits : 0;
	m = row->billed > 0 ? part(d->money_share, sr->money_full) : d->suspect > 0;
	r = row->visits ? part(d->per_100, sr->rate_full) : d->findings > 0;
	double w = sr->w_money + sr->w_rate + sr->w_outlier;
	d->score = (int32_t)llround(10000.0 * (sr->w_money * m + sr->w_rate * r + sr->w_outlier * o) / w);
	d->grade = CW_GRADE_NONE;
	if (row->too_few)
		return;
	if (d->score >= llround(sr->cut_unreasonable * 100))
		d->grade = CW_GRADE_UNREASONABLE;
	else if (d->score >= llround(sr->cut_basic * 100))
		d->grade = CW_GRADE_BASIC;
	else
		d->grade = CW_GRADE_REASONABLE;
	if (d->min_grade > d->grade)
		d->grade = d->min_grade;
}

static int active(const cw_physcore *row, size_t ndims)
{
	const cw_dimscore *all = &row->dim[ndims];
	return row->visits > 0 || all->findings > 0 || all->dismissed > 0;
}

/* Keeps the active rows, in physician order and for each physician in institution order, with their
 * cells packed. */
static int compact(cw_scores *s, const rowset *rs)
{
	size_t k = s->ndims + 1, n = 0, total = rs->nphys + rs->naway;
	for (size_t i = 0; i < total; i++)
		n += active(&rs->rows[i], s->ndims);
	s->rows = calloc(n ? n : 1, sizeof *s->rows);
	s->cells = calloc((n ? n : 1) * k, sizeof *s->cells);
	if (!s->rows || !s->cells)
		return cw_error_set(CW_ENOMEM, "out of memory scoring");
	for (size_t p = 0; p < rs->nphys; p++) {
		uint32_t j = rs->away_start[p], end = rs->away_start[p + 1];
		int home = 0;
		while (!home || j < end) { /* the own row among the away rows, by institution */
			size_t at;
			if (!home && (j == end || rs->rows[p].inst < rs->away[j].inst)) {
				at = p;
				home = 1;
			} else {
				at = rs->nphys + j++;
			}
			if (!active(&rs->rows[at], s->ndims))
				continue;
			s->rows[s->n] = rs->rows[at];
			s->rows[s->n].dim = s->cells + s->n * k;
			memcpy(s->rows[s->n].dim, rs->cells + at * k, k * sizeof *rs->cells);
			s->n++;
		}
	}
	return 0;
}

/* The month's rows, every counter 0: the physicians' own, then the away sites'. */
static int make_rows(rowset *rs)
{
	const cw_physicians *ph = cw_dataset_physicians(rs->ds);
	size_t total = rs->nphys + rs->naway;
	rs->rows = calloc(total ? total : 1, sizeof *rs->rows);
	rs->cells = calloc((total ? total : 1) * rs->k, sizeof *rs->cells);
	if (!rs->rows || !rs->cells)
		return cw_error_set(CW_ENOMEM, "out of memory scoring");
	for (size_t i = 0; i < total; i++) {
		const site *a = i < rs->nphys ? NULL : &rs->away[i - rs->nphys];
		rs->rows[i] = a ? (cw_physcore){ .physician = a->physician, .inst = a->inst, .dept = a->dept }
		                : (cw_physcore){ .physician = (cw_ref)i, .inst = ph->inst[i], .dept = ph->dept[i] };
		rs->rows[i].dim = rs->cells + i * rs->k;
	}
	for (size_t i = 0; i < total * rs->k; i++)
		rs->cells[i].min_grade = CW_GRADE_NONE;
	return 0;
}

static void grade_rows(const rowset *rs, const cw_score_rules *sr)
{
	for (size_t i = 0; i < rs->nphys + rs->naway; i++) {
		cw_physcore *row = &rs->rows[i];
		row->under_floor = row->visits < (uint64_t)sr->min_visits;
		row->too_few = row->under_floor && !sr->rank_too_few;
		for (size_t d = 0; d < rs->k; d++)
			grade_cell(sr, row, &row->dim[d]);
	}
}

int cw_score(cw_scores **out, const cw_dataset *ds, const cw_findings *fs, const cw_dimset *dims,
             const cw_score_rules *sr, const cw_reviews *rv)
{
	rowset rs = { .ds = ds, .nphys = cw_dataset_physicians(ds)->n, .k = cw_dimset_count(dims) + 1 };
	cw_scores *s = calloc(1, sizeof *s);
	uint8_t *in = visits_of_month(ds);
	int rc = s && in ? 0 : cw_error_set(CW_ENOMEM, "out of memory scoring");
	if (rc == 0) {
		s->ndims = rs.k - 1;
		rc = find_sites(&rs, fs, in);
	}
	if (rc == 0)
		rc = make_rows(&rs);
	if (rc == 0)
		rc = activity(&rs, in);
	if (rc == 0)
		rc = tally_findings(ds, fs, sr, s->ndims, rv, s, &rs);
	if (rc == 0) {
		grade_rows(&rs, sr);
		rc = compact(s, &rs);
	}
	free(in);
	free(rs.away);
	free(rs.away_start);
	free(rs.rows);
	free(rs.cells);
	if (rc < 0) {
		cw_scores_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void cw_scores_free(cw_scores *s)
{
	if (!s)
		return;
	free(s->rows);
	free(s->cells);
	free(s);
}
