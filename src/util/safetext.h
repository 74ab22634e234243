/* safetext.h: text leaving claimwatch, made safe. The one place that decides which characters of the
 * data (names of physicians, institutions and items, reasons, notes, ids, command-line arguments) must
 * not reach a terminal, a browser or a spreadsheet as they are, and how each kind of output shows them.
 *
 * Unsafe: the C0 controls and DEL (ESC starts terminal escape sequences, BEL rings), the C1 controls
 * U+0080..U+009F (U+009B is a one-character CSI), the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069: a U+202E reverses the text shown after it), the line and paragraph
 * separators U+2028 and U+2029, and bytes that are not UTF-8. Tab, LF and CR are whitespace that some
 * outputs keep (a CSV or HTML field) and others do not (a one-line message, a terminal table).
 *
 * Each output shows an unsafe character in its own way (enum cw_safe_style): CSV and HTML as U+FFFD,
 * terminal tables as '?', messages as \xNN per byte (the value stays recognisable), JSON as a \uXXXX
 * escape (lossless for the reader of the JSON).
 *
 * Also here: the rule that keeps a CSV field from being run as a spreadsheet formula, and its inverse
 * for claimwatch's own readers of its CSV files (docs/data-format.md, "Formulas"). */
#ifndef CW_SAFETEXT_H
#define CW_SAFETEXT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "claimwatch/common.h"

enum cw_char_class { CW_CHAR_OK, CW_CHAR_SPACE, CW_CHAR_UNSAFE };

/* The character at u (u < e): its class, its length in bytes (1 for a byte that is not UTF-8) in *n,
 * and its code point (the byte itself for a byte that is not UTF-8) in *cp. */
int cw_char_class(const unsigned char *u, const unsigned char *e, size_t *n, uint32_t *cp);

enum cw_safe_style {
	CW_SAFE_FFFD,     /* U+FFFD REPLACEMENT CHARACTER (CSV, HTML) */
	CW_SAFE_QUESTION, /* '?' (terminal tables: one column wide) */
	CW_SAFE_HEX,      /* \xNN for each byte (messages) */
	CW_SAFE_JSON      /* \u00NN, \u202E...; \uFFFD for a byte that is not UTF-8 (inside JSON strings) */
};

/* Where cw_safe_text sends its output: n bytes at s. */
typedef void (*cw_safe_out)(void *ctx, const char *s, size_t n);

/* Sends s[0..len) to out with each unsafe character shown in `style`; tab, LF and CR pass unchanged when
 * keep_space is set and are unsafe otherwise. Safe text goes out in runs as long as possible. Returns
 * the number of characters replaced. */
size_t cw_safe_text(const char *s, size_t len, int style, int keep_space, cw_safe_out out, void *ctx);
/* The same into a stream. */
size_t cw_safe_fputs(FILE *f, const char *s, int style, int keep_space);
/* The same into dst (always NUL-terminated, cut at size - 1 bytes, never inside a character); returns dst. */
char *cw_safe_copy(char *dst, size_t size, const char *s, int style, int keep_space);
/* printf for messages on a terminal: the formatted text with every unsafe character (tab and line
 * breaks included) as \xNN, except the line breaks that end it. */
void cw_safe_fprintf(FILE *f, const char *fmt, ...) CW_PRINTF(2, 3);
/* Lines of text (warnings, one per line) for a terminal, each made safe as by cw_safe_fprintf. */
void cw_safe_lines(FILE *f, const char *text);

/* --- spreadsheet formulas in CSV fields --------------------------------------------------------- */

/* A field a spreadsheet would run as a formula, or such a field behind apostrophes: after any leading
 * apostrophes it starts with = + - @ a tab or a CR and is not a plain decimal number ("-12.30"). The
 * writers put one apostrophe in front of such a field. */
int cw_csv_formula_like(const char *s, size_t len);
/* How many bytes the readers skip at the start of a field: 1 when it is an apostrophe the writer added
 * (an apostrophe before a formula-like text), else 0. */
size_t cw_csv_unneutral(const char *s, size_t len);

#endif
