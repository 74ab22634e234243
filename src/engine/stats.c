/* stats.c: confidence bounds of a proportion, funnel-plot limits with over-dispersion and robust
 * z-scores (see include/claimwatch/stats.h).
 *
 * GSL's error handler is the program's, not claimwatch's: this file never sets it, and calls only GSL
 * functions that cannot reach it for the arguments they get here: the normal quantile (no error
 * path), sorting, and the median and MAD of a non-empty array (gsl_stats_select fails only on an empty
 * one). The Clopper-Pearson bounds, whose GSL beta quantile calls the handler when it fails to
 * converge (and takes seconds from 10 million trials on), are computed here: a safeguarded Newton
 * iteration on the regularised incomplete beta function, evaluated by its continued fraction. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

const char *const cw_interval_names[] = { "wilson", "clopper_pearson", NULL };

double cw_z_two_sided(double level)
{
	if (!(level > 0 && level < 1))
		return NAN;
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

/* ln B(a, b), thread-safe (lgamma sets the global signgam). */
static double log_beta(double a, double b)
{
	int sign;
	return lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
}

/* The continued fraction of the incomplete beta function, by the modified Lentz method (Numerical
 * Recipes in C, 2nd ed., 6.4); it converges for x < (a + 1) / (a + b + 2) within a few times
 * sqrt(max(a, b)) terms. NAN when it does not. */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	d = 1 / (fabs(d) < tiny ? tiny : d);
	double h = d;
	double terms = 100 + 10 * sqrt(fmax(a, b));
	for (double m = 1; m <= terms; m++) {
		for (int odd = 0; odd < 2; odd++) {
			double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
			                 : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
			d = 1 + num * d;
			c = 1 + num / c;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = fabs(c) < tiny ? tiny : c;
			h *= d * c;
			if (odd && fabs(d * c - 1) < DBL_EPSILON)
				return h;
		}
	}
	return NAN;
}

/* The regularised incomplete beta function I_x(a, b) and its derivative, the beta density, at x. */
static double beta_cdf(double x, double a, double b, double *density)
{
	double lb = log_beta(a, b), lx = log(x), l1x = log1p(-x);
	*density = exp((a - 1) * lx + (b - 1) * l1x - lb);
	double front = exp(a * lx + b * l1x - lb);
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

/* The x with I_x(a, b) = p, for a small p (the lower tail), from the guess x0 inside (0, 1): Newton
 * steps, each kept inside the bracket that the signs so far leave (bisected when a step leaves it).
 * NAN when the function cannot be evaluated. */
static double beta_quantile(double p, double a, double b, double x0)
{
	double lo = 0, hi = 1, x = x0;
	for (int i = 0; i < 400; i++) {
		double density, f = beta_cdf(x, a, b, &density) - p;
		if (isnan(f))
			return NAN;
		if (f == 0)
			return x;
		if (f < 0)
			lo = x;
		else
			hi = x;
		double next = x - f / density;
		if (!(next > lo && next < hi))
			next = lo + (hi - lo) / 2;
		if (fabs(next - x) <= 4 * DBL_EPSILON * x || hi - lo <= 4 * DBL_EPSILON * hi)
			return next;
		x = next;
	}
	return x;
}

/* The exact bounds: the p with P(X >= k | p) = alpha / 2 and the p with P(X <= k | p) = alpha / 2,
 * X binomial(n, p): the alpha / 2 quantile of Beta(k, n - k + 1), and one minus that of
 * Beta(n - k, k + 1). The Wilson bounds are the first guesses. */
static int clopper_pearson(double k, double n, double alpha, cw_interval *out)
{
	cw_interval guess;
	wilson(k, n, cw_z_two_sided(1 - alpha), &guess);
	double mid = (k + 0.5) / (n + 1);
	out->lo = k == 0 ? 0 : beta_quantile(alpha / 2, k, n - k + 1, guess.lo > 0 ? guess.lo : mid / 2);
	out->hi = k == n ? 1 : 1 - beta_quantile(alpha / 2, n - k, k + 1, guess.hi < 1 ? 1 - guess.hi : (1 - mid) / 2);
	if (!isfinite(out->lo) || !isfinite(out->hi))
		return cw_error_set(CW_ERROR, "Clopper-Pearson bounds of %.0f/%.0f: the beta quantile failed", k, n);
	return 0;
}

int cw_binomial_interval(cw_interval *out, int method, uint64_t k, uint64_t n, double conf)
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
	if (method == CW_INTERVAL_CLOPPER_PEARSON && n > CW_INTERVAL_EXACT_MAX)
		return cw_error_set(CW_EINVALID, "binomial interval: Clopper-Pearson bounds of %llu trials: at most %llu "
		                    "(a month's rows)", (unsigned long long)n, (unsigned long long)CW_INTERVAL_EXACT_MAX);
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

int cw_overdispersion(double *phi, const double *z, size_t n, double frac)
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

int cw_median_mad(double *median, double *mad, const double *x, size_t n)
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

int cw_robust_z(double *z, const double *x, size_t n)
{
	double med, scale;
	int rc = cw_median_mad(&med, &scale, x, n);
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
