/* gen_truth.c: the answers of a generated data set, DIR/truth.json.
 *
 * Cases (injected schemes) and look-alikes (patterns that must not be
 * flagged) are kept in memory as small records with their line ids in one
 * pool, and written at the end with cJSON in the format of
 * detectors-spec.md. */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "gen.h"
#include "util/grow.h"

gen_case *gen_truth_add(gen_truth *t, int look)
{
	if (cw_grow((void **)&t->c, &t->cap, t->n + 1, sizeof *t->c) < 0)
		return NULL;
	gen_case *c = &t->c[t->n++];
	memset(c, 0, sizeof *c);
	c->look = look;
	c->phys = -1;
	if (look)
		t->nlook++;
	else
		t->ncases++;
	return c;
}

int gen_truth_add_ids(gen_truth *t, gen_case *c, const uint64_t *ids, int n)
{
	if (cw_grow((void **)&t->ids, &t->capids, t->nids + (size_t)n, sizeof *t->ids) < 0)
		return CW_ENOMEM;
	c->line0 = (uint32_t)t->nids;
	c->nlines = (uint32_t)n;
	memcpy(t->ids + t->nids, ids, (size_t)n * sizeof *ids);
	t->nids += (size_t)n;
	return 0;
}

void gen_truth_free(gen_truth *t)
{
	free(t->c);
	free(t->ids);
	memset(t, 0, sizeof *t);
}

static char *month_name(const gen_ctx *g, int m, char *buf)
{
	cw_month x = g->o.first;
	for (int i = 0; i < m; i++)
		x = cw_month_next(x);
	return cw_month_format(buf, x);
}

static cJSON *case_json(const gen_ctx *g, const gen_case *c, int seq)
{
	cJSON *o = cJSON_CreateObject();
	char buf[64];
	snprintf(buf, sizeof buf, "%c%06d", c->look ? 'L' : 'T', seq);
	cJSON_AddStringToObject(o, "id", buf);
	cJSON_AddStringToObject(o, "detector", gen_detectors[c->det]);
	cJSON_AddStringToObject(o, "kind", c->kind);
	cJSON_AddStringToObject(o, "month", month_name(g, c->month, buf));
	cJSON_AddStringToObject(o, "physician_id", c->phys >= 0 ? g->phys[c->phys].id : "");
	cJSON_AddStringToObject(o, "patient_id", c->pat ? gen_pat_id(c->pat, buf) : "");
	cJSON_AddStringToObject(o, "visit_id", c->visit ? gen_visit_id(c->visit, buf) : "");
	if (c->dept1) /* a department-level case */
		cJSON_AddStringToObject(o, "dept_id", g->dept[c->dept1 - 1].id);
	cJSON *ids = cJSON_AddArrayToObject(o, "line_ids");
	for (uint32_t i = 0; i < c->nlines; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(gen_line_id(g->truth.ids[c->line0 + i], buf)));
	if (!c->look) {
		char m[CW_FMT_SIZE];
		cJSON_AddStringToObject(o, "suspect_amount", cw_format_money(m, c->suspect));
	}
	cJSON_AddStringToObject(o, "note", c->note);
	return o;
}

