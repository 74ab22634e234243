#!/usr/bin/env bash
# test_serve_lang.sh: every error answer of `claimwatch serve` in the request's language (docs/serve.md,
# "Errors"): each code of the error table, asked in Chinese and in English by each of the four ways
# (the body's "lang", ?lang=, Accept-Language, --lang) and in their order, answers with the same status,
# code and path, and its message in the language asked, the same text whichever way it was asked. Also
# the service's own lines on standard error (start, requests, stop, a bad tokens file, a torn journal)
# in --lang. Two services on copies of the mini month: A without --lang (zh, the default), B with
# --lang en; C, under a file size limit, for the 500 of a journal that cannot be written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
command -v sha256sum >/dev/null || skip "no sha256sum"
stop() { fail "$*"; finish; }
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

cat >"$T/tokens" <<EOT
sha256:$(h tok-all) check,commit,watch all
sha256:$(h tok-watch) watch office
EOT
printf 'sha256:abc check\n' >"$T/bad-tokens"

# --- the lines on standard error ----------------------------------------------------------------
copy_mini "$T/A"
copy_mini "$T/B"
expect_exit 1 "a bad tokens file (zh)" -- "$CW" serve --data "$T/A" --month 2026-05 --listen 127.0.0.1:0 --tokens "$T/bad-tokens"
expect_output "bad-tokens:1：应为 'sha256:" "the bad line named in Chinese by default"
expect_exit 1 "a bad tokens file (en)" -- "$CW" serve --data "$T/A" --month 2026-05 --listen 127.0.0.1:0 --tokens "$T/bad-tokens" --lang en
expect_output "bad-tokens:1: expected 'sha256:" "the bad line named in English with --lang en"
expect_exit 2 "a bad --lang" -- "$CW" serve --data "$T/A" --lang fr
expect_output "--lang is zh or en, not 'fr'" "--lang is checked as by the other commands"
expect_exit 0 "serve --help" -- "$CW" serve --help
expect_output "--lang zh[|]en" "--help names --lang"

serve_start "$T/a.log" --data "$T/A" --month 2026-05 --tokens "$T/tokens" || stop "A did not start"
PORT_A=$PORT PID_A=$SERVE_PID
grep -q '^serve: 已载入 .* 位患者的 .* 条费用明细，用时 .* 秒；正在监听 127.0.0.1:' "$T/a.log" &&
	pass "A's start line is Chinese" || fail "A's start: $(head -3 "$T/a.log")"
SERVE_PID="" # serve_start keeps one service: B is started and stopped by hand below
serve_start "$T/b.log" --data "$T/B" --month 2026-05 --tokens "$T/tokens" --lang en || { kill -TERM "$PID_A"; stop "B did not start"; }
PORT_B=$PORT PID_B=$SERVE_PID
SERVE_PID=$PID_A
trap 'kill -TERM "$PID_B" 2>/dev/null; serve_stop; rm -rf "$TMP"' EXIT
grep -q '^serve: .* claim lines of .* patients loaded in .* s; listening on 127.0.0.1:' "$T/b.log" &&
	pass "B's start line is English" || fail "B's start: $(head -3 "$T/b.log")"

# --- the requests -------------------------------------------------------------------------------
visit='"visit":{"visit_id":"V9","patient_id":"P1","inst_id":"H1","dept_id":"H1-CARD","physician_id":"DR1","kind":"outpatient","admit_time":"2026-05-21 08:00","discharge_time":null,"dx_code":"I10","dx_name":"高血压, 复诊"}'
line() { echo "{\"line_id\":\"$1\",\"item_code\":\"${2:-LAB1}\",\"service_time\":\"${4:-2026-05-21 08:10}\",\"qty\":\"1\",\"unit_price\":\"${3:-20}\",\"amount\":\"${3:-20}\"}"; }
rx='{"rx_id":"RX9","line_no":"1","physician_id":"DR1","rx_time":"2026-05-21 09:00","drug_code":"D1","qty":"2","days_supply":"7","amount":"31"}'
good="{$visit,\"lines\":[$(line L90),$(line L91)]}"
python3 - "$T/rows.json" "$visit" <<'PY'
import sys
line = '{"line_id":"R%d","item_code":"LAB1","service_time":"2026-05-21 08:10","qty":"1","unit_price":"20","amount":"20"}'
open(sys.argv[1], "w").write("{%s,\"lines\":[%s]}" % (sys.argv[2], ",".join(line % i for i in range(5001))))
PY
{ printf '{%s' "$visit"; head -c 1100000 /dev/zero | tr '\0' ' '; printf '}'; } >"$T/big.json"

