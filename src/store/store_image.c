/* store_image.c: month images of the columnar store (docs/store.md, "Month images").
 *
 * After a load, each month of the store gets the finished dataset of its window (the month and its
 * look-back) built once from the partitions, as `run --store` would build it, and written as an image
 * (src/dataset/image.c) behind a page holding the load's counts. A run maps it: nothing is typed,
 * interned or sorted. An image names, in the catalogue, the checksum of the loads and partitions it was
 * built from (cw_cs_catalog_inputs) and its look-back; a run uses it only while both still match, so a
 * later load, or a run with another look-back, builds from the partitions as before. A window with a
 * rejected row gets no image: its run replays the rejects from the partitions' text.
 *
 * File: IMAGE_HEAD bytes (magic, the size of the counts, the month, look-back, inputs, the counts),
 * then the dataset's image. Its checksum in the catalogue is that of the checksums of its 64 MiB
 * pieces (cw_cs_image_sum), so that a run checks the pieces on several threads. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "dataset/image.h"
#include "store/colstore.h"
#include "util/grow.h"
#include "util/progress.h"
#include "util/threads.h"

#define IMAGE_HEAD 4096
#define IMAGE_MAGIC "CWSTIMG1"
#define PIECE ((size_t)64 << 20) /* the checksum's pieces, summed on several threads */

typedef struct image_file_head {
	char magic[8];
	uint64_t stats_size;
	int64_t key;
	uint64_t lookback, inputs;
	cw_load_stats stats;
} image_file_head;
_Static_assert(sizeof(image_file_head) <= IMAGE_HEAD, "a month image's counts fit its first page");

/* --- writing ------------------------------------------------------------------------------------------ */

typedef struct out_file {
	int fd;
	const char *path;
	cw_cs_sum piece;  /* of the piece being written */
	uint64_t *sums;   /* of the pieces written */
	size_t nsums, sums_cap;
	uint64_t size;
	char buf[1 << 20];
	size_t n;
} out_file;

static int flush(out_file *o)
{
	for (size_t done = 0; done < o->n;) {
		ssize_t k = write(o->fd, o->buf + done, o->n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return cw_error_set(CW_EIO, "cannot write %s: %s", o->path, k < 0 ? strerror(errno) : "short write");
		done += (size_t)k;
	}
	o->n = 0;
	return 0;
}

/* Ends the piece being summed. */
static int end_piece(out_file *o)
{
	if (cw_grow((void **)&o->sums, &o->sums_cap, o->nsums + 1, sizeof *o->sums) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory writing %s", o->path);
	o->sums[o->nsums++] = cw_cs_sum_end(&o->piece);
	cw_cs_sum_init(&o->piece);
	return 0;
}

static int put(void *ctx, const void *data, size_t len)
{
	out_file *o = ctx;
	const char *p = data;
	for (size_t left = len; left;) {
		size_t room = PIECE - o->size % PIECE, k = left < room ? left : room;
		cw_cs_sum_add(&o->piece, p + (len - left), k);
		o->size += k, left -= k;
		if (o->size % PIECE == 0 && end_piece(o) < 0)
			return CW_ENOMEM;
	}
	while (len) {
		size_t k = len < sizeof o->buf - o->n ? len : sizeof o->buf - o->n;
		memcpy(o->buf + o->n, p, k);
		o->n += k, p += k, len -= k;
		if (o->n == sizeof o->buf && flush(o) < 0)
			return CW_EIO;
	}
	return 0;
}

/* Writes ds and st as dir/name, fsync'd; f gets its name, size and checksum. */
static int write_image(cw_cs_file *f, const char *dir, const char *name, const cw_dataset *ds,
                       const cw_load_stats *st, const cw_cs_image *m)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	out_file *o = calloc(1, sizeof *o);
	if (!o)
		return cw_error_set(CW_ENOMEM, "out of memory writing %s", path);
	o->path = path;
	cw_cs_sum_init(&o->piece);
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = o->fd < 0 ? cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno)) : 0;
	static unsigned char page[IMAGE_HEAD];
	image_file_head h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, IMAGE_MAGIC, 8);
	h.stats_size = sizeof h.stats;
	h.key = m->key;
	h.lookback = (uint64_t)m->lookback;
	h.inputs = m->inputs;
	h.stats = *st;
	if (rc == 0)
		rc = put(o, &h, sizeof h);
	if (rc == 0)
		rc = put(o, page, IMAGE_HEAD - sizeof h);
	if (rc == 0)
		rc = cw_dataset_image_write(ds, put, o);
	if (rc == 0 && o->size % PIECE)
		rc = end_piece(o);
	if (rc == 0)
		rc = flush(o);
	if (rc == 0 && fsync(o->fd) != 0 && errno != EINVAL && errno != EROFS)
		rc = cw_error_set(CW_EIO, "cannot sync %s: %s", path, strerror(errno));
	if (o->fd >= 0 && close(o->fd) != 0 && rc == 0)
		rc = cw_error_set(CW_EIO, "cannot close %s: %s", path, strerror(errno));
	if (rc < 0)
		unlink(path);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = o->size;
	f->sum = cw_cs_checksum(o->sums ? (const void *)o->sums : "", o->nsums * sizeof *o->sums);
	free(o->sums);
	free(o);
	return rc;
}

