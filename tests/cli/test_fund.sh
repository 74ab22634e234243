#!/usr/bin/env bash
# test_fund.sh: who pays what (issue 14 item 1, data contract 2). A generated month (every line gives
# fund_amount and self_amount) loads without rejects; an independent python3 script recomputes, from the
# CSV month folder alone, each institution's fund_paid, self_paid and out_of_scope and each finding's fund
# share, and agrees with indicators.csv and findings.csv to the cent; evidence.csv shows the lines' parts.
# A version-1 folder (tests/data/mini) is estimated with fund.estimated_share (0.16, or the rules' value)
# and marked so. `claimwatch case` and `export` show the fund share.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"

expect_exit 0 "gen a month" -- "$CW" gen --out "$TMP/g" --months 2026-05 --scale 0.2 --seed 7 --quiet
expect_exit 0 "run it" -- "$CW" run --quiet --no-report --data "$TMP/g" --rules "$TMP/g/rules.json" \
  --month 2026-05 --out "$TMP/o"
m="$TMP/o/2026-05"
[ "$(wc -l <"$m/rejects.csv")" = 1 ] && pass "no rejects in the generated data" || fail "rejects: $(head -3 "$m/rejects.csv")"

cat >"$TMP/recompute.py" <<'PY'
import csv, sys
from decimal import Decimal, ROUND_HALF_UP
data, month, share = sys.argv[1], sys.argv[2], Decimal(sys.argv[4])
def rows(p): return csv.DictReader(open(p, encoding='utf-8', newline=''))
def fen(s): return int((Decimal(s) * 100).to_integral_value())
def rnd(x): # half away from zero, to the fen
    q = abs(x).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q if x >= 0 else -q)
inst_of = {v['visit_id']: v['inst_id'] for v in rows(data + '/visits.csv')}
lines, sums = {}, {}
for l in rows(data + '/claim_lines.csv'):
    lines[l['line_id']] = l
    if not l['service_time'].startswith(month): continue
    a = fen(l['amount'])
    est = not l.get('fund_amount')
    f = rnd(a * share) if est else fen(l['fund_amount'])
    if est: s = fen(l['self_amount']) if l.get('self_amount') else a - f
    else: s = fen(l['self_amount']) if l.get('self_amount') else 0
    t = sums.setdefault(inst_of[l['visit_id']], [0, 0, 0, 0])
    t[0] += a; t[1] += f; t[2] += s; t[3] |= est
bad = 0
out = sys.argv[3]
for r in rows(out + '/indicators.csv'):
    if r['scope'] != 'institution': continue
    a, f, s, e = sums.get(r['inst_id'], [0, 0, 0, 0])
    got = (fen(r['revenue']), fen(r['fund_paid']), fen(r['self_paid']), fen(r['out_of_scope']), int(r['fund_estimated']))
    want = (a, f, s, a - f - s, int(e))
    if got != want:
        bad += 1; print('indicators', r['inst_id'], 'got', got, 'want', want)
n = est = 0
for r in rows(out + '/findings.csv'):
    ids = r['line_ids'].split()
    susp = fen(r['suspect_amount'])
    if ids and all(lines[i].get('fund_amount') for i in ids) and sum(fen(lines[i]['amount']) for i in ids) != 0:
        want = rnd(Decimal(susp) * sum(fen(lines[i]['fund_amount']) for i in ids) / sum(fen(lines[i]['amount']) for i in ids)), 0
    else:
        want = rnd(Decimal(susp) * share), 1
    got = fen(r['fund_amount']), int(r['fund_estimated'])
    n += 1; est += want[1]
    if got != want:
        bad += 1; print('finding', r['finding_id'], 'got', got, 'want', want)
for r in rows(out + '/evidence.csv'):
    l = lines[r['line_id']]
    if (r['fund_amount'], r['self_amount']) != (l.get('fund_amount') or '', l.get('self_amount') or ''):
        bad += 1; print('evidence', r['line_id'], r['fund_amount'], r['self_amount'])
