/* imp_nhsa.c: the national medical-insurance platform's interface records into the contract
 * (--from nhsa). Records, in the order read: catalogue (目录, optional), mdtrtinfo (就诊信息: 2201
 * 挂号, 2401 入院办理, 2402 出院办理; or split into adminfo and dscginfo; several rows of one mdtrt_id are
 * merged), diseinfo (诊断信息), setlinfo (2304 结算信息), feedetail (2301 费用明细), setldetail (2304
 * 基金分项: the fund's payments, apportioned to the lines). Field by field, with the rules and their sources: docs/import.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/dataset.h"
#include "claimwatch/error.h"
#include "import.h"

#define ZH(en, zh) en, zh

typedef struct nhsa {
	imp_db *db;
	imp_map setl_visit;  /* setl_id -> visit row */
	cw_fen *fund, *scope; /* per visit: the funds' payments (setldetail), the in-scope total (setlinfo) */
	uint8_t *fund_given, *setl_given;
	cw_fen *sum_fund;     /* per visit: setlinfo.fund_pay_sumamt, when setldetail gives nothing */
	int catalogue;        /* a catalogue was read: codes outside it stay out of items */
} nhsa;

/* --- small helpers ---------------------------------------------------------- */

static void count(nhsa *n, const char *rec, int outcome, const char *en, const char *zh, imp_src *s, int col)
{
	char where[160];
	imp_count_add(n->db->rep, rec, outcome, en, zh, s ? imp_src_where(where, sizeof where, s, col) : NULL);
}

/* A bad value: the row is dropped, with file, line and column in the report and on stderr. */
static void bad_value(nhsa *n, const char *rec, imp_src *s, int col, const char *why)
{
	char where[160], reason[200];
	imp_src_where(where, sizeof where, s, col);
	snprintf(reason, sizeof reason, "%s: '%s'", why, imp_src_get(s, (size_t)col));
	if (imp_count_total(n->db->rep, rec, IMP_DROPPED) < 10)
		fprintf(stderr, "claimwatch import: %s: %s (row dropped)\n", where, reason);
	imp_count_add(n->db->rep, rec, IMP_DROPPED, "a value that cannot be read", "值无法读取", where);
}

static int money(nhsa *n, const char *rec, imp_src *s, int col, cw_fen *out, int *rounded)
{
	const char *why;
	int64_t v;
	if (imp_decimal(&v, rounded, &why, imp_src_get(s, (size_t)col), 2) < 0)
		return bad_value(n, rec, s, col, why), -1;
	*out = v;
	return 0;
}

/* 医疗收费项目类别 (med_chrgitm_type) to the contract's category; -1 when unknown. */
static int category_of(const char *t)
{
	static const struct { const char *code; int cat; } map[] = {
		{ "01", CW_CAT_BED },      { "02", CW_CAT_CONSULT }, { "03", CW_CAT_EXAM },     { "04", CW_CAT_LAB },
		{ "05", CW_CAT_TREATMENT }, { "06", CW_CAT_SURGERY }, { "07", CW_CAT_NURSING }, { "08", CW_CAT_MATERIAL },
		{ "09", CW_CAT_DRUG },     { "10", CW_CAT_DRUG },    { "11", CW_CAT_DRUG },     { "12", CW_CAT_CONSULT },
		{ "13", CW_CAT_OTHER },    { "14", CW_CAT_OTHER },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(t, map[i].code))
			return map[i].cat;
	return -1;
}

/* 收费项目等级 (chrgitm_lv): 01 甲类, 02 乙类, 03 丙类 (自费). */
static const char *class_of(const char *lv)
{
	return !strcmp(lv, "01") || !strcmp(lv, "1") ? "甲" : !strcmp(lv, "02") || !strcmp(lv, "2") ? "乙"
	     : !strcmp(lv, "03") || !strcmp(lv, "3") ? "丙" : "";
}

/* --- catalogue ------------------------------------------------------------------ */

enum { C_CODE, C_NAME, C_TYPE, C_LV, C_PRICE, C_BAS, C_LIST };
static const char *const cat_fields[] = { "med_list_codg", "?med_list_name", "?med_chrgitm_type", "?chrgitm_lv",
                                          "?pric_uplmt_amt", "?bas_medn_flag", "?list_type", NULL };

