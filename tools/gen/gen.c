/* gen.c: the generator's driver: options, random numbers, the order of the
 * work (catalogue, organisation, roles, patients, physician-level truth,
 * truth.json) and the output files. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "gen.h"
#include "util/progress.h"

/* Patients per unit of scale: calibrated so that scale 1 gives about
 * CW_GEN_LINES_PER_SCALE claim lines a month. */
#define PATIENTS_PER_SCALE 20300.0

static const char *const file_name[F_COUNT] = {
	"institutions.csv", "departments.csv", "physicians.csv", "patients.csv", "items.csv", "bundles.csv",
	"visits.csv", "claim_lines.csv", "prescriptions.csv", "exam_results.csv",
};
static const char *const file_header[F_COUNT] = {
	"inst_id,name,level,region",
	"dept_id,inst_id,name,specialty",
	"physician_id,name,inst_id,dept_id,title",
	"patient_id,sex,birth_date,death_date",
	("item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,max_daily_qty,sex_only,"
	 "age_min,age_max,min_level,setting,catalogue_class,essential"),
	"bundle_code,component_code",
	"visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name",
	"line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount,fund_amount,self_amount",
	"rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount",
	"line_id,result",
};

/* --- random numbers -------------------------------------------------------------------------- */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

double gen_normal(gen_rng *r)
{
	double u = gen_unif(r), v = gen_unif(r);
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

double gen_lognormal(gen_rng *r, double median, double sigma)
{
	double z = gen_normal(r);
	if (z > 2.5)
		z = 2.5;
	if (z < -2.5)
		z = -2.5;
	return median * exp(sigma * z);
}

double gen_exp(gen_rng *r, double mean)
{
	double u = gen_unif(r);
	return -mean * log(1.0 - u);
}

int gen_pick(gen_rng *r, const double *w, int n)
{
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	if (sum <= 0)
		return 0;
	double x = gen_unif(r) * sum;
	for (int i = 0; i < n; i++) {
		x -= w[i];
		if (x < 0 && w[i] > 0)
			return i;
	}
	for (int i = n; i-- > 0;)
		if (w[i] > 0)
			return i;
	return 0;
}

/* --- the run ------------------------------------------------------------------------------- */
void cw_gen_opts_init(cw_gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->first = (cw_month){ 2026, 1 };
	o->last = (cw_month){ 2026, 6 };
	o->scale = 1.0;
	o->seed = 1;
	o->warmup_days = 15;
}

static int make_dir(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return cw_error_set(CW_EIO, "%s: cannot create directory: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
		return cw_error_set(CW_EIO, "%s: cannot create directory: %s", tmp, strerror(errno));
	struct stat st;
	if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
		return cw_error_set(CW_EIO, "%s: not a directory", tmp);
	return 0;
}

static int setup(gen_ctx *g, const cw_gen_opts *o)
{
	if (!o->out_dir || !*o->out_dir)
		return cw_error_set(CW_EUSAGE, "gen: no output directory");
	if (!(o->scale > 0) || o->scale > 10000)
		return cw_error_set(CW_EUSAGE, "gen: scale must be above 0 and at most 10000");
	if (cw_month_cmp(o->first, o->last) > 0)
		return cw_error_set(CW_EUSAGE, "gen: the first month is after the last");
	g->o = *o;
	if (g->o.warmup_days < 0)
		g->o.warmup_days = 0;
	for (cw_month m = o->first; cw_month_cmp(m, o->last) <= 0; m = cw_month_next(m))
		g->nmonths++;
	if (g->nmonths > 24)
		return cw_error_set(CW_EUSAGE, "gen: at most 24 months at once");
	g->month_start = calloc((size_t)g->nmonths + 1, sizeof *g->month_start);
	if (!g->month_start)
		return cw_error_set(CW_ENOMEM, "gen: out of memory");
	cw_month m = o->first;
	for (int i = 0; i <= g->nmonths; i++, m = cw_month_next(m))
		g->month_start[i] = cw_month_start(m);
	g->range_start = g->month_start[0];
	g->range_end = g->month_start[g->nmonths];
	g->day_start = cw_day_of(g->range_start);
	g->day_end = cw_day_of(g->range_end);
	g->gen_start = g->range_start - g->o.warmup_days * CW_MINUTES_PER_DAY;
	gen_rng_seed(&g->rng, o->seed, 0);
	g->stat_roles = o->scale >= 0.8;
	/* the first months of a range are a little busier (pregnancies end, stays start): short
	 * ranges get fewer patients for the same lines a month */
	double np = ceil(PATIENTS_PER_SCALE * o->scale / (1.0 + 0.18 / g->nmonths));
	g->npat = np < 1 ? 1 : (uint64_t)np;
	return 0;
}

static int open_outputs(gen_ctx *g)
{
	int rc = make_dir(g->o.out_dir);
	for (int f = 0; rc == 0 && f < F_COUNT; f++)
		rc = gen_out_open(&g->out[f], g->o.out_dir, file_name[f], file_header[f]);
	return rc;
}

static int close_outputs(gen_ctx *g)
{
	int rc = 0;
	for (int f = 0; f < F_COUNT; f++) {
		int r = gen_out_close(&g->out[f]);
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}

static void ctx_free(gen_ctx *g)
{
	gen_catalog_free(g);
	gen_truth_free(&g->truth);
	gen_posrate_free(g);
	gen_fund_free(g);
	gen_drugshare_free(g);
	free(g->pm);
	free(g->month_start);
}

int cw_gen_run(const cw_gen_opts *o, cw_gen_stats *stats)
{
	double t0 = cw_now();
	gen_ctx *g = calloc(1, sizeof *g);
	if (!g)
		return cw_error_set(CW_ENOMEM, "gen: out of memory");
	int rc = setup(g, o);
	if (rc == 0)
		rc = gen_catalog_init(g);
	if (rc == 0)
		rc = gen_selfitem_init(g);
	if (rc == 0)
		rc = gen_org_init(g);
	if (rc == 0) {
		g->pm = calloc((size_t)g->nphys * (size_t)g->nmonths, sizeof *g->pm);
		if (!g->pm)
			rc = cw_error_set(CW_ENOMEM, "gen: out of memory");
	}
	if (rc == 0) {
		gen_roles_assign(g);
		gen_badinst_init(g);
		rc = gen_posrate_init(g);
	}
	if (rc == 0)
		rc = gen_fund_init(g);
	if (rc == 0)
		rc = open_outputs(g);
	if (rc == 0)
		rc = gen_catalog_write(g);
	if (rc == 0)
		rc = gen_patients_run(g);
	int rc2 = close_outputs(g);
	if (rc == 0)
		rc = rc2;
	if (rc == 0) {
		gen_schemes_physician_truth(g);
		gen_posrate_truth(g);
		rc = gen_budget_write(g); /* before drug_share's finish, which frees the revenue it reads */
		if (rc == 0)
			rc = gen_drugshare_finish(g);
	}
	if (rc == 0) {
		rc = gen_truth_write(g);
	}
	g->st.seconds = cw_now() - t0;
	if (stats)
		*stats = g->st;
	ctx_free(g);
	free(g);
	return rc;
}
