/* test_rank.c: ranks within the scope (institution, specialty, all), deterministic ties, no rank for
 * a zero score or too few cases, and the order ranking.csv lists rows in. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/score.h"

/* The test world: DR1, DR2 (H1/D1 cardiology), DR3 (H2/D2 cardiology), DR4 (H3/D3 general),
 * DR5 (H1/D4 respiratory). */
static cw_dataset *world(void) { return tu_finish(tu_builder("2026-05")); }

typedef struct spec {
	const char *phys;
	int32_t score;  /* hundredths, composite only (one dimension in these tests) */
	cw_fen suspect;
	int too_few;
} spec;

static cw_scores *scores(const cw_dataset *ds, const spec *sp, size_t n)
{
	const cw_physicians *ph = cw_dataset_physicians(ds);
	cw_scores *s = calloc(1, sizeof *s);
	s->n = n;
	s->ndims = 0;
	s->rows = calloc(n, sizeof *s->rows);
	s->cells = calloc(n, sizeof *s->cells);
	for (size_t i = 0; i < n; i++) {
		cw_ref p = cw_dataset_find(ds, CW_T_PHYSICIANS, sp[i].phys);
		assert_int_not_equal(p, CW_NONE);
		s->rows[i] = (cw_physcore){ .physician = p, .inst = ph->inst[p], .dept = ph->dept[p], .visits = 100,
			                    .too_few = sp[i].too_few, .dim = &s->cells[i] };
		s->cells[i].score = sp[i].score;
		s->cells[i].suspect = sp[i].suspect;
	}
	return s;
}

static uint32_t rank_of(const cw_scores *s, const cw_dataset *ds, const char *phys)
{
	cw_ref p = cw_dataset_find(ds, CW_T_PHYSICIANS, phys);
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].physician == p)
			return s->rows[i].dim[0].rank;
	fail_msg("%s not scored", phys);
	return 0;
}

static const spec five[] = {
	{ "DR1", 5000, 100, 0 }, { "DR2", 7000, 100, 0 }, { "DR3", 9000, 100, 0 },
	{ "DR4", 3000, 100, 0 }, { "DR5", 6000, 100, 0 },
};

static void test_scope_institution(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_scores *s = scores(ds, five, 5);
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_INSTITUTION), 0);
	assert_int_equal(rank_of(s, ds, "DR2"), 1); /* H1: DR2 70, DR5 60, DR1 50 */
	assert_int_equal(rank_of(s, ds, "DR5"), 2);
	assert_int_equal(rank_of(s, ds, "DR1"), 3);
	assert_int_equal(rank_of(s, ds, "DR3"), 1); /* alone in H2 */
	assert_int_equal(rank_of(s, ds, "DR4"), 1); /* alone in H3 */
	cw_scores_free(s);
	cw_dataset_free(ds);
}

static void test_scope_specialty_and_all(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_scores *s = scores(ds, five, 5);
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_SPECIALTY), 0);
	assert_int_equal(rank_of(s, ds, "DR3"), 1); /* cardiology across H1 and H2: DR3 90, DR2 70, DR1 50 */
	assert_int_equal(rank_of(s, ds, "DR2"), 2);
	assert_int_equal(rank_of(s, ds, "DR1"), 3);
	assert_int_equal(rank_of(s, ds, "DR4"), 1); /* general */
	assert_int_equal(rank_of(s, ds, "DR5"), 1); /* respiratory */
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_ALL), 0);
	assert_int_equal(rank_of(s, ds, "DR3"), 1);
	assert_int_equal(rank_of(s, ds, "DR2"), 2);
	assert_int_equal(rank_of(s, ds, "DR5"), 3);
	assert_int_equal(rank_of(s, ds, "DR1"), 4);
	assert_int_equal(rank_of(s, ds, "DR4"), 5);
	assert_string_equal(cw_scope_name(CW_SCOPE_SPECIALTY), "specialty");
	cw_scores_free(s);
	cw_dataset_free(ds);
}

static void test_ties_money_then_id(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	static const spec tied[] = {
		{ "DR5", 5000, 100, 0 }, { "DR2", 5000, 100, 0 }, { "DR1", 5000, 99, 0 }, { "DR3", 5000, 500, 0 },
	};
	cw_scores *s = scores(ds, tied, 4);
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_ALL), 0);
	assert_int_equal(rank_of(s, ds, "DR3"), 1); /* most money */
	assert_int_equal(rank_of(s, ds, "DR2"), 2); /* same money as DR5: the smaller id first */
	assert_int_equal(rank_of(s, ds, "DR5"), 3);
	assert_int_equal(rank_of(s, ds, "DR1"), 4);
	cw_scores_free(s);
	cw_dataset_free(ds);
}

static void test_unranked_rows(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	static const spec sp[] = {
		{ "DR1", 0, 0, 0 }, { "DR2", 0, 0, 0 },     /* nothing to rank */
		{ "DR5", 9900, 100, 1 },                     /* too few cases, however bad */
		{ "DR3", 100, 0, 0 },
	};
	cw_scores *s = scores(ds, sp, 4);
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_INSTITUTION), 0);
	assert_int_equal(rank_of(s, ds, "DR1"), 0);
	assert_int_equal(rank_of(s, ds, "DR2"), 0);
	assert_int_equal(rank_of(s, ds, "DR5"), 0);
	assert_int_equal(rank_of(s, ds, "DR3"), 1);
	assert_int_equal(s->ranked, 3);
	assert_int_equal(s->too_few, 1);
	uint32_t idx[4];
	cw_rank_order(idx, s, ds, 0);
	/* ranked first (DR3), then nothing to rank (DR1, DR2 of H1), then too few (DR5) */
	const char *want[] = { "DR3", "DR1", "DR2", "DR5" };
	for (int i = 0; i < 4; i++)
		assert_string_equal(cw_dataset_str(ds, cw_dataset_physicians(ds)->id[s->rows[idx[i]].physician]), want[i]);
	cw_scores_free(s);
	cw_dataset_free(ds);
}

static void test_order_by_group_then_rank(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_scores *s = scores(ds, five, 5);
	assert_int_equal(cw_rank(s, ds, CW_SCOPE_INSTITUTION), 0);
	uint32_t idx[5];
	cw_rank_order(idx, s, ds, 0);
	const char *want[] = { "DR2", "DR5", "DR1", "DR3", "DR4" }; /* H1 by rank, then H2, then H3 */
	for (int i = 0; i < 5; i++)
		assert_string_equal(cw_dataset_str(ds, cw_dataset_physicians(ds)->id[s->rows[idx[i]].physician]), want[i]);
	cw_scores_free(s);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_institution),
		cmocka_unit_test(test_scope_specialty_and_all),
		cmocka_unit_test(test_ties_money_then_id),
		cmocka_unit_test(test_unranked_rows),
		cmocka_unit_test(test_order_by_group_then_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