static int read_catalogue(nhsa *n, const char *dir)
{
	const char *R = "catalogue";
	imp_src *s;
	int rc = imp_src_open_optional(&s, dir, R, cat_fields);
	if (rc <= 0)
		return rc;
	n->catalogue = 1;
	while ((rc = imp_src_next(s)) > 0) {
		count(n, R, IMP_READ, NULL, NULL, s, -1);
		const char *code = imp_src_get(s, C_CODE);
		if (!*code) {
			count(n, R, IMP_DROPPED, ZH("med_list_codg is empty", "医疗目录编码为空"), s, C_CODE);
			continue;
		}
		cw_fen price = CW_FEN_NONE;
		int rounded = 0;
		if (*imp_src_get(s, C_PRICE) && money(n, R, s, C_PRICE, &price, &rounded) < 0)
			continue;
		int cat = category_of(imp_src_get(s, C_TYPE));
		const char *list = imp_src_get(s, C_LIST);
		if (cat < 0) {
			cat = list[0] == '1' ? CW_CAT_DRUG : list[0] == '3' ? CW_CAT_MATERIAL : CW_CAT_OTHER;
			count(n, R, IMP_DEFAULTED, ZH("no med_chrgitm_type: category from list_type (1xx drug, 3xx material, "
			      "else other)", "无医疗收费项目类别：按目录类别取类别"), s, C_TYPE);
		}
		if (imp_map_get(&n->db->item_ix, code) >= 0) {
			count(n, R, IMP_MERGED, ZH("med_list_codg listed again: the first row kept", "目录编码重复：保留第一行"), s, C_CODE);
			continue;
		}
		int64_t i = imp_item_add(n->db, code, imp_src_get(s, C_NAME), cat);
		if (i < 0) {
			rc = (int)i;
			break;
		}
		imp_item *it = &n->db->item[i];
		it->std_price = price;
		snprintf(it->cls, sizeof it->cls, "%s", class_of(imp_src_get(s, C_LV)));
		const char *bas = imp_src_get(s, C_BAS);
		it->essential = *bas ? bas[0] == '1' : -1;
		if (price == CW_FEN_NONE)
			count(n, R, IMP_DEFAULTED, ZH("no pric_uplmt_amt: std_price is the highest price billed",
			      "无定价上限：取最高收费单价"), s, C_PRICE);
		count(n, R, IMP_KEPT, NULL, NULL, s, -1);
	}
	imp_src_close(s);
	return rc;
}

/* --- visits ---------------------------------------------------------------------- */

enum { M_ID, M_PSN, M_TYPE, M_BEGN, M_END, M_INST, M_INST_NAME, M_LV, M_ADMDVS, M_DR, M_DR_NAME, M_CHF_NAME,
       M_DEPT, M_DEPT_NAME, M_ADM_DEPT, M_ADM_DEPT_NAME, M_DSCG_DEPT, M_CATY, M_DX, M_DX_NAME, M_DIE };
static const char *const mdtrt_fields[] = {
	"mdtrt_id", "psn_no", "?med_type", "?begntime", "?endtime", "?fixmedins_code", "?fixmedins_name", "?hosp_lv",
	"?admdvs", "?atddr_no", "?dr_name", "?chfpdr_name", "?dept_code", "?dept_name", "?adm_dept_codg",
	"?adm_dept_name", "?dscg_dept_codg", "?caty", "?dscg_maindiag_code", "?dscg_maindiag_name", "?die_date", NULL
};

/* 医院等级 (hosp_lv) to 1-3: 01-04 三级, 05-07 二级, 08-10 一级; 0 when unknown. */
static int level_of(const char *lv)
{
	int v = atoi(lv);
	return !*lv ? 0 : v >= 1 && v <= 4 ? 3 : v >= 5 && v <= 7 ? 2 : v >= 8 && v <= 10 ? 1 : 0;
}

/* 医疗类别 (med_type): 13 急诊; 2x 住院 and 52 生育住院; the rest outpatient. -1 when empty. */
static int kind_of(const char *t)
{
	return !*t ? -1 : !strcmp(t, "13") ? IMP_KIND_EMERGENCY : t[0] == '2' || !strcmp(t, "52") ? IMP_KIND_INPATIENT
	     : IMP_KIND_OUTPATIENT;
}

static const char *first(imp_src *s, int a, int b)
{
	return *imp_src_get(s, (size_t)a) ? imp_src_get(s, (size_t)a) : imp_src_get(s, (size_t)b);
}

