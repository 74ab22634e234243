/* test_privacy.c: what the outputs reveal about patients. Rejected records of
 * patients and visits carry the patient's pseudonym, not the id (src/source/rejects.c,
 * load_csv.c); records that cannot be split are withheld; the pseudonym key is
 * created all or nothing, private, and read strictly (src/io/pseudo.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "io/pseudo.h"
#include "source/rejects.h"
#include "source/rows.h"

#define S(x) x, strlen(x)

static cw_pseudo fixed_key(void)
{
	cw_pseudo ps = { .reveal = 0 };
	for (int i = 0; i < 16; i++)
		ps.key[i] = (uint8_t)(i * 17 + 3);
	return ps;
}

static const char *pseudonym(const cw_pseudo *ps, const char *id)
{
	static char buf[CW_PSEUDO_SIZE];
	return cw_pseudo_patient(buf, ps, id);
}

/* The reject file's text after adding rows; visits.csv is protected (it holds patient ids). */
static char *rejects_text(const char *dir, const cw_pseudo *ps, void (*add)(cw_rejects *))
{
	char path[4096];
	snprintf(path, sizeof path, "%s/rejects.csv", dir);
	cw_rejects *r;
	assert_int_equal(cw_rejects_open(&r, path), 0);
	assert_int_equal(cw_rejects_protect(r, "visits.csv", 0), 0);
	if (ps)
		cw_rejects_pseudonymise(r, ps);
	add(r);
	assert_int_equal(cw_rejects_close(r), 0);
	return tu_read(path);
}

/* A visit's fields in schema order, with this patient id and kind. */
static void visit_fields(cw_slice *f, const char *patient, const char *kind)
{
	static const char *const v[] = { "V1", "", "H1", "D1", "DR1", "", "2026-05-03 09:00", "", "I10", "x, \"y\"" };
	for (int j = 0; j < 10; j++)
		f[j] = (cw_slice){ v[j], strlen(v[j]) };
	f[1] = (cw_slice){ patient, strlen(patient) };
	f[5] = (cw_slice){ kind, strlen(kind) };
}

static void add_rows(cw_rejects *r)
{
	cw_slice f[10];
	visit_fields(f, "P9", "outpatient");
	assert_int_equal(cw_rejects_add_row(r, "visits.csv", CW_T_VISITS, 2, "2026-05", "patient_id",
	                                    "unknown patient_id 'P9' (not in patients)", f), 0);
	visit_fields(f, "P,\"7", "bad");
	assert_int_equal(cw_rejects_add_row(r, "visits.csv", CW_T_VISITS, 3, "2026-05", "kind", "kind must be ...: 'bad'",
	                                    f), 0);
	assert_int_equal(cw_rejects_add(r, "visits.csv", 4, "", NULL, "stray quote in an unquoted field", S("V3,P1\"x,H1,y")),
	                 0);
	visit_fields(f, "", "outpatient");
	assert_int_equal(cw_rejects_add_row(r, "visits.csv", CW_T_VISITS, 6, "", "patient_id",
	                                    "patient_id is required but empty", f), 0);
	assert_int_equal(cw_rejects_add(r, "claim_lines.csv", 8, "", NULL, "stray quote in an unquoted field", S("L1,x\"")), 0);
}

static void test_rejects_pseudonymised(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_pseudo ps = fixed_key();
	char *text = rejects_text(dir, &ps, add_rows);
	assert_non_null(text);
	char want[2048], p9[CW_PSEUDO_SIZE], p7[CW_PSEUDO_SIZE];
	snprintf(p9, sizeof p9, "%s", pseudonym(&ps, "P9"));
	snprintf(p7, sizeof p7, "%s", pseudonym(&ps, "P,\"7"));
	snprintf(want, sizeof want,
	         "file,line,column,reason,record,month\n"
	         "visits.csv,2,patient_id,unknown patient_id '%s' (not in patients),"
	         "\"V1,%s,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,\"\"x, \"\"\"\"y\"\"\"\"\"\"\",2026-05\n"
	         "visits.csv,3,kind,kind must be ...: 'bad',\"V1,%s,H1,D1,DR1,bad,2026-05-03 09:00,,I10,"
	         "\"\"x, \"\"\"\"y\"\"\"\"\"\"\",2026-05\n"
	         "visits.csv,4,,stray quote in an unquoted field,\"(withheld: this record could not be split into its "
	         "fields, so claimwatch cannot keep only the contract's columns (with patient ids pseudonymised); see "
	         "the source at this line)\",\n"
	         "visits.csv,6,patient_id,patient_id is required but empty,"
	         "\"V1,,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,\"\"x, \"\"\"\"y\"\"\"\"\"\"\",\n"
	         "claim_lines.csv,8,,stray quote in an unquoted field,\"L1,x\"\"\",\n",
	         p9, p9, p7);
	assert_string_equal(text, want);
	assert_null(strstr(text, "P9"));
	free(text);
	/* without a pseudonymiser (--reveal-patients): the ids as read, broken records of visits too */
	text = rejects_text(dir, NULL, add_rows);
	assert_non_null(strstr(text, "unknown patient_id 'P9' (not in patients),\"V1,P9,H1,"));
	assert_non_null(strstr(text, "\"V3,P1\"\"x,H1,y\""));
	free(text);
	/* without a key (claimwatch load without one): the ids are withheld */
	char path[4096];
	snprintf(path, sizeof path, "%s/nokey.csv", dir);
	cw_rejects *r;
	assert_int_equal(cw_rejects_open(&r, path), 0);
	cw_rejects_withhold_patients(r);
	assert_int_equal(cw_rejects_protect(r, "visits.csv", 0), 0);
	assert_int_equal(cw_rejects_protect(r, "items.csv", 1), 0); /* a header with columns claimwatch does not read */
	add_rows(r);
	assert_int_equal(cw_rejects_add(r, "items.csv", 9, "", NULL, "stray quote in an unquoted field", S("I1,\"x")), 0);
	assert_int_equal(cw_rejects_close(r), 0);
	text = tu_read(path);
	assert_non_null(strstr(text, "unknown patient_id '(withheld)' (not in patients),\"V1,(withheld),H1,"));
	assert_non_null(strstr(text, "visits.csv,4,,stray quote in an unquoted field,\"(withheld: this record"));
	assert_non_null(strstr(text, "items.csv,9,,stray quote in an unquoted field,\"(withheld: this record"));
	assert_null(strstr(text, "P9"));
	assert_null(strstr(text, "P1"));
	free(text);
	tu_rmtree(dir);
	free(dir);
}

