#!/usr/bin/env bash
# test_under_service.sh: the I12 under-service signals as findings at institution level (document 004, I12;
# docs/budget.md, "Under-service (I12)"). Four small generated months (January-April 2026) thinned by
# tests/cli/under_service/thin.py: in April H001 (budget binds) and H003 (budget far above its use) lose
# half their outpatient visits; H002's budget binds but its visits do not fall. Then:
#  1. April's findings.csv has exactly one budget_under_service finding, H001's: institution level, no
#     lines, no money, notice, reasons in both languages; no other month and no other institution has one;
#     budget.csv says the same; a second run of the months gives the same id.
#  2. The figures that count violations are those of the same data without budgets (so without the
#     finding): inst_assessment.csv, dept_assessment.csv, inst_sanctions.csv, ranking.csv, sanctions.csv,
#     the other findings; `claimwatch eval` leaves the rule out.
#  3. An inspector can review it (confirmed), open it (`case --finding`, `case --institution`), export it;
#     once confirmed, `claimwatch budget` counts no violation for it and April's run again still gives
#     the same assessment; summary.json and the report count it under its own name.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
command -v python3 >/dev/null || skip "no python3 to thin the generated months"
stop() { fail "$*"; finish; }
RULE=budget_under_service

"$CW" gen --out "$T/D" --months 2026-01..2026-04 --scale 0.1 --seed 7 --quiet || stop "claimwatch gen failed"
python3 "$SRC/tests/cli/under_service/thin.py" "$T/D" >/dev/null || stop "thin.py failed"
# run DATA ROOT MONTHS [LANG]
run() { "$CW" run --data "$1" --rules "$T/D/rules.json" --months "$3" --out "$2" --quiet --lang "${4:-zh}" \
	2>"$T/run.err" || { cat "$T/run.err" >&2; stop "claimwatch run into $2 failed"; }; }
run "$T/D" "$T/R1" 2026-01..2026-04
# April again into a copy of January-March (the earlier months are what April reads): in English, and
# from the data without budgets.csv (no budget.csv, so no under-service finding)
# (with the root's key of the patients' pseudonyms)
for r in R2 R0; do
	mkdir -p "$T/$r" && cp -r "$T/R1"/2026-0[123] "$T/R1/.pseudonym-key" "$T/$r"/ || stop "copy of January-March"
