/* findings_impl.h: the inside of a findings list (findings.c), for the detection runner and for the
 * rules of later stages that add findings (judge/prompts.h). */
#ifndef CW_FINDINGS_IMPL_H
#define CW_FINDINGS_IMPL_H
#include "claimwatch/findings.h"

typedef struct cw_stored {
	cw_finding f;      /* f.lines, f.tag, f.metric are offsets in disguise: see below */
	size_t lines_at;   /* into list->lines */
	size_t reason_at, reason_zh_at, tag_at, metric_at; /* into list->text; SIZE_MAX when none */
	const cw_detector *detector;
	int dimension;
	cw_ref inst, dept;
	char id[CW_FINDING_ID_SIZE];
	cw_fen fund;        /* cw_record.fund */
	int fund_estimated;
} cw_stored;

struct cw_findings {
	cw_stored *items;
	size_t n, cap;
	uint32_t *lines;
	size_t nlines, lines_cap;
	char *text;
	size_t text_len, text_cap;
};

/* Appends a copy of src's finding i to dst (with its lines and texts). */
int cw_findings_copy(cw_findings *dst, const cw_findings *src, size_t i);
/* The last finding appended, to fill in detector, dimension, inst, dept, id. */
cw_stored *cw_findings_last(cw_findings *list);
const char *cw_findings_text(const cw_findings *list, size_t at);

/* Where a finding made outside detection belongs (a rule of a later stage, judge/prompts.h): who made it,
 * its dimension, institution and department (CW_NONE when none) and its stable id. */
typedef struct cw_placed {
	const cw_detector *detector;
	int dimension;
	cw_ref inst, dept;
	const char *id;
} cw_placed;
/* Appends f (no evidence lines needed) with its reason in English and Chinese (NULL: none), placed as `at`
 * says; its fund share is 0, not estimated. Returns 0 or CW_ENOMEM. */
int cw_findings_add_placed(cw_findings *list, const cw_finding *f, const char *reason_en, const char *reason_zh,
                           const cw_placed *at);

#endif
