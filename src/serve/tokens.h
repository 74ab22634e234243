/* tokens.h: bearer tokens of `claimwatch serve`, read from a file where they are stored hashed
 * (docs/serve.md, "Tokens").
 *
 * One token a line: "sha256:HEX ROLES [NAME]", HEX the SHA-256 of the token (printf %s TOKEN |
 * sha256sum), ROLES a comma-separated list of check (POST /v1/check), commit (POST /v1/claims) and
 * watch (GET /metrics, GET /v1/watch); NAME, optional, is what the log shows. Blank lines and
 * lines starting with # are skipped. A line that is not of this form fails the start, naming the file and line. */
#ifndef CW_SERVE_TOKENS_H
#define CW_SERVE_TOKENS_H
#include <stddef.h>

enum { CW_ROLE_CHECK = 1, CW_ROLE_COMMIT = 2, CW_ROLE_WATCH = 4 };

typedef struct cw_tokens cw_tokens;

/* Reads the file into *out. Returns 0, or CW_EIO / CW_EINVALID (file:line: reason, in lang: CW_MSG_ZH
 * or CW_MSG_EN of messages.h) or CW_ENOMEM. */
int cw_tokens_load(cw_tokens **out, const char *path, int lang);
void cw_tokens_free(cw_tokens *t);
/* The roles of the token an Authorization header value carries ("Bearer TOKEN"); 0 when the header
 * is missing, malformed or the token unknown. *name gets the token's name ("" when none). */
int cw_tokens_roles(const char **name, const cw_tokens *t, const char *authorization);

#endif
