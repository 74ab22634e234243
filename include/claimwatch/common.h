/*
 * claimwatch/common.h: the two macros every public header uses.
 *
 * CW_EXTERN(type) marks a declaration as part of the library's API: the engine
 * is compiled with hidden visibility (-fvisibility=hidden), so exactly the
 * functions and objects declared with it are exported by libclaimwatch.so and
 * by the claimwatch executable (which plug-ins link against at run time), as
 * libgit2's GIT_EXTERN. CW_PRINTF(f, a) lets the compiler check a printf-like
 * function's format: f is the format's argument index, a the first value's.
 */
#ifndef CLAIMWATCH_COMMON_H
#define CLAIMWATCH_COMMON_H

#if defined(__GNUC__) || defined(__clang__)
#define CW_EXTERN(type) extern __attribute__((visibility("default"))) type
#define CW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CW_EXTERN(type) extern type
#define CW_PRINTF(f, a)
#endif

#endif
