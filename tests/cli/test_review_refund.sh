#!/usr/bin/env bash
# test_review_refund.sh: self-inspection to refund from the command line (issue 14, item 4; K2, K4-K8,
# docs/review.md): one finding of the mini month walked through every state and an appeal, with the
# totals (`review totals`) and the statistics form (`review form`) checked after each step; refused
# transitions naming the state, malformed input, a window of months, an old reviews.csv, Excel output.
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
echo '{"scoring": {"min_visits": 1}, "grades": {"basically_reasonable": 1, "unreasonable": 2}}' >"$TMP/rules.json"
expect_exit 0 "mini month" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --rules "$TMP/rules.json"
id=$(awk -F, '$3 == "over_price" { print $1 }' "$TMP/o/2026-05/findings.csv")
[ -n "$id" ] && pass "the over_price finding of H1 (5.00 yuan)" || fail "no over_price finding"

# decide ACT [options]: records ACT on the finding; the exit code is checked by the caller.
decide() { local s="$1"; shift; "$CW" review --root "$TMP/o" --finding "$id" --status "$s" --note "step $s" --by 医保办 "$@"; }
# H1's totals row (English headers) and H1's over_price row of the form.
totals() { "$CW" review totals --root "$TMP/o" --lang en | grep '^H1,'; }
form() { "$CW" review form --root "$TMP/o" --lang en | grep '^H1,over_price,'; }
# check WHAT TOTALS FORM: the H1 rows as they should be now.
check() {
  local t f
  t=$(totals) f=$(form)
  [ "$t" = "H1,$2,2026-05,2026-05" ] && pass "$1: totals" || fail "$1: totals are '$t', wanted 'H1,$2,...'"
  [ "$f" = "H1,over_price,Over-price billing,$3" ] && pass "$1: form" || fail "$1: form is '$f', wanted '...,$3'"
}
#     found  open  confirmed dismissed rectified refunded,amount,refund appealed
check "open" "2,23.00,2,23.00,0,0.00,0,0.00,0,0.00,0,0.00,0.00,0,0.00" "1,5.00,0,0.00,0,0,0.00,0"

expect_exit 1 "refunded while open" -- decide refunded --amount 1
expect_output "$id: the finding is open: 'refunded' is for a confirmed" "the refusal names the state"
expect_exit 1 "appealed while open" -- decide appealed
expect_exit 0 "confirmed" -- decide confirmed --date 2026-06-01
check "confirmed" "2,23.00,1,18.00,1,5.00,0,0.00,0,0.00,0,0.00,0.00,0,0.00" "1,5.00,1,5.00,0,0,0.00,0"
expect_exit 1 "confirmed twice" -- decide confirmed
expect_output "the finding is confirmed" "names the state"
expect_exit 1 "upheld without an appeal" -- decide upheld
expect_exit 0 "rectified (整改)" -- decide rectified
check "rectified" "2,23.00,1,18.00,0,0.00,0,0.00,1,5.00,0,0.00,0.00,0,0.00" "1,5.00,1,5.00,1,0,0.00,0"

expect_exit 2 "refunded without --amount" -- decide refunded
expect_exit 2 "an amount with three decimals" -- decide refunded --amount 3.004
expect_exit 2 "an amount that is not money" -- decide refunded --amount abc
expect_exit 2 "an amount of 0" -- decide refunded --amount 0
expect_exit 2 "an amount on a confirmation" -- decide dismissed --amount 3
expect_exit 2 "a date that does not exist" -- decide refunded --amount 3 --date 2026-02-30
expect_exit 1 "a refund beyond the money at stake" -- decide refunded --amount 5.01
expect_output "more than the 5.00 yuan at stake" "the cap is named"
expect_exit 0 "refunded 3.00 (退回)" -- decide refunded --amount 3 --date 2026-06-20
expect_output "refunded 3.00 yuan by 医保办 on 2026-06-20" "the refund is echoed"
check "refunded" "2,23.00,1,18.00,0,0.00,0,0.00,0,0.00,1,5.00,3.00,0,0.00" "1,5.00,1,5.00,0,1,3.00,0"
expect_exit 1 "a second refund past the cap" -- decide refunded --amount 2.01
expect_exit 0 "a second refund, forced past the cap" -- decide refunded --amount 2.01 --force
check "refunded twice" "2,23.00,1,18.00,0,0.00,0,0.00,0,0.00,1,5.00,5.01,0,0.00" "1,5.00,1,5.00,0,1,5.01,0"
expect_exit 1 "dismissed once refunded" -- decide dismissed
expect_output "the finding is refunded: 'dismissed' is for an open or confirmed finding" "only an appeal may"

