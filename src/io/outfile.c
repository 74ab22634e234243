/* outfile.c: output files with a restrictive mode, written whole or not at all, checked closes, CSV fields
 * (see outfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "io/outguard.h"
#include "util/safetext.h"

int cw_outfile_parse_mode(mode_t *out, const char *s, const char *key)
{
	size_t n = strlen(s);
	mode_t m = 0;
	if (n < 3 || n > 4 || (n == 4 && s[0] != '0'))
		return cw_error_set(CW_EINVALID, "%s: '%s' is not a file mode (expected octal such as \"0600\")", key, s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return cw_error_set(CW_EINVALID, "%s: '%s' is not a file mode (expected octal such as \"0600\")",
			                    key, s);
		m = (mode_t)(m << 3 | (mode_t)(s[i] - '0'));
	}
	if (m & 0111)
		return cw_error_set(CW_EINVALID, "%s: '%s' gives execute permission; output files are data "
		                    "(0600 to 0666, no x bits)", key, s);
	if ((m & 0600) != 0600)
		return cw_error_set(CW_EINVALID, "%s: '%s' does not let the owner read and write the files", key, s);
	*out = m;
	return 0;
}

/* Where a file for path goes: path, or the file a symbolic link at path points to. */
static const char *target_of(const char *path, char buf[PATH_MAX])
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, buf))
		return buf;
	return path;
}

/* The temporary name beside the target: DIR/.NAME.PID.tmp. */
static int temp_name(const char *target, char *buf, size_t size)
{
	const char *slash = strrchr(target, '/');
	int dir = slash ? (int)(slash - target + 1) : 0;
	if (snprintf(buf, size, "%.*s.%s.%ld.tmp", dir, target, slash ? slash + 1 : target, (long)getpid()) >= (int)size)
		return cw_error_set(CW_EINVALID, "path too long: %s", target);
	return 0;
}

/* The folder of the target. */
static char *dir_of(const char *target, char *buf, size_t size)
{
	const char *slash = strrchr(target, '/');
	if (!slash)
		snprintf(buf, size, ".");
	else
		snprintf(buf, size, "%.*s", slash == target ? 1 : (int)(slash - target), target);
	return buf;
}

