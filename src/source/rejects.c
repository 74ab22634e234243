/* rejects.c: the reject file, one CSV row per input row that could not be taken.
 *
 * Columns: file,line,column,reason,record (see claimwatch/source.h). The file
 * must stay readable whatever the input held, so every field is written as
 * valid UTF-8: bytes that are not valid UTF-8 and control characters other
 * than tab and line feed (safetext.h: C1 and bidirectional controls too)
 * become \xNN for each of their bytes. Fields are quoted per RFC 4180 when
 * they hold a comma, a quote or a line break; a field a spreadsheet would run
 * as a formula gets an apostrophe in front (safetext.h). The record is
 * cut after 4 KiB of input (at a character boundary) and the reason says so.
 * Patient ids: a file whose records hold a patient id (cw_rejects_protect)
 * has that field written as the patient's pseudonym, and so has the value
 * quoted in a reason about it, when a pseudonymiser is set; a record of such
 * a file that does not split into the header's fields (broken quoting, a
 * field too many or too few) could hold the id anywhere and is withheld.
 *
 * The file is created with the file mode of its set of outputs (io/output.h:
 * 0600 unless a run's rules say otherwise in output.file_mode) and counts
 * against its size guard: rejected rows are patient data, and a huge input
 * could fill the disk with them. A reject file opened alone is a set of its
 * own, with the defaults. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "io/outguard.h"
#include "io/pseudo.h"
#include "source/rejects.h"
#include "source/rows.h"
#include "util/safetext.h"
#include "util/utf8.h"

#define RECORD_CUT 4096 /* bytes of a record written */
#define REASON_CUT 1024 /* bytes of any other field written */
/* Worst case of one written field: every byte escaped (4), quotes around. */
#define OUT_SIZE (RECORD_CUT * 4 + 8)

#define MAX_PROTECTED 8

typedef struct protected_file {
	char file[64];
	size_t field, nfields;
} protected_file;

struct cw_rejects {
	FILE *f;
	cw_output *output; /* the set of outputs the file belongs to: the run's, or own */
	cw_output own;
	char *path;
	uint64_t count;
	int failed;
	const cw_pseudo *pseudo; /* NULL: records as read */
	protected_file prot[MAX_PROTECTED];
	size_t nprot;
	char *scratch; /* a record with its patient id replaced */
	size_t scratch_cap;
	char reason[REASON_CUT + 64];
	char out[OUT_SIZE];
};

static const char WITHHELD[] = "(withheld: this record could not be split into its fields and may hold a patient "
                               "id; see the source at this line, or run with --reveal-patients)";

static int write_failed(cw_rejects *r, int e)
{
	r->failed = 1;
	return cw_outguard_explain(r->output) ? CW_EIO : cw_error_set(CW_EIO, "%s: cannot write the reject file: %s", r->path,
	                                                       strerror(e ? e : EIO));
}

int cw_rejects_open(cw_rejects **out, const char *path)
{
	return cw_rejects_open_output(out, NULL, path);
}

