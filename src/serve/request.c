/* request.c: the strict parser of a check or claim request (request.h, docs/serve.md).
 *
 * cJSON reads the body; each object is then matched against the columns of its contract table
 * (source/rows.h), and the fields are typed by cw_row_type, the CSV reader's own typing, so the
 * service and the batch accept and refuse the same values. The typed rows' strings are copied into
 * one arena sized from the body once (a string of the request is never longer than its JSON text),
 * so they never move. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "serve/request.h"
#include "source/rows.h"

void cw_request_free(cw_request *rq)
{
	free(rq->lines);
	free(rq->rx);
	free(rq->arena);
	memset(rq, 0, sizeof *rq);
}

/* A copy of s in the arena (NULL stays NULL). The arena was sized for every string of the body. */
static const char *keep(cw_request *rq, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	if (rq->arena_len + n > rq->arena_cap)
		return NULL; /* cannot happen: see cw_request_parse */
	char *d = memcpy(rq->arena + rq->arena_len, s, n);
	rq->arena_len += n;
	return d;
}

/* A value's JSON type, a word of messages.c ({N:word}). */
static const char *json_type(const cJSON *v)
{
	if (cJSON_IsNumber(v)) return "number";
	if (cJSON_IsBool(v)) return "boolean";
	if (cJSON_IsArray(v)) return "array";
	if (cJSON_IsObject(v)) return "object";
	if (cJSON_IsNull(v)) return "null";
	return "string";
}

/* A number as the text a message shows. */
static const char *num(char *buf, size_t n, size_t v)
{
	snprintf(buf, n, "%zu", v);
	return buf;
}

/* A text value must not hold control characters: the journal keeps one record per line. */
static int check_text(cw_req_error *err, const char *path, const char *s)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		if (*u < 0x20 || *u == 0x7F)
			return cw_req_refuse(err, M_CONTROL_CHAR, path);
	return 0;
}

/* The fields of obj by the columns of table (f[i] for column i); `extra` is one more allowed key
 * (or NULL), returned in *extra_val. */
static int fields(cw_slice *f, const cJSON **extra_val, cw_req_error *err, int table, const cJSON *obj,
                  const char *path, const char *extra)
{
	const cw_row_schema *s = cw_row_schema_of(table);
	char p[96];
	uint32_t seen = 0;
	if (!cJSON_IsObject(obj))
		return cw_req_refuse(err, M_NOT_OBJECT, path, json_type(obj));
	memset(f, 0, (size_t)s->ncols * sizeof *f);
	for (const cJSON *c = obj->child; c; c = c->next) {
		snprintf(p, sizeof p, "%s.%s", path, c->string);
		int col = cw_row_schema_find(s, c->string, strlen(c->string));
		int bit = col >= 0 ? col : s->ncols;
		if (col < 0 && !(extra && !strcmp(c->string, extra)))
			return cw_req_refuse(err, M_UNKNOWN_FIELD, p, cw_table_name(table));
		if (seen & (1u << bit))
			return cw_req_refuse(err, M_DUPLICATE_FIELD, p);
		seen |= 1u << bit;
		if (!cJSON_IsString(c) && !cJSON_IsNull(c))
			return cw_req_refuse(err, M_NOT_STRING, p, json_type(c));
		if (cJSON_IsString(c) && check_text(err, p, c->valuestring) < 0)
			return CW_EINVALID;
		if (col < 0) {
			*extra_val = c;
			continue;
		}
		if (cJSON_IsString(c))
			f[col] = (cw_slice){ c->valuestring, strlen(c->valuestring) };
	}
	for (int i = 0; i < s->ncols; i++)
		if (!f[i].len && !s->optional[i] && !(table != CW_T_VISITS && !strcmp(s->cols[i], "visit_id"))) {
			snprintf(p, sizeof p, "%s.%s", path, s->cols[i]);
			return cw_req_refuse(err, M_MISSING_FIELD, p);
		}
	return 0;
}

/* Types the fields as cw_row_type does for a CSV row. */
static int typed(cw_row_any *row, cw_req_error *err, int table, const cw_slice *f, cw_rowbuf *rb, const char *path)
{
	cw_rowerr re = { 0 };
	int rc = cw_row_type(row, &re, table, f, rb);
	if (rc == CW_ENOMEM)
		return rc;
	if (rc < 0) {
		char p[96];
		snprintf(p, sizeof p, "%s%s%s", path, re.column ? "." : "", re.column ? re.column : "");
		return cw_req_refuse(err, M_INVALID_VALUE, p, p, re.reason);
	}
	return 0;
}

static int parse_visit(cw_request *rq, cw_req_error *err, const cJSON *v, cw_rowbuf *rb)
{
	cw_slice f[CW_ROW_MAX_COLS];
	cw_row_any row;
	int rc;
	if ((rc = fields(f, NULL, err, CW_T_VISITS, v, "visit", NULL)) < 0 ||
	    (rc = typed(&row, err, CW_T_VISITS, f, rb, "visit")) < 0)
		return rc;
	rq->visit = row.visit;
	const char **s[] = { &rq->visit.visit_id, &rq->visit.patient_id, &rq->visit.inst_id, &rq->visit.dept_id,
		             &rq->visit.physician_id, &rq->visit.dx_code, &rq->visit.dx_name };
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		*s[i] = keep(rq, *s[i]);
	return 0;
}

/* The visit_id of a line or prescription: the visit's, or an error when it names another. */
static int own_visit(cw_slice *f, cw_req_error *err, const cw_request *rq, int table, const char *path)
{
	const char *vid = rq->visit.visit_id;
	int c = cw_row_schema_find(cw_row_schema_of(table), "visit_id", 8);
	if (f[c].len && (f[c].len != strlen(vid) || memcmp(f[c].ptr, vid, f[c].len))) {
		char given[65];
		snprintf(given, sizeof given, "%.*s", (int)(f[c].len > 64 ? 64 : f[c].len), f[c].ptr);
		return cw_req_refuse(err, M_OTHER_VISIT_ID, path, given, vid);
	}
	f[c] = (cw_slice){ vid, strlen(vid) };
	return 0;
}

static int parse_result(int *out, cw_req_error *err, const cJSON *v, cw_rowbuf *rb, const char *path)
{
	*out = CW_RESULT_NONE;
	if (!v || cJSON_IsNull(v))
		return 0;
	cw_slice f[2] = { { "x", 1 }, { v->valuestring, strlen(v->valuestring) } };
	cw_row_any row;
	char p[96];
	snprintf(p, sizeof p, "%s.result", path);
	cw_rowerr re = { 0 };
	int rc = cw_row_type(&row, &re, CW_T_RESULTS, f, rb);
	if (rc == CW_ENOMEM)
		return rc;
	if (rc < 0)
		return cw_req_refuse(err, M_INVALID_VALUE, p, p, re.reason);
	*out = row.result.result;
	return 0;
}

static int parse_line(cw_request *rq, cw_req_error *err, const cJSON *v, size_t i, cw_rowbuf *rb)
{
	cw_slice f[CW_ROW_MAX_COLS];
	const cJSON *res = NULL;
	cw_row_any row;
	char path[48];
	int rc;
	snprintf(path, sizeof path, "lines[%zu]", i);
	if ((rc = fields(f, &res, err, CW_T_CLAIMS, v, path, "result")) < 0 || (rc = own_visit(f, err, rq, CW_T_CLAIMS, path)) < 0 ||
	    (rc = typed(&row, err, CW_T_CLAIMS, f, rb, path)) < 0)
		return rc;
	cw_req_line *l = &rq->lines[i];
	l->row = row.claim;
	l->row.line_id = keep(rq, l->row.line_id);
	l->row.visit_id = rq->visit.visit_id;
	l->row.item_code = keep(rq, l->row.item_code);
	l->row.physician_id = keep(rq, l->row.physician_id);
	char n[24];
	for (size_t k = 0; k < i; k++)
		if (!strcmp(rq->lines[k].row.line_id, l->row.line_id))
			return cw_req_refuse(err, M_DUPLICATE_LINE, path, l->row.line_id, num(n, sizeof n, k));
	return parse_result(&l->result, err, res, rb, path);
}

static int parse_rx(cw_request *rq, cw_req_error *err, const cJSON *v, size_t i, cw_rowbuf *rb)
{
	cw_slice f[CW_ROW_MAX_COLS];
	cw_row_any row;
	char path[48];
	int rc;
	snprintf(path, sizeof path, "prescriptions[%zu]", i);
	if ((rc = fields(f, NULL, err, CW_T_PRESCRIPTIONS, v, path, NULL)) < 0 ||
	    (rc = own_visit(f, err, rq, CW_T_PRESCRIPTIONS, path)) < 0 || (rc = typed(&row, err, CW_T_PRESCRIPTIONS, f, rb, path)) < 0)
		return rc;
	cw_rx_row *r = &rq->rx[i];
	*r = row.rx;
	r->rx_id = keep(rq, r->rx_id);
	r->visit_id = rq->visit.visit_id;
	r->physician_id = keep(rq, r->physician_id);
	r->drug_code = keep(rq, r->drug_code);
	char n[24], no[24];
	for (size_t k = 0; k < i; k++)
		if (!strcmp(rq->rx[k].rx_id, r->rx_id) && rq->rx[k].line_no == r->line_no)
			return cw_req_refuse(err, M_DUPLICATE_RX, path, r->rx_id, num(no, sizeof no, (size_t)r->line_no),
			                     num(n, sizeof n, k));
	return 0;
}

/* An array member of the body (absent: none), its size checked. */
static int array_of(const cJSON **out, size_t *n, cw_req_error *err, const cJSON *root, const char *key)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
	*out = a;
	*n = 0;
	if (!a)
		return 0;
	if (!cJSON_IsArray(a))
		return cw_req_refuse(err, M_NOT_ARRAY, key, json_type(a));
	*n = (size_t)cJSON_GetArraySize(a);
	char rows[24], most[24];
	if (*n > CW_REQ_MAX_ROWS)
		return cw_req_refuse(err, M_TOO_MANY_ROWS, key, num(rows, sizeof rows, *n),
		                     num(most, sizeof most, CW_REQ_MAX_ROWS));
	return 0;
}

