/* detset_month.h: the small month of the detector-set tests (tests/unit/test_detect_set.c and its
 * allocation-failure twin tests/oom/test_oom_detect.c), written once. */
#ifndef CW_TEST_DETSET_MONTH_H
#define CW_TEST_DETSET_MONTH_H
#include <stdio.h>
#include "testutil.h"

/* A month with findings of three detectors: duplicate_billing (L1, L2), over_price (L3) and
 * large_prescription (R1: 7 drugs), on two patients. */
static cw_dataset *detset_month(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("LAB", CW_CAT_LAB, 2000);
	tu_add_item(b, &r);
	for (int i = 1; i <= 7; i++) {
		char code[8];
		snprintf(code, sizeof code, "D%d", i);
		r = tu_item_row(code, CW_CAT_DRUG, 1000);
		tu_add_item(b, &r);
	}
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
	tu_add_visit(b, "V2", "PF", "DR3", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "J06.9");
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L2", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L3", "V2", "LAB", "2026-05-09 09:00", CW_QTY_ONE, 2600);
	for (int i = 1; i <= 7; i++) {
		char code[8];
		snprintf(code, sizeof code, "D%d", i);
		tu_add_rx(b, "R1", i, "V2", "DR3", "2026-05-09 09:30", code, CW_QTY_ONE, 3, 1000);
	}
	return tu_finish(b);
}

#endif
