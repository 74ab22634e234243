/*
 * claimwatch/review.h: inspectors' decisions on findings, from self-inspection to refund.
 *
 * An inspector who has checked a finding records a decision with a note, who
 * (free text) and the date of the act. Decisions live in ROOT/reviews.csv,
 * beside the month folders, so re-running a month never loses them. The file
 * only grows (columns: time, by, finding_id, month, status, note, date,
 * amount); the decisions on a finding, in file order, walk it through the
 * states of docs/review.md:
 *
 *   open --confirmed--> confirmed --rectified--> rectified --refunded--> refunded
 *     \                  |  ^  \______________refunded______________________^
 *      \--dismissed--> dismissed                                    (refunded again: another instalment)
 *   confirmed, rectified or refunded --appealed--> appealed (申诉)
 *   appealed --upheld--> the state before the appeal; --overturned--> dismissed
 *
 * open is every finding's state until a decision; confirmed and dismissed may
 * replace each other (a second look); rectified, refunded and appealed need a
 * confirmed finding; upheld and overturned close an appeal. A dismissed
 * finding stays in findings.csv (status "dismissed") but no longer counts in
 * scores, ranks or sanctions when its month is run again; confirmed, rectified,
 * refunded and appealed ones count as confirmed and are marked with their state.
 * A refund records its amount in yuan; the refunds of a finding add up.
 *
 * A decision is added all or nothing: the file is written again whole, with the
 * new record, and renamed into place, under a lock on ROOT, so a full disk or a
 * killed process leaves the file as it was; the transition is checked under
 * that lock. A file of the first form (without date and amount) is read as it
 * is and rewritten in the new form by the next decision. A file whose end is
 * damaged (a write of an older claimwatch cut short: a broken quote, a record
 * without its line break) never stops a reader: the readable records are used,
 * the damaged end is moved to ROOT/reviews.csv.damaged-<time>.<pid> and a
 * warning says so.
 */
#ifndef CLAIMWATCH_REVIEW_H
#define CLAIMWATCH_REVIEW_H

#include "claimwatch/types.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The states of a finding (NONE: open) and the acts that move it: the five states' acts carry their
 * names; UPHELD and OVERTURNED are acts only (they close an appeal), never a finding's state. */
enum cw_review_status {
	CW_REVIEW_NONE, CW_REVIEW_CONFIRMED, CW_REVIEW_DISMISSED, CW_REVIEW_RECTIFIED, CW_REVIEW_REFUNDED,
	CW_REVIEW_APPEALED, CW_REVIEW_UPHELD, CW_REVIEW_OVERTURNED, CW_REVIEW_NSTATUS
};
/* "", "confirmed", "dismissed", "rectified", "refunded", "appealed", "upheld", "overturned". */
CW_EXTERN(const char *) cw_review_status_name(int status);
/* "open" for CW_REVIEW_NONE, else as cw_review_status_name. */
CW_EXTERN(const char *) cw_review_state_name(int status);
/* An act's name into its CW_REVIEW_*; -1 for anything else (also "open"). */
CW_EXTERN(int) cw_review_status_parse(const char *s);
/* 1 for the states that count as a confirmed finding: confirmed, rectified, refunded, appealed. */
CW_EXTERN(int) cw_review_is_confirmed(int status);
/* The state after `act` on a finding in state `current` (`before_appeal`: its state before the
 * appeal, when current is CW_REVIEW_APPEALED): 0 with *next set, or CW_EINVALID with a message
 * naming the current state and what it allows. */
CW_EXTERN(int) cw_review_transition(int *next, int current, int before_appeal, int act);

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
/* The state of a finding after its decisions (CW_REVIEW_NONE when none, or rv NULL). */
CW_EXTERN(int) cw_reviews_status(const cw_reviews *rv, const char *finding_id);
/* The money refunded on a finding, in fen (its refunds added up; 0 when none). Kept while it is under
 * appeal and when the appeal is upheld; 0 once an appeal is overturned (the refunds stay in the file
 * for the record: the fund owes them back). */
CW_EXTERN(cw_fen) cw_reviews_refunded(const cw_reviews *rv, const char *finding_id);
/* Findings with a decision (0 for rv NULL). */
CW_EXTERN(size_t) cw_reviews_count(const cw_reviews *rv);

/* One decision to record. */
typedef struct cw_review {
	const char *finding_id;
	const char *month;  /* "YYYY-MM": where the finding was found */
	int status;         /* the act: CW_REVIEW_CONFIRMED .. CW_REVIEW_OVERTURNED */
	const char *by;     /* who decided (free text) */
	const char *note;
	const char *date;   /* "YYYY-MM-DD": the day of the act; NULL or "": today */
	cw_fen amount;      /* a refund's amount (> 0); 0 for the other acts */
	int capped;         /* 1: the refunds of the finding may not add up to more than cap */
	cw_fen cap;         /* the finding's suspect_amount, when capped */
} cw_review;

/* Appends a decision to ROOT/reviews.csv (created mode 0600 with its header
 * when missing; an existing file keeps its mode), stamped with the local time,
 * all or nothing, after checking under the lock that the finding's state allows
 * it. *warnings (caller frees) receives the warnings of setting a damaged end
 * aside, one per line, or "" (NULL on failure). Returns 0, or CW_EINVALID (an
 * unknown act, a transition the state refuses, a refund without an amount or
 * beyond the cap, an amount on another act, a bad date), CW_EIO or CW_ENOMEM. */
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