/* The month's window built from the partitions; *clean 0 when a row was rejected (no image then). */
static int build_month(cw_dataset **ds, cw_load_stats *st, int *clean, const char *path, const cw_cs_catalog *cat,
                       int32_t key, int lookback, int threads)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.image-rejects.tmp", path) >= sizeof tmp)
		return cw_error_set(CW_EINVALID, "%s: path too long", path);
	cw_rejects *rj;
	int rc = cw_rejects_open(&rj, tmp);
	if (rc < 0)
		return rc;
	unlink(tmp);
	FILE *quiet = fopen("/dev/null", "w");
	cw_load_opts lo = { .month = { key / 12, key % 12 + 1 }, .lookback_days = lookback, .rejects = rj,
	                    .warn = quiet, .threads = threads };
	memset(st, 0, sizeof *st);
	rc = quiet ? cw_cs_load_month_from(ds, st, path, cat, &lo)
	           : cw_error_set(CW_EIO, "cannot open /dev/null: %s", strerror(errno));
	*clean = cw_rejects_count(rj) == 0;
	int rc2 = cw_rejects_close(rj);
	if (quiet)
		fclose(quiet);
	if (rc == 0 && rc2 < 0) {
		cw_dataset_free(*ds);
		*ds = NULL;
		rc = rc2;
	}
	return rc;
}

/* Every month the store's loads hold, sorted, once each (malloc'd; *n of them). */
static int store_months(int32_t **out, size_t *n, const cw_cs_catalog *cat)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < cat->nloads; i++)
		total += (size_t)cat->loads[i].nmonths;
	int32_t *m = malloc((total ? total : 1) * sizeof *m);
	if (!m)
		return cw_error_set(CW_ENOMEM, "out of memory listing the store's months");
	for (size_t i = 0; i < cat->nloads; i++)
		for (int j = 0; j < cat->loads[i].nmonths; j++)
			m[k++] = cat->loads[i].months[j];
	qsort(m, k, sizeof *m, cw_cs_key_cmp);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || m[u - 1] != m[i])
			m[u++] = m[i];
	*out = m;
	*n = u;
	return 0;
}

static const cw_cs_image *find_image(const cw_cs_catalog *cat, int32_t key, int lookback, uint64_t inputs)
{
	for (size_t i = 0; i < cat->nimages; i++)
		if (cat->images[i].key == key && cat->images[i].lookback == lookback && cat->images[i].inputs == inputs)
			return &cat->images[i];
	return NULL;
}

