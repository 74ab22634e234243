/* fuzz_load.c: libFuzzer harness for the whole CSV load and the detectors
 * (src/source/load_csv.c, rows.c, builder.c, finish.c, detect.c, detectors/).
 *
 * The input is a month of CSV files: sections separated by the line "#%",
 * each starting with one byte that picks the table it replaces (byte % 10, in
 * the order of enum cw_table); a table not given keeps the small month of
 * tests/data/mini. The files are written to a private folder, loaded for
 * 2026-05 with the default look-back, and when the load succeeds every
 * detector runs over the dataset with the default rules. Whatever the files
 * hold, the load must finish with a dataset or a message, every row read must
 * be counted once, and the detectors must not fault. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"
#include "claimwatch/source.h"

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_load: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                             \
		}                                                                            \
	} while (0)

#define SEP "\n#%\n"

static char dir[256];
static char *mini[CW_T_COUNT];
static size_t mini_len[CW_T_COUNT];
static cw_registry *registry;
static cw_rules *rules;
static cw_dimset *dims;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	CHECK(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	CHECK(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void put_file(int table, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.csv", dir, cw_table_name(table));
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static void cleanup(void)
{
	char path[512];
	for (int t = 0; t < CW_T_COUNT; t++) {
		snprintf(path, sizeof path, "%s/%s.csv", dir, cw_table_name(t));
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/rejects.csv", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/cw-fuzz-load.%ld", base, (long)getpid());
	CHECK(mkdtemp(strcat(dir, ".XXXXXX")));
	atexit(cleanup);
	for (int t = 0; t < CW_T_COUNT; t++) {
		char path[512];
		snprintf(path, sizeof path, "%s/tests/data/mini/%s.csv", CW_SOURCE_DIR, cw_table_name(t));
		mini[t] = slurp(path, &mini_len[t]);
	}
	CHECK(cw_registry_builtin(&registry) == 0);
	CHECK(cw_rules_load(&rules, registry, NULL) == 0);
	CHECK(cw_dimset_load(&dims, rules) == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len > (1u << 18))
		return 0;
	int given[CW_T_COUNT] = { 0 };
	const char *p = (const char *)data, *e = p + len;
	while (p < e) {
		const char *sep = memmem(p, (size_t)(e - p), SEP, 4);
		const char *end = sep ? sep + 1 : e; /* the section keeps its last line break */
		int t = (unsigned char)*p % CW_T_COUNT;
		put_file(t, p + 1, (size_t)(end - p - 1));
		given[t] = 1;
		p = sep ? sep + 4 : e;
	}
	for (int t = 0; t < CW_T_COUNT; t++)
		if (!given[t])
			put_file(t, mini[t], mini_len[t]);

	char rej[512];
	snprintf(rej, sizeof rej, "%s/rejects.csv", dir);
	cw_load_opts o = { .lookback_days = 45 };
	CHECK(cw_month_parse(&o.month, "2026-05") == 0);
	CHECK(cw_rejects_open(&o.rejects, rej) == 0);
	FILE *devnull = fopen("/dev/null", "w");
	o.warn = devnull;
	cw_dataset *ds = NULL;
	cw_load_stats st;
	int rc = cw_load_csv(&ds, &st, dir, &o);
	uint64_t rejected = cw_rejects_count(o.rejects);
	CHECK(cw_rejects_close(o.rejects) == 0);
	fclose(devnull);
	if (rc < 0) {
		CHECK(ds == NULL);
		CHECK(*cw_error_last());
		return 0;
	}
	uint64_t counted = 0;
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_table_stats *s = &st.table[t];
		CHECK(s->loaded + s->skipped + s->rejected == s->read);
		counted += s->rejected;
	}
	CHECK(counted == rejected);
	cw_findings *f = NULL;
	cw_detect_opts dopts = { .threads = 1 };
	rc = cw_detect(&f, ds, rules, dims, &dopts);
	CHECK(rc == 0);
	for (size_t i = 0; i < cw_findings_count(f); i++) {
		cw_record r;
		cw_findings_get(&r, f, i);
		CHECK(r.f.score == r.f.score); /* not NaN */
		CHECK(r.reason && !strchr(r.reason, '\n'));
		for (size_t k = 0; k < r.f.nlines; k++)
			CHECK(r.f.lines[k] < cw_dataset_claims(ds)->n);
	}
	cw_findings_free(f);
	cw_dataset_free(ds);
	return 0;
}
