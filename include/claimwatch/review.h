/*
 * claimwatch/review.h: inspectors' decisions on findings.
 *
 * An inspector who has checked a finding records a decision: confirmed or
 * dismissed, with a note, who and when. Decisions live in ROOT/reviews.csv,
 * beside the month folders, so re-running a month never loses them. The file
 * only grows (columns: time, by, finding_id, month, status, note); the latest
 * decision on a finding wins. A dismissed finding stays in findings.csv
 * (status "dismissed") but no longer counts in scores, ranks or sanctions when
 * its month is run again; a confirmed one is marked "confirmed".
 *
 * A decision is added all or nothing: the file is written again whole, with the
 * new record, and renamed into place, under a lock on ROOT, so a full disk or a
 * killed process leaves the file as it was. A file whose end is damaged (a write
 * of an older claimwatch cut short: a broken quote, a record without its line
 * break) never stops a reader: the readable records are used, the damaged end is
 * moved to ROOT/reviews.csv.damaged-<time>.<pid> and a warning says so.
 */
#ifndef CLAIMWATCH_REVIEW_H
#define CLAIMWATCH_REVIEW_H

#include "claimwatch/common.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cw_review_status { CW_REVIEW_NONE, CW_REVIEW_CONFIRMED, CW_REVIEW_DISMISSED };
/* "", "confirmed", "dismissed". */
CW_EXTERN(const char *) cw_review_status_name(int status);
/* CW_REVIEW_CONFIRMED or CW_REVIEW_DISMISSED; -1 for anything else. */
CW_EXTERN(int) cw_review_status_parse(const char *s);

typedef struct cw_reviews cw_reviews;

/* Reads ROOT/reviews.csv into *out (free with cw_reviews_free); a missing
 * file gives an empty set. A damaged end is set aside and a decision with an
 * unknown status skipped, each with a warning (cw_reviews_warnings); only a
 * file that cannot be read fails: CW_EIO, or CW_ENOMEM. */
CW_EXTERN(int) cw_reviews_load(cw_reviews **out, const char *root);
/* Frees the decisions (NULL is allowed). */
CW_EXTERN(void) cw_reviews_free(cw_reviews *rv);
/* The warnings of the load, one per line ("" when none, or rv NULL); valid
 * while rv lives. */
CW_EXTERN(const char *) cw_reviews_warnings(const cw_reviews *rv);
/* How many findings of `month` have, in ROOT/reviews.csv now, a latest
 * decision other than in rv (recorded since rv was loaded); 0 when none or
 * when the file cannot be read. */
CW_EXTERN(size_t) cw_reviews_changed(const cw_reviews *rv, const char *root, const char *month);
/* The latest decision on a finding (CW_REVIEW_NONE when none, or rv NULL). */
CW_EXTERN(int) cw_reviews_status(const cw_reviews *rv, const char *finding_id);
/* Findings with a decision (0 for rv NULL). */
CW_EXTERN(size_t) cw_reviews_count(const cw_reviews *rv);

/* One decision to record. */
typedef struct cw_review {
	const char *finding_id;
	const char *month;  /* "YYYY-MM": where the finding was found */
	int status;         /* CW_REVIEW_CONFIRMED or CW_REVIEW_DISMISSED */
	const char *by;     /* who decided */
	const char *note;
} cw_review;

/* Appends a decision to ROOT/reviews.csv (created mode 0600 with its header
 * when missing; an existing file keeps its mode), stamped with the local time,
 * all or nothing. *warnings (caller frees) receives the warnings of setting a
 * damaged end aside, one per line, or "" (NULL on failure). Returns 0, or
 * CW_EINVALID (a status other than confirmed or dismissed), CW_EIO or
 * CW_ENOMEM. */
CW_EXTERN(int) cw_review_append(char **warnings, const char *root, const cw_review *r);

/* Where a finding id was reported: the month folder and its findings.csv row. */
typedef struct cw_finding_where {
	char month[8];
	char detector[64];
	char physician_id[72];
	char suspect_amount[32];
} cw_finding_where;

/* Looks for finding_id in every ROOT/YYYY-MM/findings.csv (latest month
 * first) and fills *out from the first that has it. Returns 0, CW_ENOTFOUND
 * with a message when no month has it, or CW_EIO. */
CW_EXTERN(int) cw_finding_locate(cw_finding_where *out, const char *root, const char *finding_id);

#ifdef __cplusplus
}
#endif
#endif
