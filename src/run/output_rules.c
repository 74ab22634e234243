/* output_rules.c: the rules' output settings applied to the files a command writes (see run.h). */
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
#include "io/outguard.h"
#include "run/run.h"

int cw_outfile_configure(const struct cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "output");
	const char *v;
	mode_t m;
	int rc = cw_section_string(&s, "file_mode", &v);
	if (rc == 0)
		rc = cw_outfile_parse_mode(v, "output.file_mode", &m);
	if (rc == 0)
		cw_outfile_set_mode(m);
	return rc;
}

int cw_outguard_configure(const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "output");
	long long max_bytes;
	double share;
	int rc;
	if ((rc = cw_section_int(&s, "max_bytes", 0, 1LL << 53, &max_bytes)) < 0 ||
	    (rc = cw_section_double(&s, "max_free_share", 0, 1, &share)) < 0)
		return rc;
	if (share <= 0)
		return cw_error_set(CW_EINVALID, "output.max_free_share: must be above 0 (1 lets the outputs take all the "
		                    "free space)");
	cw_outguard_set((uint64_t)max_bytes, share);
	return 0;
}
