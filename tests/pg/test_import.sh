#!/usr/bin/env bash
# test_import.sh: `claimwatch import --db URL` (issue 18 item 1): the platform's fixture imported straight into
# PostgreSQL goes through `claimwatch load`'s path on a private temporary folder (removed afterwards), lands
# with the same rows as `import --out` then `load`, keeps the mapping report with --report, and a run from the
# database finds what the run from the folder finds.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"
expect_exit 0 "import --from nhsa --db" -- "$CW" import --from nhsa "$SRC/tests/data/import/nhsa" --db "$URL" \
  --report "$TMP/report.csv" --lang en
expect_output "feedetail: 16 rows read, 14 kept" "the mapping summary"
[ -z "$(ls -A "$TMPDIR")" ] && pass "the temporary folder is gone" || fail "left behind: $(ls -A "$TMPDIR")"
grep -q '^feedetail,read,,,16,' "$TMP/report.csv" && pass "--report keeps the mapping report" || fail "report: $(cat "$TMP/report.csv")"
[ "$(q "select count(*) from claim_lines")|$(q "select count(*) from visits")" = "14|3" ] \
  && pass "14 lines and 3 visits loaded" || fail "loaded: $(q "select count(*) from claim_lines") lines"
[ "$(q "select fund_amount from claim_lines where line_id = 'M0001-1'")" = "149.33" ] \
  && pass "the fund's share loaded" || fail "fund_amount: $(q "select fund_amount from claim_lines where line_id = 'M0001-1'")"
expect_exit 0 "import --out" -- "$CW" import --quiet --from nhsa "$SRC/tests/data/import/nhsa" --out "$TMP/n"
expect_exit 0 "run from the folder" -- "$CW" run --quiet --no-report --data "$TMP/n" --month 2026-03 --out "$TMP/csv"
expect_exit 0 "run from the database" -- "$CW" run --quiet --no-report --db "$URL" --month 2026-03 --out "$TMP/db"
cut -d, -f3,9,10 "$TMP/csv/2026-03/findings.csv" >"$TMP/f1"
cut -d, -f3,9,10 "$TMP/db/2026-03/findings.csv" >"$TMP/f2"
cmp -s "$TMP/f1" "$TMP/f2" && grep -q '^split_admission,M0002,' "$TMP/f2" \
  && pass "the same findings from the folder and the database" || { fail "findings differ"; diff "$TMP/f1" "$TMP/f2" >&2; }
expect_exit 2 "--report without --db" -- "$CW" import --from nhsa "$SRC/tests/data/import/nhsa" --out "$TMP/x" --report "$TMP/r"
finish
