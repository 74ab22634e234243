/* testutil.h: helpers shared by the unit tests. */
#ifndef CW_TESTUTIL_H
#define CW_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#endif