static int visit_row(nhsa *n, imp_src *s)
{
	const char *R = "mdtrtinfo", *why;
	imp_db *db = n->db;
	const char *id = imp_src_get(s, M_ID), *psn = imp_src_get(s, M_PSN), *inst = imp_src_get(s, M_INST);
	int bad = !*id ? M_ID : !*psn ? M_PSN : !*inst && imp_map_get(&db->visit_ix, id) < 0 ? M_INST : -1;
	if (bad >= 0) /* fixmedins_code: a discharge record (2402) may leave it to the admission's */
		return count(n, R, IMP_DROPPED, ZH("a required field is empty", "必填字段为空"), s, bad), 0;
	cw_minute begn = CW_MINUTE_NONE, end = CW_MINUTE_NONE;
	if (*imp_src_get(s, M_BEGN) && imp_time(&begn, &why, imp_src_get(s, M_BEGN)) < 0)
		return bad_value(n, R, s, M_BEGN, why), 0;
	if (*imp_src_get(s, M_END) && imp_time(&end, &why, imp_src_get(s, M_END)) < 0)
		return bad_value(n, R, s, M_END, why), 0;
	cw_day die = CW_DAY_NONE;
	if (*imp_src_get(s, M_DIE) && cw_parse_date(&die, &why, imp_src_get(s, M_DIE), strlen(imp_src_get(s, M_DIE))) < 0)
		return bad_value(n, R, s, M_DIE, why), 0;
	int64_t ix;
	imp_visit *v = imp_visit_add(db, id, &ix);
	if (!v)
		return CW_ENOMEM;
	if (ix >= 0) {
		if (strcmp(v->patient, psn))
			return count(n, R, IMP_DROPPED, ZH("mdtrt_id seen before with another psn_no", "就诊ID已属另一人员"), s, M_PSN), 0;
		count(n, R, IMP_MERGED, ZH("another record of the same mdtrt_id (admission, discharge): merged",
		      "同一就诊ID的又一记录（入院、出院）：合并"), s, M_ID);
	} else {
		v->patient = imp_strdup(psn);
		v->inst = imp_strdup(inst);
		v->kind = -1;
		count(n, R, IMP_KEPT, NULL, NULL, s, -1);
	}
	if ((*inst && imp_inst(db, inst, imp_src_get(s, M_INST_NAME), level_of(imp_src_get(s, M_LV)),
	                       imp_src_get(s, M_ADMDVS)) < 0) || imp_patient(db, psn, 0, CW_DAY_NONE, die) < 0)
		return CW_ENOMEM;
	if (v->admit == CW_MINUTE_NONE)
		v->admit = begn;
	if (end != CW_MINUTE_NONE)
		v->discharge = end;
	if (v->kind < 0)
		v->kind = kind_of(imp_src_get(s, M_TYPE));
	const char *dept = *imp_src_get(s, M_DEPT) ? imp_src_get(s, M_DEPT) : first(s, M_ADM_DEPT, M_DSCG_DEPT);
	if (!v->dept && *dept) {
		int64_t d = imp_dept(db, v->inst, dept, first(s, M_DEPT_NAME, M_ADM_DEPT_NAME), imp_src_get(s, M_CATY));
		if (d < 0 || !(v->dept = imp_strdup(db->dept[d].id)))
			return CW_ENOMEM;
	}
	const char *dr = imp_src_get(s, M_DR);
	if (!v->physician && *dr && !(v->physician = imp_strdup(dr)))
		return CW_ENOMEM;
	if (*dr && v->dept && imp_phys(db, dr, first(s, M_DR_NAME, M_CHF_NAME), v->inst, v->dept) < 0)
		return CW_ENOMEM;
	if (!v->dx_code && *imp_src_get(s, M_DX)) {
		v->dx_code = imp_strdup(imp_src_get(s, M_DX));
		v->dx_name = imp_strdup(imp_src_get(s, M_DX_NAME));
	}
	return 0;
}

/* A visit kept when read and dropped once all its records are in: no longer counted as kept. */
static void drop_visit(nhsa *n, imp_visit *v, const char *en, const char *zh)
{
	char where[160];
	snprintf(where, sizeof where, "mdtrt_id %s", v->id);
	v->dropped = 1;
	for (size_t i = 0; i < n->db->rep->n; i++) {
		imp_count *c = &n->db->rep->c[i];
		if (c->outcome == IMP_KEPT && !c->reason && !strcmp(c->record, "mdtrtinfo") && c->n) {
			c->n--;
			break;
		}
	}
	imp_count_add(n->db->rep, "mdtrtinfo", IMP_DROPPED, en, zh, where);
}

/* After every visit row: the defaults a visit needs, or its drop. */
static int finish_visits(nhsa *n)
{
	const char *R = "mdtrtinfo";
	imp_db *db = n->db;
	for (size_t i = 0; i < db->nvisit; i++) {
		imp_visit *v = &db->visit[i];
		char where[160];
		snprintf(where, sizeof where, "mdtrt_id %s", v->id);
		if (v->admit == CW_MINUTE_NONE) {
			drop_visit(n, v, ZH("no begntime in any record of the visit", "就诊无开始时间"));
			continue;
		}
		if (!v->dx_code) {
			drop_visit(n, v, ZH("no main diagnosis (diseinfo maindiag_flag 1, or dscg_maindiag_code)", "无主诊断"));
			continue;
		}
		if (v->kind < 0) {
			v->kind = v->discharge != CW_MINUTE_NONE ? IMP_KIND_INPATIENT : IMP_KIND_OUTPATIENT;
			imp_count_add(db->rep, R, IMP_DEFAULTED, ZH("no med_type: inpatient when it has an endtime",
			              "无医疗类别：有结束时间者按住院"), where);
		}
		if (v->kind != IMP_KIND_INPATIENT)
			v->discharge = CW_MINUTE_NONE; /* the contract: no discharge on an outpatient visit */
		else if (v->discharge != CW_MINUTE_NONE && v->discharge < v->admit) {
			drop_visit(n, v, ZH("endtime before begntime", "结束时间早于开始时间"));
			continue;
		}
		if (!v->dept) {
			int64_t d = imp_dept(db, v->inst, "unknown", "unknown", "unknown");
			if (d < 0 || !(v->dept = imp_strdup(db->dept[d].id)))
				return CW_ENOMEM;
			imp_count_add(db->rep, R, IMP_DEFAULTED, ZH("no department code: department 'unknown'",
			              "无科室编码：科室记为 unknown"), where);
		}
		if (!v->physician) {
			char id[160];
			snprintf(id, sizeof id, "%s:unknown", v->inst);
			if (imp_phys(db, id, "unknown", v->inst, v->dept) < 0 || !(v->physician = imp_strdup(id)))
				return CW_ENOMEM;
			imp_count_add(db->rep, R, IMP_DEFAULTED, ZH("no atddr_no: physician INST:unknown",
			              "无主治医生编码：医生记为 INST:unknown"), where);
		}
		if (imp_phys(db, v->physician, NULL, v->inst, v->dept) < 0)
			return CW_ENOMEM;
	}
	return 0;
}

