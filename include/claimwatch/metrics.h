/*
 * claimwatch/metrics.h: each physician's figures of the month against peers,
 * case-mix adjusted, with funnel-plot limits. A run computes them once, before
 * detection, with the settings of the rules' `metrics` section; the detectors
 * that ask for them (CW_NEEDS_METRICS: outlier_physician) read them from their
 * scan context, a run writes them to metrics.csv and the report
 * draws one funnel plot per metric and peer group from them.
 *
 * Units. A metric is a ratio sum(num) / sum(den) over a physician's units:
 *   - an episode: an outpatient or emergency visit admitted in the month, or an
 *     inpatient stay discharged in the month, with at least one live claim line
 *     (refund and refunded lines are ignored). Its amounts are those of all its
 *     live lines in the loaded window (for a stay: the whole stay, as far as the
 *     look-back reaches), and it belongs to the visit's attending physician;
 *   - an outpatient or emergency prescription (rx_id) written in the month, by
 *     its prescribing physician (inpatient orders repeat day after day within a
 *     stay and are not independent units; antibiotic_overuse judges stays).
 *
 *   metric                     unit                       num / den
 *   cost_per_outpatient_visit  outpatient/emergency visit amount / 1           (yuan)
 *   cost_per_inpatient_stay    stay                       amount / 1           (yuan)
 *   length_of_stay             stay                       days / 1: discharge day - admit day, at least 1
 *   drug_share                 episode with amount > 0    drug amount / amount
 *   exam_share                 episode with amount > 0    (exam + lab) amount / amount
 *   antibiotic_rate            prescription               1 if it has an antibiotic drug / 1
 *   large_equipment_per_100    episode                    100 x large-equipment lines / 1
 *
 * Peers. A physician's peer group is their specialty (department.specialty) at
 * their institution's level; when that group has fewer than min_peers
 * physicians with units of the metric this month, the specialty across levels;
 * when that has fewer too, the physician is not judged.
 *
 * Case mix. Units are stratified by visit kind and dx category (the first three
 * characters of dx_code, dots removed, upper case): a cell is (group,
 * stratum). In a cell, for the n_c units of the physician's peers (the group's
 * other physicians: leave-one-out, so a physician who treats most of a stratum
 * does not set its own expectation), r_c = sum(num) / sum(den) is the ratio,
 * v_c = sum((num - r_c den)^2) / n_c the variance of a unit's residual and
 * k3_c its third moment. Units are independent draws of (num, den): for the
 * shares, a visit's amount is as random as its drug amount, so a cheap visit's
 * residual is not taken as more certain than a costly one's (the ratio
 * estimator's linearised variance; scaling the variance by den^2 made cheap
 * drug-only visits look like a pattern). A physician i with units u gets
 *   value    y_i = sum(num_u) / D_i,            D_i = sum(den_u)
 *   expected E_i = sum(r_c(u) den_u) / D_i      (the peers' figures, weighted by i's own case mix)
 *   se_i^2 D_i^2 = sum(v_c(u)) + sum_c D_ic^2 Var(r_c),  Var(r_c) = n_c v_c / sum_c(den)^2
 *                                                (i's spread if it were like its peers, plus the
 *                                                 uncertainty of the peers' ratio where they are few)
 *   z0_i         = (y_i - E_i) / se_i
 * so a physician whose patients fall in expensive dx categories is expected to
 * cost more. Sparse strata: when the peers at the physician's level have fewer
 * than min_stratum_units units in a stratum, its figures are those of the
 * specialty across levels (the physician's own units left out there too) when
 * they have more; a variance from a handful of units misses the rare costly
 * case (one albumin infusion in ten visits) and makes any physician who had
 * two of them look extreme. When the peers have fewer than two units, the
 * stratum says nothing either way: its units count as expected, with no
 * variance (they count in the value and the volume). A group's
 * over-dispersion phi is the mean of the winsorised z0^2 of its physicians
 * with the floor volume (at least 1), when they are at least phi_min_peers;
 * for a smaller group, that of all groups of its kind (specialty at level, or
 * specialty) together. Then
 *   z_i     = z0_i / sqrt(phi),   limit_i = E_i + q_i sqrt(phi) se_i,
 *   flagged = judged, z_i > q_i, y_i >= E_i (1 + min_excess), and the same
 *             without i's units of largest residual, a share `trim` of its
 *             volume (at least one): high side only,
 * where q_i is z_alpha corrected for the skewness of i's sum under the peers'
 * figures (cw_cornish_fisher with sum(k3_c(u)) / sum(v_c(u))^1.5). Costs are
 * skewed: a few very expensive visits make a physician's mean jump, and
 * without the correction a 99.8% limit is passed several times more often
 * than 0.1% of the time by ordinary physicians. A finding that vanishes
 * without a few visits (2 of 40 at the default 5%) rests on those visits (an
 * MRI among cheap Parkinson visits, two stays with albumin), not a pattern;
 * the units are taken out with the figures they were judged by.
 *
 * Counts: for antibiotic_rate and large_equipment_per_100 (counts of events),
 * the variance and third moment of i's count are at least those of a Poisson
 * count with the expected mean (the standard funnel for observed/expected
 * counts): with a few expected events the binomial figures of small strata
 * understate how often a physician passes the limit by chance.
 *
 * A reference at an edge: when a cell's peer units have no event or amount
 * of the metric's kind (no antibiotic, no drug or exam amount, no
 * large-equipment line), or for the shares and the antibiotic rate nothing
 * else, r_c is Jeffreys' (x + 1/2) / (n_c + 1), x = 0 or n_c, with the
 * moments of an all-or-nothing unit (num = den with probability r_c: v_c =
 * r_c (1 - r_c) mean(den^2)) or of a Poisson count (large equipment): a
 * reference of exactly 0 has no variance and judged nobody (52 of 74
 * antibiotic prescriptions against peers at 0%: limit 0, z 0). The groups'
 * funnels likewise.
 *
 * Volume: a physician is judged when its volume is at least the floor of its
 * kind (min_visits, min_stays, min_prescriptions) and can reach the limit: it
 * has more units than the trimmed check drops and, for the shares and the
 * antibiotic rate (num <= den in every unit), num = den in every unit would
 * pass the limit by min_excess without the dropped ones; otherwise its status
 * is low_volume (judge_unreachable: the floor only). Phi is estimated from the
 * physicians at or above the floor.
 *
 * Extreme units: in each cell, a unit whose residual num - r_c den lies beyond
 * median +/- unit_fence robust standard deviations (interquartile range /
 * 1.349) of the cell's residuals (estimated on up to 32 of its units, picked by
 * a hash of their position) counts as if on that fence in the peers' figures
 * (a 30 000 yuan visit among 100 yuan ones would otherwise set the peers'
 * variance for everyone); the physician's own excess still counts it in full.
 *
 * Robust reference: the figures are computed twice. After the first round,
 * physicians whose z0 stands out on either side (robust z beyond z_alpha, with
 * the median and MAD, scale at least 1, of the z0 of the group's physicians
 * with units of the metric, whatever their volume; of every group of the kind
 * when the group has fewer than three of them) are left out of their group's
 * reference (its peers' figures, phi, target and sd) and the second round
 * judges everyone against the rest, so that outliers can mask neither
 * themselves nor each other (a physician with padded, costly visits would
 * otherwise drag the drug share expected of everyone else: its units weigh by
 * their amount). A stratum treated only by left-out physicians gives the
 * others no information.
 *
 * Funnel plot. A group's curve is cw_funnel_limit(&group->funnel, n, +1) with
 * target theta_0 = the group's overall ratio, sd such that sd / sqrt(n) is the
 * standard error of a physician with the group's average case mix and n units,
 * and skew the skewness of one such unit. A physician's dot is (volume,
 * plotted), where
 *   plotted = theta_0 + z0_i * sd / sqrt(volume) * q(volume) / q_i,
 * q(n) being the curve's corrected z at n: the case-mix adjusted value on the
 * group's scale, placed so that the dot is above the upper curve exactly when
 * z_i > q_i (for a physician with the group's case mix, q(n) = q_i). The
 * target and sd are those of the whole reference (with each physician's own
 * units), not leave-one-out: one curve per group.
 */
