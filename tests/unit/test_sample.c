/* test_sample.c: the 双随机 draw of J4 (judge/sample.c, docs/sample.md): reproducible by seed and
 * independent of the order of the population, never fewer than the share, the random part kept,
 * risk favoured, bad input refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "judge/sample.h"

/* n units U000.. with risk 0, except the ids in `risky` (every tenth) at 100; reversed when asked. */
static void population(cw_sample *s, size_t n, int reversed)
{
	memset(s, 0, sizeof *s);
	for (size_t k = 0; k < n; k++) {
		size_t i = reversed ? n - 1 - k : k;
		char id[16];
		snprintf(id, sizeof id, "U%03zu", i);
		assert_int_equal(cw_sample_add(s, id, "", "H1", i % 10 == 0 ? 100 : 0), 0);
	}
}

/* The drawn ids in drawing order, joined. */
static void drawn(char *buf, size_t size, const cw_sample *s)
{
	buf[0] = 0;
	for (size_t o = 1; o <= s->drawn; o++)
		for (size_t i = 0; i < s->n; i++)
			if (s->u[i].order == o) {
				strncat(buf, s->u[i].id, size - strlen(buf) - 1);
				strncat(buf, s->u[i].pick == CW_SAMPLE_RANDOM ? "r " : "w ", size - strlen(buf) - 1);
			}
}

static void same_seed_same_draw(void **state)
{
	(void)state;
	cw_sample a, b, c;
	char da[4096], db[4096], dc[4096];
	population(&a, 100, 0);
	population(&b, 100, 1); /* rows in another order: the same draw */
	population(&c, 100, 0);
	assert_int_equal(cw_sample_draw(&a, 0.2, 0.3, 42), 0);
	assert_int_equal(cw_sample_draw(&b, 0.2, 0.3, 42), 0);
	assert_int_equal(cw_sample_draw(&c, 0.2, 0.3, 43), 0);
	drawn(da, sizeof da, &a);
	drawn(db, sizeof db, &b);
	drawn(dc, sizeof dc, &c);
	assert_string_equal(da, db);
	assert_string_not_equal(da, dc);
	cw_sample_free(&a);
	cw_sample_free(&b);
	cw_sample_free(&c);
}

static void never_below_share(void **state)
{
	(void)state;
	static const double shares[] = { 0.01, 0.1, 0.2, 0.3, 0.33, 0.5, 0.7, 1.0 };
	for (size_t n = 1; n <= 40; n++)
		for (size_t j = 0; j < sizeof shares / sizeof *shares; j++) {
			cw_sample s;
			population(&s, n, 0);
			assert_int_equal(cw_sample_draw(&s, shares[j], 0.3, n), 0);
			assert_true((double)s.drawn >= shares[j] * (double)n - 1e-9);
			assert_true(s.drawn >= 1 && s.drawn <= n);
			assert_true(s.drawn < shares[j] * (double)n + 1); /* and not more than needed */
			size_t picked = 0;
			for (size_t i = 0; i < s.n; i++)
				picked += s.u[i].pick != CW_SAMPLE_NONE;
			assert_int_equal(picked, s.drawn); /* without replacement */
			cw_sample_free(&s);
		}
	assert_int_equal(cw_sample_count(10, 0.3), 3); /* 0.3 x 10 is 3.0000000000000004 */
	assert_int_equal(cw_sample_count(7, 0.2), 2);
	assert_int_equal(cw_sample_count(3, 1.0), 3);
}

static void random_share_kept(void **state)
{
	(void)state;
	cw_sample s;
	population(&s, 100, 0);
	assert_int_equal(cw_sample_draw(&s, 0.2, 0.3, 7), 0);
	assert_int_equal(s.drawn, 20);
	assert_int_equal(s.random_drawn, 6);
	size_t random = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.u[i].pick == CW_SAMPLE_RANDOM) {
			random++;
			assert_true(s.u[i].order <= 6); /* the random part comes first */
		}
	assert_int_equal(random, 6);
	assert_int_equal(cw_sample_draw(&s, 0.2, 0, 7), 0);
	assert_int_equal(s.random_drawn, 0);
	assert_int_equal(cw_sample_draw(&s, 0.2, 1, 7), 0);
	assert_int_equal(s.random_drawn, 20);
	cw_sample_free(&s);
}

/* Over many seeds the risky tenth is drawn far more often than its tenth; a zero-risk unit still is. */
static void risk_favoured(void **state)
{
	(void)state;
	size_t risky = 0, total = 0, zero = 0;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		cw_sample s;
		population(&s, 100, 0);
		assert_int_equal(cw_sample_draw(&s, 0.2, 0, seed), 0);
		for (size_t i = 0; i < s.n; i++)
			if (s.u[i].pick) {
				total++;
				risky += s.u[i].risk > 0;
				zero += s.u[i].risk == 0;
			}
		cw_sample_free(&s);
	}
	assert_true(risky > total / 3); /* chance would be a tenth */
	assert_true(zero > 0);
}

static void bad_input(void **state)
{
	(void)state;
	cw_sample s;
	population(&s, 10, 0);
	assert_int_equal(cw_sample_draw(&s, 0, 0.3, 1), CW_EINVALID);
	assert_int_equal(cw_sample_draw(&s, -0.1, 0.3, 1), CW_EINVALID);
	assert_int_equal(cw_sample_draw(&s, 1.01, 0.3, 1), CW_EINVALID);
	assert_int_equal(cw_sample_draw(&s, 0.2, 1.5, 1), CW_EINVALID);
	assert_int_equal(cw_sample_draw(&s, 0.2, -1, 1), CW_EINVALID);
	cw_sample_free(&s);
	cw_sample e = { 0 };
	assert_int_equal(cw_sample_draw(&e, 0.2, 0.3, 1), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "empty"));
}

/* A repeated id is one unit (its highest risk). */
static void repeated_ids(void **state)
{
	(void)state;
	cw_sample s = { 0 };
	assert_int_equal(cw_sample_add(&s, "B", "", "H1", 5), 0);
	assert_int_equal(cw_sample_add(&s, "A", "", "H1", 1), 0);
	assert_int_equal(cw_sample_add(&s, "B", "", "H1", 9), 0);
	assert_int_equal(cw_sample_draw(&s, 1.0, 0.3, 1), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.u[1].id, "B");
	assert_true(s.u[1].risk == 9);
	cw_sample_free(&s);
}

/* The CSV: the drawn units in order, formula-like names kept as text. */
static void csv_written(void **state)
{
	(void)state;
	cw_sample s = { 0 };
	char text[1024] = "";
	assert_int_equal(cw_sample_add(&s, "DR1", "=HYPERLINK(1)", "H1", 50), 0);
	assert_int_equal(cw_sample_draw(&s, 1.0, 1.0, 77), 0);
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(cw_sample_write_csv(&s, f, 0), 0);
	rewind(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = 0;
	fclose(f);
	assert_string_equal(text, "unit_id,name,inst_id,risk,pick,order,seed\n"
	                          "DR1,\"'=HYPERLINK(1)\",H1,50.00,random,1,77\n");
	cw_sample_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_draw), cmocka_unit_test(never_below_share),
		cmocka_unit_test(random_share_kept),   cmocka_unit_test(risk_favoured),
		cmocka_unit_test(bad_input),           cmocka_unit_test(repeated_ids),
		cmocka_unit_test(csv_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
