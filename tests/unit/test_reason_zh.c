/* test_reason_zh.c: every built-in detector gives its reasons in Chinese too (issue 13, item 8). A
 * generated month (tools/gen plants every detector's schemes) is loaded and every enabled detector run
 * over it; each detector must find something, and each finding must carry a Chinese reason that is
 * Chinese: no English word of the English reason's vocabulary left in it, no printf conversion left
 * unformatted, valid UTF-8. The compiler checks that both formats of cw_emit_i18n() take the same
 * arguments (detector.h); this catches a reason left in English, or a Chinese piece forgotten. Every
 * detector also has its summary in Chinese. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "claimwatch/source.h"
#include "gen/gen.h"

static char *dir;
static cw_dataset *ds;

static int setup(void **state)
{
	(void)state;
	dir = tu_tempdir();
	cw_gen_opts o;
	cw_gen_opts_init(&o);
	o.out_dir = dir;
	o.seed = 13;
	o.scale = 0.8; /* the statistical schemes (outliers, antibiotic rates) are planted from 0.8 */
	o.first = (cw_month){ 2026, 5 };
	o.last = (cw_month){ 2026, 5 };
	if (cw_gen_run(&o, NULL) < 0)
		return -1;
	cw_load_opts lo = { .lookback_days = 45, .threads = 1 };
	if (cw_month_parse(&lo.month, "2026-05") < 0 || cw_rejects_open(&lo.rejects, tu_path(dir, "rejects.out")) < 0)
		return -1;
	FILE *warn = fopen("/dev/null", "w");
	lo.warn = warn;
	int rc = cw_load_csv(&ds, NULL, dir, &lo);
	fclose(warn);
	return rc < 0 || cw_rejects_close(lo.rejects) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	cw_dataset_free(ds);
	tu_rmtree(dir);
	free(dir);
	return 0;
}

/* Words of the English reasons that have no business in a Chinese one (ids, rule keys such as
 * max_care_per_day, ICD-10 and names such as Wilson are fine). */
#define ENGLISH \
	"(^|[^A-Za-z_])(the|of|at|on|in|to|and|or|with|by|for|billed|above|below|beyond|than|per|units?|days?|" \
	"lines?|visits?|stays?|prescriptions?|prescribed|stake|after|before|patients?|outpatient|inpatient|" \
	"emergency|yuan|levels?|peers|negative|positive|pending|result|limit|ceiling|times|bundle|components?|" \
	"drugs?|amount|expected|over|repeated|while|was|were|more|same|care|admitted|readmitted|discharge|" \
	"admission|bed|nursing|sex|age|aged|only|restricted|institutions?|cheaper|std|price|supplied|allowed|" \
	"overlapping|consecutive|threshold|excess|mean|daily|maximum|minimum|confidence|bound|antibiotic)" \
	"([^A-Za-z_]|$)"
/* A printf conversion the format did not consume: %s, %d, %zu, %.1f, %lld... */
#define CONVERSION "%[-+#0-9.]*(hh|h|ll|l|z|j|t)?[sdiuxXfgeEcp]"

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static void test_every_reason_in_chinese(void **state)
{
	(void)state;
	regex_t english, conversion;
	assert_int_equal(regcomp(&english, ENGLISH, REG_EXTENDED | REG_ICASE | REG_NOSUB), 0);
	assert_int_equal(regcomp(&conversion, CONVERSION, REG_EXTENDED | REG_NOSUB), 0);
	cw_findings *fs = tu_detect(ds, NULL, NULL);
	const cw_registry *reg = tu_registry();
	size_t nd = cw_registry_count(reg), *found = calloc(nd, sizeof *found);
	assert_non_null(found);
	for (size_t i = 0; i < cw_findings_count(fs); i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		int d = cw_registry_index(reg, r.detector->name);
		found[d]++;
		if (!r.reason_zh)
			fail_msg("%s: no Chinese reason for \"%s\"", r.detector->name, r.reason);
		if (!regexec(&english, r.reason_zh, 0, NULL, 0) || !regexec(&conversion, r.reason_zh, 0, NULL, 0) ||
		    !valid_utf8(r.reason_zh) || !strcmp(r.reason_zh, r.reason))
			fail_msg("%s: the Chinese reason is not Chinese: \"%s\"", r.detector->name, r.reason_zh);
		if (!regexec(&conversion, r.reason, 0, NULL, 0))
			fail_msg("%s: a conversion left in \"%s\"", r.detector->name, r.reason);
		/* the run's language picks one, English on request */
		assert_ptr_equal(cw_record_reason(&r, "zh"), r.reason_zh);
		assert_ptr_equal(cw_record_reason(&r, NULL), r.reason_zh);
		assert_ptr_equal(cw_record_reason(&r, "en"), r.reason);
	}
	for (size_t d = 0; d < nd; d++) {
		const cw_detector *det = cw_registry_get(reg, d);
		if (!found[d])
			fail_msg("%s found nothing in the generated month: its reasons went unchecked", det->name);
		if (!det->summary_zh || !valid_utf8(det->summary_zh) || !regexec(&english, det->summary_zh, 0, NULL, 0))
			fail_msg("%s: no Chinese summary", det->name);
	}
	free(found);
	cw_findings_free(fs);
	regfree(&english);
	regfree(&conversion);
}

/* A detector that gives only English (a plug-in using cw_emit) is shown in English in every language. */
static void test_english_only(void **state)
{
	(void)state;
	cw_findings *fs;
	assert_int_equal(cw_findings_new(&fs), 0);
	cw_finding f = cw_finding_init();
	assert_int_equal(cw_emit(fs, &f, "%s billed %d times", "X", 2), 0);
	assert_int_equal(cw_emit_i18n(fs, &f, "%s billed %s%.0s", "%s 收费%.0s%s", "X", "twice", "两次"), 0);
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_null(r.reason_zh);
	assert_string_equal(cw_record_reason(&r, "zh"), "X billed 2 times");
	cw_findings_get(&r, fs, 1);
	assert_string_equal(r.reason, "X billed twice");
	assert_string_equal(r.reason_zh, "X 收费两次");
	cw_findings_free(fs);
}

/* A reason cut at its limit never ends inside a UTF-8 character. */
static void test_cut_reason(void **state)
{
	(void)state;
	char big[3000] = "";
	for (int i = 0; i < 900; i++)
		strcat(big, "超");
	cw_findings *fs;
	assert_int_equal(cw_findings_new(&fs), 0);
	cw_finding f = cw_finding_init();
	for (int shift = 0; shift < 3; shift++) {
		assert_int_equal(cw_emit_i18n(fs, &f, "%.*s%s", "%.*s%s", shift, "ab", big), 0);
		cw_record r;
		cw_findings_get(&r, fs, (size_t)shift);
		assert_true(valid_utf8(r.reason_zh));
		assert_true(strlen(r.reason_zh) >= 1020 && strlen(r.reason_zh) < 1024);
	}
	cw_findings_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_reason_in_chinese),
		cmocka_unit_test(test_english_only),
		cmocka_unit_test(test_cut_reason),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
