#!/usr/bin/env bash
# test_serve_tls.sh: `claimwatch serve --tls-cert FILE --tls-key FILE` (issue 16, point 5; docs/serve.md,
# "TLS"): HTTPS through libmicrohttpd's GnuTLS support, with a throwaway self-signed certificate made
# here by openssl (never kept). curl --cacert talks to it; curl without the certificate refuses it; a
# plain HTTP request to the TLS port gets no answer; a missing, unreadable or malformed certificate or
# key, or a key of another certificate, stops the start with an error naming the file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
command -v openssl >/dev/null || skip "no openssl on this machine (apt-get install openssl)"
stop() { fail "$*"; finish; }

expect_exit 0 "serve --help" -- "$CW" serve --help
expect_output "--tls-cert FILE" "help lists --tls-cert"
expect_output "--tls-key FILE" "help lists --tls-key"
expect_output "--db URL" "help lists --db"
copy_mini "$T/D"
selfsigned() { # NAME: NAME.crt and NAME.key for 127.0.0.1, valid a day
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=127.0.0.1" \
		-addext "subjectAltName=IP:127.0.0.1" -keyout "$T/$1.key" -out "$T/$1.crt" >/dev/null 2>&1
}
selfsigned a || stop "openssl could not make a certificate"
selfsigned b || stop "openssl could not make a second certificate"

# --- clear errors, each naming the file -------------------------------------------------------------
start_fails() { # DESCRIPTION PATTERN ARGS...: the start fails (exit 1 or 2) with a message matching PATTERN
	local what="$1" pat="$2"; shift 2
	"$CW" serve --data "$T/D" --month 2026-05 --listen 127.0.0.1:0 "$@" >"$T/out" 2>&1 &
	local pid=$! i
	for i in $(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if kill -0 $pid 2>/dev/null; then kill -TERM $pid; wait $pid; fail "$what: it started"; return; fi
	wait $pid
	local rc=$?
	if [ "$rc" -ne 0 ] && grep -Eq -- "$pat" "$T/out"; then pass "$what (exit $rc)"; else
		fail "$what: exit $rc"; sed 's/^/    /' "$T/out" >&2; fi
}
start_fails "--tls-cert without --tls-key" "go together" --tls-cert "$T/a.crt"
start_fails "a missing certificate" "$T/none.crt" --tls-cert "$T/none.crt" --tls-key "$T/a.key"
start_fails "a missing key" "$T/none.key" --tls-cert "$T/a.crt" --tls-key "$T/none.key"
echo "not a certificate" >"$T/bad.crt"
start_fails "a malformed certificate" "$T/bad.crt.*not a PEM certificate" --tls-cert "$T/bad.crt" --tls-key "$T/a.key"
start_fails "a certificate given as the key" "$T/a.crt.*private key" --tls-cert "$T/a.crt" --tls-key "$T/a.crt"
: >"$T/empty.key"
start_fails "an empty key" "$T/empty.key.*empty" --tls-cert "$T/a.crt" --tls-key "$T/empty.key"
start_fails "the key of another certificate" "$T/b.key is not the private key of the certificate $T/a.crt" \
	--tls-cert "$T/a.crt" --tls-key "$T/b.key"
if [ "$(id -u)" != 0 ]; then
	cp "$T/a.key" "$T/locked.key" && chmod 000 "$T/locked.key"
	start_fails "an unreadable key" "$T/locked.key.*cannot read" --tls-cert "$T/a.crt" --tls-key "$T/locked.key"
fi

# --- HTTPS ----------------------------------------------------------------------------------------------
"$CW" serve --data "$T/D" --month 2026-05 --listen 127.0.0.1:0 --tls-cert "$T/a.crt" --tls-key "$T/a.key" --lang en \
	2>"$T/serve.log" &
SERVE_PID=$!
for _ in $(seq 1 100); do
	PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$T/serve.log" 2>/dev/null | sed 's/.*://')
	[ -n "$PORT" ] && break
	kill -0 "$SERVE_PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$PORT" ] && grep -q "(TLS)" "$T/serve.log" && pass "serves HTTPS on port $PORT" || stop "no TLS start: $(cat "$T/serve.log")"
curl -s --cacert "$T/a.crt" "https://127.0.0.1:$PORT/healthz" >"$T/h.json"
grep -q '"status":"ok"' "$T/h.json" && pass "GET /healthz over HTTPS (curl --cacert)" || fail "healthz over HTTPS: $(cat "$T/h.json")"
body='{"visit":{"visit_id":"V9","patient_id":"P1","inst_id":"H1","dept_id":"H1-CARD","physician_id":"DR1","kind":"outpatient","admit_time":"2026-05-21 08:00","dx_code":"I10"},"lines":[{"line_id":"L90","item_code":"LAB1","service_time":"2026-05-21 08:10","qty":"1","unit_price":"20","amount":"20"},{"line_id":"L91","item_code":"LAB1","service_time":"2026-05-21 08:10","qty":"1","unit_price":"20","amount":"20"}]}'
code=$(curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/a.crt" -X POST --data-binary "$body" "https://127.0.0.1:$PORT/v1/check")
[ "$code" = 200 ] && grep -q duplicate_billing "$T/body" && pass "POST /v1/check over HTTPS" || fail "check over HTTPS: $code $(cat "$T/body")"
curl -s -o /dev/null "https://127.0.0.1:$PORT/healthz" && fail "curl trusted a certificate it was not given" ||
	pass "curl without --cacert refuses the self-signed certificate"
curl -s --cacert "$T/b.crt" -o /dev/null "https://127.0.0.1:$PORT/healthz" && fail "another certificate was accepted" ||
	pass "curl with another certificate refuses it"
code=$(curl -s -m 5 -o "$T/plain" -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
[ "$code" != 200 ] && ! grep -qs '"status"' "$T/plain" && pass "plain HTTP to the TLS port gets no answer ($code)" ||
	fail "plain HTTP answered: $code $(cat "$T/plain")"
curl -s --cacert "$T/a.crt" "https://127.0.0.1:$PORT/healthz" | grep -q '"status":"ok"' &&
	pass "HTTPS still answers after the plain request" || fail "the service stopped answering"
serve_stop
[ "$SERVE_RC" = 0 ] && pass "stops on SIGTERM (exit 0)" || fail "exit $SERVE_RC on SIGTERM"
finish
