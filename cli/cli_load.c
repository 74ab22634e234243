/* cli_load.c: `claimwatch load`: a folder of the contract's CSV files into PostgreSQL, or a folder or a
 * database into the columnar store. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "cli.h"
#include "io/outdir.h"
#include "io/pseudo.h"
#include "pg/pg_load.h"
#include "store/colstore.h"
#include "util/progress.h"

static const char help[] =
	"usage: claimwatch load --data DIR --db URL [options]\n"
	"       claimwatch load --data DIR --store PATH [--threads N] [--lookback-days N | --no-images]\n"
	"                       [--quiet]\n"
	"       claimwatch load --db URL --store PATH [--lookback-days N | --no-images] [--quiet]\n"
	"\n"
	"Loads DIR/<table>.csv for every table of the data contract into the database, in one\n"
	"transaction. Rows are checked exactly as `claimwatch run --data DIR` checks them; the\n"
	"rows that cannot be taken go to claimwatch.rejects (and to --rejects FILE) and are not\n"
	"loaded. Every row is added, or replaces the row of the same key: a claim line the line\n"
	"of the same line_id, whatever its month. Nothing else is removed, so a folder of late\n"
	"corrections changes those lines only, and loading the same month twice does not\n"
	"duplicate it. --replace-months replaces months as a whole instead, and says how many\n"
	"lines (and their exam results) it removes. Runs from the database wait for a load to\n"
	"finish. Create the tables first with `claimwatch db init --db URL`.\n"
	"\n"
	"Patient ids in the rejected rows are written as the keyed pseudonyms a run writes (the\n"
	"key from CLAIMWATCH_PSEUDONYM_KEY, else ROOT/.pseudonym-key with --root ROOT), or withheld\n"
	"without a key: the database and the reject file hold no raw patient id.\n"
	"\n"
	"With --store PATH instead of --db, the folder goes into a columnar store (created when\n"
	"missing): month partitions of memory-mappable column files and a checksummed catalogue,\n"
	"written atomically; a later folder's months are added, a month loaded again replaces\n"
	"the store's. `claimwatch run --store PATH` then reads only the month and its look-back\n"
	"(docs/store.md). Rejected rows are kept in the store and written by each run.\n"
	"With --db URL --store PATH (no --data), the database's input tables go into the store\n"
	"instead: every row, in one snapshot, read as `claimwatch run --db` reads it, so a run\n"
	"from the store finds what a run from the database finds (the budgets table too).\n"
	"Then each month of the store gets a month image: the finished data of its run's window,\n"
	"which `run --store` maps instead of building it (a month with rejected rows gets none;\n"
	"a run with another look-back, or after a later load, builds from the partitions).\n"
	"\n"
	"options:\n"
	"  --data DIR             folder of the data contract's CSV files\n"
	"  --store PATH           write the folder (or with --db, the database) into the\n"
	"                         columnar store at PATH\n"
	"  --threads N            with --store: threads reading the folder (0: one per core)\n"
	"  --lookback-days N      with --store: the look-back the month images are built for\n"
	"                         (default: rules load.lookback_days, as a run takes it)\n"
	"  --no-images            with --store: no month images (runs build every month)\n"
	"  --db URL               a libpq connection string (URL or key=value; PG* variables\n"
	"                         and ~/.pgpass apply)\n"
	"  --rejects FILE         also keep the rejected rows in this CSV file\n"
	"  --root ROOT            the runs' output root, whose pseudonym key (created when\n"
	"                         missing) pseudonymises patient ids in the rejected rows\n"
	"  --max-reject-share X   load nothing (exit 3) when more than this share of rows is\n"
	"                         rejected (default: rules load.max_reject_share = 0.01)\n"
	"  --replace-months A..B  the claim lines of these months (or one, YYYY-MM) become the\n"
	"                         folder's: lines of theirs that the folder lacks are removed,\n"
	"                         with their exam results\n"
	"  --quiet                no progress or notes on stderr\n"
	"  --help                 this help\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage error, 3 too many rejected rows\n";

enum { O_DATA = 256, O_DB, O_REJECTS, O_MAXREJ, O_REPLACE, O_QUIET, O_HELP, O_ROOT, O_STORE, O_THREADS, O_LOOKBACK,
       O_NOIMAGES };
static const struct option options[] = {
	{ "data", required_argument, 0, O_DATA }, { "db", required_argument, 0, O_DB },
	{ "rejects", required_argument, 0, O_REJECTS }, { "max-reject-share", required_argument, 0, O_MAXREJ },
	{ "replace-months", required_argument, 0, O_REPLACE }, { "root", required_argument, 0, O_ROOT },
	{ "store", required_argument, 0, O_STORE }, { "threads", required_argument, 0, O_THREADS },
	{ "lookback-days", required_argument, 0, O_LOOKBACK }, { "no-images", no_argument, 0, O_NOIMAGES },
	{ "quiet", no_argument, 0, O_QUIET }, { "help", no_argument, 0, O_HELP }, { 0, 0, 0, 0 }
};

static int default_share(double *share)
{
	cw_rules *rules;
	int rc = cw_rules_load(&rules, NULL, NULL); /* the defaults: no detector is needed */
	if (rc < 0)
		return rc;
	cw_section load = cw_rules_section(rules, "load");
	rc = cw_section_double(share, &load, "max_reject_share", 0, 1);
	cw_rules_free(rules);
	return rc;
}