#ifndef CLAIMWATCH_METRICS_H
#define CLAIMWATCH_METRICS_H

#include "claimwatch/common.h"

#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"
#include "claimwatch/rules.h"
#include "claimwatch/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cw_metric {
	CW_METRIC_COST_PER_OUTPATIENT_VISIT,
	CW_METRIC_COST_PER_INPATIENT_STAY,
	CW_METRIC_LENGTH_OF_STAY,
	CW_METRIC_DRUG_SHARE,
	CW_METRIC_EXAM_SHARE,
	CW_METRIC_ANTIBIOTIC_RATE,
	CW_METRIC_LARGE_EQUIPMENT_PER_100,
	CW_METRIC_COUNT
};

/* What a metric's volume counts; each has its own minimum. */
enum cw_volume_kind {
	CW_VOLUME_VISITS,        /* visits (for per-visit metrics, stays count as visits) */
	CW_VOLUME_STAYS,         /* inpatient stays */
	CW_VOLUME_PRESCRIPTIONS, /* prescriptions */
	CW_VOLUME_COUNT
};

typedef struct cw_metric_info {
	const char *name;     /* "cost_per_outpatient_visit": the rules' and the findings' name */
	const char *title_zh; /* "次均门诊费用" */
	const char *unit;     /* "yuan", "days", "share" (0..1) or "per 100 visits" */
	int volume_kind;      /* enum cw_volume_kind */
	const char *volume;   /* "visits", "stays", "prescriptions" */
	int money;            /* 1 when the value is money (yuan) per unit */
	int cls;              /* enum cw_class of a finding on it */
} cw_metric_info;

