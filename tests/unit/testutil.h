/* testutil.h: helpers shared by the unit tests. */
#ifndef CW_TESTUTIL_H
#define CW_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* --- files (the CSV source's tests) -------------------------------------------
 * Each helper fails the test (cmocka) when the file system does. */

/* A new empty directory under $TMPDIR (or /tmp); free() the path, and remove
 * the tree with tu_rmtree(). */
char *tu_tempdir(void);
void tu_rmtree(const char *dir);
/* "dir/name" in a static buffer (overwritten by the next call). */
const char *tu_path(const char *dir, const char *name);
/* Writes dir/name with len bytes (a string's bytes with tu_write_file). */
void tu_write_bytes(const char *dir, const char *name, const void *data, size_t len);
void tu_write_file(const char *dir, const char *name, const char *text);
/* The whole file, NUL-terminated (free() it); *len may be NULL. */
char *tu_read_file(const char *path, size_t *len);

/* A small valid month (2026-05) of the ten contract tables in dir:
 * 2 institutions, 2 departments, 2 physicians, 2 patients, 3 items, 1 bundle,
 * 2 visits, 3 claim lines, 1 prescription, 2 exam results; Chinese text and
 * empty optional fields included. Overwrite one file afterwards to test it. */
void tu_write_month(const char *dir);
#define TU_MONTH_ROWS { 2, 2, 2, 2, 3, 1, 2, 3, 1, 2 }

#endif
