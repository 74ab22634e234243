/* test_image.c: a finished dataset written as an image and opened in place (src/dataset/image.c): the
 * opened dataset holds every column, index and id map of the original; an image damaged at any byte,
 * cut short, or pointing out of range is refused (or, where the damage is in a value no check can
 * judge, opened), never misread past its arrays. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/source.h"
#include "dataset/dataset_impl.h"
#include "dataset/image.h"

static cw_dataset *load_mini(void)
{
	cw_load_opts o = { .lookback_days = 45 };
	assert_int_equal(cw_month_parse(&o.month, "2026-05"), 0);
	char *dir = tu_tempdir(); /* not /dev/null: the reject file is made 0600, which root may do to it */
	assert_int_equal(cw_rejects_open(&o.rejects, tu_path(dir, "rejects.csv")), 0);
	FILE *warn = fopen("/dev/null", "w");
	o.warn = warn;
	cw_dataset *ds;
	assert_int_equal(cw_load_csv(&ds, NULL, CW_SOURCE_DIR "/tests/data/mini", &o), 0);
	assert_int_equal(cw_rejects_close(o.rejects), 0);
	fclose(warn);
	tu_rmtree(dir);
	free(dir);
	return ds;
}

typedef struct buf {
	unsigned char *p;
	size_t len, cap;
} buf;

static int to_buf(void *ctx, const void *data, size_t len)
{
	buf *b = ctx;
	if (b->len + len > b->cap)
		return cw_error_set(CW_EIO, "image larger than its size");
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

/* ds's image in a 64-byte aligned buffer (free it). */
static buf image_of(const cw_dataset *ds)
{
	buf b = { .cap = cw_dataset_image_size(ds) };
	b.p = aligned_alloc(64, (b.cap + 63) / 64 * 64);
	assert_non_null(b.p);
	assert_int_equal(cw_dataset_image_write(ds, to_buf, &b), 0);
	assert_int_equal(b.len, b.cap);
	return b;
}

static void same_columns(const cw_dataset *a, const cw_dataset *b)
{
	for (int t = 0; t < CW_T_COUNT; t++) {
		assert_int_equal(a->store[t].n, b->store[t].n);
		assert_int_equal(a->store[t].ncols, b->store[t].ncols);
		for (int c = 0; c < a->store[t].ncols; c++)
			if (a->store[t].n)
				assert_memory_equal(*a->store[t].col[c].ptr, *b->store[t].col[c].ptr,
				                    a->store[t].n * a->store[t].col[c].size);
	}
	assert_int_equal(a->claims.n, b->claims.n);
	assert_memory_equal(a->claims.by_visit, b->claims.by_visit, a->claims.n * 4);
	assert_memory_equal(a->claims.by_physician, b->claims.by_physician, a->claims.n * 4);
	assert_memory_equal(a->visits.line_start, b->visits.line_start, (a->visits.n + 1) * 4);
	assert_memory_equal(a->pat.visit_start, b->pat.visit_start, (a->pat.n + 1) * 4);
	assert_memory_equal(a->phys.visit_start, b->phys.visit_start, (a->phys.n + 1) * 4);
	assert_int_equal(a->rx.nrx, b->rx.nrx);
	assert_memory_equal(a->rx.rx_start, b->rx.rx_start, (a->rx.nrx + 1) * 4);
	assert_memory_equal(a->items.component_start, b->items.component_start, (a->items.n + 1) * 4);
	assert_memory_equal(&a->win, &b->win, sizeof a->win);
	assert_memory_equal(&a->stats, &b->stats, sizeof a->stats);
	assert_memory_equal(a->month_rows, b->month_rows, sizeof a->month_rows);
	assert_int_equal(a->pool.len, b->pool.len);
	assert_memory_equal(a->pool.bytes, b->pool.bytes, a->pool.len);
}

static void test_image_round_trip(void **state)
{
	(void)state;
	cw_dataset *ds = load_mini();
	buf b = image_of(ds);
	cw_dataset *back;
	assert_int_equal(cw_dataset_image_open(&back, b.p, b.len, NULL, 0, "mini.img"), 0);
	same_columns(ds, back);
	/* the id maps answer as the original's */
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_str *ids = cw_dataset_ids(ds, t);
		size_t n = ds->store[t].n;
		for (size_t r = 0; ids && r < n; r++) {
			const char *id = cw_dataset_str(ds, ids[r]);
			assert_int_equal(cw_dataset_find(back, t, id), cw_dataset_find(ds, t, id));
		}
		assert_int_equal(cw_dataset_find(back, t, "no such id"), CW_NONE);
	}
	/* written again from the opened dataset, the image is the same bytes */
	buf again = image_of(back);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.p, b.p, b.len);
	free(again.p);
	cw_dataset_free(back);
	free(b.p);
	cw_dataset_free(ds);
}

static void test_image_refused(void **state)
{
	(void)state;
	cw_dataset *ds = load_mini();
	buf b = image_of(ds);
	cw_dataset *back = (cw_dataset *)1;
	/* cut short at every 64 bytes */
	for (size_t len = 0; len < b.len; len += 64) {
		assert_int_equal(cw_dataset_image_open(&back, b.p, len, NULL, 0, "cut.img"), CW_EINVALID);
		assert_null(back);
	}
	/* another build: the fingerprint differs */
	unsigned char *copy = aligned_alloc(64, (b.len + 63) / 64 * 64);
	memcpy(copy, b.p, b.len);
	copy[8] ^= 1;
	assert_int_equal(cw_dataset_image_open(&back, copy, b.len, NULL, 0, "other.img"), CW_ENOTFOUND);
	/* a claim line naming a visit past the table, in place */
	memcpy(copy, b.p, b.len);
	cw_dataset *ok;
	assert_int_equal(cw_dataset_image_open(&ok, copy, b.len, NULL, 0, "x.img"), 0);
	((cw_ref *)(void *)ok->claims.visit)[0] = (cw_ref)ok->visits.n;
	cw_dataset_free(ok);
	assert_int_equal(cw_dataset_image_open(&back, copy, b.len, NULL, 0, "ref.img"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "ref.img: a claim line of a visit past the table"));
	/* every byte damaged in turn: refused, or opened and consistent (the checks bound every access) */
	size_t opened = 0;
	for (size_t i = 0; i < b.len; i++) {
		memcpy(copy, b.p, b.len);
		copy[i] ^= 0x5a;
		int rc = cw_dataset_image_open(&back, copy, b.len, NULL, 0, "flip.img");
		assert_true(rc == 0 || rc == CW_EINVALID || rc == CW_ENOTFOUND);
		if (rc == 0) {
			opened++;
			for (size_t l = 0; l < back->claims.n; l++) /* a reader's walk stays inside the arrays */
				assert_true(back->claims.visit[back->claims.by_visit[l]] < back->visits.n);
			cw_dataset_free(back);
		}
	}
	assert_true(opened > 0 && opened < b.len);
	free(copy);
	free(b.p);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_round_trip),
		cmocka_unit_test(test_image_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