/* The rules' default look-back (load.lookback_days), for the month images. */
static int default_lookback(int *days)
{
	cw_rules *rules;
	int rc = cw_rules_load(&rules, NULL, NULL);
	if (rc < 0)
		return rc;
	cw_section load = cw_rules_section(rules, "load");
	long long v = 0;
	rc = cw_section_int(&v, &load, "lookback_days", 0, 3660);
	*days = (int)v;
	cw_rules_free(rules);
	return rc;
}

/* The store's month images after a load (store_image.c), for lookback days (-1: the rules'). */
static int build_images(const char *store, int lookback, int threads)
{
	cw_cs_images_report rep;
	double t0 = cw_now();
	int rc = lookback < 0 ? default_lookback(&lookback) : 0;
	if (rc == 0)
		rc = cw_cs_images_build(&rep, store, lookback, threads);
	if (rc < 0)
		return rc;
	cw_progress_note("%s: month images (look-back %d days) in %.1f s: %d built, %d kept, %d not made (rejected "
	                 "rows), %.1f MB", store, lookback, cw_now() - t0, rep.built, rep.kept, rep.skipped,
	                 (double)rep.bytes / 1e6);
	return 0;
}

/* One line per month whose claim lines changed. */
static void report_month(const cw_pg *pg, const cw_pg_load_month *m)
{
	long long now = m->before - m->replaced - m->removed + m->loaded;
	if (m->replaced_whole)
		cw_progress_note("%s: claim lines of %s replaced (--replace-months): %lld removed, with %lld exam results; "
		                 "%lld loaded (%lld of them replacing a line of the same id); %lld now (%lld before)%s%s%s",
		                 pg->target, m->month, m->removed, m->results_removed, m->loaded, m->replaced, now,
		                 m->before, m->removed ? "; findings of earlier runs of " : "", m->removed ? m->month : "",
		                 m->removed ? " may cite removed lines: run the month again" : "");
	else
		cw_progress_note("%s: claim lines of %s: %lld loaded, %lld earlier lines of the same ids replaced; %lld now "
		                 "(%lld before)", pg->target, m->month, m->loaded, m->replaced, now, m->before);
}

/* The key of the patient pseudonyms, as a run takes it: CLAIMWATCH_PSEUDONYM_KEY, else
 * ROOT/.pseudonym-key. *ps is NULL when there is neither (patient ids are then withheld). */
