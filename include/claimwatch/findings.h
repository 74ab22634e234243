/*
 * claimwatch/findings.h: the findings of a month, as scoring, ranking and the
 * writers see them.
 *
 * cw_detect() runs every enabled detector over a dataset and returns one list:
 * only the findings of the run's month, each with its responsible institution
 * and department filled in, its four-reasonableness dimension resolved from the
 * rules, and a stable id (the same data gives the same ids, run after run, so
 * that an inspector's decision stays attached to its finding). The detectors
 * are those of the rules' registry (cw_rules_registry). Order: registry order,
 * then the order each detector emitted in (patient order for partitioned
 * detectors), whatever the number of threads.
 */
#ifndef CLAIMWATCH_FINDINGS_H
#define CLAIMWATCH_FINDINGS_H

#include "claimwatch/common.h"

#include "claimwatch/detector.h"
#include "claimwatch/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CW_FINDING_ID_SIZE 20 /* "F" + 16 hex digits + NUL, padded */

/* One finding, read from a list. Pointers stay valid while the list lives. */
typedef struct cw_record {
	cw_finding f;        /* as emitted; f.lines points into the list */
	const cw_detector *detector; /* who found it: a detector of the rules' registry */
	int dimension;       /* index in the rules' dimension names */
	cw_ref inst, dept;   /* where it belongs: cw_finding_place (the visit's institution when not the physician's) */
	const char *reason;    /* in English */
	const char *reason_zh; /* in Chinese; NULL when the detector gave none */
	char id[CW_FINDING_ID_SIZE];
	/* The fund's share of f.suspect (issue 14, data contract 2): suspect x (sum of fund_amount / sum of
	 * amount) over the evidence lines when every one gives fund_amount; else suspect x the rules'
	 * fund.estimated_share and fund_estimated = 1 (cw_finding_fund). Appended last. */
	cw_fen fund;
	int fund_estimated;
} cw_record;

/* A new, empty list into *out (free with cw_findings_free). Returns 0 or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_findings_new(cw_findings **out);
/* Frees the list and everything it holds (NULL is allowed). */
CW_EXTERN(void) cw_findings_free(cw_findings *list);
/* The findings in the list. */
CW_EXTERN(size_t) cw_findings_count(const cw_findings *list);
/* Fills *rec with finding i (0-based, below the count). */
CW_EXTERN(void) cw_findings_get(cw_record *rec, const cw_findings *list, size_t i);
/* The reason in a language: lang "en" gives the English one; "zh" (or NULL) the
 * Chinese one, or the English one where the detector gave no Chinese. */
CW_EXTERN(const char *) cw_record_reason(const cw_record *rec, const char *lang);

/* --- dimensions -------------------------------------------------------------
 * The rules' set of dimensions (dimensions.names) and how a finding maps to
 * one: dimensions.by_detector[detector] if given, else the detector's own
 * default when it is one of the names, else dimensions.by_class[class]. */
/* --- the fund's share (src/engine/fund.c; issue 14 item 1) ---------------------
 * The rules' fund.estimated_share (default 0.16, K7: 11.9万 refunded of 74.5万 of violations) into
 * *out; 0, or CW_EINVALID when the key is not a number in [0, 1]. rules may be NULL (the default). */
CW_EXTERN(int) cw_fund_share(double *out, const cw_rules *rules);
/* amount x share, rounded to the fen. */
CW_EXTERN(cw_fen) cw_fund_estimate(cw_fen amount, double share);
/* Who paid claim line `line`: the fund and the patient inside the scope, as given, or when the line
 * lacks fund_amount estimated (fund amount x share, the patient the rest) and *estimated = 1. The part
 * out of the fund's scope is amount - *fund - *self_pay. */
CW_EXTERN(void) cw_line_pay(cw_fen *fund, cw_fen *self_pay, int *estimated, const cw_claims *cl, uint32_t line,
                            double share);
/* The fund's share of a finding's suspect money (see cw_record.fund). */
CW_EXTERN(void) cw_finding_fund(cw_fen *fund, int *estimated, const cw_dataset *ds, const cw_finding *f,
                                double share);

/* --- where a finding belongs (src/engine/place.c; issue 18 item 2) ---------------
 * The institution and department answerable for f into *inst and *dept: those of the visit where it
 * happened (f->visit, else the visit of its latest evidence line) when that visit is at another
 * institution than the physician's own (多点执业: the visit's department, the physician having none
 * there); otherwise the physician's institution and department; for a department-level finding its
 * department and that department's institution; CW_NONE for both when none of these applies. */
CW_EXTERN(void) cw_finding_place(cw_ref *inst, cw_ref *dept, const cw_dataset *ds, const cw_finding *f);

typedef struct cw_dimset cw_dimset;
/* Reads the rules' dimensions into *out (free with cw_dimset_free), which
 * keeps pointers into the rules: they must outlive it. Returns 0, or
 * CW_EINVALID naming the key (an unknown detector or dimension) or CW_ENOMEM. */
