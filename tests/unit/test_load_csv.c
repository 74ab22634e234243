/* test_load_csv.c: loading a month from CSV files (src/source/load_csv.c, rows.c,
 * rejects.c): a valid month, the header rules, every malformed input of the
 * issues with its message or its reject row, the window, and the contract's
 * sample folder when it is there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/source.h"
#include "io/csv.h"

typedef struct env {
	char *dir;
	cw_dataset *ds;
	cw_load_stats st;
	char *warn;     /* what the load warned about */
	char *rejects;  /* the reject file's text */
	size_t rejects_len;
} env;

static int setup(void **state)
{
	env *e = calloc(1, sizeof *e);
	e->dir = tu_tempdir();
	tu_write_month(e->dir);
	*state = e;
	return 0;
}

static void clear(env *e)
{
	cw_dataset_free(e->ds);
	free(e->warn);
	free(e->rejects);
	e->ds = NULL;
	e->warn = e->rejects = NULL;
}

static int teardown(void **state)
{
	env *e = *state;
	clear(e);
	tu_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

/* Loads e->dir for the month with a look-back; the reject file goes next to
 * the input as rejects.out. */
static int load_from(env *e, const char *dir, const char *month, int lookback)
{
	clear(e);
	cw_load_opts o = { .lookback_days = lookback };
	assert_int_equal(cw_month_parse(&o.month, month), 0);
	char rej[4096];
	snprintf(rej, sizeof rej, "%s/rejects.out", e->dir);
	assert_int_equal(cw_rejects_open(&o.rejects, rej), 0);
	size_t wlen;
	o.warn = open_memstream(&e->warn, &wlen);
	int rc = cw_load_csv(&e->ds, &e->st, dir, &o);
	char msg[2048];
	snprintf(msg, sizeof msg, "%s", cw_error_last());
	assert_int_equal(cw_rejects_close(o.rejects), 0);
	fclose(o.warn);
	e->rejects = tu_read(rej);
	assert_non_null(e->rejects);
	e->rejects_len = strlen(e->rejects); /* the writer escapes NULs */
	cw_error_set(rc < 0 ? rc : 0, "%s", msg); /* keep the load's message for the test */
	return rc;
}

static int load(env *e) { return load_from(e, e->dir, "2026-05", 0); }

/* The reject file holds a row (its text as written) containing every one of
 * the strings. */
static void assert_reject(env *e, const char *a, const char *b, const char *c)
{
	cw_csv *csv;
	cw_csv_record r;
	assert_int_equal(cw_csv_open(&csv, tu_path(e->dir, "rejects.out"), NULL), 0);
	int found = 0;
	while (!found && cw_csv_next(csv, &r) == 1) {
		assert_null(r.error);
		assert_int_equal(r.nfields, 6);
		char *row = strndup(r.raw, r.raw_len);
		found = strstr(row, a) && (!b || strstr(row, b)) && (!c || strstr(row, c));
		free(row);
	}
	cw_csv_close(csv);
	if (!found) {
		fprintf(stderr, "reject file:\n%s", e->rejects);
		fail_msg("no reject row with '%s' '%s' '%s'", a, b ? b : "", c ? c : "");
	}
}

static uint64_t total_rejected(const env *e)
{
	uint64_t n = 0;
	for (int t = 0; t < CW_T_COUNT; t++)
		n += e->st.table[t].rejected;
	return n;
}

/* --- a valid month ---------------------------------------------------------- */

static void test_valid_month(void **state)
{
	env *e = *state;
	assert_int_equal(load(e), 0);
	const uint64_t want[CW_T_COUNT] = TU_MONTH_ROWS;
	for (int t = 0; t < CW_T_COUNT; t++) {
		assert_int_equal(e->st.table[t].read, want[t]);
		assert_int_equal(e->st.table[t].loaded, want[t]);
		assert_int_equal(e->st.table[t].skipped, 0);
		assert_int_equal(e->st.table[t].rejected, 0);
	}
	assert_int_equal(e->st.warnings, 0);
	assert_true(e->st.bytes > 0);
	assert_string_equal(e->rejects, "file,line,column,reason,record,month\n");
	assert_true(cw_load_reject_share(&e->st) == 0.0);

	const cw_dataset *ds = e->ds;
	cw_ref h1 = cw_dataset_find(ds, CW_T_INSTITUTIONS, "H1");
	assert_int_not_equal(h1, CW_NONE);
	assert_string_equal(cw_dataset_str(ds, cw_dataset_institutions(ds)->name[h1]), "第一人民医院");
	const cw_items *it = cw_dataset_items(ds);
	cw_ref i2 = cw_dataset_find(ds, CW_T_ITEMS, "I2"), i3 = cw_dataset_find(ds, CW_T_ITEMS, "I3");
	assert_int_equal(it->std_price[i2], 1250);
	assert_int_equal(it->max_daily_qty[i2], 3000);
	assert_int_equal(it->setting[i2], CW_SETTING_OUTPATIENT);
	assert_int_equal(it->min_level[i2], 1);
	assert_int_equal(it->age_min[i2], 0);
	assert_int_equal(it->antibiotic[i2], 1);
	assert_int_equal(it->category[i2], CW_CAT_DRUG);
	assert_string_equal(cw_dataset_str(ds, it->name[i3]), "Blood panel, full");
	assert_int_equal(it->unit[i3], CW_NONE);
	assert_int_equal(it->sex_only[i3], CW_SEX_F);
	assert_int_equal(it->retest_hours[i3], 24);
	assert_int_equal(it->max_daily_qty[i3], CW_QTY_NONE);
	const cw_patients *pat = cw_dataset_patients(ds);
	cw_ref p2 = cw_dataset_find(ds, CW_T_PATIENTS, "P2");
	assert_int_equal(pat->birth[p2], CW_DAY_NONE);
	assert_int_equal(pat->sex[p2], CW_SEX_F);
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_ref l2 = cw_dataset_find(ds, CW_T_CLAIMS, "L2"), l1 = cw_dataset_find(ds, CW_T_CLAIMS, "L1");
	assert_int_equal(cl->qty[l2], 2000);
	assert_int_equal(cl->amount[l2], 2500);
	assert_int_equal(cl->physician[l2], cw_dataset_find(ds, CW_T_PHYSICIANS, "DR1")); /* the visit's */
	assert_int_equal(cl->result[l1], CW_RESULT_POSITIVE);
	const cw_visits *v = cw_dataset_visits(ds);
	cw_ref v1 = cw_dataset_find(ds, CW_T_VISITS, "V1");
	assert_int_equal(v->discharge[v1], CW_MINUTE_NONE);
	assert_string_equal(cw_dataset_str(ds, v->dx_name[v1]), "原发性高血压");
	assert_int_equal(cw_dataset_physicians(ds)->title[cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2")], CW_NONE);
}

/* The reject file is private (patient data). */
static void test_rejects_file_mode(void **state)
{
	env *e = *state;
	assert_int_equal(load(e), 0);
	struct stat st;
	assert_int_equal(stat(tu_path(e->dir, "rejects.out"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* --- the header ------------------------------------------------------------- */

static void test_columns_any_order_unknown_warned(void **state)
{
	env *e = *state;
	tu_write(e->dir, "patients.csv",
	         "insurance_type,birth_date,patient_id,sex,note\n"
	         "职工医保,1980-01-15,P1,M,x\n"
	         "居民医保,,P2,F,y\n");
	tu_write(e->dir, "physicians.csv", /* the optional title column absent */
	         "physician_id,name,inst_id,dept_id\n"
	         "DR1,张伟,H1,D1\n"
	         "DR2,Li Na,H2,D2\n");
	assert_int_equal(load(e), 0);
	assert_int_equal(e->st.table[CW_T_PATIENTS].loaded, 2);
	assert_int_equal(e->st.warnings, 2);
	assert_non_null(strstr(e->warn, "patients.csv: unknown column 'insurance_type' ignored"));
	assert_non_null(strstr(e->warn, "patients.csv: unknown column 'note' ignored"));
	/* warned once per file, not per row */
	assert_null(strstr(strstr(e->warn, "insurance_type") + 1, "insurance_type"));
	const cw_patients *p = cw_dataset_patients(e->ds);
	assert_int_equal(p->birth[cw_dataset_find(e->ds, CW_T_PATIENTS, "P1")], cw_days_from_civil(1980, 1, 15));
	assert_int_equal(p->death[cw_dataset_find(e->ds, CW_T_PATIENTS, "P1")], CW_DAY_NONE); /* no such column */
	assert_int_equal(total_rejected(e), 0);
}

static void test_missing_required_column(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv",
	         "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price\n"
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,300\n");
	assert_int_equal(load(e), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "claim_lines.csv"));
	assert_non_null(strstr(cw_error_last(), "missing required column 'amount'"));
	assert_null(e->ds);
}

static void test_duplicate_column(void **state)
{
	env *e = *state;
	tu_write(e->dir, "exam_results.csv", "line_id,result,line_id\nL1,positive,L1\n");
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "exam_results.csv: column 'line_id' appears twice"));
}

static void test_missing_file(void **state)
{
	env *e = *state;
	remove(tu_path(e->dir, "exam_results.csv"));
	assert_int_equal(load(e), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "exam_results.csv: missing file"));
	assert_int_equal(load_from(e, "/nonexistent/claimwatch", "2026-05", 0), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "/nonexistent/claimwatch/institutions.csv"));
}

static void test_empty_files(void **state)
{
	env *e = *state;
	tu_write(e->dir, "items.csv", "");
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "items.csv: the file is empty"));
	tu_write(e->dir, "items.csv", "\xEF\xBB\xBF\r\n\n");
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "items.csv: the file is empty"));
}

