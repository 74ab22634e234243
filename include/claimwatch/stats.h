/*
 * claimwatch/stats.h: the statistics that physician-level detectors, scoring
 * and the report share: confidence bounds of a proportion, funnel-plot control
 * limits with over-dispersion, robust z-scores.
 *
 * GSL's error handler, a setting of the whole process, is left to the program:
 * these functions never set it, and every argument is checked before GSL sees
 * it, so GSL never calls it from here (a program that installs a handler that
 * aborts is safe). Wrong arguments come back as CW_EINVALID or NAN, as each
 * function says. The Clopper-Pearson bounds are computed without GSL.
 *
 * Funnel plots follow Spiegelhalter, "Funnel plots for comparing institutional
 * performance", Statistics in Medicine 24 (2005) 1185-1202, and "Handling
 * over-dispersion of performance indicators", Qual Saf Health Care 14 (2005)
 * 347-351: each unit i (a physician) has a value y_i over a volume n_i, a target
 * theta_0 and a standard error s(n_i) = sd / sqrt(n_i) under the target; its
 * z-score is z_i = (y_i - theta_0) / s(n_i); a multiplicative over-dispersion
 * factor phi is the mean of the winsorised z_i^2; the control limits are
 * theta_0 +/- z_alpha * sqrt(phi) * s(n).
 */
#ifndef CLAIMWATCH_STATS_H
#define CLAIMWATCH_STATS_H

#include "claimwatch/common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- a binomial proportion's confidence interval ---------------------------- */
typedef enum cw_interval_method {
	CW_INTERVAL_WILSON,          /* Wilson score interval */
	CW_INTERVAL_CLOPPER_PEARSON, /* "exact": beta quantiles */
	CW_INTERVAL_COUNT
} cw_interval_method;

/* "wilson", "clopper_pearson", NULL: the choices of a rules key (cw_section_choice). */
CW_EXTERN(const char *const) cw_interval_names[];

typedef struct cw_interval {
	double lo, hi;
} cw_interval;

/* The most trials the Clopper-Pearson bounds take: the rows of a month's table
 * (cw_ref is 32 bits). Beyond, double precision no longer separates the bounds. */
#define CW_INTERVAL_EXACT_MAX UINT32_MAX

/* The two-sided interval at confidence `conf` (0.95: the 2.5% and 97.5%
 * bounds) for k successes out of n, by `method` (enum cw_interval_method),
 * into *out. n = 0 gives [0, 1]. Returns 0, or
 * CW_EINVALID when k > n, conf is not inside (0, 1), the method is unknown, or
 * the method is Clopper-Pearson and n > CW_INTERVAL_EXACT_MAX (CW_ERROR if
 * its iteration ever failed, which no n up to the limit does in the tests). */
CW_EXTERN(int) cw_binomial_interval(cw_interval *out, int method, uint64_t k, uint64_t n, double conf);

/* z of a two-sided normal interval of coverage `level`: 0.95 -> 1.960,
 * 0.998 -> 3.090 (the 99.8% funnel limits). NAN when level is not inside (0, 1). */
CW_EXTERN(double) cw_z_two_sided(double level);

/* --- funnel plots ----------------------------------------------------------- */
typedef struct cw_funnel {
	double target; /* theta_0 */
	double sd;     /* per unit of volume: s(n) = sd / sqrt(n) */
	double phi;    /* over-dispersion factor applied to the limits (1: none) */
	double z;      /* z_alpha of the control level (cw_z_two_sided) */
	double skew;   /* skewness of one unit (0: the plain normal limits); see cw_funnel_limit */
} cw_funnel;

/* A funnel for a proportion with target p: sd = sqrt(p (1 - p)), skew 0, the
 * limits at the two-sided control level `level` (z NAN when it is not inside
 * (0, 1)) widened by the over-dispersion factor phi. */
CW_EXTERN(cw_funnel) cw_funnel_proportion(double p, double level, double phi);
/* A funnel for a mean (or a ratio) with the given per-unit standard deviation
 * and skew 0, level and phi as above. An indirectly standardised ratio O/E is the mean case with
 * target 1, sd 1 and volume E (Poisson). */
CW_EXTERN(cw_funnel) cw_funnel_mean(double target, double sd, double level, double phi);
/* The control limit at `volume`: target + side * q * sqrt(phi) * sd / sqrt(volume),
 * side +1 for the upper limit, -1 for the lower one, where q is z corrected
 * for the skewness of a mean of `volume` units, skew / sqrt(volume)
 * (cw_cornish_fisher; q = z when skew <= 0). Volume <= 0 gives +/-INFINITY
 * (nothing is judged without volume). */
CW_EXTERN(double) cw_funnel_limit(const cw_funnel *f, double volume, int side);
/* The first-order Cornish-Fisher quantile of a standardised variable with
 * skewness g: z + (z^2 - 1) g / 6 for the upper tail (side +1), and the
 * distance z - (z^2 - 1) g / 6 (at least 0) below the mean for the lower tail
 * (side -1). A negative g is taken as 0: the limits are never narrowed. A mean
 * of skewed costs (a few very expensive visits) has a longer upper tail than
 * the normal one; without the correction a 99.8% limit is passed far more often
 * than 0.1% of the time. */
CW_EXTERN(double) cw_cornish_fisher(double z, double g, int side);
/* The z-score of a value at a volume, without over-dispersion:
 * (value - target) / (sd / sqrt(volume)); 0 when the standard error is 0. */
CW_EXTERN(double) cw_funnel_z(const cw_funnel *f, double value, double volume);

/* The over-dispersion factor phi: the mean of z_i^2 after winsorising the z_i
 * at both ends (Spiegelhalter 2005). The k = ceil(frac * n) smallest and
 * largest z are set to the next value inward, with at least one at each end
 * when n >= 3 (so one extreme unit in a small peer group cannot mask itself)
 * and k <= (n - 1) / 2. The raw estimate is returned in *phi (it may be below
 * 1; callers usually take max(1, phi)); n = 0 gives 1. z is not changed.
 * Returns 0, CW_EINVALID (frac outside [0, 0.5)) or CW_ENOMEM. */
CW_EXTERN(int) cw_overdispersion(double *phi, const double *z, size_t n, double frac);

/* --- robust location and scale ---------------------------------------------- */
/* The median of the n values x into *median and their scaled median absolute
 * deviation (1.4826 * MAD, which estimates the standard deviation of a normal
 * sample) into *mad; n = 0 gives NAN for both. x is not changed. Returns 0 or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_median_mad(double *median, double *mad, const double *x, size_t n);
/* Robust z-scores of the n values x into z (n of them):
 * z_i = (x_i - median) / (1.4826 * MAD). When the MAD is 0
 * (more than half the values equal), the mean absolute deviation from the
 * median times 1.2533 is used instead; when that is 0 too, every z is 0.
 * z may be x. Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_robust_z(double *z, const double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif
