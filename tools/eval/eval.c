/* eval.c: recall and precision of a run against a generated truth.json (see
 * eval.h), with its own small CSV reader. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/types.h"
#include "eval.h"
#include "judge/prompts.h"
#include "util/grow.h"
#include "util/safetext.h"

/* --- CSV --------------------------------------------------------------------------- */
int cw_evcsv_open(cw_evcsv *c, const char *path)
{
	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", path);
	FILE *f = fopen(path, "rb");
	if (!f)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (!buf)
		return cw_error_set(CW_ENOMEM, "%s: out of memory", path);
	if (err) {
		free(buf);
		return cw_error_set(CW_EIO, "%s: read failed", path);
	}
	c->buf = buf;
	c->len = n;
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		c->pos = 3;
	c->line = 1;
	return 0;
}

static int put_rec(cw_evcsv *c, size_t *w, char ch)
{
	if (cw_grow((void **)&c->rec, &c->caprec, *w + 2, 1) < 0)
		return -1;
	c->rec[(*w)++] = ch;
	return 0;
}

static int end_field(cw_evcsv *c, size_t *w, size_t start)
{
	if (put_rec(c, w, 0) < 0)
		return -1;
	if (cw_grow((void **)&c->field, &c->capfields, c->nfields + 1, sizeof *c->field) < 0)
		return -1;
	c->field[c->nfields++] = (char *)(uintptr_t)start; /* offsets until the record is done */
	return 0;
}

int cw_evcsv_next(cw_evcsv *c)
{
	/* skip blank lines */
	while (c->pos < c->len && (c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r')) {
		if (c->buf[c->pos] == '\n')
			c->line++;
		c->pos++;
	}
	if (c->pos >= c->len)
		return 0;
	size_t w = 0, start = 0, first_line = c->line;
	c->nfields = 0;
	int quoted = 0, in_quotes = 0, after_quote = 0;
	for (;;) {
		if (c->pos >= c->len) {
			if (in_quotes)
				return cw_error_set(CW_EINVALID, "%s:%zu: unterminated quoted field", c->path, first_line);
			break;
		}
		char ch = c->buf[c->pos++];
		if (in_quotes) {
			if (ch == '"') {
				if (c->pos < c->len && c->buf[c->pos] == '"') {
					c->pos++;
					if (put_rec(c, &w, '"') < 0)
						return CW_ENOMEM;
				} else {
					in_quotes = 0;
					after_quote = 1;
				}
			} else {
				if (ch == '\n')
					c->line++;
				if (put_rec(c, &w, ch) < 0)
					return CW_ENOMEM;
			}
			continue;
		}
		if (ch == ',') {
			if (end_field(c, &w, start) < 0)
				return CW_ENOMEM;
			start = w;
			quoted = after_quote = 0;
			continue;
		}
		if (ch == '\r' && c->pos < c->len && c->buf[c->pos] == '\n')
			continue;
		if (ch == '\n' || ch == '\r') {
			c->line++;
			break;
		}
		if (after_quote)
			return cw_error_set(CW_EINVALID, "%s:%zu: text after a closing quote", c->path, first_line);
		if (ch == '"') {
			if (quoted || w != start)
				return cw_error_set(CW_EINVALID, "%s:%zu: stray quote in an unquoted field", c->path, first_line);
			quoted = in_quotes = 1;
			continue;
		}
		if (put_rec(c, &w, ch) < 0)
			return CW_ENOMEM;
	}
	if (end_field(c, &w, start) < 0)
		return CW_ENOMEM;
	for (size_t i = 0; i < c->nfields; i++) {
		c->field[i] = c->rec + (size_t)(uintptr_t)c->field[i];
		c->field[i] += cw_csv_unneutral(c->field[i], strlen(c->field[i])); /* a formula's apostrophe */
	}
	return 1;
}

int cw_evcsv_column(const cw_evcsv *c, const char *name)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (!strcmp(c->field[i], name))
			return (int)i;
	return -1;
}

