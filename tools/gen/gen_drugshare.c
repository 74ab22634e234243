/* gen_drugshare.c: the drug_share detector's demo targets, cases and look-alikes (药占比, E7, E9, E10).
 *
 * The generator's departments have the drug shares of their specialties (general practice about 60%,
 * oncology and nephrology near 60%, surgery near 10%): at the documents' 48% a third of them would be
 * over, in every month, with nothing planted. Driving a department's share up or down would change its
 * lines, and with them other detectors' truth (peer outliers, substitutions, large prescriptions), so
 * the data are left as they are and the plantings are in the targets, as E9 says a hospital sets them
 * (我院对各科的药比进行了制定工作). gen writes them to DIR/rules.json, the demo rules to run with:
 *
 *   by_specialty   every specialty's target 2 points above the highest month share of its departments
 *                  and of its physicians with the detector's minimum volume: the background is clean;
 *   by_department  per institution of two departments or more, one department (drawn from a stream of
 *                  its own) set 3 points below its lowest month share: a department over its target every
 *                  month (cases), with its physicians over it (cases, where they have the volume); per
 *                  institution of three or more, another set 0.5 points above its highest month share:
 *                  the department just under its target every month (look-alikes, never flagged), those
 *                  of its physicians over it cases.
 * A physician of those two departments within 2 points under the target is a look-alike.
 *
 * Shares are counted as the detector counts them: the month's lines (refunds included, negative) by the
 * department of their visit and by their physician (the ordering one, else the attending). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "gen.h"

#define MIN_DEPT 1000000   /* fen: drug_share's min_department_revenue (10,000 yuan) */
#define MIN_PHYS 500000    /* fen: min_physician_revenue (5,000 yuan) */
#define CLEAN_POINTS 2.0   /* a specialty's target above its highest share */
#define CASE_POINTS 3.0    /* a planted department's target below its lowest share */
#define LOOK_POINTS 0.5    /* a look-alike's target above its highest share */
#define STREAM (1ull << 42) /* above every patient's stream, substitution's and stacked_supply's */

typedef struct gen_sums {
	cw_fen rev, drug;
} gen_sums;

struct gen_drugshare {
	gen_sums *dept, *phys; /* [row * nmonths + month] */
	double *target;        /* per department: its by_department target, NAN none */
	int *role;             /* per department: 0, 1 planted, 2 look-alike */
	int failed;
};

void gen_drugshare_free(gen_ctx *g)
{
	struct gen_drugshare *d = g->drugshare;
	if (!d)
		return;
	free(d->dept);
	free(d->phys);
	free(d->target);
	free(d->role);
	free(d);
	g->drugshare = NULL;
}

static struct gen_drugshare *state(gen_ctx *g)
{
	if (g->drugshare)
		return g->drugshare;
	struct gen_drugshare *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	g->drugshare = d;
	size_t nm = (size_t)g->nmonths;
	d->dept = calloc((size_t)g->ndept * nm + 1, sizeof *d->dept);
	d->phys = calloc((size_t)g->nphys * nm + 1, sizeof *d->phys);
	d->target = calloc((size_t)g->ndept + 1, sizeof *d->target);
	d->role = calloc((size_t)g->ndept + 1, sizeof *d->role);
	d->failed = !d->dept || !d->phys || !d->target || !d->role;
	return d;
}

void gen_drugshare_visit(gen_ctx *g, const gen_visit *v)
{
	struct gen_drugshare *d = state(g);
	if (!d || d->failed)
		return;
	for (size_t i = 0; i < v->nl; i++) {
		const gen_line *l = &v->l[i];
		int m = gen_month_of(g, l->t);
		if (m < 0)
			continue;
		int drug = g->items[l->item].cat == CW_CAT_DRUG, ph = l->phys >= 0 ? l->phys : v->phys;
		gen_sums *a = &d->dept[(size_t)v->dept * (size_t)g->nmonths + (size_t)m];
		gen_sums *b = &d->phys[(size_t)ph * (size_t)g->nmonths + (size_t)m];
		a->rev += l->amount;
		b->rev += l->amount;
		if (drug) {
			a->drug += l->amount;
			b->drug += l->amount;
		}
	}
}

