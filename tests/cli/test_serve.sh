#!/usr/bin/env bash
# test_serve.sh: `claimwatch serve` on the mini month (tests/data/mini), started on a free loopback port
# and talked to with curl (docs/serve.md): --help and usage errors, GET /healthz, POST /v1/check (hits,
# reasons in both languages, nothing stored), a clear JSON error for every kind of bad request, the
# size limit, POST /v1/claims (appended to the CSV files, idempotent by line id), unknown endpoints and
# methods, the stop on SIGTERM, and logs without patient ids.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
stop() { fail "$*"; finish; }

expect_exit 0 "serve --help" -- "$CW" serve --help
expect_output "POST /v1/check" "help names the endpoints"
expect_exit 2 "serve without --data" -- "$CW" serve
expect_output "--data DIR is required" "says --data is required"
expect_exit 2 "a bad --listen" -- "$CW" serve --data "$T" --listen nowhere --month 2026-05
expect_output "HOST:PORT" "says what --listen takes"
expect_exit 2 "a bad --month" -- "$CW" serve --data "$T" --month 2026-13
expect_exit 1 "a folder without the files" -- "$CW" serve --data "$T/none" --month 2026-05 --listen 127.0.0.1:0
expect_output "visits.csv|No such file" "names the missing file"

copy_mini "$T/D"
serve_start "$T/serve.log" --data "$T/D" --month 2026-05 || stop "serve did not start"
[ ! -e "/tmp/claimwatch-serve-rejects-$SERVE_PID.csv" ] && pass "no reject file left when nothing is refused" ||
	fail "an empty reject file was left in /tmp"
curl -s "http://127.0.0.1:$PORT/healthz" >"$T/h.json"
grep -q '"status":"ok"' "$T/h.json" && grep -q '"history_lines":12' "$T/h.json" && grep -q '"month":"2026-05"' "$T/h.json" &&
	pass "healthz: history loaded" || fail "healthz: $(cat "$T/h.json")"

visit='"visit":{"visit_id":"V9","patient_id":"P1","inst_id":"H1","dept_id":"H1-CARD","physician_id":"DR1","kind":"outpatient","admit_time":"2026-05-21 08:00","discharge_time":null,"dx_code":"I10","dx_name":"高血压, 复诊"}'
line() { echo "{\"line_id\":\"$1\",\"item_code\":\"${2:-LAB1}\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1\",\"unit_price\":\"${3:-20}\",\"amount\":\"${3:-20}\"}"; }
good="{$visit,\"lines\":[$(line L90),$(line L91)],\"lang\":\"en\"}"
cp "$T/D/claim_lines.csv" "$T/lines.before"

# --- /v1/check: the hits, nothing stored -------------------------------------------------------
post /v1/check "$good"
[ "$(cat "$T/status")" = 200 ] && pass "check: 200" || fail "check: status $(cat "$T/status"): $(cat "$T/body")"
python3 - "$T/body" <<'PY' && pass "check: a duplicate_billing hit on L90 and L91 with its money and reason" || fail "check: $(cat "$T/body")"
import json, sys
a = json.load(open(sys.argv[1]))
h = [x for x in a["hits"] if x["detector"] == "duplicate_billing"]
assert a["committed"] is False and a["new_lines"] == 2
assert len(h) == 1 and sorted(l["line_id"] for l in h[0]["lines"]) == ["L90", "L91"], h
assert h[0]["money"] == "20.00" and h[0]["severity"] == "violation" and "billed 2 times" in h[0]["reason"], h
assert all(l["this_claim"] for l in h[0]["lines"])
PY
post /v1/check "${good/\"en\"/\"zh\"}"
grep -q '"title":"重复收费"' "$T/body" && pass "check: lang zh gives the Chinese titles" || fail "zh: $(cat "$T/body")"
cmp -s "$T/D/claim_lines.csv" "$T/lines.before" && pass "check stores nothing" || fail "check changed claim_lines.csv"

