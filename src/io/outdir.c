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
#include "io/outdir.h"
#include "io/outfile.h"
#include "io/outguard.h"

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

int cw_folder_check(const char *path, const char *what)
{
	char buf[PATH_MAX];
	struct stat st;
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return cw_error_set(CW_EINVALID, "path too long: %s", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = 0;
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (!c)
				return cw_error_set(CW_EIO, "%s %s is not a folder", what, path);
			return cw_error_set(CW_EIO, "%s %s: %s is not a folder", what, path, buf);
		}
		*p = c;
		if (!c)
			return 0;
	}
}

int cw_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	int rc = cw_folder_check(path, "folder");
	if (rc < 0)
		return rc;
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, mode) != 0 && errno != EEXIST)
				return cw_error_set(CW_EIO, "cannot create folder %s: %s", buf, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return cw_folder_check(path, "folder");
}

/* A run's folder: ROOT/.tmp-<name>.<pid>.<n>, or with olds also ROOT/.old-<name>.<pid>. Returns the pid
 * and sets *name_len; 0 for any other entry. */
static long run_folder(const char *s, int olds, size_t *name_len)
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
	*name_len = (size_t)(dot - (s + 5));
	return pid > 0 ? pid : 0;
}

/* The pid of a folder of a run of name (.tmp- or .old-), or 0. */
static long run_folder_pid(const char *entry, const char *name)
{
	size_t n;
	long pid = run_folder(entry, 1, &n);
	return pid && n == strlen(name) && !strncmp(entry + 5, name, n) ? pid : 0;
}

int cw_process_gone(long pid)
{
	return pid > 0 && pid != getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* The run of a leftover is gone: killed, or an earlier process that had this process's pid. */
static int run_gone(long pid)
{
	return pid == getpid() || cw_process_gone(pid);
}

int cw_outdir_leftovers(const char *root, int (*fn)(const char *path, const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int rc = 0;
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		size_t n = 0;
		long pid = run_folder(e->d_name, 0, &n);
		char path[PATH_MAX], name[NAME_MAX + 1];
		if (!pid || !run_gone(pid) || snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path)
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
	while ((e = readdir(d))) {
		long pid = run_folder_pid(e->d_name, name);
		if (!pid || !run_gone(pid))
			continue; /* not a run's folder, or another live run of the same month */
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", root, e->d_name) < (int)sizeof path)
			cw_rmtree(path);
	}
	closedir(d);
}

long cw_outdir_running(const char *root, const char *name)
{
	DIR *d = opendir(root);
	struct dirent *e;
	long found = 0;
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		long pid = run_folder_pid(e->d_name, name);
		if (pid && pid != getpid() && !strncmp(e->d_name, ".tmp-", 5) && !cw_process_gone(pid))
			found = pid;
	}
	closedir(d);
	return found;
}

/* Results replace a folder (or a link to one), never a file someone put there. */
static int check_final(const char *final)
{
	struct stat st;
	if (stat(final, &st) == 0 && !S_ISDIR(st.st_mode))
		return cw_error_set(CW_EIO, "%s is not a folder: claimwatch writes the results there and does not "
		                    "replace anything else; move it away first", final);
	return 0;
}

int cw_outdir_begin(cw_outdir **out, cw_output *o, const char *root, const char *name)
{
	static unsigned counter;
	cw_outdir *od = calloc(1, sizeof *od);
	if (!od)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_mkdirs(root, cw_output_dir_mode(o));
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
	if ((rc = check_final(od->final)) < 0) {
		free(od);
		return rc;
	}
	if (mkdir(od->tmp, cw_output_dir_mode(o)) != 0) {
		rc = cw_error_set(CW_EIO, "cannot create %s: %s", od->tmp, strerror(errno));
		free(od);
		return rc;
	}
	cw_outguard_begin(o, od->tmp, od->final);
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

/* Puts od->tmp at od->final; the previous results, if any, are removed. */
static int swap_in(cw_outdir *od)
{
	if (syscall(SYS_renameat2, AT_FDCWD, od->tmp, AT_FDCWD, od->final, RENAME_EXCHANGE) == 0) {
		cw_rmtree(od->tmp); /* od->tmp now holds the previous results */
		return 0;
	}
	if (errno == ENOENT) {
		if (rename(od->tmp, od->final) != 0)
			return cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
		return 0;
	}
	if (errno != ENOSYS && errno != EINVAL)
		return cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
	/* no atomic exchange here (an old kernel or filesystem): move the old folder aside first */
	char old[2 * PATH_MAX + 32];
	snprintf(old, sizeof old, "%s/.old-%s.%ld", od->root, strrchr(od->final, '/') + 1, (long)getpid());
	if (rename(od->final, old) != 0 || rename(od->tmp, od->final) != 0)
		return cw_error_set(CW_EIO, "cannot move results into %s: %s", od->final, strerror(errno));
	cw_rmtree(old);
	return 0;
}

int cw_outdir_commit(cw_outdir *od)
{
	cw_sync_dir(od->tmp);
	int rc = check_final(od->final);
	if (rc == 0)
		rc = swap_in(od);
	if (rc < 0)
		cw_rmtree(od->tmp);
	else
		cw_sync_dir(od->root);
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
