/* oomalloc.h: an allocator that fails on demand, for the allocation-failure tests (tests/oom/).
 *
 * A test executable linked with -Wl,--wrap=malloc,... (tests/CMakeLists.txt, CW_OOM_WRAP) sends every
 * allocation made by its own objects and by the static engine library through oomalloc.c: malloc,
 * calloc, realloc, strdup, strndup, aligned_alloc, free, and the FILE openers fopen, fdopen and
 * open_memstream (a FILE is an allocation too). cJSON's allocations go through the same counter by
 * oom_hook_cjson(). Allocations made inside libc, libpq or GSL themselves are not seen.
 *
 * While armed, every such call is counted; the Nth one fails (returns NULL with errno ENOMEM), and with
 * OOM_PERSISTENT so does every later one, until oom_disarm(). Every live block is tracked with the
 * address of its caller, so a test can tell whether a failed run left any behind (oom_live()) and
 * where each was allocated (oom_report_live()). The calls are counted across threads. */
#ifndef CW_OOMALLOC_H
#define CW_OOMALLOC_H
#include <stddef.h>
#include <stdio.h>

enum oom_mode { OOM_ONE_SHOT, OOM_PERSISTENT };

/* Starts counting from 0; fail_at = 0 counts without failing. */
void oom_arm(unsigned long fail_at, enum oom_mode mode);
/* Stops counting and failing. Returns the number of calls counted since oom_arm. */
unsigned long oom_disarm(void);
/* While armed, the caller of call i (from 0) goes to buf[i], for i < cap; NULL stops recording. */
void oom_record(void **buf, size_t cap);
/* Of the calls counted since oom_arm, those made by cJSON. */
unsigned long oom_cjson_calls(void);
/* Whether an allocation failed since oom_arm. */
int oom_failed(void);
/* The number of blocks allocated through the wrapper and not yet freed. */
size_t oom_live(void);
/* Prints to f the live blocks allocated since the snapshot `since` (a value of oom_serial()), at most
 * max (up to 16) of them, with their callers. */
void oom_report_live(FILE *f, unsigned long since, int max);
/* "function file:line" of a call site (module+offset without a sanitizer), into buf. */
const char *oom_site_name(void *site, char *buf, size_t size);
/* Prints to f the innermost max frames of the call stack of the first call that failed. */
void oom_print_failed_call(FILE *f, int max);
/* A serial number that grows with every tracked allocation. */
unsigned long oom_serial(void);
/* The number of distinct callers (allocation sites) seen while armed. */
size_t oom_sites(void);
/* Routes cJSON's allocations through the counter. */
void oom_hook_cjson(void);

#endif
