/* stats.c: confidence bounds of a proportion, funnel-plot limits with over-dispersion and robust
 * z-scores, on GSL (see include/claimwatch/stats.h). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

const char *const cw_interval_names[] = { "wilson", "clopper_pearson", NULL };

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

static void gsl_quiet(void) { gsl_set_error_handler_off(); }

/* GSL returns error codes or NAN instead of aborting from here on. */
static void gsl_ready(void) { pthread_once(&gsl_once, gsl_quiet); }

double cw_z_two_sided(double level)
{
	if (!(level > 0 && level < 1))
		return NAN;
	gsl_ready();
	return gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
}

static void wilson(double k, double n, double z, cw_interval *out)
{
	double p = k / n, z2 = z * z;
	double denom = 1 + z2 / n;
	double centre = (p + z2 / (2 * n)) / denom;
	double half = z / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	out->lo = k == 0 ? 0 : fmax(0, centre - half);
	out->hi = k == n ? 1 : fmin(1, centre + half);
}

static int clopper_pearson(double k, double n, double alpha, cw_interval *out)
{
	out->lo = k == 0 ? 0 : gsl_cdf_beta_Pinv(alpha / 2, k, n - k + 1);
	out->hi = k == n ? 1 : gsl_cdf_beta_Qinv(alpha / 2, k + 1, n - k);
	if (!isfinite(out->lo) || !isfinite(out->hi))
		return cw_error_set(CW_ERROR, "Clopper-Pearson bounds of %.0f/%.0f: GSL's beta quantile failed", k, n);
	return 0;
}

int cw_binomial_interval(int method, uint64_t k, uint64_t n, double conf, cw_interval *out)
{
	if (k > n)
		return cw_error_set(CW_EINVALID, "binomial interval: %llu successes out of %llu", (unsigned long long)k,
		                    (unsigned long long)n);
	if (!(conf > 0 && conf < 1))
		return cw_error_set(CW_EINVALID, "binomial interval: confidence %g is not inside (0, 1)", conf);
	if (n == 0) {
		*out = (cw_interval){ 0, 1 };
		return 0;
	}
	gsl_ready();
	switch (method) {
	case CW_INTERVAL_WILSON:
		wilson((double)k, (double)n, cw_z_two_sided(conf), out);
		return 0;
	case CW_INTERVAL_CLOPPER_PEARSON:
		return clopper_pearson((double)k, (double)n, 1 - conf, out);
	default:
		return cw_error_set(CW_EINVALID, "binomial interval: unknown method %d", method);
	}
}

/* --- funnel plots ------------------------------------------------------------ */

cw_funnel cw_funnel_proportion(double p, double level, double phi)
{
	return cw_funnel_mean(p, sqrt(p * (1 - p)), level, phi);
}

cw_funnel cw_funnel_mean(double target, double sd, double level, double phi)
{
	return (cw_funnel){ target, sd, phi, cw_z_two_sided(level), 0 };
}

double cw_cornish_fisher(double z, double g, int side)
{
	double shift = (z * z - 1) * (g > 0 ? g : 0) / 6;
	if (side > 0)
		return z + shift;
	return z - shift > 0 ? z - shift : 0;
}

double cw_funnel_limit(const cw_funnel *f, double volume, int side)
{
	if (!(volume > 0))
		return side > 0 ? INFINITY : -INFINITY;
	double q = cw_cornish_fisher(f->z, f->skew / sqrt(volume), side);
	return f->target + (side > 0 ? 1 : -1) * q * sqrt(f->phi) * f->sd / sqrt(volume);
}

double cw_funnel_z(const cw_funnel *f, double value, double volume)
{
	double se = volume > 0 ? f->sd / sqrt(volume) : 0;
	return se > 0 ? (value - f->target) / se : 0;
}

int cw_overdispersion(const double *z, size_t n, double frac, double *phi)
{
	if (!(frac >= 0 && frac < 0.5))
		return cw_error_set(CW_EINVALID, "over-dispersion: winsorising share %g is not inside [0, 0.5)", frac);
	if (n == 0) {
		*phi = 1;
		return 0;
	}
	double *s = malloc(n * sizeof *s);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	memcpy(s, z, n * sizeof *s);
	gsl_sort(s, 1, n);
	size_t k = (size_t)ceil(frac * (double)n);
	if (n >= 3 && frac > 0 && k < 1)
		k = 1;
	if (k > (n - 1) / 2)
		k = (n - 1) / 2;
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		double v = i < k ? s[k] : i >= n - k ? s[n - k - 1] : s[i];
		sum += v * v;
	}
	free(s);
	*phi = sum / (double)n;
	return 0;
}

/* --- robust location and scale ----------------------------------------------- */

int cw_median_mad(const double *x, size_t n, double *median, double *mad)
{
	if (n == 0) {
		*median = *mad = NAN;
		return 0;
	}
	double *s = malloc(2 * n * sizeof *s);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	memcpy(s, x, n * sizeof *s);
	gsl_sort(s, 1, n);
	*median = gsl_stats_median_from_sorted_data(s, 1, n);
	*mad = gsl_stats_mad(x, 1, n, s + n);
	free(s);
	return 0;
}

int cw_robust_z(const double *x, size_t n, double *z)
{
	double med, scale;
	int rc = cw_median_mad(x, n, &med, &scale);
	if (rc < 0 || n == 0)
		return rc;
	if (!(scale > 0)) {
		double sum = 0;
		for (size_t i = 0; i < n; i++)
			sum += fabs(x[i] - med);
		scale = 1.2533 * sum / (double)n; /* sqrt(pi / 2): mean absolute deviation to sd */
	}
	for (size_t i = 0; i < n; i++)
		z[i] = scale > 0 ? (x[i] - med) / scale : 0;
	return 0;
}
