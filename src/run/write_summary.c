/* write_summary.c: summary.json, what a run read, found and spent, for people and for monitoring. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "claimwatch/error.h"
#include "io/jsonfield.h"
#include "io/outfile.h"
#include "run/run.h"
#include "source/reject_log.h"
#include "util/progress.h"

int cw_run_warn(cw_month_run *mr, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cw_progress_note("%s", msg);
	size_t had = mr->warnings ? strlen(mr->warnings) : 0, n = strlen(msg);
	char *w = realloc(mr->warnings, had + n + 2);
	if (!w)
		return cw_error_set(CW_ENOMEM, "out of memory keeping a warning for summary.json");
	memcpy(w + had, msg, n);
	memcpy(w + had + n, "\n", 2);
	mr->warnings = w;
	return 0;
}

static cJSON *tables_json(const cw_load_stats *st)
{
	cJSON *t = cJSON_CreateObject();
	for (int i = 0; i < CW_T_COUNT; i++) {
		const cw_table_stats *s = &st->table[i];
		cJSON *o = cJSON_AddObjectToObject(t, cw_table_name(i));
		cJSON_AddNumberToObject(o, "read", (double)s->read);
		cJSON_AddNumberToObject(o, "loaded", (double)s->loaded);
		cJSON_AddNumberToObject(o, "skipped_outside_window", (double)s->skipped);
		cJSON_AddNumberToObject(o, "rejected", (double)s->rejected);
		cJSON_AddNumberToObject(o, "rejected_lookback", (double)s->rejected_lookback);
		cJSON_AddNumberToObject(o, "rejected_month_unknown", (double)s->rejected_unknown);
		cJSON_AddNumberToObject(o, "rows_of_month", (double)s->month_rows);
		cJSON_AddNumberToObject(o, "seconds", s->seconds);
	}
	return t;
}

static cJSON *findings_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	const cw_registry *reg = cw_rules_registry(mr->rules);
	size_t n = mr->findings ? cw_findings_count(mr->findings) : 0, nd = cw_registry_count(reg);
	size_t ndim = cw_dimset_count(mr->dims);
	cw_fen *by_det = calloc(nd + 1, sizeof *by_det), *by_dim = calloc(ndim + 1, sizeof *by_dim);
	size_t *count_dim = calloc(ndim + 1, sizeof *count_dim);
	cw_fen total = 0, fund = 0; /* fund: the findings' fund share (issue 14) */
	size_t fund_estimated = 0, nrule = 0;
	const cw_detector *rule = NULL;
	char buf[CW_FMT_SIZE];
	for (size_t i = 0; i < n && by_det && by_dim && count_dim; i++) {
		cw_record r;
		cw_findings_get(&r, mr->findings, i);
		int k = cw_registry_index(reg, r.detector->name);
		if (k < 0) { /* a rule of a later stage (judge/prompts.h): its own entry, after the detectors' */
			k = (int)nd;
			rule = r.detector;
			nrule++;
		}
		by_det[k] += r.f.suspect;
		by_dim[r.dimension] += r.f.suspect;
		count_dim[r.dimension]++;
		total += r.f.suspect;
		fund += r.fund;
		fund_estimated += r.fund_estimated != 0;
	}
	cJSON_AddNumberToObject(o, "total", (double)n);
	cJSON_AddStringToObject(o, "suspect_amount", cw_format_money(buf, total));
	cJSON_AddStringToObject(o, "fund_amount", cw_format_money(buf, fund));
	cJSON_AddNumberToObject(o, "fund_estimated", (double)fund_estimated);
	cJSON *d = cJSON_AddObjectToObject(o, "by_detector");
	for (size_t i = 0; i < nd && by_det; i++) {
		cJSON *e = cJSON_AddObjectToObject(d, cw_registry_get(reg, i)->name);
		cJSON_AddNumberToObject(e, "findings", mr->timings ? (double)mr->timings[i].findings : 0);
		cJSON_AddStringToObject(e, "suspect_amount", cw_format_money(buf, by_det[i]));
		cJSON_AddNumberToObject(e, "seconds", mr->timings ? mr->timings[i].seconds : 0);
	}
	if (rule && by_det) {
		cJSON *e = cJSON_AddObjectToObject(d, rule->name);
		cJSON_AddNumberToObject(e, "findings", (double)nrule);
		cJSON_AddStringToObject(e, "suspect_amount", cw_format_money(buf, by_det[nd]));
		cJSON_AddNumberToObject(e, "seconds", 0);
	}
	cJSON *m = cJSON_AddObjectToObject(o, "by_dimension");
	for (size_t i = 0; i < ndim && by_dim && count_dim; i++) {
		cJSON *e = cJSON_AddObjectToObject(m, cw_dimset_name(mr->dims, i));
		cJSON_AddNumberToObject(e, "findings", (double)count_dim[i]);
		cJSON_AddStringToObject(e, "suspect_amount", cw_format_money(buf, by_dim[i]));
	}
	free(by_det);
	free(by_dim);
	free(count_dim);
	return o;
}