/* The top level: only visit, lines, prescriptions and lang, each once. */
static int top_level(cw_req_error *err, const cJSON *root)
{
	static const char *const keys[] = { "visit", "lines", "prescriptions", "lang" };
	unsigned seen = 0;
	if (!cJSON_IsObject(root))
		return cw_req_refuse(err, M_BODY_NOT_OBJECT, "", json_type(root));
	for (const cJSON *c = root->child; c; c = c->next) {
		size_t k = 0;
		while (k < 4 && strcmp(c->string, keys[k]))
			k++;
		if (k == 4)
			return cw_req_refuse(err, M_UNKNOWN_TOP_FIELD, c->string);
		if (seen & (1u << k))
			return cw_req_refuse(err, M_DUPLICATE_FIELD, c->string);
		seen |= 1u << k;
	}
	if (!(seen & 1))
		return cw_req_refuse(err, M_MISSING_FIELD, "visit");
	return 0;
}

/* The body's "lang" when it is "zh" or "en" (a static string), NULL otherwise. */
static const char *lang_of(const cJSON *root)
{
	const cJSON *l = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "lang") : NULL;
	int lang = cJSON_IsString(l) ? cw_msg_lang(l->valuestring) : -1;
	return lang < 0 ? NULL : cw_msg_lang_code(lang);
}

/* "lang", when given, is "zh" or "en" (rq->lang was set from it already, see cw_request_parse). */
static int check_lang(cw_req_error *err, const cJSON *root)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "lang");
	char shown[17];
	if (!l)
		return 0;
	if (!cJSON_IsString(l))
		return cw_req_refuse(err, M_LANG_TYPE, "lang", json_type(l));
	snprintf(shown, sizeof shown, "%s", l->valuestring);
	if (cw_msg_lang(l->valuestring) < 0)
		return cw_req_refuse(err, M_LANG_VALUE, "lang", shown);
	return 0;
}

static int parse_tree(cw_request *rq, cw_req_error *err, const cJSON *root, cw_rowbuf *rb)
{
	const cJSON *lines, *rx;
	int rc;
	if ((rc = top_level(err, root)) < 0 || (rc = check_lang(err, root)) < 0 ||
	    (rc = parse_visit(rq, err, cJSON_GetObjectItemCaseSensitive(root, "visit"), rb)) < 0 ||
	    (rc = array_of(&lines, &rq->nlines, err, root, "lines")) < 0 ||
	    (rc = array_of(&rx, &rq->nrx, err, root, "prescriptions")) < 0)
		return rc;
	rq->lines = calloc(rq->nlines ? rq->nlines : 1, sizeof *rq->lines);
	rq->rx = calloc(rq->nrx ? rq->nrx : 1, sizeof *rq->rx);
	if (!rq->lines || !rq->rx)
		return cw_error_set(CW_ENOMEM, "out of memory");
	size_t i = 0;
	for (const cJSON *c = lines ? lines->child : NULL; c; c = c->next, i++)
		if ((rc = parse_line(rq, err, c, i, rb)) < 0)
			return rc;
	i = 0;
	for (const cJSON *c = rx ? rx->child : NULL; c; c = c->next, i++)
		if ((rc = parse_rx(rq, err, c, i, rb)) < 0)
			return rc;
	return 0;
}

/* The body as one JSON value (whitespace may follow it), or NULL with *err filled. */
static cJSON *parse_json(cw_req_error *err, const char *body, size_t len)
{
	const char *end = NULL;
	char at[24];
	cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!root) {
		cw_req_refuse(err, M_MALFORMED_JSON, "", num(at, sizeof at, end && end >= body ? (size_t)(end - body) : 0));
		return NULL;
	}
	while (end && end < body + len && strchr(" \t\r\n", *end) && *end)
		end++;
	if (end && end < body + len) {
		cJSON_Delete(root);
		cw_req_refuse(err, M_TRAILING_JSON, "", num(at, sizeof at, (size_t)(end - body)));
		return NULL;
	}
	return root;
}

const char *cw_request_lang(const char *body, size_t len)
{
	cw_req_error err;
	cJSON *root = parse_json(&err, body, len);
	const char *lang = lang_of(root);
	cJSON_Delete(root);
	return lang;
}

int cw_request_parse(cw_request *rq, cw_req_error *err, const char *body, size_t len)
{
	memset(rq, 0, sizeof *rq);
	cJSON *root = parse_json(err, body, len);
	if (!root)
		return CW_EINVALID;
	rq->lang = lang_of(root); /* the body parses: its language holds also for an error found further on */
	/* every string of the request, NUL-terminated, fits in twice the body */
	rq->arena_cap = 2 * len + 64;
	rq->arena = malloc(rq->arena_cap);
	cw_rowbuf rb = { 0 };
	int rc = rq->arena ? parse_tree(rq, err, root, &rb) : cw_error_set(CW_ENOMEM, "out of memory");
	cw_rowbuf_free(&rb);
	cJSON_Delete(root);
	return rc;
}
