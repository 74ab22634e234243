/* pseudo.c: keyed patient pseudonyms (SipHash-2-4) and their key (see pseudo.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/outdir.h"
#include "io/pseudo.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                     \
	do {                                                                         \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);            \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                               \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                               \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);            \
	} while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t cw_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
	uint64_t b = (uint64_t)len << 56;
	size_t i;
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Exactly 32 hex digits, then the end or a line break. */
static int parse_hex_key(const char *s, uint8_t key[16])
{
	for (int i = 0; i < 16; i++) {
		int hi = hex_digit(s[2 * i]), lo = hi < 0 ? -1 : hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[32] == 0 || s[32] == '\n' || (s[32] == '\r' && s[33] == '\n') ? 0 : -1;
}

/* Writes a new random key to path, all or nothing: the key goes to a temporary
 * file first, which link() then puts in place only if no key is there yet, so
 * a run killed (or a disk filled) while writing leaves no empty or partial key
 * behind, and two first runs agree on one key. The temporary file of a killed
 * run is removed by the next (sweep_temps). Returns 1 when another run made
 * the key first (read it), 0 when this one made it. */
static int create_key_file(const char *path, uint8_t key[16])
{
	if (getrandom(key, 16, 0) != 16)
		return cw_error_set(CW_EIO, "no random bytes for a pseudonym key: %s", strerror(errno));
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
		return cw_error_set(CW_EINVALID, "path too long: %s", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create %s: %s", tmp, strerror(errno));
	char hex[34];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[32] = '\n';
	int ok = write(fd, hex, 33) == 33 && fsync(fd) == 0;
	int err = errno;
	ok = close(fd) == 0 && ok;
	int rc = 0;
	if (!ok)
		rc = cw_error_set(CW_EIO, "cannot write the pseudonym key %s: %s", tmp, strerror(err ? err : EIO));
	else if (link(tmp, path) != 0)
		rc = errno == EEXIST ? 1 : cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno));
	unlink(tmp);
	return rc;
}

/* Removes the temporary key files (KEY.<pid>.tmp) of runs killed while creating the key. */
static void sweep_temps(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end, tmp[8300];
		if (strncmp(e->d_name, base, n) || e->d_name[n] != '.')
			continue;
		long pid = strtol(e->d_name + n + 1, &end, 10);
		if (!strcmp(end, ".tmp") && cw_process_gone(pid) &&
		    snprintf(tmp, sizeof tmp, "%s/%s", dir, e->d_name) < (int)sizeof tmp)
			unlink(tmp);
	}
	if (d)
		closedir(d);
}

int cw_pseudo_init(cw_pseudo *ps, const char *root, const char *key_file, int reveal)
{
	memset(ps, 0, sizeof *ps);
	ps->reveal = reveal;
	if (reveal)
		return 0;
	const char *env = getenv("CLAIMWATCH_PSEUDONYM_KEY");
	if (env && *env) {
		if (parse_hex_key(env, ps->key) < 0)
			return cw_error_set(CW_EINVALID, "CLAIMWATCH_PSEUDONYM_KEY must hold 32 hex digits");
		return 0;
	}
	char path[4096];
	if (key_file)
		snprintf(path, sizeof path, "%s", key_file);
	else
		snprintf(path, sizeof path, "%s/.pseudonym-key", root);
	sweep_temps(path);
	for (int attempt = 0; attempt < 2; attempt++) {
		FILE *f = fopen(path, "r");
		if (f) {
			char line[128] = "";
			int ok = fgets(line, sizeof line, f) && parse_hex_key(line, ps->key) == 0;
			fclose(f);
			return ok ? 0 : cw_error_set(CW_EINVALID, "%s: expected 32 hex digits (a pseudonym key); restore it "
			                             "from a backup (a new key changes every patient's pseudonym)", path);
		}
		if (errno != ENOENT || key_file)
			return cw_error_set(CW_EIO, "cannot read the pseudonym key %s: %s", path, strerror(errno));
		int rc = create_key_file(path, ps->key);
		if (rc <= 0)
			return rc; /* created (0) or failed; 1: another run made it first, read it */
	}
	return cw_error_set(CW_EIO, "cannot read the pseudonym key %s", path);
}

const char *cw_pseudo_patient(char buf[CW_PSEUDO_SIZE], const cw_pseudo *ps, const char *id)
{
	if (!id || !*id) {
		buf[0] = 0;
		return buf;
	}
	if (ps->reveal)
		return id;
	snprintf(buf, CW_PSEUDO_SIZE, "P-%016llx", (unsigned long long)cw_siphash24(ps->key, id, strlen(id)));
	return buf;
}
