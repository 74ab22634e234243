/*
 * claimwatch/detector.h: what a detector is, how it reports a finding, and the
 * registry that holds the detectors of a run.
 *
 * A detector is one self-describing struct in one file: its name, its titles in
 * Chinese and English, its default dimension, its rules keys with their default
 * values, and three callbacks. The core never names a detector: the registry
 * lists them, the rules loader merges each one's defaults under
 * "detectors.<name>" (so a user's --rules may set them), configure() reads that
 * section, and scan() runs on the month's dataset, possibly on several threads.
 * The report, `claimwatch detectors`, `eval` and the documentation take names
 * and titles from the struct.
 *
 *   static int configure(void **out, const cw_section *rules);
 *   static int scan(cw_findings *out, const cw_scan *ctx);
 *
 *   const cw_detector cw_detector_over_price = {
 *       CW_DETECTOR_INIT,                    // the interface version this file is built against
 *       .name = "over_price",
 *       .title_zh = "超标准收费", .title_en = "Over-price billing",
 *       .summary = "a line's unit price above the item's std_price",
 *       .summary_zh = "收费单价高于项目的标准价格",   // the same in Chinese
 *       .dimension = NULL,                   // by the item's category
 *       .defaults = "{\"tolerance\": 0.0}",   // detectors.over_price ("enabled": true is added)
 *       .partition = CW_PARTITION_PATIENTS,  // scan() sees a range of patients
 *       .configure = configure, .release = free, .scan = scan,
 *   };
 *
 * Where detectors come from: the build generates the table of built-in
 * detectors from the files of detectors/ and of the folders listed in the CMake
 * variable CW_DETECTOR_DIRS (each file X.c defining cw_detector_X), in
 * alphabetical order of their names (cw_registry_builtin); a plug-in, a shared
 * object built against these headers alone, adds more at run time
 * (cw_registry_load_plugin: `claimwatch run --plugin PATH.so` or the rules'
 * "plugins"). It exports its table of detectors,
 *
 *   CW_PLUGIN_DETECTORS(&cw_detector_mine);  // cw_plugin_detectors[], NULL-terminated
 *
 * and is refused when built against another CW_DETECTOR_VERSION.
 * examples/detectors/ holds one detector built both ways.
 *
 * scan() may look at the whole loaded window; the core keeps only the findings
 * whose latest evidence (cw_finding.when) falls in the run's month, so a
 * finding is reported exactly once, in the month of its latest evidence.
 * scan() must be deterministic and must not keep state between calls: with
 * CW_PARTITION_PATIENTS it is called once per slice of patients, possibly on
 * several threads at once, and the slices' findings are concatenated in
 * patient order. claimwatch/scan.h has the helpers a scan needs.
 */
#ifndef CLAIMWATCH_DETECTOR_H
#define CLAIMWATCH_DETECTOR_H

#include "claimwatch/common.h"

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
/* "violation", "suspicious", "notice" ("?" out of range). */
CW_EXTERN(const char *) cw_severity_name(int severity);

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
/* A class's name as findings.csv and the rules write it ("exam",
 * "admission", "prescription"...; "?" out of range), and the class of a name
 * (-1 when unknown). */
CW_EXTERN(const char *) cw_class_name(int cls);
CW_EXTERN(int) cw_class_parse(const char *s);

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
	/* For a department-level finding (physician CW_NONE): the department it is
	 * about, which also gives its institution. CW_NONE otherwise. */
	cw_ref dept;
} cw_finding;

/* A finding with every reference CW_NONE (dept too), class other, score 1, severity
 * suspicious, `when` CW_MINUTE_NONE, no lines, tag or metric (value, expected
 * and limit NAN). */
CW_EXTERN(cw_finding) cw_finding_init(void);

typedef struct cw_findings cw_findings;

/* Appends a copy of f (its lines and tag too) to the list with a one-line
 * reason (printf format). Returns 0 or CW_ENOMEM. */
CW_EXTERN(int) cw_emit(cw_findings *out, const cw_finding *f, const char *fmt, ...)
	CW_PRINTF(3, 4);
/* Like cw_emit(), with the reason in English and in Chinese: both formats
 * take the same arguments, in the same order, and the compiler checks both
 * against them. A piece whose words differ by language is passed twice, the
 * English then the Chinese, and each format skips the other's with "%.0s":
 *   cw_emit_i18n(out, &f, "%s billed %s%.0s", "%s%.0s%s收费", name, "twice", "两次");
 * Outputs show the reason in the run's language (the English one where a
 * detector gives only that). */
CW_EXTERN(int) cw_emit_i18n(cw_findings *out, const cw_finding *f, const char *fmt_en, const char *fmt_zh, ...)
	CW_PRINTF(3, 5) CW_PRINTF(4, 5);

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
	/* The diagnosis coding system of the month (claimwatch/dxcoding.h, enum cw_dx_coding): CW_DX_ICD10
	 * or CW_DX_ICD9, from the rules' dx.coding ("auto": by the month's codes). A detector with prefix
	 * lists per system uses this one's. Appended last (issue 18). */
	int dx_coding;
} cw_scan;

