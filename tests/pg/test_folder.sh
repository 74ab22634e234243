#!/usr/bin/env bash
# test_folder.sh: the database and ROOT after a run from the database killed between its commit and the
# move of its folder into place. The folder carries the run's id (summary.json: source.database and
# source.run_id, written before the commit); the next `run --db` finds the folder the killed run left
# beside ROOT/YYYY-MM, sees that the database committed that run, and moves it into place (ROOT used to
# keep the old results until the month was run again). A month folder whose run is not the database's
# current one, which nothing can repair, is reported.
#
# To stop the run right after its commit, its session commits with synchronous_commit on while the
# server waits for a synchronous standby that never comes: the commit is done, the run waits for the
# standby's answer, and is killed there. Every other session of the server commits with synchronous_commit
# off (server.sh), so nothing else waits.
. "$(dirname "$0")/lib.sh"

standby() { psql -X -qAt -d "$DB" -c "ALTER SYSTEM SET synchronous_standby_names = '$1'" -c "SELECT pg_reload_conf()" >/dev/null; }
trap 'standby ""; dropdb --if-exists --force "$DB" >/dev/null 2>&1; rm -rf "$TMP"' EXIT

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet >/dev/null || fail "load"
expect_exit 0 "the first run" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
first=$(q "select run_id from claimwatch.runs where command = 'run'")
grep -q "\"run_id\":[[:space:]]*$first" "$TMP/o/2026-05/summary.json" && pass "summary.json names the run ($first)" \
  || fail "summary.json lacks the run id"
cp "$TMP/o/2026-05/findings.csv" "$TMP/first.csv"
# One more over-priced line: the next run finds one more thing.
q "insert into claim_lines select 'L99', visit_id, item_code, physician_id, service_time + interval '1 hour', qty,
   unit_price, amount from claim_lines where line_id = 'L3'"

standby cw_never
# The setting takes a moment to reach every process: a probe commits until it is seen waiting, then is
# cancelled (which ends its wait, the commit done).
armed=0
for _ in $(seq 100); do
  PGOPTIONS="-c synchronous_commit=on" PGAPPNAME=cw_probe psql -X -q -d "$DB" -c "create temp table cw_probe ()" \
    >/dev/null 2>&1 &
  probe=$!
  sleep 0.2
  [ "$(q "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'cw_probe' and wait_event = 'SyncRep'")" = 1 ] \
    && armed=1
  q "select pg_cancel_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'cw_probe'" >/dev/null
  wait "$probe"
  [ "$armed" = 1 ] && break
done
[ "$armed" = 1 ] && pass "commits with synchronous_commit on wait for the standby" || fail "the standby wait never began"
PGOPTIONS="-c synchronous_commit=on" "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" >"$TMP/run.out" 2>&1 &
runner=$!
wait_for "the run waiting after its commit" "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'claimwatch'
                                            and wait_event = 'SyncRep'" 1
kill -KILL "$runner"
wait "$runner" 2>/dev/null
standby ""
wait_for "the commit seen" "select count(*) from pg_stat_activity where datname = current_database() and wait_event = 'SyncRep'" 0
second=$(q "select run_id from claimwatch.runs where command = 'run'")
[ "$second" != "$first" ] && pass "the database has the killed run's results (run $second)" || fail "the run did not commit"
n=$(q "select count(*) from claimwatch.findings")
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "ROOT still has the first run's results" \
  || fail "ROOT was replaced"
compgen -G "$TMP/o/.tmp-2026-05.*" >/dev/null && pass "the killed run left its folder beside ROOT/2026-05" \
  || fail "no folder left"

# The next run from the database, of any month, puts the committed results in place.
expect_exit 0 "a run of another month" -- "$CW" run --db "$URL" --month 2026-06 --out "$TMP/o"
expect_output "^2026-05: the results of run $second, which .* committed, were still in $TMP/o/.tmp-2026-05\.[0-9.]* .*: moved into $TMP/o/2026-05$" \
  "it says it moved them into place"
[ "$(($(wc -l < "$TMP/o/2026-05/findings.csv") - 1))" = "$n" ] && pass "ROOT/2026-05 has the database's $n findings" \
  || fail "ROOT/2026-05: $(($(wc -l < "$TMP/o/2026-05/findings.csv") - 1)) findings, the database $n"
grep -q "\"run_id\":[[:space:]]*$second" "$TMP/o/2026-05/summary.json" && pass "ROOT/2026-05 is run $second" \
  || fail "ROOT/2026-05 is another run"
[ -z "$(ls -A "$TMP/o" | grep -E '^\.(tmp|old)-')" ] && pass "nothing left beside" || fail "leftovers: $(ls -A "$TMP/o")"

# A month folder that is not the database's current run, with nothing to repair it: said, with the fix.
expect_exit 0 "the month into another ROOT" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/other"
third=$(q "select run_id from claimwatch.runs where command = 'run' and month = '2026-05-01'")
expect_exit 0 "a run into the first ROOT" -- "$CW" run --db "$URL" --month 2026-06 --out "$TMP/o"
expect_output "^2026-05: $TMP/o/2026-05 holds the results of run $second, but the current results of 2026-05 in .* are those of run $third \(.*\): run the month again to bring them together$" \
  "the disagreement is reported, with what to do"
finish
