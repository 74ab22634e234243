#!/bin/bash
# test_refund_note.sh: a refund line that cancels no original line of its visit (same item, opposite
# quantity, not later) is no longer only a count in summary.json (issue 18): the run warns, in Chinese or
# English, with the month and the number of such lines, and summary.json keeps the warning. On
# tests/data/mini with one such refund added; the folder as it is gives no such warning. Exact texts.
. "$(dirname "$0")/lib.sh"
d="$TMP/d"
cp -r "$SRC/tests/data/mini" "$d"
expect_exit 0 "the mini month as it is" -- "$CW" run --data "$d" --month 2026-05 --out "$TMP/o0" --lang en --no-report
grep -q 'refund line' "$TMP/out" && fail "a warning without an unmatched refund" || pass "no warning without one"
echo "LR1,V1,CT1,,2026-05-04 09:30,-1,100,-100" >>"$d/claim_lines.csv" # V1 billed no CT1
expect_exit 0 "with a refund of nothing (en)" -- "$CW" run --data "$d" --month 2026-05 --out "$TMP/o1" --lang en \
  --no-report
want='2026-05: 1 refund line(s) match no original line of their visit (same item, opposite quantity, not later than the refund): they cancel nothing (summary.json refunds_unmatched)'
grep -qxF "$want" "$TMP/out" && pass "the English warning" || { fail "the English warning"; cat "$TMP/out" >&2; }
grep -qF '"refunds_unmatched":	1' "$TMP/o1/2026-05/summary.json" && pass "summary.json counts it" ||
  fail "summary.json's refunds_unmatched"
grep -qF 'they cancel nothing' "$TMP/o1/2026-05/summary.json" && pass "summary.json keeps the warning" ||
  fail "summary.json's warnings"
expect_exit 0 "with a refund of nothing (zh)" -- "$CW" run --data "$d" --month 2026-05 --out "$TMP/o2" --no-report
want='2026-05：1 条退费行在其就诊中找不到被冲销的原始费用行（同一项目、数量相反、时间不晚于退费），未冲销任何费用（summary.json 的 refunds_unmatched）'
grep -qxF "$want" "$TMP/out" && pass "the Chinese warning" || { fail "the Chinese warning"; cat "$TMP/out" >&2; }
finish