# --- every bad request: its status, code and path ----------------------------------------------
bad() { # STATUS CODE PATH DESCRIPTION BODY
	post /v1/check "$5"
	if [ "$(cat "$T/status")" = "$1" ] && grep -q "\"code\":\"$2\"" "$T/body" && grep -q "\"path\":\"$3\"" "$T/body"; then
		pass "$4: $1 $2 at '$3'"
	else
		fail "$4: wanted $1 $2 at '$3', got $(cat "$T/status") $(cat "$T/body")"
	fi
}
bad 400 malformed_json "" "malformed JSON" '{"visit": {'
bad 400 malformed_json "" "two values" '{} {}'
bad 400 wrong_type "" "not an object" '[1, 2]'
bad 400 missing_field visit "no visit" '{"lines": []}'
bad 400 unknown_field foo "unknown top-level field" "{$visit,\"foo\":1}"
bad 400 unknown_field 'lines\[0\].qtyy' "unknown line field" "{$visit,\"lines\":[{\"line_id\":\"L1\",\"qtyy\":\"1\"}]}"
bad 400 duplicate_field visit "a field twice" "{$visit,$visit}"
bad 400 wrong_type 'lines\[0\].qty' "a number where the contract's text is wanted" \
	"{$visit,\"lines\":[{\"line_id\":\"L1\",\"item_code\":\"LAB1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":1,\"unit_price\":\"20\",\"amount\":\"20\"}]}"
bad 400 wrong_type lines "lines not an array" "{$visit,\"lines\":{}}"
bad 400 missing_field 'lines\[0\].amount' "a missing column" \
	"{$visit,\"lines\":[{\"line_id\":\"L1\",\"item_code\":\"LAB1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1\",\"unit_price\":\"20\"}]}"
bad 422 invalid_value 'lines\[0\].service_time' "a day that does not exist" "{$visit,\"lines\":[$(line L92 | sed 's/2026-05-21/2026-02-30/')]}"
bad 422 invalid_value 'lines\[0\].unit_price' "money with three decimals" "{$visit,\"lines\":[$(line L92 LAB1 20.001)]}"
bad 400 invalid_value 'visit.dx_name' "a control character" "${good/复诊/\\n}"
bad 422 unknown_item 'lines\[0\]' "an item outside the catalogue" "{$visit,\"lines\":[$(line L92 NOPE)]}"
bad 422 unknown_patient visit.patient_id "an unknown patient" "${good/\"P1\"/\"P404\"}"
bad 422 other_patient 'lines\[0\]' "a line of another patient" "{$visit,\"lines\":[$(line L4)]}"
bad 422 other_patient visit.visit_id "a visit of another patient" "${good/\"V9\"/\"V2\"}"
bad 422 other_visit 'lines\[0\]' "a line of the patient's other visit" "{$visit,\"lines\":[$(line L1)]}"
bad 422 other_visit 'lines\[0\]' "a line naming another visit" \
	"{$visit,\"lines\":[{\"line_id\":\"L93\",\"visit_id\":\"V1\",\"item_code\":\"LAB1\",\"service_time\":\"2026-05-21 08:10\",\"qty\":\"1\",\"unit_price\":\"20\",\"amount\":\"20\"}]}"
bad 422 duplicate_line 'lines\[1\]' "one line id twice" "{$visit,\"lines\":[$(line L95),$(line L95)]}"
bad 409 conflict visit "a known visit with other values" "${good/\"V9\"/\"V1\"}"
bad 422 unknown_reference 'visit' "an unknown physician" "${good/\"DR1\"/\"DR404\"}"
bad 422 outside_window 'lines\[0\].service_time' "a line of a later month" "{$visit,\"lines\":[$(line L96 | sed 's/2026-05-21/2026-06-01/')]}"
bad 422 invalid_value lang "an unknown language" "${good/\"en\"/\"fr\"}"
{ printf '{%s' "$visit"; head -c 1100000 /dev/zero | tr '\0' ' '; printf '}'; } >"$T/big.json"
post /v1/check "@$T/big.json"
[ "$(cat "$T/status")" = 413 ] && grep -q '"code":"too_large"' "$T/body" && pass "a body above --max-body: 413" ||
	fail "large body: $(cat "$T/status") $(head -c 300 "$T/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/nothing")
