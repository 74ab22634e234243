/* outfile.c: output files with a restrictive mode, checked closes, CSV fields. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "io/outguard.h"

static mode_t file_mode = 0600;

void cw_outfile_set_mode(mode_t m) { file_mode = m & 0666; }
mode_t cw_outfile_mode(void) { return file_mode; }

mode_t cw_outfile_dir_mode(void)
{
	mode_t m = file_mode | 0700;
	if (m & 0040) m |= 0010;
	if (m & 0004) m |= 0001;
	return m;
}

int cw_outfile_parse_mode(const char *s, const char *key, mode_t *out)
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

int cw_outfile_open(const char *path, FILE **out)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file_mode);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno));
	fchmod(fd, file_mode); /* the umask must not widen or narrow what was configured */
	FILE *f = cw_outguard_fdopen(fd, path);
	if (!f) {
		close(fd);
		return cw_error_set(CW_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	*out = f;
	return 0;
}

int cw_outfile_close(FILE *f, const char *path)
{
	int bad = fflush(f) != 0 || ferror(f);
	int err = errno;
	if (!bad && fsync(cw_outguard_fileno(f)) != 0 && errno != EINVAL && errno != EROFS) {
		bad = 1;
		err = errno;
	}
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (bad)
		return cw_outguard_explain() ? CW_EIO : cw_error_set(CW_EIO, "writing %s failed: %s", path,
		                                                       strerror(err ? err : EIO));
	return 0;
}

void cw_csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void cw_csv_cell(FILE *f, const char *s, int last)
{
	cw_csv_field(f, s);
	fputc(last ? '\n' : ',', f);
}

void cw_csv_header(FILE *f, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		cw_csv_cell(f, names[i], !names[i + 1]);
}
