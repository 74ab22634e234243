#!/usr/bin/env bash
# test_serve_db.sh: `claimwatch serve --db URL` (issue 16, points 1 and 3; docs/serve.md, "Serving from
# PostgreSQL"). A generated month is split (tests/cli/serve_replay.py): the rest is loaded into the
# database and into a CSV folder, the month's claims are sent to a service on each.
#   * the same answers: POST /v1/check and POST /v1/claims answer the same bodies from both;
#   * idempotent: a claim sent again adds no row;
#   * kill -9 under a client, restart: every acknowledged line is in claim_lines once;
#   * every claim again, then a batch `run --db`: the findings standing at the service are the batch's
#     findings of those detectors (same ids, lines, money);
#   * the database goes away (its server stopped): a claim is answered 503 with a JSON error and is
#     not in the database; checks go on; when the server is back the next claim is committed.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/cli/serve_lib.sh"
T=$TMP
PRIV=""      # the private server of the last part (its state folder)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  serve_stop
  [ -n "$PRIV" ] && bash "$SRC/tests/pg/server.sh" stop "$PRIV" >/dev/null 2>&1
  dropdb --if-exists --force "$DB" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
command -v curl >/dev/null || skip "no curl on this machine (apt-get install curl)"
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }
PY="python3 $SRC/tests/pg/serve_db.py"
RP="python3 $SRC/tests/cli/serve_replay.py"
M=2026-03

"$CW" gen --out "$T/D" --months 2026-02..$M --lines "${CW_TEST_LINES:-1500}" --seed 11 --quiet || stop "gen failed"
$RP split "$T/D" $M "$T/B" "$T/claims.jsonl" >/dev/null || stop "split failed"
N=$(wc -l <"$T/claims.jsonl")
K=$((N / 4))
"$CW" db init --db "$URL" --quiet >/dev/null || stop "db init"
"$CW" load --data "$T/B" --db "$URL" --quiet >"$T/load.out" 2>&1 || { cat "$T/load.out" >&2; stop "load failed"; }
SERVE=(--month $M --rules "$T/D/rules.json" --accept-uncatalogued --quiet)
[ "$(q "select claimwatch.claim_month_part('$M-01') is null")" = t ] || fail "the served month has a partition already"

# --- the same answers from a folder and from the database ------------------------------------------
# Checks of the first K claims, then the same claims accepted, by a service on the folder the database
# was loaded from and by one on the database.
serve_start "$T/csv.log" --data "$T/B" "${SERVE[@]}" || stop "the CSV service did not start"
$PY post "$PORT" /v1/check "$T/claims.jsonl" 1 "$K" "$T/csv.check" || fail "CSV checks refused"
$PY post "$PORT" /v1/claims "$T/claims.jsonl" 1 "$K" "$T/csv.claims" || fail "CSV claims refused"
serve_stop
serve_start "$T/db.log" --db "$URL" "${SERVE[@]}" || stop "the service on --db did not start"
grep -q "listening on" "$T/db.log" && pass "serve --db starts ($(grep -o '[0-9]* claim lines' "$T/db.log"))"
$PY post "$PORT" /v1/check "$T/claims.jsonl" 1 "$K" "$T/db.check" || fail "checks refused on --db"
lines_before=$(q "select count(*) from claim_lines")
cmp -s "$T/csv.check" "$T/db.check" && pass "$K checks: the same answers from the folder and the database" ||
  { fail "checks differ"; diff "$T/csv.check" "$T/db.check" | head -4 >&2; }
[ "$(q "select count(*) from claim_lines")" = "$lines_before" ] && pass "a check stores nothing" || fail "a check stored rows"
$PY post "$PORT" /v1/claims "$T/claims.jsonl" 1 "$K" "$T/db.claims" "$T/acked" || fail "claims refused on --db"
cmp -s "$T/csv.claims" "$T/db.claims" && pass "$K claims: the same answers from the folder and the database" ||
  { fail "claims differ"; diff "$T/csv.claims" "$T/db.claims" | head -4 >&2; }
hits=$(grep -o '"detector"' "$T/db.claims" | wc -l)
[ "$hits" -gt 0 ] && pass "$hits hits among them" || fail "no hit at all: nothing compared"
n_acked=$(wc -l <"$T/acked")
[ "$(q "select claimwatch.claim_month_part('$M-01')::text")" = "claim_lines_${M/-/_}" ] &&
  pass "the served month's first line made its partition, named as load names it" || fail "no partition for $M"
[ "$(q "select count(*) from claim_lines")" = $((lines_before + n_acked)) ] &&
  pass "$n_acked accepted lines committed" || fail "committed lines: $(q "select count(*) from claim_lines") - $lines_before, not $n_acked"

