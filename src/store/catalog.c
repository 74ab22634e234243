/* catalog.c: the columnar store's catalogue (docs/store.md): a text file of lines
 *   claimwatch-store VERSION
 *   load ID MONTHS                        (MONTHS: YYYY-MM,YYYY-MM... or -)
 *   source ID TABLE FILE UNKNOWN_COLUMNS  (per load and table: the reject file's name, unread columns)
 *   part TABLE KEY LOAD ROWS HOME VALID COLFILE SIZE SUM HEAPFILE SIZE SUM TEXTFILE SIZE SUM
 *   budgets FILE SIZE SUM                 (optional: the budgets.csv kept)
 *   image MONTH LOOKBACK INPUTS FILE SIZE SUM  (version 2: a month image, store_image.c)
 *   end SUM                               (the checksum of every byte before this line)
 * parsed strictly (anything else is an error naming the line), written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "store/colstore.h"
#include "util/grow.h"
#include "util/strbuf.h"

void cw_cs_catalog_free(cw_cs_catalog *c)
{
	for (size_t i = 0; i < c->nloads; i++)
		free(c->loads[i].months);
	free(c->loads);
	free(c->parts);
	free(c->images);
	memset(c, 0, sizeof *c);
}

const char *cw_cs_key_name(char *buf, int32_t key)
{
	if (key == CW_CS_DIM)
		return strcpy(buf, "dim");
	if (key == CW_CS_ANY)
		return strcpy(buf, "any");
	return cw_month_format(buf, (cw_month){ key / 12, key % 12 + 1 });
}

int32_t cw_cs_key_of(cw_month m) { return m.year * 12 + m.month - 1; }

int cw_cs_key_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int table_of(const char *name)
{
	for (int t = 0; t < CW_T_COUNT; t++)
		if (strcmp(cw_table_name(t), name) == 0)
			return t;
	return -1;
}

static int key_parse(int32_t *key, const char *s)
{
	cw_month m;
	if (strcmp(s, "dim") == 0)
		*key = CW_CS_DIM;
	else if (strcmp(s, "any") == 0)
		*key = CW_CS_ANY;
	else if (strlen(s) == 7 && cw_month_parse(&m, s) == 0)
		*key = cw_cs_key_of(m);
	else
		return -1;
	return 0;
}

/* An unsigned decimal (at most max) or, with hex, 16 hex digits. */
static int num_parse(uint64_t *v, const char *s, int hex, uint64_t max)
{
	size_t n = strlen(s);
	if (!n || n > (hex ? 16u : 20u) || (hex && n != 16) || s[0] == '+' || s[0] == '-')
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, hex ? 16 : 10);
	if (*end || errno || x > max)
		return -1;
	*v = x;
	return 0;
}

/* A file name of the store: letters, digits, '.', '_', '-', not starting with '.'. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= sizeof(((cw_cs_file *)0)->name) || s[0] == '.')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

typedef struct parser {
	cw_cs_catalog *c;
	const char *name;
	unsigned line;
	char *tok[20];
	int ntok;
} parser;

static int bad(parser *p, const char *what)
{
	return cw_error_set(CW_EINVALID, "%s: line %u: %s (the store is refused; load it again)", p->name, p->line,
	                    what);
}

static cw_cs_load *find_load(cw_cs_catalog *c, uint32_t id)
{
	for (size_t i = 0; i < c->nloads; i++)
		if (c->loads[i].id == id)
			return &c->loads[i];
	return NULL;
}

static int parse_load(parser *p)
{
	cw_cs_catalog *c = p->c;
	uint64_t id;
	if (p->ntok != 3 || num_parse(&id, p->tok[1], 0, UINT32_MAX) < 0 || find_load(c, (uint32_t)id))
		return bad(p, "expected: load ID MONTHS, with a new ID");
	void *grown = realloc(c->loads, (c->nloads + 1) * sizeof *c->loads);
	if (!grown)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", p->name);
	c->loads = grown;
	cw_cs_load *l = &c->loads[c->nloads++];
	memset(l, 0, sizeof *l);
	l->id = (uint32_t)id;
	if (strcmp(p->tok[2], "-") == 0)
		return 0;
	size_t n = strlen(p->tok[2]);
	if ((n + 1) % 8)
		return bad(p, "the months are YYYY-MM,YYYY-MM...");
	l->months = malloc((n + 1) / 8 * sizeof *l->months);
	if (!l->months)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", p->name);
	for (size_t i = 0; i < n; i += 8) {
		char m[8];
		memcpy(m, p->tok[2] + i, 7);
		m[7] = 0;
		if ((i + 7 < n && p->tok[2][i + 7] != ',') || key_parse(&l->months[l->nmonths], m) < 0 ||
		    l->months[l->nmonths] < 0)
			return bad(p, "the months are YYYY-MM,YYYY-MM...");
		l->nmonths++;
	}
	return 0;
}

static int parse_source(parser *p)
{
	uint64_t id, unknown;
	int t = p->ntok == 5 ? table_of(p->tok[2]) : -1;
	cw_cs_load *l = NULL;
	if (t < 0 || num_parse(&id, p->tok[1], 0, UINT32_MAX) < 0 || !(l = find_load(p->c, (uint32_t)id)) ||
	    !name_ok(p->tok[3]) || strlen(p->tok[3]) >= sizeof l->file[0] ||
	    num_parse(&unknown, p->tok[4], 0, 100000) < 0)
		return bad(p, "expected: source LOAD TABLE FILE UNKNOWN_COLUMNS, of a load given before");
	strcpy(l->file[t], p->tok[3]);
	l->unknown[t] = (uint32_t)unknown;
	return 0;
}

static int parse_file(cw_cs_file *f, char **tok)
{
	if (!name_ok(tok[0]) || num_parse(&f->size, tok[1], 0, UINT64_MAX >> 1) < 0 ||
	    num_parse(&f->sum, tok[2], 1, UINT64_MAX) < 0)
		return -1;
	strcpy(f->name, tok[0]);
	return 0;
}

static int parse_part(parser *p)
{
	cw_cs_catalog *c = p->c;
	cw_cs_part x = { 0 };
	uint64_t load;
	if (p->ntok != 16 || (x.table = table_of(p->tok[1])) < 0 || key_parse(&x.key, p->tok[2]) < 0 ||
	    num_parse(&load, p->tok[3], 0, UINT32_MAX) < 0 || !find_load(c, (uint32_t)load) ||
	    num_parse(&x.rows, p->tok[4], 0, (uint64_t)1 << 32) < 0 || num_parse(&x.home, p->tok[5], 0, x.rows) < 0 ||
	    num_parse(&x.valid, p->tok[6], 0, x.home) < 0 || parse_file(&x.col, p->tok + 7) < 0 ||
	    parse_file(&x.heap, p->tok + 10) < 0 || parse_file(&x.text, p->tok + 13) < 0)
		return bad(p, "expected: part TABLE MONTH LOAD ROWS HOME VALID COLFILE SIZE SUM HEAPFILE SIZE SUM "
		              "TEXTFILE SIZE SUM");
	if ((x.key == CW_CS_DIM) != !cw_row_dated(x.table))
		return bad(p, x.key == CW_CS_DIM ? "a dated table in the partition dim"
		                                 : "a table without dates in a month's partition");
	x.load = (uint32_t)load;
	cw_cs_layout lay;
	if (cw_cs_layout_of(&lay, x.table, x.rows) < 0 || lay.size != x.col.size)
		return bad(p, "the column file's size is not the one its rows take");
	void *grown = realloc(c->parts, (c->nparts + 1) * sizeof *c->parts);
	if (!grown)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", p->name);
	c->parts = grown;
	c->parts[c->nparts++] = x;
	return 0;
}

static int parse_image(parser *p)
{
	cw_cs_catalog *c = p->c;
	cw_cs_image x = { 0 };
	uint64_t lookback;
	if (c->version < 2 || p->ntok != 7 || key_parse(&x.key, p->tok[1]) < 0 || x.key < 0 ||
	    num_parse(&lookback, p->tok[2], 0, 3660) < 0 || num_parse(&x.inputs, p->tok[3], 1, UINT64_MAX) < 0 ||
	    parse_file(&x.file, p->tok + 4) < 0)
		return bad(p, "expected: image MONTH LOOKBACK INPUTS FILE SIZE SUM");
	x.lookback = (int)lookback;
	for (size_t i = 0; i < c->nimages; i++)
		if (c->images[i].key == x.key && c->images[i].lookback == x.lookback)
			return bad(p, "a second image of the same month and look-back");
	void *grown = realloc(c->images, (c->nimages + 1) * sizeof *c->images);
	if (!grown)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", p->name);
	c->images = grown;
	c->images[c->nimages++] = x;
	return 0;
}

/* Splits line (NUL-terminated, modified) at single spaces. */
static int split(parser *p, char *line)
{
	p->ntok = 0;
	for (char *s = line;;) {
		if (p->ntok == 20)
			return -1;
		p->tok[p->ntok++] = s;
		char *sp = strchr(s, ' ');
		if (!sp)
			break;
		*sp = 0;
		s = sp + 1;
	}
	for (int i = 0; i < p->ntok; i++)
		if (!*p->tok[i])
			return -1;
	return 0;
}