mkdir -p "$T/a"
n=0
# ask PORT WANT STATUS CODE PATH CASE WAY URL CURL-ARGS...: one request, for the check below. The requests
# are gathered in one curl config and sent by one curl (flush): a curl started per request would cost
# most of the test's time.
ask() {
	local port=$1 want=$2 st=$3 code=$4 path=$5 case=$6 way=$7 url=$8
	shift 8
	n=$((n + 1))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$want" "$st" "$code" "$path" "$case" "$way" >>"$T/manifest"
	{
		[ "$n" -gt 1 ] && [ -s "$T/curl.cfg" ] && echo next
		echo "url = \"http://127.0.0.1:$port$url\""
		echo "output = \"$T/a/$n.json\""
		echo 'write-out = "%{http_code} %{filename_effective}\n"'
		while [ $# -gt 0 ]; do
			case "$1" in -H) echo "header = \"$2\"" ;; *) echo "${1#--} = \"$2\"" ;; esac
			shift 2
		done
	} >>"$T/curl.cfg"
}
flush() {
	curl -s -K "$T/curl.cfg" | while read -r status file; do echo "$status" >"${file%.json}.status"; done
	: >"$T/curl.cfg"
}
AUTH=(-H "Authorization: Bearer tok-all")
# with_lang BODY LANG: the body with "lang" added (a body that is a JSON object)
with_lang() { printf '%s' "${1%\}},\"lang\":\"$2\"}"; }

