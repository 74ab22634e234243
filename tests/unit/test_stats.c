/* test_stats.c: confidence bounds, funnel limits, over-dispersion and robust z against known values. */
#include <float.h>
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_z_of_level(void **state)
{
	(void)state;
	NEAR(cw_z_two_sided(0.95), 1.959964, 1e-6);
	NEAR(cw_z_two_sided(0.998), 3.090232, 1e-6);
	NEAR(cw_z_two_sided(0.99), 2.575829, 1e-6);
	assert_true(isnan(cw_z_two_sided(1.0)));
	assert_true(isnan(cw_z_two_sided(0.0)));
}

/* Newcombe, "Two-sided confidence intervals for the single proportion",
 * Statistics in Medicine 17 (1998) 857-872, table I (methods 3 and 5). */
static const struct {
	unsigned k, n;
	double wilson_lo, wilson_hi, cp_lo, cp_hi;
} newcombe[] = {
	{ 81, 263, 0.2553, 0.3662, 0.2527, 0.3676 },
	{ 15, 148, 0.0624, 0.1605, 0.0578, 0.1617 },
	{ 0, 20, 0.0000, 0.1611, 0.0000, 0.1684 },
	{ 1, 29, 0.0061, 0.1718, 0.0009, 0.1776 },
};

static void test_intervals_newcombe(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof newcombe / sizeof *newcombe; i++) {
		cw_interval w, cp;
		assert_int_equal(cw_binomial_interval(&w, CW_INTERVAL_WILSON, newcombe[i].k, newcombe[i].n, 0.95), 0);
		assert_int_equal(cw_binomial_interval(&cp, CW_INTERVAL_CLOPPER_PEARSON, newcombe[i].k, newcombe[i].n, 0.95), 0);
		NEAR(w.lo, newcombe[i].wilson_lo, 5e-5);
		NEAR(w.hi, newcombe[i].wilson_hi, 5e-5);
		NEAR(cp.lo, newcombe[i].cp_lo, 5e-5);
		NEAR(cp.hi, newcombe[i].cp_hi, 5e-5);
	}
}

static void test_intervals_edges(void **state)
{
	(void)state;
	cw_interval ci;
	/* 0/10 and 10/10: closed forms (alpha/2)^(1/n) for Clopper-Pearson */
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, 0, 10, 0.95), 0);
	NEAR(ci.lo, 0, 0);
	NEAR(ci.hi, 1 - pow(0.025, 0.1), 1e-9);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, 10, 10, 0.95), 0);
	NEAR(ci.lo, pow(0.025, 0.1), 1e-9);
	NEAR(ci.hi, 1, 0);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 5, 10, 0.95), 0);
	NEAR(ci.lo, 0.236593, 1e-6);
	NEAR(ci.hi, 0.763407, 1e-6);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 10, 10, 0.95), 0);
	NEAR(ci.lo, 0.722467, 1e-6);
	NEAR(ci.hi, 1, 0);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 0, 0, 0.95), 0);
	assert_true(ci.lo == 0 && ci.hi == 1);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 11, 10, 0.95), CW_EINVALID);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 1, 10, 1.5), CW_EINVALID);
	assert_int_equal(cw_binomial_interval(&ci, 7, 1, 10, 0.95), CW_EINVALID);
	/* a large n stays finite and ordered */
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, 300000, 1000000, 0.95), 0);
	assert_true(ci.lo < 0.3 && ci.hi > 0.3 && ci.hi - ci.lo < 0.002);
}

/* The Clopper-Pearson bounds are where the binomial tails equal alpha/2. */
static void test_clopper_pearson_tails(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 60; n += 7)
		for (unsigned k = 1; k < n; k += 3) {
			cw_interval ci;
			assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, k, n, 0.95), 0);
			NEAR(gsl_cdf_binomial_Q(k - 1, ci.lo, n), 0.025, 1e-7); /* P(X >= k | lo) */
			NEAR(gsl_cdf_binomial_P(k, ci.hi, n), 0.025, 1e-7);     /* P(X <= k | hi) */
			cw_interval w;
			assert_int_equal(cw_binomial_interval(&w, CW_INTERVAL_WILSON, k, n, 0.95), 0);
			assert_true(w.lo <= (double)k / n && (double)k / n <= w.hi);
		}
}

