/* imp_cms.c: CMS claims files into the contract (--from cms): the DE-SynPUF beneficiary summary,
 * inpatient, outpatient and carrier claims (the CCW research layouts' names). DE-SynPUF institutional
 * claims give amounts per claim, not per HCPCS line: each HCPCS line becomes a line of amount 0 and the
 * claim's payment one line of its own. Field by field, with the rules and their sources: docs/import.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/dataset.h"
#include "claimwatch/error.h"
#include "import.h"

#define ZH(en, zh) en, zh
#define IP_HCPCS 45
#define CR_LINES 13

typedef struct cms {
	imp_db *db;
} cms;

static void count(cms *c, const char *rec, int outcome, const char *en, const char *zh, imp_src *s, int col)
{
	char where[160];
	imp_count_add(c->db->rep, rec, outcome, en, zh, s ? imp_src_where(where, sizeof where, s, col) : NULL);
}

static void bad_value(cms *c, const char *rec, imp_src *s, int col, const char *why)
{
	char where[160];
	imp_src_where(where, sizeof where, s, col);
	if (imp_count_total(c->db->rep, rec, IMP_DROPPED) < 10)
		fprintf(stderr, "claimwatch import: %s: %s: '%s' (row dropped)\n", where, why, imp_src_get(s, (size_t)col));
	imp_count_add(c->db->rep, rec, IMP_DROPPED, "a value that cannot be read", "值无法读取", where);
}

/* An optional amount (empty: 0); < 0 after bad_value. */
static int amount(cms *c, const char *rec, imp_src *s, int col, cw_fen *out)
{
	const char *why, *v = imp_src_get(s, (size_t)col);
	int rounded;
	int64_t x = 0;
	if (*v && imp_decimal(&x, &rounded, &why, v, 2) < 0)
		return bad_value(c, rec, s, col, why), -1;
	*out = x;
	return 0;
}

/* HCPCS to a category: CPT 70000-79999 radiology (exam), 80000-89999 pathology and laboratory (lab),
 * 99201-99499 evaluation and management (consult), 00100-69999 anaesthesia and surgery (surgery), 90000-
 * 99199 medicine (treatment); Level II J drugs, A/E/L supplies and devices (material); the rest other. */
static int hcpcs_category(const char *h)
{
	if (strlen(h) >= 5 && strspn(h, "0123456789") >= 5) {
		char five[6] = { h[0], h[1], h[2], h[3], h[4], 0 };
		long v = strtol(five, NULL, 10);
		return v >= 70000 && v <= 79999 ? CW_CAT_EXAM : v >= 80000 && v <= 89999 ? CW_CAT_LAB
		     : v >= 99201 && v <= 99499 ? CW_CAT_CONSULT : v >= 90000 ? CW_CAT_TREATMENT : CW_CAT_SURGERY;
	}
	return h[0] == 'J' ? CW_CAT_DRUG : h[0] == 'A' || h[0] == 'E' || h[0] == 'L' ? CW_CAT_MATERIAL : CW_CAT_OTHER;
}

/* The files of one kind: NAME.csv, or every *PATTERN*.csv (DE-SynPUF's DE1_0_2008_to_2010_..._Sample_1.csv,
 * the carrier claims in two parts A and B), sorted; names without ".csv". */
static int find_files(char ***out, size_t *n, const char *dir, const char *name, const char *pattern)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return cw_error_set(CW_ENOTFOUND, "%s: cannot open the folder", dir);
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv"))
			continue;
		if (strncmp(e->d_name, name, len - 4) || strlen(name) != len - 4) {
			if (!strstr(e->d_name, pattern))
				continue;
		}
		char **p = realloc(*out, (*n + 1) * sizeof *p);
		if (!p || !(p[*n] = strndup(e->d_name, len - 4))) {
			if (p)
				*out = p;
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		*out = p;
		(*n)++;
	}
	closedir(d);
	for (size_t i = 1; i < *n; i++) /* insertion sort: a handful of files */
		for (size_t j = i; j > 0 && strcmp((*out)[j - 1], (*out)[j]) > 0; j--) {
			char *t = (*out)[j];
			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return rc;
}

