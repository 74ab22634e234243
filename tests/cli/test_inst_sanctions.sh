#!/usr/bin/env bash
# test_inst_sanctions.sh: the institutions' sanction ladder over generated months
# (docs/institution-sanctions.md). Three generated months are run; each month gets an
# inst_assessment.csv of the interface's columns: the run's own (when the institutions' assessment writes
# one) and, under another root, a stand-in made here from the month's findings.csv and indicators.csv
# (grade from the findings per 100 visits, the fund's share at 70% of the money); `claimwatch inst-sanctions`
# recomputes each month from those files alone and an independent script (python3, standard library)
# agrees with it to the cent, with the defaults and with another ladder; when the run wrote
# inst_sanctions.csv, the command gives the same file. Also the truth's bad institution, JSON, --lang
# en, and the errors: a missing month, a damaged file (file, line and column), bad options.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
command -v python3 >/dev/null || skip "no python3"
stop() { fail "$*"; finish; }

"$CW" gen --out "$T/D" --months 2026-01..2026-03 --scale 0.4 --seed 5 --quiet || stop "claimwatch gen failed"
for m in 2026-01 2026-02 2026-03; do
	report=--no-report; [ $m = 2026-03 ] && report=
	"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month $m --out "$T/R" --quiet $report || stop "run $m failed"
done
grep -q '"bad_institutions"' "$T/D/truth.json" && pass "truth.json lists the bad institutions" ||
	fail "truth.json has no bad_institutions"

# --- a stand-in assessment under another root S, always (with money, whatever the run's assessment has) -----
for m in 2026-01 2026-02 2026-03; do
	mkdir -p "$T/S/$m"
	python3 - "$T/R/$m" "$T/S/$m" "$m" <<'PY' || stop "the stand-in assessment of $m failed"
import csv, sys
from decimal import Decimal
d, out, month = sys.argv[1], sys.argv[2], sys.argv[3]
money = {}; count = {}
for r in csv.DictReader(open(d + "/findings.csv", encoding="utf-8")):
    if r["status"] == "dismissed":
        continue
    money[r["inst_id"]] = money.get(r["inst_id"], Decimal(0)) + Decimal(r["suspect_amount"] or "0")
    count[r["inst_id"]] = count.get(r["inst_id"], 0) + 1
cols = ("period,inst_id,name,level,region,visits,stays,patients,revenue,fund_paid,fund_estimated,findings,"
        "findings_per_100_visits,violation_amount,violation_fund,confirmed_amount,confirmed_fund,refunded_amount,"
        "rejected_rows,score,grade,rank,rank_of,rank_group").split(",")
with open(out + "/inst_assessment.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n"); w.writerow(cols)
    for r in csv.DictReader(open(d + "/indicators.csv", encoding="utf-8")):
        if r["scope"] != "institution":
            continue
        i = r["inst_id"]; visits = int(r["outpatient_visits"] or 0) + 1
        per100 = 100.0 * count.get(i, 0) / visits
        grade = "A" if per100 < 2 else "B" if per100 < 4 else "C" if per100 < 8 else "D"
        v = money.get(i, Decimal(0)); fund = (v * Decimal("0.7")).quantize(Decimal("0.01"))
        w.writerow([month, i, r["name"], r["level"], "", visits, 0, 0, r["revenue"], "0.00", 1, count.get(i, 0),
                    "%.2f" % per100, v, fund, "0.00", "0.00", "0.00", 0, "%.2f" % per100, grade, 1, 1, "level" + r["level"]])
PY
done
roots=("$T/S" "$T/R")
[ -f "$T/R/2026-03/inst_assessment.csv" ] || stop "the run wrote no inst_assessment.csv"

