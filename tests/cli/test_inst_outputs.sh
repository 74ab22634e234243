#!/usr/bin/env bash
# test_inst_outputs.sh: the institutions' sanction ladder where people and programs read it (issue 14):
# summary.json counts the institutions by grade and by step due (an independent script counts them again from
# inst_assessment.csv and inst_sanctions.csv), the run's last note on stderr says how many got a step,
# `claimwatch export` carries inst_sanctions (JSON rows equal to the CSV's, --table inst_sanctions for Excel),
# and `claimwatch case --institution` shows the step due (zh, en, JSON) for an institution with one, "none
# due" for one without, and "not computed" for a month folder without inst_sanctions.csv.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
command -v python3 >/dev/null || skip "no python3"
stop() { fail "$*"; finish; }

"$CW" gen --out "$T/D" --months 2026-01..2026-02 --scale 0.3 --seed 11 --quiet || stop "claimwatch gen failed"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-01 --out "$T/R" --quiet --no-report ||
	stop "run 2026-01 failed"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-02 --out "$T/R" --no-report 2>"$T/err" >/dev/null ||
	stop "run 2026-02 failed"
M=$T/R/2026-02
[ -s "$M/inst_sanctions.csv" ] || stop "the run wrote no inst_sanctions.csv"

# --- summary.json and the last note ------------------------------------------------------------------------
python3 - "$M" "$T/err" <<'PY' && pass "summary.json and the last note count the grades and steps as the files do" || fail "summary.json or the last note disagree with the files"
import csv, json, re, sys
m, err = sys.argv[1], sys.argv[2]
s = json.load(open(m + "/summary.json", encoding="utf-8"))["institutions"]
a = list(csv.DictReader(open(m + "/inst_assessment.csv", encoding="utf-8-sig")))
k = list(csv.DictReader(open(m + "/inst_sanctions.csv", encoding="utf-8-sig")))
grades = {g: sum(r["grade"] == g for r in a) for g in "ABCD"}
steps = {str(i): sum(r["step"] == str(i) for r in k) for i in range(1, 5)}
assert s["assessed"] == len(a), (s["assessed"], len(a))
assert s["by_grade"] == grades and s["ungraded"] == 0, (s["by_grade"], grades)
assert s["sanctions"]["by_step"] == steps, (s["sanctions"], steps)
assert s["sanctions"]["with_step"] == len(k) and s["sanctions"]["without_step"] == len(a) - len(k)
assert len(k) > 0, "no institution got a step: the test proves little"
last = [l for l in open(err, encoding="utf-8").read().splitlines() if l.strip()][-1]
want = "2026-02: %d institutions assessed (A %d, B %d, C %d, D %d), %d with a sanction step due " \
       "(step 1: %d, 2: %d, 3: %d, 4: %d)" % ((len(a),) + tuple(grades[g] for g in "ABCD") + (len(k),) +
                                             tuple(steps[str(i)] for i in range(1, 5)))
assert last.endswith(want), (last, want)
print(len(a), "institutions,", len(k), "with a step")
PY

# --- export -------------------------------------------------------------------------------------------------
"$CW" export --root "$T/R" --month 2026-02 --out "$T/month.json" || fail "export the month"
python3 - "$T/month.json" "$M/inst_sanctions.csv" <<'PY' && pass "export: inst_sanctions rows equal the CSV's, typed" || fail "export's inst_sanctions differ from the CSV"
import csv, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")))
j = d["inst_sanctions"]
assert len(j) == len(rows) > 0
for a, b in zip(j, rows):
    assert a["inst_id"] == b["inst_id"] and a["step"] == int(b["step"]) and isinstance(a["step"], int)
    assert a["refund_fund"] == b["refund_fund"] and a["penalty"] == b["penalty"]  # money stays exact text
    assert a["trigger"] == b["trigger"] and a["reason"] == b["reason"]
    assert a["history"] == (b["history"].split() or None), (a["history"], b["history"])
    assert a["window_months"] == int(b["window_months"])
assert d["summary"]["institutions"]["sanctions"]["with_step"] == len(rows)
PY
"$CW" export --root "$T/R" --month 2026-02 --table inst_sanctions --excel --out "$T/is.csv" &&
	head -c 3 "$T/is.csv" | od -An -tx1 | grep -q 'ef bb bf' && grep -q $'\r$' "$T/is.csv" &&
	pass "export --table inst_sanctions --excel" || fail "export --table inst_sanctions"
"$CW" export --help | grep -q inst_sanctions && pass "export --help names inst_sanctions" || fail "export --help"

