#!/bin/bash
# test_rejects_explain.sh: rejects that explain themselves (issue 18 item 3), on tests/data/rejects: the
# mini months with V2 (May) and V4 (April) missing their dx_code, a prescription on V2 and a physician
# of an unknown department. A line of a rejected visit names the visit and its reason; a run over April
# and May writes each rejected row once (May's look-back re-reads April's); each month first prints its
# rejects by table and reason, in Chinese or English, and summary.json keeps them. Exact texts.
. "$(dirname "$0")/lib.sh"
echo '{"load": {"max_reject_share": 1}}' >"$TMP/rules.json"
expect_exit 0 "April and May (en)" -- "$CW" run --data "$SRC/tests/data/rejects" --rules "$TMP/rules.json" \
  --months 2026-04..2026-05 --out "$TMP/o" --lang en --no-report
cp "$TMP/out" "$TMP/en"
sed -n '/^2026-04: 3 rows rejected/,/^2026-04: loaded/p' "$TMP/en" >"$TMP/got"
cat >"$TMP/want" <<'TXT'
2026-04: 3 rows rejected, by table and reason:
  physicians.csv, dept_id: unknown dept_id '…' (not in departments): 1
  visits.csv, dx_code: dx_code is required but empty: 1
  claim_lines.csv, visit_id: visit was rejected (visits.csv: dx_code: dx_code is required but empty): 1
2026-04: loaded 0 claim lines of the month (0 with the look-back), 3 rows rejected (3 of the month, 0 of the look-back, 0 whose month cannot be told), in 0.0 s
TXT
sed -i 's/in [0-9.]* s$/in 0.0 s/' "$TMP/got"
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "April's summary first, in English"; else fail "April's summary"; cat "$TMP/d" "$TMP/en" >&2; fi
sed -n '/^2026-05: 7 rows rejected/,/^2026-05: loaded/p' "$TMP/en" | sed 's/in [0-9.]* s$/in 0.0 s/' >"$TMP/got"
cat >"$TMP/want" <<'TXT'
2026-05: 7 rows rejected, by table and reason:
  visits.csv, dx_code: dx_code is required but empty: 1
  claim_lines.csv, visit_id: visit was rejected (visits.csv: dx_code: dx_code is required but empty): 5
  prescriptions.csv, visit_id: visit was rejected (visits.csv: dx_code: dx_code is required but empty): 1
2026-05: 3 rejected rows already reported by an earlier month of this run, not written again
2026-05: loaded 6 claim lines of the month (6 with the look-back), 10 rows rejected (8 of the month, 2 of the look-back, 0 whose month cannot be told), in 0.0 s
TXT
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "May's summary, April's rows not repeated"; else fail "May's summary"; cat "$TMP/d" "$TMP/en" >&2; fi

cat >"$TMP/want" <<'TXT'
file,line,column,reason,month
physicians.csv,5,dept_id,unknown dept_id 'H9-X' (not in departments),all
visits.csv,5,dx_code,dx_code is required but empty,2026-04
claim_lines.csv,13,visit_id,visit V4 was rejected (visits.csv line 5: dx_code: dx_code is required but empty),2026-04
TXT
cols() { python3 -c 'import csv,sys; r=csv.DictReader(open(sys.argv[1], newline="")); c=sys.argv[2:]; print(",".join(c)); [print(",".join(x[k] for k in c)) for x in r]' "$@"; }
cols "$TMP/o/2026-04/rejects.csv" file line column reason month >"$TMP/got"
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "April's rejects.csv"; else fail "April's rejects.csv"; cat "$TMP/d" >&2; fi
cat >"$TMP/want" <<'TXT'
file,line,column,reason,month
visits.csv,3,dx_code,dx_code is required but empty,2026-05
claim_lines.csv,5,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
claim_lines.csv,6,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
claim_lines.csv,7,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
claim_lines.csv,8,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
claim_lines.csv,9,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
prescriptions.csv,3,visit_id,visit V2 was rejected (visits.csv line 3: dx_code: dx_code is required but empty),2026-05
TXT
cols "$TMP/o/2026-05/rejects.csv" file line column reason month >"$TMP/got"
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "May's rejects.csv: once, explained"; else fail "May's rejects.csv"; cat "$TMP/d" >&2; fi

if python3 - "$TMP/o/2026-05/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cascade = "visit was rejected (visits.csv: dx_code: dx_code is required but empty)"
want = [{"file": "visits.csv", "column": "dx_code", "reason": "dx_code is required but empty", "rows": 1},
        {"file": "claim_lines.csv", "column": "visit_id", "reason": cascade, "rows": 5},
        {"file": "prescriptions.csv", "column": "visit_id", "reason": cascade, "rows": 1}]
sys.exit(s["rejects_by_reason"] != want or s["rows_rejected_reported_earlier"] != 3 or s["rows_rejected"] != 10)
PY
then pass "summary.json: rejects by reason"; else fail "summary.json"; fi

expect_exit 0 "May alone (zh)" -- "$CW" run --data "$SRC/tests/data/rejects" --rules "$TMP/rules.json" \
  --month 2026-05 --out "$TMP/z" --no-report
sed -n '/^2026-05：拒收/,/^2026-05: loaded/p' "$TMP/out" | sed 's/in [0-9.]* s$/in 0.0 s/' >"$TMP/got"
cat >"$TMP/want" <<'TXT'
2026-05：拒收 10 行，按表和原因：
  physicians.csv，dept_id：unknown dept_id '…' (not in departments)：1 行
  visits.csv，dx_code：dx_code is required but empty：2 行
  claim_lines.csv，visit_id：visit was rejected (visits.csv: dx_code: dx_code is required but empty)：6 行
  prescriptions.csv，visit_id：visit was rejected (visits.csv: dx_code: dx_code is required but empty)：1 行
2026-05: loaded 6 claim lines of the month (6 with the look-back), 10 rows rejected (8 of the month, 2 of the look-back, 0 whose month cannot be told), in 0.0 s
TXT
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "May alone, in Chinese: everything once"; else fail "zh summary"; cat "$TMP/d" "$TMP/out" >&2; fi
finish