static int parse_line(parser *p, char *line)
{
	if (split(p, line) < 0)
		return bad(p, "fields are separated by one space");
	const char *w = p->tok[0];
	if (p->line == 1) {
		uint64_t v;
		if (p->ntok != 2 || strcmp(w, CW_CS_MAGIC) || num_parse(&v, p->tok[1], 0, 1000000) < 0)
			return bad(p, "not a claimwatch store catalogue (it starts with '" CW_CS_MAGIC " VERSION')");
		p->c->version = (int)v;
		if (v < 1 || v > CW_CS_VERSION)
			return cw_error_set(CW_EINVALID, "%s: a store of format version %d; this claimwatch reads versions "
			                    "1 to %d (load the data again into a new store)", p->name, (int)v,
			                    CW_CS_VERSION);
		return 0;
	}
	if (strcmp(w, "load") == 0)
		return parse_load(p);
	if (strcmp(w, "source") == 0)
		return parse_source(p);
	if (strcmp(w, "part") == 0)
		return parse_part(p);
	if (strcmp(w, "image") == 0)
		return parse_image(p);
	if (strcmp(w, "budgets") == 0) {
		if (p->ntok != 4 || p->c->has_budgets || parse_file(&p->c->budgets, p->tok + 1) < 0)
			return bad(p, "expected: budgets FILE SIZE SUM, once");
		p->c->has_budgets = 1;
		return 0;
	}
	return bad(p, "unknown line (expected load, source, part, budgets, image or end)");
}

static int parse_end(parser *p, const char *line, size_t len, const char *text, size_t body)
{
	uint64_t sum;
	char buf[24];
	if (len != 20 || memcmp(line, "end ", 4))
		return bad(p, "the last line is not 'end CHECKSUM' (a truncated catalogue?)");
	memcpy(buf, line + 4, 16);
	buf[16] = 0;
	if (num_parse(&sum, buf, 1, UINT64_MAX) < 0)
		return bad(p, "the last line is not 'end CHECKSUM'");
	if (sum != cw_cs_checksum(text, body))
		return bad(p, "the catalogue does not match its checksum (changed or damaged)");
	return 0;
}

int cw_cs_catalog_parse(cw_cs_catalog *out, const char *name, const char *text, size_t len)
{
	memset(out, 0, sizeof *out);
	parser p = { .c = out, .name = name };
	int rc = 0, ended = 0;
	char buf[1024];
	for (size_t at = 0; at < len && rc == 0;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - text - at) : len - at;
		p.line++;
		if (!nl)
			rc = bad(&p, "the last line has no line break (a truncated catalogue?)");
		else if (ended)
			rc = bad(&p, "text after the end line");
		else if (p.line > 1 && n >= 4 && memcmp(text + at, "end ", 4) == 0) {
			rc = parse_end(&p, text + at, n, text, at);
			ended = 1;
		} else if (n >= sizeof buf || memchr(text + at, 0, n))
			rc = bad(&p, "a line too long, or holding a NUL byte");
		else {
			memcpy(buf, text + at, n);
			buf[n] = 0;
			rc = parse_line(&p, buf);
		}
		at += n + 1;
	}
	if (rc == 0 && !p.line)
		rc = cw_error_set(CW_EINVALID, "%s: empty (the store is refused; load it again)", name);
	else if (rc == 0 && !ended)
		rc = bad(&p, "no end line (a truncated catalogue?)");
	if (rc < 0)
		cw_cs_catalog_free(out);
	return rc;
}

int cw_cs_catalog_read(cw_cs_catalog *out, const char *dir)
{
	char path[4096];
	memset(out, 0, sizeof *out);
	if ((size_t)snprintf(path, sizeof path, "%s/" CW_CS_CATALOG, dir) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "%s: %s%s", path, strerror(errno),
		                    errno == ENOENT ? " (not a store: `claimwatch load --data DIR --store PATH` makes one)"
		                                    : "");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc = 0;
	do {
		if (cw_grow((void **)&text, &cap, len + 65536, 1) < 0) {
			rc = cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
			break;
		}
		n = fread(text + len, 1, 65536, f);
		len += n;
		if (len > (64u << 20)) {
			rc = cw_error_set(CW_EINVALID, "%s: more than 64 MiB: not a catalogue", path);
			break;
		}
	} while (n > 0);
	if (rc == 0 && ferror(f))
		rc = cw_error_set(CW_EIO, "%s: read error", path);
	fclose(f);
	if (rc == 0)
		rc = cw_cs_catalog_parse(out, path, text, len);
	free(text);
	return rc;
}