int cw_rejects_open_output(cw_rejects **out, cw_output *o, const char *path)
{
	cw_rejects *r = calloc(1, sizeof *r);
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", path);
	}
	if (!o) {
		cw_output_init(&r->own);
		o = &r->own;
	}
	r->output = o;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, o->file_mode);
	if (fd < 0) {
		int e = errno;
		free(r->path);
		free(r);
		return cw_error_set(CW_EIO, "%s: cannot create the reject file: %s", path, strerror(e));
	}
	(void)fchmod(fd, o->file_mode); /* an older file keeps its mode otherwise, and the umask must not change it */
	r->f = cw_outguard_fdopen(o, fd, path);
	if (!r->f) {
		close(fd);
		free(r->path);
		free(r);
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", path);
	}
	setvbuf(r->f, NULL, _IOFBF, 1 << 16);
	if (fputs("file,line,column,reason,record\n", r->f) == EOF) {
		int rc = write_failed(r, errno);
		fclose(r->f);
		free(r->path);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Writes s (at most `cut` bytes of it) as one escaped, quoted-when-needed
 * field. */
static void put_field(cw_rejects *r, const char *s, size_t len, size_t cut)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s, *e = u + len, *stop = u + (len < cut ? len : cut);
	char *o = r->out + 2;
	int quote = 0;
	while (u < stop) {
		size_t n;
		uint32_t cp;
		int cls = cw_char_class(u, e, &n, &cp);
		if (n > 1 && u + n > stop)
			break; /* do not split a character at the cut */
		if (cls == CW_CHAR_UNSAFE || *u == '\r') {
			for (const unsigned char *end = u + n; u < end; u++) {
				*o++ = '\\';
				*o++ = 'x';
				*o++ = hex[*u >> 4];
				*o++ = hex[*u & 15];
			}
			continue;
		}
		if (*u == '"' || *u == ',' || *u == '\n') {
			quote = 1;
			if (*u == '"')
				*o++ = '"';
		}
		memcpy(o, u, n);
		o += n;
		u += n;
	}
	char *start = r->out + 2;
	if (cw_csv_formula_like(start, (size_t)(o - start))) { /* kept from running in a spreadsheet */
		*--start = '\'';
		quote = 1;
	}
	if (quote) {
		*--start = '"';
		*o++ = '"';
	}
	fwrite(start, 1, (size_t)(o - start), r->f);
}

int cw_rejects_protect(cw_rejects *r, const char *file, size_t field, size_t nfields)
{
	for (size_t i = 0; i < r->nprot; i++)
		if (!strcmp(r->prot[i].file, file)) {
			r->prot[i].field = field;
			r->prot[i].nfields = nfields;
			return 0;
		}
	if (r->nprot == MAX_PROTECTED || strlen(file) >= sizeof r->prot[0].file)
		return cw_error_set(CW_EINVALID, "internal: cannot protect the patient ids of %s", file);
	protected_file *p = &r->prot[r->nprot++];
	snprintf(p->file, sizeof p->file, "%s", file);
	p->field = field;
	p->nfields = nfields;
	return 0;
}

void cw_rejects_pseudonymise(cw_rejects *r, const cw_pseudo *ps) { r->pseudo = ps; }

/* The fields of one CSV record (no line break): their count, and the span
 * [*fs, *fe) of field `want`; -1 when the quoting is broken. */
static long split_record(const char *p, size_t len, size_t want, size_t *fs, size_t *fe)
{
	size_t i = 0, n = 0;
	for (;;) {
		size_t start = i;
		if (i < len && p[i] == '"') {
			for (i++;; i++) {
				if (i >= len)
					return -1;
				if (p[i] == '"' && (i + 1 == len || p[i + 1] != '"'))
					break;
				if (p[i] == '"')
					i++;
			}
			i++;
			if (i < len && p[i] != ',')
				return -1;
		} else {
			while (i < len && p[i] != ',')
				if (p[i++] == '"')
					return -1;
		}
		if (n++ == want) {
			*fs = start;
			*fe = i;
		}
		if (i >= len)
			return (long)n;
		i++;
	}
}

/* The pseudonym of the field [fs, fe) of p, unquoted. */
static const char *field_pseudonym(const cw_rejects *r, const char *p, size_t fs, size_t fe, char buf[CW_PSEUDO_SIZE])
{
	char id[CW_PSEUDO_SIZE * 4 + 80];
	size_t n = 0;
	int quoted = fe > fs && p[fs] == '"';
	for (size_t i = fs + quoted; i < fe - quoted && n + 1 < sizeof id; i++) {
		id[n++] = p[i];
		if (quoted && p[i] == '"')
			i++; /* "" is one quote */
	}
	id[n] = 0;
	return cw_pseudo_patient(buf, r->pseudo, id);
}

/* Replaces the patient id in a record of a protected file (and in a reason
 * about its patient_id column) by its pseudonym, or withholds the record. */