void cw_evcsv_close(cw_evcsv *c)
{
	free(c->buf);
	free(c->rec);
	free(c->field);
	memset(c, 0, sizeof *c);
}

/* --- a string -> list-of-ints multimap -------------------------------------------------- */
typedef struct smap {
	char **key;
	int *head;     /* first entry of the key's list */
	size_t cap, n;
	int *next, *val; /* entries */
	size_t nent, capent;
} smap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t smap_slot(const smap *m, const char *k)
{
	size_t i = (size_t)hash_str(k) & (m->cap - 1);
	while (m->key[i] && strcmp(m->key[i], k))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int smap_grow(smap *m)
{
	smap n = { 0 };
	n.cap = m->cap ? m->cap * 2 : 1024;
	n.key = calloc(n.cap, sizeof *n.key);
	n.head = malloc(n.cap * sizeof *n.head);
	if (!n.key || !n.head) {
		free(n.key);
		free(n.head);
		return CW_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->key[i]) {
			size_t j = smap_slot(&n, m->key[i]);
			n.key[j] = m->key[i];
			n.head[j] = m->head[i];
		}
	free(m->key);
	free(m->head);
	m->key = n.key;
	m->head = n.head;
	m->cap = n.cap;
	return 0;
}

static int smap_add(smap *m, const char *k, int v)
{
	if ((m->n + 1) * 2 > m->cap && smap_grow(m) < 0)
		return CW_ENOMEM;
	if (m->nent == m->capent) {
		size_t cap = cw_grown(m->capent, m->capent + 1, 1024);
		int *nx = realloc(m->next, cap * sizeof *nx);
		if (!nx)
			return CW_ENOMEM;
		m->next = nx;
		int *vl = realloc(m->val, cap * sizeof *vl);
		if (!vl)
			return CW_ENOMEM;
		m->val = vl;
		m->capent = cap;
	}
	size_t i = smap_slot(m, k);
	if (!m->key[i]) {
		m->key[i] = strdup(k);
		if (!m->key[i])
			return CW_ENOMEM;
		m->head[i] = -1;
		m->n++;
	}
	m->val[m->nent] = v;
	m->next[m->nent] = m->head[i];
	m->head[i] = (int)m->nent++;
	return 0;
}

/* The first entry of k's list, or -1; walk with m->next. */
static int smap_get(const smap *m, const char *k)
{
	if (!m->cap)
		return -1;
	size_t i = smap_slot(m, k);
	return m->key[i] ? m->head[i] : -1;
}

static void smap_free(smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->head);
	free(m->next);
	free(m->val);
	memset(m, 0, sizeof *m);
}

/* --- truth -------------------------------------------------------------------------------- */
typedef struct truth_entry {
	int row;     /* detector row */
	int hit;
} truth_entry;

typedef struct truth_set {
	truth_entry *e;
	size_t n;
	smap index; /* "detector|month|L:line" / "|V:visit" / "|P:physician" -> entry */
} truth_set;

static int row_of(cw_eval_result *r, const char *det)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].detector, det))
			return (int)i;
	cw_eval_row *rows = realloc(r->rows, (r->nrows + 1) * sizeof *rows);
	if (!rows)
		return -1;
	r->rows = rows;
	memset(&rows[r->nrows], 0, sizeof rows[0]);
	snprintf(rows[r->nrows].detector, sizeof rows[0].detector, "%s", det);
	return (int)r->nrows++;
}

static int month_wanted(const cw_eval_result *r, const char *m)
{
	for (size_t i = 0; i < r->nmonths; i++)
		if (!strcmp(r->months[i], m))
			return 1;
	return 0;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(x) ? x->valuestring : "";
}

