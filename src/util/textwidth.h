/* textwidth.h: how wide text is on a terminal or in a chart label, for aligned columns and cut labels.
 *
 * A code point in the East Asian wide and fullwidth ranges (CJK ideographs, kana, hangul, fullwidth
 * forms) takes two columns, a combining mark none, anything else one. Bytes that are not valid UTF-8
 * count one column each and are printed as '?'. Control characters (C0, DEL, C1) and bidirectional
 * controls (safetext.h) are printed as '?': a name holding an escape sequence must not drive the
 * inspector's terminal, nor a U+202E reverse the columns after it. */
#ifndef CW_TEXTWIDTH_H
#define CW_TEXTWIDTH_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The columns of one code point. */
int cw_codepoint_width(uint32_t cp);
/* The columns of a UTF-8 string. */
size_t cw_text_width(const char *s);
/* s cut to at most cols columns, "…" marking a cut, into buf (always NUL-terminated). */
char *cw_text_fit(char *buf, size_t size, const char *s, size_t cols);
/* Prints s safe for a terminal (controls and bad bytes as '?'), padded with spaces to cols columns
 * (on the left when right is set); text wider than cols is printed whole. */
void cw_text_pad(FILE *f, const char *s, size_t cols, int right);
/* Prints s safe for a terminal, without padding. */
void cw_text_safe(FILE *f, const char *s);

#endif