static void test_header_too_wide(void **state)
{
	env *e = *state;
	/* 10 000 columns: more than the cap */
	size_t n = 10000;
	char *h = malloc(n * 8 + 64);
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(h + o, "c%zu,", i);
	strcpy(h + o, "line_id,result\nL1,positive\n");
	tu_write(e->dir, "exam_results.csv", h);
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "exam_results.csv: line 1: unreadable header: more than 4096 fields"));
	free(h);
	/* a header of millions of columns, longer than the record limit */
	n = 1500000;
	h = malloc(n * 2 + 64);
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = 'x';
		h[2 * i + 1] = ',';
	}
	strcpy(h + 2 * n, "line_id,result\nL1,positive\n");
	tu_write(e->dir, "exam_results.csv", h);
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "exam_results.csv: line 1: unreadable header: record longer than"));
	free(h);
}

static void test_nul_file(void **state)
{
	env *e = *state;
	char *zeros = calloc(1, 3u << 20);
	tu_write_bytes(e->dir, "visits.csv", zeros, 3u << 20);
	assert_int_equal(load(e), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "visits.csv: line 1: the header holds NUL bytes"));
	free(zeros);
}

/* --- rows that are rejected ------------------------------------------------- */

#define CLAIM_HEADER "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n"

static void test_bad_values(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv",
	              CLAIM_HEADER
	              "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"            /* 2: fine */
	              "L4,V1,I1,DR1,2026-05-32 09:30,1,300,300\n"            /* 3: bad date (of May) */
	              "L5,V1,I1,DR1,2026-05-03 09:30,1,abc,300\n"            /* 4: non-numeric money */
	              "L6,V1,I1,DR1,2026-05-03 09:30,1,300.123,300\n"        /* 5: 3 decimals */
	              "L7,V1,I1,DR1,2026-05-03 09:30,1e5,300,300\n"          /* 6: 1e5 */
	              "L8,V404,I1,DR1,2026-05-03 09:30,1,300,300\n"          /* 7: unknown visit */
	              "L1,V1,I1,DR1,2026-05-03 09:31,1,300,300\n"            /* 8: duplicate key */
	              "L9,V1,I1,DR1,9999-01-01 00:00,1,300,300\n"            /* 9: year 9999 */
	              "L10,V1,I1,DR1,2026-05-03 24:00,1,300,300\n"           /* 10: 24:00 */
	              "L11,V1,I1,DR1,2026-05-03 09:30,-1,300,300\n"          /* 11: negative qty, positive amount */
	              "L12,V1,I1,DR1,2026-05-03 09:30,1,-300,300\n"          /* 12: negative unit price */
	              "L13,V1,I1,DR1,,1,300,300\n"                           /* 13: required time empty */
	              "L\xff\xfe,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"     /* 14: invalid UTF-8 id */
	              "L15,V1,,DR1,2026-05-03 09:30,1,300,300\n"             /* 15: item_code empty */
	              "L16,V1,I1,DR9,2026-05-03 09:30,1,300,300\n"           /* 16: unknown physician */
	              "L17,V1,I1,DR1, 2026-05-03 09:30,1,300,300\n"          /* 17: leading space */
	              "L18,V1,I1,DR1,2026-05-03 09:30,1,300\n"               /* 18: a field short */
	              "L19,V1,I1,DR1,2026-05-03 09:30,1,300,300,x\n"         /* 19: a field too many */
	              "L3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n"           /* 20: fine */
	              "L2,V1,I2,,2026-05-03 09:40,-2,12.50,-25\n");          /* 21: a refund: fine */
	assert_int_equal(load(e), 0);
	cw_table_stats *st = &e->st.table[CW_T_CLAIMS];
	assert_int_equal(st->read, 20);
	assert_int_equal(st->loaded, 3);
	assert_int_equal(st->rejected, 17);
	assert_int_equal(cw_rejects_count(NULL), 0);
	assert_reject(e, "claim_lines.csv,3,service_time,no such day in that month: '2026-05-32 09:30'", NULL, "\",2026-05");
	assert_reject(e, "claim_lines.csv,4,unit_price,not a money amount", "'abc'", "\"L5,V1,I1,DR1,2026-05-03 09:30,1,abc,300\"");
	assert_reject(e, "claim_lines.csv,5,unit_price,money has more than 2 decimals: '300.123'", NULL, NULL);
	assert_reject(e, "claim_lines.csv,6,qty,not a quantity", "'1e5'", NULL);
	assert_reject(e, "claim_lines.csv,7,visit_id,unknown visit_id 'V404' (not in visits)", NULL, NULL);
	assert_reject(e, "claim_lines.csv,8,line_id,duplicate line_id 'L1'", NULL, NULL);
	assert_reject(e, "claim_lines.csv,9,service_time,year is outside 1850-2999: '9999-01-01 00:00'", NULL, NULL);
	assert_reject(e, "claim_lines.csv,10,service_time,hour is not 00-23", NULL, NULL);
	assert_reject(e, "claim_lines.csv,11,qty,\"a negative qty is allowed only on a refund line", NULL, NULL);
	assert_reject(e, "claim_lines.csv,12,unit_price,", NULL, NULL);
	assert_reject(e, "claim_lines.csv,13,service_time,service_time is required but empty", NULL, NULL);
	assert_reject(e, "claim_lines.csv,14,line_id,not valid UTF-8: 'L\\xff\\xfe'", "L\\xff\\xfe,V1", NULL);
	assert_reject(e, "claim_lines.csv,15,item_code,item_code is required", NULL, NULL);
	assert_reject(e, "claim_lines.csv,16,physician_id,unknown physician_id 'DR9'", NULL, NULL);
	assert_reject(e, "claim_lines.csv,17,service_time,not a time", NULL, NULL);
	assert_reject(e, "claim_lines.csv,18,,7 fields where the header has 8,", NULL, NULL);
	assert_reject(e, "claim_lines.csv,19,,9 fields where the header has 8,", NULL, NULL);
	/* the reject file is valid UTF-8 whatever the input held */
	const char *why;
	assert_int_equal(cw_check_text(&why, e->rejects, e->rejects_len), 0);
	assert_true(cw_load_reject_share(&e->st) > 0.0);
}

