/* report.c: the monthly report's driver: indexes over the run's results, the cycle's trend, the
 * sanctions due, then every page, then one sync of the folder (see report.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/outdir.h"
#include "io/rootmonths.h"
#include "report/report.h"
#include "util/grow.h"
#include "util/progress.h"

/* --- the data the pages share -------------------------------------------------------- */

static int build_indexes(cw_report *r)
{
	size_t np = cw_dataset_physicians(r->ds)->n, nf = r->in->findings ? cw_findings_count(r->in->findings) : 0;
	r->srow = malloc((np + 1) * sizeof *r->srow);
	r->fstart = calloc(np + 2, sizeof *r->fstart);
	r->fidx = malloc((nf + 1) * sizeof *r->fidx);
	r->has_page = calloc(np + 1, 1);
	if (!r->srow || !r->fstart || !r->fidx || !r->has_page)
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	for (size_t p = 0; p < np; p++)
		r->srow[p] = -1;
	for (size_t i = r->sc->n; i-- > 0;) /* a physician at several institutions: the first row */
		r->srow[r->sc->rows[i].physician] = (int32_t)i;
	/* findings by physician: a counting sort keeps each physician's findings in list order */
	for (size_t i = 0; i < nf; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, i);
		r->fstart[rec.f.physician + 2]++;
	}
	for (size_t p = 0; p < np; p++)
		r->fstart[p + 2] += r->fstart[p + 1];
	for (size_t i = 0; i < nf; i++) {
		cw_record rec;
		cw_findings_get(&rec, r->in->findings, i);
		r->fidx[r->fstart[rec.f.physician + 1]++] = (uint32_t)i;
	}
	return 0;
}

