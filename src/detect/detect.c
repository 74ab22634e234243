/* detect.c: runs the detectors of the registry over a dataset, on several threads, and gathers
 * the month's findings in a deterministic order (claimwatch/findings.h).
 *
 * The detectors are configured from the rules once into a set (cw_detector_set_new), which is never
 * written after: cw_detect_set runs it over a dataset, from any number of threads at once (each run
 * has its own jobs, findings and id set); cw_detect makes a set for one run.
 *
 * A detector partitioned by patients is cut into slices of about equal line
 * counts. The slices depend on the data only, never on the thread count, and
 * their findings are concatenated in slice order, so the output is the same
 * whatever the number of threads. Threads take (detector, slice) jobs from a
 * shared counter. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/dxcoding.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"
#include "dataset/pool.h"
#include "engine/findings_impl.h"
#include "util/progress.h"
#include "util/threads.h"

#define LINES_PER_SLICE 200000

typedef struct job {
	int detector;
	cw_ref begin, end;
	cw_findings *found;
	double seconds;
	int rc;
	char error[512];
} job;

typedef struct runner {
	const cw_registry *reg;
	const cw_dataset *ds;
	const cw_metrics *metrics;
	double fund_share; /* the rules' fund.estimated_share, for each finding's fund */
	int dx_coding;     /* the month's diagnosis coding (cw_scan.dx_coding) */
	void *const *configs;
	job *jobs;
	size_t njobs;
	size_t next; /* taken under lock */
	int (*stop)(void *arg); /* cw_detect_opts' */
	void *stop_arg;
	int stopped;            /* under lock */
	pthread_mutex_t lock;
} runner;

static void run_job(runner *r, job *j)
{
	const cw_detector *d = cw_registry_get(r->reg, (size_t)j->detector);
	cw_scan ctx = { r->ds, r->configs[j->detector], j->begin, j->end,
		        d->needs & CW_NEEDS_METRICS ? r->metrics : NULL, r->dx_coding };
	double t0 = cw_now();
	if ((j->rc = cw_findings_new(&j->found)) == 0)
		j->rc = d->scan(j->found, &ctx);
	j->seconds = cw_now() - t0;
	if (j->rc < 0)
		snprintf(j->error, sizeof j->error, "%s", cw_error_last());
}

static void *worker(void *arg)
{
	runner *r = arg;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		size_t i = r->next++;
		if (i < r->njobs && r->stop && (r->stopped || r->stop(r->stop_arg)))
			r->stopped = 1, i = r->njobs;
		pthread_mutex_unlock(&r->lock);
		if (i >= r->njobs)
			return NULL;
		run_job(r, &r->jobs[i]);
	}
}

/* Slices of patients with about LINES_PER_SLICE lines each. */
static size_t slice_patients(const cw_dataset *ds, cw_ref *cuts, size_t max)
{
	const cw_patients *p = cw_dataset_patients(ds);
	size_t n = 0;
	cuts[n++] = 0;
	for (cw_ref i = 0; i < p->n && n < max; i++)
		if (p->line_start[i] - p->line_start[cuts[n - 1]] >= LINES_PER_SLICE)
			cuts[n++] = i;
	cuts[n] = (cw_ref)p->n;
	return n;
}

/* --- a set of configured detectors ---------------------------------------------------------------- */

struct cw_detector_set {
	const cw_rules *rules;
	const cw_registry *reg;
	const cw_dimset *dims;
	double fund_share;  /* the rules' fund.estimated_share */
	int dx_declared;    /* the rules' dx.coding */
	void **configs;     /* per detector of the registry; NULL outside the set */
	int *in;            /* per detector of the registry: 1 in the set */
	size_t n;           /* detectors in the set */
};

