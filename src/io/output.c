/* output.c: the settings of a set of outputs (see output.h). */
#include "io/output.h"

void cw_output_init(cw_output *o)
{
	*o = (cw_output){ .file_mode = CW_OUTPUT_FILE_MODE, .max_free_share = CW_OUTPUT_MAX_FREE_SHARE };
}

mode_t cw_output_dir_mode(const cw_output *o)
{
	mode_t m = o->file_mode | 0700;
	if (m & 0040) m |= 0010;
	if (m & 0004) m |= 0001;
	return m;
}
