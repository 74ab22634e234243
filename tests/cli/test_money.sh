#!/usr/bin/env bash
# test_money.sh: very large amounts (issue 11, item 10). Amounts beyond the contract's bound (99,999,999.99
# yuan) are rejected with their file, line and column; they used to be accepted up to 10^15 and make the
# run fail on its own output (ranking.csv: "number is too large"). Amounts at the bound on every line are
# accepted, and every reader of claimwatch's own files takes the results back: the sanctions of the next
# months (earlier ranking.csv), case, export, blacklist.
. "$(dirname "$0")/lib.sh"

"$CW" gen --out "$TMP/d" --months 2026-01..2026-03 --lines 800 --seed 7 --quiet || { fail "gen"; finish; }
cp "$TMP/d/claim_lines.csv" "$TMP/claims.csv"

# 200 of March's lines billed at 900 trillion yuan a unit
awk -F, -v OFS=, 'NR > 1 && $5 ~ /^2026-03/ && n < 200 { $6 = 1; $7 = "900000000000000.00"; $8 = $7; n++ } { print }' \
  "$TMP/claims.csv" > "$TMP/d/claim_lines.csv"
expect_exit 0 "amounts beyond the bound" -- "$CW" run --quiet --data "$TMP/d" --month 2026-03 --out "$TMP/o1" \
  --max-reject-share 0.5 --no-report
[ "$(grep -c ",unit_price,\"more than 99999999.99 yuan in absolute value, the contract's bound for one amount: '900000000000000.00'\"" \
  "$TMP/o1/2026-03/rejects.csv")" = 200 ] && pass "each rejected with its line and column" \
  || fail "rejects: $(head -3 "$TMP/o1/2026-03/rejects.csv")"
grep -q '^claim_lines.csv,[0-9][0-9]*,unit_price,' "$TMP/o1/2026-03/rejects.csv" && pass "the reject names the line" \
  || fail "no line"

# every line at the bound: one unit at 99,999,999.99 yuan
awk -F, -v OFS=, 'NR > 1 { $6 = 1; $7 = "99999999.99"; $8 = $7 } { print }' "$TMP/claims.csv" > "$TMP/d/claim_lines.csv"
expect_exit 0 "every amount at the bound, three months" -- "$CW" run --quiet --data "$TMP/d" --months 2026-01..2026-03 \
  --out "$TMP/o" --no-report
big=$(cut -d, -f10 "$TMP/o/2026-03/ranking.csv" | sort -n | tail -1)
awk -v b="$big" 'BEGIN { exit !(b > 1e9) }' && pass "a ranking sum of $big yuan" || fail "ranking sums: $big"
grep -Eq '"months_read":[[:space:]]*3,' "$TMP/o/2026-03/summary.json" \
  && pass "the sanctions read the three months' ranking.csv back" || fail "months read: $(grep months_read "$TMP/o/2026-03/summary.json")"
expect_exit 0 "export reads the month back" -- "$CW" export --root "$TMP/o" --month 2026-03 --out "$TMP/month.json"
expect_exit 0 "blacklist reads the cycle back" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --min-level 1 \
  --out "$TMP/blacklist.csv"
finding=$(awk -F, 'NR == 2 { print $1 }' "$TMP/o/2026-03/findings.csv")
expect_exit 0 "case reads a finding back" -- "$CW" case --root "$TMP/o" --month 2026-03 --finding "$finding"
finish
