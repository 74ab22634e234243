/* fuzz_store.c: libFuzzer harness for the columnar store's reader (src/store/catalog.c, store_read.c,
 * format.c): a store made of the fuzz input is read as `claimwatch run --store` reads a month.
 *
 * The input is sections separated by the line "#%": a catalogue, then the files its partitions name, in
 * order (column file, heap, text, next partition...). The first byte of the input picks the mode: even, the
 * files are written as given (the size and checksum checks must refuse them); odd, each column file is
 * cut or padded to the size its rows take and the catalogue is written again with the true sizes and
 * checksums, so that the reader goes on to rows, strings and records of any content. The month images
 * the catalogue names follow the partitions' files; in the odd mode each gets the header fields a run
 * checks first (magic, month, look-back, the catalogue's inputs, the dataset image's fingerprint) and
 * the true size and checksum, so that the dataset image's own checks see any content. Whatever the
 * store holds, the read must end with a dataset or a message, never a fault. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "dataset/image.h"
#include "store/colstore.h"

#define CHECK(c)                                                                               \
	do {                                                                                   \
		if (!(c)) {                                                                    \
			fprintf(stderr, "fuzz_store: check failed at line %d: %s\n", __LINE__, #c); \
			abort();                                                               \
		}                                                                              \
	} while (0)

#define SEP "\n#%\n"

static char dir[256];

static void put(const char *name, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static void clear(void)
{
	DIR *d = opendir(dir);
	CHECK(d);
	struct dirent *e;
	char path[512];
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(dir, sizeof dir, "/tmp/fuzz_store.XXXXXX");
	CHECK(mkdtemp(dir));
	return 0;
}

/* Section i of data: [*at, *at + *len); 0 when there is none. */
static int section(const uint8_t *data, size_t size, int i, size_t *at, size_t *len)
{
	size_t start = 0;
	for (int k = 0;; k++) {
		const uint8_t *sep = memmem(data + start, size - start, SEP, 4);
		size_t end = sep ? (size_t)(sep - data) : size;
		if (k == i) {
			*at = start;
			*len = end - start;
			return 1;
		}
		if (!sep)
			return 0;
		start = end + 4;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int fix = data[0] & 1;
	data++, size--;
	size_t at, len;
	if (!section(data, size, 0, &at, &len))
		return 0;
	clear();
	cw_cs_catalog cat;
	if (cw_cs_catalog_parse(&cat, "fuzz/CATALOG", (const char *)data + at, len) < 0) {
		CHECK(cw_error_last()[0]);
		return 0;
	}
	put(CW_CS_CATALOG, data + at, len);
	int k = 1;
	for (size_t p = 0; p < cat.nparts; p++) {
		cw_cs_file *f[3] = { &cat.parts[p].col, &cat.parts[p].heap, &cat.parts[p].text };
		for (int j = 0; j < 3; j++) {
			if (!section(data, size, k++, &at, &len))
				at = len = 0;
			const uint8_t *bytes = data + at;
			uint8_t *copy = NULL;
			if (fix && j == 0 && len != f[j]->size) { /* the size the rows take (from the catalogue) */
				copy = calloc(1, f[j]->size ? f[j]->size : 1);
				CHECK(copy);
				memcpy(copy, bytes, len < f[j]->size ? len : f[j]->size);
				bytes = copy;
				len = f[j]->size;
			}
			if (fix) {
				f[j]->size = len;
				f[j]->sum = cw_cs_checksum(bytes, len);
			}
			put(f[j]->name, bytes, len);
			free(copy);
		}
	}
	uint64_t inputs = 0;
	CHECK(cw_cs_catalog_inputs(&inputs, &cat) == 0);
	for (size_t i = 0; i < cat.nimages; i++) {
		cw_cs_image *m = &cat.images[i];
		if (!section(data, size, k++, &at, &len))
			at = len = 0;
		uint8_t *copy = NULL;
		const uint8_t *bytes = data + at;
		if (fix && len >= 4096 + 16) { /* the fields a run checks before the dataset image's own checks */
			copy = malloc(len);
			CHECK(copy);
			memcpy(copy, bytes, len);
			int64_t key = m->key;
			uint64_t lookback = (uint64_t)m->lookback, stats = sizeof(cw_load_stats),
			         print = cw_dataset_image_fingerprint();
			memcpy(copy, "CWSTIMG1", 8);
			memcpy(copy + 8, &stats, 8);
			memcpy(copy + 16, &key, 8);
			memcpy(copy + 24, &lookback, 8);
			memcpy(copy + 32, &inputs, 8);
			memcpy(copy + 4096 + 8, &print, 8);
			bytes = copy;
		}
		if (fix) {
			m->inputs = inputs;
			m->file.size = len;
			m->file.sum = cw_cs_image_sum(bytes, len);
		}
		put(m->file.name, bytes, len);
		free(copy);
	}
	if (fix) {
		char *text;
		CHECK(cw_cs_catalog_format(&text, &len, &cat) == 0);
		put(CW_CS_CATALOG, text, len);
		free(text);
	}
	cw_cs_catalog_free(&cat);
	char rpath[512];
	snprintf(rpath, sizeof rpath, "%s/.rejects", dir);
	cw_rejects *rj;
	CHECK(cw_rejects_open(&rj, rpath) == 0);
	cw_load_opts lo = { .month = { 2026, 5 }, .lookback_days = 90, .rejects = rj, .threads = 1 };
	cw_dataset *ds = NULL;
	cw_load_stats st;
	int rc = cw_cs_load_month(&ds, &st, dir, &lo);
	if (rc < 0)
		CHECK(cw_error_last()[0] && !ds);
	else
		CHECK(ds);
	cw_dataset_free(ds);
	cw_rejects_close(rj);
	return 0;
}
