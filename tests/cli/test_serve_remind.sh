#!/usr/bin/env bash
# test_serve_remind.sh: the fund-cap reminder of `claimwatch serve` (H3; docs/serve.md "Reminders") on
# the mini month: the patient's fund payments of the year, recomputed here from the CSV files alone,
# against reminders.fund_cap: no reminder one fen below warn_share of the cap, "near" exactly at it,
# "over" at the cap; estimated at fund.estimated_share when the lines lack fund_amount, exact when they
# give it; the message in both languages; fund_cap 0 turns it off; a bad key stops the start.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
stop() { fail "$*"; finish; }

visit='"visit":{"visit_id":"V9","patient_id":"P1","inst_id":"H1","dept_id":"H1-CARD","physician_id":"DR1","kind":"outpatient","admit_time":"2026-05-21 08:00","discharge_time":null,"dx_code":"I10","dx_name":"高血压"}'
body() { echo "{$visit,\"lines\":[{\"line_id\":\"L90\",\"item_code\":\"LAB1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1\",\"unit_price\":\"20\",\"amount\":\"20\"$1}],\"lang\":\"${2:-en}\"}"; }

# used DIR EXTRA_FEN: P1's fund payments from 2026-03-17 (the window of May with 45 days' look-back) in
# fen, each line's fund_amount or amount x 0.16 rounded half away from zero, plus the request's line.
used() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
from decimal import Decimal, ROUND_HALF_UP
d, extra = sys.argv[1], int(sys.argv[2])
p1 = {r["visit_id"] for r in csv.DictReader(open(f"{d}/visits.csv", encoding="utf-8")) if r["patient_id"] == "P1"}
total = extra
for r in csv.DictReader(open(f"{d}/claim_lines.csv", encoding="utf-8")):
    if r["visit_id"] in p1 and r["service_time"] >= "2026-03-17":
        if r.get("fund_amount"):
            total += int((Decimal(r["fund_amount"]) * 100).to_integral_value(ROUND_HALF_UP))
        else:
            total += int((Decimal(r["amount"]) * 16).to_integral_value(ROUND_HALF_UP))
print(total)
PY
}
yuan() { python3 -c "import sys; v=int(sys.argv[1]); print(f'{v // 100}.{v % 100:02d}')" "$1"; }

# check DIR CAP_FEN WANT (none|near|over) LABEL [EXTRA [LANG]]: the reminder of a check with this cap
check() {
  printf '{"reminders": {"fund_cap": %s}}' "$(yuan "$2")" >"$T/rules.json"
  serve_start "$T/serve.log" --data "$1" --month 2026-05 --rules "$T/rules.json" || stop "serve did not start"
  post /v1/check "$(body "${5:-}" "${6:-en}")"
  serve_stop
  python3 - "$T/body" "$3" "$USED" "$2" "$ESTIMATED" "${6:-en}" <<'PY' && pass "$4" || fail "$4: $(cat "$T/body")"
import json, sys
a = json.load(open(sys.argv[1]))
want, used, cap, est, lang = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1", sys.argv[6]
r = a["reminders"]
if want == "none":
    assert r == [], r
    sys.exit(0)
assert len(r) == 1 and r[0]["code"] == "fund_cap" and r[0]["level"] == want, r
r = r[0]
yuan = lambda f: f"{f // 100}.{f % 100:02d}"
assert r["fund_used"] == yuan(used) and r["fund_cap"] == yuan(cap), r
assert r["since"] == "2026-03-17" and r["estimated"] is est, r
assert (("封顶线" in r["message"]) if lang == "zh" else ("annual cap" in r["message"])), r
PY
}

# --- the lines without fund_amount: their fund part estimated at 0.16 ----------------------------
copy_mini "$T/D"
USED=$(used "$T/D" 320) ESTIMATED=1   # the request's line: 20.00 x 0.16
[ "$USED" -gt 0 ] || stop "P1 has no fund payments in the mini month"
near=$(( USED * 5 / 4 ))   # the largest cap with USED >= 0.8 x cap
check "$T/D" "$USED" over "estimated: at the cap, over"
check "$T/D" "$near" near "estimated: exactly 80% of the cap, near"
check "$T/D" "$((near + 1))" none "estimated: one fen of cap more, no reminder"
check "$T/D" "$USED" over "the message in Chinese" "" zh
check "$T/D" 0 none "fund_cap 0: no reminder"

# --- the lines with fund_amount: exact ------------------------------------------------------------
copy_mini "$T/E"
python3 - "$T/E/claim_lines.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]) + ["fund_amount"])
    w.writeheader()
    for r in rows:
        r["fund_amount"] = f"{int(r['amount']) * 0.7:.2f}" if "." not in r["amount"] else "0.00"
        w.writerow(r)
PY
USED=$(used "$T/E" 1400) ESTIMATED=0   # the request's line gives fund_amount 14.00
check "$T/E" "$USED" over "fund_amount given: exact, over" ',"fund_amount":"14.00"'

# --- a bad key ---------------------------------------------------------------------------------------
printf '{"reminders": {"warn_share": 2}}' >"$T/bad.json"
expect_exit 1 "warn_share out of range" -- "$CW" serve --data "$T/D" --month 2026-05 --rules "$T/bad.json" --listen 127.0.0.1:0
expect_output "reminders.warn_share" "names the key"
finish
