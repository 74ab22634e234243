#!/usr/bin/env bash
# test_assess.sh: the institutions' and departments' assessment (issue 14 item 2, docs/institutions.md).
# On three generated months with rejected rows planted and findings confirmed, refunded and dismissed:
# an independent script (assess_recompute.py) recomputes every institution's findings, violation money,
# fund share, confirmed and refunded money, rejected rows, score and grade from the month folders and
# agrees to the cent; `claimwatch assess` sums a quarter from the month files (checked against the months
# by a second script), a month gives its month file back, JSON and Excel forms, and bad input (a period,
# a malformed month file naming file, line and column, a root without months) is refused clearly.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }
HERE=$(dirname "$0")

"$CW" gen --out "$T/D" --months 2026-01..2026-03 --scale 0.5 --seed 7 --quiet || stop "claimwatch gen failed"
# planted rejects of February: a claim line with a bad amount on a visit of the month, a visit of a bad kind
v=$(awk -F, '$7 ~ /^2026-02-1/ { print $1","$3","$4; exit }' "$T/D/visits.csv")
vid=${v%%,*} rest=${v#*,} inst=${rest%%,*} dept=${rest#*,}
# plant ROW into FILE, padded with empty fields to the header's width (data contract 2 adds columns)
plant() { awk -F, -v row="$2" 'NR == 1 { n = split(row, f, ","); printf "%s", row; for (i = n; i < NF; i++) printf ","; print "" }' \
	"$1" >>"$1"; }
plant "$T/D/claim_lines.csv" "LBAD1,$vid,110100001,,2026-02-15 09:00,1,1.00,abc"
plant "$T/D/visits.csv" "VBAD1,P00000001,$inst,$dept,,sideways,2026-02-15 09:00,,J20.9,x"
run() { "$CW" run --data "$T/D" --rules "$T/D/rules.json" --out "$T/R" --quiet --no-report "$@"; }
run --months 2026-01..2026-03 || stop "claimwatch run failed"
for f in inst_assessment.csv dept_assessment.csv; do
	[ -s "$T/R/2026-02/$f" ] && pass "the run wrote $f" || fail "no $f"
done
got=$(awk -F, -v i="$inst" 'NR == 1 { for (k = 1; k <= NF; k++) c[$k] = k } NR > 1 && $2 == i { print $c["rejected_rows"] }' \
	"$T/R/2026-02/inst_assessment.csv")
[ "$got" = 2 ] && pass "$inst: the 2 planted rejected rows count against it" || fail "$inst: rejected_rows '$got', wanted 2"

# findings of February walked: one confirmed, one refunded in part, one dismissed; then February again
mapfile -t ids < <(awk -F, 'NR > 1 && $11 + 0 > 10 { print $1 }' "$T/R/2026-02/findings.csv" | head -3)
[ "${#ids[@]}" = 3 ] || stop "February has fewer than 3 findings with money"
rv() { "$CW" review --root "$T/R" --finding "$1" --note t --by 医保办 --status "${@:2}" >/dev/null; }
rv "${ids[0]}" confirmed && rv "${ids[1]}" confirmed && rv "${ids[1]}" refunded --amount 3.21 &&
	rv "${ids[2]}" dismissed || stop "review failed"
run --month 2026-02 || stop "February again failed"

for m in 2026-01 2026-02 2026-03; do
	if python3 "$HERE/assess_recompute.py" "$T/R" "$m" "$T/D" "$SRC/rules/default.json" "$T/D/rules.json" >"$T/out" 2>&1
	then pass "$(tail -1 "$T/out")"; else fail "recompute of $m:"; sed 's/^/    /' "$T/out" >&2; fi
done
grep -q ',3.21,' "$T/R/2026-02/inst_assessment.csv" && pass "the refund is in refunded_amount" ||
	fail "the 3.21 refund is not in inst_assessment.csv"

# --- periods ------------------------------------------------------------------------------------------
expect_exit 0 "assess a quarter" -- "$CW" assess --root "$T/R" --period 2026-Q1 --lang en
expect_output "^assess 2026-Q1: [0-9]+ institutions from 3 month file\(s\)" "the summary line"
for f in inst_assessment.csv dept_assessment.csv; do
	[ -s "$T/R/periods/2026-Q1/$f" ] && pass "periods/2026-Q1/$f" || fail "no periods/2026-Q1/$f"
done
if python3 - "$T/R" >"$T/out" 2>&1 <<'EOF'
import csv, sys
from decimal import Decimal
root = sys.argv[1]
def rows(p): return list(csv.DictReader(open(p, encoding="utf-8")))
def fen(s): return int(Decimal(s) * 100) if s else 0
want = {}
for m in ("2026-01", "2026-02", "2026-03"):
    for r in rows(f"{root}/{m}/inst_assessment.csv"):
        w = want.setdefault(r["inst_id"], dict(findings=0, violation=0, revenue=0, drug=0, visits=0, months=0))
        w["findings"] += int(r["findings"]); w["violation"] += fen(r["violation_amount"])
        w["revenue"] += fen(r["revenue"]); w["drug"] += fen(r["drug_revenue"]); w["visits"] += int(r["visits"])
        w["months"] += 1
bad = 0
q = rows(f"{root}/periods/2026-Q1/inst_assessment.csv")
for r in q:
    w = want[r["inst_id"]]
    got = dict(findings=int(r["findings"]), violation=fen(r["violation_amount"]), revenue=fen(r["revenue"]),
               drug=fen(r["drug_revenue"]), visits=int(r["visits"]), months=int(r["months"]))
    if got != w or r["period"] != "2026-Q1":
        print(r["inst_id"], got, w); bad += 1
    share = w["drug"] / w["revenue"]
    if abs(float(r["drug_share"]) - share) > 0.00005:
        print(r["inst_id"], "drug share", r["drug_share"], share); bad += 1
if len(q) != len(want): print("rows", len(q), len(want)); bad += 1
print(f"{len(q)} institutions: the quarter is the sum of its months, the drug share recomputed; {bad} bad")
sys.exit(bad > 0)
EOF
then pass "$(tail -1 "$T/out")"; else fail "quarter sums:"; sed 's/^/    /' "$T/out" >&2; fi

"$CW" assess --root "$T/R" --period 2026-02 --quiet >"$T/m.csv" || fail "assess a month"
cmp -s "$T/m.csv" "$T/R/2026-02/inst_assessment.csv" && pass "a month's assessment is its month file" ||
	fail "assess --period 2026-02 differs from the month file"
"$CW" assess --root "$T/R" --period 2026 --quiet --format json --out "$T/y.json" || fail "assess a year as JSON"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert a and a[0]["period"]=="2026" and a[0]["months"]==3 and a[0]["grade"] in "ABCD" and "drug_share" in a[0]["indicators"]' \
	"$T/y.json" && pass "JSON: the year, 3 months, a grade, the indicators" || fail "the JSON is not as documented"
"$CW" assess --root "$T/R" --period 2026-H1 --quiet --departments --excel >"$T/d.csv" || fail "departments for Excel"
head -c 3 "$T/d.csv" | od -An -tx1 | grep -q 'ef bb bf' && grep -q $'\r$' "$T/d.csv" && pass "--excel: byte-order mark, CRLF" ||
	fail "--excel lacks the byte-order mark or CRLF"
head -1 "$T/d.csv" | grep -q 'period,inst_id,dept_id,name' && pass "the departments' columns" || fail "departments' header"
awk -F, 'NR > 1 && $2 != $25 { bad = 1 } END { exit bad }' "$T/R/2026-02/dept_assessment.csv" &&
	pass "a department is ranked within its hospital" || fail "a department's rank_group is not its hospital"

# the period is graded again with the rules given to assess: cut-offs at 0 make every institution an A
echo '{"assessment": {"grades": {"A": 0.0, "B": 0.0, "C": 0.0}}}' >"$T/a.json"
"$CW" assess --root "$T/R" --period 2026-Q1 --rules "$T/a.json" --quiet --out "$T/qa.csv" || fail "assess --rules"
awk -F, 'NR > 1 && $21 != "A" { bad = 1 } END { exit bad }' "$T/qa.csv" && pass "--rules re-grades the period" ||
	fail "--rules did not re-grade"
echo '{"assessment": {"grades": {"A": 50.0, "B": 60.0}}}' >"$T/b.json"
expect_exit 1 "cut-offs out of order" -- "$CW" assess --root "$T/R" --period 2026-Q1 --rules "$T/b.json"
expect_output "assessment.grades.B: 60 is above grades.A" "names the key"

# --- case, export, the report's pages --------------------------------------------------------------------
expect_exit 0 "case --institution" -- "$CW" case --root "$T/R" --month 2026-02 --institution "$inst" --lang en
n=$(awk -F, -v i="$inst" 'NR == 1 { for (k = 1; k <= NF; k++) c[$k] = k } NR > 1 && $2 == i { print $c["findings"] }' \
	"$T/R/2026-02/inst_assessment.csv")
expect_output "^findings +$n\$" "the institution's findings count"
expect_output "^grade +[ABCD]\$" "its grade"
expect_output "findings of the month by detector" "its findings by detector"
"$CW" case --root "$T/R" --month 2026-02 --institution "$inst" --json >"$T/c.json" || fail "case --institution --json"
python3 - "$T/c.json" "$T/R/2026-02/findings.csv" "$inst" <<'EOF2' && pass "case JSON: the findings by detector add up to findings.csv" || fail "case JSON does not add up"
import csv, json, sys
from decimal import Decimal
c = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if r["inst_id"] == sys.argv[3]]
assert sum(d["findings"] for d in c["findings_by_detector"]) == len(rows)
assert sum(Decimal(d["suspect_amount"]) for d in c["findings_by_detector"]) == sum(Decimal(r["suspect_amount"]) for r in rows)
assert c["inst_id"] == sys.argv[3] and c["grade"] in "ABCD" and "drug_share" in c["indicators"]
EOF2
expect_exit 1 "case of an unknown institution" -- "$CW" case --root "$T/R" --month 2026-02 --institution NOPE
expect_output "no institution 'NOPE'" "names it"
expect_exit 2 "case with two questions" -- "$CW" case --root "$T/R" --month 2026-02 --institution "$inst" --finding x
for t in inst_assessment dept_assessment; do
	"$CW" export --root "$T/R" --month 2026-02 --table "$t" --excel --out "$T/$t.csv" &&
		head -c 3 "$T/$t.csv" | od -An -tx1 | grep -q 'ef bb bf' && pass "export --table $t --excel" || fail "export --table $t"
