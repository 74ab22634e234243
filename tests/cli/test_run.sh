#!/usr/bin/env bash
# test_run.sh: `claimwatch run` from the command line: usage errors, bad sources, empty months, too many
# rejects, atomic replacement of a month's results.
. "$(dirname "$0")/lib.sh"

expect_exit 2 "no command" -- "$CW"
expect_exit 0 "top-level help" -- "$CW" --help
expect_output "exit codes" "help documents the exit codes"
expect_exit 2 "unknown command" -- "$CW" frobnicate
expect_exit 0 "run --help" -- "$CW" run --help
expect_exit 2 "run without --data or --db" -- "$CW" run --month 2026-05 --out "$TMP/o"
expect_exit 2 "run with a bad month" -- "$CW" run --data "$TMP" --month 2026-13 --out "$TMP/o"
expect_exit 2 "run with a bad option" -- "$CW" run --data "$TMP" --month 2026-05 --out "$TMP/o" --bogus
expect_exit 0 "detectors" -- "$CW" detectors
expect_output "over_price" "detectors lists over_price"

# A folder with no files: the message names the missing file.
mkdir -p "$TMP/none"
expect_exit 1 "missing files" -- "$CW" run --quiet --data "$TMP/none" --month 2026-05 --out "$TMP/o"
expect_output "institutions.csv" "the missing file is named"
[ ! -e "$TMP/o/2026-05" ] && pass "no results written for a failed run" || fail "a failed run wrote results"

# A good month.
copy_mini "$TMP/d"
expect_exit 0 "mini month" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o"
for f in findings.csv rejects.csv summary.json; do
  [ -f "$TMP/o/2026-05/$f" ] && pass "$f written" || fail "$f missing"
done
grep -q '^F[0-9a-f]*,2026-05,over_price,medication,H1,H1-CARD,DR1,P-' "$TMP/o/2026-05/findings.csv" \
  && pass "over_price finding with a pseudonymised patient" || fail "over_price finding"
[ "$(stat -c %a "$TMP/o/2026-05/findings.csv")" = 600 ] && pass "findings.csv is 0600" || fail "findings.csv mode"
ids1=$(cut -d, -f1 "$TMP/o/2026-05/findings.csv")

# Re-run: same ids (stable), folder replaced, no leftovers.
expect_exit 0 "re-run" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --threads 1
[ "$ids1" = "$(cut -d, -f1 "$TMP/o/2026-05/findings.csv")" ] && pass "finding ids stable" || fail "ids changed"
[ -z "$(ls -A "$TMP/o" | grep -E '^\.(tmp|old)-')" ] && pass "no temporary folders left" || fail "leftovers"

# An empty month is a valid run with empty outputs.
expect_exit 0 "empty month" -- "$CW" run --data "$TMP/d" --month 2026-08 --out "$TMP/o"
expect_output "no claim lines" "the empty month is said"
[ "$(wc -l < "$TMP/o/2026-08/findings.csv")" = 1 ] && pass "empty findings.csv has a header" || fail "empty findings"
grep -Eq '"status":[[:space:]]*"empty"' "$TMP/o/2026-08/summary.json" && pass "summary says empty" || fail "summary status"

# Too many rejects: exit 3, the earlier results stay, the rejects go beside them.
printf 'L90,V9,C1,,2026-05-04 08:30,1,10,10\nL91,V1,C1,,2026-05-32 08:30,1,10,10\n' >> "$TMP/d/claim_lines.csv"
expect_exit 3 "too many rejects" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o"
expect_output "rejected" "the reject share is explained"
[ "$ids1" = "$(cut -d, -f1 "$TMP/o/2026-05/findings.csv")" ] && pass "earlier results intact" || fail "results replaced"
grep -q 'claim_lines.csv,14,visit_id' "$TMP/o/2026-05.rejected/rejects.csv" && pass "reject names file, line, column" \
  || fail "reject row"
expect_exit 0 "a higher limit accepts them" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --max-reject-share 0.5
[ "$(($(wc -l < "$TMP/o/2026-05/rejects.csv") - 1))" = 2 ] && pass "2 rejects written" || fail "reject count"

# The output root is not writable (not as root: root writes anywhere).
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$TMP/ro" && chmod 500 "$TMP/ro"
  expect_exit 1 "read-only output" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/ro"
fi
finish