/* What a metric is (static), or NULL for an unknown enum cw_metric. */
CW_EXTERN(const cw_metric_info *) cw_metric_info_of(int metric);
/* The enum cw_metric of a name ("drug_share"), -1 when unknown. */
CW_EXTERN(int) cw_metric_parse(const char *name);

/* How the metrics are computed: the rules' `metrics` section. */

typedef struct cw_metrics_opts {
	int min_peers;                          /* 5 */
	uint32_t min_volume[CW_VOLUME_COUNT];   /* floors: 10 visits, 5 stays, 5 prescriptions */
	int judge_unreachable;                  /* 0: a volume no value can take beyond the limit is not judged */
	double level;                           /* control level of the limits: 0.9999 (z 3.89) */
	double winsor;                          /* share of z-scores winsorised at each end: 0.1 */
	double min_excess;                      /* flag only when value >= expected * (1 + min_excess) */
	double unit_fence;                      /* 20: robust sds beyond which a unit is capped in the peers' figures */
	int phi_min_peers;                      /* 20: a smaller group takes phi from all groups together */
	int min_stratum_units;                  /* 10: a stratum with fewer peer units at the level takes the specialty's */
	double trim;                            /* 0.05: share of its largest units a finding must survive without */
} cw_metrics_opts;

/* Sets *o to the defaults above (the same as rules/default.json). */
CW_EXTERN(void) cw_metrics_opts_default(cw_metrics_opts *o);
/* Reads the options into *o from a rules section: keys min_peers,
 * min_visits, min_stays, min_prescriptions, judge_unreachable, control_level, winsor,
 * min_excess, unit_fence, phi_min_peers, min_stratum_units, trim. Returns 0,
 * or the getters' error naming the key. */
CW_EXTERN(int) cw_metrics_opts_read(cw_metrics_opts *o, const cw_section *s);
/* The same from the rules' `metrics` section. */
CW_EXTERN(int) cw_metrics_opts_load(cw_metrics_opts *o, const cw_rules *rules);