expect_exit 0 "re-run after the refund" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --rules "$TMP/rules.json"
grep -q "^$id,.*,refunded\$" "$TMP/o/2026-05/findings.csv" && pass "findings.csv shows refunded" || fail "status column"
grep -q '^2026-05,H1,H1-CARD,DR1,medication,[0-9.]*,unreasonable,1,1,5.00,' "$TMP/o/2026-05/ranking.csv" \
  && pass "a refunded finding still counts" || fail "DR1 medication after the refund"

expect_exit 0 "appealed (申诉)" -- decide appealed
check "appealed" "2,23.00,1,18.00,0,0.00,0,0.00,0,0.00,0,0.00,5.01,1,5.00" "1,5.00,1,5.00,0,0,5.01,1"
expect_exit 1 "appealed twice" -- decide appealed
expect_output "the finding is appealed" "names the state"
expect_exit 0 "upheld" -- decide upheld
check "upheld: refunded again" "2,23.00,1,18.00,0,0.00,0,0.00,0,0.00,1,5.00,5.01,0,0.00" "1,5.00,1,5.00,0,1,5.01,0"
expect_exit 0 "appealed again" -- decide appealed
expect_exit 0 "overturned" -- decide overturned
check "overturned: dismissed" "2,23.00,1,18.00,0,0.00,1,5.00,0,0.00,0,0.00,0.00,0,0.00" "1,5.00,0,0.00,0,0,0.00,0"
expect_exit 0 "confirmed again after a re-check (复核)" -- decide confirmed
check "re-confirmed" "2,23.00,1,18.00,1,5.00,0,0.00,0,0.00,0,0.00,0.00,0,0.00" "1,5.00,1,5.00,0,0,0.00,0"
expect_exit 0 "re-run after the walk" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --rules "$TMP/rules.json"
grep -q "^$id,.*,confirmed\$" "$TMP/o/2026-05/findings.csv" && pass "findings.csv shows confirmed" || fail "status column"
n=$(grep -c ",$id,2026-05," "$TMP/o/reviews.csv")
[ "$n" = 9 ] && pass "reviews.csv holds the 9 decisions recorded" || fail "reviews.csv holds $n decisions of $id"
head -1 "$TMP/o/reviews.csv" | grep -q '^time,by,finding_id,month,status,note,date,amount$' && pass "reviews.csv header" \
  || fail "reviews.csv header"
grep -q ",医保办,$id,2026-05,refunded,step refunded,2026-06-20,3.00\$" "$TMP/o/reviews.csv" \
  && pass "the refund's date and amount recorded" || fail "refund record"

# malformed input
expect_exit 2 "an unknown state" -- decide reopened
expect_output "not 'reopened'" "the unknown state is named"
expect_exit 2 "open is not a decision" -- decide open
expect_exit 1 "an unknown finding" -- "$CW" review --root "$TMP/o" --finding F0000 --status confirmed --note x
expect_output "no month under .* has a finding with the id 'F0000'" "the unknown id is named"
expect_exit 2 "totals --by something else" -- "$CW" review totals --root "$TMP/o" --by physician
expect_exit 2 "form --by" -- "$CW" review form --root "$TMP/o" --by department
expect_exit 2 "a bad --from" -- "$CW" review totals --root "$TMP/o" --from 2018-13
expect_exit 2 "--from after --to" -- "$CW" review totals --root "$TMP/o" --from 2020-05 --to 2018-01
expect_exit 0 "review totals --help" -- "$CW" review totals --help
expect_exit 0 "review form --help" -- "$CW" review form --help

