#!/bin/bash
# test_multisite.sh: attribution by the visit (issue 18 item 2). tests/data/multisite is the mini month
# with one more visit, V5: DR1 of H1 (physicians.csv) treats P2 at H2 (多点执业) and bills LAB1 twice.
# The duplicate's finding, its money and DR1's activity there belong to H2 and its department H2-GEN;
# DR1 is ranked at H1 with the H1 visits and at H2 with the H2 visit. Exact rows.
. "$(dirname "$0")/lib.sh"
echo '{"scoring": {"min_visits": 1}}' >"$TMP/rules.json"
expect_exit 0 "run the multi-site month" -- "$CW" run --data "$SRC/tests/data/multisite" --rules "$TMP/rules.json" \
  --month 2026-05 --out "$TMP/o" --quiet --lang en --no-report
M="$TMP/o/2026-05"
# cols FILE COLUMN...: those columns of a CSV file, header first
cols() { python3 -c 'import csv,sys; r=csv.DictReader(open(sys.argv[1], newline="")); c=sys.argv[2:]; print(",".join(c)); [print(",".join(x[k] for k in c)) for x in r]' "$@"; }

# findings: detector, inst, dept, physician, visit, lines, suspect
cols "$M/findings.csv" detector inst_id dept_id physician_id visit_id line_ids suspect_amount | tail -n +2 | sort >"$TMP/got"
cat >"$TMP/want" <<'ROWS'
duplicate_billing,H2,H2-GEN,DR1,V5,L14 L15,20.00
duplicate_billing,H2,H2-GEN,DR3,V3,L10 L11,20.00
over_price,H1,H1-CARD,DR1,V1,L3,5.00
split_billing,H1,H1-CARD,DR2,V2,L7 L8,18.00
ROWS
if diff "$TMP/want" "$TMP/got" >"$TMP/out"; then pass "findings at the visit's institution"; else fail "findings"; cat "$TMP/out" >&2; fi

# ranking, composite: inst, dept, physician, score, rank, findings, suspect, scope group, visits, billed
grep ',composite,' "$M/ranking.csv" | cut -d, -f2-4,6,8-10,14-16 >"$TMP/got"
cat >"$TMP/want" <<'ROWS'
H1,H1-CARD,DR2,80.00,1,1,18.00,H1,1,111.00
H1,H1-CARD,DR1,47.52,2,1,5.00,H1,2,266.00
H2,H2-GEN,DR1,80.00,1,1,20.00,H2,1,50.00
H2,H2-GEN,DR3,80.00,2,1,20.00,H2,1,50.00
ROWS
if diff "$TMP/want" "$TMP/got" >"$TMP/out"; then pass "DR1 ranked at H1 and at H2"; else fail "ranking"; cat "$TMP/out" >&2; fi

# the institutions' assessment: findings and violation amount
cols "$M/inst_assessment.csv" inst_id findings violation_amount >"$TMP/got"
printf 'inst_id,findings,violation_amount\nH1,2,23.00\nH2,2,40.00\n' >"$TMP/want"
if diff "$TMP/want" "$TMP/got" >"$TMP/out"; then pass "totals at the visits' institutions"; else fail "inst_assessment"; cat "$TMP/out" >&2; fi
cols "$M/dept_assessment.csv" inst_id dept_id findings violation_amount >"$TMP/got"
printf 'inst_id,dept_id,findings,violation_amount\nH1,H1-CARD,2,23.00\nH2,H2-GEN,2,40.00\n' >"$TMP/want"
if diff "$TMP/want" "$TMP/got" >"$TMP/out"; then pass "department totals"; else fail "dept_assessment"; cat "$TMP/out" >&2; fi

# the mini month itself (no one practises elsewhere): one row per physician, at home
expect_exit 0 "run the mini month" -- "$CW" run --data "$SRC/tests/data/mini" --rules "$TMP/rules.json" \
  --month 2026-05 --out "$TMP/m" --quiet --lang en --no-report
grep ',composite,' "$TMP/m/2026-05/ranking.csv" | cut -d, -f2-4 >"$TMP/got"
printf 'H1,H1-CARD,DR2\nH1,H1-CARD,DR1\nH2,H2-GEN,DR3\n' >"$TMP/want"
if diff "$TMP/want" "$TMP/got" >"$TMP/out"; then pass "one row each in the mini month"; else fail "mini ranking"; cat "$TMP/out" >&2; fi
finish
