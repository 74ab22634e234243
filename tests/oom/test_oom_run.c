/* test_oom_run.c: a month run while allocations fail, as SQLite proves its error paths (issue 12).
 *
 * The workload is what `claimwatch run` does for a month, in process: load the rules (a file that ranks
 * the mini month's physicians), then cw_run (claimwatch/run.h) on tests/data/mini (2026-05) into an output root that
 * already holds the month's results, an earlier month of the cycle and inspectors' reviews: load the
 * CSV files, detect, score, rank, review, sanction, write every file and the report, swap the folder in.
 * A clean run counts the allocation calls (oomalloc.h says which are seen); then, for every N of a plan
 * (below), the Nth call fails, once or from then on, and the run must:
 *   - return a CW_E* code with a message that says what failed (out of memory, or the file it could not
 *     open when the failed call was a fopen), or succeed with exactly the clean run's files;
 *   - not crash (ASan and UBSan watch) and leave no block, file descriptor or temporary folder behind;
 *   - leave the month's earlier results byte for byte as they were.
 * Then a clean run gives the clean run's files again.
 *
 * Three passes: one call fails, on 1 thread (the first call of every allocation site, and an even
 * spread, 240 runs); every call from the Nth on (80 runs); one call fails, on 2 threads with the
 * English report (80 runs). Under a minute under ASan on a busy 2-core machine. CW_OOM_EVERY=1 in the
 * environment tries every N in each pass (about ten minutes); CW_OOM_ONLY=WORDS runs only the pass
 * whose name holds them,
 * CW_OOM_MAX_PROBLEMS=K stops a pass after K problems (default 20), CW_OOM_VERBOSE=1 shows the calls
 * whose failure a run absorbed. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "oomalloc.h"
#include "claimwatch/error.h"
#include "run/run.h"
#include "util/progress.h"

#define MONTH "2026-05"
#define MAX_CALLS 200000

/* LeakSanitizer's report of the leaks so far, when the test runs under it. */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char rules_json[] =
	"{\"scoring\": {\"min_visits\": 1}, \"grades\": {\"basically_reasonable\": 1, \"unreasonable\": 5}}\n";
static const char reviews_csv[] =
	"time,by,finding_id,month,status,note\n"
	"2026-06-02 10:00,inspector,Fe3dc53ac201eadc3,2026-05,confirmed,price checked\n"
	"2026-06-02 10:05,inspector,F10fb3a91b5f1b293,2026-05,dismissed,billed twice on purpose\n";

static struct world {
	char *root;
	char rules[4096];
	char month_dir[4096];
	uint64_t clean;          /* the clean run's files, summary.json's timings aside */
	unsigned long calls;     /* allocation calls of a clean run */
	unsigned long cjson_calls; /* of which cJSON's */
	void **sites;            /* the caller of each of them */
} w;

static struct {
	unsigned long n;
	const char *pass;
} current; /* for the death callback: which run crashed */

static void say_current(void)
{
	if (current.pass)
		fprintf(stderr, "test_oom_run: crashed in pass '%s' with allocation call %lu failing\n", current.pass,
		        current.n);
}

/* --- the month's files as one number ----------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

/* summary.json less what changes from run to run: the "seconds" (per table, per detector and the
 * block of stage times) and the peak memory. */
static int varies(const char *line, int *in_seconds)
{
	if (*in_seconds) {
		*in_seconds = !strchr(line, '}');
		return 1;
	}
	if (strstr(line, "\"seconds\":\t{"))
		return *in_seconds = 1;
	return strstr(line, "\"seconds\":") || strstr(line, "\"peak_rss_bytes\":");
}

static struct {
	uint64_t raw, normal;
	size_t prefix;
} walk;

