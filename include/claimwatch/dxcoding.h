/*
 * claimwatch/dxcoding.h: the diagnosis coding system of the data (issue 18 item 4).
 *
 * The rules' dx.coding declares the system visits.csv dx_code is written in: "icd10" (the default,
 * ICD-10 and its national extensions: "J18.9", "I10.x05"), "icd9" (ICD-9-CM, as CMS claims files
 * before October 2015: "038", "250.00", "V58.1", "E880.9"), or "auto", the system most of the month's
 * codes look like. The detectors that read diagnoses take the rules' prefix list of the system in force
 * (an ICD-10 list "..._prefixes" and its ICD-9 equivalent "..._prefixes_icd9"), and their reasons name
 * that system. A month most of whose codes do not look like the declared system is told with a warning
 * (docs/rules.md, "Diagnosis coding").
 *
 * Shapes, on the code as written (blanks around it ignored, letters of either case):
 *   ICD-10: a letter, two digits, then optionally a dot and up to 4 letters or digits, or up to 4 of
 *           them without the dot ("J18", "J18.9", "J189", "I10.x05");
 *   ICD-9:  three digits with up to 2 decimals ("038", "250.00", "25000"), a V code: V and two digits
 *           with up to 2 decimals ("V58.1"), or an E code: E and three digits with up to 1 decimal
 *           ("E880.9").
 * A code may look like both ("V58.1", "E880.9"): it then counts for both.
 */
#ifndef CLAIMWATCH_DXCODING_H
#define CLAIMWATCH_DXCODING_H

#include "claimwatch/common.h"

#include "claimwatch/dataset.h"
#include "claimwatch/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The systems. CW_DX_AUTO is only ever declared: a month's system in force is one of the other two. */
enum cw_dx_coding { CW_DX_ICD10, CW_DX_ICD9, CW_DX_AUTO };

/* "icd10", "icd9", "auto" (the rules' words); "?" otherwise. */
CW_EXTERN(const char *) cw_dx_coding_name(int coding);
/* "ICD-10", "ICD-9", "auto": the system's name in reasons and messages. */
CW_EXTERN(const char *) cw_dx_coding_label(int coding);
/* The rules' dx.coding into *out (CW_DX_ICD10 when rules is NULL or the key absent); 0 or CW_EINVALID
 * naming the key and the words allowed. */
CW_EXTERN(int) cw_dx_coding_load(int *out, const cw_rules *rules);

/* 1 when code has the shape of an ICD-10 code, else 0 (NULL is not a code). */
CW_EXTERN(int) cw_dx_looks_icd10(const char *code);
/* 1 when code has the shape of an ICD-9-CM code, else 0. */
CW_EXTERN(int) cw_dx_looks_icd9(const char *code);

/* The diagnosis codes of a month and the system in force. */
typedef struct cw_dx_month {
	int declared;     /* enum cw_dx_coding: the rules' */
	int coding;       /* CW_DX_ICD10 or CW_DX_ICD9: the one the detectors use */
	size_t codes;     /* the month's visits (admitted in the month) with a diagnosis code */
	size_t icd10;     /* of those, looking like ICD-10 */
	size_t icd9;      /* looking like ICD-9 (a code may count in both) */
	size_t unlike;    /* not looking like the declared system (for auto: like the system chosen) */
} cw_dx_month;

/* Counts the diagnosis codes of the visits admitted in ds's month into *out and picks the system in
 * force: the declared one, or for CW_DX_AUTO the one more of them look like (ICD-10 on a tie and when
 * there is no code). */
CW_EXTERN(void) cw_dx_month_census(cw_dx_month *out, const cw_dataset *ds, int declared);

/* The line a run tells about the month's codes, in lang ("en"; else Chinese), into buf (size bytes,
 * cut to fit): for a declared system, a warning when more than half the codes do not look like it;
 * for auto, which system was picked and why. Returns 1 when a line was written, 0 when there is
 * nothing to tell (buf is then ""). month is "YYYY-MM". */
CW_EXTERN(int) cw_dx_month_message(char *buf, size_t size, const cw_dx_month *m, const char *month,
                                   const char *lang);

#ifdef __cplusplus
}
#endif
#endif
