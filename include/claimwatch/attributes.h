/*
 * claimwatch/attributes.h: the compiler attributes the public headers use, behind macros, so a
 * compiler without GNU attributes still reads the headers.
 *
 *   CW_PRINTF(fmt_index, first_arg)  the function takes a printf format in parameter fmt_index
 *                                    (1-based) and its arguments from first_arg on; the compiler
 *                                    checks every call as it checks printf's
 *
 * Each macro is defined only when not defined already, so a header that defines the same macro
 * (claimwatch/common.h) may come first.
 */
#ifndef CLAIMWATCH_ATTRIBUTES_H
#define CLAIMWATCH_ATTRIBUTES_H

#ifndef CW_PRINTF
#if defined(__GNUC__) || defined(__clang__)
#define CW_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CW_PRINTF(fmt_index, first_arg)
#endif
#endif

#endif