static int load_entries(cw_eval_result *r, const cJSON *arr, truth_set *ts, const char *path, const char *what)
{
	int n = cJSON_GetArraySize(arr);
	ts->e = calloc((size_t)(n > 0 ? n : 1), sizeof *ts->e);
	if (!ts->e)
		return cw_error_set(CW_ENOMEM, "out of memory");
	char key[512];
	const cJSON *c;
	cJSON_ArrayForEach(c, arr) {
		const char *det = jstr(c, "detector"), *month = jstr(c, "month");
		if (!*det || !*month)
			return cw_error_set(CW_EINVALID, "%s: a %s entry without detector or month", path, what);
		if (!month_wanted(r, month))
			continue;
		int row = row_of(r, det);
		if (row < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
		int idx = (int)ts->n++;
		ts->e[idx].row = row;
		const cJSON *ids = cJSON_GetObjectItemCaseSensitive(c, "line_ids"), *id;
		int nids = 0, rc = 0;
		cJSON_ArrayForEach(id, ids) {
			if (!cJSON_IsString(id))
				continue;
			snprintf(key, sizeof key, "%s|%s|L:%s", det, month, id->valuestring);
			rc |= smap_add(&ts->index, key, idx);
			nids++;
		}
		if (!nids) {
			const char *v = jstr(c, "visit_id"), *p = jstr(c, "physician_id"), *d = jstr(c, "dept_id");
			if (*v)
				snprintf(key, sizeof key, "%s|%s|V:%s", det, month, v);
			else if (*p || !*d)
				snprintf(key, sizeof key, "%s|%s|P:%s", det, month, p);
			else /* a department-level case */
				snprintf(key, sizeof key, "%s|%s|D:%s", det, month, d);
			rc |= smap_add(&ts->index, key, idx);
		}
		if (rc)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	return 0;
}

/* --- findings ---------------------------------------------------------------------------------- */
static int is_month_name(const char *s)
{
	cw_month m;
	int rc = cw_month_parse(&m, s);
	cw_error_clear();
	return rc == 0;
}

/* Marks the entries of ts that the finding matches; returns how many. */
static int match(truth_set *ts, const char *det, const char *month, const char *phys, const char *visit,
                 const char *dept, char *lines)
{
	char key[512];
	int hits = 0;
	for (char *tok = strtok(lines, " "); tok; tok = strtok(NULL, " ")) {
		snprintf(key, sizeof key, "%s|%s|L:%s", det, month, tok);
		for (int e = smap_get(&ts->index, key); e >= 0; e = ts->index.next[e]) {
			ts->e[ts->index.val[e]].hit = 1;
			hits++;
		}
	}
	if (*visit) {
		snprintf(key, sizeof key, "%s|%s|V:%s", det, month, visit);
		for (int e = smap_get(&ts->index, key); e >= 0; e = ts->index.next[e]) {
			ts->e[ts->index.val[e]].hit = 1;
			hits++;
		}
	}
	if (*phys) {
		snprintf(key, sizeof key, "%s|%s|P:%s", det, month, phys);
		for (int e = smap_get(&ts->index, key); e >= 0; e = ts->index.next[e]) {
			ts->e[ts->index.val[e]].hit = 1;
			hits++;
		}
	} else if (*dept) { /* a department-level finding */
		snprintf(key, sizeof key, "%s|%s|D:%s", det, month, dept);
		for (int e = smap_get(&ts->index, key); e >= 0; e = ts->index.next[e]) {
			ts->e[ts->index.val[e]].hit = 1;
			hits++;
		}
	}
	return hits;
}

static int read_findings(cw_eval_result *r, const char *path, const char *dir_month, truth_set *cases,
                         truth_set *looks)
{
	cw_evcsv c;
	int rc = cw_evcsv_open(&c, path);
	if (rc < 0)
		return rc;
	rc = cw_evcsv_next(&c);
	if (rc <= 0) {
		cw_evcsv_close(&c);
		return rc < 0 ? rc : cw_error_set(CW_EINVALID, "%s: empty file (no header)", path);
	}
	int cd = cw_evcsv_column(&c, "detector"), cm = cw_evcsv_column(&c, "month");
	int cp = cw_evcsv_column(&c, "physician_id"), cv = cw_evcsv_column(&c, "visit_id");
	int cl = cw_evcsv_column(&c, "line_ids"), cdp = cw_evcsv_column(&c, "dept_id");
	if (cd < 0) {
		cw_evcsv_close(&c);
		return cw_error_set(CW_EINVALID, "%s: no column 'detector'", path);
	}
	while ((rc = cw_evcsv_next(&c)) == 1) {
		const char *det = c.field[cd];
		const char *month = cm >= 0 && (size_t)cm < c.nfields && *c.field[cm] ? c.field[cm] : dir_month;
		const char *phys = cp >= 0 && (size_t)cp < c.nfields ? c.field[cp] : "";
		const char *visit = cv >= 0 && (size_t)cv < c.nfields ? c.field[cv] : "";
		const char *dept = cdp >= 0 && (size_t)cdp < c.nfields ? c.field[cdp] : "";
		char *lines = cl >= 0 && (size_t)cl < c.nfields ? c.field[cl] : (char *)"";
		if (!*det || cw_finding_is_prompt(det)) /* a prompt (judge/prompts.h) has no truth to match */
			continue;
		if (!month || !month_wanted(r, month))
			continue;
		int row = row_of(r, det);
		if (row < 0) {
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		r->rows[row].findings++;
		char *copy = strdup(lines);
		if (!copy) {
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		if (match(cases, det, month, phys, visit, dept, lines))
			r->rows[row].matched++;
		match(looks, det, month, phys, visit, dept, copy);
		free(copy);
	}
	cw_evcsv_close(&c);
	return rc < 0 ? rc : 0;
}

static int add_month(cw_eval_result *r, const char *m)
{
	char (*ms)[8] = realloc(r->months, (r->nmonths + 1) * sizeof *ms);
	if (!ms)
		return cw_error_set(CW_ENOMEM, "out of memory");
	r->months = ms;
	snprintf(ms[r->nmonths++], 8, "%.7s", m); /* YYYY-MM */
	return 0;
}

static int cmp_month(const void *a, const void *b) { return strcmp(a, b); }

/* The month folders to read: run_dir itself, or its YYYY-MM children. */
static int find_months(cw_eval_result *r, const char *run_dir, int *single)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof path, "%s/findings.csv", run_dir);
	if (stat(path, &st) == 0) {
		*single = 1;
		const char *base = strrchr(run_dir, '/');
		char name[1024];
		snprintf(name, sizeof name, "%s", base ? base + 1 : run_dir);
		size_t n = strlen(name);
		while (n && name[n - 1] == '/')
			name[--n] = 0;
		if (!*name && base) { /* a trailing slash */
			char tmp[1024];
			snprintf(tmp, sizeof tmp, "%s", run_dir);
			size_t k = strlen(tmp);
			while (k && tmp[k - 1] == '/')
				tmp[--k] = 0;
			const char *b = strrchr(tmp, '/');
			snprintf(name, sizeof name, "%s", b ? b + 1 : tmp);
		}
		if (!is_month_name(name))
			return cw_error_set(CW_EUSAGE, "%s: the run folder must be named YYYY-MM", run_dir);
		return add_month(r, name);
	}
	*single = 0;
	DIR *d = opendir(run_dir);
	if (!d)
		return cw_error_set(CW_ENOTFOUND, "%s: no findings.csv and not a folder of months", run_dir);
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (!is_month_name(e->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s/findings.csv", run_dir, e->d_name);
		if (stat(path, &st) == 0)
			rc = add_month(r, e->d_name);
	}
	closedir(d);
	if (rc == 0 && !r->nmonths)
		rc = cw_error_set(CW_ENOTFOUND, "%s: no YYYY-MM/findings.csv below it", run_dir);
	if (rc == 0)
		qsort(r->months, r->nmonths, sizeof r->months[0], cmp_month);
	return rc;
}

static cJSON *load_json(const char *path)
{
	cw_evcsv raw; /* reuse the file reader */
	if (cw_evcsv_open(&raw, path) < 0)
		return NULL;
	cJSON *j = cJSON_ParseWithLength(raw.buf + raw.pos, raw.len - raw.pos);
	cw_evcsv_close(&raw);
	if (!j)
		cw_error_set(CW_EINVALID, "%s: not valid JSON", path);
	return j;
}

int cw_eval_run(cw_eval_result *r, const char *truth_path, const char *run_dir, const cw_registry *detectors)
{
	memset(r, 0, sizeof *r);
	int single = 0;
	int rc = find_months(r, run_dir, &single);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < cw_registry_count(detectors); i++)
		if (row_of(r, cw_registry_get(detectors, i)->name) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
	cJSON *root = load_json(truth_path);
	if (!root)
		return cw_error_last_code() ? cw_error_last_code() : CW_EINVALID;
	truth_set cases = { 0 }, looks = { 0 };
	const cJSON *ca = cJSON_GetObjectItemCaseSensitive(root, "cases");
	const cJSON *la = cJSON_GetObjectItemCaseSensitive(root, "lookalikes");
	if (!cJSON_IsArray(ca))
		rc = cw_error_set(CW_EINVALID, "%s: no \"cases\" array", truth_path);
	if (rc == 0)
		rc = load_entries(r, ca, &cases, truth_path, "case");
	if (rc == 0 && cJSON_IsArray(la))
		rc = load_entries(r, la, &looks, truth_path, "look-alike");
	cJSON_Delete(root);
	for (size_t m = 0; rc == 0 && m < r->nmonths; m++) {
		char path[1100];
		if (single)
			snprintf(path, sizeof path, "%s/findings.csv", run_dir);
		else
			snprintf(path, sizeof path, "%s/%s/findings.csv", run_dir, r->months[m]);
		rc = read_findings(r, path, r->months[m], &cases, &looks);
	}
	if (rc == 0) {
		for (size_t i = 0; i < cases.n; i++) {
			r->rows[cases.e[i].row].cases++;
			r->rows[cases.e[i].row].found += cases.e[i].hit;
		}
		for (size_t i = 0; i < looks.n; i++) {
			r->rows[looks.e[i].row].lookalikes++;
			r->rows[looks.e[i].row].flagged += looks.e[i].hit;
		}
		snprintf(r->total.detector, sizeof r->total.detector, "total");
		for (size_t i = 0; i < r->nrows; i++) {
			const cw_eval_row *x = &r->rows[i];
			r->total.cases += x->cases;
			r->total.found += x->found;
			r->total.findings += x->findings;
			r->total.matched += x->matched;
			r->total.lookalikes += x->lookalikes;
			r->total.flagged += x->flagged;
		}
	}
	free(cases.e);
	free(looks.e);
	smap_free(&cases.index);
	smap_free(&looks.index);
	return rc;
}

/* --- output ---------------------------------------------------------------------------------- */
static void print_row(FILE *f, const cw_eval_row *x)
{
	if (!x->cases && !x->findings && !x->lookalikes) {
		fprintf(f, "%-24s %6s %6s %7s %9s %8s %10s %12s %8s\n", x->detector, "-", "-", "-", "-", "-", "-", "-", "-");
		return;
	}
	char rec[16] = "-", prec[16] = "-";
	if (x->cases)
		snprintf(rec, sizeof rec, "%.3f", (double)x->found / (double)x->cases);
	if (x->findings)
		snprintf(prec, sizeof prec, "%.3f", (double)x->matched / (double)x->findings);
	fprintf(f, "%-24s %6ld %6ld %7s %9ld %8ld %10s %12ld %8ld\n", x->detector, x->cases, x->found, rec, x->findings,
	        x->matched, prec, x->lookalikes, x->flagged);
}

void cw_eval_print(FILE *f, const cw_eval_result *r)
{
	fprintf(f, "months:");
	for (size_t i = 0; i < r->nmonths; i++)
		fprintf(f, " %s", r->months[i]);
	fprintf(f, "\n%-24s %6s %6s %7s %9s %8s %10s %12s %8s\n", "detector", "cases", "found", "recall", "findings",
	        "matched", "precision", "look-alikes", "flagged");
	for (size_t i = 0; i < r->nrows; i++)
		print_row(f, &r->rows[i]);
	print_row(f, &r->total);
}

static void json_ratio(cJSON *o, const char *k, long a, long b)
{
	if (b)
		cJSON_AddNumberToObject(o, k, (double)a / (double)b);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *row_json(const cw_eval_row *x)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detector", x->detector);
	cJSON_AddNumberToObject(o, "cases", (double)x->cases);
	cJSON_AddNumberToObject(o, "found", (double)x->found);
	json_ratio(o, "recall", x->found, x->cases);
	cJSON_AddNumberToObject(o, "findings", (double)x->findings);
	cJSON_AddNumberToObject(o, "matched", (double)x->matched);
	json_ratio(o, "precision", x->matched, x->findings);
	cJSON_AddNumberToObject(o, "lookalikes", (double)x->lookalikes);
	cJSON_AddNumberToObject(o, "lookalikes_flagged", (double)x->flagged);
	return o;
}

void cw_eval_print_json(FILE *f, const cw_eval_result *r, int checked, int pass)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *ms = cJSON_AddArrayToObject(root, "months");
	for (size_t i = 0; i < r->nmonths; i++)
		cJSON_AddItemToArray(ms, cJSON_CreateString(r->months[i]));
	cJSON *ds = cJSON_AddArrayToObject(root, "detectors");
	for (size_t i = 0; i < r->nrows; i++)
		cJSON_AddItemToArray(ds, row_json(&r->rows[i]));
	cJSON_AddItemToObject(root, "total", row_json(&r->total));
	if (checked)
		cJSON_AddBoolToObject(root, "pass", pass);
	char *s = cJSON_Print(root);
	if (s)
		fprintf(f, "%s\n", s);
	cJSON_free(s);
	cJSON_Delete(root);
}

int cw_eval_check(const cw_eval_result *r, double min_recall, double min_precision, FILE *why)
{
	int ok = 1;
	for (size_t i = 0; i < r->nrows; i++) {
		const cw_eval_row *x = &r->rows[i];
		if (min_recall >= 0 && x->cases && (double)x->found / (double)x->cases < min_recall) {
			ok = 0;
			if (why)
				fprintf(why, "%s: recall %.3f below %.3f\n", x->detector, (double)x->found / (double)x->cases,
				        min_recall);
		}
		if (min_precision >= 0 && x->findings && (double)x->matched / (double)x->findings < min_precision) {
			ok = 0;
			if (why)
				fprintf(why, "%s: precision %.3f below %.3f\n", x->detector,
				        (double)x->matched / (double)x->findings, min_precision);
		}
		if (x->flagged) {
			ok = 0;
			if (why)
				fprintf(why, "%s: %ld look-alike(s) flagged\n", x->detector, x->flagged);
		}
	}
	return ok;
}

int cw_eval_require_all(const cw_eval_result *r, const char *detectors, FILE *why)
{
	int ok = 1;
	for (const char *p = detectors; *p;) {
		size_t n = strcspn(p, ",");
		const cw_eval_row *x = NULL;
		for (size_t i = 0; i < r->nrows && !x; i++)
			if (strlen(r->rows[i].detector) == n && !strncmp(r->rows[i].detector, p, n))
				x = &r->rows[i];
		if (!x)
			return cw_error_set(CW_EUSAGE, "--require-all: unknown detector '%.*s'", (int)n, p);
		if (x->found < x->cases) {
			ok = 0;
			if (why)
				fprintf(why, "%s: %ld of %ld cases found, all required\n", x->detector, x->found, x->cases);
		}
		p += n;
		p += *p == ',';
	}
	return ok;
}

void cw_eval_free(cw_eval_result *r)
{
	free(r->rows);
	free(r->months);
	memset(r, 0, sizeof *r);
}