print('institutions', len(sums), 'findings', n, 'estimated', est, 'mismatches', bad)
sys.exit(1 if bad else 0)
PY
expect_exit 0 "python3 recomputes fund_paid, self_paid, out_of_scope and the findings' fund to the cent" -- \
  python3 "$TMP/recompute.py" "$TMP/g" 2026-05 "$m" 0.16
expect_output "mismatches 0" "no mismatch"
cp "$TMP/out" "$TMP/gen.out"
grep -Eq 'findings [1-9][0-9]* estimated' "$TMP/gen.out" && pass "there are findings to check" || fail "no findings"
f=$(python3 -c "import csv,sys; print(next(r['finding_id'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))
  if r['line_ids'] and r['fund_estimated'] == '0'))" "$m/findings.csv")
est_col=$(head -1 "$m/findings.csv" | tr ',' '\n' | grep -n '^fund_estimated$' | cut -d: -f1)
last=$(head -1 "$m/findings.csv" | tr ',' '\n' | tail -1)
[ "$last" = status ] && [ -n "$est_col" ] && pass "findings.csv: fund_amount, fund_estimated, then status last" \
  || fail "findings.csv header"

# case and export show it
expect_exit 0 "case --finding (zh)" -- "$CW" case --root "$TMP/o" --month 2026-05 --finding "$f"
expect_output "其中基金支付 +[0-9]+\.[0-9]{2}$" "case shows the fund share in Chinese (from the lines: not estimated)"
expect_output "基金支付 +个人自付" "case's evidence lines show the fund and self parts"
expect_exit 0 "case --finding (en)" -- "$CW" case --root "$TMP/o" --month 2026-05 --finding "$f" --lang en
expect_output "fund share" "case shows the fund share in English"
expect_exit 0 "export" -- "$CW" export --root "$TMP/o" --month 2026-05
expect_output '"fund_amount":[[:space:]]*"[0-9]+\.[0-9]{2}"' "export: the findings' fund share as exact money"
expect_output '"fund_paid":[[:space:]]*"[0-9]+\.[0-9]{2}"' "export: the indicators' fund_paid"
expect_output '"fund_estimated":[[:space:]]*[01],' "export: fund_estimated as a number"

# a version-1 folder: every figure estimated with the share
copy_mini "$TMP/d"
expect_exit 0 "run a version-1 folder" -- "$CW" run --quiet --no-report --data "$TMP/d" --month 2026-05 --out "$TMP/o1"
[ "$(wc -l <"$TMP/o1/2026-05/rejects.csv")" = 1 ] && pass "version 1: no rejects" || fail "version 1 rejects"
expect_exit 0 "python3 recomputes the estimates (0.16)" -- \
  python3 "$TMP/recompute.py" "$TMP/d" 2026-05 "$TMP/o1/2026-05" 0.16
awk -F, 'NR > 1 && $0 !~ /,1,[a-z]*$/ { bad = 1 } END { exit bad }' "$TMP/o1/2026-05/findings.csv" \
  && pass "version 1: every finding's fund is estimated" || fail "version 1: a finding not estimated"
printf '{"fund": {"estimated_share": 0.5}}\n' >"$TMP/half.json"
expect_exit 0 "run with fund.estimated_share 0.5" -- "$CW" run --quiet --no-report --data "$TMP/d" --month 2026-05 \
  --rules "$TMP/half.json" --out "$TMP/o2"
expect_exit 0 "python3 recomputes the estimates (0.5)" -- \
  python3 "$TMP/recompute.py" "$TMP/d" 2026-05 "$TMP/o2/2026-05" 0.5
printf '{"fund": {"estimated_share": 2}}\n' >"$TMP/bad.json"
expect_exit 1 "a share above 1 is refused" -- "$CW" run --quiet --no-report --data "$TMP/d" --month 2026-05 \
  --rules "$TMP/bad.json" --out "$TMP/o3"
expect_output "fund.estimated_share" "the error names the key"
finish
