#!/usr/bin/env bash
# test_serve_timeout.sh: the per-request time limit of `claimwatch serve` (--request-timeout, docs/serve.md
# "Time limit"): its usage errors; a claim of 4,000 lines judged under a limit of 1 ms is answered 503
# with the JSON error code "timeout", and nothing of it is stored (the CSV files and the history are as
# before, and a check afterwards still sees its lines as new); the service goes on answering; started
# again with the default limit on the same folder, the same claim is accepted whole.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
stop() { fail "$*"; finish; }

expect_exit 0 "serve --help" -- "$CW" serve --help
expect_output "--request-timeout MS" "help names --request-timeout"
expect_exit 2 "a negative --request-timeout" -- "$CW" serve --data "$T" --request-timeout -1
expect_output "--request-timeout" "names the option"
expect_exit 2 "a --request-timeout that is no number" -- "$CW" serve --data "$T" --request-timeout 2s

copy_mini "$T/D"
python3 - "$T/big.json" <<'PY'
import json, sys
visit = {"visit_id": "VT1", "patient_id": "P1", "inst_id": "H1", "dept_id": "H1-CARD", "physician_id": "DR1",
         "kind": "outpatient", "admit_time": "2026-05-21 08:00", "discharge_time": None, "dx_code": "I10",
         "dx_name": "高血压"}
lines = [{"line_id": "LT%d" % i, "item_code": "LAB1", "service_time": "2026-05-21 %02d:%02d" % (8 + i // 600, i // 10 % 60),
          "qty": "1", "unit_price": "20", "amount": "20"} for i in range(4000)]
json.dump({"visit": visit, "lines": lines, "lang": "en"}, open(sys.argv[1], "w"))
PY
for f in "$T"/D/*.csv; do cp "$f" "$f.before"; done
serve_start "$T/serve.log" --data "$T/D" --month 2026-05 --request-timeout 1 --max-body 4000000 --quiet ||
	stop "serve did not start"
post /v1/claims "@$T/big.json"
[ "$(cat "$T/status")" = 503 ] && grep -q '"code":"timeout"' "$T/body" &&
	pass "a claim judged longer than 1 ms: 503 timeout" || fail "over the limit: $(cat "$T/status") $(head -c 300 "$T/body")"
python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["error"]; assert e["status"] == 503 and e["message"]' \
	"$T/body" && pass "the answer is a JSON error with a message" || fail "not a JSON error: $(head -c 300 "$T/body")"
same=1
for f in "$T"/D/*.csv; do cmp -s "$f" "$f.before" || same=0; done
[ $same = 1 ] && pass "nothing of it was written to the journal" || fail "a CSV file changed after a timeout"
curl -s "http://127.0.0.1:$PORT/healthz" | grep -q '"history_lines":12,' && pass "nor added to the history" ||
	fail "the history changed: $(curl -s "http://127.0.0.1:$PORT/healthz")"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -q 'claimwatch_serve_requests_total{route="/v1/claims",code="5xx"} 1' &&
	pass "counted as a 5xx in /metrics" || fail "/metrics does not count it"
serve_stop
[ "$SERVE_RC" = 0 ] && pass "stops cleanly after a timeout" || fail "exit status $SERVE_RC"

serve_start "$T/serve2.log" --data "$T/D" --month 2026-05 --max-body 4000000 --quiet || stop "serve did not start again"
post /v1/claims "@$T/big.json"
[ "$(cat "$T/status")" = 200 ] && grep -q '"committed":true' "$T/body" && grep -q '"new_lines":4000,' "$T/body" &&
	pass "the default limit: the same claim accepted whole" || fail "default limit: $(cat "$T/status") $(head -c 300 "$T/body")"
serve_stop
finish
