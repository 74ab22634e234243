/* import.c: `claimwatch import`'s driver: the mapping of the source chosen, the contract folder, the
 * mapping report (import_report.csv) and its summary on standard error, in Chinese or English. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "import.h"
#include "io/outdir.h"
#include "io/outfile.h"

static const char *const outcome_en[] = { "read", "kept", "merged", "dropped", "defaulted" };
static const char *const outcome_zh[] = { "读入", "保留", "合并", "舍弃", "补默认值" };

static int write_report(const imp_report *r, const cw_import_opts *o, const char *path)
{
	cw_output out;
	FILE *f;
	cw_output_init(&out);
	int rc = cw_outfile_open(&f, &out, path);
	if (rc < 0)
		return rc;
	static const char *const header[] = { "record", "outcome", "reason", "reason_zh", "count", "example", NULL };
	cw_csv_header(f, header);
	char note[160];
	snprintf(note, sizeof note, "diagnosis codes declared %s: set the rules key dx.coding to %s",
	         o->coding == CW_CODING_ICD9 ? "ICD-9" : "ICD-10", o->coding == CW_CODING_ICD9 ? "icd9" : "icd10");
	cw_csv_cell(f, "import", 0), cw_csv_cell(f, "note", 0), cw_csv_cell(f, note, 0);
	cw_csv_cell(f, o->coding == CW_CODING_ICD9 ? "诊断编码声明为 ICD-9：请把规则键 dx.coding 设为 icd9"
	                                           : "诊断编码声明为 ICD-10：规则键 dx.coding 为 icd10", 0);
	cw_csv_cell(f, "0", 0), cw_csv_cell(f, NULL, 1);
	for (size_t i = 0; i < r->n; i++) {
		const imp_count *c = &r->c[i];
		char n[24];
		snprintf(n, sizeof n, "%llu", (unsigned long long)c->n);
		cw_csv_cell(f, c->record, 0), cw_csv_cell(f, outcome_en[c->outcome], 0);
		cw_csv_cell(f, c->reason, 0), cw_csv_cell(f, c->reason_zh, 0), cw_csv_cell(f, n, 0);
		cw_csv_cell(f, c->outcome == IMP_READ || (c->outcome == IMP_KEPT && !c->reason) ? NULL : c->example, 1);
	}
	return cw_outfile_close(f, path);
}

/* The records in the order first met. */
static size_t records(const imp_report *r, const char **rec, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++) {
		size_t j = 0;
		while (j < n && strcmp(rec[j], r->c[i].record))
			j++;
		if (j == n && n < max)
			rec[n++] = r->c[i].record;
	}
	return n;
}

static void summary(const imp_report *r, const cw_import_opts *o, cw_import_totals *tot)
{
	const char *rec[32];
	size_t nrec = records(r, rec, 32);
	for (size_t k = 0; k < nrec; k++) {
		uint64_t v[IMP_NOUTCOMES];
		for (int t = 0; t < IMP_NOUTCOMES; t++)
			v[t] = imp_count_total(r, rec[k], t);
		tot->read += v[IMP_READ], tot->kept += v[IMP_KEPT], tot->merged += v[IMP_MERGED];
		tot->dropped += v[IMP_DROPPED], tot->defaulted += v[IMP_DEFAULTED];
		if (o->quiet)
			continue;
		if (o->en)
			fprintf(stderr, "%s: %llu rows read, %llu kept, %llu merged, %llu dropped, %llu values defaulted\n",
			        rec[k], (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
			        (unsigned long long)v[3], (unsigned long long)v[4]);
		else
			fprintf(stderr, "%s：读入 %llu 行，保留 %llu，合并 %llu，舍弃 %llu，补默认值 %llu 处\n", rec[k],
			        (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
			        (unsigned long long)v[3], (unsigned long long)v[4]);
		for (size_t i = 0; i < r->n; i++) {
			const imp_count *c = &r->c[i];
			if (strcmp(c->record, rec[k]) || !c->reason)
				continue;
			fprintf(stderr, "  %s %llu: %s%s%s%s\n", o->en ? outcome_en[c->outcome] : outcome_zh[c->outcome],
			        (unsigned long long)c->n, o->en ? c->reason : c->reason_zh,
			        *c->example ? (o->en ? " (first: " : "（首见：") : "", c->example,
			        *c->example ? (o->en ? ")" : "）") : "");
		}
	}
}

/* The folder written must not be the one read (its files would be replaced mid-read). */
static int check_dirs(const cw_import_opts *o)
{
	char a[PATH_MAX], b[PATH_MAX];
	if (!realpath(o->in_dir, a))
		return cw_error_set(CW_ENOTFOUND, "%s: no such folder", o->in_dir);
	if (realpath(o->out_dir, b) && !strcmp(a, b))
		return cw_error_set(CW_EINVALID, "--out %s is the folder read: give another folder", o->out_dir);
	return 0;
}

int cw_import_run(const cw_import_opts *o, cw_import_totals *tot)
{
	memset(tot, 0, sizeof *tot);
	imp_report rep = { 0 };
	imp_db db = { .rep = &rep };
	int rc = check_dirs(o);
	if (rc == 0)
		rc = cw_mkdirs(o->out_dir, 0700);
	if (rc == 0)
		rc = o->from == CW_IMPORT_NHSA ? imp_nhsa(&db, o->in_dir) : imp_cms(&db, o->in_dir);
	for (size_t i = 0; rc == 0 && i < db.nphys; i++)
		if (db.phys[i].multi)
			imp_count_add(&rep, "physicians", IMP_DEFAULTED, "a physician billing at more than one institution "
			              "(多点执业): physicians.inst_id is the first seen; the lines keep their visits",
			              "医师在多个机构执业：physicians.inst_id 取首见机构；明细仍属各自就诊", db.phys[i].id);
	if (rc == 0 && rep.failed)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = imp_db_write(&db, o->out_dir, &tot->visits, &tot->lines);
	if (rc == 0) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/import_report.csv", o->out_dir);
		rc = write_report(&rep, o, path);
	}
	if (rc == 0) {
		summary(&rep, o, tot);
		if (!o->quiet && o->en)
			fprintf(stderr, "wrote %s: %llu visits, %llu claim lines; diagnosis codes declared %s: run with the "
			        "rules key dx.coding = \"%s\"\n", o->out_dir, (unsigned long long)tot->visits,
			        (unsigned long long)tot->lines, o->coding == CW_CODING_ICD9 ? "ICD-9" : "ICD-10",
			        o->coding == CW_CODING_ICD9 ? "icd9" : "icd10");
		else if (!o->quiet)
			fprintf(stderr, "已写入 %s：就诊 %llu 次，费用明细 %llu 条；诊断编码声明为 %s：运行时规则键 dx.coding 应为 \"%s\"\n",
			        o->out_dir, (unsigned long long)tot->visits, (unsigned long long)tot->lines,
			        o->coding == CW_CODING_ICD9 ? "ICD-9" : "ICD-10", o->coding == CW_CODING_ICD9 ? "icd9" : "icd10");
	}
	imp_db_free(&db);
	free(rep.c);
	return rc;
}
