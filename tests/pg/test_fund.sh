#!/usr/bin/env bash
# test_fund.sh: data contract 2 (schema version 6) through `claimwatch load` and `claimwatch run --db`: a
# generated month's fund_amount, self_amount, catalogue classes, essential flags and regions round-trip; the
# run from the database gives the same findings (their fund_amount and fund_estimated), the same evidence
# (the lines' parts) and the same indicators (fund_paid, self_paid, out_of_scope...) as the run from CSV,
# and claimwatch.findings holds the fund share; a bad part in a loaded file is a reject naming the column.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
expect_exit 0 "gen a month" -- "$CW" gen --out "$TMP/g" --months 2026-05 --scale 0.1 --seed 7 --quiet
expect_exit 0 "load it" -- "$CW" load --quiet --data "$TMP/g" --db "$URL"
[ "$(q "select count(*) from claim_lines where fund_amount is null or self_amount is null")" = 0 ] \
  && pass "every line's parts are in claim_lines" || fail "lines without parts"
[ "$(q "select count(distinct catalogue_class) from items")" = 3 ] && pass "the classes are in items" || fail "classes"
[ "$(q "select count(*) from items where essential")" -gt 0 ] && pass "essential drugs" || fail "essential"
[ "$(q "select count(distinct region) from institutions")" -gt 1 ] && pass "regions" || fail "regions"
[ "$(q "select sum(fund_amount) from claim_lines")" = "$(python3 -c "
import csv,sys; from decimal import Decimal
print(sum(Decimal(r['fund_amount']) for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))))" \
  "$TMP/g/claim_lines.csv")" ] && pass "the fund parts sum as in the file" || fail "sum of fund_amount"

expect_exit 0 "run from CSV" -- "$CW" run --quiet --no-report --data "$TMP/g" --rules "$TMP/g/rules.json" \
  --month 2026-05 --out "$TMP/csv"
expect_exit 0 "run from the database" -- "$CW" run --quiet --no-report --db "$URL" --rules "$TMP/g/rules.json" \
  --month 2026-05 --out "$TMP/db"
for f in findings evidence indicators; do
  cmp -s "$TMP/csv/2026-05/$f.csv" "$TMP/db/2026-05/$f.csv" && pass "the same $f.csv from CSV and the database" \
    || { fail "$f.csv differs"; diff "$TMP/csv/2026-05/$f.csv" "$TMP/db/2026-05/$f.csv" | head -5 >&2; }
done
grep -q ',fund_paid,' "$TMP/db/2026-05/indicators.csv" && pass "indicators.csv has fund_paid" || fail "no fund_paid"
want=$(python3 -c "
import csv,sys; from decimal import Decimal
r=list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
print(sum(Decimal(x['fund_amount']) for x in r), sum(x['fund_estimated'] == '1' for x in r))" "$TMP/db/2026-05/findings.csv")
got=$(q "select sum(fund_amount) || ' ' || count(*) filter (where fund_estimated) from claimwatch.findings
         where month = '2026-05-01' and run_id = (select max(run_id) from claimwatch.findings)")
[ "$got" = "$want" ] && pass "claimwatch.findings holds the fund share ($got)" || fail "findings' fund: $got, wanted $want"

# A loaded file with an impossible part: a reject naming the file, line and column.
copy_mini "$TMP/d"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "fund_amount", "self_amount"; next }
         NR == 2 { print $0, $8 + 1, ""; next } { print $0, "", "" }' "$TMP/d/claim_lines.csv" >"$TMP/d/x.csv"
mv "$TMP/d/x.csv" "$TMP/d/claim_lines.csv"
expect_exit 0 "load a folder with a fund part over the amount" -- "$CW" load --quiet --data "$TMP/d" --db "$URL" \
  --rejects "$TMP/rej.csv" --max-reject-share 1
grep -q '^claim_lines.csv,2,fund_amount,fund_amount + self_amount is more than amount' "$TMP/rej.csv" \
  && pass "the reject names file, line and column" || { fail "no reject"; cat "$TMP/rej.csv" >&2; }
finish