# --- case --institution ---------------------------------------------------------------------------------------
row=$(python3 -c '
import csv, sys
r = max(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")), key=lambda r: (int(r["step"]), r["inst_id"]))
print("\t".join([r["inst_id"], r["step"], r["refund_fund"], r["penalty"], r["trigger"], r["measure_en"], r["measure_zh"]]))
' "$M/inst_sanctions.csv")
IFS=$'\t' read -r inst step refund penalty trigger measure_en measure_zh <<<"$row"
expect_exit 0 "case --institution $inst (step $step) --lang en" -- \
	"$CW" case --root "$T/R" --month 2026-02 --institution "$inst" --lang en
expect_output "^sanction step due this month" "the sanction section"
expect_output "^  step +$step\$" "the step"
expect_output "^  measure +$measure_en\$" "the measure in English"
expect_output "^  refund \(fund\) +$refund\$" "the refund"
expect_output "^  penalty +$penalty\$" "the penalty"
expect_output "^  trigger +$trigger\$" "the trigger"
expect_output "^  reason +[A-Za-z0-9]" "an English reason"
expect_exit 0 "case --institution $inst in Chinese" -- "$CW" case --root "$T/R" --month 2026-02 --institution "$inst"
expect_output "^本月机构处理" "the Chinese section"
expect_output "^  处理措施 +$measure_zh\$" "the measure in Chinese"
expect_output "^  退回基金 +$refund\$" "退回基金"
expect_output "^  触发条件 +(考核等级|重复违规|违规基金金额)\$" "the trigger in Chinese"
"$CW" case --root "$T/R" --month 2026-02 --institution "$inst" --json >"$T/c.json" || fail "case --json"
python3 - "$T/c.json" "$M/inst_sanctions.csv" "$inst" <<'PY' && pass "case JSON: the sanction as the CSV has it" || fail "case JSON's sanction differs from the CSV"
import csv, json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
r = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")) if r["inst_id"] == sys.argv[3]][0]
s = c["sanction"]
assert c["sanction_computed"] is True and s["step"] == int(r["step"])
for k in ("measure", "measure_zh", "measure_en", "refund_fund", "penalty", "trigger", "reason", "reason_zh", "reason_en"):
    assert s[k] == r[k], (k, s[k], r[k])
assert s["history"] == (r["history"].split() or None)
PY

# an institution without a step; a month folder without inst_sanctions.csv
none=$(python3 -c '
import csv, sys
due = {r["inst_id"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig"))}
print(next((r["inst_id"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["inst_id"] not in due), ""))
' "$M/inst_assessment.csv" "$M/inst_sanctions.csv")
if [ -n "$none" ]; then
	expect_exit 0 "case --institution $none (no step)" -- "$CW" case --root "$T/R" --month 2026-02 --institution "$none" --lang en
	expect_output "^  none due\$" "says none is due"
	"$CW" case --root "$T/R" --month 2026-02 --institution "$none" --json |
		python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["sanction"] is None and c["sanction_computed"] is True' &&
		pass "JSON: sanction null, computed" || fail "JSON of an institution without a step"
else
	echo "note: every institution got a step this month: 'none due' not checked on the run"
fi
cp -r "$M" "$T/old" && mkdir -p "$T/O" && mv "$T/old" "$T/O/2026-02" && rm "$T/O/2026-02/inst_sanctions.csv"
expect_exit 0 "case on a folder without inst_sanctions.csv" -- "$CW" case --root "$T/O" --month 2026-02 --institution "$inst" --lang en
expect_output "not computed \(the month folder has no inst_sanctions.csv\)" "says it was not computed"
expect_exit 0 "the same in Chinese" -- "$CW" case --root "$T/O" --month 2026-02 --institution "$inst"
expect_output "未计算" "未计算"
"$CW" case --root "$T/O" --month 2026-02 --institution "$inst" --json |
	python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["sanction"] is None and c["sanction_computed"] is False' &&
	pass "JSON: sanction null, not computed" || fail "JSON without the file"
"$CW" export --root "$T/O" --month 2026-02 | python3 -c 'import json,sys; assert json.load(sys.stdin)["inst_sanctions"] is None' &&
	pass "export: inst_sanctions null without the file" || fail "export without the file"
# a damaged inst_sanctions.csv is an error naming the file, not a silent "none due"
printf 'month,inst_id\n2026-02,%s\n' "$inst" >"$T/O/2026-02/inst_sanctions.csv"
expect_exit 1 "case with a damaged inst_sanctions.csv" -- "$CW" case --root "$T/O" --month 2026-02 --institution "$inst"
expect_output "inst_sanctions.csv" "names the file"

# --- docs/institutions.md's example, from grade to step: H9 graded B, C, C with 600, 2,000 and 8,400 yuan ---
for x in "2026-03 B 600.00" "2026-04 C 2000.00" "2026-05 C 8400.00"; do
	set -- $x; mkdir -p "$T/H/$1"
	printf 'period,inst_id,name,grade,violation_fund,confirmed_fund\n%s,H9,九院,%s,%s,0.00\n' "$1" "$2" "$3" \
		>"$T/H/$1/inst_assessment.csv"
done
ladder() { "$CW" inst-sanctions --root "$T/H" --month 2026-05 "$@" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(r["step"], r["refund_fund"], r["penalty"], r["trigger"], r["window_fund"], r["repeat_months"])'; }
got=$(ladder)
[ "$got" = "2 8400.00 8400.00 grade 11000.00 2" ] && pass "the doc's example: step 2, refund and penalty 8400.00, grade" ||
	fail "the doc's example gives '$got'"
sed -i 's/,C,8400.00/,D,8400.00/' "$T/H/2026-05/inst_assessment.csv"
got=$(ladder); [ "${got%% *}" = 3 ] && pass "the doc's example graded D: step 3" || fail "graded D gives '$got'"
sed -i 's/,D,8400.00/,C,8400.00/' "$T/H/2026-05/inst_assessment.csv"
echo '{"institution_sanctions": {"basis": "confirmed_fund"}}' >"$T/H/r.json"
got=$(ladder --rules "$T/H/r.json"); [ -z "$got" ] && pass "the doc's example on confirmed_fund: nothing due" ||
	fail "confirmed_fund gives '$got'"
finish