CW_EXTERN(int) cw_dimset_load(cw_dimset **out, const cw_rules *rules);
/* Frees the set (NULL is allowed). */
CW_EXTERN(void) cw_dimset_free(cw_dimset *d);
/* The number of dimensions, and the name of dimension i ("?" past the end). */
CW_EXTERN(size_t) cw_dimset_count(const cw_dimset *d);
CW_EXTERN(const char *) cw_dimset_name(const cw_dimset *d, size_t i);
/* The index of a dimension's name, -1 when unknown. */
CW_EXTERN(int) cw_dimset_find(const cw_dimset *d, const char *name);
/* The dimension of a finding of class cls by the registry's detector number
 * `detector` (-1: by the class alone). */
CW_EXTERN(int) cw_dimset_resolve(const cw_dimset *d, int detector, int cls);

/* --- detection ------------------------------------------------------------- */
typedef struct cw_detect_timing {
	const char *detector;
	double seconds;   /* wall time of the detector's scans, summed over its slices */
	size_t findings;  /* kept in the month */
} cw_detect_timing;

typedef struct cw_detect_opts {
	int threads;               /* 0: the number of cores */
	const char *only;          /* run only this detector (NULL: every enabled one) */
	cw_detect_timing *timings; /* optional, one per detector of the rules' registry */
	/* The month's metrics for the detectors that need them (CW_NEEDS_METRICS);
	 * NULL: computed here, with the rules' metrics section, when one does. */
	const cw_metrics *metrics;
	/* Optional: asked before each job (one detector on one slice of patients);
	 * a nonzero answer stops the run, which returns CW_ERROR ("the detection
	 * was stopped") without findings. `claimwatch serve` stops a check that
	 * runs over its time limit so. NULL: never stopped. */
	int (*stop)(void *arg);
	void *stop_arg;
} cw_detect_opts;

/* Runs the enabled detectors of the rules' registry over ds and hands the
 * month's findings to *out (free with cw_findings_free; their text and lines
 * are the list's own, their detectors the registry's). dims is
 * cw_dimset_load's of the same rules; opts may be NULL (every enabled
 * detector, one thread per core). Returns 0, or a detector's error wrapped
 * with its name, CW_EUSAGE (opts->only names no detector) or CW_ENOMEM. */
CW_EXTERN(int) cw_detect(cw_findings **out, const cw_dataset *ds, const cw_rules *rules,
              const cw_dimset *dims, const cw_detect_opts *opts);
/* Configures (and releases) every enabled detector from the rules, so a bad
 * detector key fails a run before its data is read. Returns 0, or the first
 * detector's error (naming the key) or CW_ENOMEM. */
CW_EXTERN(int) cw_detect_check(const cw_rules *rules);

/* --- a set of configured detectors -------------------------------------------
 * cw_detect() configures its detectors from the rules on every call. A caller
 * that runs the same detectors over many datasets (`claimwatch serve` judges
 * each claim on its patient's own small dataset) configures them once into a
 * set and runs the set with cw_detect_set(). A set is read-only once made: any
 * number of threads may run it at once (each detector's config is only read by
 * its scan()). cw_detect() is cw_detector_set_new(), cw_detect_set() and
 * cw_detector_set_free(), so both give the same findings. */
typedef struct cw_detector_set cw_detector_set;

/* Configures the enabled detectors of the rules' registry into *out (free with
 * cw_detector_set_free): every enabled one when names is NULL, else the enabled
 * ones among the n names (a disabled one is left out). rules and dims (as for
 * cw_detect; dims may be NULL for a set that only checks the rules) must
 * outlive the set. Returns 0, or a detector's error wrapped with its name,
 * CW_EINVALID (a detector's section missing from the rules), CW_EUSAGE (a name
 * of no detector) or CW_ENOMEM. */
CW_EXTERN(int) cw_detector_set_new(cw_detector_set **out, const cw_rules *rules, const cw_dimset *dims,
                                   const char *const *names, size_t n);
/* Releases the detectors' configs and the set (NULL is allowed). */
CW_EXTERN(void) cw_detector_set_free(cw_detector_set *set);
/* The number of detectors in the set, and detector i of them (registry order;
 * NULL past the end). */
CW_EXTERN(size_t) cw_detector_set_count(const cw_detector_set *set);
CW_EXTERN(const cw_detector *) cw_detector_set_get(const cw_detector_set *set, size_t i);
/* Runs the set's detectors over ds: the findings of cw_detect() with the same
 * rules, in the same order, into *out (free with cw_findings_free). opts as for
 * cw_detect (may be NULL); opts->only narrows the run to one detector of the
 * set (none when it is not in the set). Returns 0, or a detector's error
 * wrapped with its name, CW_EUSAGE (opts->only names no detector) or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_detect_set(cw_findings **out, const cw_dataset *ds, const cw_detector_set *set,
                             const cw_detect_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
