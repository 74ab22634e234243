#!/usr/bin/env bash
# test_upsert.sh: `claimwatch load` adds and corrects, it does not replace months. A folder of late
# corrections (one January stay) changes that stay's lines only (it used to cut January down to them and
# leave exam results without their lines); a line whose service_time moved to another month is there once,
# in its new month; monthly extracts cut by discharge month add up to the whole folder; loading the folder
# again changes nothing. --replace-months replaces a month as a whole, says what it removed, and leaves no
# exam result without its line.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" gen --out "$TMP/d" --months 2026-01..2026-02 --scale 0.1 --seed 7 --quiet || fail "gen"

# cut_folder SRC DST VISITS: SRC's dimension tables, and the visits listed in the file VISITS with their claim
# lines, prescriptions and exam results.
cut_folder() {
  mkdir -p "$2"
  for t in institutions departments physicians patients items bundles; do cp "$1/$t.csv" "$2/"; done
  awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || k[$1]' "$3" "$1/visits.csv" > "$2/visits.csv"
  awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || k[$2]' "$3" "$1/claim_lines.csv" > "$2/claim_lines.csv"
  awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || k[$3]' "$3" "$1/prescriptions.csv" > "$2/prescriptions.csv"
  tail -n +2 "$2/claim_lines.csv" | cut -d, -f1 > "$2.lines"
  awk -F, 'NR == FNR { k[$1] = 1; next } FNR == 1 || k[$1]' "$2.lines" "$1/exam_results.csv" > "$2/exam_results.csv"
}
# lines M [DB]: the claim lines of month M.
lines() { psql -X -qAt -d "${2:-$DB}" -c "select count(*) from claim_lines where service_time >= '$1-01'
                                            and service_time < '$1-01'::date + interval '1 month'"; }
per_month() { psql -X -qAt -d "$1" -c "select to_char(service_time, 'YYYY-MM'), count(*) from claim_lines group by 1 order by 1"; }
dangling() { q "select count(*) from exam_results e where not exists (select 1 from claim_lines c where c.line_id = e.line_id)"; }
twice() { q "select count(*) - count(distinct line_id) from claim_lines"; }

expect_exit 0 "load two generated months" -- "$CW" load --quiet --data "$TMP/d" --db "$URL"
jan=$(lines 2026-01) feb=$(lines 2026-02) all=$(q "select count(*) from claim_lines") results=$(q "select count(*) from exam_results")
[ "$jan" -gt 1000 ] && pass "January has $jan lines, February $feb" || fail "January: $jan lines"

# A late correction: the January stay with the most lines, one line's amount changed, another moved to
# February.
stay=$(awk -F, 'NR > 1 && substr($5, 1, 7) == "2026-01" { n[$2]++ } END { for (v in n) print n[v], v }' \
       "$TMP/d/claim_lines.csv" | sort -rn | head -1 | cut -d' ' -f2)
echo "$stay" > "$TMP/stay"
cut_folder "$TMP/d" "$TMP/fix" "$TMP/stay"
n=$(($(wc -l < "$TMP/fix/claim_lines.csv") - 1))
a=$(sed -n 2p "$TMP/fix/claim_lines.csv" | cut -d, -f1) b=$(sed -n 3p "$TMP/fix/claim_lines.csv" | cut -d, -f1)
awk -F, -v OFS=, -v a="$a" -v b="$b" '$1 == a { $8 = "123.45" } $1 == b { $5 = "2026-02-01 00:30" } 1' \
  "$TMP/fix/claim_lines.csv" > "$TMP/cl" && mv "$TMP/cl" "$TMP/fix/claim_lines.csv"
expect_exit 0 "load a correction of one stay ($n lines)" -- "$CW" load --data "$TMP/fix" --db "$URL"
expect_output "claim lines of 2026-01: $((n - 1)) loaded, $n earlier lines of the same ids replaced; $((jan - 1)) now \($jan before\)" \
  "the load says what it did to January"
expect_output "claim lines of 2026-02: 1 loaded, 0 earlier lines of the same ids replaced; $((feb + 1)) now \($feb before\)" \
  "the load says what it did to February"
[ "$(lines 2026-01)" = $((jan - 1)) ] && pass "January keeps its other lines" || fail "January: $(lines 2026-01) lines"
[ "$(q "select count(*) from claim_lines")" = "$all" ] && pass "no line added or lost ($all)" || fail "lines: $(q "select count(*) from claim_lines")"
[ "$(q "select amount from claim_lines where line_id = '$a'")" = 123.45 ] && pass "the corrected amount" || fail "amount"
[ "$(q "select to_char(service_time, 'YYYY-MM') from claim_lines where line_id = '$b'")" = 2026-02 ] \
  && pass "the moved line is there once, in February" || fail "the moved line: $(q "select service_time from claim_lines where line_id = '$b'")"
[ "$(dangling)" = 0 ] && pass "no exam result without its line" || fail "$(dangling) exam results without their line"
[ "$(q "select count(*) from exam_results")" = "$results" ] && pass "every exam result kept" || fail "exam results"

# The whole folder again: every line as the folder has it, nothing twice.
expect_exit 0 "load the folder again" -- "$CW" load --quiet --data "$TMP/d" --db "$URL"
[ "$(lines 2026-01)/$(lines 2026-02)" = "$jan/$feb" ] && pass "the months as the folder has them" \
  || fail "January $(lines 2026-01), February $(lines 2026-02)"
[ "$(twice)" = 0 ] && pass "no line twice" || fail "$(twice) lines twice"

# Monthly extracts cut by discharge month (outpatient visits by their day), loaded one after the other
# into a second database: the same lines per month as the whole folder.
for m in 2025-12 2026-01 2026-02; do
  awk -F, -v m="$m" 'NR > 1 && substr($8 != "" ? $8 : $7, 1, 7) == m { print $1 }' "$TMP/d/visits.csv" > "$TMP/v$m"
  cut_folder "$TMP/d" "$TMP/x$m" "$TMP/v$m"
done
createdb "${DB}_x"
trap 'dropdb --if-exists --force "${DB}_x" >/dev/null 2>&1; dropdb --if-exists --force "$DB" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
"$CW" db init --quiet --db "${URL}_x" >/dev/null || fail "db init of the second database"
for m in 2025-12 2026-01 2026-02; do
  expect_exit 0 "load the extract of visits ended in $m" -- "$CW" load --quiet --data "$TMP/x$m" --db "${URL}_x" --max-reject-share 1
done
[ "$(per_month "${DB}_x")" = "$(per_month "$DB")" ] && pass "the extracts add up to the folder, month by month" \
  || { fail "the extracts differ from the folder"; diff <(per_month "${DB}_x") <(per_month "$DB") >&2; }

# --replace-months: January becomes the correction's, and the load says what it removed.
gone=$(q "select count(*) from exam_results e join claim_lines c using (line_id) where c.service_time >= '2026-01-01'
          and c.service_time < '2026-02-01' and c.visit_id <> '$stay'")
expect_exit 0 "replace January with the correction" -- "$CW" load --data "$TMP/fix" --db "$URL" --replace-months 2026-01
expect_output "claim lines of 2026-01 replaced \(--replace-months\): $((jan - n)) removed, with $gone exam results; $((n - 1)) loaded \($n of them replacing a line of the same id\); $((n - 1)) now \($jan before\)" \
  "the replacing load says how many lines and results it removed"
[ "$(lines 2026-01)" = $((n - 1)) ] && pass "January is the correction's" || fail "January: $(lines 2026-01) lines"
[ "$(lines 2026-02)" = $((feb + 1)) ] && pass "February only gained the moved line" || fail "February: $(lines 2026-02)"
[ "$(dangling)" = 0 ] && pass "no exam result left without its line" || fail "$(dangling) exam results without their line"
finish
