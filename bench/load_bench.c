/* load_bench.c: a by-hand benchmark of the CSV source (not a test).
 *
 *   load_bench gen DIR N [random]
 *                             writes a synthetic month (2026-05) with N claim lines of ~70 bytes,
 *                             a visit's lines together (as extracts come), or in random order
 *   load_bench read DIR       the CSV reader alone over DIR/claim_lines.csv
 *   load_bench type DIR       reader + value checks of every claim field (no builder)
 *   load_bench load DIR       cw_load_csv() of the whole folder: rows/s, seconds per table,
 *                             wall and CPU time, peak RSS and bytes per claim line
 *   load_bench scan DIR       every DIR/TABLE.csv: the bare loop that finds every field and line
 *                             (the field scan alone over the bytes in memory, csv_scan.h),
 *                             then the CSV reader over the files (records, fields, no typing)
 *   load_bench digest DIR [MONTH]
 *                             loads DIR and prints a digest of every column of every table
 *                             (strings by content), the load counts and the build stats: two
 *                             loads of the same folder must print the same lines
 *
 * Build and run with bench/run.sh (a Release build of the library). Each mode
 * runs in its own process so peak RSS is the mode's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "io/csv.h"
#include "io/csv_scan.h"
#include "source/load_par.h"
#include "util/progress.h"

/* CW_THREADS=N, CW_CHUNK=BYTES, CW_LOOKBACK=DAYS and CW_MONTH=YYYY-MM
 * (environment) set the loader's threads, chunk size, look-back and month;
 * CW_CSV_SCAN=scalar|sse2|avx2|slow the reader's field scan (csv_scan.h). */