[ "$code" = 404 ] && pass "an unknown endpoint: 404" || fail "unknown endpoint: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/check")
[ "$code" = 405 ] && pass "GET /v1/check: 405" || fail "GET /v1/check: $code"

# --- /v1/claims: appended once, idempotent by line id -------------------------------------------
post /v1/claims "$good"
[ "$(cat "$T/status")" = 200 ] && grep -q '"committed":true' "$T/body" && grep -q '"new_lines":2' "$T/body" &&
	pass "claims: accepted" || fail "claims: $(cat "$T/status") $(cat "$T/body")"
grep -q '^L90,V9,LAB1,,2026-05-21 08:10,1,20.00,20.00$' "$T/D/claim_lines.csv" && pass "claims: line in claim_lines.csv" ||
	fail "claims: L90 not appended: $(tail -3 "$T/D/claim_lines.csv")"
grep -q '^V9,P1,H1,H1-CARD,DR1,outpatient,2026-05-21 08:00,,I10,"高血压, 复诊"$' "$T/D/visits.csv" &&
	pass "claims: the visit in visits.csv, quoted" || fail "claims: V9: $(tail -2 "$T/D/visits.csv")"
post /v1/claims "{$visit,\"lines\":[$(line L90),$(line L91),$(line L97)]}"
grep -q '"new_lines":1,"known_lines":2' "$T/body" && pass "a retry with one more line adds that line only" ||
	fail "retry: $(cat "$T/body")"
[ "$(grep -c '^L9[01],' "$T/D/claim_lines.csv")" = 2 ] && [ "$(grep -c '^V9,' "$T/D/visits.csv")" = 1 ] &&
	pass "no line or visit twice" || fail "duplicates in the journal"
post /v1/check "$good"
grep -q '"new_lines":0' "$T/body" && pass "check knows the accepted lines" || fail "check after claims: $(cat "$T/body")"

# --- /metrics: Prometheus text ------------------------------------------------------------------
curl -s "http://127.0.0.1:$PORT/metrics" >"$T/m.txt"
grep -q '^claimwatch_serve_requests_total{route="/v1/check",code="4xx"} [1-9]' "$T/m.txt" &&
	grep -q '^claimwatch_serve_requests_total{route="/v1/claims",code="2xx"} 2$' "$T/m.txt" &&
	grep -q '^claimwatch_serve_request_seconds_bucket{route="/v1/check",le="+Inf"} [1-9]' "$T/m.txt" &&
	grep -q '^claimwatch_serve_hits_total{detector="duplicate_billing"} [1-9]' "$T/m.txt" &&
	grep -q '^claimwatch_serve_history_lines 15$' "$T/m.txt" && grep -q '^# TYPE claimwatch_serve_request_seconds histogram' "$T/m.txt" &&
	pass "metrics: requests, latency histogram, hits by detector, history size" || fail "metrics: $(head -50 "$T/m.txt")"
python3 - "$T/m.txt" <<'PY' && pass "metrics: every sample line is name{labels} number" || fail "metrics: a malformed line"
import re, sys
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    assert line.startswith("# HELP ") or line.startswith("# TYPE ") or \
        re.fullmatch(r'[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? [0-9.e+-]+', line), line
PY

# --- stop on SIGTERM; logs ----------------------------------------------------------------------
serve_stop
[ "$SERVE_RC" = 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit $SERVE_RC"
grep -q "serve: 已停止" "$T/serve.log" && pass "stops cleanly" || fail "no clean stop: $(tail -3 "$T/serve.log")"
grep -q "POST /v1/claims 200" "$T/serve.log" && pass "a log line per request" || fail "no request log"
grep -q "P1" "$T/serve.log" && fail "a patient id in the log" || pass "no patient id in the log"
# a batch run reads the journal
"$CW" run --data "$T/D" --month 2026-05 --out "$T/R" --quiet --no-report && grep -q ',L90' "$T/R/2026-05/evidence.csv" ||
	grep -q 'L90' "$T/R/2026-05/evidence.csv" && pass "a batch run reads the accepted lines" || fail "batch run on the journal"
finish