/* The visit records: mdtrtinfo (any of 2201, 2401, 2402 in one file), adminfo (2401 入院办理) and dscginfo
 * (2402 出院办理), each optional but one at least, read in that order and merged by mdtrt_id. */
static int read_visits(nhsa *n, const char *dir)
{
	static const char *const names[] = { "mdtrtinfo", "adminfo", "dscginfo" };
	int found = 0, rc = 0;
	for (size_t k = 0; rc == 0 && k < sizeof names / sizeof names[0]; k++) {
		imp_src *s;
		if ((rc = imp_src_open_optional(&s, dir, names[k], mdtrt_fields)) <= 0)
			continue; /* absent (rc 0), or the error that ends the loop */
		found++;
		rc = 0;
		while (rc == 0 && (rc = imp_src_next(s)) > 0) {
			count(n, "mdtrtinfo", IMP_READ, NULL, NULL, s, -1);
			rc = visit_row(n, s);
		}
		imp_src_close(s);
	}
	if (rc == 0 && !found)
		rc = cw_error_set(CW_ENOTFOUND, "%s: no visit records (mdtrtinfo, adminfo or dscginfo, .csv or .jsonl)", dir);
	return rc;
}

/* --- diagnoses -------------------------------------------------------------------- */

enum { D_ID, D_TYPE, D_MAIN, D_SRT, D_CODE, D_NAME };
static const char *const dise_fields[] = { "mdtrt_id", "?diag_type", "?maindiag_flag", "?diag_srt_no", "diag_code",
                                           "?diag_name", NULL };

static int read_diagnoses(nhsa *n, const char *dir)
{
	const char *R = "diseinfo";
	imp_src *s;
	int rc = imp_src_open_optional(&s, dir, R, dise_fields);
	if (rc <= 0)
		return rc;
	while ((rc = imp_src_next(s)) > 0) {
		count(n, R, IMP_READ, NULL, NULL, s, -1);
		int64_t v = imp_map_get(&n->db->visit_ix, imp_src_get(s, D_ID));
		const char *type = imp_src_get(s, D_TYPE), *code = imp_src_get(s, D_CODE);
		if (v < 0) {
			count(n, R, IMP_DROPPED, ZH("no visit record (mdtrtinfo) for its mdtrt_id", "无对应就诊记录"), s, D_ID);
		} else if (!*code) {
			count(n, R, IMP_DROPPED, ZH("diag_code is empty", "诊断代码为空"), s, D_CODE);
		} else if (strcmp(imp_src_get(s, D_MAIN), "1") || (*type && strcmp(type, "1"))) {
			count(n, R, IMP_DROPPED, ZH("not the main western-medicine diagnosis (the contract keeps one per visit)",
			      "非西医主诊断（契约每次就诊只记一个诊断）"), s, D_MAIN);
		} else {
			imp_visit *vis = &n->db->visit[v];
			if (vis->dx_code)
				count(n, R, IMP_MERGED, ZH("main diagnosis replaces dscg_maindiag_code or an earlier one",
				      "主诊断取代此前的诊断"), s, D_CODE);
			else
				count(n, R, IMP_KEPT, NULL, NULL, s, -1);
			free(vis->dx_code);
			free(vis->dx_name);
			vis->dx_code = imp_strdup(code);
			vis->dx_name = imp_strdup(imp_src_get(s, D_NAME));
		}
	}
	imp_src_close(s);
	return rc;
}

/* --- settlements -------------------------------------------------------------------- */

enum { S_SETL, S_ID, S_PSN, S_GEND, S_BRDY, S_SCOPE, S_FUND };
static const char *const setl_fields[] = { "setl_id", "mdtrt_id", "?psn_no", "?gend", "?brdy", "?inscp_scp_amt",
                                           "?fund_pay_sumamt", NULL };

