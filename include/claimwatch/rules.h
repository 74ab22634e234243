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
#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cw_rules cw_rules;
typedef struct cw_registry cw_registry; /* claimwatch/detector.h */

/* Loads the defaults and the detectors' of reg, merged with the file at path
 * when path is not NULL. The rules keep reg, which must outlive them; NULL
 * gives rules without detectors. */
CW_EXTERN(int) cw_rules_load(cw_rules **out, cw_registry *reg, const char *path);
/* Same, with the user's rules given as JSON text (name is used in messages;
 * relative plug-in paths are relative to the current folder). */
CW_EXTERN(int) cw_rules_load_text(cw_rules **out, cw_registry *reg, const char *text, const char *name);
CW_EXTERN(void) cw_rules_free(cw_rules *r);
/* The detectors the rules were loaded with (NULL: none). */
CW_EXTERN(const cw_registry *) cw_rules_registry(const cw_rules *r);
/* The merged document. */
CW_EXTERN(const cJSON *) cw_rules_json(const cw_rules *r);
/* The merged document as text, for the run summary. Caller frees. */
CW_EXTERN(char *) cw_rules_print(const cw_rules *r);

typedef struct cw_section {
	const cJSON *json; /* an object; NULL when the path does not exist */
	char path[128];    /* "detectors.repeat_test" */
} cw_section;

/* The object at a dotted path ("detectors.repeat_test"). */
CW_EXTERN(cw_section) cw_rules_section(const cw_rules *r, const char *dotted_path);
/* A sub-object of a section. */
CW_EXTERN(cw_section) cw_section_child(const cw_section *s, const char *key);

/* Typed getters: each fails with CW_ENOTFOUND or CW_EINVALID and a message
 * naming "path.key" when the key is missing, of the wrong type or outside
 * [min, max]. */
CW_EXTERN(int) cw_section_int(const cw_section *s, const char *key, long long min, long long max, long long *out);
CW_EXTERN(int) cw_section_double(const cw_section *s, const char *key, double min, double max, double *out);
CW_EXTERN(int) cw_section_bool(const cw_section *s, const char *key, int *out);
/* The string is owned by the rules document. */
CW_EXTERN(int) cw_section_string(const cw_section *s, const char *key, const char **out);
/* A string that must be one of choices (NULL-terminated); *out is its index. */
CW_EXTERN(int) cw_section_choice(const cw_section *s, const char *key, const char *const *choices, int *out);
/* An array of strings: *out holds pointers into the document, caller frees the
 * array (not the strings). */
CW_EXTERN(int) cw_section_strings(const cw_section *s, const char *key, const char ***out, size_t *n);
/* Money given in yuan in the rules (a JSON number), as fen. */
CW_EXTERN(int) cw_section_money(const cw_section *s, const char *key, long long *out_fen);

#ifdef __cplusplus
}
#endif
#endif