/* The institutions of the month by grade (inst_assessment.csv) and by the ladder's step due
 * (inst_sanctions.csv; "sanctions" is null when the run did not write that file). */
static cJSON *institutions_json(const cw_month_run *mr)
{
	const cw_assess_table *t = &mr->assessment.inst;
	size_t grade[4];
	size_t ungraded = cw_assess_count_grades(grade, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "assessed", (double)t->n);
	cJSON *g = cJSON_AddObjectToObject(o, "by_grade");
	for (int k = 0; k < 4; k++) {
		char name[2] = { (char)('A' + k), 0 };
		cJSON_AddNumberToObject(g, name, (double)grade[k]);
	}
	cJSON_AddNumberToObject(o, "ungraded", (double)ungraded);
	if (!mr->inst_sanctions.computed) {
		cJSON_AddNullToObject(o, "sanctions");
		return o;
	}
	cJSON *s = cJSON_AddObjectToObject(o, "sanctions");
	size_t with = 0;
	for (int k = 1; k <= CW_INST_STEPS; k++)
		with += mr->inst_sanctions.due[k];
	cJSON_AddNumberToObject(s, "with_step", (double)with);
	cJSON_AddNumberToObject(s, "without_step", (double)mr->inst_sanctions.due[0]);
	cJSON *b = cJSON_AddObjectToObject(s, "by_step");
	for (int k = 1; k <= CW_INST_STEPS; k++) {
		char name[4];
		snprintf(name, sizeof name, "%d", k);
		cJSON_AddNumberToObject(b, name, (double)mr->inst_sanctions.due[k]);
	}
	return o;
}

static cJSON *dataset_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	if (!mr->ds)
		return o;
	const cw_window *w = cw_dataset_window(mr->ds);
	char buf[CW_FMT_SIZE];
	cJSON_AddStringToObject(o, "window_start", cw_format_time(buf, w->window_start));
	cJSON_AddStringToObject(o, "month_start", cw_format_time(buf, w->month_start));
	cJSON_AddStringToObject(o, "month_end", cw_format_time(buf, w->month_end));
	const cw_claims *c = cw_dataset_claims(mr->ds);
	cJSON_AddNumberToObject(o, "claim_lines", (double)c->n);
	cJSON_AddNumberToObject(o, "claim_lines_in_month", (double)cw_dataset_lines_in_month(mr->ds));
	cJSON_AddNumberToObject(o, "visits", (double)cw_dataset_visits(mr->ds)->n);
	cJSON_AddNumberToObject(o, "patients", (double)cw_dataset_patients(mr->ds)->n);
	cJSON_AddNumberToObject(o, "physicians", (double)cw_dataset_physicians(mr->ds)->n);
	cJSON_AddNumberToObject(o, "prescription_lines", (double)cw_dataset_prescriptions(mr->ds)->n);
	size_t mem = cw_dataset_memory(mr->ds);
	cJSON_AddNumberToObject(o, "memory_bytes", (double)mem);
	cJSON_AddNumberToObject(o, "memory_bytes_per_claim_line", c->n ? (double)mem / (double)c->n : 0);
	const cw_build_stats *bs = cw_dataset_build_stats(mr->ds);
	cJSON_AddNumberToObject(o, "visits_dropped_outside_window", (double)bs->visits_dropped);
	cJSON_AddNumberToObject(o, "refunds_matched", (double)bs->refunds_matched);
	cJSON_AddNumberToObject(o, "refunds_unmatched", (double)bs->refunds_unmatched);
	return o;
}

