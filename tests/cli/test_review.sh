#!/usr/bin/env bash
# test_review.sh: `claimwatch review` and `claimwatch blacklist` from the command line on the mini
# month: usage errors, a decision recorded and applied on the re-run, ranking.csv and sanctions.csv.
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
echo '{"scoring": {"min_visits": 1}, "grades": {"basically_reasonable": 1, "unreasonable": 2}}' >"$TMP/rules.json"
expect_exit 0 "mini month" -- "$CW" run --data "$TMP/d" --month 2026-05 --out "$TMP/o" --rules "$TMP/rules.json"
expect_output "warning: 2026-05: no results under .* for 2026-01 2026-02 2026-03 2026-04" "the cycle's missing months are named"
grep -q '"warning_messages":.*no results under' <(tr -d '\n' <"$TMP/o/2026-05/summary.json") \
  && pass "summary.json keeps the warning" || fail "summary.json warning"
for f in ranking.csv sanctions.csv; do
  [ -f "$TMP/o/2026-05/$f" ] && pass "$f written" || fail "$f missing"
done
head -1 "$TMP/o/2026-05/ranking.csv" | grep -q '^month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount' \
  && pass "ranking.csv columns" || fail "ranking.csv columns"
head -1 "$TMP/o/2026-05/sanctions.csv" | grep -q '^month,cycle,physician_id,inst_id,level,single_firsts,composite_firsts,measures' \
  && pass "sanctions.csv columns" || fail "sanctions.csv columns"
grep -q '^2026-05,H1,H1-CARD,DR1,medication,[0-9.]*,unreasonable,1,1,5.00,' "$TMP/o/2026-05/ranking.csv" \
  && pass "DR1 first in medication in H1" || fail "DR1 medication row"
grep -q '^2026-05,2026-H1,DR1,H1,1,1,0,警告、通报批评,' "$TMP/o/2026-05/sanctions.csv" \
  && pass "DR1 warned (level 1) for a single-dimension first" || fail "DR1 level 1"

id=$(awk -F, '$3 == "over_price" { print $1 }' "$TMP/o/2026-05/findings.csv")
expect_exit 0 "review --help" -- "$CW" review --help
expect_exit 2 "review without --note" -- "$CW" review --root "$TMP/o" --finding "$id" --status dismissed
expect_exit 2 "review with a bad status" -- "$CW" review --root "$TMP/o" --finding "$id" --status maybe --note x
expect_exit 1 "review of an unknown finding" -- "$CW" review --root "$TMP/o" --finding F0000 --status confirmed --note x
expect_output "no month under .* has a finding with the id 'F0000'" "the unknown id is named"
expect_exit 0 "review: dismiss" -- "$CW" review --root "$TMP/o" --finding "$id" --status dismissed --note "price list updated" --by li
expect_output "$id \(2026-05, over_price, physician DR1" "review says which month"
[ "$(stat -c %a "$TMP/o/reviews.csv")" = 600 ] && pass "reviews.csv is 0600" || fail "reviews.csv mode"
expect_exit 0 "re-run" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --rules "$TMP/rules.json"
grep -q "^$id,.*,dismissed\$" "$TMP/o/2026-05/findings.csv" && pass "finding marked dismissed" || fail "status column"
grep -q '^2026-05,H1,H1-CARD,DR1,composite,0.00,reasonable,,0,0.00,' "$TMP/o/2026-05/ranking.csv" \
  && pass "the dismissed finding no longer counts" || fail "DR1 composite after the dismissal"
grep -q '^2026-05,2026-H1,DR1,' "$TMP/o/2026-05/sanctions.csv" && fail "DR1 still sanctioned" || pass "DR1 no longer sanctioned"
grep -q '^2026-05,2026-H1,DR3,H2,1,1,1,' "$TMP/o/2026-05/sanctions.csv" && pass "DR3 first in H2: level 1" \
  || fail "DR3 sanction"
grep -q "$id" "$TMP/o/reviews.csv" && pass "the decision survives the re-run" || fail "reviews.csv lost"

expect_exit 0 "blacklist --help" -- "$CW" blacklist --help
expect_exit 2 "blacklist with a bad cycle" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H3
expect_exit 2 "blacklist with a bad format" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --format xml
expect_exit 1 "blacklist of a cycle without results" -- "$CW" blacklist --root "$TMP/o" --cycle 2025-H2
expect_exit 0 "blacklist by money" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --min-amount 10 --out "$TMP/bl.csv"
grep -q '^DR3,.*,H2,H2-GEN,1,2026-05,20.00,duplicate_billing,F.*,amount,' "$TMP/bl.csv" && pass "DR3 listed by money" \
  || fail "blacklist by money"
grep -q '^DR1,' "$TMP/bl.csv" && fail "DR1 listed by money after the dismissal" || pass "DR1 not listed by money"
expect_exit 0 "blacklist json" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --min-level 1 --format json
expect_output '"physician_id":	"DR3"' "DR3 at level 1"
grep -q '"DR1"' "$TMP/out" && fail "DR1 listed after the dismissal" || pass "DR1 not listed after the dismissal"
finish
