#!/usr/bin/env bash
# test_budget_grade.sh: the global budget's grade when ROOT/periods/YYYY/inst_assessment.csv is missing
# (docs/budget.md, "The condition of the share"): the year's assessment computed from the month files by
# the assess code, exactly what `claimwatch assess --period YYYY` writes (grade_source `computed`, then
# `assessment` once the file is there, with the same grades); the rules' grade when no month has an
# assessment. A run computes it with its own month's file from where it is being written: its budget.csv
# is what `claimwatch budget` gives afterwards from ROOT. Two small generated months.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }

"$CW" gen --out "$T/D" --months 2026-01..2026-02 --scale 0.1 --seed 7 --quiet || stop "claimwatch gen failed"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --months 2026-01..2026-02 --out "$T/R" --quiet --no-report ||
	stop "claimwatch run failed"
src=$(awk -F, 'NR > 1 { print $27 }' "$T/R/2026-02/budget.csv" | sort -u | tr '\n' ' ')
[ "$src" = "computed " ] && pass "February's budget.csv: every grade computed from the months' assessment" ||
	fail "grade_source: '$src'"
expect_exit 0 "budget without the period file" -- "$CW" budget --root "$T/R" --data "$T/D" --rules "$T/D/rules.json" \
	--months 2026-01..2026-02 --out "$T/b1.csv" --quiet
cmp -s "$T/b1.csv" "$T/R/2026-02/budget.csv" && pass "the run's (its month from the folder being written) = budget's" ||
	{ fail "the run's budget.csv differs from claimwatch budget's"; diff "$T/b1.csv" "$T/R/2026-02/budget.csv" | head >&2; }
# (and February's month counted in it: seed 7's grades move from January's run to February's)
g() { awk -F, '$5 == "year" { print $1 $26 }' "$T/R/2026-$1/budget.csv" | tr -d '\n'; }
[ "$(g 01)" != "$(g 02)" ] && pass "February's run counted February's assessment" || fail "the grades did not move: $(g 02)"
expect_exit 0 "assess --period 2026" -- "$CW" assess --root "$T/R" --period 2026 --rules "$T/D/rules.json" --out /dev/null
[ -s "$T/R/periods/2026/inst_assessment.csv" ] || stop "no period file"
expect_exit 0 "budget with the period file" -- "$CW" budget --root "$T/R" --data "$T/D" --rules "$T/D/rules.json" \
	--months 2026-01..2026-02 --out "$T/b2.csv" --quiet
cmp -s <(sed 's/,computed,/,assessment,/' "$T/b1.csv") "$T/b2.csv" &&
	pass "with the file written by assess --period: the same grades, from the assessment" ||
	{ fail "the grades computed differ from the period file's"; diff <(sed 's/,computed,/,assessment,/' "$T/b1.csv") "$T/b2.csv" | head >&2; }
python3 - "$T/R/periods/2026/inst_assessment.csv" "$T/b2.csv" <<'PY' && pass "the grades are the period file's" || fail "grades"
import csv, sys
g = {r["inst_id"]: r["grade"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert rows and all(r["grade"] == g[r["inst_id"]] for r in rows), [(r["inst_id"], r["grade"]) for r in rows][:5]
PY
# no month with an assessment: the rules' grade
mkdir -p "$T/R2" && cp -r "$T/R"/2026-0[12] "$T/R2"/ && rm "$T"/R2/2026-0[12]/inst_assessment.csv
expect_exit 0 "budget without any assessment" -- "$CW" budget --root "$T/R2" --data "$T/D" --year 2026 --out "$T/b3.csv" --quiet
src=$(awk -F, 'NR > 1 { print $26 $27 }' "$T/b3.csv" | sort -u | tr '\n' ' ')
[ "$src" = "Arules " ] && pass "no assessment anywhere: the rules' grade (A)" || fail "without assessments: '$src'"
# a damaged month file is an error naming it, not a silent grade
printf 'garbage\n' >"$T/R2/2026-01/inst_assessment.csv"
expect_exit 1 "a damaged month assessment" -- "$CW" budget --root "$T/R2" --data "$T/D" --year 2026 --quiet
expect_output "2026-01/inst_assessment.csv" "the error names the file"
finish