done
rm -f "$T"/R0/2026-0[123]/budget.csv
run "$T/D" "$T/R2" 2026-04 en
mkdir -p "$T/D0" && cp "$T/D"/*.csv "$T/D0"/ && rm "$T/D0/budgets.csv"
run "$T/D0" "$T/R0" 2026-04

# --- 1. exactly one finding, H001's, in April ------------------------------------------------------------
python3 - "$T/R1" "$T/R2" <<'PY' && pass "April: one $RULE finding (H001, institution level, no lines or money), none elsewhere; same id twice" ||
import csv, sys
rule = "budget_under_service"
def rows(root, m):
    return list(csv.DictReader(open("%s/2026-%02d/findings.csv" % (root, m), encoding="utf-8")))
for m in (1, 2, 3):
    assert not [r for r in rows(sys.argv[1], m) if r["detector"] == rule], "month %d has one" % m
a = [r for r in rows(sys.argv[1], 4) if r["detector"] == rule]
b = [r for r in rows(sys.argv[2], 4) if r["detector"] == rule]
assert len(a) == 1 and len(b) == 1, (len(a), len(b))
f = a[0]
assert f["inst_id"] == "H001", f
for c in ("dept_id", "physician_id", "patient_id", "visit_id", "line_ids", "status"):
    assert f[c] == "", (c, f[c])
assert f["suspect_amount"] == "0.00" and f["fund_amount"] == "0.00" and f["fund_estimated"] == "0", f
assert f["severity"] == "notice" and f["tag"] == "under_service" and f["dimension"] == "treatment", f
assert f["reason_zh"].startswith("门诊人次 -") and f["reason"] == f["reason_zh"], f["reason"]
assert f["reason_en"].startswith("visits -") and "(I12)" in f["reason_en"], f["reason_en"]
assert b[0]["finding_id"] == f["finding_id"], (b[0]["finding_id"], f["finding_id"])
assert b[0]["reason"] == b[0]["reason_en"], "the --lang en run's reason"
PY
	fail "the $RULE findings are not as expected"
fid=$(awk -F, -v r=$RULE '$3 == r { print $1 }' "$T/R1/2026-04/findings.csv")
under=$(awk -F, '$5 == "month" && $4 == "2026-04" && $24 == 1 { print $1 }' "$T/R1/2026-04/budget.csv" | tr '\n' ' ')
[ "$under" = "H001 " ] && pass "budget.csv: April's signal is H001's alone (H002 binds without a fall, H003 falls without binding)" ||
	fail "budget.csv's April signals: '$under'"

# --- 2. nothing that counts violations counts it -----------------------------------------------------------
for f in inst_assessment.csv dept_assessment.csv inst_sanctions.csv ranking.csv sanctions.csv; do
	cmp -s "$T/R0/2026-04/$f" "$T/R1/2026-04/$f" && pass "$f: as without the finding" ||
		fail "$f differs from the run without budgets"
done
grep -v ",$RULE," "$T/R1/2026-04/findings.csv" | cmp -s - "$T/R0/2026-04/findings.csv" &&
	pass "the other findings: as without budgets" || fail "the other findings differ"
"$CW" eval --truth "$T/D/truth.json" --run "$T/R1/2026-04" >"$T/e1" 2>&1 && "$CW" eval --truth "$T/D/truth.json" \
	--run "$T/R0/2026-04" >"$T/e0" 2>&1 && cmp -s "$T/e0" "$T/e1" && ! grep -q $RULE "$T/e1" &&
	pass "eval leaves the rule out (no truth to match)" || fail "eval counts the rule"

# --- 3. review, case, export, budget, summary, report ----------------------------------------------------
expect_exit 0 "review confirms it" -- "$CW" review --root "$T/R1" --finding "$fid" --status confirmed --note I12 --by t
expect_output "$fid \(2026-04, $RULE, no physician, 0.00 yuan\): confirmed" "review names it"
expect_exit 0 "case --finding" -- "$CW" case --root "$T/R1" --month 2026-04 --finding "$fid" --lang en
expect_output "Under-service under the global budget" "case: the rule's title"
expect_output "none: a prompt about the institution" "case: no evidence lines, and why"
expect_exit 0 "case --finding --json" -- "$CW" case --root "$T/R1" --month 2026-04 --finding "$fid" --json
expect_output '"lines":[[:space:]]*\[\]' "case --json: an empty list of lines"
expect_exit 0 "case --institution" -- "$CW" case --root "$T/R1" --month 2026-04 --institution H001
expect_output "总额预算下服务减少 +1 +0.00" "case --institution: the rule's row"
expect_exit 0 "export" -- "$CW" export --root "$T/R1" --month 2026-04
expect_output "\"detector\":[[:space:]]*\"$RULE\"" "export: the finding"
expect_exit 0 "sample of institutions" -- "$CW" sample --root "$T/R1" --month 2026-04 --of institutions --share 1 --seed 1
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-04 --out "$T/R1" --quiet 2>/dev/null ||
	fail "April again after the review"
awk -F, -v id="$fid" '$1 == id { print $NF }' "$T/R1/2026-04/findings.csv" | grep -qx confirmed &&
	pass "April again: the finding keeps its id and is confirmed" || fail "April again: the finding lost its id or status"
for f in inst_assessment.csv inst_sanctions.csv; do
	cmp -s "$T/R0/2026-04/$f" "$T/R1/2026-04/$f" && pass "$f with the finding confirmed: unchanged" ||
		fail "$f changed with the finding confirmed"
done
"$CW" budget --root "$T/R1" --data "$T/D" --year 2026 --out "$T/b.csv" >/dev/null 2>&1 || fail "claimwatch budget"
v=$(awk -F, '$1 == "H001" && $4 == "2026-04" { print $12 }' "$T/b.csv")
[ "$v" = "0.00" ] && pass "claimwatch budget: the confirmed prompt is no violation" || fail "H001's April violations: '$v'"
python3 - "$T/R1/2026-04/summary.json" <<'PY' && pass "summary.json counts it under its own name" || fail "summary.json"
import json, sys
s = json.load(open(sys.argv[1]))["findings"]
assert s["by_detector"]["budget_under_service"]["findings"] == 1, s["by_detector"].get("budget_under_service")
assert s["total"] == sum(d["findings"] for d in s["by_detector"].values()), s["total"]
PY
grep -q "总额预算下服务减少" "$T/R1/2026-04/report/index.html" && pass "the report's summary lists it" ||
	fail "the report's summary does not list it"
finish
