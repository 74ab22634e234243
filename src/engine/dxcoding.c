/* dxcoding.c: the diagnosis coding system, declared in the rules' dx.coding or picked by the month's
 * codes, and the shapes of ICD-10 and ICD-9 codes (see claimwatch/dxcoding.h). */
#include <stdio.h>
#include <string.h>
#include "claimwatch/dxcoding.h"
#include "claimwatch/error.h"

static const char *const names[] = { "icd10", "icd9", "auto", NULL };
static const char *const labels[] = { "ICD-10", "ICD-9", "auto" };

const char *cw_dx_coding_name(int c) { return c >= 0 && c <= CW_DX_AUTO ? names[c] : "?"; }
const char *cw_dx_coding_label(int c) { return c >= 0 && c <= CW_DX_AUTO ? labels[c] : "?"; }

int cw_dx_coding_load(int *out, const cw_rules *rules)
{
	*out = CW_DX_ICD10;
	if (!rules)
		return 0;
	cw_section s = cw_rules_section(rules, "dx");
	if (!cw_section_exists(&s))
		return 0;
	int rc = cw_section_choice(out, &s, "coding", names);
	return rc == CW_ENOTFOUND ? 0 : rc;
}

/* --- shapes ------------------------------------------------------------------------------------ */

static int digit(char c) { return c >= '0' && c <= '9'; }
static int letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

/* The code without the blanks around it: [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
	*e = *s + strlen(*s);
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* After the category: nothing, or an optional dot then 1..max characters that `ok` accepts. */
static int tail(const char *p, const char *e, size_t max, int (*ok)(char))
{
	if (p == e)
		return 1;
	if (*p == '.')
		p++;
	size_t n = (size_t)(e - p);
	if (n < 1 || n > max)
		return 0;
	for (; p < e; p++)
		if (!ok(*p))
			return 0;
	return 1;
}

static int alnum(char c) { return digit(c) || letter(c); }

int cw_dx_looks_icd10(const char *code)
{
	if (!code)
		return 0;
	const char *p = code, *e;
	trim(&p, &e);
	if (e - p < 3 || !letter(p[0]) || !digit(p[1]) || !(digit(p[2]) || letter(p[2])))
		return 0;
	return tail(p + 3, e, 4, alnum);
}

int cw_dx_looks_icd9(const char *code)
{
	if (!code)
		return 0;
	const char *p = code, *e;
	trim(&p, &e);
	if (e - p < 3)
		return 0;
	char c = upper(p[0]);
	if (digit(c))
		return digit(p[1]) && digit(p[2]) && tail(p + 3, e, 2, digit);
	if (c == 'V')
		return digit(p[1]) && digit(p[2]) && tail(p + 3, e, 2, digit);
	if (c == 'E')
		return e - p >= 4 && digit(p[1]) && digit(p[2]) && digit(p[3]) && tail(p + 4, e, 1, digit);
	return 0;
}

/* --- the month ------------------------------------------------------------------------------- */

void cw_dx_month_census(cw_dx_month *out, const cw_dataset *ds, int declared)
{
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_window *w = cw_dataset_window(ds);
	memset(out, 0, sizeof *out);
	out->declared = declared;
	for (size_t i = 0; i < v->n; i++) {
		if (v->admit[i] < w->month_start || v->admit[i] >= w->month_end || v->dx_code[i] == CW_NONE)
			continue;
		const char *code = cw_dataset_str(ds, v->dx_code[i]);
		out->codes++;
		out->icd10 += (size_t)cw_dx_looks_icd10(code);
		out->icd9 += (size_t)cw_dx_looks_icd9(code);
	}
	out->coding = declared == CW_DX_AUTO ? (out->icd9 > out->icd10 ? CW_DX_ICD9 : CW_DX_ICD10) : declared;
	out->unlike = out->codes - (out->coding == CW_DX_ICD9 ? out->icd9 : out->icd10);
}

int cw_dx_month_message(char *buf, size_t size, const cw_dx_month *m, const char *month, const char *lang)
{
	int en = lang && !strcmp(lang, "en");
	int other = m->coding == CW_DX_ICD9 ? CW_DX_ICD10 : CW_DX_ICD9;
	size_t like_other = other == CW_DX_ICD9 ? m->icd9 : m->icd10;
	if (size)
		buf[0] = 0;
	if (!m->codes)
		return 0;
	if (m->declared == CW_DX_AUTO) {
		if (en)
			snprintf(buf, size, "%s: dx.coding \"auto\": of %zu diagnosis codes %zu look like %s, %zu like %s: "
			         "the %s diagnosis lists are used", month, m->codes, m->codes - m->unlike,
			         labels[m->coding], like_other, labels[other], labels[m->coding]);
		else
			snprintf(buf, size, "%s：dx.coding 为 \"auto\"：%zu 个诊断编码中 %zu 个像 %s，%zu 个像 %s：使用 %s "
			         "的诊断列表", month, m->codes, m->codes - m->unlike, labels[m->coding], like_other,
			         labels[other], labels[m->coding]);
		return 1;
	}
	if (2 * m->unlike <= m->codes)
		return 0;
	if (en)
		snprintf(buf, size, "warning: %s: %zu of %zu diagnosis codes do not look like %s, the rules' dx.coding "
		         "(\"%s\"), and %zu look like %s: the %s diagnosis lists will not match them (set dx.coding to "
		         "\"%s\" or \"auto\")", month, m->unlike, m->codes, labels[m->coding], names[m->coding],
		         like_other, labels[other], labels[m->coding], names[other]);
	else
		snprintf(buf, size, "警告：%s：%zu 个诊断编码中 %zu 个不像规则 dx.coding（\"%s\"）声明的 %s 编码，%zu 个像 "
		         "%s：%s 的诊断列表与之不符（请把 dx.coding 设为 \"%s\" 或 \"auto\"）", month, m->codes, m->unlike,
		         names[m->coding], labels[m->coding], like_other, labels[other], labels[m->coding],
		         names[other]);
	return 1;
}