static int read_settlements(nhsa *n, const char *dir)
{
	const char *R = "setlinfo", *why;
	imp_src *s;
	int rc = imp_src_open_optional(&s, dir, R, setl_fields);
	if (rc <= 0)
		return rc;
	while ((rc = imp_src_next(s)) > 0) {
		count(n, R, IMP_READ, NULL, NULL, s, -1);
		int64_t v = imp_map_get(&n->db->visit_ix, imp_src_get(s, S_ID));
		cw_fen scope = 0, sum = 0;
		int rounded;
		if (v < 0) {
			count(n, R, IMP_DROPPED, ZH("no visit record (mdtrtinfo) for its mdtrt_id", "无对应就诊记录"), s, S_ID);
			continue;
		}
		if ((*imp_src_get(s, S_SCOPE) && money(n, R, s, S_SCOPE, &scope, &rounded) < 0) ||
		    (*imp_src_get(s, S_FUND) && money(n, R, s, S_FUND, &sum, &rounded) < 0))
			continue;
		const char *brdy = imp_src_get(s, S_BRDY), *gend = imp_src_get(s, S_GEND);
		cw_day birth = CW_DAY_NONE;
		if (*brdy && cw_parse_date(&birth, &why, brdy, strlen(brdy)) < 0) {
			bad_value(n, R, s, S_BRDY, why);
			continue;
		}
		if (imp_map_get(&n->setl_visit, imp_src_get(s, S_SETL)) >= 0) {
			count(n, R, IMP_MERGED, ZH("setl_id seen before: the first row kept", "结算ID重复：保留第一行"), s, S_SETL);
			continue;
		}
		if (imp_map_put(&n->setl_visit, imp_src_get(s, S_SETL), v) < 0)
			return CW_ENOMEM;
		char sex = !strcmp(gend, "1") ? 'M' : !strcmp(gend, "2") ? 'F' : 0;
		if (imp_patient(n->db, n->db->visit[v].patient, sex, birth, CW_DAY_NONE) < 0)
			return CW_ENOMEM;
		n->scope[v] += scope;
		n->sum_fund[v] += sum;
		n->setl_given[v] = 1;
		count(n, R, IMP_KEPT, NULL, NULL, s, -1);
	}
	imp_src_close(s);
	return rc;
}

enum { F_SETL, F_TYPE, F_AMT };
static const char *const fund_fields[] = { "setl_id", "fund_pay_type", "fund_payamt", NULL };

static int read_fund(nhsa *n, const char *dir)
{
	const char *R = "setldetail";
	imp_src *s;
	int rc = imp_src_open_optional(&s, dir, R, fund_fields);
	if (rc <= 0)
		return rc;
	while ((rc = imp_src_next(s)) > 0) {
		count(n, R, IMP_READ, NULL, NULL, s, -1);
		int64_t v = imp_map_get(&n->setl_visit, imp_src_get(s, F_SETL));
		cw_fen amt;
		int rounded;
		if (v < 0) {
			count(n, R, IMP_DROPPED, ZH("no settlement (setlinfo) for its setl_id", "无对应结算记录"), s, F_SETL);
			continue;
		}
		if (money(n, R, s, F_AMT, &amt, &rounded) < 0)
			continue;
		n->fund[v] += amt;
		n->fund_given[v] = 1;
		count(n, R, IMP_KEPT, NULL, NULL, s, -1);
	}
	imp_src_close(s);
	return rc;
}

/* --- fee details ------------------------------------------------------------------------ */

enum { L_SN, L_INIT, L_ID, L_TIME, L_CODE, L_QTY, L_PRICE, L_AMT, L_DEPT, L_DEPT_NAME, L_DR, L_DR_NAME, L_DSCG,
       L_TYPE, L_LV, L_SCOPE, L_NAME, L_PSN, L_MEDINS };
static const char *const fee_fields[] = {
	"feedetl_sn", "?init_feedetl_sn", "mdtrt_id", "fee_ocur_time", "med_list_codg", "cnt", "pric",
	"det_item_fee_sumamt", "?bilg_dept_codg", "?bilg_dept_name", "?bilg_dr_codg", "?bilg_dr_name",
	"?dscg_tkdrug_flag", "?med_chrgitm_type", "?chrgitm_lv", "?inscp_scp_amt", "?med_list_name", "?psn_no",
	"?medins_list_codg", NULL
};

/* The item of a line: from the catalogue, or made from the line when there is none. */
static int line_item(nhsa *n, imp_src *s, const char *code)
{
	const char *R = "feedetail";
	if (imp_map_get(&n->db->item_ix, code) >= 0)
		return 0;
	if (n->catalogue)
		return count(n, R, IMP_DEFAULTED, ZH("med_list_codg not in the catalogue: kept (self_created_item finds it)",
		             "医疗目录编码不在目录中：保留（由擅自设立收费项目规则发现）"), s, L_CODE), 0;
	int cat = category_of(imp_src_get(s, L_TYPE));
	if (cat < 0)
		cat = CW_CAT_OTHER;
	int64_t i = imp_item_add(n->db, code, imp_src_get(s, L_NAME), cat);
	if (i < 0)
		return (int)i;
	snprintf(n->db->item[i].cls, sizeof n->db->item[i].cls, "%s", class_of(imp_src_get(s, L_LV)));
	count(n, R, IMP_DEFAULTED, ZH("no catalogue: the item made from the line (category from med_chrgitm_type, "
	      "std_price the highest price billed)", "无目录：由明细建立项目"), s, L_CODE);
	return 0;
}