static int pseudonym_key(const char *root, cw_pseudo *key, const cw_pseudo **ps)
{
	const char *env = getenv("CLAIMWATCH_PSEUDONYM_KEY");
	*ps = NULL;
	if ((!env || !*env) && !root) {
		cw_progress_note("no pseudonym key (--root ROOT or CLAIMWATCH_PSEUDONYM_KEY): patient ids in rejected "
		                 "rows are withheld");
		return 0;
	}
	int rc = root ? cw_mkdirs(root, 0700) : 0; /* as a run creates its root (docs/privacy.md) */
	if (rc == 0 && (rc = cw_pseudo_init(key, root, NULL, 0)) == 0)
		*ps = key;
	return rc;
}

static void report(const char *dir, const cw_load_stats *st, const cw_pg_load_report *rep, const cw_pg *pg)
{
	unsigned long long read = 0, rejected = 0;
	for (int t = 0; t < CW_T_COUNT; t++) {
		read += st->table[t].read;
		rejected += st->table[t].rejected;
	}
	for (int i = 0; i < rep->nmonths; i++)
		report_month(pg, &rep->months[i]);
	if (rep->budgets)
		cw_progress_note("%s: budgets: %d rows of %s/budgets.csv added or corrected", pg->target, rep->budgets, dir);
	cw_progress_note("%s: loaded %s in %.1f s: %llu rows read, %llu rejected%s (load %s in claimwatch.runs)",
	                 pg->target, dir, st->seconds, read, rejected,
	                 rejected ? ", listed in claimwatch.rejects" : "", rep->run_id);
}

/* A private temporary file without a name, so a killed load leaves nothing behind (the rejected rows
 * it holds are patients' data): an O_TMPFILE in $TMPDIR (or /tmp), reached through /proc/self/fd while
 * fd stays open. Where either is missing, a named file unlinked at once, which the kernel keeps while
 * open. Returns the descriptor, or CW_EIO. */
static int private_file(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		char name[4096];
		snprintf(name, sizeof name, "%s/claimwatch-rejects.XXXXXX", dir);
		if ((fd = mkostemp(name, O_CLOEXEC)) >= 0)
			unlink(name);
	}
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create a temporary reject file in %s: %s", dir, strerror(errno));
	snprintf(path, size, "/proc/self/fd/%d", fd);
	if (access(path, W_OK) != 0) {
		close(fd);
		return cw_error_set(CW_EIO, "cannot reach a temporary reject file through %s (is /proc mounted?)", path);
	}
	return fd;
}

/* `load --db URL --store PATH` (src/pg/pg_store.c). */
static int load_store_db(const char *db, const char *store, int lookback, int images)
{
	cw_cs_load_report rep;
	cw_pg *pg;
	double t0 = cw_now();
	int rc = cw_pg_connect(&pg, db);
	if (rc < 0)
		return cw_cli_fail("load", rc);
	if ((rc = cw_pg_schema_check(pg)) == 0 && (rc = cw_pg_load_store(&rep, pg, store)) == 0)
		cw_progress_note("%s: loaded %s in %.1f s: %llu rows of %d months, %d partitions now (load %u)", store,
		                 pg->target, cw_now() - t0, (unsigned long long)rep.rows, rep.nmonths, rep.nparts, rep.load);
	cw_pg_close(pg);
	if (rc == 0 && images)
		rc = build_images(store, lookback, 0);
	return rc < 0 ? cw_cli_fail("load", rc) : CW_EXIT_OK;
}

/* `load --data DIR --store PATH` (src/store/store_write.c). */
static int load_store(const char *dir, const char *store, int threads, int lookback, int images)
{
	cw_cs_load_report rep;
	double t0 = cw_now();
	int rc = cw_cs_load_csv(&rep, dir, store, threads);
	if (rc < 0)
		return cw_cli_fail("load", rc);
	cw_progress_note("%s: loaded %s in %.1f s: %llu rows of %d months, %d partitions now (load %u)", store, dir,
	                 cw_now() - t0, (unsigned long long)rep.rows, rep.nmonths, rep.nparts, rep.load);
	if (images && (rc = build_images(store, lookback, threads)) < 0)
		return cw_cli_fail("load", rc);
	return CW_EXIT_OK;
}

