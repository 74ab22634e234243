/* rejects.c: the reject file, one CSV row per input row that could not be taken.
 *
 * Columns: file,line,column,reason,record,month (see claimwatch/source.h). The
 * file must stay readable whatever the input held, so every field is written
 * as valid UTF-8: bytes that are not valid UTF-8 and control characters other
 * than tab and line feed (safetext.h: C1 and bidirectional controls too)
 * become \xNN for each of their bytes. Fields are quoted per RFC 4180 when
 * they hold a comma, a quote or a line break; a field a spreadsheet would run
 * as a formula gets an apostrophe in front (safetext.h). The record is
 * cut after 4 KiB of input (at a character boundary) and the reason says so.
 *
 * What a rejected row may show: a row whose fields could be read is written
 * as the contract's columns of its table only (in schema order), so a column
 * claimwatch does not read (a patient's name, an ID-card number) never
 * reaches the file, with the patient id as its pseudonym (or withheld without
 * a key), in the record and in a reason about patient_id. A record that could
 * not be split could hold anything anywhere: it is withheld when its file has
 * columns claimwatch does not read, or holds patient ids while pseudonymising.
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
#include "source/reject_log.h"
#include "source/rejects.h"
#include "source/rows.h"
#include "util/safetext.h"
#include "util/utf8.h"

#define RECORD_CUT 4096 /* bytes of a record written */
#define REASON_CUT 1024 /* bytes of any other field written */
/* Worst case of one written field: every byte escaped (4), quotes around. */
#define OUT_SIZE (RECORD_CUT * 4 + 8)

#define MAX_PROTECTED 32
#define ID_CUT 1024 /* a rejected patient id longer than this is withheld, not pseudonymised */

typedef struct protected_file {
	char file[64];
	int unread_columns;
} protected_file;

struct cw_rejects {
	FILE *f;
	cw_output *output; /* the set of outputs the file belongs to: the run's, or own */
	cw_output own;
	char *path;
	uint64_t count;
	int failed;
	const cw_pseudo *pseudo; /* NULL: patient ids as read, unless withhold_ids */
	int withhold_ids;
	protected_file prot[MAX_PROTECTED];
	size_t nprot;
	char *scratch; /* a row's record, built from its fields */
	size_t scratch_cap, scratch_len;
	char reason[REASON_CUT + 64];
	char out[OUT_SIZE];
	cw_reject_log *log; /* what the rejects remember (reject_log.h): own, or the run's when shared */
	int log_shared;
};

static const char WITHHELD[] = "(withheld: this record could not be split into its fields, so claimwatch cannot "
                               "keep only the contract's columns (with patient ids pseudonymised); see the "
                               "source at this line)";
