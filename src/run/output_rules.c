/* output_rules.c: the rules' output settings applied to the files a command writes (see run.h). */
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "io/outfile.h"
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
