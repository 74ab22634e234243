/* tokens.c: bearer tokens stored hashed (tokens.h). A presented token is hashed with SHA-256
 * (GnuTLS, which libmicrohttpd already brings) and compared with every stored hash in constant time,
 * so neither the file nor the timing gives a token away. */
#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "serve/messages.h"
#include "serve/tokens.h"

typedef struct token {
	unsigned char hash[32];
	int roles;
	char name[48];
} token;

struct cw_tokens {
	token *t;
	size_t n;
};

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int parse_roles(int *out, char *s)
{
	*out = 0;
	for (char *r = strtok(s, ","); r; r = strtok(NULL, ",")) {
		if (!strcmp(r, "check")) *out |= CW_ROLE_CHECK;
		else if (!strcmp(r, "commit")) *out |= CW_ROLE_COMMIT;
		else if (!strcmp(r, "watch")) *out |= CW_ROLE_WATCH;
		else return -1;
	}
	return *out ? 0 : -1;
}

/* A fault of the file, at its line no (0: the whole file), in lang (messages.h). */
static int bad(int msg, int lang, const char *path, int no)
{
	char n[16], text[512];
	snprintf(n, sizeof n, "%d", no);
	return cw_error_set(CW_EINVALID, "%s", cw_msg_format(text, sizeof text, msg, lang, path, n));
}

static int parse_line(token *t, char *line, const char *path, int no, int lang)
{
	char hash[80] = "", roles[64] = "", name[48] = "";
	int n = sscanf(line, "%79s %63s %47s", hash, roles, name);
	if (n < 2 || strncmp(hash, "sha256:", 7) || strlen(hash) != 7 + 64)
		return bad(M_TOKENS_LINE, lang, path, no);
	for (int i = 0; i < 32; i++) {
		int a = hexval(hash[7 + 2 * i]), b = hexval(hash[8 + 2 * i]);
		if (a < 0 || b < 0)
			return bad(M_TOKENS_HEX, lang, path, no);
		t->hash[i] = (unsigned char)(a * 16 + b);
	}
	if (parse_roles(&t->roles, roles) < 0)
		return bad(M_TOKENS_ROLES, lang, path, no);
	snprintf(t->name, sizeof t->name, "%s", name);
	return 0;
}

int cw_tokens_load(cw_tokens **out, const char *path, int lang)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cw_error_set(CW_EIO, "%s: %s", path, strerror(errno));
	cw_tokens *t = calloc(1, sizeof *t);
	char line[512];
	int no = 0, rc = t ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	while (rc == 0 && fgets(line, sizeof line, f)) {
		no++;
		char *s = line + strspn(line, " \t");
		if (*s == '#' || *s == '\n' || !*s)
			continue;
		token *g = realloc(t->t, (t->n + 1) * sizeof *g);
		if (!g) {
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		t->t = g;
		if ((rc = parse_line(&t->t[t->n], s, path, no, lang)) == 0)
			t->n++;
	}
	fclose(f);
	if (rc == 0 && t->n == 0)
		rc = bad(M_TOKENS_NONE, lang, path, 0);
	if (rc < 0) {
		cw_tokens_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void cw_tokens_free(cw_tokens *t)
{
	if (t)
		free(t->t);
	free(t);
}

int cw_tokens_roles(const char **name, const cw_tokens *t, const char *authorization)
{
	unsigned char h[32];
	*name = "";
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return 0;
	const char *tok = authorization + 7;
	if (!*tok || gnutls_hash_fast(GNUTLS_DIG_SHA256, tok, strlen(tok), h) < 0)
		return 0;
	int roles = 0;
	for (size_t i = 0; i < t->n; i++) {
		unsigned char d = 0;
		for (int k = 0; k < 32; k++)
			d |= (unsigned char)(h[k] ^ t->t[i].hash[k]);
		if (!d) {
			roles = t->t[i].roles;
			*name = t->t[i].name;
		}
	}
	return roles;
}