static void free_files(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* --- beneficiaries --------------------------------------------------------------------- */

enum { B_ID, B_BIRTH, B_DEATH, B_SEX };
static const char *const bene_fields[] = { "DESYNPUF_ID", "?BENE_BIRTH_DT", "?BENE_DEATH_DT", "?BENE_SEX_IDENT_CD", NULL };

static int bene_row(cms *c, imp_src *s)
{
	const char *R = "beneficiary", *why;
	const char *id = imp_src_get(s, B_ID);
	cw_minute birth = CW_MINUTE_NONE, death = CW_MINUTE_NONE;
	if (!*id)
		return count(c, R, IMP_DROPPED, ZH("DESYNPUF_ID is empty", "DESYNPUF_ID 为空"), s, B_ID), 0;
	if (*imp_src_get(s, B_BIRTH) && imp_time(&birth, &why, imp_src_get(s, B_BIRTH)) < 0)
		return bad_value(c, R, s, B_BIRTH, why), 0;
	if (*imp_src_get(s, B_DEATH) && imp_time(&death, &why, imp_src_get(s, B_DEATH)) < 0)
		return bad_value(c, R, s, B_DEATH, why), 0;
	const char *sx = imp_src_get(s, B_SEX);
	if (imp_map_get(&c->db->pat_ix, id) >= 0)
		count(c, R, IMP_MERGED, ZH("the beneficiary in another year's file: merged", "另一年度的同一受益人：合并"), s, B_ID);
	else
		count(c, R, IMP_KEPT, NULL, NULL, s, -1);
	return imp_patient(c->db, id, !strcmp(sx, "1") ? 'M' : !strcmp(sx, "2") ? 'F' : 0,
	                   birth == CW_MINUTE_NONE ? CW_DAY_NONE : cw_day_of(birth),
	                   death == CW_MINUTE_NONE ? CW_DAY_NONE : cw_day_of(death)) < 0 ? CW_ENOMEM : 0;
}

/* --- claims ------------------------------------------------------------------------------ */

/* The fields of a claims file: the claim's, then n groups of per-line fields. */
typedef struct layout {
	const char *record;  /* "inpatient", "outpatient", "carrier" */
	const char *prefix;  /* of the visit ids */
	int kind;
	const char *const *claim; /* NULL-terminated */
	const char *const *line;  /* per line, each name followed by _N */
	int nlines;
	const char **fields; /* built: claim's, then line fields 1..nlines */
	int nclaim, nper;
} layout;

enum { K_BENE, K_CLM, K_SEG, K_FROM, K_THRU, K_PRVDR, K_PMT, K_PRMRY, K_AT, K_ADMSN, K_DSCHRG, K_ADMTNG, K_DX9,
       K_DX, K_DX10, K_DED, K_COIN, K_BLOOD, K_DED_B, K_COIN_B, K_NCLAIM };
static const char *const claim_fields[] = { "DESYNPUF_ID", "CLM_ID", "?SEGMENT", "CLM_FROM_DT", "?CLM_THRU_DT",
	"?PRVDR_NUM", "?CLM_PMT_AMT", "?NCH_PRMRY_PYR_CLM_PD_AMT", "?AT_PHYSN_NPI", "?CLM_ADMSN_DT",
	"?NCH_BENE_DSCHRG_DT", "?ADMTNG_ICD9_DGNS_CD", "?ICD9_DGNS_CD_1", "?ICD_DGNS_CD1", "?ICD10_DGNS_CD_1",
	"?NCH_BENE_IP_DDCTBL_AMT", "?NCH_BENE_PTA_COINSRNC_LBLTY_AM", "?NCH_BENE_BLOOD_DDCTBL_LBLTY_AM",
	"?NCH_BENE_PTB_DDCTBL_AMT", "?NCH_BENE_PTB_COINSRNC_AMT", NULL };
static const char *const inst_line[] = { "HCPCS_CD", NULL };
enum { N_HCPCS, N_NPI, N_TAX, N_PMT, N_DED, N_COIN, N_PRMRY, N_ALLOWED };
static const char *const car_line[] = { "HCPCS_CD", "PRF_PHYSN_NPI", "TAX_NUM", "LINE_NCH_PMT_AMT",
	"LINE_BENE_PTB_DDCTBL_AMT", "LINE_COINSRNC_AMT", "LINE_BENE_PRMRY_PYR_PD_AMT", "LINE_ALOWD_CHRG_AMT", NULL };

static int build(layout *L)
{
	L->nclaim = L->nper = 0;
	while (L->claim[L->nclaim])
		L->nclaim++;
	while (L->line[L->nper])
		L->nper++;
	size_t n = (size_t)(L->nclaim + L->nper * L->nlines);
	L->fields = calloc(n + 1, sizeof *L->fields);
	if (!L->fields)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (int i = 0; i < L->nclaim; i++)
		L->fields[i] = L->claim[i];
	for (int k = 1; k <= L->nlines; k++)
		for (int j = 0; j < L->nper; j++) {
			char name[64];
			snprintf(name, sizeof name, "?%s_%d", L->line[j], k);
			if (!(L->fields[L->nclaim + (k - 1) * L->nper + j] = strdup(name)))
				return cw_error_set(CW_ENOMEM, "out of memory");
		}
	return 0;
}

static void unbuild(layout *L)
{
	if (!L->fields)
		return;
	for (int i = L->nclaim; L->fields[i]; i++)
		free((char *)L->fields[i]);
	free(L->fields);
	L->fields = NULL;
}

static int line_col(const layout *L, int k, int j) { return L->nclaim + (k - 1) * L->nper + j; }

/* A line of visit v; its id visit-suffix. */
static int add_line(cms *c, imp_visit *v, const char *suffix, const char *item, const char *phys, cw_fen amt,
                    cw_fen fund, cw_fen self, imp_src *s, const char *R)
{
	char id[200];
	int64_t ix;
	snprintf(id, sizeof id, "%s-%s", v->id, suffix);
	imp_line *l = imp_line_add(c->db, id, &ix);
	if (!l)
		return CW_ENOMEM;
	if (ix >= 0)
		return count(c, R, IMP_MERGED, ZH("the same claim line again: the first kept", "同一理赔行重复：保留第一条"),
		             s, -1), 0;
	l->visit = imp_strdup(v->id);
	l->item = imp_strdup(item);
	l->physician = phys && *phys ? imp_strdup(phys) : NULL;
	l->time = v->admit;
	l->qty = 1000;
	l->price = l->amount = amt;
	if (fund > amt)
		fund = amt;
	if (self > amt - fund)
		self = amt - fund;
	l->fund = fund;
	l->self_pay = self;
	if (!l->visit || !l->item)
		return CW_ENOMEM;
	if (imp_map_get(&c->db->item_ix, item) < 0) {
		if (imp_item_add(c->db, item, NULL, hcpcs_category(item)) < 0)
			return CW_ENOMEM;
		count(c, R, IMP_DEFAULTED, ZH("an item made from its code (no catalogue: category from the HCPCS range, "
		      "std_price the highest billed)", "由代码建立项目（无目录）"), s, -1);
	}
	return 0;
}

static const char *dx_of(imp_src *s)
{
	for (int i = K_DX9; i <= K_DX10; i++)
		if (*imp_src_get(s, (size_t)i))
			return imp_src_get(s, (size_t)i);
	return "";
}

/* The claim's visit into *out: *state 1 new, 0 an earlier segment's (merged), -1 the row dropped. */
static int claim_visit(imp_visit **out, int *state, cms *c, const layout *L, imp_src *s)
{
	const char *R = L->record, *why;
	*out = NULL;
	*state = -1;
	const char *bene = imp_src_get(s, K_BENE), *clm = imp_src_get(s, K_CLM);
	if (!*bene || !*clm)
		return count(c, R, IMP_DROPPED, ZH("DESYNPUF_ID or CLM_ID is empty", "DESYNPUF_ID 或 CLM_ID 为空"), s,
		             !*bene ? K_BENE : K_CLM), 0;
	cw_minute from, admit, end = CW_MINUTE_NONE;
	if (imp_time(&from, &why, imp_src_get(s, K_FROM)) < 0)
		return bad_value(c, R, s, K_FROM, why), 0;
	admit = from;
	if (L->kind == IMP_KIND_INPATIENT) {
		if (*imp_src_get(s, K_ADMSN) && imp_time(&admit, &why, imp_src_get(s, K_ADMSN)) < 0)
			return bad_value(c, R, s, K_ADMSN, why), 0;
		int col = *imp_src_get(s, K_DSCHRG) ? K_DSCHRG : K_THRU;
		if (*imp_src_get(s, (size_t)col) && imp_time(&end, &why, imp_src_get(s, (size_t)col)) < 0)
			return bad_value(c, R, s, col, why), 0;
		if (end != CW_MINUTE_NONE && end < admit)
			return count(c, R, IMP_DROPPED, ZH("discharge before the admission", "出院早于入院"), s, col), 0;
		if (!*imp_src_get(s, K_ADMSN) || col == K_THRU)
			count(c, R, IMP_DEFAULTED, ZH("no CLM_ADMSN_DT or NCH_BENE_DSCHRG_DT: CLM_FROM_DT or CLM_THRU_DT taken",
			      "无入院或出院日期：取理赔起止日期"), s, K_ADMSN);
	}
	char id[160];
	snprintf(id, sizeof id, "%s%s", L->prefix, clm);
	int64_t ix;
	imp_visit *v = imp_visit_add(c->db, id, &ix);
	if (!v)
		return CW_ENOMEM;
	*out = v;
	if (ix >= 0) {
		*state = 0;
		return count(c, R, IMP_MERGED, ZH("another segment (or copy) of the same CLM_ID: its lines added",
		             "同一理赔的又一段：加入其明细"), s, K_CLM), 0;
	}
	*state = 1;
	const char *dx = dx_of(s);
	if (!*dx && *imp_src_get(s, K_ADMTNG)) {
		dx = imp_src_get(s, K_ADMTNG);
		count(c, R, IMP_DEFAULTED, ZH("no first diagnosis: the admitting diagnosis taken", "无第一诊断：取入院诊断"), s,
		      K_ADMTNG);
	}
	v->patient = imp_strdup(bene);
	v->kind = L->kind;
	v->admit = admit;
	v->discharge = end;
	v->dx_code = imp_strdup(dx);
	return v->patient && v->dx_code ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

/* A new visit's institution, department and attending. */
static int claim_owner(cms *c, const layout *L, imp_visit *v, const char *inst, const char *npi, imp_src *s)
{
	const char *R = L->record;
	imp_db *db = c->db;
	char phys[160];
	if (!*inst) {
		v->dropped = 1;
		return count(c, R, IMP_DROPPED, ZH("no provider (PRVDR_NUM; TAX_NUM_1 on a carrier claim)", "无机构编号"), s,
		             L->kind == IMP_KIND_INPATIENT || !strcmp(R, "outpatient") ? K_PRVDR : -1), 0;
	}
	if (!*v->dx_code) {
		v->dropped = 1;
		return count(c, R, IMP_DROPPED, ZH("no diagnosis code", "无诊断代码"), s, K_DX9), 0;
	}
	if (!(v->inst = imp_strdup(inst)) || imp_inst(db, inst, NULL, 0, NULL) < 0)
		return CW_ENOMEM;
	int64_t d = imp_dept(db, inst, L->record, L->record, L->record);
	if (d < 0 || !(v->dept = imp_strdup(db->dept[d].id)))
		return CW_ENOMEM;
	snprintf(phys, sizeof phys, "%s", npi);
	if (!*npi) {
		snprintf(phys, sizeof phys, "%s:unknown", inst);
		count(c, R, IMP_DEFAULTED, ZH("no attending NPI: physician PROVIDER:unknown", "无主治医师 NPI：记为 机构:unknown"),
		      s, K_AT);
	}
	if (imp_phys(db, phys, NULL, inst, v->dept) < 0 || !(v->physician = imp_strdup(phys)))
		return CW_ENOMEM;
	count(c, R, IMP_KEPT, NULL, NULL, s, -1);
	return imp_patient(db, v->patient, 0, CW_DAY_NONE, CW_DAY_NONE) < 0 ? CW_ENOMEM : 0;
}

/* Inpatient and outpatient: the HCPCS lines at 0 and the claim's payment as one line. */
static int institutional_row(cms *c, const layout *L, imp_src *s)
{
	const char *R = L->record;
	imp_visit *v;
	int state, rc = claim_visit(&v, &state, c, L, s);
	if (rc < 0 || state < 0)
		return rc;
	if (state == 1 && (rc = claim_owner(c, L, v, imp_src_get(s, K_PRVDR), imp_src_get(s, K_AT), s)) < 0)
		return rc;
	if (v->dropped)
		return 0;
	char suffix[32];
	for (int k = 1; k <= L->nlines; k++) {
		const char *h = imp_src_get(s, (size_t)line_col(L, k, 0));
		snprintf(suffix, sizeof suffix, "%s-%d", *imp_src_get(s, K_SEG) ? imp_src_get(s, K_SEG) : "1", k);
		if (*h && (rc = add_line(c, v, suffix, h, NULL, 0, 0, 0, s, R)) < 0)
			return rc;
	}
	cw_fen pmt, prm, ded, coin, blood, ded_b, coin_b;
	if (amount(c, R, s, K_PMT, &pmt) < 0 || amount(c, R, s, K_PRMRY, &prm) < 0 || amount(c, R, s, K_DED, &ded) < 0 ||
	    amount(c, R, s, K_COIN, &coin) < 0 || amount(c, R, s, K_BLOOD, &blood) < 0 ||
	    amount(c, R, s, K_DED_B, &ded_b) < 0 || amount(c, R, s, K_COIN_B, &coin_b) < 0)
		return 0;
	cw_fen self = ded + coin + blood + ded_b + coin_b, total = pmt + prm + self;
	if (state == 0)
		return 0; /* the payment is the claim's: on its first segment */
	if (pmt < 0 || total < 0)
		return count(c, "claim.line", IMP_DROPPED, ZH("a negative claim payment (an adjustment without its "
		             "original): its payment line dropped", "理赔支付为负（无原理赔的调整）：舍弃其支付行"), s, K_PMT), 0;
	return add_line(c, v, "claim", L->kind == IMP_KIND_INPATIENT ? "CLAIM-IP" : "CLAIM-OP", NULL, total, pmt, self, s, R);
}

/* Carrier: a line per HCPCS_CD_n with its own payment; the institution is TAX_NUM_1. */
static int carrier_row(cms *c, const layout *L, imp_src *s)
{
	const char *R = L->record;
	imp_visit *v;
	int state, rc = claim_visit(&v, &state, c, L, s);
	if (rc < 0 || state < 0)
		return rc;
	if (state == 1 && (rc = claim_owner(c, L, v, imp_src_get(s, (size_t)line_col(L, 1, N_TAX)),
	                                    imp_src_get(s, (size_t)line_col(L, 1, N_NPI)), s)) < 0)
		return rc;
	if (v->dropped)
		return 0;
	for (int k = 1; k <= L->nlines; k++) {
		const char *h = imp_src_get(s, (size_t)line_col(L, k, N_HCPCS));
		if (!*h)
			continue;
		cw_fen pmt, ded, coin, prm, allowed;
		if (amount(c, R, s, line_col(L, k, N_PMT), &pmt) < 0 || amount(c, R, s, line_col(L, k, N_DED), &ded) < 0 ||
		    amount(c, R, s, line_col(L, k, N_COIN), &coin) < 0 || amount(c, R, s, line_col(L, k, N_PRMRY), &prm) < 0 ||
		    amount(c, R, s, line_col(L, k, N_ALLOWED), &allowed) < 0)
			return 0;
		cw_fen total = *imp_src_get(s, (size_t)line_col(L, k, N_ALLOWED)) ? allowed : pmt + ded + coin + prm;
		if (pmt < 0 || total < 0) {
			count(c, "carrier.line", IMP_DROPPED, ZH("a negative line payment (an adjustment without its "
			      "original): the line dropped", "明细支付为负：舍弃该行"), s, line_col(L, k, N_PMT));
			continue;
		}
		char suffix[32];
		snprintf(suffix, sizeof suffix, "%d", k);
		const char *npi = imp_src_get(s, (size_t)line_col(L, k, N_NPI));
		if (*npi && imp_phys(c->db, npi, NULL, v->inst, v->dept) < 0)
			return CW_ENOMEM;
		if ((rc = add_line(c, v, suffix, h, npi, total, pmt, ded + coin, s, R)) < 0)
			return rc;
	}
	return 0;
}

static int read_claims(cms *c, const char *dir, layout *L, const char *pattern)
{
	char **files;
	size_t nf;
	int rc = find_files(&files, &nf, dir, L->record, pattern);
	if (rc == 0)
		rc = build(L);
	for (size_t f = 0; rc == 0 && f < nf; f++) {
		imp_src *s;
		if ((rc = imp_src_open(&s, dir, files[f], L->fields)) < 0)
			break;
		while ((rc = imp_src_next(s)) > 0) {
			count(c, L->record, IMP_READ, NULL, NULL, s, -1);
			rc = L->nper > 1 ? carrier_row(c, L, s) : institutional_row(c, L, s);
			if (rc < 0)
				break;
		}
		imp_src_close(s);
	}
	unbuild(L);
	free_files(files, nf);
	return rc;
}

static int read_beneficiaries(cms *c, const char *dir)
{
	char **files;
	size_t nf;
	int rc = find_files(&files, &nf, dir, "beneficiary", "Beneficiary_Summary");
	for (size_t f = 0; rc == 0 && f < nf; f++) {
		imp_src *s;
		if ((rc = imp_src_open(&s, dir, files[f], bene_fields)) < 0)
			break;
		while ((rc = imp_src_next(s)) > 0) {
			count(c, "beneficiary", IMP_READ, NULL, NULL, s, -1);
			if ((rc = bene_row(c, s)) < 0)
				break;
		}
		imp_src_close(s);
	}
	free_files(files, nf);
	return rc;
}

int imp_cms(imp_db *db, const char *dir)
{
	cms c = { .db = db };
	layout ip = { .record = "inpatient", .prefix = "ip:", .kind = IMP_KIND_INPATIENT, .claim = claim_fields,
	              .line = inst_line, .nlines = IP_HCPCS };
	layout op = { .record = "outpatient", .prefix = "op:", .kind = IMP_KIND_OUTPATIENT, .claim = claim_fields,
	              .line = inst_line, .nlines = IP_HCPCS };
	layout cr = { .record = "carrier", .prefix = "cr:", .kind = IMP_KIND_OUTPATIENT, .claim = claim_fields,
	              .line = car_line, .nlines = CR_LINES };
	int rc = read_beneficiaries(&c, dir);
	if (rc == 0)
		rc = read_claims(&c, dir, &ip, "Inpatient_Claims");
	if (rc == 0)
		rc = read_claims(&c, dir, &op, "Outpatient_Claims");
	if (rc == 0)
		rc = read_claims(&c, dir, &cr, "Carrier_Claims");
	if (rc == 0 && !db->nvisit)
		rc = cw_error_set(CW_ENOTFOUND, "%s: no claims read (inpatient.csv, outpatient.csv, carrier.csv, or the "
		                  "DE-SynPUF files *Inpatient_Claims*.csv, *Outpatient_Claims*.csv, *Carrier_Claims*.csv)", dir);
	return rc;
}
