/* outdir.c: a month's output folder, written aside and swapped into place (see outdir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "outdir.h"
#include "outfile.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct cw_outdir {
	char root[PATH_MAX];
	char tmp[PATH_MAX];
	char final[PATH_MAX];
	char file[PATH_MAX + 256];
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

int cw_rmtree(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		return cw_error_set(CW_EIO, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int cw_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return cw_error_set(CW_EINVALID, "path too long: %s", path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, cw_outfile_dir_mode()) != 0 && errno != EEXIST)
				return cw_error_set(CW_EIO, "cannot create folder %s: %s", buf, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return cw_error_set(CW_EIO, "%s is not a folder", path);
	return 0;
}

/* For a leftover ROOT/.tmp-<name>.<pid>.<n> (or, with olds, ROOT/.old-<name>.<pid>) of a run that is
 * gone: the length of its name; 0 for anything else. */
static size_t dead_leftover(const char *s, int olds)
{
	int tmp = !strncmp(s, ".tmp-", 5), old = olds && !strncmp(s, ".old-", 5);
	if (!tmp && !old)
		return 0;
	const char *dot = strrchr(s + 5, '.'); /* the pid is the last part of .old-, the one before of .tmp- */
	if (dot && tmp) {
		while (dot > s + 5 && dot[-1] != '.')
			dot--;
		dot = dot > s + 5 ? dot - 1 : NULL;
	}
	if (!dot || dot == s + 5)
		return 0;
	long pid = strtol(dot + 1, NULL, 10);
	if (pid > 0 && pid != getpid() && kill((pid_t)pid, 0) == 0)
		return 0; /* a live run */
	return (size_t)(dot - (s + 5));
}

int cw_outdir_leftovers(const char *root, int (*fn)(const char *path, const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int rc = 0;
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		size_t n = strncmp(e->d_name, ".tmp-", 5) ? 0 : dead_leftover(e->d_name, 0);
		char path[PATH_MAX], name[NAME_MAX + 1];
		if (!n || snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)n, e->d_name + 5);
		rc = fn(path, name, ctx);
	}
	closedir(d);
	return rc;
}

/* Removes ROOT/.tmp-<name>.<pid>.* and ROOT/.old-<name>.* left by runs that are gone. */
static void sweep(const char *root, const char *name)
{
	DIR *d = opendir(root);
	struct dirent *e;
	if (!d)
		return;
	size_t n = strlen(name);
	while ((e = readdir(d))) {
		const char *s = e->d_name;
		if (dead_leftover(s, 1) != n || strncmp(s + 5, name, n))
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", root, s) < (int)sizeof path)
			cw_rmtree(path);
	}
	closedir(d);
}

int cw_outdir_begin(cw_outdir **out, const char *root, const char *name)
{
	static unsigned counter;
	cw_outdir *od = calloc(1, sizeof *od);
	if (!od)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_mkdirs(root);
	if (rc < 0) {
		free(od);
		return rc;
	}
	if (access(root, W_OK) != 0) {
		free(od);
		return cw_error_set(CW_EIO, "output folder %s is not writable: %s", root, strerror(errno));
	}
	snprintf(od->root, sizeof od->root, "%s", root);
	sweep(root, name);
	if (snprintf(od->final, sizeof od->final, "%s/%s", root, name) >= (int)sizeof od->final ||
	    snprintf(od->tmp, sizeof od->tmp, "%s/.tmp-%s.%ld.%u", root, name, (long)getpid(), counter++) >=
	            (int)sizeof od->tmp) {
		free(od);
		return cw_error_set(CW_EINVALID, "output path too long under %s", root);
	}
	if (mkdir(od->tmp, cw_outfile_dir_mode()) != 0) {
		rc = cw_error_set(CW_EIO, "cannot create %s: %s", od->tmp, strerror(errno));
		free(od);
		return rc;
	}
	*out = od;
	return 0;
}

const char *cw_outdir_tmp(const cw_outdir *od) { return od->tmp; }
const char *cw_outdir_final(const cw_outdir *od) { return od->final; }

int cw_outdir_retarget(cw_outdir *od, const char *name)
{
	if (snprintf(od->final, sizeof od->final, "%s/%s", od->root, name) >= (int)sizeof od->final)
		return cw_error_set(CW_EINVALID, "output path too long under %s", od->root);
	return 0;
}

const char *cw_outdir_file(cw_outdir *od, const char *file)
{
	if (snprintf(od->file, sizeof od->file, "%s/%s", od->tmp, file) >= (int)sizeof od->file)
		od->file[0] = 0; /* an empty path fails to open, with a message */
	return od->file;
}

static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cw_outdir_commit(cw_outdir *od)
{
	int rc = 0;
	sync_dir(od->tmp);
	if (syscall(SYS_renameat2, AT_FDCWD, od->tmp, AT_FDCWD, od->final, RENAME_EXCHANGE) == 0) {
		/* od->tmp now holds the previous results */
		cw_rmtree(od->tmp);
	} else if (errno == ENOENT) {
		if (rename(od->tmp, od->final) != 0)
			rc = cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
	} else if (errno == ENOSYS || errno == EINVAL) {
		/* no atomic exchange here (an old kernel or filesystem): move the old folder aside first */
		char old[2 * PATH_MAX + 32];
		snprintf(old, sizeof old, "%s/.old-%s.%ld", od->root, strrchr(od->final, '/') + 1, (long)getpid());
		if (rename(od->final, old) != 0 || rename(od->tmp, od->final) != 0)
			rc = cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
		else
			cw_rmtree(old);
	} else {
		rc = cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
	}
	if (rc < 0)
		cw_rmtree(od->tmp);
	else
		sync_dir(od->root);
	free(od);
	return rc;
}

int cw_outdir_adopt(const char *root, const char *path, const char *name)
{
	cw_outdir *od = calloc(1, sizeof *od);
	if (!od)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (snprintf(od->root, sizeof od->root, "%s", root) >= (int)sizeof od->root ||
	    snprintf(od->tmp, sizeof od->tmp, "%s", path) >= (int)sizeof od->tmp ||
	    snprintf(od->final, sizeof od->final, "%s/%s", root, name) >= (int)sizeof od->final) {
		free(od);
		return cw_error_set(CW_EINVALID, "output path too long under %s", root);
	}
	return cw_outdir_commit(od);
}

void cw_outdir_abort(cw_outdir *od)
{
	if (!od)
		return;
	cw_rmtree(od->tmp);
	free(od);
}