static void test_other_tables(void **state)
{
	env *e = *state;
	tu_write(e->dir, "patients.csv",
	         "patient_id,sex,birth_date\n"
	         "P1,M,1980-01-15\n"
	         "P2,F,\n"
	         "P1,F,1990-01-01\n"    /* 4: duplicate primary key */
	         "P3,X,\n"              /* 5: sex */
	         "P4,M,2023-02-29\n"    /* 6: not a leap year */
	         "P5,U,2024-02-29\n");  /* 7: fine */
	tu_write(e->dir, "prescriptions.csv",
	         "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\n"   /* 3: duplicate (rx_id, line_no) */
	         "RX2,1,V1,DR1,2026-05-03 09:35,I2,-2,7,25\n"  /* 4: negative qty: none allowed */
	         "RX3,1,V1,DR1,2026-05-03 09:35,I2,1,x,25\n"   /* 5: days_supply */
	         "RX4,1,V1,DR1,2026-05-03T09:35:10,I2,1,3,25\n"); /* 6: fine */
	tu_write(e->dir, "items.csv",
	         "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	         "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	         "I1,CT 平扫,exam,次,300,1,72,0,,,,,,\n"
	         "I2,阿莫西林胶囊,drug,盒,12.50,0,,1,3,,0,150,1,outpatient\n"
	         "I3,\"Blood panel, full\",lab,,20,0,24,0,,F,,,,\n"
	         "I4,x,food,,1,0,,0,,,,,,\n"           /* 5: category */
	         "I5,x,drug,,1,2,,0,,,,,,\n"           /* 6: flag */
	         "I6,x,drug,,1,0,,0,-1,,,,,\n"         /* 7: negative max_daily_qty */
	         "I7,x,drug,,1,0,,0,,,,,4,\n"          /* 8: min_level */
	         "I8,x,drug,,1,0,,0,,,,,,emergency\n"  /* 9: setting */
	         "I9,x,drug,,1,0,,0,,U,,,,\n"          /* 10: sex_only */
	         "I10,x,drug,,1,0,,0,,,9,3,,\n"        /* 11: age_min > age_max */
	         "I11,\"bad \xc3\x28 name\",drug,,1,0,,0,,,,,,\n"); /* 12: invalid UTF-8 text */
	tu_write(e->dir, "exam_results.csv",
	         "line_id,result\n"
	         "L1,positive\n"
	         "L3,maybe\n"           /* 3: result */
	         "L1,negative\n");      /* 4: duplicate result */
	assert_int_equal(load(e), 0);
	assert_int_equal(e->st.table[CW_T_PATIENTS].loaded, 3);
	assert_int_equal(e->st.table[CW_T_PATIENTS].rejected, 3);
	assert_reject(e, "patients.csv,4,patient_id,duplicate patient_id 'P1'", NULL, NULL);
	assert_reject(e, "patients.csv,5,sex,\"sex must be M, F or U: 'X'\"", NULL, NULL);
	assert_reject(e, "patients.csv,6,birth_date,no such day in that month: '2023-02-29'", NULL, NULL);
	assert_int_equal(e->st.table[CW_T_PRESCRIPTIONS].loaded, 2);
	assert_reject(e, "prescriptions.csv,3,line_no,duplicate prescription line", NULL, NULL);
	assert_reject(e, "prescriptions.csv,4,qty,must not be negative: '-2'", NULL, NULL);
	assert_reject(e, "prescriptions.csv,5,days_supply,not an integer: 'x'", NULL, NULL);
	assert_int_equal(e->st.table[CW_T_ITEMS].loaded, 3);
	assert_int_equal(e->st.table[CW_T_ITEMS].rejected, 8);
	assert_reject(e, "items.csv,5,category,category must be one of", "'food'", NULL);
	assert_reject(e, "items.csv,6,large_equipment,not a flag (expected 0 or 1): '2'", NULL, NULL);
	assert_reject(e, "items.csv,7,max_daily_qty,must not be negative: '-1'", NULL, NULL);
	assert_reject(e, "items.csv,8,min_level,\"min_level must be 1, 2 or 3: '4'\"", NULL, NULL);
	assert_reject(e, "items.csv,9,setting,setting must be outpatient or inpatient", NULL, NULL);
	assert_reject(e, "items.csv,10,sex_only,sex_only must be M or F: 'U'", NULL, NULL);
	assert_reject(e, "items.csv,11,age_max,age_max 3 is below age_min 9", NULL, NULL);
	assert_reject(e, "items.csv,12,name,not valid UTF-8: 'bad \\xc3(", "\"I11,bad \\xc3( name,drug,", "\",all");
	assert_reject(e, "exam_results.csv,3,result,\"result must be positive, negative or pending: 'maybe'\"", NULL, NULL);
	assert_reject(e, "exam_results.csv,4,line_id,duplicate exam result", NULL, NULL);
}