cw_fen gen_drugshare_revenue(const gen_ctx *g, int dept, int m)
{
	const struct gen_drugshare *d = g->drugshare;
	if (!d || d->failed || dept < 0 || dept >= g->ndept || m < 0 || m >= g->nmonths)
		return 0;
	return d->dept[(size_t)dept * (size_t)g->nmonths + (size_t)m].rev;
}

static double share(const gen_sums *s) { return (double)s->drug / (double)s->rev; }

/* The lowest and highest month share of department dp (with the minimum volume), its physicians' too
 * when phys is set; 0 when it never has the volume. */
static int range(const gen_ctx *g, int dp, int phys, double *lo, double *hi)
{
	const struct gen_drugshare *d = g->drugshare;
	int any = 0;
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int m = 0; m < g->nmonths; m++) {
		const gen_sums *s = &d->dept[(size_t)dp * (size_t)g->nmonths + (size_t)m];
		if (s->rev >= MIN_DEPT) {
			any = 1;
			*lo = fmin(*lo, share(s));
			*hi = fmax(*hi, share(s));
		}
		for (int p = g->dept[dp].phys0; phys && p < g->dept[dp].phys0 + g->dept[dp].nphys; p++) {
			const gen_sums *t = &d->phys[(size_t)p * (size_t)g->nmonths + (size_t)m];
			if (t->rev >= MIN_PHYS)
				*hi = fmax(*hi, share(t));
		}
	}
	return any;
}

/* Every month of every department: not one below its minimum volume. */
static int always_counted(const gen_ctx *g, int dp)
{
	for (int m = 0; m < g->nmonths; m++)
		if (g->drugshare->dept[(size_t)dp * (size_t)g->nmonths + (size_t)m].rev < MIN_DEPT)
			return 0;
	return 1;
}

/* A department of institution i that is not yet chosen and always has the volume, drawn; -1 none. */
static int draw(const gen_ctx *g, gen_rng *r, int i)
{
	const gen_inst *in = &g->inst[i];
	int cand[64], n = 0;
	for (int dp = in->dept0; dp < in->dept0 + in->ndept && n < 64; dp++)
		if (!g->drugshare->role[dp] && always_counted(g, dp))
			cand[n++] = dp;
	return n ? cand[gen_int(r, 0, n - 1)] : -1;
}

/* Rounded down / up to a tenth of a point. */
static double floor_tenth(double x) { return floor(x * 1000) / 1000; }
static double ceil_tenth(double x) { return ceil(x * 1000) / 1000; }

static void choose(gen_ctx *g)
{
	struct gen_drugshare *d = g->drugshare;
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM);
	for (int dp = 0; dp < g->ndept; dp++)
		d->target[dp] = NAN;
	for (int i = 0; i < g->ninst; i++) {
		double lo, hi;
		int dp = g->inst[i].ndept >= 2 ? draw(g, &r, i) : -1;
		if (dp >= 0 && range(g, dp, 0, &lo, &hi) && lo - CASE_POINTS / 100 > 0) {
			d->role[dp] = 1;
			d->target[dp] = floor_tenth(lo - CASE_POINTS / 100);
		}
		dp = g->inst[i].ndept >= 3 ? draw(g, &r, i) : -1;
		if (dp >= 0 && range(g, dp, 0, &lo, &hi) && hi + LOOK_POINTS / 100 < 1) {
			d->role[dp] = 2;
			d->target[dp] = ceil_tenth(hi + LOOK_POINTS / 100);
		}
	}
}

/* A specialty's target: CLEAN_POINTS above the highest share of its departments and physicians; NAN
 * when none has the volume. */
