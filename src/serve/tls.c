/* tls.c: the certificate and key of `claimwatch serve --tls-cert/--tls-key`, read and checked before
 * libmicrohttpd gets them (tls.h), so that a wrong file is a clear error naming it, not a daemon that
 * does not start for a reason it does not say. */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "serve/tls.h"

#define MAX_PEM (1 << 20)

static int read_pem(char **out, const char *opt, const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	if (!f)
		return cw_error_set(errno == ENOENT ? CW_EINVALID : CW_EIO, "%s %s: cannot read it: %s", opt, path,
		                    strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > MAX_PEM) {
		fclose(f);
		return cw_error_set(CW_EINVALID, "%s %s: not a PEM file (%s)", opt, path,
		                    S_ISREG(st.st_mode) ? st.st_size ? "larger than 1 MiB" : "empty" : "not a regular file");
	}
	char *s = malloc((size_t)st.st_size + 1);
	size_t n = s ? fread(s, 1, (size_t)st.st_size, f) : 0;
	int err = ferror(f);
	fclose(f);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (err || n != (size_t)st.st_size) {
		free(s);
		return cw_error_set(CW_EIO, "%s %s: cannot read it", opt, path);
	}
	s[n] = 0;
	*out = s;
	return 0;
}

static gnutls_datum_t datum(char *s) { return (gnutls_datum_t){ (unsigned char *)s, (unsigned)strlen(s) }; }

/* The certificate chain parses, the key parses (unencrypted), and the key is the first certificate's. */
static int check(const cw_tls *t, const char *cert_path, const char *key_path)
{
	gnutls_datum_t c = datum(t->cert), k = datum(t->key);
	gnutls_x509_crt_t *crts = NULL;
	unsigned ncrts = 0;
	int e = gnutls_x509_crt_list_import2(&crts, &ncrts, &c, GNUTLS_X509_FMT_PEM, 0);
	if (e < 0)
		return cw_error_set(CW_EINVALID, "--tls-cert %s: not a PEM certificate (%s)", cert_path, gnutls_strerror(e));
	for (unsigned i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	gnutls_x509_privkey_t key;
	if (gnutls_x509_privkey_init(&key) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory");
	e = gnutls_x509_privkey_import2(key, &k, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
	gnutls_x509_privkey_deinit(key);
	if (e < 0)
		return cw_error_set(CW_EINVALID, "--tls-key %s: not an unencrypted PEM private key (%s)", key_path,
		                    gnutls_strerror(e));
	gnutls_certificate_credentials_t cred;
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory");
	e = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (e == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		return cw_error_set(CW_EINVALID, "--tls-key %s is not the private key of the certificate %s", key_path,
		                    cert_path);
	if (e < 0)
		return cw_error_set(CW_EINVALID, "--tls-cert %s with --tls-key %s: %s", cert_path, key_path,
		                    gnutls_strerror(e));
	return 0;
}

int cw_tls_load(cw_tls *t, const char *cert_path, const char *key_path)
{
	memset(t, 0, sizeof *t);
	t->options[0].option = MHD_OPTION_END;
	if (!cert_path)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return cw_error_set(CW_EINVALID, "--tls-cert: this libmicrohttpd was built without TLS: install one with "
		                    "GnuTLS (Debian's libmicrohttpd12), or put the service behind a reverse proxy that "
		                    "terminates TLS (docs/serve.md)");
	int rc = read_pem(&t->cert, "--tls-cert", cert_path);
	if (rc == 0)
		rc = read_pem(&t->key, "--tls-key", key_path);
	if (rc == 0)
		rc = check(t, cert_path, key_path);
	if (rc < 0) {
		cw_tls_free(t);
		return rc;
	}
	t->options[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, t->cert };
	t->options[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, t->key };
	t->options[2] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return 0;
}

void cw_tls_free(cw_tls *t)
{
	free(t->cert);
	if (t->key) { /* the private key does not outlive its use in memory */
		memset(t->key, 0, strlen(t->key));
		free(t->key);
	}
	memset(t, 0, sizeof *t);
	t->options[0].option = MHD_OPTION_END;
}

const struct MHD_OptionItem *cw_tls_options(const cw_tls *t) { return t->options; }
unsigned cw_tls_flag(const cw_tls *t) { return t->cert ? MHD_USE_TLS : 0; }