/* A month loaded with its rejects pseudonymised: no rejected row shows a
 * patient id, whatever column it was rejected for, nor a column claimwatch
 * does not read (names, ID-card numbers, a patient id in a claim line), in
 * any table (issue 11, item 11). */
static void test_load_pseudonymises(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	tu_write_month(dir);
	tu_write(dir, "patients.csv",
	         "sex,patient_id,name,birth_date,id_card\n" /* the id in another column than usual */
	         "M,P1,NAMESECRET,1980-01-15,110101198001150011\nF,P2,NAMESECRET,,110101199001010022\n"
	         "F,P1,NAMESECRET,1990-01-01,110101199001010033\nX,P3SECRET,NAMESECRET,,110101199001010044\n"
	         "M,P4SECRET,NAMESECRET,1990-02-30,110101199002300055\n");
	tu_write(dir, "visits.csv",
	         "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n"
	         "V1,P1,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x\n"
	         "V2,P2,H2,D2,DR2,inpatient,2026-05-10 08:00,2026-05-15 10:00,J18.9,y\n"
	         "V3,P9SECRET,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x\n"
	         "V4,P1,H1,D1,DR1,walk-in,2026-05-03 09:00,,I10,x\n"
	         "V5,\"P1\"SECRET,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x\n"
	         "V6,P1SECRET,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x,extra\n");
	tu_write(dir, "claim_lines.csv",
	         "line_id,patient_id,patient_name,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n"
	         "L1,P1SECRET,NAMESECRET,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	         "L2,P1SECRET,NAMESECRET,V1,I2,,2026-05-03 09:40,-2,12.50,-25\n"
	         "L3,P2SECRET,NAMESECRET,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n"
	         "L4,P1SECRET,NAMESECRET,V404,I1,DR1,2026-05-03 09:30,1,300,300\n"    /* 5: unknown visit */
	         "L5,P1SECRET,\"NAME\"SECRET,V1,I1,DR1,2026-05-03 09:30,1,300,300\n" /* 6: broken quoting */
	         "L6,P1SECRET,NAMESECRET,V1,I1,DR1,2026-05-03 09:30,1,abc,300\n");  /* 7: bad money */
	tu_write(dir, "prescriptions.csv",
	         "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount,id_card\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25,110101198001150011\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25,110101198001150011\n"); /* 3: duplicate */
	cw_pseudo ps = fixed_key();
	cw_load_opts o = { .lookback_days = 0 };
	assert_int_equal(cw_month_parse(&o.month, "2026-05"), 0);
	assert_int_equal(cw_rejects_open(&o.rejects, tu_path(dir, "rejects.out")), 0);
	cw_rejects_pseudonymise(o.rejects, &ps);
	FILE *warn = fopen("/dev/null", "w");
	o.warn = warn;
	cw_dataset *ds;
	cw_load_stats st;
	assert_int_equal(cw_load_csv(&ds, &st, dir, &o), 0);
	assert_int_equal(cw_rejects_close(o.rejects), 0);
	fclose(warn);
	char *text = tu_read(tu_path(dir, "rejects.out"));
	assert_int_equal(st.table[CW_T_PATIENTS].rejected, 3);
	assert_int_equal(st.table[CW_T_VISITS].rejected, 4);
	assert_int_equal(st.table[CW_T_CLAIMS].rejected, 3);
	assert_int_equal(st.table[CW_T_PRESCRIPTIONS].rejected, 1);
	assert_null(strstr(text, "SECRET"));
	assert_null(strstr(text, "1101011"));
	char want[256];
	/* the contract's columns only, in the contract's order, the id as its pseudonym */
	snprintf(want, sizeof want, "patients.csv,4,patient_id,duplicate patient_id '%s' (already in patients),"
	         "\"%s,F,1990-01-01,\",all\n", pseudonym(&ps, "P1"), pseudonym(&ps, "P1")); /* death_date empty */
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof want, "\"%s,X,,\",all\n", pseudonym(&ps, "P3SECRET"));
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof want, "visits.csv,4,patient_id,unknown patient_id '%s' (not in patients),\"V3,%s,",
	         pseudonym(&ps, "P9SECRET"), pseudonym(&ps, "P9SECRET"));
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "visits.csv,6,,garbage after a closing quote,\"(withheld"));
	assert_non_null(strstr(text, "visits.csv,7,,11 fields where the header has 10,\"(withheld"));
	assert_non_null(strstr(text, "claim_lines.csv,5,visit_id,unknown visit_id 'V404' (not in visits),"
	                             "\"L4,V404,I1,DR1,2026-05-03 09:30,1,300,300\",2026-05\n"));
	assert_non_null(strstr(text, "claim_lines.csv,6,,garbage after a closing quote,\"(withheld"));
	assert_non_null(strstr(text, "claim_lines.csv,7,unit_price,not a money amount"));
	assert_non_null(strstr(text, "prescriptions.csv,3,line_no,duplicate prescription line: rx_id 'RX1' line_no 1,"
	                             "\"RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\",2026-05\n"));
	free(text);
	cw_dataset_free(ds);
	tu_rmtree(dir);
	free(dir);
}