/* The optional death_date: read when the file has it, none when empty or absent (test_columns_any_order_
 * unknown_warned), checked as a date and against the birth date. */
static void test_death_date(void **state)
{
	env *e = *state;
	tu_write(e->dir, "patients.csv",
	         "patient_id,sex,birth_date,death_date\n"
	         "P1,M,1980-01-15,2026-05-20\n"
	         "P2,F,,\n"
	         "P3,M,,2026-02-30\n"           /* 4: no such day */
	         "P4,M,1990-01-01,1989-12-31\n" /* 5: before the birth */
	         "P5,F,1990-01-01,1990-01-01\n" /* 6: died the day of the birth: fine */
	         "P6,U,,2026-05-01\n");         /* 7: no birth date: fine */
	assert_int_equal(load(e), 0);
	assert_int_equal(e->st.table[CW_T_PATIENTS].loaded, 4);
	assert_reject(e, "patients.csv,4,death_date,no such day in that month: '2026-02-30'", NULL, NULL);
	assert_reject(e, "patients.csv,5,death_date,death_date is before birth_date", NULL, NULL);
	const cw_patients *p = cw_dataset_patients(e->ds);
	assert_int_equal(p->death[cw_dataset_find(e->ds, CW_T_PATIENTS, "P1")], cw_days_from_civil(2026, 5, 20));
	assert_int_equal(p->death[cw_dataset_find(e->ds, CW_T_PATIENTS, "P2")], CW_DAY_NONE);
	assert_int_equal(p->death[cw_dataset_find(e->ds, CW_T_PATIENTS, "P5")], cw_days_from_civil(1990, 1, 1));
	assert_int_equal(p->death[cw_dataset_find(e->ds, CW_T_PATIENTS, "P6")], cw_days_from_civil(2026, 5, 1));
}

/* Data contract 2: the optional columns of who paid a line, the items' catalogue class and essential
 * flag, the institutions' region; read when given, "not given" when empty; every impossible value a
 * reject naming the column (a sign against amount, fund + self over amount, a class letter). */
static void test_contract2(void **state)
{
	env *e = *state;
	tu_write(e->dir, "institutions.csv",
	         "inst_id,name,level,region\n"
	         "H1,第一人民医院,3,R01\n"
	         "H2,Second Hospital,2,\n");
	tu_write(e->dir, "items.csv",
	         "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	         "max_daily_qty,sex_only,age_min,age_max,min_level,setting,catalogue_class,essential\n"
	         "I1,CT 平扫,exam,次,300,1,72,0,,,,,,,乙,\n"
	         "I2,阿莫西林胶囊,drug,盒,12.50,0,,1,3,,0,150,1,outpatient,A,1\n"
	         "I3,Blood panel,lab,,20,0,24,0,,F,,,,,3,0\n"
	         "I4,Bad class,lab,,20,0,24,0,,,,,,,D,0\n"   /* 5 */
	         "I5,Bad flag,lab,,20,0,24,0,,,,,,,,yes\n"); /* 6 */
	tu_write(e->dir, "claim_lines.csv",
	         "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount,fund_amount,self_amount\n"
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300,210,60\n"        /* 2: 30.00 out of scope */
	         "L2,V1,I2,,2026-05-03 09:40,2,12.50,25,,\n"              /* 3: not given */
	         "L3,V2,I3,DR2,2026-05-11 09:00,1,20,20,20,0\n"           /* 4: exactly the amount */
	         "L4,V2,I3,DR2,2026-05-11 10:00,1,20,20,15,5.01\n"        /* 5: one fen over */
	         "L5,V2,I3,DR2,2026-05-11 11:00,1,20,20,-1,0\n"           /* 6: sign */
	         "L6,V2,I3,DR2,2026-05-11 12:00,-1,20,-20,-16,-4\n"       /* 7: refund, all negative: fine */
	         "L7,V2,I3,DR2,2026-05-11 13:00,-1,20,-20,-16,4\n"        /* 8: self sign */
	         "L8,V2,I3,DR2,2026-05-11 14:00,1,20,20,21,\n"            /* 9: fund alone over */
	         "L9,V2,I3,DR2,2026-05-11 15:00,0,20,0,0.01,\n"           /* 10: a zero line paid */
	         "L10,V2,I3,DR2,2026-05-11 16:00,1,20,20,abc,\n");        /* 11 */
	assert_int_equal(load(e), 0);
	assert_reject(e, "items.csv,5,catalogue_class,\"catalogue_class must be 甲, 乙, 丙, A, B, C, 1, 2 or 3: 'D'\"",
	              NULL, NULL);
	assert_reject(e, "items.csv,6,essential,", "'yes'", NULL);
	assert_reject(e, "claim_lines.csv,5,self_amount,fund_amount + self_amount is more than amount", NULL, NULL);
	assert_reject(e, "claim_lines.csv,6,fund_amount,fund_amount must have the sign of amount", NULL, NULL);
	assert_reject(e, "claim_lines.csv,8,self_amount,self_amount must have the sign of amount", NULL, NULL);
	assert_reject(e, "claim_lines.csv,9,fund_amount,fund_amount + self_amount is more than amount", NULL, NULL);
	assert_reject(e, "claim_lines.csv,10,fund_amount,fund_amount must have the sign of amount", NULL, NULL);
	assert_reject(e, "claim_lines.csv,11,fund_amount,not a money amount", NULL, NULL);
	assert_int_equal(e->st.table[CW_T_CLAIMS].loaded, 4);
	assert_int_equal(e->st.table[CW_T_ITEMS].loaded, 3);
	const cw_institutions *in = cw_dataset_institutions(e->ds);
	assert_string_equal(cw_dataset_str(e->ds, in->region[cw_dataset_find(e->ds, CW_T_INSTITUTIONS, "H1")]), "R01");
	assert_int_equal(in->region[cw_dataset_find(e->ds, CW_T_INSTITUTIONS, "H2")], CW_NONE);
	const cw_items *it = cw_dataset_items(e->ds);
	cw_ref i1 = cw_dataset_find(e->ds, CW_T_ITEMS, "I1"), i2 = cw_dataset_find(e->ds, CW_T_ITEMS, "I2");
	cw_ref i3 = cw_dataset_find(e->ds, CW_T_ITEMS, "I3");
	assert_int_equal(it->catalogue_class[i1], CW_CLASS_B);
	assert_int_equal(it->catalogue_class[i2], CW_CLASS_A);
	assert_int_equal(it->catalogue_class[i3], CW_CLASS_C);
	assert_int_equal(it->essential[i1], 0);
	assert_int_equal(it->essential[i2], 1);
	const cw_claims *cl = cw_dataset_claims(e->ds);
	cw_ref l1 = cw_dataset_find(e->ds, CW_T_CLAIMS, "L1"), l2 = cw_dataset_find(e->ds, CW_T_CLAIMS, "L2");
	cw_ref l3 = cw_dataset_find(e->ds, CW_T_CLAIMS, "L3"), l6 = cw_dataset_find(e->ds, CW_T_CLAIMS, "L6");
	assert_int_equal(cl->fund[l1], 21000);
	assert_int_equal(cl->self_pay[l1], 6000);
	assert_true(cl->fund[l2] == CW_FEN_NONE && cl->self_pay[l2] == CW_FEN_NONE);
	assert_int_equal(cl->fund[l3], 2000);
	assert_int_equal(cl->self_pay[l3], 0);
	assert_int_equal(cl->fund[l6], -1600);
	assert_int_equal(cl->self_pay[l6], -400);
}