static int digest_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (flag != FTW_F)
		return 0;
	const char *rel = path + walk.prefix;
	uint64_t raw = fnv(0xcbf29ce484222325ULL, rel, strlen(rel) + 1), normal = raw;
	int summary = !strcmp(rel, "/summary.json"), in_seconds = 0;
	FILE *f = fopen(path, "rb");
	char line[8192];
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		raw = fnv(raw, line, n);
		if (!summary || !varies(line, &in_seconds))
			normal = fnv(normal, line, n);
	}
	fclose(f);
	walk.raw += raw; /* a sum: the order nftw visits the files in does not matter */
	walk.normal += normal;
	return 0;
}

/* The month's folder; *normal leaves the timings aside. */
static uint64_t digest(uint64_t *normal)
{
	walk.raw = walk.normal = 0;
	walk.prefix = strlen(w.month_dir);
	assert_int_equal(nftw(w.month_dir, digest_one, 16, FTW_PHYS), 0);
	if (normal)
		*normal = walk.normal;
	return walk.raw;
}

/* A temporary or rejected folder left in the root, or NULL. */
static const char *leftover(void)
{
	static char name[256];
	DIR *d = opendir(w.root);
	struct dirent *e;
	assert_non_null(d);
	name[0] = 0;
	while ((e = readdir(d)) && !name[0])
		if (!strncmp(e->d_name, ".tmp-", 5) || !strncmp(e->d_name, ".old-", 5) || strstr(e->d_name, ".rejected"))
			snprintf(name, sizeof name, "%s", e->d_name);
	closedir(d);
	return name[0] ? name : NULL;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* --- the workload ---------------------------------------------------------------------------------------- */

/* `claimwatch run --data tests/data/mini --month M --out ROOT --rules R --threads T --lang L` through the
 * public entry point, from the registry of the built-in detectors on. */
static int run_month(const char *month, int threads, const char *lang)
{
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = CW_SOURCE_DIR "/tests/data/mini";
	o.root = w.root;
	o.rules_path = w.rules;
	o.threads = threads;
	o.lang = lang;
	int rc = cw_month_parse(&o.month, month);
	return rc < 0 ? rc : cw_run(NULL, &o);
}

static int by_site(const void *a, const void *b)
{
	void *x = w.sites[*(const unsigned long *)a], *y = w.sites[*(const unsigned long *)b];
	if (x != y)
		return x < y ? -1 : 1;
	return *(const unsigned long *)a < *(const unsigned long *)b ? -1 : 1;
}

/* The N to fail in a pass, ascending, into plan[] (w.calls + 1 room): with `sites`, the first call of
 * every allocation site, then an even spread over all calls up to `runs` in all, then w.calls + 1
 * (past the end: the run must succeed). Every N with CW_OOM_EVERY=1. Returns how many. */
static size_t make_plan(unsigned long *plan, int sites, size_t runs)
{
	unsigned long t = w.calls, *order = calloc(t + 1, sizeof *order);
	unsigned char *take = calloc(t + 2, 1);
	assert_non_null(order);
	assert_non_null(take);
	int every = getenv("CW_OOM_EVERY") && !strcmp(getenv("CW_OOM_EVERY"), "1");
	for (unsigned long i = 0; i < t; i++)
		order[i] = i;
	qsort(order, t, sizeof *order, by_site);
	for (unsigned long k = 0; sites && k < t; k++)
		if (k == 0 || w.sites[order[k]] != w.sites[order[k - 1]])
			take[order[k] + 1] = 1; /* call i is N = i + 1 */
	size_t chosen = 0;
	for (unsigned long n = 1; n <= t; n++)
		chosen += take[n] |= every;
	size_t spread = chosen < runs ? runs - chosen : 0;
	for (size_t k = 1; k <= spread; k++)
		take[1 + (t - 1) * (k - 1) / (spread > 1 ? spread - 1 : 1)] = 1;
	take[t + 1] = 1;
	size_t n = 0;
	for (unsigned long i = 1; i <= t + 1; i++)
		if (take[i])
			plan[n++] = i;
	free(order);
	free(take);
	return n;
}

/* The distinct callers of a clean run that are in this executable (the engine is linked in). */
static size_t own_sites(void)
{
	Dl_info self, at;
	size_t n = 0;
	assert_true(dladdr((void *)own_sites, &self));
	for (unsigned long i = 0; i < w.calls; i++) {
		int seen = 0;
		for (unsigned long j = 0; j < i && !seen; j++) /* quadratic over a few thousand calls, once */
			seen = w.sites[j] == w.sites[i];
		n += !seen && dladdr(w.sites[i], &at) && at.dli_fbase == self.dli_fbase;
	}
	return n;
}

/* A fresh folder in memory (/dev/shm) when there is one: the run syncs every file it writes. */
static char *scratch_dir(void)
{
	char *t = strdup("/dev/shm/cwoom.XXXXXX");
	assert_non_null(t);
	if (mkdtemp(t))
		return t;
	free(t);
	return tu_tempdir();
}

static int setup(void **state)
{
	(void)state;
	oom_hook_cjson();
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_current);
	w.root = scratch_dir();
	char *etc = tu_tempdir();
	tu_write(etc, "rules.json", rules_json);
	snprintf(w.rules, sizeof w.rules, "%s/rules.json", etc);
	free(etc); /* the folder is removed with the rules file at teardown */
	snprintf(w.month_dir, sizeof w.month_dir, "%s/%s", w.root, MONTH);
	tu_write(w.root, "reviews.csv", reviews_csv);
	assert_int_equal(run_month("2026-04", 1, "zh"), 0);
	assert_int_equal(run_month(MONTH, 1, "zh"), 0);
	/* the clean run, counted */
	w.sites = calloc(MAX_CALLS, sizeof *w.sites);
	assert_non_null(w.sites);
	oom_record(w.sites, MAX_CALLS);
	oom_arm(0, OOM_ONE_SHOT);
	int rc = run_month(MONTH, 1, "zh");
	w.calls = oom_disarm();
	w.cjson_calls = oom_cjson_calls();
	oom_record(NULL, 0);
	if (rc)
		fail_msg("the clean run failed: %s", cw_error_last());
	assert_true(w.calls < MAX_CALLS);
	digest(&w.clean);
	print_message("a clean run makes %lu allocation calls (%lu of them by cJSON) from %zu call sites, %zu of them "
	              "in claimwatch's code\n", w.calls, w.cjson_calls, oom_sites(), own_sites());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(w.root);
	char *slash = strrchr(w.rules, '/');
	*slash = 0;
	tu_rmtree(w.rules);
	free(w.root);
	free(w.sites);
	return 0;
}

