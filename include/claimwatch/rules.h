/*
 * claimwatch/rules.h: the rule base, one JSON document.
 *
 * The defaults are rules/default.json, compiled into the binary, with the
 * defaults of every detector of the registry under "detectors.<name>" (each
 * detector carries its own: claimwatch/detector.h). A user's file (--rules
 * FILE) is merged over them key by key: objects merge, everything else
 * replaces. Every key of the user's file must exist in the defaults with a value
 * of the same JSON type; otherwise loading fails with the key path
 * ("detectors.repeat_test.min_gap: expected a number, got a string"). The
 * file's "plugins" (paths of shared objects, relative to the file's folder) are
 * loaded into the registry before it is checked, so their detectors' keys may be
 * set in the same file.
 *
 * A part of the rules is read through a cw_section, which remembers its path so
 * the typed getters below can name the key in their errors.
 */
#ifndef CLAIMWATCH_RULES_H
#define CLAIMWATCH_RULES_H

#include "claimwatch/common.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cw_rules cw_rules;
typedef struct cw_registry cw_registry; /* claimwatch/detector.h */

/* Loads the defaults and the detectors' of reg, merged with the file at path
 * when path is not NULL, into *out (free with cw_rules_free). The rules keep
 * reg, which must outlive them; NULL gives rules without detectors. Returns 0,
 * or CW_EIO, CW_EINVALID (a message naming the key path) or CW_ENOMEM. */
CW_EXTERN(int) cw_rules_load(cw_rules **out, cw_registry *reg, const char *path);
/* The same, with the user's rules given as JSON text; name is used in messages
 * and relative plug-in paths are relative to the current folder. */
CW_EXTERN(int) cw_rules_load_text(cw_rules **out, cw_registry *reg, const char *text, const char *name);
/* Frees the rules (NULL is allowed); the registry stays the caller's. */
CW_EXTERN(void) cw_rules_free(cw_rules *r);
/* The detectors the rules were loaded with (NULL: none). */
CW_EXTERN(const cw_registry *) cw_rules_registry(const cw_rules *r);

/* A part of the rules: an object at a dotted path. A section is a small value
 * that points into the rules and lives as long as they do. */
typedef struct cw_section {
	const void *node; /* the object, read only through the functions below; NULL when the path does not exist */
	char path[128];   /* "detectors.repeat_test", for messages */
} cw_section;

/* The object at a dotted path ("detectors.repeat_test"); a section that does
 * not exist when the path does not lead to an object. */
CW_EXTERN(cw_section) cw_rules_section(const cw_rules *r, const char *dotted_path);
/* A sub-object of a section (which may not exist, as above). */
CW_EXTERN(cw_section) cw_section_child(const cw_section *s, const char *key);
/* 1 when the section's path leads to an object of the rules, else 0. */
CW_EXTERN(int) cw_section_exists(const cw_section *s);

/* Typed getters: each stores the value of s's key in *out and returns 0, or
 * fails with CW_ENOTFOUND (the key is missing) or CW_EINVALID (of the wrong
 * type, or outside [min, max]) and a message naming "path.key", leaving *out
 * as it was. */
CW_EXTERN(int) cw_section_int(long long *out, const cw_section *s, const char *key, long long min, long long max);
CW_EXTERN(int) cw_section_double(double *out, const cw_section *s, const char *key, double min, double max);
/* A JSON true or false, as 1 or 0. */
CW_EXTERN(int) cw_section_bool(int *out, const cw_section *s, const char *key);
/* The string is owned by the rules: valid while they live. */
CW_EXTERN(int) cw_section_string(const char **out, const cw_section *s, const char *key);
/* A string that must be one of choices (NULL-terminated); *out is its index. */
CW_EXTERN(int) cw_section_choice(int *out, const cw_section *s, const char *key, const char *const *choices);
/* An array of strings: *out holds pointers into the rules, *n their count;
 * the caller frees the array (not the strings). Also CW_ENOMEM. */
CW_EXTERN(int) cw_section_strings(const char ***out, size_t *n, const cw_section *s, const char *key);
/* Money given in yuan in the rules (a JSON number from 0 to 1e12), as fen,
 * rounded to the nearest fen. */
CW_EXTERN(int) cw_section_money(long long *out_fen, const cw_section *s, const char *key);

#ifdef __cplusplus
}
#endif
#endif