/* One earlier month's ranking.csv into the trend (physicians scored this month only). */
static int read_trend_month(cw_report *r, const char *path, int m)
{
	static const char *const cols[] = { "physician_id", "dimension", "score", NULL };
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, cols);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	size_t nd = r->sc->ndims + 1;
	char id[80], dim[64], score[32];
	while ((rc = cw_csvtab_next(t)) == 1) {
		cw_csvtab_copy(id, sizeof id, t, 0);
		cw_csvtab_copy(dim, sizeof dim, t, 1);
		cw_csvtab_copy(score, sizeof score, t, 2);
		cw_ref p = cw_dataset_find(r->ds, CW_T_PHYSICIANS, id);
		int d = !strcmp(dim, "composite") ? (int)r->sc->ndims : cw_dimset_find(r->in->dims, dim);
		char *end;
		double v = strtod(score, &end);
		if (p == CW_NONE || r->srow[p] < 0 || d < 0 || !score[0] || *end)
			continue;
		r->trend[((size_t)r->srow[p] * (size_t)r->nmonths + (size_t)m) * nd + (size_t)d] = (int32_t)lround(v * 100);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* The months of the cycle up to this one: earlier ones from ROOT, this one from the scores. */
static int load_trend(cw_report *r)
{
	cw_month last = r->in->when, m = cw_cycle_first(last);
	r->nmonths = last.month - m.month + 1;
	size_t nd = r->sc->ndims + 1, cells = r->sc->n * (size_t)r->nmonths * nd;
	r->trend = malloc((cells + 1) * sizeof *r->trend);
	if (!r->trend)
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	for (size_t i = 0; i < cells; i++)
		r->trend[i] = -1;
	for (int k = 0; k < r->nmonths; k++, m = cw_month_next(m)) {
		cw_month_format(r->months[k], m);
		char path[4096];
		if (k + 1 < r->nmonths) {
			if (cw_root_month_file(path, sizeof path, r->in->root, m, "ranking.csv") == 0) {
				int rc = read_trend_month(r, path, k);
				if (rc < 0)
					return cw_error_wrap(rc, "the cycle's trend");
			}
			continue;
		}
		for (size_t i = 0; i < r->sc->n; i++) {
			const cw_physcore *p = &r->sc->rows[i];
			for (size_t d = 0; d < nd && !p->too_few; d++)
				r->trend[(i * (size_t)r->nmonths + (size_t)k) * nd + d] = p->dim[d].score;
		}
	}
	return 0;
}

static void free_sanctions(cw_report *r)
{
	for (size_t i = 0; i < r->nsanctions; i++) {
		cw_report_sanction *s = &r->sanctions[i];
		char **fields[] = { &s->physician_id, &s->inst_id, &s->dept_id, &s->name, &s->level, &s->single_firsts,
			            &s->composite_firsts, &s->months, &s->measures };
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
			free(*fields[k]);
	}
	free(r->sanctions);
	r->sanctions = NULL;
	r->nsanctions = 0;
}

/* The sanctions due, from the sanctions.csv this run has just written. */
static int load_sanctions(cw_report *r)
{
	static const char *const cols[] = { "physician_id", "inst_id", "dept_id", "?physician_name", "level",
		                            "single_firsts", "composite_firsts", "?months_flagged", "measures", NULL };
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, r->in->sanctions_csv, cols);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	size_t cap = 0;
	while ((rc = cw_csvtab_next(t)) == 1) {
		if (cw_grow((void **)&r->sanctions, &cap, r->nsanctions + 1, sizeof *r->sanctions) < 0) {
			rc = cw_error_set(CW_ENOMEM, "out of memory reading sanctions.csv");
			break;
		}
		cw_report_sanction *s = &r->sanctions[r->nsanctions++];
		char **fields[] = { &s->physician_id, &s->inst_id, &s->dept_id, &s->name, &s->level, &s->single_firsts,
			            &s->composite_firsts, &s->months, &s->measures };
		int bad = 0;
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
			bad |= !(*fields[k] = cw_csvtab_dup(t, k));
		if (bad) {
			rc = cw_error_set(CW_ENOMEM, "out of memory reading sanctions.csv");
			break;
		}
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* The process's CPU seconds so far (user and system, all threads). */
static double cpu_now(void)
{
	struct timespec ts;
	return clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 ? (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 : 0;
}

/* One sync for the whole folder instead of one per page: thousands of pages stay fast. */
static int sync_folder(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot open %s: %s", dir, strerror(errno));
	int bad = syncfs(fd) != 0;
	int err = errno;
	close(fd);
	return bad ? cw_error_set(CW_EIO, "writing the report %s failed: %s", dir, strerror(err)) : 0;
}

/* The page sizes: the build's, or CLAIMWATCH_REPORT_ROWS=EVIDENCE,FINDINGS,RANKING (three counts of at
 * least 1), which the tests use to split pages on small data. */
static int page_sizes(cw_report *r)
{
	r->evidence_rows = CW_REPORT_EVIDENCE_ROWS;
	r->findings_per_page = CW_REPORT_FINDINGS_PER_PAGE;
	r->ranking_rows = CW_REPORT_RANKING_ROWS;
	const char *env = getenv("CLAIMWATCH_REPORT_ROWS");
	if (!env || !*env)
		return 0;
	unsigned long v[3];
	int used = 0;
	if (sscanf(env, "%lu,%lu,%lu%n", &v[0], &v[1], &v[2], &used) != 3 || env[used] || !v[0] || !v[1] || !v[2] ||
	    v[0] > 1000000 || v[1] > 1000000 || v[2] > 1000000)
		return cw_error_set(CW_EINVALID, "CLAIMWATCH_REPORT_ROWS is three counts from 1 to 1000000, "
		                    "EVIDENCE,FINDINGS,RANKING (such as 1500,250,6000), not '%s'", env);
	r->evidence_rows = v[0];
	r->findings_per_page = v[1];
	r->ranking_rows = v[2];
	return 0;
}

static void release(cw_report *r)
{
	free(r->srow);
	free(r->fstart);
	free(r->fidx);
	free(r->has_page);
	free(r->trend);
	free_sanctions(r);
}

int cw_report_write(const cw_report_input *in)
{
	double t0 = cw_now(), c0 = cpu_now();
	cw_report r = { .in = in, .ds = in->ds, .sc = in->scores, .lang = in->lang };
	if (!in->ds || !in->scores)
		return 0;
	snprintf(r.dir, sizeof r.dir, "%s", in->dir);
	int rc = page_sizes(&r);
	if (rc == 0)
		rc = cw_mkdirs(cw_report_file(&r, "p"), cw_output_dir_mode(in->output));
	if (rc == 0)
		rc = cw_html_kit_init(&r.kit, in->output, r.lang, in->month);
	if (rc == 0)
		rc = cw_html_kit_write_assets(&r.kit, r.dir);
	if (rc == 0)
		rc = build_indexes(&r);
	if (rc == 0)
		rc = load_trend(&r);
	if (rc == 0)
		rc = load_sanctions(&r);
	if (rc == 0)
		rc = cw_report_physicians(&r); /* first: the other pages link only to pages that exist */
	if (rc == 0)
		rc = cw_report_summary(&r);
	if (rc == 0)
		rc = cw_report_ranking(&r);
	if (rc == 0)
		rc = cw_report_charts(&r);
	if (rc == 0)
		rc = cw_report_indicators(&r);
	if (rc == 0)
		rc = cw_report_institutions(&r);
	if (rc == 0)
		rc = cw_report_budget(&r);
	if (rc == 0)
		rc = sync_folder(r.dir);
	if (rc == 0)
		cw_progress_note("%s: report: %zu pages, %.1f MB, the largest %s (%.0f KB), in %.2f s (CPU %.2f s)",
		                 in->month, r.files, (double)r.bytes / 1e6, r.largest_name, (double)r.largest / 1e3,
		                 cw_now() - t0, cpu_now() - c0);
	release(&r);
	return rc < 0 ? cw_error_wrap(rc, "writing the report") : 0;
}
