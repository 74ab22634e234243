/* outdir.h: a month's output folder, replaced atomically.
 *
 * Everything of a run is written into a fresh hidden folder beside the
 * target (ROOT/.tmp-2026-05.<pid>.<n>); cw_outdir_commit swaps it into place
 * with one rename (renameat2 RENAME_EXCHANGE when the target exists), then
 * removes the old results. A run that fails, is killed or hits a full disk
 * leaves the previous results untouched; leftovers of killed runs are
 * removed by the next run of the month. A file (not a folder) at ROOT/name
 * is never replaced: the run fails and says so. A run from a database
 * commits there first: the leftover of one killed between the two commits
 * holds results the database has, and `run --db` puts it in place
 * (cw_outdir_adopt, run/pg_root.c). */
#ifndef CW_OUTDIR_H
#define CW_OUTDIR_H
#include <stddef.h>
#include <sys/types.h>
#include "io/output.h"

typedef struct cw_outdir cw_outdir;

/* Starts writing ROOT/name (creating ROOT when needed) as the set of outputs o:
 * folders with its mode, its size guard begun on the folder written aside. */
int cw_outdir_begin(cw_outdir **out, cw_output *o, const char *root, const char *name);
/* The path of a file inside the temporary folder; valid until the next call. */
const char *cw_outdir_file(cw_outdir *od, const char *file);
const char *cw_outdir_tmp(const cw_outdir *od);
/* The final folder, ROOT/name. */
const char *cw_outdir_final(const cw_outdir *od);
/* Commits to ROOT/name instead of the name given to begin (a failed run's
 * diagnostics go beside the results, never over them). */
int cw_outdir_retarget(cw_outdir *od, const char *name);
/* Puts the folder in place and frees od. */
int cw_outdir_commit(cw_outdir *od);
/* Removes the temporary folder and frees od. */
void cw_outdir_abort(cw_outdir *od);

/* 1 when no process has this pid (a leftover named after it can go). */
int cw_process_gone(long pid);
/* The pid of another live run writing ROOT/name now, or 0. */
long cw_outdir_running(const char *root, const char *name);
/* Calls fn(path, name, ctx) for each temporary folder ROOT/.tmp-<name>.<pid>.<n> left by a run that is
 * gone (killed, or stopped after its database commit); stops at fn's first error and returns it. */
int cw_outdir_leftovers(const char *root, int (*fn)(const char *path, const char *name, void *ctx), void *ctx);
/* Puts such a folder in place as ROOT/name, the way a commit does (the folder there before is removed). */
int cw_outdir_adopt(const char *root, const char *path, const char *name);

/* Removes a folder tree (used for the old results). */
int cw_rmtree(const char *path);
/* Creates a folder and its parents with the given mode (cw_output_dir_mode). */
int cw_mkdirs(const char *path, mode_t mode);
/* 0 when path is a folder or could become one; else CW_EIO with a message that
 * names the part of path that is a file ("<what> A/B/C: A/B is not a folder"). */
int cw_folder_check(const char *path, const char *what);

#endif