static void test_funnel_limits(void **state)
{
	(void)state;
	cw_funnel f = cw_funnel_proportion(0.2, 0.998, 1);
	NEAR(f.sd, 0.4, 1e-12);
	NEAR(cw_funnel_limit(&f, 100, +1), 0.2 + 3.090232 * 0.04, 1e-6);
	NEAR(cw_funnel_limit(&f, 100, -1), 0.2 - 3.090232 * 0.04, 1e-6);
	NEAR(cw_funnel_z(&f, 0.3, 100), 2.5, 1e-12);
	f.phi = 2;
	NEAR(cw_funnel_limit(&f, 100, +1), 0.374810, 1e-6);
	NEAR(cw_funnel_z(&f, 0.3, 100), 2.5, 1e-12); /* z is before over-dispersion */
	assert_true(isinf(cw_funnel_limit(&f, 0, +1)) && cw_funnel_limit(&f, 0, +1) > 0);
	/* a mean: sd 50 yuan per visit, target 200, 25 visits: 200 +/- 1.96 * 10 at 95% */
	cw_funnel m = cw_funnel_mean(200, 50, 0.95, 1);
	NEAR(cw_funnel_limit(&m, 25, +1), 219.599640, 1e-5);
	NEAR(cw_funnel_limit(&m, 25, -1), 180.400360, 1e-5);
	/* the limits narrow with volume */
	assert_true(cw_funnel_limit(&m, 100, +1) < cw_funnel_limit(&m, 25, +1));
	cw_funnel zero = cw_funnel_mean(5, 0, 0.95, 1);
	assert_true(cw_funnel_z(&zero, 6, 10) == 0);
}

static void test_cornish_fisher(void **state)
{
	(void)state;
	double z = cw_z_two_sided(0.998);
	NEAR(cw_cornish_fisher(z, 1, +1), z + (z * z - 1) / 6, 1e-12);
	NEAR(cw_cornish_fisher(z, 1, +1), 4.515154, 1e-6);
	NEAR(cw_cornish_fisher(z, 1, -1), 1.665310, 1e-6);
	NEAR(cw_cornish_fisher(z, -1, +1), z, 0); /* never narrowed */
	NEAR(cw_cornish_fisher(z, 10, -1), 0, 0);
	/* the mean of n exponentials is Gamma(n, 1/n), skewness 2 / sqrt(n): the corrected
	 * quantile is close to the exact one where the normal one is not */
	for (int n = 25; n <= 400; n *= 4) {
		double exact = (gsl_cdf_gamma_Pinv(0.999, n, 1) - n) / sqrt(n);
		double cf = cw_cornish_fisher(z, 2 / sqrt(n), +1);
		assert_true(fabs(cf - exact) < 0.06);
		assert_true(fabs(z - exact) > 2 * fabs(cf - exact));
	}
	/* a funnel with skewed units: q at volume 25 with skew 2 is z + (z^2 - 1) 0.4 / 6 */
	cw_funnel m = cw_funnel_mean(200, 50, 0.998, 1);
	m.skew = 2;
	NEAR(cw_funnel_limit(&m, 25, +1), 200 + 10 * (z + (z * z - 1) * 0.4 / 6), 1e-9);
	NEAR(cw_funnel_limit(&m, 25, -1), 200 - 10 * (z - (z * z - 1) * 0.4 / 6), 1e-9);
}

/* The limit of a count (antibiotic prescriptions, large-equipment exams) in metrics.c: the expected
 * count E plus the Cornish-Fisher quantile at the Poisson skewness 1 / sqrt(E) times sqrt(E). From a
 * fraction of one expected event (a reference of 0 taken as Jeffreys' 1/2 over n + 1 units) to 50,
 * the smallest count beyond it is the exact Poisson one at the control level, or one away. */
static void test_cornish_fisher_poisson(void **state)
{
	(void)state;
	double z = cw_z_two_sided(0.9999), alpha = 0.0001 / 2;
	const double es[] = { 0.01, 0.0694, 0.2, 0.5, 1, 2, 5, 10, 20, 50 };
	for (size_t i = 0; i < sizeof es / sizeof *es; i++) {
		double e = es[i], lim = e + cw_cornish_fisher(z, 1 / sqrt(e), +1) * sqrt(e);
		unsigned cf = (unsigned)floor(lim) + 1, exact = 1; /* the smallest count flagged */
		while (gsl_cdf_poisson_Q(exact - 1, e) >= alpha) /* P(X >= exact) */
			exact++;
		print_message("E %g: CF flags from %u, exact from %u\n", e, cf, exact);
		assert_true(cf + 1 >= exact && cf <= exact + 1);
	}
}

