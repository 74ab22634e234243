/* wrong_version.c: a plug-in built as if against a later detector interface (CW_DETECTOR_VERSION + 1).
 * claimwatch must refuse it with a message naming both versions (tests/plugin/test_example.sh,
 * tests/unit/test_registry.c). */
#include "claimwatch/detector.h"

static int configure(void **out, const cw_section *rules)
{
	(void)rules;
	*out = 0;
	return 0;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	(void)out;
	(void)ctx;
	return 0;
}

static const cw_detector from_the_future = {
	.version = CW_DETECTOR_VERSION + 1,
	.size = sizeof(cw_detector),
	.name = "from_the_future",
	.title_zh = "未来",
	.title_en = "From the future",
	.summary = "built against another interface",
	.configure = configure,
	.scan = scan,
};

CW_PLUGIN_DETECTORS(&from_the_future);