# --- the independent recompute ----------------------------------------------------------------------
check() { # check ROOT MONTH RULES_JSON_OR_EMPTY: the command's CSV against the script's, to the cent
	local root=$1 m=$2 rules=${3:-}
	local args=("$CW" inst-sanctions --root "$root" --month "$m" --lang en)
	[ -n "$rules" ] && args+=(--rules "$rules")
	"${args[@]}" >"$T/cmd.csv" || { fail "inst-sanctions $m failed"; return; }
	python3 - "$root" "$m" "$SRC/rules/default.json" "$rules" >"$T/py.csv" <<'PY' || { fail "the script failed on $m"; return; }
import csv, json, os, sys
from decimal import Decimal, ROUND_HALF_UP
root, month, defaults, user = sys.argv[1:5]
r = json.load(open(defaults, encoding="utf-8"))["institution_sanctions"]
if user:
    u = json.load(open(user, encoding="utf-8")).get("institution_sanctions", {})
    for k, v in u.items():
        if isinstance(v, dict): r[k].update(v)
        else: r[k] = v
G = {"": 0, "A": 1, "B": 2, "C": 3, "D": 4}
y, mo = map(int, month.split("-"))
months = []
for _ in range(r["window_months"]):
    months.insert(0, "%04d-%02d" % (y, mo)); mo -= 1
    if mo == 0: y, mo = y - 1, 12
rows = {}
for m in months:
    p = os.path.join(root, m, "inst_assessment.csv")
    if os.path.exists(p):
        for a in csv.DictReader(open(p, encoding="utf-8")):
            rows.setdefault(a["inst_id"], {})[m] = a
out = []
for inst in sorted(rows):
    if month not in rows[inst]:
        continue
    last = rows[inst][month]; basis = r["basis"]
    money = lambda a: Decimal(a[basis] or "0")
    wf = Decimal(0); rep = 0; hist = []
    for m in months:
        a = rows[inst].get(m)
        if a is None or money(a) <= 0: continue
        wf += money(a); rep += G[a["grade"]] >= G[r["repeat_grade"]] and G[a["grade"]] > 0
        hist.append("%s:%s" % (m, a["grade"] or "-"))
    refund = money(last); step = 0; trig = ""
    if refund > 0:
        for k in (4, 3, 2, 1):
            s = r["step%d" % k]
            if s["grade"] and G[last["grade"]] >= G[s["grade"]]: step, trig = k, "grade"
            elif s["repeat_months"] and rep >= s["repeat_months"]: step, trig = k, "repeat"
            elif s["fund"] and wf >= Decimal(str(s["fund"])): step, trig = k, "fund"
            if step: break
    if not step: continue
    pen = (refund * Decimal(str(r["penalty_multiple"]))).quantize(Decimal("0.01"), ROUND_HALF_UP) if step >= 2 else Decimal(0)
    out.append((-step, inst, [month, inst, step, "%.2f" % refund, "%.2f" % pen, trig, " ".join(hist), last["grade"],
                "%.2f" % wf, rep, r["step%d" % step]["measure_en"]]))
print("month,inst_id,step,refund_fund,penalty,trigger,history,grade,window_fund,repeat_months,measure")
for _, _, row in sorted(out):
    print(",".join(str(x) for x in row))
PY
	python3 - "$T/cmd.csv" >"$T/cmd_cut.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("month,inst_id,step,refund_fund,penalty,trigger,history,grade,window_fund,repeat_months,measure")
for a in rows:
    print(",".join(a[k] for k in "month inst_id step refund_fund penalty trigger history grade window_fund repeat_months measure".split()))
PY
	if cmp -s "$T/cmd_cut.csv" "$T/py.csv"; then
		pass "${root##*/} $m ${rules:+(other rules) }recomputed independently: $(($(wc -l <"$T/py.csv") - 1)) institution(s) with a step"
	else
		fail "$m: the command and the script disagree"; diff "$T/cmd_cut.csv" "$T/py.csv" | head -10 >&2
	fi
}
for root in "${roots[@]}"; do for m in 2026-01 2026-02 2026-03; do check "$root" $m; done; done
cat >"$T/rules2.json" <<'J'
{ "institution_sanctions": { "window_months": 2, "repeat_grade": "B", "penalty_multiple": 2.0,
  "step2": { "grade": "D", "repeat_months": 2, "fund": 300 }, "step3": { "grade": "", "repeat_months": 0, "fund": 2000 },
  "step4": { "grade": "", "repeat_months": 0, "fund": 0 } } }
J
for root in "${roots[@]}"; do for m in 2026-02 2026-03; do check "$root" $m "$T/rules2.json"; done; done

