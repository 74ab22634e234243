#!/usr/bin/env bash
# test_emptied.sh: a month whose results in ROOT were made from claim lines, run again from a folder that
# has none of that month, is an error that keeps the results (it used to write empty results and exit
# 0); --allow-empty accepts it. A month that never had lines is still an empty run (test_run.sh).
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
expect_exit 0 "the month with its lines" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o"
cp "$TMP/o/2026-05/findings.csv" "$TMP/first.csv"
head -1 "$SRC/tests/data/mini/claim_lines.csv" > "$TMP/d/claim_lines.csv"
expect_exit 1 "the month without its lines" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o"
expect_output "^claimwatch run: run 2026-05: $TMP/d has no claim lines of the month, but its current results \($TMP/o/2026-05\) were made from 11: nothing was replaced; if the month is really empty now, run it again with --allow-empty" \
  "it says what the results were made from and what to do"
[ "$(wc -l < "$TMP/out")" = 1 ] && pass "one line" || fail "$(wc -l < "$TMP/out") lines"
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "the results were kept" || fail "the results changed"
[ -z "$(ls -A "$TMP/o" | grep -E '^\.(tmp|old)-')" ] && pass "nothing left behind" || fail "leftovers: $(ls -A "$TMP/o")"
expect_exit 0 "--allow-empty" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --allow-empty
grep -Eq '"status":[[:space:]]*"empty"' "$TMP/o/2026-05/summary.json" && pass "the empty month written" || fail "status"
expect_exit 0 "empty again: nothing to lose" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o"
finish
