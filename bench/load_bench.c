/* load_bench.c: a by-hand benchmark of the CSV source (not a test).
 *
 *   load_bench gen DIR N [random]
 *                             writes a synthetic month (2026-05) with N claim lines of ~70 bytes,
 *                             a visit's lines together (as extracts come), or in random order
 *   load_bench read DIR       the CSV reader alone over DIR/claim_lines.csv
 *   load_bench type DIR       reader + value checks of every claim field (no builder)
 *   load_bench load DIR       cw_load_csv() of the whole folder: rows/s, seconds per table,
 *                             peak RSS and bytes per claim line
 *
 * Build and run with bench/run.sh (a Release build of the library). Each mode
 * runs in its own process so peak RSS is the mode's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "csv.h"
#include "progress.h"

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
		bad += cw_check_id(f[0].ptr, f[0].len, &why) < 0;
		bad += cw_check_id(f[1].ptr, f[1].len, &why) < 0;
		bad += cw_check_id(f[2].ptr, f[2].len, &why) < 0;
		bad += cw_check_id(f[3].ptr, f[3].len, &why) < 0;
		bad += cw_parse_time(f[4].ptr, f[4].len, &t, &why) < 0;
		bad += cw_parse_qty(f[5].ptr, f[5].len, &q, &why) < 0;
		bad += cw_parse_money(f[6].ptr, f[6].len, &p, &why) < 0;
		bad += cw_parse_money(f[7].ptr, f[7].len, &a, &why) < 0;
	}
	double s = cw_now() - t0;
	printf("%s: %llu records, %llu fields, %llu bad values, %.3f s, %.2f M records/s, %.0f MB/s, peak RSS %.1f MB\n",
	       typed ? "reader+typing" : "reader", (unsigned long long)rows, (unsigned long long)fields,
	       (unsigned long long)bad, s, (double)rows / s / 1e6, (double)cw_csv_bytes(c) / s / 1e6, peak_rss_mb());
	cw_csv_close(c);
	return rc < 0;
}

static int load(const char *dir)
{
	cw_load_opts o = { .lookback_days = 0 };
	cw_month_parse("2026-05", &o.month);
	char rej[4096];
	snprintf(rej, sizeof rej, "%s/rejects.out", dir);
	if (cw_rejects_open(&o.rejects, rej) < 0) {
		fprintf(stderr, "%s\n", cw_error_last());
		return 1;
	}
	cw_progress_quiet(1);
	cw_dataset *ds;
	cw_load_stats st;
	double t0 = cw_now();
	int rc = cw_load_csv(dir, &o, &ds, &st);
	double total = cw_now() - t0;
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
	cw_dataset_free(ds);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "gen"))
		return gen(argv[2], atol(argv[3]), argc == 5 && !strcmp(argv[4], "random"));
	if (argc == 3 && !strcmp(argv[1], "read"))
		return read_only(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "type"))
		return read_only(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load(argv[2]);
	fprintf(stderr, "usage: load_bench gen DIR N [random] | read DIR | type DIR | load DIR\n");
	return 2;
}