int gen_truth_write(gen_ctx *g)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return cw_error_set(CW_ENOMEM, "gen: out of memory");
	char buf[32];
	cJSON_AddStringToObject(root, "generator", "claimwatch gen");
	cJSON_AddNumberToObject(root, "seed", (double)g->o.seed);
	cJSON_AddNumberToObject(root, "scale", g->o.scale);
	cJSON *months = cJSON_AddArrayToObject(root, "months");
	for (int m = 0; m < g->nmonths; m++)
		cJSON_AddItemToArray(months, cJSON_CreateString(month_name(g, m, buf)));
	cJSON *cases = cJSON_AddArrayToObject(root, "cases");
	cJSON *looks = cJSON_AddArrayToObject(root, "lookalikes");
	int nc = 0, nl = 0;
	/* in month order, then detector, then generation order: easy to read */
	for (int m = 0; m < g->nmonths; m++)
		for (int d = 0; gen_detectors[d]; d++)
			for (size_t i = 0; i < g->truth.n; i++) {
				const gen_case *c = &g->truth.c[i];
				if (c->month != m || c->det != d)
					continue;
				if (c->look)
					cJSON_AddItemToArray(looks, case_json(g, c, ++nl));
				else
					cJSON_AddItemToArray(cases, case_json(g, c, ++nc));
			}
	cJSON *bad = cJSON_AddArrayToObject(root, "bad_physicians");
	for (int i = 0; i < g->nphys; i++) {
		const gen_phys *ph = &g->phys[i];
		if (ph->role != R_BAD)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "physician_id", ph->id);
		cJSON_AddStringToObject(o, "inst_id", g->inst[ph->inst].id);
		cJSON_AddStringToObject(o, "dept_id", g->dept[ph->dept].id);
		cJSON *ms = cJSON_AddArrayToObject(o, "months");
		for (int m = 0; m < g->nmonths; m++)
			if (ph->active >> m & 1)
				cJSON_AddItemToArray(ms, cJSON_CreateString(month_name(g, m, buf)));
		cJSON_AddStringToObject(o, "note", "concentrated schemes every month: expected to rank first in the "
		                                   "institution and earn half-year sanctions");
		cJSON_AddItemToArray(bad, o);
	}
	cJSON *badi = cJSON_AddArrayToObject(root, "bad_institutions");
	for (int i = 0; i < g->nbad_inst; i++) {
		const gen_inst *in = &g->inst[g->bad_inst[i]];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "inst_id", in->id);
		cJSON_AddNumberToObject(o, "level", in->level);
		cJSON_AddStringToObject(o, "note", "its physicians overcharge (over_price) on many visits and stays: "
		                                   "expected to grade low and climb the institutions' sanction ladder");
		cJSON_AddItemToArray(badi, o);
	}
	/* the roles behind the physician-level cases and look-alikes, for a person reading the truth */
	static const char *const role_name[] = { "", "bad_physician", "outlier_cost", "outlier_large_equipment",
		                                 "outlier_length_of_stay", "low_positive_rate", "antibiotic_outpatient",
		                                 "antibiotic_emergency", "lookalike_case_mix", "lookalike_emergency_35",
		                                 "lookalike_few_peers" };
	cJSON *roles = cJSON_AddArrayToObject(root, "physician_roles");
	for (int i = 0; i < g->nphys; i++) {
		const gen_phys *ph = &g->phys[i];
		if (!ph->role)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "physician_id", ph->id);
		cJSON_AddStringToObject(o, "dept_id", g->dept[ph->dept].id);
		cJSON_AddStringToObject(o, "role", role_name[ph->role]);
		cJSON *ms = cJSON_AddArrayToObject(o, "months");
		for (int m = 0; m < g->nmonths; m++)
			if (ph->active >> m & 1)
				cJSON_AddItemToArray(ms, cJSON_CreateString(month_name(g, m, buf)));
		cJSON_AddItemToArray(roles, o);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return cw_error_set(CW_ENOMEM, "gen: out of memory writing truth.json");
	char path[1100];
	snprintf(path, sizeof path, "%s/truth.json", g->o.out_dir);
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (!f) {
		rc = cw_error_set(CW_EIO, "%s: cannot create", path);
	} else {
		size_t n = strlen(text);
		if (fwrite(text, 1, n, f) != n || fputc('\n', f) == EOF)
			rc = cw_error_set(CW_EIO, "%s: write failed", path);
		if (fclose(f) != 0 && !rc)
			rc = cw_error_set(CW_EIO, "%s: write failed", path);
	}
	cJSON_free(text);
	g->st.cases = (uint64_t)nc;
	g->st.lookalikes = (uint64_t)nl;
	return rc;
}