/* --- one run with the Nth call failing ------------------------------------------------------------------ */

struct pass {
	const char *name;
	enum oom_mode mode;
	int threads;
	const char *lang;
	int sites;      /* the plan holds the first call of every allocation site */
	size_t runs;    /* and an even spread up to this many runs */
	uint64_t clean; /* the files of a clean run of this pass */
	size_t failed, absorbed;
	int problems;
};

static void problem(struct pass *p, unsigned long n, const char *what, const char *detail)
{
	print_error("pass '%s', allocation call %lu failing: %s%s%s\n", p->name, n, what, detail ? ": " : "",
	            detail ? detail : "");
	if (n)
		oom_print_failed_call(stderr, 6);
	p->problems++;
}

/* A failed run's message says what failed: memory, or (a failed fopen) the file it could not open. */
static int names_failure(int rc, const char *msg)
{
	return rc < 0 && rc >= CW_EUSAGE && msg[0] &&
	       (rc == CW_ENOMEM || strstr(msg, "memory") || strstr(msg, strerror(ENOMEM)));
}

/* Returns 0 when the run ran past its last allocation call, so that nothing failed. */
static int try_one(struct pass *p, unsigned long n)
{
	uint64_t normal, before = digest(NULL);
	size_t live = oom_live();
	unsigned long serial = oom_serial();
	int fds = open_fds();
	current.n = n;
	current.pass = p->name;
	cw_error_clear();
	oom_arm(n, p->mode);
	int rc = run_month(MONTH, p->threads, p->lang);
	oom_disarm();
	current.pass = NULL;
	int failed = oom_failed();
	const char *left = leftover();
	if (!failed && rc)
		problem(p, n, "the run failed with no allocation failing", cw_error_last());
	if (rc == 0 && failed) {
		p->absorbed++;
		if (getenv("CW_OOM_VERBOSE")) {
			print_message("pass '%s', allocation call %lu failed, the run went on:\n", p->name, n);
			oom_print_failed_call(stdout, 4);
		}
		digest(&normal);
		if (normal != p->clean)
			problem(p, n, "the run succeeded with other files than the clean run", NULL);
	} else if (rc) {
		p->failed++;
		if (!names_failure(rc, cw_error_last()))
			problem(p, n, "the error does not say what failed", cw_error_last());
		if (digest(NULL) != before)
			problem(p, n, "the earlier results changed", cw_error_last());
	}
	if (left)
		problem(p, n, "a folder was left in the output root", left);
	if (oom_live() != live) {
		char count[64];
		snprintf(count, sizeof count, "%zu block(s)", oom_live() - live);
		problem(p, n, "leaked", count);
		oom_report_live(stderr, serial, 8);
		if (__lsan_do_recoverable_leak_check)
			__lsan_do_recoverable_leak_check();
	}
	if (open_fds() != fds)
		problem(p, n, "a file descriptor was left open", NULL);
	return failed;
}