# every_way CASE STATUS CODE PATH BODY-LANG(yes|no) URL CURL-ARGS...: the case asked in each way on A and B.
# The body's CURL-ARGS end with --data-binary @FILE; "yes" puts "lang" into that file's copies.
every_way() {
	local case=$1 st=$2 code=$3 path=$4 bl=$5 url=$6
	shift 6
	local args=("$@") last="${*: -1}" en=() zh=()
	if [ "$bl" = yes ]; then
		with_lang "$(cat "${last#@}")" en >"${last#@}.en"
		with_lang "$(cat "${last#@}")" zh >"${last#@}.zh"
		en=("${args[@]:0:${#args[@]}-1}" "$last.en")
		zh=("${args[@]:0:${#args[@]}-1}" "$last.zh")
	fi
	ask "$PORT_A" zh "$st" "$code" "$path" "$case" "A: --lang zh by default" "$url" "${args[@]}"
	ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: ?lang=en" "$url?lang=en" "${args[@]}"
	ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: Accept-Language en" "$url" -H 'Accept-Language: en-US,en;q=0.9' "${args[@]}"
	ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: ?lang=en over Accept-Language zh" "$url?lang=en" -H 'Accept-Language: zh-CN' "${args[@]}"
	ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: ?lang=fr passed over" "$url?lang=fr" -H 'Accept-Language: fr, en;q=0.5' "${args[@]}"
	ask "$PORT_B" en "$st" "$code" "$path" "$case" "B: --lang en" "$url" "${args[@]}"
	ask "$PORT_B" zh "$st" "$code" "$path" "$case" "B: ?lang=zh" "$url?lang=zh" "${args[@]}"
	ask "$PORT_B" zh "$st" "$code" "$path" "$case" "B: Accept-Language zh" "$url" -H 'Accept-Language: zh-CN,zh;q=0.9,en;q=0.8' "${args[@]}"
	if [ "$bl" = yes ]; then
		ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: the body's lang en" "$url" "${en[@]}"
		ask "$PORT_A" en "$st" "$code" "$path" "$case" "A: the body's lang en over ?lang=zh" "$url?lang=zh" "${en[@]}"
		ask "$PORT_B" zh "$st" "$code" "$path" "$case" "B: the body's lang zh" "$url" "${zh[@]}"
		ask "$PORT_B" zh "$st" "$code" "$path" "$case" "B: the body's lang zh over Accept-Language en" "$url" -H 'Accept-Language: en' "${zh[@]}"
	fi
}
k=0
# body CASE STATUS CODE PATH BODY-LANG BODY: a bad POST /v1/check.
body() {
	k=$((k + 1))
	printf '%s' "$6" >"$T/body$k"
	every_way "$1" "$2" "$3" "$4" "$5" /v1/check "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary "@$T/body$k"
}
body "malformed JSON" 400 malformed_json "" no '{"visit": {"lang":"en"'
body "more after the value" 400 malformed_json "" no '{"lang":"en"} {}'
body "a body not an object" 400 wrong_type "" no '["lang", "en"]'
body "no visit" 400 missing_field visit yes '{"lines": []}'
body "an unknown top-level field" 400 unknown_field foo yes "{$visit,\"foo\":1}"
body "an unknown line field" 400 unknown_field 'lines[0].qtyy' yes "{$visit,\"lines\":[{\"line_id\":\"L1\",\"qtyy\":\"1\"}]}"
body "a field twice" 400 duplicate_field visit yes "{$visit,$visit}"
body "visit not an object" 400 wrong_type visit yes '{"visit":[]}'
body "a number for qty" 400 wrong_type 'lines[0].qty' yes "{$visit,\"lines\":[$(line L1 | sed 's/"qty":"1"/"qty":1/')]}"
body "lines not an array" 400 wrong_type lines yes "{$visit,\"lines\":{}}"
body "a missing column" 400 missing_field 'lines[0].amount' yes "{$visit,\"lines\":[$(line L1 | sed 's/,"amount":"20"//')]}"
body "a control character" 400 invalid_value visit.dx_name yes "${good/复诊/\\n}"
body "lang not a string" 400 wrong_type lang no "{$visit,\"lang\":1}"
body "an unknown lang" 422 invalid_value lang no "{$visit,\"lang\":\"fr\"}"
body "a day that does not exist" 422 invalid_value 'lines[0].service_time' yes "{$visit,\"lines\":[$(line L92 LAB1 20 '2026-02-30 08:10')]}"
body "an item outside the catalogue" 422 unknown_item 'lines[0]' yes "{$visit,\"lines\":[$(line L92 NOPE)]}"
body "a drug outside the catalogue" 422 unknown_item 'prescriptions[0]' yes "{$visit,\"prescriptions\":[${rx/\"D1\"/\"NOPE\"}]}"
body "an unknown patient" 422 unknown_patient visit.patient_id yes "${good/\"P1\"/\"P404\"}"
body "an unknown physician" 422 unknown_reference visit yes "${good/\"DR1\"/\"DR404\"}"
body "a line of another patient" 422 other_patient 'lines[0]' yes "{$visit,\"lines\":[$(line L4)]}"
body "a visit of another patient" 422 other_patient visit.visit_id yes "${good/\"V9\"/\"V2\"}"
body "a line of another visit" 422 other_visit 'lines[0]' yes "{$visit,\"lines\":[$(line L1)]}"
body "a line naming another visit" 422 other_visit 'lines[0]' yes "{$visit,\"lines\":[$(line L93 | sed 's/{/{"visit_id":"V1",/')]}"
body "one line id twice" 422 duplicate_line 'lines[1]' yes "{$visit,\"lines\":[$(line L95),$(line L95)]}"
body "one prescription line twice" 422 duplicate_line 'prescriptions[1]' yes "{$visit,\"prescriptions\":[$rx,$rx]}"
body "a known visit with other values" 409 conflict visit yes "${good/\"V9\"/\"V1\"}"
body "a line of a later month" 422 outside_window 'lines[0].service_time' yes "{$visit,\"lines\":[$(line L96 LAB1 20 '2026-06-01 08:10')]}"
body "a line before the window" 422 outside_window 'lines[0].service_time' yes "{$visit,\"lines\":[$(line L96 LAB1 20 '2025-01-01 08:10')]}"
every_way "5,001 lines" 413 too_many_rows lines yes /v1/check "${AUTH[@]}" --data-binary "@$T/rows.json"
every_way "a body above --max-body" 413 too_large "" no /v1/check "${AUTH[@]}" --data-binary "@$T/big.json"
every_way "no such endpoint" 404 not_found "" no /v1/nothing "${AUTH[@]}"
printf '%s' "$good" >"$T/post404"
every_way "no such endpoint, a body" 404 not_found "" yes /v1/nothing "${AUTH[@]}" --data-binary "@$T/post404"
every_way "GET /v1/check" 405 method "" no /v1/check "${AUTH[@]}"
every_way "POST /healthz" 405 method "" yes /healthz "${AUTH[@]}" --data-binary "@$T/post404"
every_way "no token" 401 unauthorized "" no /v1/check --data-binary "@$T/post404"
every_way "a token without the role" 403 forbidden "" yes /v1/check -H "Authorization: Bearer tok-watch" --data-binary "@$T/post404"
# a 401's body is not read for its language (it is not trusted yet): ?lang=, Accept-Language, --lang
with_lang "$good" en >"$T/post401"
ask "$PORT_A" zh 401 unauthorized "" "no token, the body's lang en" "A: the body is not read" /v1/check --data-binary "@$T/post401"

flush

# --- a good answer's titles and reasons follow the same order when the body names no language ------
printf '%s' "$good" >"$T/good.json"
title() { # PORT QUERY CURL-ARGS...: the first hit's title
	local port=$1 q=$2
	shift 2
	curl -s "${AUTH[@]}" "$@" --data-binary "@$T/good.json" "http://127.0.0.1:$port/v1/check$q" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["title"])'
}
[ "$(title "$PORT_A" "")" = 重复收费 ] && [ "$(title "$PORT_A" "?lang=en")" = "Duplicate billing" ] &&
	[ "$(title "$PORT_A" "" -H 'Accept-Language: en')" = "Duplicate billing" ] && [ "$(title "$PORT_B" "")" = "Duplicate billing" ] &&
	[ "$(title "$PORT_B" "?lang=zh")" = 重复收费 ] && pass "the hits' titles: --lang, ?lang=, Accept-Language" ||
	fail "the hits' titles do not follow the request's language"

# --- 500: a journal that cannot be written (a file size limit), on A's folder after A -------------
kill -TERM "$PID_B"
serve_stop
grep -q '^serve: 已停止$' "$T/a.log" && pass "A's stop line is Chinese" || fail "A's stop: $(tail -2 "$T/a.log")"
grep -q '^serve: POST /v1/check 4[0-9][0-9] [0-9.]* ms 令牌 all$' "$T/a.log" && pass "A's request lines name the token in Chinese" ||
	fail "A's request lines: $(grep -m3 POST "$T/a.log")"
for _ in $(seq 1 100); do kill -0 "$PID_B" 2>/dev/null || break; sleep 0.1; done
grep -q '^serve: stopped$' "$T/b.log" && grep -q '^serve: SIGTERM: finishing the requests in progress$' "$T/b.log" &&
	pass "B's stop lines are English" || fail "B's stop: $(tail -2 "$T/b.log")"
grep -q '^serve: POST /v1/check 4[0-9][0-9] [0-9.]* ms by all$' "$T/b.log" && pass "B's request lines name the token in English" ||
	fail "B's request lines: $(grep -m3 POST "$T/b.log")"

printf 'L9999,V1,C1,,2026-05-2' >>"$T/A/claim_lines.csv" # a torn record: the next start removes it, and says so
cat >"$T/cw-limited" <<EOS
#!/usr/bin/env bash
trap '' XFSZ
ulimit -f 4
exec "$CW" "\$@"
EOS
chmod +x "$T/cw-limited"
CW_REAL=$CW CW=$T/cw-limited
serve_start "$T/c.log" --data "$T/A" --month 2026-05 || stop "C did not start"
CW=$CW_REAL
grep -q '^流水文件：已删除崩溃留下的 [0-9]* 字节残缺记录（从未确认）' "$T/c.log" && pass "the torn record's note is Chinese" ||
	fail "torn note: $(head -3 "$T/c.log")"
python3 - "$T/many.json" "$visit" <<'PY'
import sys
line = '{"line_id":"M%d","item_code":"LAB1","service_time":"2026-05-21 08:10","qty":"1","unit_price":"20","amount":"20"}'
open(sys.argv[1], "w").write("{%s,\"lines\":[%s]}" % (sys.argv[2], ",".join(line % i for i in range(200))))
PY
cp "$T/A/claim_lines.csv" "$T/lines.before"
ask "$PORT" zh 500 internal "" "a journal that cannot be written" "C: --lang zh by default" /v1/claims --data-binary "@$T/many.json"
ask "$PORT" en 500 internal "" "a journal that cannot be written" "C: ?lang=en" /v1/claims?lang=en --data-binary "@$T/many.json"
with_lang "$(cat "$T/many.json")" en >"$T/many.en"
ask "$PORT" en 500 internal "" "a journal that cannot be written" "C: the body's lang en" /v1/claims --data-binary "@$T/many.en"
flush
cmp -s "$T/A/claim_lines.csv" "$T/lines.before" && pass "500: nothing of the refused claims was kept" ||
	fail "500: claim_lines.csv changed"
serve_stop

# --- the check: status, code and path as asked; the message in the language asked, one text a language
python3 - "$T/manifest" "$T/a" >"$T/checked" <<'PY'
import json, re, sys
cjk = re.compile(r"[\u4e00-\u9fff]")
msgs = {}
for row in open(sys.argv[1], encoding="utf-8"):
    n, want, st, code, path, case, way = row.rstrip("\n").split("\t")
    what = "%s (%s)" % (case, way)
    got = open("%s/%s.status" % (sys.argv[2], n)).read().strip()
    try:
        e = json.load(open("%s/%s.json" % (sys.argv[2], n), encoding="utf-8"))["error"]
    except Exception as x:
        print("FAIL\t%s: not a JSON error (%s), status %s" % (what, x, got)); continue
    m = e.get("message", "")
    bad = []
    if got != st or e.get("status") != int(st): bad.append("status %s/%s, wanted %s" % (got, e.get("status"), st))
    if e.get("code") != code: bad.append("code %r, wanted %r" % (e.get("code"), code))
    if e.get("path") != path: bad.append("path %r, wanted %r" % (e.get("path"), path))
    if not m: bad.append("no message")
    if want == "zh" and not cjk.search(m): bad.append("message not Chinese: %r" % m)
    if want == "en" and (cjk.search(m) or not m.isascii()): bad.append("message not English: %r" % m)
    msgs.setdefault((case, want), set()).add(m)
    print(("FAIL\t%s: %s" % (what, "; ".join(bad))) if bad else ("PASS\t%s: %s %s %s in %s" % (what, st, code, path or "''", want)))
for (case, want), texts in sorted(msgs.items()):
    if len(texts) != 1:
        print("FAIL\t%s: the %s messages differ by the way asked: %s" % (case, want, sorted(texts)))
    elif (case, "zh" if want == "en" else "en") in msgs:
        print("PASS\t%s: one %s message: %s" % (case, want, next(iter(texts))))
PY
while IFS=$'\t' read -r verdict what; do
	if [ "$verdict" = PASS ]; then pass "$what"; else fail "$what"; fi
done <"$T/checked"
[ "$(grep -c '' "$T/checked")" -gt 400 ] && pass "$(grep -c '' "$T/checked") checks of the answers" || fail "too few answers checked"
finish
