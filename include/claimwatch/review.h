/*
 * claimwatch/review.h: inspectors' decisions on findings.
 *
 * An inspector who has checked a finding records a decision: confirmed or
 * dismissed, with a note, who and when. Decisions live in ROOT/reviews.csv,
 * beside the month folders, so re-running a month never loses them. The file
 * is append-only (columns: time, by, finding_id, month, status, note); the
 * latest decision on a finding wins. A dismissed finding stays in findings.csv
 * (status "dismissed") but no longer counts in scores, ranks or sanctions when
 * its month is run again; a confirmed one is marked "confirmed".
 */
#ifndef CLAIMWATCH_REVIEW_H
#define CLAIMWATCH_REVIEW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cw_review_status { CW_REVIEW_NONE, CW_REVIEW_CONFIRMED, CW_REVIEW_DISMISSED };
/* "", "confirmed", "dismissed". */
const char *cw_review_status_name(int status);
/* CW_REVIEW_CONFIRMED or CW_REVIEW_DISMISSED; -1 for anything else. */
int cw_review_status_parse(const char *s);

typedef struct cw_reviews cw_reviews;

/* Reads ROOT/reviews.csv; a missing file gives an empty set. */
int cw_reviews_load(const char *root, cw_reviews **out);
void cw_reviews_free(cw_reviews *rv);
/* The latest decision on a finding (CW_REVIEW_NONE when none, or rv NULL). */
int cw_reviews_status(const cw_reviews *rv, const char *finding_id);
/* Findings with a decision. */
size_t cw_reviews_count(const cw_reviews *rv);

/* One decision to record. */
typedef struct cw_review {
	const char *finding_id;
	const char *month;  /* "YYYY-MM": where the finding was found */
	int status;         /* CW_REVIEW_CONFIRMED or CW_REVIEW_DISMISSED */
	const char *by;     /* who decided */
	const char *note;
} cw_review;

/* Appends a decision to ROOT/reviews.csv (created with its header when
 * missing), under an exclusive lock, stamped with the local time. */
int cw_review_append(const char *root, const cw_review *r);

/* Where a finding id was reported: the month folder and its findings.csv row. */
typedef struct cw_finding_where {
	char month[8];
	char detector[64];
	char physician_id[72];
	char suspect_amount[32];
} cw_finding_where;

/* Looks for finding_id in every ROOT/YYYY-MM/findings.csv (latest month
 * first); CW_ENOTFOUND with a message when no month has it. */
int cw_finding_locate(const char *root, const char *finding_id, cw_finding_where *out);

#ifdef __cplusplus
}
#endif
#endif
