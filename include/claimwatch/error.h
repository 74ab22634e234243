/*
 * claimwatch/error.h: the one error convention of the library.
 *
 * Every function that can fail returns an int: 0 (CW_OK) on success, a negative
 * CW_E* code on failure. A failing function also records a human-readable
 * message, which cw_error_last() returns until the next failure on the same
 * thread. Messages name what failed: the file, line and column, the rules key
 * path, the table or the SQL file.
 *
 * Some functions also return a small positive value with a documented meaning
 * (CW_SKIP from the dataset builder); a positive value is never an error.
 */
#ifndef CLAIMWATCH_ERROR_H
#define CLAIMWATCH_ERROR_H

#include "claimwatch/common.h"


#ifdef __cplusplus
extern "C" {
#endif

enum cw_error_code {
	CW_OK = 0,
	CW_ERROR = -1,     /* generic failure */
	CW_ENOMEM = -2,    /* out of memory */
	CW_EIO = -3,       /* a file or directory could not be read or written */
	CW_EINVALID = -4,  /* invalid input: data, rules or arguments */
	CW_ENOTFOUND = -5, /* a file, table, column, key or id does not exist */
	CW_EREJECTS = -6,  /* too large a share of the input rows was rejected */
	CW_EDB = -7,       /* the database failed or could not be reached */
	CW_EUSAGE = -8     /* a command line was wrong */
};

/* Records a message for the calling thread and returns code, so a failure is
 * one line: `return cw_error_set(CW_EINVALID, "%s: ...", path);` */
CW_EXTERN(int) cw_error_set(int code, const char *fmt, ...) CW_PRINTF(2, 3);

/* Prefixes the current message with more context ("loading visits.csv: ...")
 * and returns code. */
CW_EXTERN(int) cw_error_wrap(int code, const char *fmt, ...) CW_PRINTF(2, 3);

/* The last message recorded on this thread, or "" when there is none. */
CW_EXTERN(const char *) cw_error_last(void);

/* The code passed with the last message on this thread, or CW_OK. */
CW_EXTERN(int) cw_error_last_code(void);

/* Forgets this thread's message and code. */
CW_EXTERN(void) cw_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