/* Version-1 files (no contract-2 columns): nothing given, nothing rejected. */
static void test_contract1_reads_unchanged(void **state)
{
	env *e = *state;
	assert_int_equal(load(e), 0);
	assert_int_equal(total_rejected(e), 0);
	const cw_claims *cl = cw_dataset_claims(e->ds);
	for (size_t i = 0; i < cl->n; i++)
		assert_true(cl->fund[i] == CW_FEN_NONE && cl->self_pay[i] == CW_FEN_NONE);
	const cw_items *it = cw_dataset_items(e->ds);
	for (size_t i = 0; i < it->n; i++)
		assert_true(it->catalogue_class[i] == CW_CLASS_UNKNOWN && it->essential[i] == 0);
	const cw_institutions *in = cw_dataset_institutions(e->ds);
	for (size_t i = 0; i < in->n; i++)
		assert_int_equal(in->region[i], CW_NONE);
}

static void test_broken_quoting_nul_truncated(void **state)
{
	env *e = *state;
	const char csv[] = CLAIM_HEADER
	                   "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"          /* 2 */
	                   "L5,V1,I\"1,DR1,2026-05-03 09:30,1,300,300\n"        /* 3: stray quote */
	                   "L6,V1,\"I1\"x,DR1,2026-05-03 09:30,1,300,300\n"     /* 4: garbage after quote */
	                   "L7,V1,I1,DR1,2026-05-03 09:30,1,3\0\0,300\n"        /* 5: NUL bytes */
	                   "L8,\"V\"\"1\",\"I1\",,2026-05-03 09:30,1,300,300\n" /* 6: unknown visit V"1 */
	                   "L4,V1,\"I1,DR1,2026-05-03 09:30,1,300,300\n"        /* 7: quote never closed */
	                   "L3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n"         /* 8: fine */
	                   "L2,V1,I2,,2026-05-03 09:40";                        /* 9: truncated */
	tu_write_bytes(e->dir, "claim_lines.csv", csv, sizeof csv - 1);
	assert_int_equal(load(e), 0);
	cw_table_stats *st = &e->st.table[CW_T_CLAIMS];
	assert_int_equal(st->read, 8);
	assert_int_equal(st->loaded, 2);
	assert_int_equal(st->rejected, 6);
	assert_reject(e, "claim_lines.csv,3,,stray quote in an unquoted field", NULL, NULL);
	assert_reject(e, "claim_lines.csv,4,,garbage after a closing quote", NULL, NULL);
	assert_reject(e, "claim_lines.csv,5,,NUL byte in record", "1,3\\x00\\x00,300", NULL);
	assert_reject(e, "claim_lines.csv,6,visit_id,\"unknown visit_id 'V\"\"1'", NULL, NULL);
	assert_reject(e, "claim_lines.csv,7,,unterminated quoted field (broken quoting)", NULL, NULL);
	assert_reject(e, "claim_lines.csv,9,,5 fields where the header has 8 (truncated last line)", NULL, NULL);
	/* a complete last line without its line break is fine */
	tu_write(e->dir, "claim_lines.csv", CLAIM_HEADER "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300");
	assert_int_equal(load(e), 0);
	assert_int_equal(e->st.table[CW_T_CLAIMS].loaded, 1);
	assert_int_equal(total_rejected(e), 0);
}

static void test_giant_line(void **state)
{
	env *e = *state;
	size_t big = (2u << 20) + 12345;
	char *csv = malloc(big + 256);
	size_t o = (size_t)sprintf(csv, CLAIM_HEADER "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\nL4,V1,");
	memset(csv + o, 'A', big);
	o += big;
	o += (size_t)sprintf(csv + o, ",x\nL3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n");
	tu_write_bytes(e->dir, "claim_lines.csv", csv, o);
	assert_int_equal(load(e), 0);
	cw_table_stats *st = &e->st.table[CW_T_CLAIMS];
	assert_int_equal(st->read, 3);
	assert_int_equal(st->loaded, 2);
	assert_int_equal(st->rejected, 1);
	assert_reject(e, "claim_lines.csv,3,,record longer than 1048576 bytes (record cut after 4 KiB),\"L4,V1,AAAA", NULL,
	              NULL);
	/* the reject file holds 4 KiB of the record, not 2 MiB */
	assert_true(e->rejects_len < 4096 + 1024);
	free(csv);
}

static void test_window(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv",
	              CLAIM_HEADER
	              "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	              "L2,V1,I2,,2026-04-30 23:59,2,12.50,25\n"    /* the day before the month */
	              "L3,V2,I3,DR2,2026-06-01 00:00,1,20,20.00\n" /* the first minute after it */
	              "L4,V2,I3,DR2,2026-03-01 00:00,1,20,20.00\n");
	assert_int_equal(load(e), 0);
	cw_table_stats *st = &e->st.table[CW_T_CLAIMS];
	assert_int_equal(st->loaded, 1);
	assert_int_equal(st->skipped, 3);
	assert_int_equal(st->rejected, 0);
	/* exam results of lines outside the window are skipped too */
	assert_int_equal(e->st.table[CW_T_RESULTS].loaded, 1);
	assert_int_equal(e->st.table[CW_T_RESULTS].skipped, 1);
	/* a look-back of 31 days takes the April line */
	assert_int_equal(load_from(e, e->dir, "2026-05", 31), 0);
	assert_int_equal(e->st.table[CW_T_CLAIMS].loaded, 2);
	assert_int_equal(e->st.table[CW_T_CLAIMS].skipped, 2);
}