done
"$CW" export --root "$T/R" --month 2026-02 --out "$T/month.json" || fail "export the month"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["inst_assessment"][0]; assert isinstance(r["score"], (int,float)) and isinstance(r["revenue"], str) and isinstance(r["drug_share_over"], int) and d["dept_assessment"]' \
	"$T/month.json" && pass "export JSON: the assessment tables, numbers as numbers, money as strings" || fail "export JSON lacks the assessment"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --out "$T/R" --quiet --month 2026-02 --lang en || fail "a run with the report"
grep -q 'href="institutions.html"' "$T/R/2026-02/report/index.html" && grep -q 'href="departments.html"' "$T/R/2026-02/report/index.html" &&
	pass "the report's navigation links the assessment pages" || fail "no link to institutions.html / departments.html"
grep -q 'id="inst-assess"' "$T/R/2026-02/report/institutions.html" && grep -q 'class="badge g[012]">[ABCD]<' "$T/R/2026-02/report/institutions.html" &&
	pass "institutions.html: the table with grades" || fail "institutions.html lacks its table"
grep -q 'id="dept-assess"' "$T/R/2026-02/report/departments.html" && pass "departments.html" || fail "departments.html lacks its table"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --out "$T/R" --quiet --month 2026-02 --lang zh || fail "the report in Chinese"
grep -q '定点医疗机构考核' "$T/R/2026-02/report/institutions.html" && grep -q '科室自查考核' "$T/R/2026-02/report/departments.html" &&
	pass "the pages in Chinese" || fail "the Chinese titles are missing"