# --- idempotent ----------------------------------------------------------------------------------------
first=$(head -1 "$T/acked")
$PY post "$PORT" /v1/claims "$T/claims.jsonl" 1 1 "$T/again" || fail "the same claim again refused"
$PY post "$PORT" /v1/claims "$T/claims.jsonl" 1 1 "$T/again" || fail "the same claim a third time refused"
grep -q '"new_lines":0' "$T/again" && [ "$(q "select count(*) from claim_lines where line_id = '$first'")" = 1 ] &&
  pass "the same claim twice: no new line, one row" || fail "a repeated claim: $(head -c 200 "$T/again")"
[ "$(q "select count(*) from claim_lines")" = $((lines_before + n_acked)) ] && pass "no row added by the repeats" ||
  fail "the repeats added rows"

# --- kill -9 under a client, restart ---------------------------------------------------------------------
$PY post "$PORT" /v1/claims "$T/claims.jsonl" $((K + 1)) "$N" "$T/db.rest" "$T/acked" 2>/dev/null & client=$!
for _ in $(seq 1 200); do [ "$(wc -l <"$T/acked")" -ge $((n_acked + 30)) ] && break; sleep 0.05; done
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=""
wait $client
acked=$(sort -u "$T/acked" | wc -l)
[ "$acked" -gt "$n_acked" ] && pass "killed with SIGKILL after $acked acknowledged lines" || fail "the kill came at $acked lines"
serve_start "$T/db2.log" --db "$URL" "${SERVE[@]}" || stop "the service on --db did not restart"
sort -u "$T/acked" >"$T/acked.sorted"
q "select line_id from claim_lines" | sort >"$T/stored"
missing=$(comm -23 "$T/acked.sorted" "$T/stored" | wc -l)
[ "$missing" = 0 ] && pass "every acknowledged line is in claim_lines" || fail "$missing acknowledged lines missing"
[ "$(q "select count(*) from (select line_id from claim_lines group by line_id having count(*) > 1) d")" = 0 ] &&
  pass "no line twice" || fail "lines twice in claim_lines"

# every claim again, from the first: the standing findings are the batch's
$PY post "$PORT" /v1/claims "$T/claims.jsonl" 1 "$N" "$T/db.all" || fail "claims refused after the restart"
[ "$(q "select count(*) from claim_lines")" = "$(($(tail -n +2 "$T/D/claim_lines.csv" | wc -l)))" ] &&
  pass "after every claim: exactly the generated month's lines" ||
  fail "claim_lines has $(q "select count(*) from claim_lines"), the folder $(($(wc -l <"$T/D/claim_lines.csv") - 1))"
dets=$(curl -s "http://127.0.0.1:$PORT/healthz" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["detectors"]))')
serve_stop
$PY standing "$T/db.all" "$T/served.json"
"$CW" run --quiet --db "$URL" --month $M --rules "$T/D/rules.json" --out "$T/R" --no-report --max-reject-share 1 ||
  fail "run --db after the service"
$RP batch "$T/R/$M/findings.csv" "$T/R/$M/evidence.csv" "$dets" "$T/batch.json" >/dev/null
nb=$(python3 -c "import json; print(len(json.load(open('$T/batch.json'))))")
[ "$nb" -ge 8 ] || fail "only $nb batch findings of the service's detectors: too few to compare"
$RP compare "$T/batch.json" "$T/served.json" >"$T/cmp" &&
  pass "run --db finds what the service answered: $(tail -1 "$T/cmp")" || { fail "run --db and the service differ"; cat "$T/cmp" >&2; }

# --- the database goes away ------------------------------------------------------------------------------
# A private server, so that stopping it disturbs no other test.
PRIV="$T/pg2"
bash "$SRC/tests/pg/server.sh" start "$PRIV" >/dev/null || stop "a second server did not start"
P2=$(. "$PRIV/env"; echo "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres passfile=$PGPASSFILE")
P2DIR=$(cat "$PRIV/tmpdir")
P2PORT=$(. "$PRIV/env"; echo "$PGPORT")
P2SOCK=$(. "$PRIV/env"; echo "$CW_PG_SOCKET")
copy_mini "$T/mini"
"$CW" db init --db "$P2" --quiet >/dev/null && "$CW" load --data "$T/mini" --db "$P2" --quiet >/dev/null 2>&1 ||
  stop "the mini month into the second server"
serve_start "$T/db3.log" --db "$P2" --month 2026-05 || stop "the service on the second server did not start"
claim() { # N: a visit of P3 with one line
  printf '{"visit":{"visit_id":"G%s","patient_id":"P3","inst_id":"H2","dept_id":"H2-GEN","physician_id":"DR3","kind":"outpatient","admit_time":"2026-05-22 08:00","dx_code":"J06"},"lines":[{"line_id":"GL%s","item_code":"C1","service_time":"2026-05-22 08:10","qty":"1","unit_price":"10","amount":"10"}]}' "$1" "$1"
}
q2() { psql -X -qAt -d "$P2" -c "$1"; }
post /v1/claims "$(claim 1)"
[ "$(cat "$T/status")" = 200 ] && [ "$(q2 "select count(*) from claim_lines where line_id = 'GL1'")" = 1 ] &&
  pass "a claim committed on the second server" || fail "GL1: $(cat "$T/status") $(cat "$T/body")"