/* Rejected rows count against the month they belong to (issue 11, item 5):
 * a bad row of another month is that month's business (skipped here), one of
 * the look-back is listed but counted against its own month, one whose month
 * cannot be told is listed and counted against none; the share is over the
 * month's rows. */
static void test_rejects_by_month(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv",
	         CLAIM_HEADER
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	         "L2,V1,I1,DR1,2026-02-03 09:30,1,300,x\n"        /* 3: February: skipped */
	         "L3,V1,I1,DR1,2026-04-20 09:30,1,300,x\n"        /* 4: the look-back */
	         "L4,V1,I1,DR1,2026-05-04 09:30,1,300,x\n"        /* 5: May */
	         "L5,V1,I1,DR1,2026-05-32 08:00,1,300,300\n"      /* 6: May, by its YYYY-MM */
	         "L6,V1,I1,DR1,sometime,1,300,300\n"              /* 7: cannot be told */
	         "L7,V1,\"I1\"x,DR1,2026-05-03 09:30,1,300,300\n" /* 8: cannot be split */
	         "L8,V1,I1,DR1,2026-06-01 00:00,1,300,x\n"        /* 9: June: skipped */
	         "L9,V1,I1,DR1,2026-02-30 09:30,1,300,300\n");    /* 10: February, by its YYYY-MM: skipped */
	tu_write(e->dir, "visits.csv",
	         "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n"
	         "V1,P1,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x\n"
	         "V2,P2,H2,D2,DR2,inpatient,2026-05-10 08:00,2026-05-15 10:00,J18.9,y\n"
	         "V8,P9,H1,D1,DR1,outpatient,2026-02-03 09:00,,I10,x\n"                 /* 4: February: skipped */
	         "V9,P9,H1,D1,DR1,inpatient,2026-02-03 09:00,,I10,x\n");                /* 5: a stay still open */
	assert_int_equal(load_from(e, e->dir, "2026-05", 31), 0);
	const cw_table_stats *cl = &e->st.table[CW_T_CLAIMS], *v = &e->st.table[CW_T_VISITS];
	assert_int_equal(cl->read, 9);
	assert_int_equal(cl->loaded, 1);
	assert_int_equal(cl->skipped, 3);
	assert_int_equal(cl->rejected, 5);
	assert_int_equal(cl->rejected_lookback, 1);
	assert_int_equal(cl->rejected_unknown, 2);
	assert_int_equal(cl->month_rows, 3); /* L1, L4, L5 */
	assert_int_equal(v->skipped, 1);
	assert_int_equal(v->rejected, 1);
	assert_int_equal(v->rejected_lookback, 1);
	assert_int_equal(v->month_rows, 2);
	assert_reject(e, "claim_lines.csv,4,amount", NULL, "\",2026-04");
	assert_reject(e, "claim_lines.csv,5,amount", NULL, "\",2026-05");
	assert_reject(e, "claim_lines.csv,6,service_time", NULL, "\",2026-05");
	assert_reject(e, "claim_lines.csv,7,service_time", "L6,V1,I1,DR1,sometime,1,300,300\",", NULL);
	assert_reject(e, "claim_lines.csv,8,,garbage after a closing quote", NULL, NULL);
	assert_reject(e, "visits.csv,5,patient_id", NULL, "\",2026-02");
	assert_null(strstr(e->rejects, "claim_lines.csv,3,"));
	assert_null(strstr(e->rejects, "claim_lines.csv,9,"));
	assert_null(strstr(e->rejects, "visits.csv,4,"));
	cw_table_stats sum = cw_load_totals(&e->st);
	assert_int_equal(sum.rejected - sum.rejected_lookback - sum.rejected_unknown, 2);
	assert_true(cw_load_month_share(&e->st) == 2.0 / (double)sum.month_rows);
	assert_true(cw_load_reject_share(&e->st) == 6.0 / (double)sum.read);
}

/* Money and quantities beyond the contract's bound are rejected with their
 * column (issue 11, item 10), the bound itself is taken. */
static void test_money_bound(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv",
	         CLAIM_HEADER
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,99999999.99,99999999.99\n"   /* 2: the bound */
	         "L2,V1,I1,DR1,2026-05-03 09:31,-1,99999999.99,-99999999.99\n" /* 3: a refund at the bound */
	         "L3,V1,I1,DR1,2026-05-03 09:32,999.999,100000,99999900\n"     /* 4: qty times price at the bound */
	         "L4,V1,I1,DR1,2026-05-03 09:33,1,300,100000000.00\n"          /* 5: amount */
	         "L5,V1,I1,DR1,2026-05-03 09:34,1,300,1000000000000\n"         /* 6: 10^12 */
	         "L6,V1,I1,DR1,2026-05-03 09:35,1,300,-100000000\n"            /* 7: below minus the bound */
	         "L7,V1,I1,DR1,2026-05-03 09:36,100000000,0,0\n"               /* 8: qty */
	         "L8,V1,I1,DR1,2026-05-03 09:37,1000,100000.00,10\n"           /* 9: qty times unit_price */
	         "L9,V1,I1,DR1,2026-05-03 09:38,1,100000000,1\n");             /* 10: unit_price */
	tu_write(e->dir, "prescriptions.csv",
	         "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n"
	         "RX1,1,V1,DR1,2026-05-03 09:35,I2,2,7,100000000\n");
	tu_write(e->dir, "items.csv",
	         "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	         "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	         "I1,CT 平扫,exam,次,99999999.99,1,72,0,,,,,,\n"
	         "I2,阿莫西林胶囊,drug,盒,12.50,0,,1,3,,0,150,1,outpatient\n"
	         "I3,\"Blood panel, full\",lab,,20,0,24,0,,F,,,,\n"
	         "I4,x,drug,,100000000,0,,0,,,,,,\n"
	         "I5,x,drug,,1,0,,0,100000000,,,,,\n");
	assert_int_equal(load(e), 0);
	assert_int_equal(e->st.table[CW_T_CLAIMS].loaded, 3);
	assert_int_equal(e->st.table[CW_T_CLAIMS].rejected, 6);
	const char *bound = "more than 99999999.99 yuan in absolute value, the contract's bound for one amount";
	assert_reject(e, "claim_lines.csv,5,amount,", bound, "'100000000.00'");
	assert_reject(e, "claim_lines.csv,6,amount,", bound, "'1000000000000'");
	assert_reject(e, "claim_lines.csv,7,amount,", bound, "'-100000000'");
	assert_reject(e, "claim_lines.csv,8,qty,", "more than 99999999.999 in absolute value", "'100000000'");
	assert_reject(e, "claim_lines.csv,9,unit_price,", "qty times unit_price is more than 99999999.99 yuan", NULL);
	assert_reject(e, "claim_lines.csv,10,unit_price,", bound, NULL);
	assert_reject(e, "prescriptions.csv,2,amount,", bound, NULL);
	assert_reject(e, "items.csv,5,std_price,", bound, NULL);
	assert_reject(e, "items.csv,6,max_daily_qty,", "more than 99999999.999", NULL);
	const cw_claims *c = cw_dataset_claims(e->ds);
	assert_int_equal(c->amount[cw_dataset_find(e->ds, CW_T_CLAIMS, "L1")], CW_MONEY_MAX);
	assert_int_equal(c->amount[cw_dataset_find(e->ds, CW_T_CLAIMS, "L2")], -CW_MONEY_MAX);
}

