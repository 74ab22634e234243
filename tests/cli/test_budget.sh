#!/usr/bin/env bash
# test_budget.sh: the global budget (document 004, docs/budget.md) from the command line.
#  1. Six generated months with gen's budgets.csv: every month folder has budget.csv; `claimwatch budget`
#     over them gives monthly figures that an independent script (tests/cli/budget/recompute.py)
#     recomputes from the month folders, ROOT/reviews.csv and the budgets alone, to the cent (with a
#     violation confirmed). The month folders carry fund_paid (data contract 2, gen's fund_amount); a
#     folder written without it (an older claimwatch) gets 70% of revenue written in by the test.
#  2. A hand-made root (tests/cli/budget/fixture.py): hospital 乙 of docs/budget.md settled through the
#     year to the cent with its grade from the assessment file; a budget derived from last year's
#     payments; a projection by last year's profile with its alert and an under-service signal.
#  3. JSON, --excel, --lang en, and the errors: usage, a damaged budgets file named with line and column.
#  4. The report's budget page (a chart per institution, en), its note without budgets (zh), and a damaged
#     assessment file.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
command -v python3 >/dev/null || skip "no python3 for the recompute"
stop() { fail "$*"; finish; }
B="$SRC/tests/cli/budget"

# --- 1. six generated months -------------------------------------------------------------------
"$CW" gen --out "$T/D" --months 2026-01..2026-06 --scale 0.3 --seed 7 --quiet || stop "claimwatch gen failed"
[ -s "$T/D/budgets.csv" ] && pass "gen writes budgets.csv" || stop "no budgets.csv from gen"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-01..2026-06 --out "$T/R" --quiet --no-report ||
	stop "claimwatch run failed"
n=0; for m in 01 02 03 04 05 06; do [ -s "$T/R/2026-$m/budget.csv" ] && n=$((n + 1)); done
[ "$n" = 6 ] && pass "budget.csv in the six month folders" || fail "budget.csv in $n of 6 month folders"
ninst=$(tail -n +2 "$T/D/budgets.csv" | wc -l)
rows=$(awk -F, '$5 == "month"' "$T/R/2026-06/budget.csv" | wc -l)
[ "$rows" = $((ninst * 6)) ] && pass "June's budget.csv: six months of $ninst institutions" ||
	fail "June's budget.csv has $rows month rows, wanted $((ninst * 6))"
