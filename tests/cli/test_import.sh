#!/usr/bin/env bash
# test_import.sh: `claimwatch import` (issue 18 item 1) on the hand-written fixtures of tests/data/import:
# the national platform's records (nhsa: CSV and JSON lines) and CMS DE-SynPUF claims (cms). Each imports
# without a reject in the run, its hand-built cases give exactly the findings expected (a split admission,
# a duplicate line; a refund matched by init_feedetl_sn and a re-uploaded line that give none; discharge
# medication that phantom_service does not flag while a nursing line after the discharge is), the mapping
# report's counts are asserted, and an independent python3 check finds the settlement's fund payments
# shared out to the lines to the fen. Malformed inputs fail or drop rows naming file, line and column.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
FX="$SRC/tests/data/import"

# expect_count FILE RECORD OUTCOME WANT [REASON-PREFIX]: the mapping report's count (awk: no python per call).
expect_count() {
  local got
  got=$(awk -v rec="$2" -v out="$3" -v pre="${5:-}" -F'\t' '$1 == rec && $2 == out && index($3, pre) == 1 { n += $4 }
        END { print n + 0 }' "$1.tsv")
  [ "$got" = "$4" ] && pass "report: $2 $3 ${5:+($5) }= $4" || fail "report: $2 $3 ${5:+($5) }= $got, wanted $4"
}
# tsv FILE: the report as record, outcome, reason, count separated by tabs, into FILE.tsv.
tsv() {
  python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")): print("\t".join((r["record"], r["outcome"], r["reason"], r["count"])))' \
    "$1" >"$1.tsv"
}
# findings DIR: detector visit line_ids, one per line, sorted.
findings() {
  python3 - "$1/findings.csv" <<'PY'
import csv, sys
for r in sorted(csv.DictReader(open(sys.argv[1], encoding='utf-8')), key=lambda r: (r['detector'], r['visit_id'])):
    print(r['detector'], r['visit_id'], ' '.join(sorted(r['line_ids'].split())), r['tag'])
PY
}

# --- nhsa ------------------------------------------------------------------------------
expect_exit 0 "import --from nhsa" -- "$CW" import --from nhsa "$FX/nhsa" --out "$TMP/n"
expect_output "^feedetail：读入 16 行，保留 14，合并 1，舍弃 1，补默认值 1 处" "nhsa summary in Chinese (the default)"
expect_output "规则键 dx.coding 应为 \"icd10\"" "nhsa: the coding named"
R="$TMP/n/import_report.csv"; tsv "$R"
expect_count "$R" mdtrtinfo read 5;  expect_count "$R" mdtrtinfo kept 3
expect_count "$R" mdtrtinfo merged 1 "another record of the same mdtrt_id"
expect_count "$R" mdtrtinfo dropped 1 "no main diagnosis"
expect_count "$R" diseinfo dropped 2 "not the main western-medicine diagnosis"
expect_count "$R" feedetail read 16; expect_count "$R" feedetail kept 14
expect_count "$R" feedetail merged 1 "the same feedetl_sn uploaded again"
expect_count "$R" feedetail kept 1 "a refund matched to its line by init_feedetl_sn"
expect_count "$R" feedetail defaulted 1 "discharge medication"
expect_count "$R" feedetail dropped 1 "its visit was dropped"
expect_count "$R" setldetail kept 4; expect_count "$R" catalogue kept 7
grep -q 'feedetail.jsonl:4:dscg_tkdrug_flag' "$R" && pass "report: the first row of a reason named" \
  || fail "report lacks feedetail.jsonl:4:dscg_tkdrug_flag"

expect_exit 0 "run the imported month" -- "$CW" run --quiet --no-report --data "$TMP/n" --month 2026-03 --out "$TMP/no"
[ "$(wc -l <"$TMP/no/2026-03/rejects.csv")" = 1 ] && pass "nhsa: no rejects" || fail "nhsa rejects: $(cat "$TMP/no/2026-03/rejects.csv")"
findings "$TMP/no/2026-03" >"$TMP/nf"
want_nf='duplicate_billing M0003 M0003-2 M0003-3 duplicate
phantom_service M0001 M0001-5 after_discharge
split_admission M0002 M0002-1 M0002-2 M0002-3 readmission'
[ "$(grep -E '^(duplicate_billing|phantom_service|split_admission) ' "$TMP/nf")" = "$want_nf" ] \
  && pass "nhsa: split admission, duplicate line, nursing after discharge found" || { fail "nhsa findings:"; cat "$TMP/nf" >&2; }
grep -q 'M0001-4' "$TMP/nf" && fail "discharge medication M0001-4 flagged" || pass "nhsa: discharge medication not flagged"
grep -Eq 'M0003-(5|6)' "$TMP/nf" && fail "refunded exam M0003-5 flagged" || pass "nhsa: the refunded duplicate is not flagged"
grep -q 'M0003-3.*M0003-3' "$TMP/nf" && fail "re-uploaded line counted twice" || pass "nhsa: the re-upload kept once"

python3 - "$TMP/n" "$FX/nhsa" <<'PY' && pass "nhsa: fund shares add up to the settlements to the fen" || fail "nhsa fund shares"
import csv, json, sys
from decimal import Decimal
out, src = sys.argv[1:3]
fen = lambda s: int(Decimal(s or '0') * 100)
setl = {r['setl_id']: r for r in csv.DictReader(open(src + '/setlinfo.csv', encoding='utf-8'))}
fund, scope = {}, {}
for l in open(src + '/setldetail.jsonl', encoding='utf-8'):
    d = json.loads(l); v = setl[d['setl_id']]['mdtrt_id']
    fund[v] = fund.get(v, 0) + fen(str(d['fund_payamt']))
for s in setl.values(): scope[s['mdtrt_id']] = fen(s['inscp_scp_amt'])
got_f, got_s, ok = {}, {}, True
for l in csv.DictReader(open(out + '/claim_lines.csv', encoding='utf-8')):
    a, f, s = fen(l['amount']), fen(l['fund_amount']), fen(l['self_amount'])
    if abs(f) + abs(s) > abs(a) or (a < 0 and (f > 0 or s > 0)) or (a > 0 and (f < 0 or s < 0)):
        print('line breaks the contract:', l); ok = False
    got_f[l['visit_id']] = got_f.get(l['visit_id'], 0) + f
    got_s[l['visit_id']] = got_s.get(l['visit_id'], 0) + s
for v in fund:
    if got_f.get(v) != fund[v] or got_s.get(v) != scope[v] - fund[v]:
        print(v, 'fund', got_f.get(v), 'wanted', fund[v], 'self', got_s.get(v), 'wanted', scope[v] - fund[v]); ok = False
sys.exit(0 if ok else 1)
PY

# Discharge medication is moved to the discharge only when it is a drug billed within 48 hours of it.
cp -r "$FX/nhsa" "$TMP/late"
sed -i '4s/2026-03-07 11:00:00/2026-03-08 12:00:00/; 5s/"dscg_tkdrug_flag":"0"/"dscg_tkdrug_flag":"1"/' "$TMP/late/feedetail.jsonl"
expect_exit 0 "import: late and non-drug discharge flags" -- "$CW" import --from nhsa "$TMP/late" --out "$TMP/l" --lang en
tsv "$TMP/l/import_report.csv"
expect_count "$TMP/l/import_report.csv" feedetail defaulted 1 "discharge medication billed more than 48 hours"
expect_count "$TMP/l/import_report.csv" feedetail defaulted 1 "dscg_tkdrug_flag 1 on a line that is not a drug"
expect_exit 0 "run them" -- "$CW" run --quiet --no-report --data "$TMP/l" --month 2026-03 --out "$TMP/lo"
findings "$TMP/lo/2026-03" | grep -q '^phantom_service M0001 M0001-4 M0001-5 after_discharge' \
  && pass "late or non-drug 'discharge medication' is still found after the discharge" || { fail "late discharge flags"; findings "$TMP/lo/2026-03" >&2; }

# --- cms ---------------------------------------------------------------------------------
expect_exit 2 "cms without --coding" -- "$CW" import --from cms "$FX/cms" --out "$TMP/c"
expect_output "needs --coding icd9 or --coding icd10" "cms: --coding required"
expect_exit 0 "import --from cms" -- "$CW" import --from cms "$FX/cms" --out "$TMP/c" --coding icd9 --lang en
expect_output "rules key dx.coding = \"icd9\"" "cms: the coding named"
expect_output "^inpatient: 3 rows read, 2 kept, 1 merged, 0 dropped, 3 values defaulted" "cms summary in English"
R="$TMP/c/import_report.csv"; tsv "$R"
grep -q 'set the rules key dx.coding to icd9' "$R" && pass "report: the declared coding" || fail "report lacks the coding"
expect_count "$R" beneficiary kept 2
expect_count "$R" inpatient read 3; expect_count "$R" inpatient kept 2
expect_count "$R" inpatient merged 1 "another segment"
expect_count "$R" carrier read 3; expect_count "$R" carrier kept 3
expect_count "$R" carrier.line dropped 1 "a negative line payment"
expect_count "$R" outpatient kept 1
expect_count "$R" physicians defaulted 1 "a physician billing at more than one institution"
expect_exit 0 "run the imported month" -- "$CW" run --quiet --no-report --data "$TMP/c" --month 2010-03 --out "$TMP/co"
[ "$(wc -l <"$TMP/co/2010-03/rejects.csv")" = 1 ] && pass "cms: no rejects" || fail "cms rejects: $(cat "$TMP/co/2010-03/rejects.csv")"
findings "$TMP/co/2010-03" >"$TMP/cf"
grep -q '^split_admission ip:900000000000002 ' "$TMP/cf" && pass "cms: the split admission" || { fail "cms: no split admission"; cat "$TMP/cf" >&2; }
grep -q '^duplicate_billing cr:920000000000001 cr:920000000000001-2 cr:920000000000002-1 ' "$TMP/cf" \
  && pass "cms: the duplicate line across two carrier claims" || { fail "cms: no duplicate"; cat "$TMP/cf" >&2; }
python3 - "$TMP/c/claim_lines.csv" <<'PY' && pass "cms: the carrier line's payment, deductible and coinsurance" || fail "cms line parts"
import csv, sys
l = {r['line_id']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}
r = l['cr:920000000000001-1']; c = l['ip:900000000000001-claim']
sys.exit(0 if (r['amount'], r['fund_amount'], r['self_amount']) == ('75.00', '60.00', '15.00')
         and (c['amount'], c['fund_amount'], c['self_amount']) == ('6100.00', '5000.00', '1100.00') else 1)
PY

# --- malformed input ---------------------------------------------------------------------
cp -r "$FX/nhsa" "$TMP/bad"
sed -i '2s/"cnt":1,/"cnt":"x1",/' "$TMP/bad/feedetail.jsonl"
expect_exit 0 "a bad value drops its row" -- "$CW" import --from nhsa "$TMP/bad" --out "$TMP/b1" --lang en
expect_output "feedetail.jsonl:2:cnt: not a number: 'x1' \(row dropped\)" "bad value: file, line and column named"
tsv "$TMP/b1/import_report.csv"; expect_count "$TMP/b1/import_report.csv" feedetail dropped 1 "a value that cannot be read"
cp -r "$FX/nhsa" "$TMP/bad2"
sed -i '5s/^{/{"feedetl_sn":/' "$TMP/bad2/feedetail.jsonl"
expect_exit 1 "a broken JSON line stops the import" -- "$CW" import --from nhsa "$TMP/bad2" --out "$TMP/b2"
expect_output "feedetail.jsonl: line 5: column [0-9]+: not a JSON object" "broken JSON: file, line and column named"
cp -r "$FX/nhsa" "$TMP/bad3"
sed -i '1s/psn_no,//; s/,P000[0-9],/,/' "$TMP/bad3/mdtrtinfo.csv"
expect_exit 1 "a CSV without a required column" -- "$CW" import --from nhsa "$TMP/bad3" --out "$TMP/b3"
expect_output "mdtrtinfo.csv: line 1: the required column 'psn_no' is missing" "missing column named"
cp -r "$FX/nhsa" "$TMP/bad4"
printf 'M0009,P0009,11,"2026-03-11 09:00:00\n' >>"$TMP/bad4/mdtrtinfo.csv"
expect_exit 1 "a broken CSV quote" -- "$CW" import --from nhsa "$TMP/bad4" --out "$TMP/b4"
expect_output "mdtrtinfo.csv: line 6: " "broken quote: file and line named"
cp -r "$FX/nhsa" "$TMP/bad5"
sed -i '2s/2026-03-02 08:00:00/2026-02-30 08:00:00/' "$TMP/bad5/mdtrtinfo.csv"
expect_exit 0 "a date that does not exist drops its row" -- "$CW" import --from nhsa "$TMP/bad5" --out "$TMP/b5" --lang en
expect_output "mdtrtinfo.csv:2:begntime: .*'2026-02-30 08:00:00' \(row dropped\)" "bad date: file, line and column named"
expect_exit 2 "no --out nor --db" -- "$CW" import --from nhsa "$FX/nhsa"
expect_exit 2 "an unknown source" -- "$CW" import --from hl7 "$FX/nhsa" --out "$TMP/x"
expect_exit 1 "a folder without records" -- "$CW" import --from nhsa "$TMP/nothing" --out "$TMP/x"
expect_exit 1 "out is the folder read" -- "$CW" import --from nhsa "$TMP/bad" --out "$TMP/bad"
expect_output "is the folder read" "in = out refused"
expect_exit 0 "--help" -- "$CW" import --help
expect_output "docs/import.md" "help names the mapping document"
finish