/* The month's image: kept when the catalogue has a current one, else built and written (or skipped). */
static int month_image(cw_cs_images_report *rep, cw_cs_image *out, int *have, const char *path,
                       const cw_cs_catalog *cat, int32_t key, int lookback, uint64_t inputs, int threads)
{
	const cw_cs_image *old = find_image(cat, key, lookback, inputs);
	*have = 0;
	if (old) {
		*out = *old;
		*have = 1;
		rep->kept++;
		return 0;
	}
	char month[8], name[80];
	cw_cs_key_name(month, key);
	cw_progress_note("%s: building the month image of %s", path, month);
	cw_dataset *ds;
	cw_load_stats st;
	int clean = 0;
	int rc = build_month(&ds, &st, &clean, path, cat, key, lookback, threads);
	if (rc < 0)
		return rc;
	if (!clean) {
		cw_progress_note("%s: %s has rejected rows: no month image (its runs build it from the partitions)",
		                 path, month);
		rep->skipped++;
		cw_dataset_free(ds);
		return 0;
	}
	*out = (cw_cs_image){ .key = key, .lookback = lookback, .inputs = inputs };
	snprintf(name, sizeof name, "image.%s.%016" PRIx64 ".%d.img", month, inputs, lookback);
	rc = write_image(&out->file, path, name, ds, &st, out);
	cw_dataset_free(ds);
	const char *fault = getenv("CLAIMWATCH_STORE_FAULT");
	if (rc == 0 && fault && !strcmp(fault, "image"))
		raise(SIGKILL); /* the fault tests: killed after an image, before the catalogue names it */
	if (rc == 0) {
		*have = 1;
		rep->built++;
		rep->bytes += out->file.size;
	}
	return rc;
}

int cw_cs_images_build(cw_cs_images_report *rep, const char *path, int lookback, int threads)
{
	memset(rep, 0, sizeof *rep);
	cw_cs_catalog cat;
	int rc = cw_cs_catalog_read(&cat, path);
	if (rc < 0)
		return rc;
	uint64_t inputs;
	int32_t *months = NULL;
	size_t nmonths = 0;
	if ((rc = cw_cs_catalog_inputs(&inputs, &cat)) == 0)
		rc = store_months(&months, &nmonths, &cat);
	/* the images of other look-backs that still match stay; this look-back's are made anew */
	size_t cap = cat.nimages + nmonths, n = 0;
	cw_cs_image *images = rc == 0 ? malloc((cap ? cap : 1) * sizeof *images) : NULL;
	if (rc == 0 && !images)
		rc = cw_error_set(CW_ENOMEM, "out of memory building month images");
	for (size_t i = 0; rc == 0 && i < cat.nimages; i++)
		if (cat.images[i].lookback != lookback && cat.images[i].inputs == inputs)
			images[n++] = cat.images[i];
	int have;
	for (size_t i = 0; rc == 0 && i < nmonths; i++)
		if ((rc = month_image(rep, &images[n], &have, path, &cat, months[i], lookback, inputs, threads)) == 0)
			n += (size_t)have;
	if (rc == 0) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		free(cat.images);
		cat.images = images;
		cat.nimages = n;
		images = NULL;
		if ((rc = cw_cs_catalog_write(path, &cat)) == 0)
			cw_cs_remove_unnamed(path, &cat);
	}
	free(images);
	free(months);
	cw_cs_catalog_free(&cat);
	return rc;
}

/* --- reading ------------------------------------------------------------------------------------------ */

uint64_t cw_cs_image_sum(const void *data, size_t len)
{
	size_t n = (len + PIECE - 1) / PIECE;
	uint64_t *sums = malloc((n ? n : 1) * sizeof *sums);
	if (!sums)
		return 0; /* matches no image's sum but by chance: refused as damaged */
	for (size_t i = 0; i < n; i++)
		sums[i] = cw_cs_checksum((const char *)data + i * PIECE, i + 1 < n ? PIECE : len - i * PIECE);
	uint64_t sum = cw_cs_checksum(n ? (const void *)sums : "", n * sizeof *sums);
	free(sums);
	return sum;
}

/* Checksums of pieces k, k + step, ... of a mapping. The pages stay mapped: the checks after the sum
 * read every array and the detectors nearly all of them (dropping each piece once summed only made
 * them fault again: 0.1 s more of a run's 1.3 s, for 3 MB less of its 350 MB). */
typedef struct summer {
	unsigned char *p;
	size_t size, k, step;
	uint64_t *sums;
} summer;

static void *sum_pieces(void *arg)
{
	summer *s = arg;
	for (size_t i = s->k; i * PIECE < s->size; i += s->step) {
		size_t n = s->size - i * PIECE < PIECE ? s->size - i * PIECE : PIECE;
		madvise(s->p + i * PIECE, n, MADV_WILLNEED);
		s->sums[i] = cw_cs_checksum(s->p + i * PIECE, n);
	}
	return NULL;
}