/* A line flagged discharge medication (dscg_tkdrug_flag 1) dated after its stay's discharge: a drug
 * dispensed for the discharge, billed when the pharmacy dispensed it. Within DSCG_DRUG_HOURS of the
 * discharge its time becomes the discharge's, so that phantom_service's after_discharge does not take it
 * for a service after the patient left; a line that is not a drug, or later, keeps its time (and is found
 * if it is beyond the rule's grace). */
#define DSCG_DRUG_HOURS 48
static void discharge_medication(nhsa *n, imp_src *s, imp_line *x, const imp_visit *v)
{
	const char *R = "feedetail";
	int64_t it = imp_map_get(&n->db->item_ix, imp_src_get(s, L_CODE));
	int cat = it >= 0 ? n->db->item[it].category : category_of(imp_src_get(s, L_TYPE));
	if (cat != CW_CAT_DRUG) {
		count(n, R, IMP_DEFAULTED, ZH("dscg_tkdrug_flag 1 on a line that is not a drug: its time kept",
		      "非药品明细带出院带药标志：时间不变"), s, L_DSCG);
		return;
	}
	if (x->time - v->discharge > DSCG_DRUG_HOURS * 60) {
		count(n, R, IMP_DEFAULTED, ZH("discharge medication billed more than 48 hours after the discharge: its time "
		      "kept", "出院带药晚于出院48小时以上：时间不变"), s, L_DSCG);
		return;
	}
	x->time = v->discharge;
	count(n, R, IMP_DEFAULTED, ZH("discharge medication (dscg_tkdrug_flag 1) dated after the discharge: "
	      "service_time set to the discharge", "出院带药晚于出院时间：费用时间记为出院时间"), s, L_DSCG);
}

static int fee_values(nhsa *n, imp_src *s, imp_line *x, const imp_visit *v)
{
	const char *R = "feedetail", *why;
	int64_t q;
	int rounded;
	if (imp_time(&x->time, &why, imp_src_get(s, L_TIME)) < 0)
		return bad_value(n, R, s, L_TIME, why), -1;
	if (imp_decimal(&q, &rounded, &why, imp_src_get(s, L_QTY), 3) < 0)
		return bad_value(n, R, s, L_QTY, why), -1;
	x->qty = q;
	if (rounded)
		count(n, R, IMP_DEFAULTED, ZH("cnt rounded to 3 decimals", "数量舍入到3位小数"), s, L_QTY);
	if (money(n, R, s, L_PRICE, &x->price, &rounded) < 0)
		return -1;
	if (x->price < 0)
		return bad_value(n, R, s, L_PRICE, "a negative price"), -1;
	if (rounded)
		count(n, R, IMP_DEFAULTED, ZH("pric rounded to the fen", "单价舍入到分"), s, L_PRICE);
	if (money(n, R, s, L_AMT, &x->amount, &rounded) < 0)
		return -1;
	if ((x->qty < 0) != (x->amount < 0) && x->amount) {
		x->amount = -x->amount;
		count(n, R, IMP_DEFAULTED, ZH("det_item_fee_sumamt given the sign of cnt", "金额取数量的符号"), s, L_AMT);
	}
	x->weight = x->amount;
	if (*imp_src_get(s, L_SCOPE) && money(n, R, s, L_SCOPE, &x->weight, &rounded) < 0)
		return -1;
	if (!strcmp(imp_src_get(s, L_DSCG), "1") && v->discharge != CW_MINUTE_NONE && x->time > v->discharge)
		discharge_medication(n, s, x, v);
	return 0;
}