static const char ID_WITHHELD[] = "(withheld)";

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
	struct stat st; /* an older file keeps its mode otherwise, and the umask must not change it; a device
	                 * (/dev/null) or a pipe is left as it is: as root, its mode is the system's */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		(void)fchmod(fd, o->file_mode);
	r->f = cw_outguard_fdopen(o, fd, path);
	if (!r->f) {
		close(fd);
		free(r->path);
		free(r);
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", path);
	}
	setvbuf(r->f, NULL, _IOFBF, 1 << 16);
	if (fputs("file,line,column,reason,record,month\n", r->f) == EOF) {
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

int cw_rejects_protect(cw_rejects *r, const char *file, int unread_columns)
{
	for (size_t i = 0; i < r->nprot; i++)
		if (!strcmp(r->prot[i].file, file)) {
			r->prot[i].unread_columns = unread_columns;
			return 0;
		}
	if (r->nprot == MAX_PROTECTED || strlen(file) >= sizeof r->prot[0].file)
		return cw_error_set(CW_EINVALID, "internal: cannot protect the rejected records of %s", file);
	protected_file *p = &r->prot[r->nprot++];
	snprintf(p->file, sizeof p->file, "%s", file);
	p->unread_columns = unread_columns;
	return 0;
}

void cw_rejects_pseudonymise(cw_rejects *r, const cw_pseudo *ps) { r->pseudo = ps; }

void cw_rejects_withhold_patients(cw_rejects *r) { r->withhold_ids = 1; }

/* Writes one row of the reject file. */
static int write_row(cw_rejects *r, const char *file, uint64_t line, const char *column, const char *reason,
                     const char *record, size_t record_len, const char *month)
{
	if (r->failed)
		return CW_EIO;
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
	fputc(',', r->f);
	put_field(r, month ? month : "", month ? strlen(month) : 0, REASON_CUT);
	if (fputc('\n', r->f) == EOF || ferror(r->f))
		return write_failed(r, errno);
	r->count++;
	return 0;
}

int cw_rejects_add(cw_rejects *r, const char *file, uint64_t line, const char *month, const char *column,
                   const char *reason, const char *record, size_t record_len)
{
	for (size_t i = 0; file && i < r->nprot; i++)
		if (!strcmp(r->prot[i].file, file) && (r->prot[i].unread_columns || r->pseudo || r->withhold_ids)) {
			record = WITHHELD;
			record_len = sizeof WITHHELD - 1;
		}
	return write_row(r, file, line, column, reason, record, record_len, month);
}

/* What the reject file shows for a patient id: its pseudonym, "(withheld)",
 * or the id itself (--reveal-patients). */
static const char *patient_label(const cw_rejects *r, const cw_slice *id, char buf[CW_PSEUDO_SIZE])
{
	char copy[ID_CUT + 1];
	if (r->withhold_ids || (r->pseudo && id->len > ID_CUT))
		return ID_WITHHELD;
	if (!r->pseudo)
		return NULL;
	memcpy(copy, id->ptr, id->len);
	copy[id->len] = 0;
	return cw_pseudo_patient(buf, r->pseudo, copy);
}

/* Appends bytes to the record being built; < 0 when out of memory. */
static int append(cw_rejects *r, const char *p, size_t n)
{
	if (r->scratch_len + n > r->scratch_cap) {
		size_t cap = r->scratch_cap ? r->scratch_cap : 1024;
		while (cap < r->scratch_len + n)
			cap *= 2;
		char *b = realloc(r->scratch, cap);
		if (!b)
			return cw_error_set(CW_ENOMEM, "out of memory writing the reject file");
		r->scratch = b;
		r->scratch_cap = cap;
	}
	if (n)
		memcpy(r->scratch + r->scratch_len, p, n);
	r->scratch_len += n;
	return 0;
}

/* Appends one field of a CSV record, quoted when it needs to be. */
static int append_field(cw_rejects *r, const char *p, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
	if (!quote)
		return append(r, p, n);
	int rc = append(r, "\"", 1);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = p[i] == '"' ? append(r, "\"\"", 2) : append(r, p + i, 1);
	return rc == 0 ? append(r, "\"", 1) : rc;
}

int cw_rejects_add_row(cw_rejects *r, const char *file, int table, uint64_t line, const char *month,
                       const char *column, const char *reason, const cw_slice *f)
{
	const cw_row_schema *s = cw_row_schema_of(table);
	int pid = cw_row_schema_find(s, "patient_id", 10), rc = 0;
	char buf[CW_PSEUDO_SIZE];
	const char *patient = pid >= 0 && f[pid].len ? patient_label(r, &f[pid], buf) : NULL;
	r->scratch_len = 0;
	int shown = cw_row_shown_cols(table, f);
	for (int j = 0; j < shown && rc == 0; j++) {
		if (j)
			rc = append(r, ",", 1);
		if (rc == 0)
			rc = j == pid && patient ? append_field(r, patient, strlen(patient)) : append_field(r, f[j].ptr, f[j].len);
	}
	if (rc < 0)
		return rc;
	/* a reason about the patient id quotes it: 'P9' */
	const char *a, *b;
	if (patient && column && !strcmp(column, "patient_id") && reason && (a = strchr(reason, '\'')) &&
	    (b = strrchr(reason, '\'')) && b > a) {
		snprintf(r->reason, sizeof r->reason, "%.*s'%s'%s", (int)(a - reason), reason, patient, b + 1);
		reason = r->reason;
	}
	return write_row(r, file, line, column, reason, r->scratch, r->scratch_len, month);
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
	if (!r->log_shared)
		cw_reject_log_free(r->log);
	free(r);
	return rc;
}

void cw_rejects_share_log(cw_rejects *r, cw_reject_log *log)
{
	if (!r->log_shared)
		cw_reject_log_free(r->log);
	r->log = log;
	r->log_shared = 1;
}

cw_reject_log *cw_rejects_log(cw_rejects *r)
{
	if (!r->log && cw_reject_log_new(&r->log) < 0)
		return NULL;
	return r->log;
}