static void test_month_without_claims(void **state)
{
	env *e = *state;
	tu_write(e->dir, "claim_lines.csv", CLAIM_HEADER);
	tu_write(e->dir, "exam_results.csv", "line_id,result\r\n");
	tu_write(e->dir, "prescriptions.csv",
	         "\xEF\xBB\xBFrx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount");
	assert_int_equal(load(e), 0);
	assert_int_equal(cw_dataset_claims(e->ds)->n, 0);
	assert_int_equal(e->st.table[CW_T_CLAIMS].read, 0);
	assert_int_equal(total_rejected(e), 0);
}

static void test_rejects_writer(void **state)
{
	env *e = *state;
	char path[4096];
	snprintf(path, sizeof path, "%s/w.out", e->dir);
	cw_rejects *r;
	assert_int_equal(cw_rejects_open(&r, path), 0);
	assert_int_equal(cw_rejects_add(r, "a.csv", 7, "", "name", "bad, \"very\"", "x,\"y\nz\"", 7), 0);
	assert_int_equal(cw_rejects_add(r, "a.csv", 8, "", NULL, "nul", "a\0b\r\xe4\xb8", 6), 0);
	char big[5000];
	memset(big, 'b', sizeof big);
	memcpy(big + 4094, "中", 3); /* straddles the cut: left out whole */
	assert_int_equal(cw_rejects_add(r, "a.csv", 9, "", "", "long", big, sizeof big), 0);
	assert_int_equal(cw_rejects_count(r), 3);
	assert_int_equal(cw_rejects_close(r), 0);
	char *text = tu_read(path);
	assert_non_null(text);
	char want[8192];
	int n = snprintf(want, sizeof want,
	                 "file,line,column,reason,record,month\n"
	                 "a.csv,7,name,\"bad, \"\"very\"\"\",\"x,\"\"y\nz\"\"\",\n"
	                 "a.csv,8,,nul,a\\x00b\\x0d\\xe4\\xb8,\n"
	                 "a.csv,9,,long (record cut after 4 KiB),");
	memset(want + n, 'b', 4094);
	strcpy(want + n + 4094, ",\n");
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(cw_rejects_open(&r, "/nonexistent/dir/rejects.csv"), CW_EIO);
	assert_non_null(strstr(cw_error_last(), "/nonexistent/dir/rejects.csv"));
}

/* Duplicate primary keys in every table, a bundle that contains itself
 * (directly, and through another bundle), times in the year 9999, references
 * to rows that do not exist: each a reject naming the column, never a crash. */