/* cw_cs_image_sum of the mapping on up to `threads` threads. */
static int sum_mapping(uint64_t *out, unsigned char *p, size_t size, int threads)
{
	size_t n = (size + PIECE - 1) / PIECE;
	uint64_t *sums = malloc((n ? n : 1) * sizeof *sums);
	if (!sums)
		return cw_error_set(CW_ENOMEM, "out of memory checking a month image");
	int t = cw_threads(threads);
	if ((size_t)t > n)
		t = n ? (int)n : 1;
	summer s[CW_THREADS_MAX];
	pthread_t tid[CW_THREADS_MAX];
	int started = 1;
	for (int k = 0; k < t; k++)
		s[k] = (summer){ .p = p, .size = size, .k = (size_t)k, .step = (size_t)t, .sums = sums };
	for (int k = 1; k < t; k++) {
		if (pthread_create(&tid[k], NULL, sum_pieces, &s[k]) != 0)
			break; /* the pieces of the threads not started are summed below */
		started++;
	}
	sum_pieces(&s[0]);
	for (int k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
	for (int k = started; k < t; k++)
		sum_pieces(&s[k]);
	*out = cw_cs_checksum(n ? (const void *)sums : "", n * sizeof *sums);
	free(sums);
	return 0;
}

/* Maps dir/f and checks its size and checksum. */
static int map_image(unsigned char **out, const char *path, const cw_cs_file *f, int threads)
{
	unsigned char *p;
	int rc = cw_cs_map_sized(&p, path, f, PROT_READ | PROT_WRITE, 0);
	if (rc == 0 && f->size < IMAGE_HEAD)
		rc = cw_error_set(CW_EINVALID, "%s: %llu bytes, shorter than a month image's first page (the store is "
		                  "refused, load it again)", path, (unsigned long long)f->size);
	uint64_t sum = 0;
	if (rc == 0 && (rc = sum_mapping(&sum, p, f->size, threads)) == 0 && sum != f->sum)
		rc = cw_error_set(CW_EINVALID, "%s: does not match its checksum in the store's catalogue (damaged "
		                  "or changed: the store is refused, load it again)", path);
	if (rc < 0 && p)
		munmap(p, f->size);
	*out = rc == 0 ? p : NULL;
	return rc;
}

int cw_cs_image_open(cw_dataset **out, cw_load_stats *stats, char image[80], const char *path,
                     const cw_cs_catalog *cat, const cw_load_opts *opts)
{
	*out = NULL;
	uint64_t inputs;
	int rc = cw_cs_catalog_inputs(&inputs, cat);
	if (rc < 0)
		return rc;
	int32_t key = cw_cs_key_of(opts->month);
	const cw_cs_image *m = find_image(cat, key, opts->lookback_days, inputs);
	if (!m)
		return CW_ENOTFOUND;
	char file[4096];
	if ((size_t)snprintf(file, sizeof file, "%s/%s", path, m->file.name) >= sizeof file)
		return cw_error_set(CW_EINVALID, "%s: path too long", path);
	unsigned char *p;
	cw_progress_begin("mapping the month image", 0, "");
	rc = map_image(&p, file, &m->file, opts->threads);
	if (rc == CW_ENOTFOUND)
		rc = CW_EINVALID; /* named by the catalogue but missing: the message says so */
	image_file_head h;
	if (rc == 0) {
		memcpy(&h, p, sizeof h);
		if (memcmp(h.magic, IMAGE_MAGIC, 8) || h.key != key || h.lookback != (uint64_t)opts->lookback_days ||
		    h.inputs != inputs)
			rc = cw_error_set(CW_EINVALID, "%s: not the month image its catalogue line says (the store is "
			                  "refused, load it again)", file);
		else if (h.stats_size != sizeof h.stats)
			rc = cw_error_set(CW_ENOTFOUND, "%s: written by another build of claimwatch", file);
	}
	if (rc == 0)
		rc = cw_dataset_image_open(out, p + IMAGE_HEAD, m->file.size - IMAGE_HEAD, p, m->file.size, file);
	if (rc == 0) {
		*stats = h.stats;
		if (image)
			snprintf(image, 80, "%s", m->file.name);
	} else if (p)
		munmap(p, m->file.size);
	cw_progress_end();
	if (rc == CW_ENOTFOUND)
		cw_progress_note("%s (the month is built from the store's partitions; `claimwatch load --store` again "
		                 "makes a new image)", cw_error_last());
	return rc;
}