static void test_key_file(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	unsetenv("CLAIMWATCH_PSEUDONYM_KEY");
	cw_pseudo a, b;
	assert_int_equal(cw_pseudo_init(&a, dir, NULL, 0), 0);
	struct stat st;
	assert_int_equal(stat(tu_path(dir, ".pseudonym-key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 33);
	char *list = tu_read(tu_path(dir, ".pseudonym-key"));
	free(list);
	/* no temporary file left beside it */
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) = 1", dir);
	assert_int_equal(system(cmd), 0);
	/* the same key on the next run: the same pseudonyms */
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), 0);
	assert_memory_equal(a.key, b.key, 16);
	char x[CW_PSEUDO_SIZE], y[CW_PSEUDO_SIZE];
	assert_string_equal(cw_pseudo_patient(x, &a, "P1"), cw_pseudo_patient(y, &b, "P1"));
	assert_int_equal(strlen(x), 18);
	assert_memory_equal(x, "P-", 2);
	/* a damaged key is never replaced silently: that would change every pseudonym */
	tu_write(dir, ".pseudonym-key", "");
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), ".pseudonym-key: expected 32 hex digits"));
	assert_non_null(strstr(cw_error_last(), "restore it from a backup"));
	tu_write(dir, ".pseudonym-key", "0x0102030405060708090a0b0c0d0e0f1\n");
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), CW_EINVALID);
	tu_write(dir, ".pseudonym-key", "000102030405060708090a0b0c0d0e0f0\n"); /* 33 digits */
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), CW_EINVALID);
	tu_write(dir, ".pseudonym-key", "000102030405060708090A0B0C0D0E0F\r\n");
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), 0);
	assert_int_equal(b.key[15], 0x0F);
	/* the key from the environment, strictly */
	setenv("CLAIMWATCH_PSEUDONYM_KEY", " 00102030405060708090a0b0c0d0e0f", 1);
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), CW_EINVALID);
	setenv("CLAIMWATCH_PSEUDONYM_KEY", "ffeeddccbbaa99887766554433221100", 1);
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 0), 0);
	assert_int_equal(b.key[0], 0xff);
	unsetenv("CLAIMWATCH_PSEUDONYM_KEY");
	/* revealing: the raw id */
	assert_int_equal(cw_pseudo_init(&b, dir, NULL, 1), 0);
	assert_string_equal(cw_pseudo_patient(x, &b, "P1"), "P1");
	tu_rmtree(dir);
	free(dir);
}

/* The reject file is made 0600 (it names patients), but a device or pipe given as its path keeps its
 * mode: the unit test of the dataset image once gave /dev/null, which a root run made 0600. Tested on
 * a null device node of the test's own (as root; skipped otherwise), never on /dev/null. */
static void test_rejects_mode(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	const char *dev = tu_path(dir, "null");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
		tu_rmtree(dir);
		free(dir);
		skip();
	}
	chmod(dev, 0666);
	cw_rejects *r;
	assert_int_equal(cw_rejects_open(&r, dev), 0);
	assert_int_equal(cw_rejects_close(r), 0);
	struct stat st;
	assert_int_equal(stat(dev, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666);
	const char *file = tu_path(dir, "rejects.csv"); /* a file: 0600 whatever the umask */
	assert_int_equal(cw_rejects_open(&r, file), 0);
	assert_int_equal(cw_rejects_close(r), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects_pseudonymised),
		cmocka_unit_test(test_load_pseudonymises),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_rejects_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