static double spec_target(const gen_ctx *g, int s)
{
	double top = -INFINITY, lo, hi;
	for (int dp = 0; dp < g->ndept; dp++)
		if (g->dept[dp].spec == s && range(g, dp, 1, &lo, &hi))
			top = fmax(top, hi);
	return isfinite(top) ? fmin(1, ceil(top * 100 + CLEAN_POINTS) / 100) : NAN;
}

static int write_rules(gen_ctx *g)
{
	cJSON *root = cJSON_CreateObject(), *det = cJSON_AddObjectToObject(root, "detectors");
	cJSON *ds = cJSON_AddObjectToObject(det, "drug_share");
	cJSON *spec = cJSON_AddObjectToObject(ds, "by_specialty"), *dept = cJSON_AddObjectToObject(ds, "by_department");
	for (int s = 0; s < g->nspec; s++) {
		double t = spec_target(g, s);
		if (isfinite(t))
			cJSON_AddNumberToObject(spec, g->spec[s].key, t);
	}
	for (int dp = 0; dp < g->ndept; dp++)
		if (isfinite(g->drugshare->target[dp]))
			cJSON_AddNumberToObject(dept, g->dept[dp].id, g->drugshare->target[dp]);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return cw_error_set(CW_ENOMEM, "gen: out of memory writing rules.json");
	char path[1100];
	snprintf(path, sizeof path, "%s/rules.json", g->o.out_dir);
	FILE *f = fopen(path, "wb");
	int rc = f ? 0 : cw_error_set(CW_EIO, "%s: cannot create", path);
	if (f && (fputs(text, f) == EOF || fputc('\n', f) == EOF))
		rc = cw_error_set(CW_EIO, "%s: write failed", path);
	if (f && fclose(f) != 0 && !rc)
		rc = cw_error_set(CW_EIO, "%s: write failed", path);
	cJSON_free(text);
	return rc;
}

/* A truth entry for department dp (dept-level when ph < 0) or physician ph in month m. */
static void record(gen_ctx *g, int look, int dp, int ph, int m, const gen_sums *s, double target)
{
	gen_case *c = gen_truth_add(&g->truth, look);
	if (!c)
		return;
	c->det = gen_detector_index("drug_share");
	c->month = m;
	c->phys = ph;
	c->dept1 = ph < 0 ? dp + 1 : 0;
	c->kind = look ? (ph < 0 ? "department_under_target" : "physician_under_target")
	               : (ph < 0 ? "department_over_target" : "physician_over_target");
	c->suspect = look ? 0 : s->drug - (cw_fen)llround(target * (double)s->rev);
	snprintf(c->note, sizeof c->note, "drug share %.2f%% against the department's target %.1f%%",
	         100 * share(s), 100 * target);
}

static void truth(gen_ctx *g)
{
	const struct gen_drugshare *d = g->drugshare;
	for (int dp = 0; dp < g->ndept; dp++) {
		double t = d->target[dp];
		if (!d->role[dp])
			continue;
		for (int m = 0; m < g->nmonths; m++) {
			const gen_sums *s = &d->dept[(size_t)dp * (size_t)g->nmonths + (size_t)m];
			if (s->rev >= MIN_DEPT && (d->role[dp] == 2 || share(s) > t))
				record(g, d->role[dp] == 2, dp, -1, m, s, t);
			for (int p = g->dept[dp].phys0; p < g->dept[dp].phys0 + g->dept[dp].nphys; p++) {
				const gen_sums *x = &d->phys[(size_t)p * (size_t)g->nmonths + (size_t)m];
				if (x->rev < MIN_PHYS)
					continue;
				if (share(x) > t)
					record(g, 0, dp, p, m, x, t);
				else if (share(x) > t - 0.02)
					record(g, 1, dp, p, m, x, t);
			}
		}
	}
}

int gen_drugshare_finish(gen_ctx *g)
{
	struct gen_drugshare *d = state(g);
	if (!d || d->failed)
		return cw_error_set(CW_ENOMEM, "gen: out of memory counting drug shares");
	choose(g);
	truth(g);
	int rc = write_rules(g);
	gen_drugshare_free(g);
	return rc;
}
