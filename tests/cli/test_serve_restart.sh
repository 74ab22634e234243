#!/usr/bin/env bash
# test_serve_restart.sh: after a restart the findings that stood before it still stand. A claim accepted
# with a duplicate (a finding on the patient's month), the service stopped and started again on the same
# folder, then another claim of the same patient: its answer does not give that finding again as a hit
# (it stood already: the service runs the month's detectors on the history at start, as the batch would,
# and takes their findings as each patient's standing ones), and a claim that cites the duplicate's lines
# still gets it. The same answers as a service that never stopped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
stop() { fail "$*"; finish; }

visit() { echo "\"visit\":{\"visit_id\":\"$1\",\"patient_id\":\"P1\",\"inst_id\":\"H1\",\"dept_id\":\"H1-CARD\",\"physician_id\":\"DR1\",\"kind\":\"outpatient\",\"admit_time\":\"2026-05-$2 08:00\",\"discharge_time\":null,\"dx_code\":\"I10\",\"dx_name\":\"高血压\"}"; }
line() { echo "{\"line_id\":\"$1\",\"item_code\":\"$2\",\"service_time\":\"2026-05-$3 08:10\",\"qty\":\"1\",\"unit_price\":\"$4\",\"amount\":\"$4\"}"; }
dup="{$(visit V9 21),\"lines\":[$(line L90 LAB1 21 20),$(line L91 LAB1 21 20)],\"lang\":\"en\"}"
other="{$(visit V10 25),\"lines\":[$(line L95 C1 25 10)],\"lang\":\"en\"}"
again="{$(visit V9 21),\"lines\":[$(line L90 LAB1 21 20)],\"lang\":\"en\"}"

# hits FILE: the answer's hits as "detector:lines" sorted, one a line
hits() { python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print("\n".join(sorted(h["detector"]+":"+",".join(sorted(l["line_id"] for l in h["lines"])) for h in a["hits"])))' "$1"; }

copy_mini "$T/D"
serve_start "$T/s1.log" --data "$T/D" --month 2026-05 --quiet || stop "serve did not start"
post /v1/claims "$dup"
hits "$T/body" | grep -q '^duplicate_billing:L90,L91$' && pass "the duplicate is a hit when accepted" || stop "no duplicate: $(cat "$T/body")"
post /v1/check "$other"; hits "$T/body" >"$T/other.live"
post /v1/check "$again"; hits "$T/body" >"$T/again.live"
serve_stop

serve_start "$T/s2.log" --data "$T/D" --month 2026-05 --quiet || stop "serve did not start again"
post /v1/check "$other"; hits "$T/body" >"$T/other.restarted"
post /v1/check "$again"; hits "$T/body" >"$T/again.restarted"
grep -q duplicate_billing "$T/other.restarted" && fail "after the restart another claim gets the standing duplicate again" ||
	pass "after the restart another claim of the patient does not get the standing duplicate again"
grep -q '^duplicate_billing:L90,L91$' "$T/again.restarted" && pass "a claim citing the duplicate's lines still gets it" ||
	fail "the claim citing L90: $(cat "$T/again.restarted")"
cmp -s "$T/other.live" "$T/other.restarted" && cmp -s "$T/again.live" "$T/again.restarted" &&
	pass "the same hits as the service that never stopped" ||
	fail "hits differ: $(diff "$T/other.live" "$T/other.restarted"; diff "$T/again.live" "$T/again.restarted")"
finish