as_owner "$CW_PG_BIN/pg_ctl" -D "$P2DIR/data" -m fast -w stop >/dev/null || fail "pg_ctl stop"
post /v1/claims "$(claim 2)"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["status"]==503 and e["code"]=="database_unavailable", e' \
  "$T/body" 2>/dev/null && [ "$(cat "$T/status")" = 503 ] &&
  pass "the server stopped: 503 database_unavailable" || fail "with the server stopped: $(cat "$T/status") $(cat "$T/body")"
post /v1/check "$(claim 2)"
[ "$(cat "$T/status")" = 200 ] && pass "checks go on without the database" || fail "a check: $(cat "$T/status")"
post /v1/claims "$(claim 2)"
[ "$(cat "$T/status")" = 503 ] && pass "still 503 while it is down" || fail "again: $(cat "$T/status")"
sleep 1 # a new connection is tried at most once a second
as_owner "$CW_PG_BIN/pg_ctl" -D "$P2DIR/data" -l "$P2DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$P2PORT -c unix_socket_directories=$P2SOCK -c fsync=off" start >/dev/null ||
  stop "pg_ctl start"
[ "$(q2 "select count(*) from claim_lines where line_id = 'GL2'")" = 0 ] && pass "nothing of the refused claim was kept" ||
  fail "GL2 is in the database"
post /v1/claims "$(claim 2)"
[ "$(cat "$T/status")" = 200 ] && grep -q '"new_lines":1' "$T/body" &&
  [ "$(q2 "select count(*) from claim_lines where line_id = 'GL2'")" = 1 ] &&
  pass "the server back: the claim is committed (connected again)" || fail "after the restart: $(cat "$T/status") $(cat "$T/body")"
grep -q "is unavailable: claims are answered 503" "$T/db3.log" && grep -q "connected to the database .* again" "$T/db3.log" &&
  pass "the log says when the database went away and when it came back" || fail "log: $(cat "$T/db3.log")"

# a row of that key stored since the start: the same row is taken, another is refused (409, nothing kept)
q2 "insert into visits values ('G3','P3','H2','H2-GEN','DR3','outpatient','2026-05-22 08:00',null,'J06',null);
    insert into claim_lines (line_id, visit_id, item_code, service_time, qty, unit_price, amount)
    values ('GL3','G3','C1','2026-05-22 08:10',1,10,10)"
post /v1/claims "$(claim 3)"
[ "$(cat "$T/status")" = 200 ] && [ "$(q2 "select count(*) from claim_lines where line_id = 'GL3'")" = 1 ] &&
  pass "rows already stored as sent (a commit whose answer was lost): taken, once" || fail "GL3: $(cat "$T/status") $(cat "$T/body")"
q2 "insert into claim_lines (line_id, visit_id, item_code, service_time, qty, unit_price, amount)
    values ('GL4','G3','C1','2026-05-23 09:00',2,10,20)"
post /v1/claims "$(claim 4)"
grep -q '"code":"conflict"' "$T/body" && [ "$(cat "$T/status")" = 409 ] &&
  [ "$(q2 "select count(*) from visits where visit_id = 'G4'")" = 0 ] &&
  [ "$(q2 "select count(*) from claim_lines where line_id = 'GL4'")" = 1 ] &&
  pass "a line id stored since with other values: 409 conflict, the claim's visit not kept" ||
  fail "GL4: $(cat "$T/status") $(cat "$T/body")"
# a load in progress holds the data lock: 503 load_in_progress
psql -X -qAt -d "$P2" -c "begin; select pg_advisory_xact_lock(7478003743); select pg_sleep(4); commit" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 1 40); do
  [ "$(q2 "select count(*) from pg_locks where locktype = 'advisory' and mode = 'ExclusiveLock'")" = 1 ] && break
  sleep 0.1
done
post /v1/claims "$(claim 5)"
grep -q '"code":"load_in_progress"' "$T/body" && [ "$(cat "$T/status")" = 503 ] &&
  pass "a load in progress: 503 load_in_progress" || fail "during a load: $(cat "$T/status") $(cat "$T/body")"
wait $locker
post /v1/claims "$(claim 5)"
[ "$(cat "$T/status")" = 200 ] && pass "the load done: the claim is committed" || fail "after the load: $(cat "$T/status")"
! grep -q 'P3' "$T/db3.log" && pass "no patient id in the log" || fail "a patient id in the log"
finish
