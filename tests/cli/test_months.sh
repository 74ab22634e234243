#!/usr/bin/env bash
# test_months.sh: rejected rows count against the month they belong to, and one bad month does not block
# the others (issue 11, item 5). Six generated months with February's amounts broken: February is refused
# (exit 3), every other month runs, the range says which months ran and which failed; a month whose
# look-back reaches into February lists those rows without counting them; summary.json says what was
# counted. A failure other than too many rejects stops a range, and the end says what was not run.
. "$(dirname "$0")/lib.sh"

"$CW" gen --out "$TMP/d" --months 2026-01..2026-06 --lines 1500 --seed 5 --quiet || { fail "gen"; finish; }
# 400 of February's claim lines with an amount that is not money
awk -F, -v OFS=, 'NR > 1 && $5 ~ /^2026-02/ && n < 400 { $8 = "x"; n++ } { print }' "$TMP/d/claim_lines.csv" \
  > "$TMP/claims" && mv "$TMP/claims" "$TMP/d/claim_lines.csv"

expect_exit 0 "June alone is not refused for February's rows" -- "$CW" run --quiet --data "$TMP/d" --month 2026-06 \
  --out "$TMP/o1" --no-report
grep -Eq '"rows_rejected":[[:space:]]*0,' "$TMP/o1/2026-06/summary.json" && pass "June lists none of them" \
  || fail "June's summary: $(grep rows_rejected "$TMP/o1/2026-06/summary.json")"
grep -Eq '"reject_share":[[:space:]]*0,' "$TMP/o1/2026-06/summary.json" && pass "June's reject share is 0" \
  || fail "June's reject share"

expect_exit 3 "the range with a refused month" -- "$CW" run --quiet --data "$TMP/d" --months 2026-01..2026-06 \
  --out "$TMP/o" --no-report
expect_output "2026-02: [0-9.]+% of the month's rows were rejected \(400 of [0-9]+\)" "February's refusal counts its rows"
expect_output "months run: 2026-01, 2026-03, 2026-04, 2026-05, 2026-06; failed: 2026-02 \(too many rejected rows\); not run: none" \
  "the end says which months ran and which failed"
for m in 2026-01 2026-03 2026-04 2026-05 2026-06; do
  [ -f "$TMP/o/$m/summary.json" ] || fail "$m has no results"
done
[ ! -e "$TMP/o/2026-02" ] && [ -f "$TMP/o/2026-02.rejected/rejects.csv" ] \
  && pass "February refused, its rejects beside" || fail "February's folders"
# March's look-back reaches into February: those rows are listed, counted against February
grep -Eq '"rows_rejected_lookback":[[:space:]]*[1-9]' "$TMP/o/2026-03/summary.json" \
  && grep -Eq '"rows_rejected_of_month":[[:space:]]*0,' "$TMP/o/2026-03/summary.json" \
  && pass "March lists February's rows of its look-back without counting them" || fail "March's summary"
# ... and reported once in the run (issue 18 item 3): February's rejects.csv has them, March's does not repeat them
grep -q ',amount,not a money amount.*,2026-02$' "$TMP/o/2026-02.rejected/rejects.csv" \
  && ! grep -q ',2026-02$' "$TMP/o/2026-03/rejects.csv" \
  && grep -Eq '"rows_rejected_reported_earlier":[[:space:]]*[1-9]' "$TMP/o/2026-03/summary.json" \
  && pass "their rows are reported once, by February" || fail "March's rejects.csv: $(sed -n 2p "$TMP/o/2026-03/rejects.csv")"
[ "$(grep -c ',2026-02$' "$TMP/o/2026-02.rejected/rejects.csv")" = 400 ] \
  && [ "$(wc -l < "$TMP/o/2026-02.rejected/rejects.csv")" = 401 ] \
  && pass "February's rejects are its 400 rows" || fail "February's rejects.csv"

# claim_lines.csv through a FIFO written once: the first month reads it, the second waits in vain and fails,
# which stops the range
mv "$TMP/d/claim_lines.csv" "$TMP/claims.csv"
mkfifo "$TMP/d/claim_lines.csv"
cat "$TMP/claims.csv" > "$TMP/d/claim_lines.csv" &
writer=$!
expect_exit 1 "a failure that is not about rejects stops the range" -- timeout 120 "$CW" run --quiet --data "$TMP/d" \
  --months 2026-04..2026-06 --out "$TMP/o3" --no-report --input-timeout 2
expect_output "claim_lines.csv: nothing to read for 2 s" "the month's failure is said"
expect_output "months run: 2026-04; failed: 2026-05; not run: 2026-06" "the end says what was not run"
kill "$writer" 2>/dev/null # still blocked in opening the FIFO when the run never read it
wait "$writer" 2>/dev/null
finish
