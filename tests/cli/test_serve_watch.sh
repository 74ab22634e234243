#!/usr/bin/env bash
# test_serve_watch.sh: GET /v1/watch and its live page GET /watch (issue 16, J2; docs/serve.md "Watch").
# A small generated month is served with a watch list of one department and one physician (those with
# the most findings); the counters of /v1/watch are recomputed independently (tests/cli/serve_watch.py)
# from the CSV files and a batch run's findings: at start (rebuilt from the history), after claims
# accepted with curl (live), and after a restart (rebuilt again, the journal included). An alert at the
# threshold and none one below; checks counted apart; token roles (401/403/200); the page in headless
# Chromium, polled, showing the counters and the alert in English and Chinese, with a token from the
# URL fragment.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
T=$TMP
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }
PY="python3 $SRC/tests/cli/serve_watch.py"
M=2026-03
watch() { curl -s -o "$1" -w '%{http_code}' "${@:3}" "http://127.0.0.1:$PORT/v1/watch?lang=${2:-en}"; }
batch() { rm -rf "$T/R"; "$CW" run --data "$T/D" --rules "$T/D/rules.json" --month $M --out "$T/R" --quiet --no-report; }
expect() { $PY expect "$T/D" $M "$T/R/$M/findings.csv" "$T/R/$M/evidence.csv" "$dets" "$T/pick.json" "$1"; }
rules() { # OUT PHYSICIAN-HITS-TODAY: the generated rules with the watch list and thresholds
	python3 - "$T/D/rules.json" "$T/pick.json" "$1" "$2" <<'PY'
import json, sys
r, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
off = {"hits_today": 0, "hits_month": 0, "money_today": 0, "money_month": 0, "drug_share": False}
r["serve"] = {"watch": {"departments": [p["dept"]], "physicians": [p["physician"]], "alerts_kept": 50,
                        "department": off, "physician": dict(off, hits_today=int(sys.argv[4]))}}
json.dump(r, open(sys.argv[3], "w"), ensure_ascii=False)
PY
}

"$CW" gen --out "$T/D" --months 2026-02..$M --lines 3000 --seed 7 --quiet || stop "gen failed"
batch || stop "run failed"

# --- at start: the counters rebuilt from the history equal the batch's ------------------------------
serve_start "$T/s0.log" --data "$T/D" --month $M --rules "$T/D/rules.json" --accept-uncatalogued --quiet --lang en ||
	stop "serve did not start"
dets=$(curl -s "http://127.0.0.1:$PORT/healthz" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["detectors"]))')
$PY pick "$T/D" $M "$T/R/$M/findings.csv" "$dets" "$T/pick.json" || stop "pick failed"
grep -q "counters rebuilt in" "$T/s0.log" && pass "the start says how long the rebuild took" ||
	fail "no rebuild time in the log: $(cat "$T/s0.log")"
watch "$T/w0.json" >/dev/null
python3 - "$T/w0.json" <<'PY' && pass "no list: the top 10 with activity, by money" || fail "top mode: $(head -c 600 "$T/w0.json")"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["shown"] == {"departments": "top", "physicians": "top", "top": 10}, w["shown"]
for kind in ("departments", "physicians"):
    u = w[kind]
    assert 0 < len(u) <= 10 and not any(x["listed"] for x in u)
    money = [float(x["month"]["money"]) for x in u]
    assert money == sorted(money, reverse=True), money
PY
serve_stop
expect "$T/e0.json" || stop "expect failed"
h0=$(python3 -c "import json; print(json.load(open('$T/e0.json'))['physicians']['today']['hits'])")
rules "$T/rules.json" $((h0 + 2))
python3 -c "
import json; r = json.load(open('$T/rules.json')); r['serve']['watch']['physicians'].append('DR-NOPE')
json.dump(r, open('$T/bad.json', 'w'))"
expect_exit 1 "a watch list naming no physician of the data" -- "$CW" serve --data "$T/D" --month $M --rules "$T/bad.json" \
	--accept-uncatalogued --listen 127.0.0.1:0
