#!/usr/bin/env bash
# test_output_text.sh: the month's CSV files carry formulas neutralised (an apostrophe in front), and
# the result tables, which are copied from those files, hold the text as it was meant: a physician named
# =HYPERLINK(...) and an id starting with '-'. A run into an empty ROOT, whose sanction history comes
# from the result tables, writes the same sanctions.csv (one apostrophe, not two).
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
sed -i -E 's/(^|,)DR3(,|$)/\1-DR3\2/g' "$TMP"/d/*.csv
sed -i 's/^DR2,李娜,/DR2,"=HYPERLINK(""http:\/\/x"",""y"")",/' "$TMP/d/physicians.csv"
echo '{"scoring": {"min_visits": 1}, "grades": {"basically_reasonable": 1, "unreasonable": 2}}' >"$TMP/rules.json"
"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
expect_exit 0 "load" -- "$CW" load --data "$TMP/d" --db "$URL" --quiet
expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" \
  --rules "$TMP/rules.json"
grep -qF "\"'=HYPERLINK(" "$TMP/o/2026-05/ranking.csv" && pass "ranking.csv: the formula is neutralised" \
  || fail "ranking.csv: $(grep HYPERLINK "$TMP/o/2026-05/ranking.csv")"
name=$(q "select distinct physician_name from claimwatch.ranking where physician_id = 'DR2'")
[ "$name" = '=HYPERLINK("http://x","y")' ] && pass "claimwatch.ranking: the name as it is" || fail "ranking name: $name"
[ "$(q "select count(*) from claimwatch.findings where physician_id = '-DR3'")" -ge 1 ] \
  && pass "claimwatch.findings: the id as it is" || fail "findings: $(q "select physician_id from claimwatch.findings")"
[ "$(q "select count(*) from claimwatch.sanctions where physician_name = '=HYPERLINK(\"http://x\",\"y\")'")" = 1 ] \
  && pass "claimwatch.sanctions: the name as it is" || fail "sanctions: $(q "select physician_name from claimwatch.sanctions")"
expect_exit 0 "the month into an empty ROOT (history from the tables)" -- "$CW" run --quiet --db "$URL" \
  --month 2026-05 --out "$TMP/fresh" --rules "$TMP/rules.json"
cmp -s "$TMP/o/2026-05/sanctions.csv" "$TMP/fresh/2026-05/sanctions.csv" && pass "the same sanctions.csv" \
  || { fail "sanctions.csv differs"; diff "$TMP/o/2026-05/sanctions.csv" "$TMP/fresh/2026-05/sanctions.csv" >&2; }
finish