static void load_knobs(cw_load_opts *o)
{
	const char *t = getenv("CW_THREADS"), *c = getenv("CW_CHUNK"), *l = getenv("CW_LOOKBACK");
	const char *m = getenv("CW_MONTH");
	if (m && cw_month_parse(&o->month, m) < 0)
		fprintf(stderr, "CW_MONTH=%s: not a month (YYYY-MM)\n", m);
	if (t)
		o->threads = atoi(t);
	if (l)
		o->lookback_days = atoi(l);
	if (c)
		cw_load_chunk_bytes = (size_t)atol(c);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static double peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int gen(const char *dir, long n, int random_order)
{
	long npat = n / 20 + 1, nvis = n / 8 + 1, nphys = 1000, nitems = 3000, ndept = 30;
	FILE *f = create(dir, "institutions.csv");
	fprintf(f, "inst_id,name,level\nH001,第一人民医院,3\nH002,第二医院,2\nH003,社区服务中心,1\n");
	fclose(f);
	f = create(dir, "departments.csv");
	fprintf(f, "dept_id,inst_id,name,specialty\n");
	for (long d = 0; d < ndept; d++)
		fprintf(f, "D%03ld,H%03ld,科室%ld,spec%ld\n", d, d % 3 + 1, d, d % 10);
	fclose(f);
	f = create(dir, "physicians.csv");
	fprintf(f, "physician_id,name,inst_id,dept_id,title\n");
	for (long p = 0; p < nphys; p++)
		fprintf(f, "DR%05ld,医生%ld,H%03ld,D%03ld,主治医师\n", p, p, (p % ndept) % 3 + 1, p % ndept);
	fclose(f);
	f = create(dir, "patients.csv");
	fprintf(f, "patient_id,sex,birth_date\n");
	for (long p = 0; p < npat; p++)
		fprintf(f, "P%08ld,%c,19%02ld-%02ld-%02ld\n", p, p % 2 ? 'M' : 'F', 30 + p % 70, p % 12 + 1, p % 28 + 1);
	fclose(f);
	f = create(dir, "items.csv");
	fprintf(f, "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,max_daily_qty,"
	           "sex_only,age_min,age_max,min_level,setting\n");
	static const char *cats[] = { "drug", "exam", "lab", "treatment", "material", "bed", "nursing", "consult" };
	for (long i = 0; i < nitems; i++)
		fprintf(f, "XM%08ld,项目%ld,%s,次,%ld.%02ld,%d,%s,%d,,,,,,\n", i, i, cats[i % 8], 1 + i % 500, i % 100,
		        i % 8 == 1, i % 8 == 2 ? "24" : "", i % 16 == 0);
	fclose(f);
	f = create(dir, "bundles.csv");
	fprintf(f, "bundle_code,component_code\n");
	for (long i = 0; i < 100; i++)
		fprintf(f, "XM%08ld,XM%08ld\n", i * 8 + 2, i * 8 + 10);
	fclose(f);
	f = create(dir, "visits.csv");
	fprintf(f, "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n");
	for (long v = 0; v < nvis; v++) {
		long phys = (long)(next() % (uint64_t)nphys), dept = phys % ndept;
		int day = (int)(v % 28) + 1;
		if (v % 10 == 0)
			fprintf(f, "V%09ld,P%08ld,H%03ld,D%03ld,DR%05ld,inpatient,2026-05-%02d 08:00,2026-05-%02d 10:00,I10,高血压\n",
			        v, v % npat, dept % 3 + 1, dept, phys, day, day + 1 > 31 ? 31 : day + 1);
		else
			fprintf(f, "V%09ld,P%08ld,H%03ld,D%03ld,DR%05ld,outpatient,2026-05-%02d 09:00,,J06.9,\n", v, v % npat,
			        dept % 3 + 1, dept, phys, day);
	}
	fclose(f);
	f = create(dir, "claim_lines.csv");
	FILE *res = create(dir, "exam_results.csv"), *rx = create(dir, "prescriptions.csv");
	fprintf(f, "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n");
	fprintf(res, "line_id,result\n");
	fprintf(rx, "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n");
	for (long l = 0; l < n; l++) {
		/* as hospital extracts come (and the contract sample): a visit's lines
		 * together, 8 on average; "random" spreads them over all visits */
		long v = random_order ? (long)(next() % (uint64_t)nvis) : l / 8;
		long item = (long)(next() % (uint64_t)nitems);
		int day = (int)(v % 28) + 1, h = 9 + (int)(l % 12), m = (int)(l % 60);
		long qty = 1 + (long)(next() % 3), cents = 100 + (long)(next() % 20000);
		fprintf(f, "L%08ld,V%09ld,XM%08ld,DR%05ld,2026-05-%02d %02d:%02d,%ld,%ld.%02ld,%ld.%02ld\n", l, v, item,
		        (long)(next() % (uint64_t)nphys), day, h, m, qty, cents / 100, cents % 100, qty * cents / 100,
		        qty * cents % 100);
		if (item % 8 == 1 || item % 8 == 2)
			fprintf(res, "L%08ld,%s\n", l, l % 7 ? "negative" : "positive");
		if (l % 20 == 0)
			fprintf(rx, "RX%08ld,1,V%09ld,DR%05ld,2026-05-%02d 10:00,XM%08ld,1,3,12.50\n", l, v, (v * 7) % nphys, day,
			        (item / 8) * 8);
	}
	fclose(f);
	fclose(res);
	fclose(rx);
	printf("wrote %s: %ld claim lines, %ld visits, %ld patients\n", dir, n, nvis, npat);
	return 0;
}

static int read_only(const char *dir, int typed)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/claim_lines.csv", dir);
	cw_csv *c;
	if (cw_csv_open(&c, path, NULL) < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	cw_csv_record r;
	uint64_t rows = 0, fields = 0, bad = 0;
	double t0 = cw_now();
	int rc;
	while ((rc = cw_csv_next(c, &r)) == 1) {
		rows++;
		fields += r.nfields;
		if (!typed || r.nfields != 8 || rows == 1)
			continue;
		const cw_csv_field *f = r.field;
		const char *why;
		cw_minute t;
		cw_qty q;
		cw_fen p, a;
		bad += cw_check_id(&why, f[0].ptr, f[0].len) < 0;
		bad += cw_check_id(&why, f[1].ptr, f[1].len) < 0;
		bad += cw_check_id(&why, f[2].ptr, f[2].len) < 0;
		bad += cw_check_id(&why, f[3].ptr, f[3].len) < 0;
		bad += cw_parse_time(&t, &why, f[4].ptr, f[4].len) < 0;
		bad += cw_parse_qty(&q, &why, f[5].ptr, f[5].len) < 0;
		bad += cw_parse_money(&p, &why, f[6].ptr, f[6].len) < 0;
		bad += cw_parse_money(&a, &why, f[7].ptr, f[7].len) < 0;
	}
	double s = cw_now() - t0;
	printf("%s: %llu records, %llu fields, %llu bad values, %.3f s, %.2f M records/s, %.0f MB/s, peak RSS %.1f MB\n",
	       typed ? "reader+typing" : "reader", (unsigned long long)rows, (unsigned long long)fields,
	       (unsigned long long)bad, s, (double)rows / s / 1e6, (double)cw_csv_bytes(c) / s / 1e6, peak_rss_mb());
	cw_csv_close(c);
	return rc < 0;
}

/* The whole file in memory, CW_CSV_PAD bytes after it; NULL when unreadable. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = n >= 0 ? calloc(1, (size_t)n + CW_CSV_PAD) : NULL;
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The bare loop: every field and line of data[0..len) found by the field
 * scan, a quoted record (which the scan stops at) stepped over to its line
 * break as if it were plain. Returns the lines; *fields gets the fields. */
static uint64_t bare_scan(cw_csv_scan_fn fn, const char *data, size_t len, uint64_t *fields)
{
	static cw_csv_field f[4096];
	const char *p = data, *end = data + len;
	uint64_t lines = 0;
	while (p < end) {
		cw_csv_split s = { f, 4096, 0, p };
		const char *x = fn(&s, p, end);
		while (x < end && *x != '\n') { /* a quote or a NUL: on to the line break */
			s.start = x + 1;
			x = fn(&s, x + 1, end);
		}
		*fields += s.n + 1;
		lines++;
		p = x + 1;
	}
	return lines;
}

/* CPU seconds of the calling thread (the machine may be shared: wall time says little). */
static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int scan(const char *dir)
{
	static const char *const tables[] = { "institutions", "departments", "physicians", "patients", "items",
		                              "bundles", "visits", "claim_lines", "prescriptions", "exam_results" };
	int kind = cw_csv_scan_kind();
	uint64_t lines = 0, fields = 0, bytes = 0, rec = 0, rfields = 0;
	double bare = 0, reader = 0, bare_cpu = 0, reader_cpu = 0, c0 = cpu_seconds();
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.csv", dir, tables[i]);
		size_t len;
		char *data = slurp(path, &len);
		if (!data)
			continue;
		double t0 = 0, u0 = 0;
		for (int pass = 0; pass < 2; pass++) { /* the first pass meets memory cold from the read: the second counts */
			uint64_t nf = 0;
			t0 = cw_now();
			u0 = thread_cpu();
			uint64_t nl = bare_scan(cw_csv_scan_get(kind), data, len, &nf);
			if (pass) {
				lines += nl;
				fields += nf;
			}
		}
		bare += cw_now() - t0;
		bare_cpu += thread_cpu() - u0;
		bytes += len;
		free(data);
		cw_csv *c;
		if (cw_csv_open(&c, path, NULL) < 0)
			continue;
		cw_csv_record r;
		t0 = cw_now();
		u0 = thread_cpu();
		while (cw_csv_next(c, &r) == 1) {
			rec++;
			rfields += r.nfields;
		}
		reader += cw_now() - t0;
		reader_cpu += thread_cpu() - u0;
		cw_csv_close(c);
	}
	printf("SCAN %s: %.0f MB; bare loop: %llu lines, %llu fields, %.3f s wall, %.3f s cpu (%.1f M lines and %.2f GB "
	       "per cpu second); reader: %llu records, %llu fields, %.3f s wall, %.3f s cpu (%.1f M lines per cpu "
	       "second); process cpu %.3f s\n", cw_csv_scan_name(kind), (double)bytes / 1e6, (unsigned long long)lines,
	       (unsigned long long)fields, bare, bare_cpu, (double)lines / bare_cpu / 1e6, (double)bytes / bare_cpu / 1e9,
	       (unsigned long long)rec, (unsigned long long)rfields, reader, reader_cpu, (double)rec / reader_cpu / 1e6,
	       cpu_seconds() - c0);
	return 0;
}