expect_output "serve.watch.physicians\[1\]: 'DR-NOPE' is not in physicians.csv" "the error names the key and the id"
serve_start "$T/s1.log" --data "$T/D" --month $M --rules "$T/rules.json" --accept-uncatalogued --quiet ||
	stop "serve did not start with the watch list"
watch "$T/w1.json" >/dev/null
$PY compare "$T/w1.json" "$T/e0.json" today && pass "at start: today's and the month's counters = the batch's" ||
	fail "at start the counters differ from the data's"
python3 - "$T/w1.json" "$T/pick.json" $((h0 + 2)) <<'PY' && pass "the list shown, its thresholds, no alert below them" ||
import json, sys
w, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [u["id"] for u in w["departments"]] == [p["dept"]] and [u["id"] for u in w["physicians"]] == [p["physician"]]
assert w["departments"][0]["listed"] and w["shown"]["physicians"] == "list"
assert w["thresholds"]["physician"]["hits_today"] == int(sys.argv[3])
assert w["alerts"] == [] and w["alerts_total"] == 0, w["alerts"]
PY
	fail "the list: $(head -c 800 "$T/w1.json")"

# --- claims accepted: one below the threshold, then at it ----------------------------------------
$PY claim "$T/pick.json" VW1 LW1 LW2 >"$T/c1.json"
post /v1/claims "@$T/c1.json"
python3 - "$T/body" <<'PY' && pass "claim 1: one duplicate_billing hit" || fail "claim 1: $(cat "$T/status") $(head -c 600 "$T/body")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["committed"] and [h["detector"] for h in a["hits"]] == ["duplicate_billing"] and a["withdrawn"] == [], a
PY
watch "$T/w2.json" >/dev/null
python3 - "$T/w2.json" $((h0 + 1)) <<'PY' && pass "one below the threshold: $((h0 + 1)) hits today, no alert" || fail "below: $(head -c 800 "$T/w2.json")"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["physicians"][0]["today"]["hits"] == int(sys.argv[2]), w["physicians"][0]["today"]
assert w["alerts"] == [], w["alerts"]
PY
$PY claim "$T/pick.json" VW2 LW3 LW4 23:00 >"$T/c2.json" # another minute: its own finding
post /v1/claims "@$T/c2.json"
grep -q '"detector":"duplicate_billing"' "$T/body" && pass "claim 2: its hit" || fail "claim 2: $(head -c 600 "$T/body")"
post /v1/claims "@$T/c2.json" # a retry: nothing new, counted once
$PY claim "$T/pick.json" VW3 LW5 LW6 23:30 >"$T/c3.json"
post /v1/check "@$T/c3.json" # a check: counted apart
grep -q '"committed":false' "$T/body" && pass "a check answered" || fail "check: $(head -c 300 "$T/body")"
watch "$T/w3.json" >/dev/null
python3 - "$T/w3.json" "$T/pick.json" $((h0 + 2)) <<'PY' && pass "at the threshold: one alert, with its value, threshold, time and reason" ||
import json, sys
w, p, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
ph = w["physicians"][0]
assert ph["today"]["hits"] == t, ph["today"]
assert len(w["alerts"]) == 1 and w["alerts_total"] == 1, w["alerts"]
a = w["alerts"][0]
assert (a["unit"], a["id"], a["metric"], a["value"], a["threshold"]) == ("physician", p["physician"], "hits_today", str(t), str(t)), a
assert a["day"] == p["latest"][:10] and a["at_start"] is False and a["time"].endswith("Z"), a
assert f"hits today {t} on {a['day']} reached the threshold {t}" in a["reason"], a["reason"]
assert ph["month"]["checks"] == 1 and ph["today"]["checks"] == 1 and ph["month"]["check_hits"] == 1, ph["month"]
assert w["checks"] == {"today": 1, "month": 1}, w["checks"]
PY
	fail "the alert: $(head -c 1200 "$T/w3.json")"
