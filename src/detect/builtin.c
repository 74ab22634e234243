/* builtin.c: a registry holding the built-in detectors, from the table the build generates
 * (cmake/detectors.cmake: the .c files of detectors/ and of the folders of CW_DETECTOR_DIRS, alphabetical). */
#include "claimwatch/detector.h"

extern const cw_detector *const cw_builtin_detectors[];

int cw_registry_builtin(cw_registry **out)
{
	cw_registry *reg;
	int rc = cw_registry_new(&reg);
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && cw_builtin_detectors[i]; i++)
		rc = cw_registry_add(reg, cw_builtin_detectors[i]);
	if (rc < 0) {
		cw_registry_free(reg);
		return rc;
	}
	*out = reg;
	return 0;
}