static int named(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/* Configures the enabled detectors of the rules (those named, when names). Every detector's section must
 * exist and its "enabled" be a boolean, so a bad key fails whatever the selection. */
static int configure_set(cw_detector_set *set, const char *const *names, size_t nnames)
{
	for (size_t d = 0; d < cw_registry_count(set->reg); d++) {
		const cw_detector *det = cw_registry_get(set->reg, d);
		char path[128];
		snprintf(path, sizeof path, "detectors.%s", det->name);
		cw_section s = cw_rules_section(set->rules, path);
		int on, rc;
		if (!cw_section_exists(&s))
			return cw_error_set(CW_EINVALID, "%s: missing from the rules", path);
		if ((rc = cw_section_bool(&on, &s, "enabled")) < 0)
			return rc;
		set->in[d] = on && (!names || named(det->name, names, nnames));
		if (set->in[d] && (rc = det->configure(&set->configs[d], &s)) < 0)
			return cw_error_wrap(rc, "detector %s", det->name);
		set->n += (size_t)set->in[d];
	}
	for (size_t i = 0; names && i < nnames; i++)
		if (cw_registry_index(set->reg, names[i]) < 0)
			return cw_error_set(CW_EUSAGE, "no detector is named '%s' (see `claimwatch detectors`)", names[i]);
	return 0;
}

void cw_detector_set_free(cw_detector_set *set)
{
	if (!set)
		return;
	for (size_t d = 0; set->configs && d < cw_registry_count(set->reg); d++)
		if (set->configs[d] && cw_registry_get(set->reg, d)->release)
			cw_registry_get(set->reg, d)->release(set->configs[d]);
	free(set->configs);
	free(set->in);
	free(set);
}

int cw_detector_set_new(cw_detector_set **out, const cw_rules *rules, const cw_dimset *dims, const char *const *names,
                        size_t n)
{
	cw_detector_set *set = calloc(1, sizeof *set);
	size_t nd = cw_registry_count(cw_rules_registry(rules));
	if (set) {
		set->rules = rules;
		set->reg = cw_rules_registry(rules);
		set->dims = dims;
		set->configs = calloc(nd ? nd : 1, sizeof *set->configs);
		set->in = calloc(nd ? nd : 1, sizeof *set->in);
	}
	int rc = set && set->configs && set->in ? cw_fund_share(&set->fund_share, rules)
	                                         : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = cw_dx_coding_load(&set->dx_declared, rules);
	if (rc == 0)
		rc = configure_set(set, names, n);
	if (rc < 0) {
		cw_detector_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

size_t cw_detector_set_count(const cw_detector_set *set) { return set->n; }

const cw_detector *cw_detector_set_get(const cw_detector_set *set, size_t i)
{
	for (size_t d = 0; d < cw_registry_count(set->reg); d++)
		if (set->in[d] && i-- == 0)
			return cw_registry_get(set->reg, d);
	return NULL;
}

static int plan_jobs(const cw_registry *reg, const cw_dataset *ds, const int *enabled, job **out, size_t *njobs)
{
	size_t npat = cw_dataset_patients(ds)->n;
	size_t maxcuts = cw_dataset_claims(ds)->n / LINES_PER_SLICE + 2;
	cw_ref *cuts = malloc((maxcuts + 1) * sizeof *cuts);
	size_t nslices = cuts ? slice_patients(ds, cuts, maxcuts) : 0;
	size_t cap = cw_registry_count(reg) * (nslices ? nslices : 1), n = 0;
	job *jobs = calloc(cap ? cap : 1, sizeof *jobs);
	if (!cuts || !jobs) {
		free(cuts);
		free(jobs);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t d = 0; d < cw_registry_count(reg); d++) {
		if (!enabled[d])
			continue;
		if (cw_registry_get(reg, d)->partition == CW_PARTITION_NONE) {
			jobs[n++] = (job){ .detector = (int)d, .begin = 0, .end = (cw_ref)npat };
			continue;
		}
		for (size_t s = 0; s < nslices; s++)
			jobs[n++] = (job){ .detector = (int)d, .begin = cuts[s], .end = cuts[s + 1] };
	}
	free(cuts);
	*out = jobs;
	*njobs = n;
	return 0;
}

static int run_threads(runner *r, int threads)
{
	threads = cw_threads(threads);
	if ((size_t)threads > r->njobs)
		threads = r->njobs ? (int)r->njobs : 1;
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	if (!t)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int started = 0;
	for (int i = 1; i < threads; i++, started++)
		if (pthread_create(&t[i], NULL, worker, r) != 0)
			break;
	worker(r);
	for (int i = 1; i <= started; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}

/* Stable id: a hash of what identifies the case in the data. The patient's
 * raw id is left out: findings.csv shows every other input of the hash, so
 * an unkeyed hash of the id would let anyone test candidate patient ids
 * against a finding id and undo the pseudonym. It identifies nothing the
 * visit and the lines do not (a patient's finding always comes from a visit
 * or from lines), and equal ids are numbered apart anyway (gather). */
static void finding_id(const cw_dataset *ds, const cw_window *w, const cw_record *r, char *id)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	uint64_t h = cw_hash(r->detector->name, strlen(r->detector->name));
	const cw_str parts[3] = {
		r->f.physician == CW_NONE ? CW_NONE : cw_dataset_physicians(ds)->id[r->f.physician],
		CW_NONE, /* was the patient's raw id (see above) */
		r->f.visit == CW_NONE ? CW_NONE : cw_dataset_visits(ds)->id[r->f.visit],
	};
	char month[8];
	cw_month_format(month, w->month);
	h = h * 31 + cw_hash(month, 7);
	for (int i = 0; i < 3; i++) {
		const char *s = cw_dataset_str(ds, parts[i]);
		h = h * 31 + cw_hash(s, strlen(s));
	}
	const char *extra[2] = { r->f.tag ? r->f.tag : "", r->f.metric ? r->f.metric : "" };
	for (int i = 0; i < 2; i++)
		h = h * 31 + cw_hash(extra[i], strlen(extra[i]));
	if (r->f.physician == CW_NONE && r->f.dept != CW_NONE) { /* a department's finding (no term before: ids of others stay) */
		const char *dept = cw_dataset_str(ds, cw_dataset_departments(ds)->id[r->f.dept]);
		h = h * 31 + cw_hash(dept, strlen(dept));
	}
	uint64_t lines = 0; /* order-independent: a sum of the lines' hashes */
	for (size_t i = 0; i < r->f.nlines; i++) {
		const char *s = cw_dataset_str(ds, cl->id[r->f.lines[i]]);
		lines += cw_hash(s, strlen(s));
	}
	h = h * 31 + lines;
	snprintf(id, CW_FINDING_ID_SIZE, "F%016llx", (unsigned long long)h);
}

/* Keeps the month's findings of job j, completed with detector, dimension, place and id. */
static int gather(const runner *run, const cw_dimset *dims, const job *j, cw_findings *all, cw_u64set *ids)
{
	const cw_dataset *ds = run->ds;
	const cw_detector *det = cw_registry_get(run->reg, (size_t)j->detector);
	const cw_window *w = cw_dataset_window(ds);
	const cw_physicians *ph = cw_dataset_physicians(ds);
	for (size_t i = 0; i < cw_findings_count(j->found); i++) {
		cw_record r;
		cw_findings_get(&r, j->found, i);
		if (r.f.when < w->month_start || r.f.when >= w->month_end)
			continue;
		if ((r.f.physician != CW_NONE && r.f.physician >= ph->n) ||
		    (r.f.dept != CW_NONE && r.f.dept >= cw_dataset_departments(ds)->n))
			return cw_error_set(CW_EINVALID, "%s: a finding names a %s row past the table's end", det->name,
			                    r.f.physician != CW_NONE && r.f.physician >= ph->n ? "physician" : "department");
		int rc = cw_findings_copy(all, j->found, i);
		if (rc < 0)
			return rc;
		cw_stored *s = cw_findings_last(all);
		s->detector = det;
		s->dimension = cw_dimset_resolve(dims, j->detector, r.f.cls);
		cw_finding_place(&s->inst, &s->dept, ds, &r.f);
		cw_finding_fund(&s->fund, &s->fund_estimated, ds, &r.f, run->fund_share);
		r.detector = det;
		finding_id(ds, w, &r, s->id);
		/* two findings on identical evidence: number the later ones */
		int added;
		for (int k = 2; (added = cw_u64set_insert(ids, strtoull(s->id + 1, NULL, 16))) == 0; k++)
			snprintf(s->id + 1, CW_FINDING_ID_SIZE - 1, "%016llx",
			         (unsigned long long)(strtoull(s->id + 1, NULL, 16) + (unsigned)k));
		if (added < 0)
			return cw_error_set(CW_ENOMEM, "out of memory numbering the findings");
	}
	return 0;
}

int cw_detect_check(const cw_rules *rules)
{
	cw_detector_set *set = NULL;
	int rc = cw_detector_set_new(&set, rules, NULL, NULL, 0);
	cw_detector_set_free(set);
	return rc;
}

/* The month's metrics when an enabled detector needs them: the caller's, else computed into *own. */
static int month_metrics(const cw_dataset *ds, const cw_rules *rules, const int *enabled, const cw_metrics *given,
                         cw_metrics **own, const cw_metrics **out)
{
	const cw_registry *reg = cw_rules_registry(rules);
	int needed = 0;
	for (size_t d = 0; d < cw_registry_count(reg); d++)
		needed |= enabled[d] && (cw_registry_get(reg, d)->needs & CW_NEEDS_METRICS);
	*out = given;
	if (!needed || given)
		return 0;
	cw_metrics_opts mo;
	int rc = cw_metrics_opts_load(&mo, rules);
	if (rc == 0)
		rc = cw_metrics_compute(own, ds, &mo);
	if (rc < 0)
		return cw_error_wrap(rc, "the physicians' metrics");
	*out = *own;
	return 0;
}

/* Each detector's name and scan time, summed over its slices (the findings are counted as kept). */
static void time_jobs(const runner *r, cw_detect_timing *t)
{
	for (size_t d = 0; d < cw_registry_count(r->reg); d++)
		t[d] = (cw_detect_timing){ cw_registry_get(r->reg, d)->name, 0, 0 };
	for (size_t i = 0; i < r->njobs; i++)
		t[r->jobs[i].detector].seconds += r->jobs[i].seconds;
}

/* The jobs' findings of the month, in job order (detector, then slice), into *out. */
static int gather_all(const runner *r, const cw_dimset *dims, cw_detect_timing *timings, cw_findings **out)
{
	cw_findings *all = NULL;
	cw_u64set ids = { 0 };
	int rc = cw_findings_new(&all);
	for (size_t i = 0; rc == 0 && i < r->njobs; i++) {
		const job *j = &r->jobs[i];
		size_t before = cw_findings_count(all);
		if (j->rc < 0)
			rc = cw_error_set(j->rc, "detector %s: %s", cw_registry_get(r->reg, (size_t)j->detector)->name,
			                  j->error);
		else
			rc = gather(r, dims, j, all, &ids);
		if (timings)
			timings[j->detector].findings += cw_findings_count(all) - before;
	}
	cw_u64set_free(&ids);
	if (rc < 0) {
		cw_findings_free(all);
		return rc;
	}
	*out = all;
	return 0;
}

int cw_detect_set(cw_findings **out, const cw_dataset *ds, const cw_detector_set *set, const cw_detect_opts *opts)
{
	cw_detect_opts none = { 0 };
	const cw_detect_opts *o = opts ? opts : &none;
	const cw_registry *reg = set->reg;
	size_t nd = cw_registry_count(reg);
	runner r = { .reg = reg, .ds = ds, .fund_share = set->fund_share, .configs = set->configs,
		     .stop = o->stop, .stop_arg = o->stop_arg, .lock = PTHREAD_MUTEX_INITIALIZER };
	cw_dx_month dx;
	cw_dx_month_census(&dx, ds, set->dx_declared);
	r.dx_coding = dx.coding;
	cw_metrics *own = NULL;
	if (o->only && cw_registry_index(reg, o->only) < 0)
		return cw_error_set(CW_EUSAGE, "no detector is named '%s' (see `claimwatch detectors`)", o->only);
	if (!set->dims)
		return cw_error_set(CW_EUSAGE, "the detector set was made without the rules' dimensions");
	int *enabled = calloc(nd ? nd : 1, sizeof *enabled);
	int rc = enabled ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t d = 0; rc == 0 && d < nd; d++)
		enabled[d] = set->in[d] && (!o->only || !strcmp(o->only, cw_registry_get(reg, d)->name));
	if (rc == 0)
		rc = month_metrics(ds, set->rules, enabled, o->metrics, &own, &r.metrics);
	if (rc == 0)
		rc = plan_jobs(reg, ds, enabled, &r.jobs, &r.njobs);
	if (rc == 0)
		rc = run_threads(&r, o->threads);
	if (rc == 0 && r.stopped)
		rc = cw_error_set(CW_ERROR, "the detection was stopped");
	if (o->timings)
		time_jobs(&r, o->timings);
	if (rc == 0)
		rc = gather_all(&r, set->dims, o->timings, out);
	for (size_t i = 0; i < r.njobs; i++)
		cw_findings_free(r.jobs[i].found);
	free(r.jobs);
	free(enabled);
	cw_metrics_free(own);
	return rc;
}

int cw_detect(cw_findings **out, const cw_dataset *ds, const cw_rules *rules, const cw_dimset *dims,
              const cw_detect_opts *opts)
{
	const char *only = opts ? opts->only : NULL;
	cw_detector_set *set = NULL;
	int rc = cw_detector_set_new(&set, rules, dims, only ? &only : NULL, only ? 1 : 0);
	if (rc == 0)
		rc = cw_detect_set(out, ds, set, opts);
	cw_detector_set_free(set);
	return rc;
}
