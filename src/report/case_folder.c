/* case_folder.c: the answers of `claimwatch case` read from a month folder (ROOT/YYYY-MM/): ranking.csv,
 * sanctions.csv, findings.csv, evidence.csv and metrics.csv, by column name (see case.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "report/case.h"

typedef struct folder {
	char root[4096];
} folder;

/* One file's rows whose column `key` equals `value`: the schema's fields into a list, and `extra`
 * columns of the first such row into extra_out. Every field but the key is optional. */
typedef struct query {
	const char *path, *key, *value;
	const cw_case_schema *schema;     /* NULL: extra columns only */
	const char *const *extra;         /* NULL-terminated, or NULL */
	char **extra_out;
	size_t limit;                     /* stop after this many rows; 0: all */
	size_t matched;
} query;

static int open_query(query *q, cw_csvtab **t)
{
	char names[CW_CSVTAB_MAX][72];
	const char *list[CW_CSVTAB_MAX + 1];
	size_t n = 0;
	list[n++] = q->key;
	for (size_t i = 0; q->schema && i < q->schema->n && n < CW_CSVTAB_MAX; i++, n++) {
		snprintf(names[n], sizeof names[n], "?%s", q->schema->names[i]);
		list[n] = names[n];
	}
	for (size_t i = 0; q->extra && q->extra[i] && n < CW_CSVTAB_MAX; i++, n++) {
		snprintf(names[n], sizeof names[n], "?%s", q->extra[i]);
		list[n] = names[n];
	}
	list[n] = NULL;
	return cw_csvtab_open(t, q->path, list);
}