# the run's own file, when it wrote one, is the command's
if [ -f "$T/R/2026-03/inst_sanctions.csv" ]; then
	"$CW" inst-sanctions --root "$T/R" --month 2026-03 --rules "$T/D/rules.json" >"$T/c.csv"
	cmp -s "$T/c.csv" "$T/R/2026-03/inst_sanctions.csv" && pass "run's inst_sanctions.csv = the command's" ||
		fail "the run's inst_sanctions.csv differs from the command's"
	# the report's institutions page shows every step due, with its measure
	ok=1
	while IFS=, read -r _ inst _ step measure _; do
		[ "$inst" = inst_id ] && continue
		grep -q ">$inst<" "$T/R/2026-03/report/institutions.html" && grep -q "$measure" "$T/R/2026-03/report/institutions.html" || ok=0
	done <"$T/R/2026-03/inst_sanctions.csv"
	[ $ok = 1 ] && pass "the institutions page shows every step due and its measure" ||
		fail "the institutions page lacks a step of inst_sanctions.csv"
else
	fail "the run wrote no inst_sanctions.csv"
fi

# --- the bad institution climbs the ladder: no institution of its level is at a higher step ---------------
bad=$(grep -o '"inst_id":[[:space:]]*"[^"]*"' <(sed -n '/"bad_institutions"/,/\]/p' "$T/D/truth.json") | grep -o 'H[0-9]*' | head -1)
for root in "${roots[@]}"; do
	"$CW" inst-sanctions --root "$root" --month 2026-03 >"$T/s.csv" || fail "inst-sanctions failed"
	python3 - "$T/s.csv" "$bad" "$root/2026-03/inst_assessment.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
level = {a["inst_id"]: a["level"] for a in csv.DictReader(open(sys.argv[3], encoding="utf-8"))}
steps = {a["inst_id"]: int(a["step"]) for a in rows}
if not steps:
    print("FAIL: no institution has a step"); sys.exit(1)
bad = sys.argv[2]; peers = [steps.get(i, 0) for i in level if level[i] == level[bad] and i != bad]
ok = steps.get(bad, 0) >= 1 and steps.get(bad, 0) >= max(peers + [0])
print("%s: the bad institution %s at step %d, its level's others at %s" % ("ok" if ok else "FAIL", bad, steps.get(bad, 0), peers))
sys.exit(0 if ok else 1)
PY
	[ $? = 0 ] || fail "the bad institution is below another of its level (${root##*/})"
done

# --- forms: JSON, English -----------------------------------------------------------------------------
"$CW" inst-sanctions --root "$T/S" --month 2026-03 --format json --lang en >"$T/s.json" || fail "--format json failed"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert all(r["step"] >= 1 and r["trigger"] in ("grade","repeat","fund") for r in a)' \
	"$T/s.json" && pass "JSON parses, each row a step and a trigger word" || fail "JSON output"
"$CW" inst-sanctions --root "$T/S" --month 2026-03 >"$T/s.csv"
head -1 "$T/s.csv" | grep -q '^month,inst_id,name,step,measure,refund_fund,penalty,trigger,reason,history,' &&
	pass "the interface's columns first" || fail "header: $(head -1 "$T/s.csv")"
expect_exit 0 "help" -- "$CW" inst-sanctions --help
expect_output "usage: claimwatch inst-sanctions" "help text"

# --- errors ----------------------------------------------------------------------------------------------
expect_exit 1 "a month without assessment" -- "$CW" inst-sanctions --root "$T/S" --month 2026-05
expect_output "2026-05/inst_assessment.csv" "the missing file is named"
mkdir -p "$T/B/2026-03"
awk -F, -v OFS=, 'NR == 3 { $21 = "F" } { print }' "$T/S/2026-03/inst_assessment.csv" >"$T/B/2026-03/inst_assessment.csv"
expect_exit 1 "a damaged grade" -- "$CW" inst-sanctions --root "$T/B" --month 2026-03
expect_output "inst_assessment.csv: line 3: column grade: 'F' is not a grade" "file, line and column named"
expect_exit 2 "bad --format" -- "$CW" inst-sanctions --root "$T/S" --month 2026-03 --format xml
expect_exit 2 "bad --month" -- "$CW" inst-sanctions --root "$T/S" --month 2026-3x
expect_exit 2 "no --root" -- "$CW" inst-sanctions --month 2026-03
echo '{ "institution_sanctions": { "repeat_grade": "Z" } }' >"$T/bad.json"
expect_exit 1 "bad rules" -- "$CW" inst-sanctions --root "$T/S" --month 2026-03 --rules "$T/bad.json"
expect_output "institution_sanctions.repeat_grade" "the bad key is named"
finish
