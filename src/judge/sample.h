/* sample.h: the 双随机 draw (requirement J4): a reproducible, seeded sample of
 * physicians or institutions for on-site checks, at least a given share of the
 * population, part of it purely at random and the rest weighted by risk.
 *
 * How the draw works (docs/sample.md): the population is sorted by id (so the
 * draw does not depend on the order of the rows read), n = ceil(share × size)
 * units are drawn (never fewer than the share, at least one), the first
 * ceil(random_share × n) of them uniformly at random, the rest without
 * replacement with a probability proportional to risk + CW_SAMPLE_EPSILON, so
 * a unit without risk can still be drawn. The generator is splitmix64, seeded
 * with the seed alone: the same seed and data give the same draw. */
#ifndef CW_SAMPLE_H
#define CW_SAMPLE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "claimwatch/types.h"

#define CW_SAMPLE_SHARE 0.2          /* J4: at least 20% */
#define CW_SAMPLE_RANDOM_SHARE 0.3   /* the guaranteed pure-random part of the draw */
#define CW_SAMPLE_EPSILON 1.0        /* weight added to every risk (risk is on 0-100) */

enum { CW_SAMPLE_NONE = 0, CW_SAMPLE_RANDOM = 1, CW_SAMPLE_RISK = 2 };

typedef struct cw_sample_unit {
	char id[64], name[128], inst_id[64];
	double risk;    /* 0 to 100, higher = more problems */
	int pick;       /* CW_SAMPLE_NONE, _RANDOM, _RISK */
	size_t order;   /* 1, 2, ... in the order drawn; 0 when not drawn */
} cw_sample_unit;

typedef struct cw_sample {
	cw_sample_unit *u;
	size_t n, cap;
	size_t drawn, random_drawn;
	uint64_t seed;
	int institutions; /* the units are institutions (else physicians) */
} cw_sample;

/* Adds a unit (ids and names cut to their fields). */
int cw_sample_add(cw_sample *s, const char *id, const char *name, const char *inst_id, double risk);
/* How many of `size` a share asks for: ceil(share × size), at least 1, at most size. */
size_t cw_sample_count(size_t size, double share);
/* Sorts the population by id (a repeated id keeps its highest risk) and draws.
 * CW_EINVALID when share is outside (0, 1], random_share outside [0, 1] or the
 * population is empty. */
int cw_sample_draw(cw_sample *s, double share, double random_share, uint64_t seed);
/* The population of ROOT/YYYY-MM: every physician of ranking.csv's composite
 * rows (risk: the composite score, empty = 0), or every institution there (risk:
 * 100 - the score of the month's inst_assessment.csv when there is one, else
 * the money at stake of its findings.csv findings not dismissed, as 100 × its
 * share of the largest institution's). CW_ENOTFOUND without the month's files. */
int cw_sample_load(cw_sample *s, const char *root, cw_month m, int institutions);
/* The drawn units in drawing order: unit_id, name, inst_id, risk, pick, order, seed. */
int cw_sample_write_csv(const cw_sample *s, FILE *f, int csv_flags);
void cw_sample_free(cw_sample *s);

#endif