static int fee_row(nhsa *n, imp_src *s)
{
	const char *R = "feedetail";
	imp_db *db = n->db;
	const char *vid = imp_src_get(s, L_ID), *sn = imp_src_get(s, L_SN), *code = imp_src_get(s, L_CODE);
	int64_t v = imp_map_get(&db->visit_ix, vid);
	if (!*sn || !*code)
		return count(n, R, IMP_DROPPED, ZH("a required field is empty", "必填字段为空"), s, !*sn ? L_SN : L_CODE), 0;
	if (v < 0)
		return count(n, R, IMP_DROPPED, ZH("no visit record (mdtrtinfo) for its mdtrt_id", "无对应就诊记录"), s, L_ID), 0;
	if (db->visit[v].dropped)
		return count(n, R, IMP_DROPPED, ZH("its visit was dropped (see mdtrtinfo)", "所属就诊已舍弃"), s, L_ID), 0;
	imp_line x;
	memset(&x, 0, sizeof x);
	if (fee_values(n, s, &x, &db->visit[v]) < 0)
		return 0;
	char id[160];
	snprintf(id, sizeof id, "%s-%s", vid, sn); /* feedetl_sn is unique within its visit only */
	int64_t ix;
	imp_line *l = imp_line_add(db, id, &ix);
	if (!l)
		return CW_ENOMEM;
	if (ix >= 0)
		return count(n, R, IMP_MERGED, ZH("the same feedetl_sn uploaded again: the first kept",
		             "同一费用明细流水号重复上传：保留第一条"), s, L_SN), 0;
	int rc = line_item(n, s, code);
	if (rc < 0)
		return rc;
	x.id = l->id;
	x.orig = -1;
	x.fund = x.self_pay = CW_FEN_NONE;
	*l = x;
	const imp_visit *vis = &db->visit[v];
	const char *dr = imp_src_get(s, L_DR), *dept = imp_src_get(s, L_DEPT);
	if (!(l->visit = imp_strdup(vid)) || !(l->item = imp_strdup(code)))
		return CW_ENOMEM;
	if (*dr) {
		const char *d = vis->dept;
		int64_t di = *dept ? imp_dept(db, vis->inst, dept, imp_src_get(s, L_DEPT_NAME), NULL) : -1;
		if (*dept && di < 0)
			return CW_ENOMEM;
		if (di >= 0)
			d = db->dept[di].id;
		if (imp_phys(db, dr, imp_src_get(s, L_DR_NAME), vis->inst, d) < 0 || !(l->physician = imp_strdup(dr)))
			return CW_ENOMEM;
	}
	const char *init = imp_src_get(s, L_INIT);
	if (l->qty < 0) {
		snprintf(id, sizeof id, "%s-%s", vid, init);
		l->orig = *init ? imp_map_get(&db->line_ix, id) : -1;
		if (l->orig < 0)
			count(n, R, IMP_DEFAULTED, ZH("a refund whose init_feedetl_sn is not an earlier line of its visit: kept "
			      "unmatched", "退费的原费用流水号不在本次就诊此前的明细中：保留，未匹配"), s, L_INIT);
		else if (db->line[l->orig].qty != -l->qty || strcmp(db->line[l->orig].item, l->item))
			count(n, R, IMP_DEFAULTED, ZH("a partial refund or one of another item: the run matches whole refunds "
			      "of the same item only", "部分退费或项目不同：运行时只匹配同项目全额退费"), s, L_INIT);
		else
			return count(n, R, IMP_KEPT, ZH("a refund matched to its line by init_feedetl_sn",
			             "退费按原费用流水号匹配"), s, L_INIT), 0;
	} else if (*init) {
		count(n, R, IMP_DEFAULTED, ZH("init_feedetl_sn on a line that is not a refund: ignored",
		      "非退费明细带原费用流水号：忽略"), s, L_INIT);
	}
	count(n, R, IMP_KEPT, NULL, NULL, s, -1);
	return 0;
}

static int read_fees(nhsa *n, const char *dir)
{
	imp_src *s;
	int rc = imp_src_open(&s, dir, "feedetail", fee_fields);
	if (rc < 0)
		return rc;
	while ((rc = imp_src_next(s)) > 0) {
		count(n, "feedetail", IMP_READ, NULL, NULL, s, -1);
		if ((rc = fee_row(n, s)) < 0)
			break;
	}
	imp_src_close(s);
	return rc;
}

/* --- the fund's share of each line ---------------------------------------------------------- */

/* Shares `total` out over w[0..k) (each >= 0, their sum W > 0) in proportion, to the fen, the fen left
 * by rounding down going to the largest remainders: the parts add up to total exactly. */
static void apportion(cw_fen *part, const cw_fen *w, size_t k, cw_fen total, cw_fen W)
{
	cw_fen given = 0;
	for (size_t i = 0; i < k; i++) {
		part[i] = (cw_fen)((__int128)total * w[i] / W);
		given += part[i];
	}
	while (given < total) { /* at most k fen */
		size_t best = 0;
		__int128 top = -1;
		for (size_t i = 0; i < k; i++) {
			__int128 rem = (__int128)total * w[i] % W;
			if (rem > top && part[i] < w[i])
				top = rem, best = i;
		}
		if (top < 0)
			break;
		part[best]++;
		given++;
	}
}

/* The lines of visit v: fund and patient shares of the net in-scope amounts, then each original line's
 * parts scaled to its gross amount and the rest carried by its refund (the contract: a refund mirrors
 * its original's parts). */
