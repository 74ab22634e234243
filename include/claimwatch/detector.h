/*
 * claimwatch/detector.h: what a detector is, and how it reports a finding.
 *
 * A detector is a plain struct of callbacks, defined in one file under
 * detectors/ and listed once in detectors/registry.c. The core never names a
 * detector: it reads the detector's section of the rules
 * ("detectors.<name>"), hands it to configure(), and runs scan() on the month's
 * dataset, possibly on several threads.
 *
 *   static int configure(const cw_section *rules, void **config);
 *   static int scan(const cw_scan *ctx, cw_findings *out);
 *
 *   const cw_detector cw_detector_over_price = {
 *       .name = "over_price",
 *       .summary = "a line's unit price above the item's std_price",
 *       .dimension = NULL,                   // by the item's category
 *       .partition = CW_PARTITION_PATIENTS,  // scan() sees a range of patients
 *       .configure = configure, .release = free, .scan = scan,
 *   };
 *
 * scan() may look at the whole loaded window; the core keeps only the findings
 * whose latest evidence (cw_finding.when) falls in the run's month, so a
 * finding is reported exactly once, in the month of its latest evidence.
 * scan() must be deterministic and must not keep state between calls: with
 * CW_PARTITION_PATIENTS it is called once per slice of patients, possibly on
 * several threads at once, and the slices' findings are concatenated in
 * patient order.
 */
#ifndef CLAIMWATCH_DETECTOR_H
#define CLAIMWATCH_DETECTOR_H

#include <stddef.h>
#include <stdint.h>
#include "claimwatch/dataset.h"
#include "claimwatch/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cw_severity {
	CW_VIOLATION,  /* 违规: the rule is broken, the money is not payable */
	CW_SUSPICIOUS, /* 可疑: needs a look at the record */
	CW_NOTICE,     /* 提示 */
	CW_SEVERITY_COUNT
};
const char *cw_severity_name(int severity); /* "violation", "suspicious", "notice" */

/* What a finding is about, which the rules map to a four-reasonableness
 * dimension (rules: dimensions.by_class). The first CW_CAT_COUNT classes are
 * the item categories of enum cw_category. */
enum cw_class {
	CW_CLASS_ADMISSION = CW_CAT_COUNT, /* an admission or a diagnosis-driven finding */
	CW_CLASS_STAY,         /* how a stay was used: idle bed days, length of stay */
	CW_CLASS_PRESCRIPTION, /* prescribing: large prescriptions, antibiotics */
	CW_CLASS_COST,         /* a physician's cost profile */
	CW_CLASS_EXAM_USE,     /* a physician's use of exams and labs */
	CW_CLASS_COUNT
};
const char *cw_class_name(int cls);
int cw_class_parse(const char *s);

/* One suspect case. Fill one, point .lines at the evidence and call
 * cw_emit(); the list copies what it needs. */
typedef struct cw_finding {
	cw_ref physician;  /* who is responsible: the ordering physician of the evidence, else the attending */
	cw_ref patient;    /* CW_NONE for a physician-level finding */
	cw_ref visit;      /* CW_NONE where none; a stay-level finding names its stay */
	cw_ref item;       /* the item concerned, or CW_NONE */
	int cls;           /* enum cw_class (or a cw_category) */
	int severity;      /* enum cw_severity */
	cw_fen suspect;    /* money at stake */
	double score;      /* 0..1: how strong the evidence is */
	cw_minute when;    /* time of the latest evidence: decides the month */
	const uint32_t *lines; /* evidence claim line rows */
	size_t nlines;
	/* Optional: a word that tells apart two findings on the same evidence
	 * ("sex_only", "drugs_per_rx"); part of the stable finding id. */
	const char *tag;
	/* Optional, for metric findings (outliers, rates): NULL / NAN when unused. */
	const char *metric;
	double value, expected, limit;
} cw_finding;

/* A finding with every reference CW_NONE, score 1, severity suspicious. */
cw_finding cw_finding_init(void);

typedef struct cw_findings cw_findings;

/* Appends a finding with a one-line reason (printf format). Returns 0 or
 * CW_ENOMEM. */
int cw_emit(cw_findings *out, const cw_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

typedef enum cw_partition {
	CW_PARTITION_NONE,     /* scan() is called once with every patient */
	CW_PARTITION_PATIENTS  /* scan() is called per slice of patients, maybe in parallel */
} cw_partition;

/* What scan() may read beside the dataset; a detector asks for it in .needs. */
enum cw_needs {
	CW_NEEDS_METRICS = 1 /* the physicians' metrics of the month (claimwatch/metrics.h) in ctx->metrics */
};

typedef struct cw_metrics cw_metrics; /* claimwatch/metrics.h */

typedef struct cw_scan {
	const cw_dataset *ds;
	const void *config;             /* what configure() returned */
	cw_ref patient_begin, patient_end; /* the slice: patients [begin, end) */
	const cw_metrics *metrics; /* with CW_NEEDS_METRICS, else NULL */
} cw_scan;

typedef struct cw_detector {
	const char *name;      /* as in findings.csv and the rules ("split_billing") */
	const char *title_zh;  /* "分解收费" */
	const char *summary;   /* one line for `claimwatch detectors` */
	/* The dimension findings count against by default ("exam", "diagnosis",
	 * "treatment", "medication"), or NULL for "by the finding's class". The
	 * rules (dimensions.by_detector) may override it. */
	const char *dimension;
	cw_partition partition;
	unsigned needs;        /* enum cw_needs flags */
	/* Reads the detector's section of the rules into a config for scan(). On
	 * error returns < 0 with a message naming the key (cw_section_* do). */
	int (*configure)(const cw_section *rules, void **config);
	void (*release)(void *config);
	int (*scan)(const cw_scan *ctx, cw_findings *out);
} cw_detector;

/* The static table of every detector, NULL-terminated (detectors/registry.c). */
extern const cw_detector *const cw_detectors[];
size_t cw_detector_count(void);
const cw_detector *cw_detector_find(const char *name);
int cw_detector_index(const char *name); /* -1 when unknown */

#ifdef __cplusplus
}
#endif
#endif
