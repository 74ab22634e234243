/* output_rules.c: the rules' output section, read into the settings of a set of outputs (see run.h). */
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
#include "io/output.h"
#include "run/run.h"

int cw_output_load(cw_output *out, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "output");
	cw_output o;
	const char *mode;
	long long max_bytes;
	int rc;
	cw_output_init(&o);
	cw_output_init(out);
	if ((rc = cw_section_string(&mode, &s, "file_mode")) < 0 ||
	    (rc = cw_outfile_parse_mode(&o.file_mode, mode, "output.file_mode")) < 0 ||
	    (rc = cw_section_int(&max_bytes, &s, "max_bytes", 0, 1LL << 53)) < 0 ||
	    (rc = cw_section_double(&o.max_free_share, &s, "max_free_share", 0, 1)) < 0)
		return rc;
	if (o.max_free_share <= 0)
		return cw_error_set(CW_EINVALID, "output.max_free_share: must be above 0 (1 lets the outputs take all the "
		                    "free space)");
	o.max_bytes = (uint64_t)max_bytes;
	*out = o;
	return 0;
}