static int share_visit(nhsa *n, size_t v, const size_t *rows, size_t k)
{
	imp_db *db = n->db;
	cw_fen *w = calloc(k + 1, sizeof *w), *net = calloc(k + 1, sizeof *net), *f = calloc(k + 1, sizeof *f),
	       *p = calloc(k + 1, sizeof *p), W = 0;
	if (!w || !net || !f || !p) {
		free(w), free(net), free(f), free(p);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < k; i++) {
		imp_line *l = &db->line[rows[i]];
		net[i] = l->amount;
		for (size_t j = 0; j < k; j++)
			if (db->line[rows[j]].orig == (int64_t)rows[i])
				net[i] += db->line[rows[j]].amount;
		if (l->qty < 0 || net[i] <= 0 || l->amount <= 0 || l->weight <= 0)
			continue;
		w[i] = (cw_fen)((__int128)(l->weight < l->amount ? l->weight : l->amount) * net[i] / l->amount);
		W += w[i];
	}
	cw_fen F = n->fund_given[v] ? n->fund[v] : n->sum_fund[v];
	cw_fen P = n->scope[v] > F ? n->scope[v] - F : 0;
	if (F > W || F + P > W) {
		imp_count_add(db->rep, "setldetail", IMP_DEFAULTED, ZH("the settlement's fund and in-scope amounts exceed the "
		              "lines' in-scope amounts: capped at them", "结算的基金支付与政策范围内金额超过明细合计：以明细为限"), db->visit[v].id);
		F = F > W ? W : F;
		P = W - F < P ? W - F : P;
	}
	if (W > 0) {
		apportion(f, w, k, F, W);
		for (size_t i = 0; i < k; i++)
			w[i] -= f[i];
		apportion(p, w, k, P, W - F > 0 ? W - F : 1);
	}
	for (size_t i = 0; i < k; i++) {
		imp_line *l = &db->line[rows[i]];
		if (l->qty < 0) {
			if (l->orig < 0)
				l->fund = l->self_pay = 0;
			continue;
		}
		cw_fen fo = net[i] > 0 ? (cw_fen)((__int128)f[i] * l->amount / net[i]) : 0;
		cw_fen po = net[i] > 0 ? (cw_fen)((__int128)p[i] * l->amount / net[i]) : 0;
		if (fo + po > l->amount)
			po = l->amount - fo;
		l->fund = fo, l->self_pay = po;
		int first = 1;
		for (size_t j = 0; j < k; j++) {
			imp_line *r = &db->line[rows[j]];
			if (r->orig != (int64_t)rows[i])
				continue;
			r->fund = first ? f[i] - fo : 0;
			r->self_pay = first ? p[i] - po : 0;
			if (-(r->fund + r->self_pay) > -r->amount)
				r->self_pay = r->amount - r->fund;
			first = 0;
		}
	}
	free(w), free(net), free(f), free(p);
	return 0;
}

static int share_fund(nhsa *n)
{
	imp_db *db = n->db;
	size_t *rows = malloc((db->nline + 1) * sizeof *rows), *start = calloc(db->nvisit + 2, sizeof *start);
	int rc = rows && start ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < db->nline; i++) /* lines grouped by visit: a counting sort */
		start[imp_map_get(&db->visit_ix, db->line[i].visit) + 2]++;
	for (size_t v = 0; rc == 0 && v < db->nvisit; v++)
		start[v + 2] += start[v + 1];
	for (size_t i = 0; rc == 0 && i < db->nline; i++)
		rows[start[imp_map_get(&db->visit_ix, db->line[i].visit) + 1]++] = i;
	for (size_t v = 0; rc == 0 && v < db->nvisit; v++) {
		size_t k = start[v + 1] - start[v];
		if (!k)
			continue;
		if (!n->setl_given[v]) {
			imp_count_add(db->rep, "feedetail", IMP_DEFAULTED, ZH("lines of a visit without a settlement: "
			              "fund_amount left empty (the run estimates it)", "就诊无结算：统筹支付留空（运行时估算）"),
			              db->visit[v].id);
			continue;
		}
		rc = share_visit(n, v, rows + start[v], k);
	}
	free(rows);
	free(start);
	return rc;
}

int imp_nhsa(imp_db *db, const char *dir)
{
	nhsa n = { .db = db };
	int rc = read_catalogue(&n, dir);
	if (rc == 0)
		rc = read_visits(&n, dir);
	if (rc == 0)
		rc = read_diagnoses(&n, dir);
	if (rc == 0)
		rc = finish_visits(&n);
	size_t nv = db->nvisit + 1;
	if (rc == 0) {
		n.fund = calloc(nv, sizeof *n.fund), n.scope = calloc(nv, sizeof *n.scope);
		n.sum_fund = calloc(nv, sizeof *n.sum_fund);
		n.fund_given = calloc(nv, 1), n.setl_given = calloc(nv, 1);
		if (!n.fund || !n.scope || !n.sum_fund || !n.fund_given || !n.setl_given)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = read_settlements(&n, dir);
	if (rc == 0)
		rc = read_fees(&n, dir);
	if (rc == 0)
		rc = read_fund(&n, dir);
	if (rc == 0)
		rc = share_fund(&n);
	free(n.fund), free(n.scope), free(n.sum_fund), free(n.fund_given), free(n.setl_given);
	imp_map_free(&n.setl_visit);
	return rc;
}