/* A file created unnamed in the target's folder (O_TMPFILE), else under the temporary name. */
static int create_temp(const char *target, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 64];
	int fd = open(dir_of(target, dir, sizeof dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	if (temp_name(target, tmp, sizeof tmp) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(tmp); /* left by a killed process that had this pid */
	return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
}

int cw_outfile_open_mode(FILE **out, cw_output *o, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	const char *target = target_of(path, buf);
	struct stat st;
	/* a terminal, a pipe or /dev/null is written as it is; a file is replaced whole when closed */
	int direct = stat(target, &st) == 0 && !S_ISREG(st.st_mode);
	int fd = direct ? open(target, O_WRONLY | O_TRUNC | O_CLOEXEC) : create_temp(target, mode);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno));
	if (!direct)
		fchmod(fd, mode); /* the umask must not widen or narrow what was configured */
	FILE *f = cw_outguard_fdopen(o, fd, path);
	if (!f) {
		close(fd);
		return cw_error_set(CW_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	*out = f;
	return 0;
}

int cw_outfile_open(FILE **out, cw_output *o, const char *path)
{
	return cw_outfile_open_mode(out, o, path, o->file_mode);
}

int cw_outfile_create(FILE **out, cw_output *o, const char *path, size_t buffer)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, o->file_mode);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno));
	fchmod(fd, o->file_mode); /* the umask must not widen or narrow what was configured */
	FILE *f = cw_outguard_fdopen(o, fd, path);
	if (!f) {
		close(fd);
		unlink(path);
		return cw_error_set(CW_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	setvbuf(f, NULL, _IOFBF, buffer);
	*out = f;
	return 0;
}

void cw_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Gives the unnamed file fd its temporary name (st: its status). */
static int name_temp(int fd, const struct stat *st, const char *tmp)
{
	char proc[64];
	if (st->st_nlink > 0)
		return 0; /* created under that name */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	unlink(tmp);
	if (linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) == 0 || linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return -1;
}

/* Renames the finished temporary file over the target; errno set on failure. */
static int put_in_place(int fd, const struct stat *st, const char *path, int sync)
{
	char buf[PATH_MAX], tmp[PATH_MAX + 64];
	const char *target = target_of(path, buf);
	if (temp_name(target, tmp, sizeof tmp) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (name_temp(fd, st, tmp) < 0)
		return -1;
	if (rename(tmp, target) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (sync)
		cw_sync_dir(dir_of(target, tmp, sizeof tmp));
	return 0;
}

/* Removes the temporary name of a file that failed (an unnamed one goes when closed). */
static void drop_temp(const struct stat *st, const char *path)
{
	char buf[PATH_MAX], tmp[PATH_MAX + 64];
	if (st->st_nlink > 0 && temp_name(target_of(path, buf), tmp, sizeof tmp) == 0)
		unlink(tmp);
}

int cw_outfile_finish(FILE *f, const char *path, int sync)
{
	struct stat st;
	int fd = cw_outguard_fileno(f); /* fileno does not see through a guarded stream */
	const cw_output *o = cw_outguard_output(f);
	errno = 0;
	int bad = fflush(f) != 0 || ferror(f);
	int err = cw_outguard_errno(f) ? cw_outguard_errno(f) : errno;
	int regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (!bad && sync && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
		bad = 1;
		err = errno;
	}
	if (!bad && regular && put_in_place(fd, &st, path, sync) != 0) {
		bad = 1;
		err = errno;
	} else if (bad && regular) {
		drop_temp(&st, path);
	}
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (bad)
		return cw_outguard_explain(o) ? CW_EIO : cw_error_set(CW_EIO, "writing %s failed: %s", path,
		                                                        strerror(err ? err : EIO));
	return 0;
}

int cw_outfile_finish_direct(FILE *f, const char *path)
{
	const cw_output *o = cw_outguard_output(f);
	errno = 0;
	int bad = fflush(f) != 0 || ferror(f);
	int err = cw_outguard_errno(f) ? cw_outguard_errno(f) : errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad)
		return 0;
	unlink(path);
	return cw_outguard_explain(o) ? CW_EIO : cw_error_set(CW_EIO, "writing %s failed: %s", path,
	                                                        strerror(err ? err : EIO));
}

int cw_outfile_close(FILE *f, const char *path)
{
	return cw_outfile_finish(f, path, 1);
}

void cw_outfile_abort(FILE *f, const char *path)
{
	struct stat st;
	if (fstat(cw_outguard_fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		drop_temp(&st, path);
	fclose(f);
}

int cw_output_end(FILE *f, const char *path, int rc)
{
	if (path && rc < 0)
		cw_outfile_abort(f, path);
	else if (path)
		rc = cw_outfile_close(f, path);
	else if ((fflush(f) != 0 || ferror(f)) && rc == 0)
		rc = cw_error_set(CW_EIO, "writing to standard output failed");
	return rc;
}

/* A run of field text: quotes doubled (a field holding one is always quoted). */
static void put_csv(void *ctx, const char *s, size_t n)
{
	const char *q;
	while ((q = memchr(s, '"', n))) {
		fwrite(s, 1, (size_t)(q - s) + 1, (FILE *)ctx);
		fputc('"', (FILE *)ctx);
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	fwrite(s, 1, n, (FILE *)ctx);
}

static int needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

void cw_csv_write(FILE *f, const char *s, size_t len, int raw)
{
	int formula = !raw && cw_csv_formula_like(s, len);
	int quote = formula || needs_quotes(s, len);
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	cw_safe_text(s, len, CW_SAFE_FFFD, 1, put_csv, f);
	if (quote)
		fputc('"', f);
}

void cw_csv_put(FILE *f, const char *s, size_t len, int last, int flags)
{
	cw_csv_write(f, s, len, flags & CW_CSV_RAW);
	fputs(!last ? "," : flags & CW_CSV_EXCEL ? "\r\n" : "\n", f);
}

void cw_csv_cell(FILE *f, const char *s, int last)
{
	cw_csv_put(f, s ? s : "", s ? strlen(s) : 0, last, 0);
}

void cw_csv_header(FILE *f, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		cw_csv_cell(f, names[i], !names[i + 1]);
}
