/* run_emptied.c: a month that held claim lines and holds none now is an error, not an empty result.
 *
 * A source that lost a month (a load seen half-done, the wrong folder, a table emptied by mistake) would
 * otherwise replace the month's results with empty ones, in ROOT and in the database, and succeed.
 * Before a run goes on with a month without claim lines, it looks at the month's current results:
 * ROOT/YYYY-MM/summary.json and, from a database, the month's current run in claimwatch.runs. When
 * either was made from claim lines of the month, the run fails and they stay; --allow-empty accepts
 * the empty month. */
#include <stdio.h>
#include "claimwatch/error.h"
#include "io/month_summary.h"
#include "pg/pg.h"
#include "run/run.h"

int cw_check_emptied(cw_month_run *mr)
{
	if (mr->opts->allow_empty)
		return 0;
	char dir[4096], made[4200];
	snprintf(dir, sizeof dir, "%s/%s", mr->opts->root, mr->month);
	cw_month_summary s;
	int rc = cw_month_summary_read(&s, dir);
	if (rc < 0)
		return rc;
	long long lines = s.lines_in_month;
	snprintf(made, sizeof made, "%s", dir);
	cw_pg_month_run r = { 0 };
	if (lines == 0 && mr->pg && (rc = cw_pg_current_run(&r, mr->pg, mr->month)) < 0)
		return rc;
	if (lines == 0 && r.lines > 0) {
		lines = r.lines;
		snprintf(made, sizeof made, "run %lld of %s in claimwatch.runs", r.run_id, r.finished);
	}
	if (lines == 0)
		return 0;
	return cw_error_set(CW_EINVALID, "%s has no claim lines of the month, but its current results (%s) were made "
	                    "from %lld: nothing was replaced; if the month is really empty now, run it again with "
	                    "--allow-empty", mr->pg ? mr->pg->target : mr->opts->data_dir ? mr->opts->data_dir : mr->opts->store, made, lines);
}
