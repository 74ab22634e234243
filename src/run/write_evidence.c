/* write_evidence.c: evidence.csv, the claim lines behind each finding, one row per finding and line.
 *
 * findings.csv names the evidence by line id only; an inspector checking a
 * case against the hospital's records needs what each line says: the item,
 * when, how many, at what price. `claimwatch case --finding` and the report's
 * physician pages show these rows. fund_amount and self_amount are the line's own (data contract 2),
 * empty when it does not give them. Patients are pseudonymised like everywhere. */
#include <stdio.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "run/run.h"

static const char *const columns[] = {
	"finding_id", "line_id", "visit_id", "patient_id", "physician_id", "item_code", "item_name", "category",
	"unit", "service_time", "qty", "unit_price", "amount", "std_price", "refund",
	"fund_amount", "self_amount", NULL
};

static const char *refund_word(uint8_t flags)
{
	if (flags & CW_LINE_REFUND)
		return "refund";
	return flags & CW_LINE_REFUNDED ? "refunded" : "";
}

static void write_line(FILE *f, cw_month_run *mr, const char *finding_id, uint32_t l)
{
	const cw_dataset *ds = mr->ds;
	const cw_claims *c = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	cw_ref item = c->item[l];
	char buf[CW_FMT_SIZE], pseudo[CW_PSEUDO_SIZE];
	cw_csv_cell(f, finding_id, 0);
	cw_csv_cell(f, cw_dataset_str(ds, c->id[l]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_visits(ds)->id[c->visit[l]]), 0);
	cw_csv_cell(f, cw_pseudo_patient(pseudo, &mr->pseudo, cw_dataset_str(ds, cw_dataset_patients(ds)->id[c->patient[l]])),
	            0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_physicians(ds)->id[c->physician[l]]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, it->code[item]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, it->name[item]), 0);
	cw_csv_cell(f, cw_category_name(it->category[item]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, it->unit[item]), 0);
	cw_csv_cell(f, cw_format_time(buf, c->time[l]), 0);
	cw_csv_cell(f, cw_format_qty(buf, c->qty[l]), 0);
	cw_csv_cell(f, cw_format_money(buf, c->unit_price[l]), 0);
	cw_csv_cell(f, cw_format_money(buf, c->amount[l]), 0);
	cw_csv_cell(f, cw_format_money(buf, it->std_price[item]), 0);
	cw_csv_cell(f, refund_word(c->flags[l]), 0);
	cw_csv_cell(f, c->fund[l] == CW_FEN_NONE ? "" : cw_format_money(buf, c->fund[l]), 0);
	cw_csv_cell(f, c->self_pay[l] == CW_FEN_NONE ? "" : cw_format_money(buf, c->self_pay[l]), 1);
}

int cw_write_evidence(cw_month_run *mr)
{
	const char *path = cw_outdir_file(mr->od, "evidence.csv");
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_csv_header(f, columns);
	size_t n = mr->findings ? cw_findings_count(mr->findings) : 0;
	for (size_t i = 0; i < n; i++) {
		cw_record r;
		cw_findings_get(&r, mr->findings, i);
		for (size_t k = 0; k < r.f.nlines; k++)
			write_line(f, mr, r.id, r.f.lines[k]);
	}
	return cw_outfile_close(f, path);
}