static void test_hostile_keys_and_references(void **state)
{
	env *e = *state;
	tu_write(e->dir, "institutions.csv", "inst_id,name,level\nH1,A,3\nH2,B,2\nH1,Again,1\n");
	tu_write(e->dir, "departments.csv",
	         "dept_id,inst_id,name,specialty\nD1,H1,a,cardiology\nD2,H2,b,cardiology\nD1,H2,c,x\nD3,H9,d,x\n");
	tu_write(e->dir, "physicians.csv",
	         "physician_id,name,inst_id,dept_id,title\nDR1,a,H1,D1,\nDR2,b,H2,D2,\nDR1,c,H1,D1,\n");
	tu_write(e->dir, "items.csv",
	         "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	         "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	         "I1,CT,exam,,300,1,72,0,,,,,,\nI2,drug,drug,,12.50,0,,1,3,,,,,\nI3,panel,lab,,20,0,24,0,,,,,,\n"
	         "I1,CT again,exam,,1,0,,0,,,,,,\n"
	         "I4,x,drug,,1,0,99999999999,0,,,,,,\n"); /* 6: a huge number */
	tu_write(e->dir, "bundles.csv",
	         "bundle_code,component_code\n"
	         "I3,I1\n"
	         "I3,I3\n"   /* 3: contains itself */
	         "I1,I3\n"   /* 4: contains itself through I3: a cycle, taken (one level is read) */
	         "I3,I1\n"   /* 5: duplicate pair */
	         "I9,I1\n"); /* 6: unknown bundle */
	tu_write(e->dir, "visits.csv",
	         "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n"
	         "V1,P1,H1,D1,DR1,outpatient,2026-05-03 09:00,,I10,x\n"
	         "V2,P2,H2,D2,DR2,inpatient,2026-05-10 08:00,2026-05-15 10:00,J18.9,y\n"
	         "V1,P2,H2,D2,DR2,outpatient,2026-05-04 09:00,,I10,dup\n"         /* 4: duplicate */
	         "V3,P9,H1,D1,DR1,outpatient,2026-05-04 09:00,,I10,\n"            /* 5: unknown patient */
	         "V4,P1,H1,D1,DR1,inpatient,9999-05-04 09:00,,I10,\n"             /* 6: year 9999 */
	         "V5,P1,H1,D1,DR1,inpatient,2026-05-04 09:00,9999-12-31 23:59,I10,\n" /* 7: year 9999 */
	         "V6,P1,H1,D1,DR1,inpatient,2026-05-04 09:00,2026-05-01 09:00,I10,\n" /* 8: ends first */
	         "V7,P1,H2,D1,DR1,outpatient,2026-05-04 09:00,,I10,\n");          /* 9: dept of another inst */
	tu_write(e->dir, "claim_lines.csv",
	         CLAIM_HEADER
	         "L1,V1,I1,DR1,2026-05-03 09:30,1,300,300\n"
	         "L2,V1,I3,,2026-05-03 09:40,1,20,20\n"
	         "L3,V2,I3,DR2,2026-05-11 08:00,1,20,20.00\n"
	         "L4,V404,I1,DR1,2026-05-03 09:30,1,300,300\n"  /* 5: visit that does not exist */
	         "L5,V3,I1,DR1,2026-05-03 09:30,1,300,300\n");  /* 6: visit that was rejected */
	tu_write(e->dir, "prescriptions.csv",
	         "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n"
	         "RX1,1,V404,DR1,2026-05-03 09:35,I2,2,7,25\n"       /* 2: visit that does not exist */
	         "RX2,1,V1,DR1,2026-05-03 09:35,I2,2,7,25\n"
	         "RX3,99999999999,V1,DR1,2026-05-03 09:35,I2,2,7,25\n"); /* 4: huge line_no */
	tu_write(e->dir, "exam_results.csv", "line_id,result\nL1,positive\nL404,negative\n");
	assert_int_equal(load(e), 0);
	assert_reject(e, "institutions.csv,4,inst_id,duplicate inst_id 'H1'", NULL, NULL);
	assert_reject(e, "departments.csv,4,dept_id,duplicate dept_id 'D1'", NULL, NULL);
	assert_reject(e, "departments.csv,5,inst_id,unknown inst_id 'H9'", NULL, NULL);
	assert_reject(e, "physicians.csv,4,physician_id,duplicate physician_id 'DR1'", NULL, NULL);
	assert_reject(e, "items.csv,5,item_code,duplicate item_code 'I1'", NULL, NULL);
	assert_reject(e, "items.csv,6,retest_hours,retest_hours must be 0-1000000: '99999999999'", NULL, NULL);
	assert_reject(e, "bundles.csv,3,component_code,bundle 'I3' cannot contain itself", NULL, NULL);
	assert_reject(e, "bundles.csv,5,component_code,duplicate bundle pair 'I3' -> 'I1'", NULL, NULL);
	assert_reject(e, "bundles.csv,6,bundle_code,unknown bundle_code 'I9'", NULL, NULL);
	assert_int_equal(e->st.table[CW_T_BUNDLES].loaded, 2);
	assert_reject(e, "visits.csv,4,visit_id,duplicate visit_id 'V1'", NULL, NULL);
	assert_reject(e, "visits.csv,5,patient_id,unknown patient_id", NULL, NULL);
	assert_reject(e, "visits.csv,6,admit_time,year is outside 1850-2999: '9999-05-04 09:00'", NULL, NULL);
	assert_reject(e, "visits.csv,7,discharge_time,year is outside 1850-2999", NULL, NULL);
	assert_reject(e, "visits.csv,8,discharge_time,discharge_time is before admit_time", NULL, NULL);
	assert_reject(e, "visits.csv,9,dept_id,\"department 'D1' belongs to institution 'H1', not 'H2'\"", NULL, NULL);
	assert_reject(e, "claim_lines.csv,5,visit_id,unknown visit_id 'V404' (not in visits)", NULL, NULL);
	/* its visit was rejected: the line says so, with the visit's reason (the patient id withheld) */
	assert_reject(e, "claim_lines.csv,6,visit_id,visit V3 was rejected (visits.csv line 5: patient_id: unknown "
	                 "patient_id '\xe2\x80\xa6' (not in patients))", NULL, NULL);
	assert_reject(e, "prescriptions.csv,2,visit_id,unknown visit_id 'V404'", NULL, NULL);
	assert_reject(e, "prescriptions.csv,4,line_no,line_no must be 0 or more: '99999999999'", NULL, NULL);
	/* a result of a line that is not loaded may be of a line outside the window: skipped, not rejected */
	assert_int_equal(e->st.table[CW_T_RESULTS].skipped, 1);
	assert_int_equal(e->st.table[CW_T_CLAIMS].loaded, 3);
	/* the cyclic bundles reach the detectors, which finish */
	cw_findings *f = tu_detect(e->ds, NULL, NULL);
	assert_non_null(f);
	cw_findings_free(f);
}

/* A header whose unknown column names hold invalid UTF-8, control bytes and
 * terminal escapes: warned about, escaped. */
static void test_hostile_header_names(void **state)
{
	env *e = *state;
	tu_write(e->dir, "exam_results.csv", "line_id,\xff\xfe\x1b[31mred,\xc2\x9b" "2J,result\nL1,x,y,positive\n");
	assert_int_equal(load(e), 0);
	assert_non_null(strstr(e->warn, "unknown column '\\xff\\xfe\\x1b[31mred' ignored"));
	assert_non_null(strstr(e->warn, "unknown column '\\xc2\\x9b2J' ignored"));
	assert_null(strchr(e->warn, 0x1b));
	assert_int_equal(e->st.table[CW_T_RESULTS].loaded, 1);
}

/* --- the contract's sample -------------------------------------------------- */

static const char *sample_dir(void)
{
	static const char *const dirs[] = { CW_SOURCE_DIR "/../shared/samples/contract-sample",
		                            CW_SOURCE_DIR "/../../shared/samples/contract-sample",
		                            "/work/shared/samples/contract-sample" };
	struct stat st;
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			return dirs[i];
	return NULL;
}

static void test_contract_sample(void **state)
{
	env *e = *state;
	const char *dir = sample_dir();
	if (!dir) {
		skip();
		return;
	}
	assert_int_equal(load_from(e, dir, "2026-05", 0), 0);
	if (total_rejected(e))
		fail_msg("the sample must load without rejects:\n%s", e->rejects);
	assert_int_equal(e->st.warnings, 1); /* patients.insurance_type */
	assert_non_null(strstr(e->warn, "insurance_type"));
	for (int t = 0; t < CW_T_COUNT; t++)
		assert_true(e->st.table[t].read > 0);
	/* a quoted item name with a line break, kept whole */
	cw_ref it = cw_dataset_find(e->ds, CW_T_ITEMS, "C140300003");
	assert_int_not_equal(it, CW_NONE);
	assert_non_null(strstr(cw_dataset_str(e->ds, cw_dataset_items(e->ds)->name[it]), "\n"));
	/* refund lines: negative qty and amount */
	const cw_claims *c = cw_dataset_claims(e->ds);
	size_t refunds = 0;
	for (size_t i = 0; i < c->n; i++)
		refunds += (c->flags[i] & CW_LINE_REFUND) != 0;
	assert_true(refunds > 0);
	/* BOM on visits.csv: the first visit is there */
	assert_int_not_equal(cw_dataset_find(e->ds, CW_T_VISITS, "V000000001"), CW_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_month, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_file_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_any_order_unknown_warned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_required_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_too_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_death_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contract2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contract1_reads_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_quoting_nul_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_giant_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_by_month, setup, teardown),
		cmocka_unit_test_setup_teardown(test_money_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_month_without_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_keys_and_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_header_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contract_sample, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
