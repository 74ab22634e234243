/* output.h: the settings and the size guard of one set of outputs.
 *
 * Everything claimwatch writes belongs to a set of outputs: a run's month
 * folder, or one command's files (an export, a blacklist, reviews.csv, a load's
 * reject file). Each set has a cw_output of its own, which the run or the
 * command holds and passes to whatever opens files for it (outfile.h, outdir.h,
 * the reject file): the mode its files and folders are created with, the limits
 * of its size guard (outguard.h), both read from the rules' output section
 * (run/output_rules.c) or left at their defaults, and the guard's count. Nothing
 * of it is process-wide: two runs in one process, or a run and a command, each
 * with their own settings, never see each other's. */
#ifndef CW_OUTPUT_H
#define CW_OUTPUT_H
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#define CW_OUTPUT_FILE_MODE 0600   /* output.file_mode: owner only, files name patients and physicians */
#define CW_OUTPUT_MAX_FREE_SHARE 0.5 /* output.max_free_share */

typedef struct cw_output {
	mode_t file_mode;       /* output.file_mode: 0600 to 0666 without x bits */
	uint64_t max_bytes;     /* output.max_bytes: 0 = no fixed cap */
	double max_free_share;  /* output.max_free_share: above 0, at most 1 */
	/* The guard's count since the outputs began (outguard.c, under its lock). */
	int measured;           /* free_at_begin is known */
	uint64_t free_at_begin; /* bytes free on the output filesystem when the outputs began */
	uint64_t written;       /* bytes written since */
	char dir[PATH_MAX], shown[PATH_MAX]; /* files under dir are named under shown in messages */
	char refusal[1024];     /* the first refusal since the outputs began, "" when none */
} cw_output;

/* The defaults: mode 0600, no fixed cap, half of the space free when the
 * outputs begin; the count is not begun (measured at the first write). */
void cw_output_init(cw_output *o);
/* The mode for folders: the file mode plus x where r is set. */
mode_t cw_output_dir_mode(const cw_output *o);

#endif
