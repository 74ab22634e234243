/* report_i18n.c: the report's words in English and Chinese (--lang en|zh); the numbers never change. A
 * detector's titles are its own (claimwatch/detector.h). */
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/review.h"
#include "report/report.h"

static const char *const labels[L_COUNT][2] = {
#define CW_LABEL_TEXT(key, en, zh) [key] = { en, zh },
	CW_LABELS(CW_LABEL_TEXT)
#undef CW_LABEL_TEXT
};

int cw_lang_parse(const char *s)
{
	if (s && !strcmp(s, "en"))
		return CW_LANG_EN;
	if (s && !strcmp(s, "zh"))
		return CW_LANG_ZH;
	return -1;
}

const char *cw_lang_code(int lang)
{
	return lang == CW_LANG_ZH ? "zh" : "en";
}

const char *cw_label(int lang, int key)
{
	if (key < 0 || key >= L_COUNT)
		return "";
	return labels[key][lang == CW_LANG_ZH];
}

const char *cw_label_grade(int lang, int grade)
{
	static const char *const en[] = { "reasonable", "basically reasonable", "unreasonable" };
	if (grade < CW_GRADE_REASONABLE || grade > CW_GRADE_UNREASONABLE)
		return "";
	return lang == CW_LANG_ZH ? cw_grade_name_zh(grade) : en[grade];
}

/* A word and its two translations. */
typedef struct term {
	const char *name, *en, *zh;
} term;

static const char *lookup(const term *t, size_t n, int lang, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return lang == CW_LANG_ZH ? t[i].zh : t[i].en;
	return NULL;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

static const term dimensions[] = {
	{ "exam", "Examination", "检查" },
	{ "diagnosis", "Diagnosis", "诊断" },
	{ "treatment", "Treatment", "治疗" },
	{ "medication", "Medication", "用药" },
	{ "billing", "Billing", "收费" },
	{ "composite", "Composite", "综合" },
};

const char *cw_label_dimension(int lang, const char *name)
{
	const char *s = lookup(dimensions, COUNT(dimensions), lang, name);
	return s ? s : name;
}

const char *cw_label_detector(int lang, const cw_detector *d)
{
	return lang == CW_LANG_ZH ? d->title_zh : d->title_en;
}

const char *cw_label_table(int lang, int table)
{
	static const char *const zh[CW_T_COUNT] = { "医疗机构 institutions", "科室 departments", "医师 physicians",
		                                    "患者 patients", "项目目录 items", "组合项目 bundles", "就诊 visits",
		                                    "费用明细 claim_lines", "处方 prescriptions", "检查结果 exam_results" };
	return lang == CW_LANG_ZH && table >= 0 && table < CW_T_COUNT ? zh[table] : cw_table_name(table);
}

const char *cw_label_summary(int lang, const cw_detector *d)
{
	const char *s = lang == CW_LANG_ZH && d->summary_zh ? d->summary_zh : d->summary;
	return s ? s : "";
}

const char *cw_label_specialty(int lang, const char *id)
{
	const char *zh = lang == CW_LANG_ZH ? cw_specialty_name_zh(id) : NULL;
	return zh ? zh : id ? id : "";
}

static const term metrics[] = {
	{ "cost_per_outpatient_visit", "Cost per outpatient visit", "次均门诊费用" },
	{ "cost_per_inpatient_stay", "Cost per inpatient stay", "次均住院费用" },
	{ "length_of_stay", "Length of stay", "平均住院日" },
	{ "drug_share", "Drug share", "药占比" },
	{ "exam_share", "Exam and lab share", "检查检验占比" },
	{ "antibiotic_rate", "Antibiotic prescription rate", "抗菌药物处方率" },
	{ "large_equipment_per_100", "Large-equipment exams per 100 visits", "每百人次大型设备检查" },
};

const char *cw_label_metric(int lang, const char *name)
{
	const char *s = lookup(metrics, COUNT(metrics), lang, name);
	return s ? s : name;
}

const char *cw_label_category(int lang, int category)
{
	static const char *const zh[CW_CAT_COUNT] = { "药品", "检查", "检验", "治疗", "手术",
		                                      "材料", "床位", "护理", "诊查", "其他" };
	if (category < 0 || category >= CW_CAT_COUNT)
		return "";
	return lang == CW_LANG_ZH ? zh[category] : cw_category_name(category);
}

const char *cw_label_severity(int lang, int severity)
{
	static const int key[CW_SEVERITY_COUNT] = { L_SEVERITY_VIOLATION, L_SEVERITY_SUSPICIOUS, L_SEVERITY_NOTICE };
	return severity >= 0 && severity < CW_SEVERITY_COUNT ? cw_label(lang, key[severity]) : "";
}

const char *cw_label_kind(int lang, int kind)
{
	static const int key[CW_KIND_COUNT] = { L_OUTPATIENT, L_EMERGENCY, L_INPATIENT };
	return kind >= 0 && kind < CW_KIND_COUNT ? cw_label(lang, key[kind]) : "";
}

const char *cw_label_review(int lang, int status)
{
	static const int key[] = { [CW_REVIEW_CONFIRMED] = L_CONFIRMED, [CW_REVIEW_DISMISSED] = L_DISMISSED,
		                   [CW_REVIEW_RECTIFIED] = L_RECTIFIED, [CW_REVIEW_REFUNDED] = L_RETURNED,
		                   [CW_REVIEW_APPEALED] = L_APPEALED };
	return status > CW_REVIEW_NONE && status <= CW_REVIEW_APPEALED ? cw_label(lang, key[status]) : "";
}

const char *cw_label_status(int lang, const cw_physcore *p, const cw_dimscore *d)
{
	if (p->too_few)
		return cw_label(lang, L_TOO_FEW);
	if (!d->rank)
		return cw_label(lang, L_NO_PROBLEMS);
	return cw_label(lang, p->under_floor ? L_RANKED_FEW : L_RANKED);
}