int cw_cmd_load(int argc, char **argv)
{
	const char *dir = NULL, *db = NULL, *rejects = NULL, *root = NULL, *store = NULL;
	long threads = 0, lookback = -1;
	int images = 1, threads_given = 0;
	double share = -1;
	cw_month replace_first = { 0, 0 }, replace_last = { 0, 0 };
	int c, replace = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_DATA: dir = optarg; break;
		case O_DB: db = optarg; break;
		case O_REJECTS: rejects = optarg; break;
		case O_ROOT: root = optarg; break;
		case O_STORE: store = optarg; break;
		case O_THREADS:
			if (cw_cli_int(&threads, "load", "--threads", optarg, 0, 256) < 0)
				return CW_EXIT_USAGE;
			threads_given = 1;
			break;
		case O_LOOKBACK:
			if (cw_cli_int(&lookback, "load", "--lookback-days", optarg, 0, 3660) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_NOIMAGES: images = 0; break;
		case O_MAXREJ:
			if (cw_cli_double(&share, "load", "--max-reject-share", optarg, 0, 1) < 0)
				return CW_EXIT_USAGE;
			break;
		case O_REPLACE:
			if (cw_month_range_parse(&replace_first, &replace_last, optarg) < 0)
				return cw_cli_usage("load", "--replace-months: %s", cw_error_last());
			replace = 1;
			break;
		case O_QUIET: cw_progress_set(NULL, NULL); break;
		case O_HELP: fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("load", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("load", "unexpected argument '%s'", argv[optind]);
	if (store && dir && db)
		return cw_cli_usage("load", "--store PATH takes --data DIR or --db URL, not both");
	if (store && (rejects || root || replace || share >= 0))
		return cw_cli_usage("load", "--rejects, --root, --replace-months and --max-reject-share are for --db; "
		                    "with --store, rejected rows are kept in the store and each run writes them");
	if (store && db && threads_given)
		return cw_cli_usage("load", "--threads is for --data DIR --store PATH");
	if (!store && (lookback >= 0 || !images))
		return cw_cli_usage("load", "--lookback-days and --no-images are for --store PATH");
	if (store && !images && lookback >= 0)
		return cw_cli_usage("load", "--lookback-days is the month images' look-back: not with --no-images");
	if (store && db)
		return load_store_db(db, store, (int)lookback, images);
	if (!dir)
		return cw_cli_usage("load", "--data DIR is required");
	if (store)
		return load_store(dir, store, (int)threads, (int)lookback, images);
	if (!db)
		return cw_cli_usage("load", "--db URL or --store PATH is required");
	cw_pseudo key;
	cw_pg_load_opts lo = { .max_reject_share = share };
	int rc = share < 0 ? default_share(&lo.max_reject_share) : 0;
	if (rc == 0)
		rc = pseudonym_key(root, &key, &lo.pseudo);
	if (rc < 0)
		return cw_cli_fail("load", rc);
	/* Without --rejects the reject file is a private temporary file, gone after the load. */
	char tmp[64];
	int tmp_fd = -1;
	if (!rejects && (tmp_fd = private_file(tmp, sizeof tmp)) < 0)
		return cw_cli_fail("load", tmp_fd);
	lo.rejects_path = rejects ? rejects : tmp;
	lo.rejects_name = rejects;
	lo.replace = replace;
	lo.replace_first = replace_first;
	lo.replace_last = replace_last;
	cw_pg *pg;
	cw_load_stats st;
	cw_pg_load_report rep;
	if ((rc = cw_pg_connect(&pg, db)) == 0) {
		if ((rc = cw_pg_schema_check(pg)) == 0 && (rc = cw_pg_load(&st, &rep, pg, dir, &lo)) == 0)
			report(dir, &st, &rep, pg);
		cw_pg_close(pg);
	}
	if (tmp_fd >= 0)
		close(tmp_fd);
	return rc < 0 ? cw_cli_fail("load", rc) : CW_EXIT_OK;
}
