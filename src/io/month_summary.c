/* month_summary.c: the few fields of a month folder's summary.json that later commands check (see
 * month_summary.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "io/month_summary.h"

char *cw_read_small_file(const char *path)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return NULL;
	char *s = NULL;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size < (64 << 20) && (s = malloc((size_t)st.st_size + 1))) {
		size_t n = fread(s, 1, (size_t)st.st_size, f);
		s[n] = 0;
	}
	fclose(f);
	return s;
}

static const cJSON *item(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
	return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}

int cw_month_summary_read(cw_month_summary *out, const char *dir)
{
	char path[4096];
	memset(out, 0, sizeof *out);
	if (snprintf(path, sizeof path, "%s/summary.json", dir) >= (int)sizeof path)
		return cw_error_set(CW_EINVALID, "path too long: %s", dir);
	char *text = cw_read_small_file(path);
	if (!text)
		return errno == ENOENT ? 0 : cw_error_set(CW_EIO, "cannot read %s: %s", path, strerror(errno));
	cJSON *s = cJSON_Parse(text);
	free(text);
	if (!s)
		return cw_error_set(CW_EINVALID, "%s: not valid JSON", path);
	out->found = 1;
	const cJSON *status = item(s, "status", NULL), *lines = item(s, "dataset", "claim_lines_in_month"),
	            *db = item(s, "source", "database"), *run = item(s, "source", "run_id");
	if (cJSON_IsString(status))
		snprintf(out->status, sizeof out->status, "%s", status->valuestring);
	if (cJSON_IsNumber(lines))
		out->lines_in_month = (long long)lines->valuedouble;
	if (cJSON_IsString(db))
		snprintf(out->database, sizeof out->database, "%s", db->valuestring);
	if (cJSON_IsNumber(run))
		out->run_id = (long long)run->valuedouble;
	cJSON_Delete(s);
	return 0;
}
