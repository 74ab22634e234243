/* place.c: where a finding belongs, the institution and department answerable for it (issue 18 item 2).
 *
 * A finding belongs to the visit where it happened: the finding's visit, else the visit of its latest
 * evidence line. When that visit is at the physician's own institution (physicians.csv inst_id), the
 * physician's department answers for it, as it always did. When it is at another institution (a
 * physician practising at several, 多点执业), that institution and the visit's department do: the
 * physician has no department there. A finding with no visit and no line (a physician's outlier
 * metric) stays at the physician's own institution; a department-level finding at its department. */
#include "claimwatch/findings.h"

/* The finding's visit: its own, else that of its latest evidence line (the first of equal times). */
static cw_ref visit_of(const cw_dataset *ds, const cw_finding *f)
{
	if (f->visit != CW_NONE)
		return f->visit;
	const cw_claims *c = cw_dataset_claims(ds);
	cw_ref v = CW_NONE;
	cw_minute last = 0;
	for (size_t i = 0; i < f->nlines; i++) {
		uint32_t l = f->lines[i];
		if (l < c->n && (v == CW_NONE || c->time[l] > last)) {
			v = c->visit[l];
			last = c->time[l];
		}
	}
	return v;
}

void cw_finding_place(cw_ref *inst, cw_ref *dept, const cw_dataset *ds, const cw_finding *f)
{
	const cw_physicians *ph = cw_dataset_physicians(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	cw_ref v = visit_of(ds, f);
	*inst = *dept = CW_NONE;
	if (v != CW_NONE && v >= vi->n)
		v = CW_NONE;
	if (f->physician != CW_NONE && f->physician < ph->n) {
		if (v == CW_NONE || vi->inst[v] == ph->inst[f->physician]) {
			*inst = ph->inst[f->physician];
			*dept = ph->dept[f->physician];
		} else {
			*inst = vi->inst[v];
			*dept = vi->dept[v];
		}
	} else if (f->dept != CW_NONE && f->dept < cw_dataset_departments(ds)->n) {
		*inst = cw_dataset_departments(ds)->inst[f->dept];
		*dept = f->dept;
	}
}