enum cw_metric_status {
	CW_METRIC_NO_DATA,    /* no unit in the month */
	CW_METRIC_LOW_VOLUME, /* fewer units than the floor, or too few for any value to pass the limit */
	CW_METRIC_FEW_PEERS,  /* neither peer group has min_peers physicians */
	CW_METRIC_JUDGED
};

/* One physician on one metric. Fields that do not apply are NAN. */
typedef struct cw_metric_row {
	uint32_t volume;   /* units */
	double value;      /* the physician's figure (NAN without units) */
	double expected;   /* case-mix expected value in the peer group (judged only) */
	double se;         /* standard error under the peers' figures */
	double z;          /* (value - expected) / (sqrt(phi) se) */
	double zlimit;     /* the z to pass: z_alpha corrected for the skewness of the physician's units */
	double limit;      /* expected + zlimit sqrt(phi) se: the upper control limit */
	double plotted;    /* the dot's height on the group's funnel plot */
	int32_t group;     /* index in the table's groups, -1 when not judged */
	uint8_t status;    /* enum cw_metric_status */
	uint8_t flagged;   /* above the upper limit with the minimum excess */
} cw_metric_row;

/* A peer group that judged at least one physician on a metric. */
typedef struct cw_peer_group {
	cw_str specialty;    /* departments.specialty */
	int level;           /* 1..3, or 0: the specialty across levels */
	uint32_t peers;      /* physicians with units of the metric (min_peers counts these) */
	uint32_t judged;     /* physicians judged in this group */
	uint64_t volume;     /* units in the group's reference (its physicians' units but the left-out ones) */
	cw_funnel funnel;    /* target, sd, phi (>= 1), z_alpha: the control-limit curve */
} cw_peer_group;

typedef struct cw_metric_table {
	int metric;
	const cw_metric_row *rows;   /* one per physician row of the dataset */
	size_t ngroups;
	const cw_peer_group *groups; /* ordered by specialty, then level (0 first) */
} cw_metric_table;

/* A physician's volume and billing in the month. */
typedef struct cw_physician_totals {
	uint32_t visits;        /* outpatient and emergency episodes attended */
	uint32_t stays;         /* inpatient episodes (stays discharged in the month) attended */
	uint32_t prescriptions; /* prescriptions written in the month (any visit kind) */
	uint32_t lines;         /* live claim lines in the month ordered by the physician */
	cw_fen billed;          /* their amount */
} cw_physician_totals;

typedef struct cw_metrics cw_metrics;

/* Computes every metric for every physician of the dataset's month into *out
 * (free with cw_metrics_free), which reads ds: ds must outlive it. Returns 0,
 * CW_EINVALID (a control level outside (0, 1)) or CW_ENOMEM. */
CW_EXTERN(int) cw_metrics_compute(cw_metrics **out, const cw_dataset *ds, const cw_metrics_opts *o);
/* Frees the metrics (NULL is allowed). */
CW_EXTERN(void) cw_metrics_free(cw_metrics *m);
/* The options they were computed with. */
CW_EXTERN(const cw_metrics_opts *) cw_metrics_options(const cw_metrics *m);
/* The table of one metric (enum cw_metric), or NULL for an unknown one;
 * valid while m lives. */
CW_EXTERN(const cw_metric_table *) cw_metrics_table(const cw_metrics *m, int metric);
/* Each physician's totals, one per physician row; valid while m lives. */
CW_EXTERN(const cw_physician_totals *) cw_metrics_totals(const cw_metrics *m);

/* Writes the dx category key of a dx code into buf (at least 4 bytes) and
 * returns buf: "J06.9" -> "J06", "i10" -> "I10" (dots removed, ASCII
 * upper-cased, first three bytes). */
CW_EXTERN(char *) cw_dx_category(char buf[4], const char *dx_code);

#ifdef __cplusplus
}
#endif
#endif
