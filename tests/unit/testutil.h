/* testutil.h: helpers shared by the unit tests: tiny hand-built datasets, temp folders, files. */
#ifndef CW_TESTUTIL_H
#define CW_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "claimwatch/dataset.h"
#include "claimwatch/findings.h"
#include "claimwatch/rules.h"

/* "2026-05-01 08:00" -> minutes; fails the test on a bad string. */
cw_minute tu_time(const char *s);
cw_day tu_date(const char *s);

/* A builder for `month` ("2026-05", look-back 45 days) holding a small world:
 *   institutions H1 (level 3), H2 (level 2), H3 (level 1)
 *   departments  D1 (H1, cardiology), D2 (H2, cardiology), D3 (H3, general), D4 (H1, respiratory)
 *   physicians   DR1, DR2 (H1/D1), DR3 (H2/D2), DR4 (H3/D3), DR5 (H1/D4)
 *   patients     PM (M, born 1980-01-01), PF (F, 1990-06-15), PC (M, 2020-03-01), PU (U, no birth date)
 * and no items. */
cw_builder *tu_builder(const char *month);

/* An item row with only the required fields set; change fields, then tu_add_item. */
cw_item_row tu_item_row(const char *code, int category, cw_fen std_price);
void tu_add_item(cw_builder *b, const cw_item_row *r);
void tu_add_bundle(cw_builder *b, const char *bundle, const char *component);
/* discharge may be NULL; the visit's institution and department are its physician's. */
void tu_add_visit(cw_builder *b, const char *id, const char *patient, const char *physician, int kind,
                  const char *admit, const char *discharge, const char *dx);
/* qty in thousandths (CW_QTY_ONE = 1 unit); amount = qty * unit_price. */
void tu_add_line(cw_builder *b, const char *id, const char *visit, const char *item, const char *time,
                 cw_qty qty, cw_fen unit_price);
/* Same with an explicit ordering physician. */
void tu_add_line_by(cw_builder *b, const char *id, const char *visit, const char *item, const char *time,
                    cw_qty qty, cw_fen unit_price, const char *physician);
void tu_add_result(cw_builder *b, const char *line_id, int result);
void tu_add_rx(cw_builder *b, const char *rx_id, int line_no, const char *visit, const char *physician,
               const char *time, const char *drug, cw_qty qty, int days, cw_fen amount);
cw_dataset *tu_finish(cw_builder *b);

/* The built-in detectors, made on the first call and freed at exit: the registry the tests load
 * their rules with. */
cw_registry *tu_registry(void);

/* Runs one detector (by name) on ds with the default rules merged with
 * rules_json (NULL for none). Fails the test on error. */
cw_findings *tu_detect(const cw_dataset *ds, const char *detector, const char *rules_json);
/* Same with a thread count, for determinism tests. */
cw_findings *tu_detect_threads(const cw_dataset *ds, const char *detector, const char *rules_json, int threads);

/* Finding i's evidence line ids, space separated, into buf. */
const char *tu_lines(const cw_dataset *ds, const cw_findings *fs, size_t i, char *buf, size_t size);

/* A fresh empty folder under /tmp; removed by tu_rmtree. */
char *tu_tempdir(void);
void tu_rmtree(const char *path);
/* Writes text to dir/name. */
void tu_write(const char *dir, const char *name, const char *text);
/* The whole file as a NUL-terminated string (caller frees), or NULL. */
char *tu_read(const char *path);
/* cw_review_append, failing the test when it warns (the file had a damaged end). */
struct cw_review;
int tu_review(const char *root, const struct cw_review *r);

/* --- the CSV source's tests ------------------------------------------------- */
/* "dir/name" in a static buffer (overwritten by the next call). */
const char *tu_path(const char *dir, const char *name);
/* Writes len bytes (NULs and all) to dir/name. */
void tu_write_bytes(const char *dir, const char *name, const void *data, size_t len);
/* A small valid month (2026-05) of the ten contract tables, as CSV files in
 * dir: 2 institutions, 2 departments, 2 physicians, 2 patients, 3 items, 1
 * bundle, 2 visits, 3 claim lines, 1 prescription, 2 exam results; Chinese
 * text and empty optional fields included. Overwrite one file to test it. */
void tu_write_month(const char *dir);
/* ROOT/MONTH/findings.csv with the contract's first columns (finding_id .. reason) and the given rows,
 * the month folder made when missing. */
void tu_write_findings(const char *root, const char *month, const char *rows);
#define TU_MONTH_ROWS { 2, 2, 2, 2, 3, 1, 2, 3, 1, 2 }

/* --- added for the detector tests ------------------------------------------ */
/* A patient beyond the four of tu_builder; birth "YYYY-MM-DD" or NULL. */
void tu_add_patient(cw_builder *b, const char *id, int sex, const char *birth);
/* The index of the finding whose evidence is exactly these line ids (space
 * separated, in the finding's order) and whose tag is tag (NULL: any), or -1. */
int tu_find(const cw_dataset *ds, const cw_findings *fs, const char *lines, const char *tag);
/* tu_add_line with the time in minutes and an optional ordering physician
 * (NULL: the visit's), for tests that add many lines. */
void tu_add_line_at(cw_builder *b, const char *id, const char *visit, const char *item, cw_minute t, cw_qty qty,
                    cw_fen unit_price, const char *physician);
/* For tests with many patients: patient "P%04d" numbered n (M when n is even;
 * born 1970-01-01, unknown for every fifth) with one open inpatient stay
 * "V%04d" admitted at admit, attended by DR3 for every third n, else DR1. The
 * stay's id goes to vid (16 bytes or more). */
void tu_add_stay(cw_builder *b, int n, const char *admit, char *vid);

/* --- added for the physician-level detector tests ------------------------------ */
/* Rows beyond tu_builder's small world, for peer groups of many physicians. */
void tu_add_institution(cw_builder *b, const char *id, int level);
void tu_add_department(cw_builder *b, const char *id, const char *inst, const char *specialty);
void tu_add_physician(cw_builder *b, const char *id, const char *inst, const char *dept);
/* A visit in an explicit institution and department (tu_add_visit derives them
 * from the small world's physicians); times in minutes, discharge
 * CW_MINUTE_NONE when none. */
void tu_add_visit_in(cw_builder *b, const char *id, const char *patient, const char *physician, const char *inst,
                     const char *dept, int kind, cw_minute admit, cw_minute discharge, const char *dx);
/* A fixed-seed pseudo-random generator (splitmix64) for generated test data. */
typedef struct tu_rng {
	uint64_t state;
} tu_rng;
uint64_t tu_rand(tu_rng *r);
/* Uniform in [0, 1). */
double tu_uniform(tu_rng *r);

#endif