static void protect(cw_rejects *r, const protected_file *pf, const char *column, const char **reason,
                    const char **record, size_t *record_len)
{
	const char *p = *record;
	size_t len = *record_len, fs = 0, fe = 0;
	long n = memchr(p, 0, len) ? -1 : split_record(p, len, pf->field, &fs, &fe);
	char pseudo[CW_PSEUDO_SIZE];
	if (n != (long)pf->nfields || fe == fs) {
		if (n != (long)pf->nfields) {
			*record = WITHHELD;
			*record_len = sizeof WITHHELD - 1;
		}
		pseudo[0] = 0;
	} else {
		const char *ps = field_pseudonym(r, p, fs, fe, pseudo);
		size_t plen = strlen(ps), need = len - (fe - fs) + plen;
		if (need > r->scratch_cap) {
			char *b = realloc(r->scratch, need);
			if (!b) {
				*record = WITHHELD;
				*record_len = sizeof WITHHELD - 1;
				return;
			}
			r->scratch = b;
			r->scratch_cap = need;
		}
		memcpy(r->scratch, p, fs);
		memcpy(r->scratch + fs, ps, plen);
		memcpy(r->scratch + fs + plen, p + fe, len - fe);
		*record = r->scratch;
		*record_len = need;
		if (ps != pseudo)
			snprintf(pseudo, sizeof pseudo, "%s", ps);
	}
	/* the reason quotes the value it is about: 'P9' */
	const char *a, *b;
	if (column && !strcmp(column, "patient_id") && *reason && (a = strchr(*reason, '\'')) &&
	    (b = strrchr(*reason, '\'')) && b > a) {
		snprintf(r->reason, sizeof r->reason, "%.*s'%s'%s", (int)(a - *reason), *reason,
		         pseudo[0] ? pseudo : "(withheld)", b + 1);
		*reason = r->reason;
	}
}

/* A reject of a source that names tables rather than files (PostgreSQL)
 * carries the row's fields in the table's schema order (rows.h): a table
 * with a patient_id column is protected without being declared. */
static void schema_order(cw_rejects *r, const char *file)
{
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_row_schema *s = cw_row_schema_of(t);
		int pid = cw_row_schema_find(s, "patient_id", 10);
		if (pid >= 0 && !strcmp(file, cw_table_name(t)))
			(void)cw_rejects_protect(r, file, (size_t)pid, (size_t)s->ncols);
	}
}

int cw_rejects_add(cw_rejects *r, const char *file, uint64_t line, const char *column, const char *reason,
                   const char *record, size_t record_len)
{
	if (r->failed)
		return CW_EIO;
	if (r->pseudo && file && record) {
		size_t i = 0;
		while (i < r->nprot && strcmp(r->prot[i].file, file))
			i++;
		if (i == r->nprot)
			schema_order(r, file); /* a table's name (a database source): its fields in schema order */
		if (i < r->nprot)
			protect(r, &r->prot[i], column, &reason, &record, &record_len);
	}
	put_field(r, file ? file : "", file ? strlen(file) : 0, REASON_CUT);
	fprintf(r->f, ",%llu,", (unsigned long long)line);
	put_field(r, column ? column : "", column ? strlen(column) : 0, REASON_CUT);
	fputc(',', r->f);
	/* the reason names the cut, so the record is measured first */
	size_t reclen = record ? record_len : 0;
	if (reclen > RECORD_CUT) {
		char why[REASON_CUT + 64];
		snprintf(why, sizeof why, "%s (record cut after 4 KiB)", reason ? reason : "");
		put_field(r, why, strlen(why), sizeof why);
	} else {
		put_field(r, reason ? reason : "", reason ? strlen(reason) : 0, REASON_CUT);
	}
	fputc(',', r->f);
	put_field(r, record ? record : "", reclen, RECORD_CUT);
	if (fputc('\n', r->f) == EOF || ferror(r->f))
		return write_failed(r, errno);
	r->count++;
	return 0;
}

uint64_t cw_rejects_count(const cw_rejects *r) { return r ? r->count : 0; }

int cw_rejects_close(cw_rejects *r)
{
	if (!r)
		return 0;
	int rc = r->failed ? CW_EIO : 0;
	if (fflush(r->f) == EOF || ferror(r->f))
		rc = write_failed(r, errno);
	if (fclose(r->f) == EOF && rc == 0)
		rc = write_failed(r, errno);
	free(r->path);
	free(r->scratch);
	free(r);
	return rc;
}
