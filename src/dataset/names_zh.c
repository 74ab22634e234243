/* names_zh.c: the Chinese names of the contract's words that an inspector reads: visit kinds, item
 * categories and departments' specialty ids (see claimwatch/dataset.h). The data's own ids stay what they
 * are; these are only for text in Chinese (reasons, the Chinese report, `claimwatch case --lang zh`). */
#include <string.h>
#include "claimwatch/dataset.h"

static const char *const kind_zh[CW_KIND_COUNT] = { "门诊", "急诊", "住院" };
static const char *const category_zh[CW_CAT_COUNT] = { "药品", "检查", "检验", "治疗", "手术",
	                                                "材料", "床位", "护理", "诊查", "其他" };

const char *cw_visit_kind_name_zh(int k) { return k >= 0 && k < CW_KIND_COUNT ? kind_zh[k] : "?"; }
const char *cw_category_name_zh(int c) { return c >= 0 && c < CW_CAT_COUNT ? category_zh[c] : "?"; }

/* Specialty ids: every one tools/gen writes, and the usual clinical departments (卫生部《医疗机构诊疗科目
 * 名录》), under the English ids a hospital system would use. */
static const struct specialty {
	const char *id, *zh;
} specialties[] = {
	{ "anesthesiology", "麻醉科" },
	{ "cardiac_surgery", "心脏大血管外科" },
	{ "cardiology", "心血管内科" },
	{ "critical_care", "重症医学科" },
	{ "dermatology", "皮肤科" },
	{ "emergency", "急诊科" },
	{ "endocrinology", "内分泌科" },
	{ "ent", "耳鼻咽喉科" },
	{ "gastroenterology", "消化内科" },
	{ "general_practice", "全科医学科" },
	{ "general_surgery", "普通外科" },
	{ "geriatrics", "老年病科" },
	{ "gynecology", "妇科" },
	{ "hematology", "血液内科" },
	{ "infectious_diseases", "感染性疾病科" },
	{ "internal_medicine", "内科" },
	{ "laboratory", "检验科" },
	{ "nephrology", "肾内科" },
	{ "neurology", "神经内科" },
	{ "neurosurgery", "神经外科" },
	{ "obstetrics", "产科" },
	{ "obstetrics_gynecology", "妇产科" },
	{ "oncology", "肿瘤科" },
	{ "ophthalmology", "眼科" },
	{ "orthopedics", "骨科" },
	{ "otolaryngology", "耳鼻咽喉科" },
	{ "pathology", "病理科" },
	{ "pediatrics", "儿科" },
	{ "pharmacy", "药剂科" },
	{ "psychiatry", "精神科" },
	{ "radiology", "医学影像科" },
	{ "rehabilitation", "康复医学科" },
	{ "respiratory", "呼吸与危重症医学科" },
	{ "rheumatology", "风湿免疫科" },
	{ "stomatology", "口腔科" },
	{ "surgery", "外科" },
	{ "thoracic_surgery", "胸外科" },
	{ "tcm", "中医科" },
	{ "traditional_chinese_medicine", "中医科" },
	{ "urology", "泌尿外科" },
};

const char *cw_specialty_name_zh(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < sizeof specialties / sizeof *specialties; i++)
		if (!strcmp(specialties[i].id, id))
			return specialties[i].zh;
	return NULL;
}