# data contract 1 (the hand-written mini month): the fund's share estimated, essential drugs not judged
copy_mini "$T/mini"
"$CW" run --data "$T/mini" --month 2026-05 --out "$T/M" --quiet --no-report || fail "the mini month"
python3 - "$T/M/2026-05/inst_assessment.csv" <<'EOF2' && pass "contract 1: fund estimated, essential drugs unjudged, ranked by level" || fail "contract 1's assessment"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert rows
for r in rows:
    assert r["fund_estimated"] == "1" and r["fund_paid"] and r["region"] == "", r
    assert r["essential_drug_revenue"] == "" and r["essential_drug_share"] == "" and r["essential_drug_share_over"] == "0", r
    assert r["rank_group"] == "level" + r["level"], r
EOF2

# --- bad input ----------------------------------------------------------------------------------------
expect_exit 2 "a bad period" -- "$CW" assess --root "$T/R" --period 2026-Q5
expect_output "not a period" "names the forms"
expect_exit 2 "no period" -- "$CW" assess --root "$T/R"
expect_exit 0 "--help" -- "$CW" assess --help
expect_output "--period PERIOD" "the help names --period"
expect_exit 1 "a year without month files" -- "$CW" assess --root "$T/R" --period 2019
expect_output "no month of 2019 has an inst_assessment.csv" "says there are none"
sed -i '3s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,\)[0-9]*/\1many/' "$T/R/2026-03/inst_assessment.csv"
expect_exit 1 "a malformed month file" -- "$CW" assess --root "$T/R" --period 2026-Q1
expect_output "2026-03/inst_assessment.csv: line 3, column visits: not a count" "names file, line and column"
finish
