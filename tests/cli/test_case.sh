#!/usr/bin/env bash
# test_case.sh: `claimwatch case` (a physician's month, a finding's evidence, tables and JSON, usage
# errors, what is missing) and `claimwatch export` (the month as JSON, tables for Excel), blacklist --excel.
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
O="$TMP/root"
expect_exit 0 "run the mini month" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$O"
[ -s "$O/2026-05/evidence.csv" ] && pass "evidence.csv written" || fail "no evidence.csv"
fid=$(awk -F, '$3 == "over_price" { print $1; exit }' "$O/2026-05/findings.csv")
[ -n "$fid" ] && pass "an over_price finding to look at: $fid" || fail "no over_price finding"

expect_exit 0 "case --physician --lang en" -- "$CW" case --root "$O" --month 2026-05 --physician DR1 --lang en
expect_output "^physician +DR1" "the physician is named"
expect_output "^findings, most money first \([0-9]+\)" "the findings are listed"
expect_output "$fid" "the over_price finding is among them"
expect_output "above the ceiling of" "with its reason in English"
expect_exit 0 "case --physician (Chinese by default)" -- "$CW" case --root "$O" --month 2026-05 --physician DR1
expect_output "^医师 +DR1" "the physician is named in Chinese"
expect_output "^问题（按涉及金额从高到低）（[0-9]+）" "the findings are listed in Chinese"
expect_output "超过限价" "with the reason in Chinese"
expect_exit 2 "case with a bad --lang" -- "$CW" case --root "$O" --month 2026-05 --physician DR1 --lang fr
expect_exit 0 "case --physician --json" -- "$CW" case --root "$O" --month 2026-05 --physician DR1 --json
expect_output '"physician_id":[[:space:]]*"DR1"' "JSON names the physician"
expect_output '"findings":' "JSON has the findings"
expect_exit 0 "case --finding (Chinese)" -- "$CW" case --root "$O" --month 2026-05 --finding "$fid"
expect_output "^规则 +over_price 超标准收费" "the detector and its title"
expect_output "^规则说明 +收费单价高于" "the rule in Chinese"
expect_output "^理由 +.*超过限价" "the reason in Chinese"
expect_output "^证据明细（1）" "the evidence lines, in Chinese"
expect_exit 0 "case --finding --lang en" -- "$CW" case --root "$O" --month 2026-05 --finding "$fid" --lang en
expect_output "^rule +a line's unit price above" "the rule is given"
expect_output "^reason +.*above the ceiling of" "the reason in English"
expect_output "^evidence lines \(1\)" "the evidence lines are listed"
expect_output "unit_price +std_price +amount" "with price, ceiling and amount"
expect_output "^total" "and their total"
expect_exit 0 "case --finding --json" -- "$CW" case --root "$O" --month 2026-05 --finding "$fid" --json
expect_output '"lines":[[:space:]]*\[' "JSON has the lines"
expect_output '"reason_zh":[[:space:]]*"[^"]*超过限价' "JSON has the Chinese reason"
expect_output '"reason_en":[[:space:]]*"[^"]*above the ceiling of' "and the English one"

expect_exit 2 "case without --month" -- "$CW" case --root "$O" --physician DR1
expect_exit 2 "case with both questions" -- "$CW" case --root "$O" --month 2026-05 --physician DR1 --finding "$fid"
expect_exit 2 "case with a bad month" -- "$CW" case --root "$O" --month 2026-13 --physician DR1
expect_exit 1 "case for an unknown physician" -- "$CW" case --root "$O" --month 2026-05 --physician NOBODY
expect_output "NOBODY" "the message names the physician"
expect_exit 1 "case for a month not run" -- "$CW" case --root "$O" --month 2026-04 --physician DR1
expect_output "no results for 2026-04" "the message names the month"
expect_exit 1 "case for an unknown finding" -- "$CW" case --root "$O" --month 2026-05 --finding F0
expect_exit 0 "case --help" -- "$CW" case --help

expect_exit 0 "export the month as JSON" -- "$CW" export --root "$O" --month 2026-05
expect_output '"findings":[[:space:]]*\[' "the document has the findings"
expect_output '"ranking":' "and the ranking"
expect_output '"sanctions":' "and the sanctions"
expect_exit 0 "export a table for Excel" -- "$CW" export --root "$O" --month 2026-05 --table findings --excel \
  --out "$TMP/f.csv"
[ "$(head -c 3 "$TMP/f.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && pass "byte-order mark" || fail "no BOM"
head -1 "$TMP/f.csv" | grep -q $'\r$' && pass "CRLF line ends" || fail "no CRLF"
[ "$(stat -c %a "$TMP/f.csv")" = 600 ] && pass "the export is 0600" || fail "export mode"
[ "$(($(wc -l < "$TMP/f.csv")))" = "$(($(wc -l < "$O/2026-05/findings.csv")))" ] && pass "every row exported" \
  || fail "row count differs"
expect_exit 2 "--excel without --table" -- "$CW" export --root "$O" --month 2026-05 --excel
expect_exit 1 "export a month not run" -- "$CW" export --root "$O" --month 2026-04
expect_exit 1 "export an unknown table" -- "$CW" export --root "$O" --month 2026-05 --table nope
expect_exit 0 "blacklist for Excel" -- "$CW" blacklist --root "$O" --cycle 2026-H1 --min-level 1 --excel \
  --out "$TMP/b.csv"
[ "$(head -c 3 "$TMP/b.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && pass "the blacklist has a BOM" || fail "no BOM"
expect_exit 2 "blacklist --excel --format json" -- "$CW" blacklist --root "$O" --cycle 2026-H1 --excel --format json
finish