static int load(const char *dir)
{
	cw_load_opts o = { .lookback_days = 0 };
	cw_month_parse(&o.month, "2026-05");
	load_knobs(&o);
	char rej[4096];
	snprintf(rej, sizeof rej, "%s/rejects.out", dir);
	if (cw_rejects_open(&o.rejects, rej) < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	cw_dataset *ds;
	cw_load_stats st;
	double t0 = cw_now(), c0 = cpu_seconds();
	int rc = cw_load_csv(&ds, &st, dir, &o);
	double total = cw_now() - t0, cpu = cpu_seconds() - c0;
	cw_rejects_close(o.rejects);
	if (rc < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	double tables = 0;
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_table_stats *ts = &st.table[t];
		tables += ts->seconds;
		printf("  %-14s %10llu read %10llu loaded %8llu skipped %8llu rejected %7.3f s\n", cw_table_name(t),
		       (unsigned long long)ts->read, (unsigned long long)ts->loaded, (unsigned long long)ts->skipped,
		       (unsigned long long)ts->rejected, ts->seconds);
	}
	const cw_table_stats *cl = &st.table[CW_T_CLAIMS];
	double rss = peak_rss_mb();
	size_t mem = cw_dataset_memory(ds);
	printf("claim_lines: %.2f M lines/s while reading claim_lines.csv\n", (double)cl->read / cl->seconds / 1e6);
	printf("total: %.3f s (tables %.3f s, finish %.3f s), %.1f MB read\n", total, tables, total - tables,
	       (double)st.bytes / 1e6);
	printf("memory: peak RSS %.1f MB = %.1f bytes per claim line; dataset %.1f MB = %.1f bytes per claim line\n", rss,
	       rss * 1048576.0 / (double)cl->read, (double)mem / 1048576.0, (double)mem / (double)cl->read);
	printf("LOAD %llu claim lines, threads %s: %.2f s wall, %.2f s cpu (user+sys), %.2f M lines/s, %.2f M lines "
	       "per cpu second, %llu built, peak RSS %.0f MB = %.1f B/line\n",
	       (unsigned long long)cl->read, getenv("CW_THREADS") ? getenv("CW_THREADS") : "auto", total, cpu,
	       (double)cl->read / total / 1e6, (double)cl->read / cpu / 1e6, (unsigned long long)cl->loaded, rss,
	       rss * 1048576.0 / (double)cl->read);
	cw_dataset_free(ds);
	return 0;
}

/* FNV-1a over bytes, chained. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *u = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ u[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t dig_col(const void *col, size_t n, size_t size)
{
	return col ? fnv(0xcbf29ce484222325ull, col, n * size) : 0;
}

static uint64_t dig_str(const cw_dataset *ds, const cw_str *col, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; col && i < n; i++) {
		const char *s = col[i] == CW_NONE ? "\x01NONE" : cw_dataset_str(ds, col[i]);
		h = fnv(h, s, strlen(s) + 1);
	}
	return h;
}

#define DC(name, col, n) printf("%-28s %016llx\n", name, (unsigned long long)dig_col(col, n, sizeof *(col)))
#define DS(name, col, n) printf("%-28s %016llx\n", name, (unsigned long long)dig_str(ds, col, n))

static int digest(const char *dir, const char *month)
{
	cw_load_opts o = { .lookback_days = 45 };
	cw_month_parse(&o.month, month);
	load_knobs(&o);
	char rej[4096];
	snprintf(rej, sizeof rej, "%s/rejects.out", dir);
	if (cw_rejects_open(&o.rejects, rej) < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	cw_dataset *ds;
	cw_load_stats st;
	int rc = cw_load_csv(&ds, &st, dir, &o);
	cw_rejects_close(o.rejects);
	if (rc < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	for (int t = 0; t < CW_T_COUNT; t++)
		printf("%-14s read %llu loaded %llu skipped %llu rejected %llu\n", cw_table_name(t),
		       (unsigned long long)st.table[t].read, (unsigned long long)st.table[t].loaded,
		       (unsigned long long)st.table[t].skipped, (unsigned long long)st.table[t].rejected);
	printf("bytes %llu warnings %llu\n", (unsigned long long)st.bytes, (unsigned long long)st.warnings);
	const cw_build_stats *bs = cw_dataset_build_stats(ds);
	printf("visits_dropped %llu refunds %llu/%llu\n", (unsigned long long)bs->visits_dropped,
	       (unsigned long long)bs->refunds_matched, (unsigned long long)bs->refunds_unmatched);
	const cw_institutions *in = cw_dataset_institutions(ds);
	DS("inst.id", in->id, in->n); DS("inst.name", in->name, in->n); DC("inst.level", in->level, in->n);
	const cw_departments *de = cw_dataset_departments(ds);
	DS("dept.id", de->id, de->n); DS("dept.name", de->name, de->n); DS("dept.specialty", de->specialty, de->n);
	DC("dept.inst", de->inst, de->n);
	const cw_physicians *ph = cw_dataset_physicians(ds);
	DS("phys.id", ph->id, ph->n); DS("phys.name", ph->name, ph->n); DS("phys.title", ph->title, ph->n);
	DC("phys.inst", ph->inst, ph->n); DC("phys.dept", ph->dept, ph->n);
	DC("phys.line_start", ph->line_start, ph->n + 1); DC("phys.visit_start", ph->visit_start, ph->n + 1);
	const cw_patients *pa = cw_dataset_patients(ds);
	DS("pat.id", pa->id, pa->n); DC("pat.sex", pa->sex, pa->n); DC("pat.birth", pa->birth, pa->n);
	DC("pat.visit_start", pa->visit_start, pa->n + 1); DC("pat.line_start", pa->line_start, pa->n + 1);
	const cw_items *it = cw_dataset_items(ds);
	DS("items.code", it->code, it->n); DS("items.name", it->name, it->n); DS("items.unit", it->unit, it->n);
	DC("items.category", it->category, it->n); DC("items.std_price", it->std_price, it->n);
	DC("items.large_equipment", it->large_equipment, it->n); DC("items.antibiotic", it->antibiotic, it->n);
	DC("items.retest_hours", it->retest_hours, it->n); DC("items.max_daily_qty", it->max_daily_qty, it->n);
	DC("items.sex_only", it->sex_only, it->n); DC("items.age_min", it->age_min, it->n);
	DC("items.age_max", it->age_max, it->n); DC("items.min_level", it->min_level, it->n);
	DC("items.setting", it->setting, it->n); DC("items.component_start", it->component_start, it->n + 1);
	DC("items.components", it->components, it->component_start[it->n]);
	DC("items.bundle_start", it->bundle_start, it->n + 1);
	DC("items.bundles", it->bundles, it->bundle_start[it->n]);
	const cw_visits *vi = cw_dataset_visits(ds);
	DS("visits.id", vi->id, vi->n); DC("visits.patient", vi->patient, vi->n); DC("visits.inst", vi->inst, vi->n);
	DC("visits.dept", vi->dept, vi->n); DC("visits.physician", vi->physician, vi->n);
	DC("visits.kind", vi->kind, vi->n); DC("visits.admit", vi->admit, vi->n);
	DC("visits.discharge", vi->discharge, vi->n); DS("visits.dx_code", vi->dx_code, vi->n);
	DS("visits.dx_name", vi->dx_name, vi->n); DC("visits.line_start", vi->line_start, vi->n + 1);
	DC("visits.by_physician", vi->by_physician, vi->n);
	const cw_claims *cl = cw_dataset_claims(ds);
	DS("claims.id", cl->id, cl->n); DC("claims.visit", cl->visit, cl->n); DC("claims.patient", cl->patient, cl->n);
	DC("claims.item", cl->item, cl->n); DC("claims.physician", cl->physician, cl->n);
	DC("claims.time", cl->time, cl->n); DC("claims.qty", cl->qty, cl->n);
	DC("claims.unit_price", cl->unit_price, cl->n); DC("claims.amount", cl->amount, cl->n);
	DC("claims.result", cl->result, cl->n); DC("claims.flags", cl->flags, cl->n);
	DC("claims.by_visit", cl->by_visit, cl->n); DC("claims.by_physician", cl->by_physician, cl->n);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	DS("rx.rx_id", rx->rx_id, rx->n); DC("rx.line_no", rx->line_no, rx->n); DC("rx.visit", rx->visit, rx->n);
	DC("rx.physician", rx->physician, rx->n); DC("rx.drug", rx->drug, rx->n); DC("rx.time", rx->time, rx->n);
	DC("rx.qty", rx->qty, rx->n); DC("rx.days_supply", rx->days_supply, rx->n); DC("rx.amount", rx->amount, rx->n);
	DC("rx.rx_start", rx->rx_start, rx->nrx + 1); DC("rx.in_month", rx->in_month, rx->n);
	/* lookups by id still work */
	size_t bad = 0;
	for (size_t i = 0; i < cl->n; i += 1 + cl->n / 1000)
		bad += cw_dataset_find(ds, CW_T_CLAIMS, cw_dataset_str(ds, cl->id[i])) != i;
	for (size_t i = 0; i < vi->n; i += 1 + vi->n / 1000)
		bad += cw_dataset_find(ds, CW_T_VISITS, cw_dataset_str(ds, vi->id[i])) != i;
	bad += cw_dataset_find(ds, CW_T_CLAIMS, "no such line") != CW_NONE;
	printf("find mismatches %zu\n", bad);
	cw_dataset_free(ds);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "digest"))
		return digest(argv[2], argc == 4 ? argv[3] : "2026-05");
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "gen"))
		return gen(argv[2], atol(argv[3]), argc == 5 && !strcmp(argv[4], "random"));
	if (argc == 3 && !strcmp(argv[1], "read"))
		return read_only(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "type"))
		return read_only(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "scan"))
		return scan(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load(argv[2]);
	fprintf(stderr, "usage: load_bench gen DIR N [random] | read DIR | type DIR | load DIR | scan DIR | digest DIR [MONTH]\n");
	return 2;
}