static void test_overdispersion(void **state)
{
	(void)state;
	double phi;
	const double a[] = { 1, -1, 2, -2, 0 };
	assert_int_equal(cw_overdispersion(&phi, a, 5, 0.1), 0);
	NEAR(phi, 0.8, 1e-12); /* -1 -1 0 1 1 */
	assert_int_equal(cw_overdispersion(&phi, a, 5, 0), 0);
	NEAR(phi, 2.0, 1e-12); /* no winsorising: the plain mean of z^2 */
	/* one extreme unit among five does not mask itself */
	const double b[] = { 20, 1, -1, 0.5, -0.5 };
	assert_int_equal(cw_overdispersion(&phi, b, 5, 0.1), 0);
	NEAR(phi, 0.55, 1e-12);
	/* 1..20 at 10%: 1, 2 -> 3 and 19, 20 -> 18 */
	double c[20];
	for (int i = 0; i < 20; i++)
		c[i] = i + 1;
	assert_int_equal(cw_overdispersion(&phi, c, 20, 0.1), 0);
	NEAR(phi, 138.5, 1e-12);
	assert_true(c[0] == 1 && c[19] == 20); /* input untouched */
	assert_int_equal(cw_overdispersion(&phi, c, 0, 0.1), 0);
	NEAR(phi, 1, 0);
	const double d[] = { 3, 1 }; /* too few to winsorise */
	assert_int_equal(cw_overdispersion(&phi, d, 2, 0.1), 0);
	NEAR(phi, 5, 1e-12);
	assert_int_equal(cw_overdispersion(&phi, d, 2, 0.5), CW_EINVALID);
}

static void test_robust_z(void **state)
{
	(void)state;
	const double x[] = { 1, 2, 3, 4, 100 };
	double z[5], med, mad;
	assert_int_equal(cw_median_mad(&med, &mad, x, 5), 0);
	NEAR(med, 3, 0);
	NEAR(mad, 1.4826, 1e-4);
	assert_int_equal(cw_robust_z(z, x, 5), 0);
	NEAR(z[4], 97 / mad, 1e-9);
	NEAR(z[2], 0, 0);
	NEAR(z[0], -2 / mad, 1e-9);
	/* MAD 0: the mean absolute deviation takes over */
	double y[] = { 5, 5, 5, 5, 9 };
	assert_int_equal(cw_robust_z(y, y, 5), 0);
	NEAR(y[4], 4 / (1.2533 * 0.8), 1e-9);
	NEAR(y[0], 0, 0);
	double same[] = { 2, 2, 2 };
	assert_int_equal(cw_robust_z(same, same, 3), 0);
	assert_true(same[0] == 0 && same[2] == 0);
	assert_int_equal(cw_median_mad(&med, &mad, x, 0), 0);
	assert_true(isnan(med) && isnan(mad));
}

/* The exact bounds agree with GSL's beta quantiles (where GSL is quick) far below the printed precision;
 * where GSL's fail to converge (it would call its error handler: off here), they are where the binomial
 * tails say. */
static void test_clopper_pearson_against_gsl(void **state)
{
	(void)state;
	gsl_error_handler_t *before = gsl_set_error_handler_off();
	size_t gsl_failed = 0;
	for (unsigned n = 1; n <= 400; n += (n < 60 ? 1 : 13))
		for (unsigned k = 0; k <= n; k++) {
			cw_interval ci;
			assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, k, n, 0.9), 0);
			double lo = k == 0 ? 0 : gsl_cdf_beta_Pinv(0.05, k, n - k + 1);
			double hi = k == n ? 1 : gsl_cdf_beta_Qinv(0.05, k + 1, n - k);
			if (isnan(lo) || isnan(hi)) {
				gsl_failed++;
				if (k > 0)
					NEAR(gsl_cdf_binomial_Q(k - 1, ci.lo, n), 0.05, 1e-9);
				if (k < n)
					NEAR(gsl_cdf_binomial_P(k, ci.hi, n), 0.05, 1e-9);
				continue;
			}
			NEAR(ci.lo, lo, 1e-10 * lo);
			NEAR(ci.hi, hi, 1e-10 * hi);
		}
	gsl_set_error_handler(before);
	assert_true(gsl_failed < 20);
}

/* Up to a month's rows (where GSL's beta quantile takes seconds), the bounds are quick, ordered and
 * where the normal approximation puts them. */
static void test_clopper_pearson_large(void **state)
{
	(void)state;
	const uint64_t n[] = { 10000000, 1000000000, CW_INTERVAL_EXACT_MAX };
	for (size_t i = 0; i < sizeof n / sizeof *n; i++) {
		const uint64_t k[] = { n[i] / 1000, n[i] / 3, n[i] / 2 };
		for (size_t j = 0; j < sizeof k / sizeof *k; j++) {
			cw_interval ci;
			double p = (double)k[j] / (double)n[i], half = 1.959964 * sqrt(p * (1 - p) / (double)n[i]);
			assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, k[j], n[i], 0.95), 0);
			assert_true(ci.lo < p && p < ci.hi);
			NEAR(ci.lo, p - half, 0.01 * half);
			NEAR(ci.hi, p + half, 0.01 * half);
		}
	}
}