watch "$T/w3zh.json" zh >/dev/null
python3 -c "
import json; a = json.load(open('$T/w3zh.json'))['alerts'][0]
assert '今日命中次数' in a['reason'] and '达到阈值' in a['reason'], a['reason']" && pass "?lang=zh: the reason in Chinese" ||
	fail "zh reason: $(head -c 400 "$T/w3zh.json")"
# the first visit again, its two lines known and one new line of another minute: not a new visit
python3 - "$T/c1.json" >"$T/c4.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["lines"].append(dict(b["lines"][0], line_id="LW7", service_time=b["lines"][0]["service_time"][:11] + "22:00"))
print(json.dumps(b, ensure_ascii=False))
PY
post /v1/claims "@$T/c4.json"
grep -q '"new_lines":1,"known_lines":2' "$T/body" && pass "claim 1 again with a new line" || fail "claim 4: $(head -c 300 "$T/body")"
watch "$T/w3.json" >/dev/null
serve_stop

# --- after the claims: live = the batch's on the journal, and a restart rebuilds the same -----------
batch || fail "run on the journal failed"
expect "$T/e1.json"
$PY compare "$T/w3.json" "$T/e1.json" today && pass "live counters after the claims = the batch's on the journal" ||
	fail "live counters differ from the batch's"
serve_start "$T/s2.log" --data "$T/D" --month $M --rules "$T/rules.json" --accept-uncatalogued --quiet ||
	stop "serve did not restart"
watch "$T/w4.json" >/dev/null
$PY same "$T/w3.json" "$T/w4.json" && pass "after a restart: the same counters (checks, never stored, start again)" ||
	fail "the restart changed the counters"
python3 - "$T/w4.json" <<'PY' && pass "after a restart: the alert standing, raised once at start" || fail "restart alerts: $(head -c 800 "$T/w4.json")"
import json, sys
w = json.load(open(sys.argv[1]))
assert [(a["metric"], a["at_start"]) for a in w["alerts"]] == [("hits_today", True)], w["alerts"]
PY

# --- the page in headless Chromium (below, with tokens) ------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
page() { # OUT URL
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
		--user-data-dir="$T/chrome" --virtual-time-budget=4000 --dump-dom "$2" >"$1" 2>"$T/chrome.log"
}
check_dom() { # DOM LANG WATCH.json
	python3 - "$@" "$T/pick.json" <<'PY'
import html.parser, json, sys
dom, lang, w, p = open(sys.argv[1]).read(), sys.argv[2], json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.cells = {}; s.alerts = []; s.text = {}; s.row = None; s.cls = None
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == 'tr' and 'data-id' in a: s.row = a['data-id']; s.cells[s.row] = {}
        s.cls = a.get('class') if tag == 'td' else ('li' if tag == 'li' and 'data-metric' in a else a.get('id'))
    def handle_data(s, d):
        if s.row and s.cls: s.cells[s.row][s.cls] = s.cells[s.row].get(s.cls, '') + d
        elif s.cls == 'li': s.alerts.append(d)
        elif s.cls: s.text[s.cls] = s.text.get(s.cls, '') + d
    def handle_endtag(s, tag):
        if tag == 'tr': s.row = None
        s.cls = None
x = P(); x.feed(dom)
ph = w["physicians"][0]
c = x.cells.get(p["physician"])
assert c, ("no row for the physician", dom[:2000])
assert c["hits-today"] == str(ph["today"]["hits"]) and c["hits-month"] == str(ph["month"]["hits"]), c
assert c["money-month"] == ph["month"]["money"] and c["lines"] == str(ph["month"]["lines"]), c
assert x.cells.get(p["dept"], {}).get("revenue") == w["departments"][0]["month"]["revenue"], x.cells.get(p["dept"])
assert len(x.alerts) == 1, x.alerts
want = ("reached the threshold", "Key departments and physicians", "Today " + w["today"]) if lang == "en" else \
       ("达到阈值", "重点科室和重点医生实时监控", "今日 " + w["today"])
assert want[0] in x.alerts[0], x.alerts
assert want[1] in x.text.get("title", ""), x.text
assert want[2] in x.text.get("status", ""), x.text
PY
}
serve_stop

