/* sanction.c: the half-year sanction ladder over a cycle's standings (see claimwatch/sanction.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "util/strbuf.h"

static const char *const grade_choices[] = { "reasonable", "basically_reasonable", "unreasonable", NULL };

static int load_level(const cw_section *s, int level, cw_sanction_rules *o)
{
	char key[16];
	snprintf(key, sizeof key, "level%d", level);
	cw_section l = cw_section_child(s, key);
	int rc;
	if ((rc = cw_section_int(&o->single[level], &l, "single_firsts", 0, 1000)) < 0 ||
	    (rc = cw_section_int(&o->composite[level], &l, "composite_firsts", 0, 1000)) < 0 ||
	    (rc = cw_section_string(&o->measures_zh[level], &l, "measures_zh")) < 0 ||
	    (rc = cw_section_string(&o->measures_en[level], &l, "measures_en")) < 0)
		return rc;
	return 0;
}

int cw_sanction_rules_load(cw_sanction_rules *o, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "sanctions");
	int rc;
	memset(o, 0, sizeof *o);
	o->measures_zh[0] = o->measures_en[0] = "";
	if ((rc = cw_section_bool(&o->count_each_dimension, &s, "count_each_dimension")) < 0 ||
	    (rc = cw_section_choice(&o->min_composite_grade, &s, "min_composite_grade", grade_choices)) < 0)
		return rc;
	for (int level = 1; level <= CW_LEVELS; level++)
		if ((rc = load_level(&s, level, o)) < 0)
			return rc;
	return 0;
}

const char *cw_sanction_measures(const cw_sanction_rules *r, int level, const char *lang)
{
	if (level < 1 || level > CW_LEVELS)
		return "";
	return lang && !strcmp(lang, "en") ? r->measures_en[level] : r->measures_zh[level];
}

/* --- the ladder ------------------------------------------------------------------- */

static int level_of(const cw_sanction_rules *r, int single, int composite)
{
	for (int level = CW_LEVELS; level >= 1; level--)
		if ((r->single[level] > 0 && single >= r->single[level]) ||
		    (r->composite[level] > 0 && composite >= r->composite[level]))
			return level;
	return 0;
}

static int counts(const cw_sanction_rules *r, const cw_standing *s)
{
	return (s->nfirsts > 0 || s->composite_first) && s->composite_grade != CW_GRADE_NONE &&
	       s->composite_grade >= r->min_composite_grade;
}

typedef struct walk {
	cw_sb flagged, detail, composite, last;
} walk;

/* Adds one counting month to the tally. */
static void count_month(const cw_history *h, const cw_sanction_rules *r, const cw_standing *s, cw_tally *t,
                        walk *w)
{
	char month[8], item[200];
	cw_month m = h->first;
	for (int i = 0; i < s->month; i++)
		m = cw_month_next(m);
	cw_month_format(month, m);
	t->months_flagged++;
	cw_sb_add(&w->flagged, " ", month);
	if (s->nfirsts) {
		t->single_firsts += r->count_each_dimension ? s->nfirsts : 1;
		snprintf(item, sizeof item, "%s:%s", month, s->firsts);
		for (char *p = item; *p; p++)
			if (*p == ' ')
				*p = '+';
		cw_sb_add(&w->detail, " ", item);
	}
	if (s->composite_first) {
		t->composite_firsts++;
		cw_sb_add(&w->composite, " ", month);
	}
	int level = level_of(r, t->single_firsts, t->composite_firsts);
	if (level > t->max_level)
		t->max_level = level;
	if (s->month + 1 == h->nmonths)
		t->level = level;
}

/* Walks one physician's standings [from, to) in month order. */
static int tally_one(const cw_history *h, const cw_sanction_rules *r, size_t from, size_t to, cw_tally *t)
{
	walk w = { 0 };
	memset(t, 0, sizeof *t);
	for (size_t i = from; i < to; i++) {
		const cw_standing *s = &h->s[i];
		t->last = s;
		t->suspect_total += s->suspect;
		if (counts(r, s))
			count_month(h, r, s, t, &w);
		if (s->month + 1 == h->nmonths) {
			cw_sb_add(&w.last, " ", s->firsts);
			if (s->composite_first)
				cw_sb_add(&w.last, " ", "composite");
		}
	}
	t->flagged = cw_sb_take(&w.flagged);
	t->single_detail = cw_sb_take(&w.detail);
	t->composite_months = cw_sb_take(&w.composite);
	t->last_firsts = cw_sb_take(&w.last);
	if (!t->flagged || !t->single_detail || !t->composite_months || !t->last_firsts)
		return cw_error_set(CW_ENOMEM, "out of memory counting sanctions");
	return 0;
}

int cw_sanction_tally(cw_tally **out, size_t *n, const cw_history *h, const cw_sanction_rules *r)
{
	size_t count = 0;
	for (size_t i = 0; i < h->n; i++)
		count += i == 0 || strcmp(h->s[i - 1].physician_id, h->s[i].physician_id) != 0;
	cw_tally *t = calloc(count ? count : 1, sizeof *t);
	if (!t)
		return cw_error_set(CW_ENOMEM, "out of memory counting sanctions");
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < h->n && rc == 0;) {
		size_t j = i + 1;
		while (j < h->n && !strcmp(h->s[j].physician_id, h->s[i].physician_id))
			j++;
		rc = tally_one(h, r, i, j, &t[k++]);
		i = j;
	}
	if (rc < 0) {
		cw_tallies_free(t, k);
		return rc;
	}
	*out = t;
	*n = count;
	return 0;
}

void cw_tallies_free(cw_tally *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		free(t[i].flagged);
		free(t[i].single_detail);
		free(t[i].composite_months);
		free(t[i].last_firsts);
	}
	free(t);
}
