/* rootmonths.c: month folders under an output root, and half-year cycles (see rootmonths.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/rootmonths.h"
#include "util/grow.h"

static int is_month_name(const char *s, cw_month *m)
{
	if (strlen(s) != 7 || s[4] != '-')
		return 0;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return cw_month_parse(m, s) == 0;
}

static int by_month(const void *a, const void *b)
{
	return cw_month_cmp(*(const cw_month *)a, *(const cw_month *)b);
}

int cw_root_months(cw_month **out, size_t *n, const char *root)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : cw_error_set(CW_EIO, "cannot read the folder %s: %s", root, strerror(errno));
	size_t cap = 0, count = 0;
	cw_month *v = NULL;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		cw_month m;
		char path[4096];
		struct stat st;
		if (!is_month_name(e->d_name, &m))
			continue;
		if (snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path ||
		    stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((rc = cw_grow((void **)&v, &cap, count + 1, sizeof *v)) < 0)
			break;
		v[count++] = m;
	}
	closedir(d);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (count)
		qsort(v, count, sizeof *v, by_month);
	*out = v;
	*n = count;
	return 0;
}

int cw_root_month_file(char *buf, size_t size, const char *root, cw_month m, const char *file)
{
	char name[8];
	if (snprintf(buf, size, "%s/%s/%s", root, cw_month_format(name, m), file) >= (int)size)
		return cw_error_set(CW_EINVALID, "path too long under %s", root);
	return 0;
}

int cw_root_month_table(cw_csvtab **t, const char *root, cw_month m, const char *file, const char *const *cols)
{
	char path[4096];
	int rc = cw_root_month_file(path, sizeof path, root, m, file);
	return rc < 0 ? rc : cw_csvtab_open(t, path, cols);
}

cw_month cw_cycle_first(cw_month m)
{
	return (cw_month){ m.year, m.month <= 6 ? 1 : 7 };
}

char *cw_cycle_name(char buf[8], cw_month m)
{
	snprintf(buf, 8, "%04u-H%c", (unsigned)m.year % 10000u, m.month <= 6 ? '1' : '2');
	return buf;
}

int cw_cycle_parse(const char *s, cw_month *first)
{
	cw_month m;
	char y[8];
	if (strlen(s) != 7 || s[4] != '-' || s[5] != 'H' || (s[6] != '1' && s[6] != '2'))
		return cw_error_set(CW_EINVALID, "'%s' is not a half-year cycle (expected YYYY-H1 or YYYY-H2)", s);
	snprintf(y, sizeof y, "%.4s-01", s);
	if (cw_month_parse(&m, y) < 0)
		return cw_error_set(CW_EINVALID, "'%s' is not a half-year cycle (expected YYYY-H1 or YYYY-H2)", s);
	m.month = s[6] == '1' ? 1 : 7;
	*first = m;
	return 0;
}
