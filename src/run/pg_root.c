/* pg_root.c: ROOT's month folders against the database's current results, before `run --db` runs.
 *
 * A run from a database commits its results there first, then moves its folder into place; both name
 * the run (claimwatch.runs.run_id, and summary.json's source.database and source.run_id, written in the
 * same transaction). A run killed between the two commits leaves the database with the new results and
 * ROOT/YYYY-MM with the old ones, the new folder beside it as ROOT/.tmp-YYYY-MM.<pid>.<n>. So, before its
 * months:
 *   - every such folder of a run that is gone, whose run is the month's current run in this database, is
 *     moved into place (repaired, and said);
 *   - every month folder that a run from this database wrote, but whose run is not the month's current
 *     one there (the database was written from another ROOT, or restored), is said, with what to do.
 * Other leftovers are left to the next run of their month, which removes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/month_summary.h"
#include "io/outdir.h"
#include "pg/pg.h"
#include "run/run.h"
#include "util/progress.h"
#include "io/rootmonths.h"

typedef struct reconcile {
	cw_pg *pg;
	const char *root;
} reconcile;

/* The folder's run and the month's current one in this database; *ours = 0 when the folder was not
 * written from this database. */
static int runs_of(reconcile *rc, const char *dir, const char *month, cw_month_summary *s, cw_pg_month_run *cur,
                   int *ours)
{
	int r = cw_month_summary_read(s, dir);
	*ours = r == 0 && s->run_id > 0 && !strcmp(s->database, rc->pg->target);
	if (r < 0 || !*ours)
		return r;
	return cw_pg_current_run(cur, rc->pg, month);
}

static int adopt(const char *path, const char *name, void *ctx)
{
	reconcile *rc = ctx;
	cw_month_summary s, in_place;
	cw_pg_month_run cur;
	char dir[4096];
	int ours, r = runs_of(rc, path, name, &s, &cur, &ours);
	if (r < 0 || !ours || s.run_id != cur.run_id)
		return r < 0 ? r : 0;
	snprintf(dir, sizeof dir, "%s/%s", rc->root, name);
	if ((r = cw_month_summary_read(&in_place, dir)) < 0 || in_place.run_id == s.run_id)
		return r;
	if ((r = cw_outdir_adopt(rc->root, path, name)) < 0)
		return r;
	cw_progress_note("%s: the results of run %lld, which %s committed, were still in %s (their run was stopped "
	                 "before it moved them into place): moved into %s", name, s.run_id, rc->pg->target, path, dir);
	return 0;
}

static int report_month(reconcile *rc, cw_month m)
{
	char month[8], dir[4096];
	cw_month_format(month, m);
	snprintf(dir, sizeof dir, "%s/%s", rc->root, month);
	cw_month_summary s;
	cw_pg_month_run cur;
	int ours, r = runs_of(rc, dir, month, &s, &cur, &ours);
	if (r < 0 || !ours || s.run_id == cur.run_id)
		return r;
	if (cur.run_id)
		cw_progress_note("%s: %s holds the results of run %lld, but the current results of %s in %s are those of "
		                 "run %lld (%s): run the month again to bring them together", month, dir, s.run_id, month,
		                 rc->pg->target, cur.run_id, cur.finished);
	else
		cw_progress_note("%s: %s holds the results of run %lld, but %s has no results of %s: run the month "
		                 "again to bring them together", month, dir, s.run_id, rc->pg->target, month);
	return 0;
}

int cw_pg_reconcile_root(const char *conninfo, const char *root)
{
	cw_pg *pg;
	int r = cw_pg_connect(&pg, conninfo);
	if (r < 0)
		return r;
	reconcile rc = { .pg = pg, .root = root };
	cw_month *months = NULL;
	size_t n = 0;
	if ((r = cw_pg_schema_check(pg)) == 0 && (r = cw_outdir_leftovers(root, adopt, &rc)) == 0)
		r = cw_root_months(&months, &n, root);
	for (size_t i = 0; i < n && r == 0; i++)
		r = report_month(&rc, months[i]);
	free(months);
	cw_pg_close(pg);
	return r;
}
