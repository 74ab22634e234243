/* entry.c: cw_run, the public entry point (claimwatch/run.h). Checks the options, loads the rules and
 * the plug-ins unless the caller gives loaded rules, applies the rules' output settings, puts into
 * place the results a database committed for a killed run, then runs the months in order; everything
 * the run tells goes to the options' progress callback, on this thread (run.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "run/run.h"
#include "source/reject_log.h"
#include "util/progress.h"
#include "util/strbuf.h"

int cw_run_options_init(cw_run_options *opts, unsigned int version)
{
	if (version != CW_RUN_OPTIONS_VERSION)
		return cw_error_set(CW_EINVALID, "cw_run_options_init: version %u, but this claimwatch has version %d",
		                    version, CW_RUN_OPTIONS_VERSION);
	*opts = (cw_run_options)CW_RUN_OPTIONS_INIT;
	return 0;
}

int cw_run_rules(cw_rules **rules, cw_registry **reg, const char *path, const char *const *plugins, size_t n)
{
	cw_registry *r;
	int rc = cw_registry_builtin(&r);
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = cw_registry_load_plugin(r, plugins[i]);
	if (rc == 0)
		rc = cw_rules_load(rules, r, path);
	if (rc < 0) {
		cw_registry_free(r);
		return rc;
	}
	*reg = r;
	return 0;
}

/* The data folder exists and is a folder (else the first table would be named missing, not the folder). */
static int check_data_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return cw_error_set(CW_ENOTFOUND, "data folder %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cw_error_set(CW_ENOTFOUND, "data folder %s is not a folder", dir);
	return 0;
}

static int valid_month(cw_month m)
{
	return m.year >= CW_YEAR_MIN && m.year <= CW_YEAR_MAX && m.month >= 1 && m.month <= 12;
}

static int check_options(const cw_run_options *o)
{
	if (!o)
		return cw_error_set(CW_EINVALID, "cw_run: no options");
	if (o->version != CW_RUN_OPTIONS_VERSION)
		return cw_error_set(CW_EINVALID, "cw_run: options of version %u, but this claimwatch has version %d "
		                    "(CW_RUN_OPTIONS_VERSION)", o->version, CW_RUN_OPTIONS_VERSION);
	if (!!o->data_dir + !!o->db + !!o->store != 1)
		return cw_error_set(CW_EINVALID, "cw_run: give data_dir, db or store, one of them");
	if (!o->root)
		return cw_error_set(CW_EINVALID, "cw_run: no output root");
	if (!valid_month(o->month))
		return cw_error_set(CW_EINVALID, "cw_run: month %d-%d is not a month of %d to %d", o->month.year,
		                    o->month.month, CW_YEAR_MIN, CW_YEAR_MAX);
	if (o->last_month.year && (!valid_month(o->last_month) || cw_month_cmp(o->last_month, o->month) < 0))
		return cw_error_set(CW_EINVALID, "cw_run: last_month %d-%d is not a month from month on",
		                    o->last_month.year, o->last_month.month);
	if (o->rules && (o->rules_path || o->plugin_count))
		return cw_error_set(CW_EINVALID, "cw_run: give loaded rules, or a rules file and plug-ins, not both");
	if (o->lang && strcmp(o->lang, "zh") && strcmp(o->lang, "en"))
		return cw_error_set(CW_EINVALID, "cw_run: the language is zh or en, not '%s'", o->lang);
	return o->data_dir ? check_data_dir(o->data_dir) : 0;
}

/* The months of the options in order, each with options of its own month (see cw_run in
 * claimwatch/run.h for when a range stops and what it says). */
static int run_months(cw_run_result *res, const cw_run_options *opts, const cw_rules *rules,
                      cw_reject_log *rejects)
{
	cw_run_options one = *opts;
	cw_month last = opts->last_month.year ? opts->last_month : opts->month;
	if (!one.lang)
		one.lang = "zh";
	if (!cw_month_cmp(opts->month, last)) {
		int rc = cw_run_month(res, &one, rules, rejects);
		res->months = rc == 0;
		res->months_failed = rc < 0;
		return rc;
	}
	cw_sb ran = { 0 }, failed = { 0 }, skipped = { 0 };
	int worst = 0;
	char name[8];
	for (cw_month m = opts->month; cw_month_cmp(m, last) <= 0; m = cw_month_next(m)) {
		cw_month_format(name, m);
		if (worst < 0 && worst != CW_EREJECTS) {
			cw_sb_add(&skipped, ", ", name);
			continue;
		}
		one.month = m;
		cw_run_result month_res = { 0 };
		int rc = cw_run_month(&month_res, &one, rules, rejects);
		if (rc == 0) {
			month_res.months = res->months + 1;
			month_res.months_failed = res->months_failed;
			*res = month_res;
			cw_sb_add(&ran, ", ", name);
			continue;
		}
		res->months_failed++;
		cw_progress_error(cw_error_last());
		if (worst == 0 || rc != CW_EREJECTS)
			worst = rc;
		cw_sb_add(&failed, ", ", name);
		if (rc == CW_EREJECTS)
			cw_sb_add(&failed, "", " (too many rejected rows)");
	}
	char *r = cw_sb_take(&ran), *f = cw_sb_take(&failed), *s = cw_sb_take(&skipped);
	if (worst < 0)
		cw_error_set(worst, "months run: %s; failed: %s; not run: %s", r && *r ? r : "none", f ? f : "?",
		             s && *s ? s : "none");
	free(r);
	free(f);
	free(s);
	return worst;
}

static int run(cw_run_result *res, const cw_run_options *opts)
{
	int rc = check_options(opts);
	if (rc < 0)
		return rc;
	cw_rules *own = NULL;
	cw_registry *reg = NULL;
	const cw_rules *rules = opts->rules;
	if (!rules && (rc = cw_run_rules(&own, &reg, opts->rules_path, opts->plugins, opts->plugin_count)) == 0)
		rules = own;
	cw_output output; /* checked before any month runs; each month reads its own */
	if (rc == 0)
		rc = cw_output_load(&output, rules);
	if (rc == 0 && opts->db)
		rc = cw_pg_reconcile_root(opts->db, opts->root);
	cw_reject_log *rejects = NULL; /* each rejected row reported once in the run (issue 18) */
	if (rc == 0)
		rc = cw_reject_log_new(&rejects);
	if (rc == 0)
		rc = run_months(res, opts, rules, rejects);
	cw_reject_log_free(rejects);
	cw_rules_free(own);
	cw_registry_free(reg);
	return rc;
}

int cw_run(cw_run_result *out, const cw_run_options *opts)
{
	cw_run_result local;
	cw_run_result *res = out ? out : &local;
	memset(res, 0, sizeof *res);
	cw_progress_sink sink;
	cw_progress_sink *previous = cw_progress_enter(&sink, opts ? opts->progress : NULL, opts ? opts->payload : NULL);
	int rc = run(res, opts);
	cw_progress_leave(previous);
	return rc;
}