static void gsl_handler_fails(const char *reason, const char *file, int line, int gsl_errno)
{
	fail_msg("GSL called its error handler: %s (%s:%d, error %d)", reason, file, line, gsl_errno);
}

/* GSL's error handler belongs to the program: with one that fails the test installed, every function
 * of claimwatch/stats.h at its edges comes back with its documented answer, and the handler is still
 * the program's afterwards. */
static void test_gsl_handler_left_alone(void **state)
{
	(void)state;
	gsl_error_handler_t *before = gsl_set_error_handler(gsl_handler_fails);
	cw_interval ci;
	for (int m = 0; m < CW_INTERVAL_COUNT; m++) {
		assert_int_equal(cw_binomial_interval(&ci, m, 11, 10, 0.95), CW_EINVALID);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, 10, 0), CW_EINVALID);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, 10, 1), CW_EINVALID);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, 10, -3), CW_EINVALID);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, 10, NAN), CW_EINVALID);
		assert_int_equal(cw_binomial_interval(&ci, m, 0, 0, 0.95), 0);
		assert_int_equal(cw_binomial_interval(&ci, m, 0, 1, DBL_MIN), 0);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, 1, 1 - DBL_EPSILON), 0);
		assert_int_equal(cw_binomial_interval(&ci, m, 1, CW_INTERVAL_EXACT_MAX, 0.999999999), 0);
		assert_int_equal(cw_binomial_interval(&ci, m, CW_INTERVAL_EXACT_MAX - 1, CW_INTERVAL_EXACT_MAX, 0.95), 0);
	}
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_COUNT, 1, 10, 0.95), CW_EINVALID);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_CLOPPER_PEARSON, 1, UINT64_MAX, 0.95), CW_EINVALID);
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, UINT64_MAX / 2, UINT64_MAX, 0.95), 0);
	assert_true(ci.lo < 0.5 && ci.hi > 0.5);
	const double levels[] = { 0, 1, -1, 2, NAN, INFINITY, DBL_MIN, 1 - DBL_EPSILON / 2 };
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
		double z = cw_z_two_sided(levels[i]);
		assert_true(levels[i] > 0 && levels[i] < 1 ? z >= 0 : isnan(z));
		cw_funnel f = cw_funnel_proportion(0.5, levels[i], 1);
		(void)cw_funnel_limit(&f, 10, +1);
		(void)cw_funnel_limit(&f, 0, -1);
		(void)cw_funnel_limit(&f, NAN, +1);
		(void)cw_funnel_z(&f, 1, -1);
	}
	double phi, med, mad, z[3];
	const double odd[] = { NAN, INFINITY, -INFINITY };
	assert_int_equal(cw_overdispersion(&phi, odd, 3, 0.1), 0);
	assert_int_equal(cw_overdispersion(&phi, odd, 3, 0.5), CW_EINVALID);
	assert_int_equal(cw_overdispersion(&phi, odd, 3, NAN), CW_EINVALID);
	assert_int_equal(cw_overdispersion(&phi, NULL, 0, 0.1), 0);
	assert_int_equal(cw_median_mad(&med, &mad, NULL, 0), 0);
	assert_int_equal(cw_median_mad(&med, &mad, odd, 3), 0);
	assert_int_equal(cw_median_mad(&med, &mad, odd, 1), 0);
	assert_int_equal(cw_robust_z(z, odd, 3), 0);
	assert_int_equal(cw_robust_z(z, NULL, 0), 0);
	assert_ptr_equal(gsl_set_error_handler(before), gsl_handler_fails);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_z_of_level),
		cmocka_unit_test(test_intervals_newcombe),
		cmocka_unit_test(test_intervals_edges),
		cmocka_unit_test(test_clopper_pearson_tails),
		cmocka_unit_test(test_clopper_pearson_against_gsl),
		cmocka_unit_test(test_clopper_pearson_large),
		cmocka_unit_test(test_gsl_handler_left_alone),
		cmocka_unit_test(test_funnel_limits),
		cmocka_unit_test(test_cornish_fisher),
		cmocka_unit_test(test_cornish_fisher_poisson),
		cmocka_unit_test(test_overdispersion),
		cmocka_unit_test(test_robust_z),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
