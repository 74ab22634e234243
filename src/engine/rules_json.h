/* rules_json.h: the rule base as the JSON document it is (cJSON), for the engine's own readers of
 * structures the typed getters of claimwatch/rules.h do not cover (dimensions.by_detector, an open
 * map) and for the tests. The public API never shows cJSON: a cw_section's node is opaque there. */
#ifndef CW_RULES_JSON_H
#define CW_RULES_JSON_H
#include <cjson/cJSON.h>
#include "claimwatch/rules.h"

/* The merged document; owned by the rules. */
const cJSON *cw_rules_json(const cw_rules *r);
/* The object of a section; NULL when it does not exist. */
static inline const cJSON *cw_section_json(const cw_section *s) { return (const cJSON *)s->node; }

#endif
