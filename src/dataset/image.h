/* image.h: a finished dataset as one flat image, and a dataset read in place from such an image.
 *
 * The image holds every column, index, id map and the string pool of a finished dataset (cw_finish),
 * each array at a 64-byte aligned offset, behind a header that says which build of claimwatch wrote it
 * (the format version, the version string and the sizes of every column and struct it copies). A
 * dataset opened from an image points into it: nothing is copied or rebuilt, so opening costs a check
 * of every reference and index (an image from a damaged or hostile file is refused, never misread).
 * The columnar store keeps one per month (docs/store.md, "Month images"). */
#ifndef CW_DATASET_IMAGE_H
#define CW_DATASET_IMAGE_H
#include <stddef.h>
#include "claimwatch/dataset.h"

/* Where an image's bytes go, in order: returns 0 or a negative CW_E* code (message set). */
typedef int (*cw_image_sink)(void *ctx, const void *data, size_t len);

/* The size of ds's image in bytes (what cw_dataset_image_write hands the sink). */
size_t cw_dataset_image_size(const cw_dataset *ds);
/* Writes ds's image through sink. Returns 0, the sink's error, or CW_EINVALID when ds is not finished. */
int cw_dataset_image_write(const cw_dataset *ds, cw_image_sink sink, void *ctx);

/* The fingerprint an image of this build carries (its bytes 8..16): the fuzz harness writes it into
 * images of any content so that the checks past it are reached. */
uint64_t cw_dataset_image_fingerprint(void);

/* Opens the image of len bytes at img (64-byte aligned, read-only while the dataset lives) into *out
 * (NULL on failure). `name` names the file in messages. On success the dataset owns the mapping
 * [map, map + map_len) and unmaps it in cw_dataset_free (map NULL: the caller keeps img alive until
 * then). Returns 0; CW_ENOTFOUND (message set) when the image was written by another build of
 * claimwatch, so a caller can build the dataset again instead; CW_EINVALID (message naming `name`) when
 * it is malformed: a size, an offset, a reference or an index out of range; CW_ENOMEM. */
int cw_dataset_image_open(cw_dataset **out, const void *img, size_t len, void *map, size_t map_len,
                          const char *name);

#endif