int cw_cs_catalog_format(char **out, size_t *len, const cw_cs_catalog *c)
{
	cw_sb sb = { 0 };
	char line[1024], k[8];
	snprintf(line, sizeof line, CW_CS_MAGIC " %d\n", CW_CS_VERSION);
	cw_sb_add(&sb, "", line);
	for (size_t i = 0; i < c->nloads; i++) {
		const cw_cs_load *l = &c->loads[i];
		snprintf(line, sizeof line, "load %u ", l->id);
		cw_sb_add(&sb, "", line);
		for (int m = 0; m < l->nmonths; m++)
			cw_sb_add(&sb, m ? "," : "", cw_cs_key_name(k, l->months[m]));
		cw_sb_add(&sb, "", l->nmonths ? "\n" : "-\n");
		for (int t = 0; t < CW_T_COUNT; t++)
			if (l->file[t][0]) {
				snprintf(line, sizeof line, "source %u %s %s %u\n", l->id, cw_table_name(t), l->file[t],
				         l->unknown[t]);
				cw_sb_add(&sb, "", line);
			}
	}
	for (size_t i = 0; i < c->nparts; i++) {
		const cw_cs_part *p = &c->parts[i];
		snprintf(line, sizeof line, "part %s %s %u %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %" PRIu64 " %016" PRIx64
		         " %s %" PRIu64 " %016" PRIx64 " %s %" PRIu64 " %016" PRIx64 "\n", cw_table_name(p->table),
		         cw_cs_key_name(k, p->key), p->load, p->rows, p->home, p->valid, p->col.name, p->col.size, p->col.sum,
		         p->heap.name, p->heap.size, p->heap.sum, p->text.name, p->text.size, p->text.sum);
		cw_sb_add(&sb, "", line);
	}
	if (c->has_budgets) {
		snprintf(line, sizeof line, "budgets %s %" PRIu64 " %016" PRIx64 "\n", c->budgets.name, c->budgets.size,
		         c->budgets.sum);
		cw_sb_add(&sb, "", line);
	}
	for (size_t i = 0; i < c->nimages; i++) {
		const cw_cs_image *m = &c->images[i];
		snprintf(line, sizeof line, "image %s %d %016" PRIx64 " %s %" PRIu64 " %016" PRIx64 "\n",
		         cw_cs_key_name(k, m->key), m->lookback, m->inputs, m->file.name, m->file.size, m->file.sum);
		cw_sb_add(&sb, "", line);
	}
	if (sb.failed) {
		free(sb.s);
		return cw_error_set(CW_ENOMEM, "out of memory writing the store's catalogue");
	}
	snprintf(line, sizeof line, "end %016" PRIx64 "\n", cw_cs_checksum(sb.s ? sb.s : "", sb.len));
	cw_sb_add(&sb, "", line);
	if (sb.failed) {
		free(sb.s);
		return cw_error_set(CW_ENOMEM, "out of memory writing the store's catalogue");
	}
	*out = sb.s;
	*len = sb.len;
	return 0;
}

int cw_cs_catalog_inputs(uint64_t *out, const cw_cs_catalog *c)
{
	cw_cs_catalog bare = *c;
	bare.nimages = 0;
	bare.has_budgets = 0;
	bare.version = CW_CS_VERSION;
	char *text;
	size_t len;
	int rc = cw_cs_catalog_format(&text, &len, &bare);
	if (rc < 0)
		return rc;
	*out = cw_cs_checksum(text, len);
	free(text);
	return 0;
}

/* Writes len bytes to path (created or emptied), fsync'd. */
int cw_cs_write_file(const char *path, const void *data, size_t len);

int cw_cs_catalog_write(const char *dir, const cw_cs_catalog *c)
{
	char tmp[4096], path[4096];
	char *text;
	size_t len;
	if ((size_t)snprintf(path, sizeof path, "%s/" CW_CS_CATALOG, dir) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/." CW_CS_CATALOG ".tmp", dir) >= sizeof tmp)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	int rc = cw_cs_catalog_format(&text, &len, c);
	if (rc < 0)
		return rc;
	rc = cw_cs_write_file(tmp, text, len);
	free(text);
	if (rc < 0)
		return rc;
	if (rename(tmp, path) != 0) {
		rc = cw_error_set(CW_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return rc;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