/* A pass stops after this many problems (CW_OOM_MAX_PROBLEMS, default 20). */
static int max_problems(void)
{
	const char *s = getenv("CW_OOM_MAX_PROBLEMS");
	return s && atoi(s) > 0 ? atoi(s) : 20;
}

static void run_pass(struct pass *p)
{
	const char *only = getenv("CW_OOM_ONLY");
	if (only && !strstr(p->name, only))
		skip();
	double t0 = cw_now();
	size_t tried = 0;
	if (run_month(MONTH, p->threads, p->lang))
		fail_msg("the clean run of pass '%s' failed: %s", p->name, cw_error_last());
	digest(&p->clean);
	if (p->threads == 2 && !strcmp(p->lang, "zh") && p->clean != w.clean)
		problem(p, 0, "two threads give other files than one", NULL);
	unsigned long *plan = calloc(w.calls + 2, sizeof *plan);
	assert_non_null(plan);
	size_t planned = make_plan(plan, p->sites, p->runs);
	for (size_t i = 0; i < planned && p->problems < max_problems(); i++, tried++)
		if (!try_one(p, plan[i]))
			break;
	free(plan);
	/* a clean run afterwards gives the clean files again */
	uint64_t normal;
	assert_int_equal(run_month(MONTH, p->threads, p->lang), 0);
	digest(&normal);
	if (normal != p->clean)
		problem(p, 0, "a clean run after the failures gives other files", NULL);
	print_message("pass '%s': %zu runs, %zu failed cleanly, %zu absorbed the failure, %d problem(s), %.1f s\n",
	              p->name, tried, p->failed, p->absorbed, p->problems, cw_now() - t0);
	if (p->problems)
		fail_msg("%d problem(s) in pass '%s' (above)", p->problems, p->name);
}

static void test_one_shot(void **state)
{
	(void)state;
	struct pass p = { .name = "one call fails, 1 thread", .mode = OOM_ONE_SHOT, .threads = 1, .lang = "zh",
		          .sites = 1, .runs = 240 };
	run_pass(&p);
}

static void test_persistent(void **state)
{
	(void)state;
	struct pass p = { .name = "every call fails from the Nth on, 1 thread", .mode = OOM_PERSISTENT, .threads = 1,
		          .lang = "zh", .runs = 80 };
	run_pass(&p);
}

static void test_two_threads(void **state)
{
	(void)state;
	struct pass p = { .name = "one call fails, 2 threads, English", .mode = OOM_ONE_SHOT, .threads = 2,
		          .lang = "en", .runs = 80 };
	run_pass(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_shot),
		cmocka_unit_test(test_persistent),
		cmocka_unit_test(test_two_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