# a window of months (K5: 2018-01..2020-05): a month folder of 2018 with a finding of H1, refunded
mkdir -p "$TMP/o/2018-03"
cat >"$TMP/o/2018-03/findings.csv" <<'CSV'
finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,suspect_amount,score,reason
Fold1,2018-03,split_billing,exam,H1,H1-CARD,DR2,P-1,V-1,L-1,100.00,1.000,x
CSV
expect_exit 0 "confirmed in 2018" -- "$CW" review --root "$TMP/o" --finding Fold1 --status confirmed --note x
expect_exit 0 "refunded in 2018" -- "$CW" review --root "$TMP/o" --finding Fold1 --status refunded --amount 40 --note x
expect_exit 0 "totals 2018-01..2020-05" -- "$CW" review totals --root "$TMP/o" --from 2018-01 --to 2020-05 --lang en
expect_output '^H1,1,100.00,0,0.00,0,0.00,0,0.00,0,0.00,1,100.00,40.00,0,0.00,2018-01,2020-05' "only 2018 counted"
grep -q '^H2,' "$TMP/out" && fail "2026 counted in 2018-01..2020-05" || pass "2026 left out"
expect_exit 0 "totals by month" -- "$CW" review totals --root "$TMP/o" --by month --lang en
expect_output '^2018-03,1,100.00,' "2018-03 row"
expect_output '^2026-05,3,43.00,' "2026-05 row"
expect_output '^total,4,143.00,2,38.00,1,5.00,0,0.00,0,0.00,1,100.00,40.00,0,0.00,2018-03,2026-05' "the total row"
expect_exit 0 "totals by quarter" -- "$CW" review totals --root "$TMP/o" --by quarter
expect_output '^季度,发现问题数,' "the quarter's header"
expect_output '^2018-Q1,1,100.00,' "2018-Q1 row"
expect_output '^2026-Q2,3,43.00,' "2026-Q2 row"
expect_exit 1 "a window without results" -- "$CW" review totals --root "$TMP/o" --from 2019-01 --to 2019-02
expect_output "no month of 2019-01..2019-02 has results" "the empty window is named"
expect_exit 0 "form over both" -- "$CW" review form --root "$TMP/o"
expect_output '^H1,split_billing,分解收费,2,118.00,1,100.00,0,1,40.00,0' "the form adds the months up"
expect_output '^H1,,小计,3,123.00,2,105.00,0,1,40.00,0' "the institution's subtotal"
expect_output '^合计,,,4,143.00,2,105.00,0,1,40.00,0' "the total"

# CSV for Excel
expect_exit 0 "form --excel --out" -- "$CW" review form --root "$TMP/o" --excel --out "$TMP/form.csv"
[ "$(head -c 3 "$TMP/form.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && pass "byte-order mark" || fail "no BOM"
head -1 "$TMP/form.csv" | grep -q $'申诉中数\r$' && pass "CRLF" || fail "no CRLF"

# an old reviews.csv (before date and amount): read, and rewritten in the new form by the next decision
mkdir -p "$TMP/old" && cp -r "$TMP/o/2026-05" "$TMP/old/"
printf 'time,by,finding_id,month,status,note\n2026-05-30T10:00:00+0800,li,%s,2026-05,confirmed,checked\n' "$id" >"$TMP/old/reviews.csv"
expect_exit 0 "totals from an old reviews.csv" -- "$CW" review totals --root "$TMP/old" --lang en
expect_output '^H1,2,23.00,1,18.00,1,5.00,' "the old confirmation counts"
expect_exit 0 "refund on an old reviews.csv" -- "$CW" review --root "$TMP/old" --finding "$id" --status refunded --amount 1.5 --note x
head -2 "$TMP/old/reviews.csv" | tr '\n' '|' | grep -q "^time,by,finding_id,month,status,note,date,amount|2026-05-30T10:00:00+0800,li,$id,2026-05,confirmed,checked,,|" \
  && pass "migrated to the new form" || fail "old reviews.csv not migrated"
expect_exit 0 "form after the migration" -- "$CW" review form --root "$TMP/old" --lang en
expect_output '^H1,over_price,Over-price billing,1,5.00,1,5.00,0,1,1.50,0' "the refund counts"
finish