python3 - "$T/R" <<'PY' || stop "could not add fund_paid to the month folders"
import csv, os, sys
from decimal import Decimal
root = sys.argv[1]
for m in range(1, 7):
    p = os.path.join(root, "2026-%02d" % m, "indicators.csv")
    rows = list(csv.reader(open(p, encoding="utf-8")))
    if "fund_paid" in rows[0]:
        continue  # the run wrote it (data contract 2)
    rev = rows[0].index("revenue")
    rows[0] += ["fund_paid", "fund_estimated"]
    for r in rows[1:]:
        r += ["%.2f" % (Decimal(r[rev] or "0") * Decimal("0.7")).quantize(Decimal("0.01")), "1"] if r[0] == "institution" else ["", ""]
    with open(p, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
PY
fid=$(awk -F, 'NR == 2 { print $1 }' "$T/R/2026-03/findings.csv")
[ -n "$fid" ] && "$CW" review --root "$T/R" --finding "$fid" --status confirmed --note "budget test" --by t >/dev/null 2>&1 &&
	pass "a finding of March confirmed" || fail "could not confirm a finding"
expect_exit 0 "budget over the six months" -- "$CW" budget --root "$T/R" --data "$T/D" --year 2026 --out "$T/b.csv"
python3 "$B/recompute.py" "$T/R" "$T/D/budgets.csv" 2026 6 "$T/b.csv" >"$T/recompute.out" 2>&1 &&
	pass "the monthly figures recomputed to the cent: $(tail -1 "$T/recompute.out")" ||
	{ fail "the recompute differs"; sed 's/^/    /' "$T/recompute.out" | head -20 >&2; }
grep -q ',violations,' <(head -1 "$T/b.csv") && awk -F, -v OFS=, 'NR > 1 && $5 == "month" && $12 != "0.00"' "$T/b.csv" | grep -q . &&
	pass "the confirmed violation is not payable" || fail "no month with a violation"
q2=$(awk -F, '$4 == "2026-Q2" { n++ } END { print n + 0 }' "$T/b.csv")
h1=$(awk -F, '$4 == "2026-H1" { n++ } END { print n + 0 }' "$T/b.csv")
[ "$q2" = "$ninst" ] && [ "$h1" = "$ninst" ] && pass "quarter and half-year rows" || fail "Q2 rows $q2, H1 rows $h1"
python3 - "$T/b.csv" <<'PY' && pass "a quarter is the sum of its months" || fail "quarter sums"
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
for inst in {r["inst_id"] for r in rows}:
    ms = [r for r in rows if r["inst_id"] == inst and r["kind"] == "month" and r["period"] <= "2026-03"]
    q = [r for r in rows if r["inst_id"] == inst and r["period"] == "2026-Q1"][0]
    for col in ("budget", "fund_paid", "used", "prepaid", "holdback"):
        assert sum(Decimal(r[col]) for r in ms) == Decimal(q[col]), (inst, col)
PY

# --- a run without budgets writes none -----------------------------------------------------------
mkdir -p "$T/D2" && cp "$T/D"/*.csv "$T/D2"/ && rm "$T/D2/budgets.csv"
"$CW" run --data "$T/D2" --rules "$T/D/rules.json" --month 2026-01 --out "$T/R2" --quiet --no-report || fail "run without budgets"
[ ! -e "$T/R2/2026-01/budget.csv" ] && pass "no budgets, no budget.csv" || fail "budget.csv without budgets"

# --- 2. the hand-made root --------------------------------------------------------------------------
python3 "$B/fixture.py" "$T/H" || stop "fixture"
printf 'inst_id,year,annual_budget\nH2,2026,2400000.00\nH6,2026,600000.00\n' >"$T/hb.csv"
expect_exit 0 "budget of the hand-made year" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --out "$T/h.csv" --lang en
expect_output "3 institution budgets" "summary line in English"
col() { awk -F, -v i="$1" -v p="$2" -v c="$3" 'NR == 1 { for (k = 1; k <= NF; k++) n[$k] = k; next }
	$1 == i && $4 == p { print $n[c] }' "$T/h.csv"; }
check() { local got; got=$(col "$1" "$2" "$3"); [ "$got" = "$4" ] && pass "$1 $2 $3 = $4" || fail "$1 $2 $3: $got, wanted $4"; }
check H2 2026 prepaid 2256000.00
check H2 2026 holdback 144000.00
check H2 2026 over 192000.00
check H2 2026 band1_fund 134400.00
check H2 2026 over_hospital 57600.00
check H2 2026 grade A
check H2 2026 grade_source assessment
check H2 2026 fund_total 2534400.00
check H2 2026 settlement 278400.00
check H5 2026 budget_source derived
check H5 2026 annual_budget 1260000.00
check H5 2026 settlement 132000.00  # the holdback 72,000.00 (grade A by the rules) and the surplus 60,000.00 kept
check H6 2026-03 projection_method last_year
check H6 2026-03 projected 1440000.00
check H6 2026-03 alert 2
check H6 2026-03 under_service 1
check H6 2026-02 under_service 0
check H6 2026 settlement ""
col H6 2026-03 under_service_reason | grep -q 'visits -40.0%' && pass "the reason names the fall" ||
	fail "reason: $(col H6 2026-03 under_service_reason)"

# --- I2's condition: the year's assessment has 次均费用 over its target: the fund shares none of H2's 8% ----
A="$T/H/periods/2026/inst_assessment.csv"
cp "$A" "$T/assessment.kept"
printf 'period,inst_id,grade,visits_per_patient_over,cost_per_visit_over\n2026,H2,A,0,1\n2026,H6,C,,\n' >"$A"
expect_exit 0 "budget with cost per visit over target" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --out "$T/h.csv" --quiet
check H2 2026 band1 192000.00
check H2 2026 band1_fund 0.00
check H2 2026 over_fund 0.00
check H2 2026 over_hospital 192000.00
check H2 2026 fund_total 2400000.00
check H2 2026 settlement 144000.00
check H2 2026 overspend_share_reason "不予分担：次均费用超出控制指标（I2）"  # budget.csv's column (schema 10)
check H5 2026 settlement 132000.00  # under budget: untouched
check H5 2026 overspend_share_reason ""
"$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --format json --out "$T/i2.json" --quiet
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); h=[i for i in d["institutions"] if i["inst_id"]=="H2"][0]; \
  assert h["overspend_shared"] is False and h["overspend_share_reason"]=="不予分担：次均费用超出控制指标（I2）", h' "$T/i2.json" &&
	pass "JSON: the overspend not shared, and why (zh)" || fail "JSON reason: $(grep -o '"overspend[^,]*' "$T/i2.json")"
printf 'period,inst_id,grade,visits_per_patient_over,cost_per_visit_over\n2026,H2,A,0,0\n' >"$A"
"$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --out "$T/h.csv" --quiet
check H2 2026 settlement 278400.00  # both kept: the bands as before
printf '{"budget": {"share_needs_targets": false}}\n' >"$T/off.json"
printf 'period,inst_id,grade,visits_per_patient_over,cost_per_visit_over\n2026,H2,A,1,1\n' >"$A"
"$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --rules "$T/off.json" --out "$T/h.csv" --quiet
check H2 2026 settlement 278400.00  # the condition switched off
printf 'period,inst_id,grade,visits_per_patient_over,cost_per_visit_over\n2026,H2,A,yes,0\n' >"$A"
expect_exit 1 "an over flag that is not 0 or 1" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026
expect_output "inst_assessment.csv: line 2: visits_per_patient_over / cost_per_visit_over must be 0, 1 or empty" "the error names the file and line"
cp "$T/assessment.kept" "$A"

# --- 3. formats and errors ------------------------------------------------------------------------
expect_exit 0 "JSON" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --months 2026-01..2026-03 --format json --out "$T/h.json" --quiet
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["from"]=="2026-01" and len(d["institutions"])==3; \
  assert [p for i in d["institutions"] for p in i["periods"] if p["period"]=="2026-03" and p.get("alert")==2]' "$T/h.json" &&
	pass "JSON holds the institutions and the alert" || fail "JSON"
expect_exit 0 "--excel" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --excel --out "$T/x.csv" --quiet
head -c 3 "$T/x.csv" | od -An -tx1 | grep -q 'ef bb bf' && grep -q $'\r$' "$T/x.csv" && pass "Excel: BOM and CRLF" || fail "Excel form"
expect_exit 0 "--help" -- "$CW" budget --help
expect_output "--months A..B" "help names the options"
expect_exit 2 "no --root" -- "$CW" budget --budgets "$T/hb.csv" --year 2026
expect_exit 2 "two sources of budgets" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --data "$T/D" --year 2026
expect_exit 2 "no period" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv"
expect_exit 2 "a bad year" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 26
expect_exit 2 "--excel with JSON" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026 --format json --excel
printf 'inst_id,year,annual_budget\nH2,2026,2400000.00\nH6,2026,six hundred\n' >"$T/bad.csv"
expect_exit 1 "a damaged budgets file" -- "$CW" budget --root "$T/H" --budgets "$T/bad.csv" --year 2026
expect_output "bad.csv: line 3: column annual_budget: 'six hundred'" "the error names file, line and column"
expect_exit 1 "a missing budgets file" -- "$CW" budget --root "$T/H" --budgets "$T/none.csv" --year 2026
printf 'inst_id,year,annual_budget\nH1,2026,1.00\n' >"$T/D2/budgets.csv"
printf 'inst_id,year,annual_budget\nH1,2026,1.00\nH1,2026,2.00\n' >"$T/D2/budgets.csv"
expect_exit 1 "a run with a damaged DATA/budgets.csv fails" -- "$CW" run --data "$T/D2" --month 2026-01 --out "$T/R3" --quiet --no-report
expect_output "budgets.csv: line 3: column inst_id: institution H1 has a second budget for 2026" "the run names the line"
# --- the report's budget page, in both languages -----------------------------------------------------
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-06 --out "$T/R" --quiet --lang en || fail "run with the report"
[ "$(grep -o '<svg class="trend"' "$T/R/2026-06/report/budget.html" | wc -l)" = "$ninst" ] &&
	grep -q 'Global budget 2026-06' "$T/R/2026-06/report/budget.html" && grep -q 'Budget +20%' "$T/R/2026-06/report/budget.html" &&
	pass "budget.html: a chart per institution with the bands (en)" || fail "budget.html in English"
mkdir -p "$T/D3" && cp "$T/D"/*.csv "$T/D3"/ && rm "$T/D3/budgets.csv"
"$CW" run --data "$T/D3" --rules "$T/D/rules.json" --month 2026-02 --out "$T/R4" --quiet 2>/dev/null
grep -q '数据中没有总额预算' "$T/R4/2026-02/report/budget.html" && grep -q '总额预付' "$T/R4/2026-02/report/index.html" &&
	pass "budget.html says there are no budgets (zh), the navigation links it" || fail "budget.html without budgets"

# --- a damaged assessment file ----------------------------------------------------------------------
printf 'period,inst_id,grade\n2026,H2,E\n' >"$T/H/periods/2026/inst_assessment.csv"
expect_exit 1 "a grade that is not A-D" -- "$CW" budget --root "$T/H" --budgets "$T/hb.csv" --year 2026
expect_output "inst_assessment.csv: line 2: grade 'E' is not A, B, C or D" "the error names the file and line"
finish
