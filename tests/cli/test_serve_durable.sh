#!/usr/bin/env bash
# test_serve_durable.sh: nothing acknowledged is lost (issue 16, point 3). Two clients send claims to
# POST /v1/claims while the service is killed with SIGKILL; after a restart every line that was
# acknowledged (a 200 answer) is in claim_lines.csv, and no line is there twice. Sending every claim
# again then adds only the ones that were never acknowledged, once. A torn record at the end of a
# journal file (a crash in the middle of a write) is removed at the restart; a user's last record
# without a line break, in a folder never served before, is kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
stop() { fail "$*"; finish; }

copy_mini "$T/D"
printf 'L99,V3,C1,,2026-05-20 15:00,1,10,10' >>"$T/D/claim_lines.csv" # no line break at the end
serve_start "$T/s1.log" --data "$T/D" --month 2026-05 --quiet || stop "serve did not start"
grep -q '^L99,V3,C1,,2026-05-20 15:00,1,10,10$' "$T/D/claim_lines.csv" && [ -f "$T/D/.claimwatch-serve" ] &&
	pass "a user's unterminated last record is kept and ended" || fail "L99: $(tail -2 "$T/D/claim_lines.csv")"

claim() { # N: a visit of P3 with two lines
	printf '{"visit":{"visit_id":"K%s","patient_id":"P3","inst_id":"H2","dept_id":"H2-GEN","physician_id":"DR3","kind":"outpatient","admit_time":"2026-05-2%s 08:00","dx_code":"J06"},"lines":[{"line_id":"KL%s-1","item_code":"C1","service_time":"2026-05-2%s 08:10","qty":"1","unit_price":"10","amount":"10"},{"line_id":"KL%s-2","item_code":"LAB1","service_time":"2026-05-2%s 08:20","qty":"1","unit_price":"20","amount":"20"}]}' \
		"$1" $(($1 % 8 + 1)) "$1" $(($1 % 8 + 1)) "$1" $(($1 % 8 + 1))
}
client() { # FIRST LAST ACKFILE
	for i in $(seq "$1" "$2"); do
		code=$(claim "$i" | curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @- "http://127.0.0.1:$PORT/v1/claims")
		[ "$code" = 200 ] && echo "KL$i-1 KL$i-2" >>"$3"
	done
}
: >"$T/ack1"; : >"$T/ack2"
client 1 80 "$T/ack1" & c1=$!
client 81 160 "$T/ack2" & c2=$!
for _ in $(seq 1 200); do [ "$(cat "$T/ack1" "$T/ack2" | wc -l)" -ge 20 ] && break; sleep 0.05; done
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=""
wait $c1 $c2
acked=$(cat "$T/ack1" "$T/ack2" | wc -l)
[ "$acked" -ge 20 ] && [ "$acked" -lt 160 ] && pass "killed with SIGKILL after $acked of 160 claims" ||
	fail "the kill came at $acked acknowledged claims"
printf 'KL9999-1,K9999,C1,,2026-05-2' >>"$T/D/claim_lines.csv" # a torn write of our own

serve_start "$T/s2.log" --data "$T/D" --month 2026-05 || stop "serve did not restart"
grep -q "已删除崩溃留下的 [0-9]* 字节残缺记录" "$T/s2.log" && ! grep -q 'KL9999' "$T/D/claim_lines.csv" &&
	pass "the torn record is removed at the restart" || fail "torn tail: $(tail -c 200 "$T/D/claim_lines.csv")"
missing=0
for l in $(cat "$T/ack1" "$T/ack2"); do
	[ "$(grep -c "^$l," "$T/D/claim_lines.csv")" = 1 ] || missing=$((missing + 1))
done
[ "$missing" = 0 ] && pass "every acknowledged line is there once" || fail "$missing acknowledged lines missing or twice"
dups=$(cut -d, -f1 "$T/D/claim_lines.csv" | sort | uniq -d | wc -l)
[ "$dups" = 0 ] && pass "no line id twice" || fail "$dups line ids twice"

# every claim again: only those never acknowledged are added
client 1 160 "$T/ack3"
[ "$(wc -l <"$T/ack3")" = 160 ] && pass "every retried claim answered 200" || fail "retries: $(wc -l <"$T/ack3") of 160"
[ "$(grep -c '^KL' "$T/D/claim_lines.csv")" = 320 ] && [ "$(grep -c "^K[0-9]" "$T/D/visits.csv")" = 160 ] &&
	pass "each of the 320 lines and 160 visits once" || fail "after the retries: $(grep -c '^KL' "$T/D/claim_lines.csv") lines"
serve_stop
"$CW" run --data "$T/D" --month 2026-05 --out "$T/R" --quiet --no-report && [ "$(($(wc -l <"$T/R/2026-05/rejects.csv")))" = 1 ] &&
	pass "a batch run reads the journal without a reject" || fail "batch run on the journal: $(head -3 "$T/R/2026-05/rejects.csv")"
finish
