/* error.c: the thread's last error message (see include/claimwatch/error.h). Messages quote file
 * names, values and arguments; whatever they quote, the message is one line of safe text: control and
 * bidirectional characters and bytes that are not UTF-8 become \xNN (safetext.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "util/safetext.h"

#define CW_ERROR_MAX 2048

static _Thread_local char last_message[CW_ERROR_MAX];
static _Thread_local int last_code;

static void make_safe(void)
{
	char raw[CW_ERROR_MAX];
	memcpy(raw, last_message, strlen(last_message) + 1);
	cw_safe_copy(last_message, sizeof last_message, raw, CW_SAFE_HEX, 0);
}

int cw_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_message, sizeof last_message, fmt, ap);
	va_end(ap);
	make_safe();
	last_code = code;
	return code;
}

int cw_error_wrap(int code, const char *fmt, ...)
{
	char prefix[CW_ERROR_MAX], old[CW_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, last_message, sizeof old);
	size_t n = strlen(prefix);
	if (old[0] && n + 2 < sizeof last_message) {
		memcpy(last_message, prefix, n);
		memcpy(last_message + n, ": ", 2);
		size_t room = sizeof last_message - n - 3, m = strlen(old);
		if (m > room)
			m = room;
		memcpy(last_message + n + 2, old, m);
		last_message[n + 2 + m] = 0;
	} else {
		memcpy(last_message, prefix, n + 1);
	}
	make_safe();
	last_code = code;
	return code;
}

const char *cw_error_last(void) { return last_message; }
int cw_error_last_code(void) { return last_code; }
void cw_error_clear(void) { last_message[0] = 0; last_code = 0; }
