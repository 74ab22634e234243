#!/usr/bin/env bash
# test_serve_tokens.sh: `claimwatch serve --tokens FILE` (docs/serve.md, "Tokens"): the tokens are
# stored as SHA-256 hashes with their roles; /v1/check needs check, /v1/claims commit, /metrics watch,
# /healthz nothing; no token or an unknown one is 401, a token without the role 403; the log names
# the token, never shows it; a malformed tokens file stops the start naming its line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
command -v sha256sum >/dev/null || skip "no sha256sum"
stop() { fail "$*"; finish; }
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

copy_mini "$T/D"
cat >"$T/tokens" <<EOT
# claimwatch serve tokens
sha256:$(h tok-check) check checker
sha256:$(h tok-commit) check,commit billing
sha256:$(h tok-watch) watch office
EOT
printf 'sha256:abc check\n' >"$T/bad-tokens"
expect_exit 1 "a malformed tokens file" -- "$CW" serve --data "$T/D" --month 2026-05 --listen 127.0.0.1:0 --tokens "$T/bad-tokens"
expect_output "bad-tokens:1：应为 'sha256:" "names the file and line (in Chinese: no --lang)"

serve_start "$T/serve.log" --data "$T/D" --month 2026-05 --tokens "$T/tokens" || stop "serve did not start"
body='{"visit":{"visit_id":"V9","patient_id":"P1","inst_id":"H1","dept_id":"H1-CARD","physician_id":"DR1","kind":"outpatient","admit_time":"2026-05-21 08:00","dx_code":"I10"},"lines":[{"line_id":"L90","item_code":"LAB1","service_time":"2026-05-21 08:10","qty":"1","unit_price":"20","amount":"20"}]}'
status() { # TOKEN METHOD PATH
	local auth=()
	[ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
	if [ "$2" = POST ]; then post "$3" "$body" "${auth[@]}"; cat "$T/status"
	else curl -s -o "$T/body" -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$PORT$3"; fi
}
expect_status() { # WANT TOKEN METHOD PATH
	local got
	got=$(status "$2" "$3" "$4")
	[ "$got" = "$1" ] && pass "${2:-no token}: $3 $4 -> $1" || fail "${2:-no token}: $3 $4 -> $got, wanted $1: $(cat "$T/body")"
}
expect_status 200 "" GET /healthz
expect_status 401 "" POST /v1/check
expect_status 401 "" POST /v1/claims
expect_status 401 "" GET /metrics
expect_status 401 wrong POST /v1/check
expect_status 200 tok-check POST /v1/check
expect_status 403 tok-check POST /v1/claims
expect_status 403 tok-check GET /metrics
expect_status 200 tok-commit POST /v1/claims
expect_status 403 tok-watch POST /v1/check
expect_status 200 tok-watch GET /metrics
grep -q '"code":"unauthorized"' <(status "" POST /v1/check; cat "$T/body") && pass "401 is a JSON error" || fail "401 body"
serve_stop
grep -q "POST /v1/claims 200 .* 令牌 billing" "$T/serve.log" && pass "the log names the token" || fail "log: $(tail -5 "$T/serve.log")"
grep -q "tok-" "$T/serve.log" && fail "a token in the log" || pass "no token in the log"
finish
