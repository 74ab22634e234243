/* tls.h: HTTPS for `claimwatch serve --tls-cert FILE --tls-key FILE` through libmicrohttpd's GnuTLS
 * support (issue 16, point 5; docs/serve.md, "TLS"). */
#ifndef CW_SERVE_TLS_H
#define CW_SERVE_TLS_H
#include <microhttpd.h>

typedef struct cw_tls {
	char *cert, *key;                 /* the PEM texts, NULL without TLS */
	struct MHD_OptionItem options[3]; /* what MHD_OPTION_ARRAY takes: the two texts, or nothing */
} cw_tls;

/* Without cert_path: no TLS (cw_tls_options gives no option, cw_tls_flag 0). With it: checks that
 * libmicrohttpd has TLS, reads the PEM certificate (chain) and private key and checks them with GnuTLS:
 * a file missing, unreadable, empty, larger than 1 MiB, not PEM, an encrypted key, or a key that is not
 * the certificate's is an error naming the file. Returns 0, or CW_EINVALID / CW_EIO / CW_ENOMEM. */
int cw_tls_load(cw_tls *t, const char *cert_path, const char *key_path);
void cw_tls_free(cw_tls *t);
const struct MHD_OptionItem *cw_tls_options(const cw_tls *t);
unsigned cw_tls_flag(const cw_tls *t);

#endif