int cw_write_summary(cw_month_run *mr, const char *status)
{
	errno = 0; /* a part lost for lack of memory leaves ENOMEM (jsonfield.h) */
	cJSON *s = cJSON_CreateObject();
	const cw_run_options *o = mr->opts;
	cJSON_AddStringToObject(s, "claimwatch", CW_VERSION);
	cJSON_AddStringToObject(s, "month", mr->month);
	cJSON_AddStringToObject(s, "status", status);
	cJSON *src = cJSON_AddObjectToObject(s, "source");
	cJSON_AddStringToObject(src, "kind", o->db ? "postgresql" : o->store ? "store" : "csv");
	if (o->data_dir || o->store)
		cJSON_AddStringToObject(src, "path", o->data_dir ? o->data_dir : o->store);
	if (mr->store_image[0]) /* the month image mapped (docs/store.md) */
		cJSON_AddStringToObject(src, "image", mr->store_image);
	if (mr->db.run_id[0]) { /* the run as the database records it (pg_write.c) */
		cJSON_AddStringToObject(src, "database", mr->db.target);
		cJSON_AddNumberToObject(src, "run_id", (double)atoll(mr->db.run_id));
	}
	cw_json_add(s, "tables", tables_json(&mr->load));
	cw_table_stats sum = cw_load_totals(&mr->load);
	cJSON_AddNumberToObject(s, "rows_read", (double)sum.read);
	cJSON_AddNumberToObject(s, "rows_rejected", (double)sum.rejected);
	cJSON_AddNumberToObject(s, "rows_rejected_of_month",
	                        (double)(sum.rejected - sum.rejected_lookback - sum.rejected_unknown));
	cJSON_AddNumberToObject(s, "rows_rejected_lookback", (double)sum.rejected_lookback);
	cJSON_AddNumberToObject(s, "rows_rejected_month_unknown", (double)sum.rejected_unknown);
	cJSON_AddNumberToObject(s, "rows_of_month", (double)sum.month_rows);
	cw_json_add(s, "rejects_by_reason", cw_run_rejects_json(mr)); /* the rows written to rejects.csv */
	cJSON_AddNumberToObject(s, "rows_rejected_reported_earlier",
	                        mr->reject_log ? (double)cw_reject_log_repeats(mr->reject_log) : 0);
	/* taken, not rejected: each a self_created_item finding; here for the data team beside the rejects */
	const cw_build_stats *bs = mr->ds ? cw_dataset_build_stats(mr->ds) : NULL;
	cJSON_AddNumberToObject(s, "claim_lines_unknown_item", bs ? (double)bs->unknown_item_lines : 0);
	cJSON_AddNumberToObject(s, "claim_lines_unknown_item_of_month", bs ? (double)bs->unknown_item_lines_in_month : 0);
	cJSON_AddNumberToObject(s, "reject_share", cw_load_month_share(&mr->load));
	cJSON_AddNumberToObject(s, "max_reject_share", mr->max_reject_share);

	cJSON_AddNumberToObject(s, "input_bytes", (double)mr->load.bytes);
	cJSON_AddNumberToObject(s, "warnings", (double)mr->load.warnings);
	cJSON *w = cJSON_AddArrayToObject(s, "warning_messages");
	for (char *line = mr->warnings, *nl; line && *line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = 0;
		cw_json_push(w, cJSON_CreateString(line));
		*nl = '\n';
	}
	cw_json_add(s, "dx_coding", cw_run_dx_json(mr));
	cw_json_add(s, "dataset", dataset_json(mr));
	cw_json_add(s, "findings", findings_json(mr));
	cw_json_add(s, "scoring", cw_scoring_summary(mr));
	cw_json_add(s, "institutions", institutions_json(mr));
	cJSON *t = cJSON_AddObjectToObject(s, "seconds");
	cJSON_AddNumberToObject(t, "load", mr->t_load);
	cJSON_AddNumberToObject(t, "detect", mr->t_detect);
	cJSON_AddNumberToObject(t, "score", mr->t_score);
	cJSON_AddNumberToObject(t, "write", mr->t_write);
	cJSON_AddNumberToObject(t, "report", mr->t_report);
	cJSON_AddNumberToObject(t, "total", cw_now() - mr->t_start);
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cJSON_AddNumberToObject(s, "peak_rss_bytes", (double)ru.ru_maxrss * 1024.0);
	if (mr->empty)
		cJSON_AddStringToObject(s, "note", "no claim lines in this month: every output is empty");
	char *text = cw_json_print(s);
	int lost = errno == ENOMEM;
	cJSON_Delete(s);
	if (!text || lost) {
		free(text);
		return cw_error_set(CW_ENOMEM, "out of memory writing summary.json");
	}
	const char *path = cw_outdir_file(mr->od, "summary.json");
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc == 0) {
		fputs(text, f);
		fputc('\n', f);
		rc = cw_outfile_close(f, path);
	}
	free(text);
	return rc;
}
