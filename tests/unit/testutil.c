/* testutil.c: helpers shared by the unit tests. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"

/* --- files ------------------------------------------------------------------ */

char *tu_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path = malloc(4096);
	assert_non_null(path);
	snprintf(path, 4096, "%s/cwtest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(path));
	return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void tu_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_path(const char *dir, const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

void tu_write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
	FILE *f = fopen(tu_path(dir, name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void tu_write_file(const char *dir, const char *name, const char *text)
{
	tu_write_bytes(dir, name, text, strlen(text));
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

void tu_write_month(const char *dir)
{
	tu_write_file(dir, "institutions.csv",
	              "inst_id,name,level\n"
	              "H1,第一人民医院,3\n"
	              "H2,Second Hospital,2\n");
	tu_write_file(dir, "departments.csv",
	              "dept_id,inst_id,name,specialty\n"
	              "D1,H1,心血管内科,cardiology\n"
	              "D2,H2,Cardiology,cardiology\n");
	tu_write_file(dir, "physicians.csv",
	              "physician_id,name,inst_id,dept_id,title\n"
	              "DR1,张伟,H1,D1,主任医师\n"
	              "DR2,Li Na,H2,D2,\n");
	tu_write_file(dir, "patients.csv",
	              "patient_id,sex,birth_date\n"
	              "P1,M,1980-01-15\n"
	              "P2,F,\n");
	tu_write_file(dir, "items.csv",
	              "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	              "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	              "I1,CT 平扫,exam,次,300,1,72,0,,,,,,\n"
	              "I2,阿莫西林胶囊,drug,盒,12.50,0,,1,3,,0,150,1,outpatient\n"
	              "I3,\"Blood panel, full\",lab,,20,0,24,0,,F,,,,\n");
	tu_write_file(dir, "bundles.csv",
	              "bundle_code,component_code\n"
	              "I3,I1\n");
	tu_write_file(dir, "visits.csv",
	              "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n"
	              "V1,P1,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,原发性高血压\n"
	              "V2,P2,H2,D2,DR2,inpatient,2026-05-10 08:00,2026-05-15 10:00,J18.9,Pneumonia\n");
	tu_write_file(dir, "claim_lines.csv",
	              "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n"
	              "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	              "L2,V1,I2,,2026-05-03 09:40,2,12.50,25\n"
	              "L3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n");
	tu_write_file(dir, "prescriptions.csv",
	              "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n"
	              "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\n");
	tu_write_file(dir, "exam_results.csv",
	              "line_id,result\n"
	              "L1,positive\n"
	              "L3,negative\n");
}
