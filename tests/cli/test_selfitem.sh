#!/usr/bin/env bash
# test_selfitem.sh: a claim line whose item_code is not in items (擅自设立收费项目, C1) is a finding with money,
# not a reject: the run exits 0, rejects.csv does not list it, findings.csv has one self_created_item finding of
# the line's amount in the treatment dimension, and summary.json counts the line beside the rejects. An empty
# item_code is still a reject.
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
printf '%s\n' "LX1,V1,HZ9999,,2026-05-04 09:10,2,12.50,25.00" "LX2,V1,,,2026-05-04 09:20,1,3,3" \
  >>"$TMP/d/claim_lines.csv"
expect_exit 0 "run with an invented item code" -- "$CW" run --quiet --no-report --data "$TMP/d" --month 2026-05 \
  --out "$TMP/o" --max-reject-share 1
m="$TMP/o/2026-05"
grep -q 'HZ9999' "$m/rejects.csv" && fail "the invented code's line is in rejects.csv" \
  || pass "the invented code's line is not a reject"
grep -q '^claim_lines.csv,[0-9]*,item_code,item_code is required' "$m/rejects.csv" \
  && pass "an empty item_code is still a reject" || fail "empty item_code not rejected"
row=$(grep ',self_created_item,' "$m/findings.csv")
[ "$(grep -c ',self_created_item,' "$m/findings.csv")" = 1 ] && pass "one self_created_item finding" \
  || fail "self_created_item findings: $row"
case "$row" in *',treatment,'*',LX1,25.00,'*"HZ9999"*) pass "its dimension, line, money and code" ;;
  *) fail "the finding: $row" ;; esac
grep -Eq '"claim_lines_unknown_item":[[:space:]]*1,' "$m/summary.json" &&
  grep -Eq '"claim_lines_unknown_item_of_month":[[:space:]]*1,' "$m/summary.json" &&
  grep -Eq '"rows_rejected":[[:space:]]*1,' "$m/summary.json" \
  && pass "summary.json counts the line beside the one reject" || fail "summary.json counts"
finish