/* The version of the detector interface: of cw_detector, cw_scan, cw_finding
 * and the functions a detector calls. It changes whenever one of them changes
 * in a way that a detector built before would misread. 2: the functions a
 * detector calls take their out-parameters first (cw_section_int(&v, s, ...),
 * cw_binomial_interval(&ci, ...)), and cw_grow is the engine's, not inline.
 * 3: cw_finding has a dept (department-level findings); cw_emit_i18n(). */
#define CW_DETECTOR_VERSION 3

typedef struct cw_detector {
	/* Set by CW_DETECTOR_INIT: the interface the detector was built against.
	 * Always the first two members, in every version. */
	unsigned int version;
	size_t size;           /* sizeof(cw_detector) */
	const char *name;      /* as in findings.csv and the rules ("split_billing"): [a-z0-9_], at most 48 bytes */
	const char *title_zh;  /* "分解收费": the report's title in Chinese */
	const char *title_en;  /* "Split billing": in English */
	const char *summary;   /* one line for `claimwatch detectors` and the report */
	/* The dimension findings count against by default ("exam", "diagnosis",
	 * "treatment", "medication"), or NULL for "by the finding's class". The
	 * rules (dimensions.by_detector) may override it. */
	const char *dimension;
	/* The detector's rules keys with their default values: a JSON object (NULL:
	 * none), merged under detectors.<name> before the user's rules, which may
	 * then set only these keys. "enabled": true is added unless given. */
	const char *defaults;
	cw_partition partition;
	unsigned needs;        /* enum cw_needs flags */
	/* Reads the detector's section of the rules into a config for scan(). On
	 * error returns < 0 with a message naming the key (cw_section_* do). */
	int (*configure)(void **out, const cw_section *rules);
	void (*release)(void *config);
	int (*scan)(cw_findings *out, const cw_scan *ctx);
	/* The summary in Chinese, for the Chinese report and `claimwatch case`
	 * (NULL: the English one is shown). */
	const char *summary_zh;
} cw_detector;

/* The first line of every detector's initializer. */
#define CW_DETECTOR_INIT .version = CW_DETECTOR_VERSION, .size = sizeof(cw_detector)

/* The symbol a plug-in exports: its detectors, NULL-terminated. A file that
 * is a plug-in and may also be compiled in (CW_DETECTOR_DIRS) writes
 *   CW_PLUGIN_DETECTORS(&cw_detector_mine);
 * which defines the table, unless claimwatch's build compiles the file in
 * (it defines CW_BUILTIN there, and its generated table lists the detector). */
#define CW_PLUGIN_SYMBOL "cw_plugin_detectors"
#ifdef CW_BUILTIN
#define CW_PLUGIN_DETECTORS(...) extern const cw_detector *const cw_plugin_detectors[]
#else
#define CW_PLUGIN_DETECTORS(...) \
	__attribute__((visibility("default"))) const cw_detector *const cw_plugin_detectors[] = { __VA_ARGS__, NULL }
#endif

/* --- the registry --------------------------------------------------------------
 * The detectors of a run, in order: the built-in ones (alphabetical), then the
 * plug-ins' in load order. The rules keep the registry they were loaded with
 * (cw_rules_registry), which must outlive them, and every finding points at its
 * detector, which lives as long as the registry. Functions that read a
 * registry take NULL as a registry without detectors. */
typedef struct cw_registry cw_registry;

/* A new, empty registry into *out (free with cw_registry_free). Returns 0 or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_registry_new(cw_registry **out);
/* The same, holding the built-in detectors (those compiled in, alphabetical). */
CW_EXTERN(int) cw_registry_builtin(cw_registry **out);
/* Frees the registry and closes its plug-ins (NULL is allowed): nothing of
 * theirs may be used after. */
CW_EXTERN(void) cw_registry_free(cw_registry *reg);
/* Adds a detector (which must outlive the registry), checked: the interface
 * version and struct size it was built with, a valid name that no other
 * detector has, both titles and the callbacks. Adding the very same detector
 * again does nothing. Returns 0, or CW_EINVALID saying what is wrong, or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_registry_add(cw_registry *reg, const cw_detector *d);
/* Opens the shared object at path (a bare name is a file of the current
 * folder) and adds every detector of its cw_plugin_detectors table (all or
 * none); the object stays open as long as the registry. A plug-in built
 * against another CW_DETECTOR_VERSION is refused with both versions in the
 * message. Returns 0, or CW_EINVALID (it cannot be opened, has no table or a
 * detector is refused; the message names the path) or CW_ENOMEM. */
CW_EXTERN(int) cw_registry_load_plugin(cw_registry *reg, const char *path);
/* The number of detectors; detector i (NULL past the end); the detector of a
 * name (NULL when none) and its index (-1 when none). */
CW_EXTERN(size_t) cw_registry_count(const cw_registry *reg);
CW_EXTERN(const cw_detector *) cw_registry_get(const cw_registry *reg, size_t i);
CW_EXTERN(const cw_detector *) cw_registry_find(const cw_registry *reg, const char *name);
CW_EXTERN(int) cw_registry_index(const cw_registry *reg, const char *name);

#ifdef __cplusplus
}
#endif
#endif