static int copy_field(const cw_csvtab *t, size_t i, cw_case_arena *a, char **out)
{
	size_t len;
	const char *s = cw_csvtab_field(t, i, &len);
	if (!(*out = cw_case_strdup(a, s, len)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	return 0;
}

static int take_row(query *q, const cw_csvtab *t, cw_case_list *out, cw_case_arena *a)
{
	size_t ns = q->schema ? q->schema->n : 0;
	int rc = 0;
	if (q->schema) {
		cw_case_rec *r = cw_case_list_add(out, a, q->schema);
		if (!r)
			return cw_error_set(CW_ENOMEM, "out of memory");
		for (size_t i = 0; rc == 0 && i < ns; i++)
			rc = copy_field(t, 1 + i, a, &r->v[i]);
	}
	for (size_t i = 0; rc == 0 && q->matched == 0 && q->extra && q->extra[i]; i++)
		rc = copy_field(t, 1 + ns + i, a, &q->extra_out[i]);
	q->matched++;
	return rc;
}

/* CW_ENOTFOUND (no message) when the file does not exist. */
static int run_query(query *q, cw_case_list *out, cw_case_arena *a)
{
	cw_csvtab *t;
	int rc = open_query(q, &t);
	if (rc < 0)
		return rc;
	size_t vlen = strlen(q->value);
	while ((rc = cw_csvtab_next(t)) == 1) {
		size_t len;
		const char *k = cw_csvtab_field(t, 0, &len);
		if (len != vlen || memcmp(k, q->value, len))
			continue;
		if ((rc = take_row(q, t, out, a)) < 0 || (q->limit && q->matched >= q->limit))
			break;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

static int month_file(const folder *fo, const char *month, const char *file, char *buf, size_t size)
{
	struct stat st;
	snprintf(buf, size, "%s/%s", fo->root, month);
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		return cw_error_set(CW_ENOTFOUND, "no results for %s under %s (run `claimwatch run` for that month)", month,
		                    fo->root);
	if (snprintf(buf, size, "%s/%s/%s", fo->root, month, file) >= (int)size)
		return cw_error_set(CW_EINVALID, "path too long: %s", fo->root);
	return 0;
}

/* The composite row first, as people read it. */
static void composite_first(cw_case_list *l)
{
	for (size_t i = 1; i < l->n; i++) {
		if (strcmp(l->rec[i].v[CS_DIMENSION], "composite"))
			continue;
		cw_case_rec c = l->rec[i];
		memmove(l->rec + 1, l->rec, i * sizeof *l->rec);
		l->rec[0] = c;
		return;
	}
}

static int standings(const folder *fo, const char *month, const char *id, cw_case_physician *p)
{
	static const char *const extra[] = { "physician_name", "inst_id", "dept_id", "scope_group", "visits", "billed",
		                             NULL };
	char *out[6] = { "", "", "", "", "", "" }, path[4200];
	int rc = month_file(fo, month, "ranking.csv", path, sizeof path);
	query q = { .path = path, .key = "physician_id", .value = id, .schema = &cw_case_standing_schema,
		    .extra = extra, .extra_out = out };
	if (rc == 0 && (rc = run_query(&q, &p->standings, p->arena)) == CW_ENOTFOUND)
		rc = cw_error_set(CW_ENOTFOUND, "%s: no ranking.csv", path);
	p->name = out[0], p->inst_id = out[1], p->dept_id = out[2], p->scope_group = out[3], p->visits = out[4];
	p->billed = out[5];
	composite_first(&p->standings);
	return rc;
}

static int sanction(const folder *fo, const char *month, const char *id, cw_case_physician *p)
{
	static const char *const extra[] = { "cycle", "level", "measures", NULL };
	char *out[3] = { "", "", "" }, path[4200];
	int rc = month_file(fo, month, "sanctions.csv", path, sizeof path);
	query q = { .path = path, .key = "physician_id", .value = id, .extra = extra, .extra_out = out, .limit = 1 };
	if (rc == 0 && (rc = run_query(&q, NULL, p->arena)) == CW_ENOTFOUND)
		rc = 0; /* an old folder without sanctions.csv: nothing due that we know of */
	p->cycle = out[0], p->sanction_level = out[1], p->sanction_measures = out[2];
	return rc;
}

static int physician(void *ctx, const char *month, const char *id, cw_case_physician *p)
{
	const folder *fo = ctx;
	char path[4200];
	memset(p, 0, sizeof *p);
	int rc = cw_case_arena_new(&p->arena);
	if (rc == 0 && !(p->month = cw_case_strdup(p->arena, month, strlen(month))))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = standings(fo, month, id, p);
	if (rc == 0)
		rc = sanction(fo, month, id, p);
	if (rc == 0 && (rc = month_file(fo, month, "findings.csv", path, sizeof path)) == 0) {
		query q = { .path = path, .key = "physician_id", .value = id, .schema = &cw_case_finding_schema };
		if ((rc = run_query(&q, &p->findings, p->arena)) == CW_ENOTFOUND)
			rc = cw_error_set(CW_ENOTFOUND, "%s: no findings.csv", path);
		cw_case_sort_findings(&p->findings);
	}
	if (rc == 0 && (rc = month_file(fo, month, "metrics.csv", path, sizeof path)) == 0) {
		query q = { .path = path, .key = "physician_id", .value = id, .schema = &cw_case_metric_schema };
		rc = run_query(&q, &p->metrics, p->arena);
		p->have_metrics = rc == 0;
		if (rc == CW_ENOTFOUND)
			rc = 0;
	}
	if (rc == 0 && !p->standings.n && !p->findings.n)
		rc = cw_error_set(CW_ENOTFOUND, "physician '%s' has no score and no finding in %s/%s", id, fo->root, month);
	if (rc == 0 && !*p->inst_id && p->findings.n) {
		p->inst_id = p->findings.rec[0].v[CF_INST];
		p->dept_id = p->findings.rec[0].v[CF_DEPT];
	}
	if (rc == 0 && !(p->physician_id = cw_case_strdup(p->arena, id, strlen(id))))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	if (rc < 0)
		cw_case_physician_free(p);
	return rc;
}

static int finding(void *ctx, const char *month, const char *id, cw_case_finding *c)
{
	const folder *fo = ctx;
	char path[4200];
	cw_case_list found = { 0 };
	memset(c, 0, sizeof *c);
	int rc = cw_case_arena_new(&c->arena);
	if (rc == 0 && (rc = month_file(fo, month, "findings.csv", path, sizeof path)) == 0) {
		query q = { .path = path, .key = "finding_id", .value = id, .schema = &cw_case_finding_schema, .limit = 1 };
		if ((rc = run_query(&q, &found, c->arena)) == CW_ENOTFOUND)
			rc = cw_error_set(CW_ENOTFOUND, "%s: no findings.csv", path);
		else if (rc == 0 && !found.n)
			rc = cw_error_set(CW_ENOTFOUND, "no finding '%s' in %s", id, path);
	}
	if (rc == 0)
		c->f = found.rec[0];
	free(found.rec);
	if (rc == 0 && (rc = month_file(fo, month, "evidence.csv", path, sizeof path)) == 0) {
		query q = { .path = path, .key = "finding_id", .value = id, .schema = &cw_case_line_schema };
		rc = run_query(&q, &c->lines, c->arena);
		c->have_lines = rc == 0;
		if (rc == CW_ENOTFOUND)
			rc = 0;
	}
	if (rc < 0)
		cw_case_finding_free(c);
	return rc;
}

static void folder_close(void *ctx)
{
	free(ctx);
}

int cw_case_folder_source(cw_case_source *out, const char *root)
{
	folder *fo = calloc(1, sizeof *fo);
	if (!fo)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (snprintf(fo->root, sizeof fo->root, "%s", root) >= (int)sizeof fo->root) {
		free(fo);
		return cw_error_set(CW_EINVALID, "path too long: %s", root);
	}
	*out = (cw_case_source){ fo, physician, finding, folder_close };
	return 0;
}