# --- a month with no claim yet (the first day of a new month): nothing to count, no error -------------
serve_start "$T/s4.log" --data "$T/D" --month 2026-04 --rules "$T/rules.json" --accept-uncatalogued --quiet ||
	stop "serve did not start on an empty month"
watch "$T/w5.json" >/dev/null
python3 - "$T/w5.json" <<'PY' && pass "an empty month: today null, zero counters, no alert" || fail "empty month: $(head -c 600 "$T/w5.json")"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["month"] == "2026-04" and w["today"] is None and w["alerts"] == [], w
assert w["physicians"][0]["month"]["lines"] == 0 and w["physicians"][0]["month"]["drug_share"] is None
assert w["departments"][0]["month"]["cost_per_visit"] is None
PY
serve_stop

# --- tokens: the watch role; the page ----------------------------------------------------------------
h() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
printf 'sha256:%s check checker\nsha256:%s watch office\n' "$(h tok-check)" "$(h tok-watch)" >"$T/tokens"
serve_start "$T/s3.log" --data "$T/D" --month $M --rules "$T/rules.json" --accept-uncatalogued --tokens "$T/tokens" --lang en ||
	stop "serve did not start with tokens"
[ "$(watch "$T/t.json" en)" = 401 ] && grep -q '"unauthorized"' "$T/t.json" && pass "/v1/watch without a token: 401" ||
	fail "no token: $(cat "$T/t.json")"
[ "$(watch "$T/t.json" en -H 'Authorization: Bearer tok-check')" = 403 ] && pass "/v1/watch with a check token: 403" ||
	fail "check token: $(cat "$T/t.json")"
[ "$(watch "$T/t.json" en -H 'Authorization: Bearer tok-watch')" = 200 ] && $PY same "$T/w4.json" "$T/t.json" &&
	pass "/v1/watch with a watch token: 200, the counters" || fail "watch token: $(head -c 300 "$T/t.json")"
code=$(curl -s -o "$T/page.html" -w '%{http_code}' "http://127.0.0.1:$PORT/watch")
[ "$code" = 200 ] && grep -q 'fetch(' "$T/page.html" && ! grep -qE '<(script|link|img)[^>]+(src|href)=' "$T/page.html" &&
	pass "GET /watch: the page, no token needed (it holds no data), no external asset" || fail "page: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/v1/watch" -H 'Authorization: Bearer tok-watch')
[ "$code" = 405 ] && pass "POST /v1/watch: 405" || fail "POST /v1/watch: $code"
if [ -z "$CHROMIUM" ]; then
	fail "no chromium (scripts/setup.sh --tests installs it)"
else
	for lang in en zh; do
		page "$T/dom-$lang.html" "http://127.0.0.1:$PORT/watch?lang=$lang&every=1#token=tok-watch"
		check_dom "$T/dom-$lang.html" $lang "$T/w4.json" &&
			pass "page ($lang, #token= sent as a Bearer header): polled, the counters and the alert rendered" ||
			fail "page ($lang): $(grep -o '<p id="status"[^<]*' "$T/dom-$lang.html") $(head -c 300 "$T/chrome.log")"
	done
	page "$T/dom-notok.html" "http://127.0.0.1:$PORT/watch?lang=en"
	grep -q 'a token is needed' "$T/dom-notok.html" && pass "page without a token: says one is needed" ||
		fail "page without a token: $(grep -o '<p id="status"[^<]*' "$T/dom-notok.html")"
fi
serve_stop
grep -q 'tok-watch' "$T/s3.log" && fail "a token in the log" || pass "no token in the log"
grep -q 'GET /v1/watch 200' "$T/s3.log" && grep -q 'by office' "$T/s3.log" && ! grep -q '?lang' "$T/s3.log" &&
	pass "the log: the route and the token's name, no query" || fail "log: $(tail -5 "$T/s3.log")"
finish
