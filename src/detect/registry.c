/* registry.c: the static table of detectors, in alphabetical order of their names (the order of
 * findings.csv, evidence.csv and the report's detector tables). Adding a detector adds one line here and one
 * file beside it. */
#include <string.h>
#include "claimwatch/detector.h"

extern const cw_detector cw_detector_antibiotic_overuse;
extern const cw_detector cw_detector_duplicate_billing;
extern const cw_detector cw_detector_idle_bed;
extern const cw_detector cw_detector_item_restriction;
extern const cw_detector cw_detector_large_prescription;
extern const cw_detector cw_detector_low_positive_rate;
extern const cw_detector cw_detector_outlier_physician;
extern const cw_detector cw_detector_over_frequency;
extern const cw_detector cw_detector_over_price;
extern const cw_detector cw_detector_repeat_test;
extern const cw_detector cw_detector_split_admission;
extern const cw_detector cw_detector_split_billing;
extern const cw_detector cw_detector_unwarranted_admission;

const cw_detector *const cw_detectors[] = {
	&cw_detector_antibiotic_overuse,
	&cw_detector_duplicate_billing,
	&cw_detector_idle_bed,
	&cw_detector_item_restriction,
	&cw_detector_large_prescription,
	&cw_detector_low_positive_rate,
	&cw_detector_outlier_physician,
	&cw_detector_over_frequency,
	&cw_detector_over_price,
	&cw_detector_repeat_test,
	&cw_detector_split_admission,
	&cw_detector_split_billing,
	&cw_detector_unwarranted_admission,
	NULL
};

size_t cw_detector_count(void)
{
	size_t n = 0;
	while (cw_detectors[n])
		n++;
	return n;
}

int cw_detector_index(const char *name)
{
	for (size_t i = 0; cw_detectors[i]; i++)
		if (!strcmp(cw_detectors[i]->name, name))
			return (int)i;
	return -1;
}

const cw_detector *cw_detector_find(const char *name)
{
	int i = cw_detector_index(name);
	return i < 0 ? NULL : cw_detectors[i];
}
