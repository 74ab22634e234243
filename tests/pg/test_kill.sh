#!/usr/bin/env bash
# test_kill.sh: a run whose connection is killed (pg_terminate_backend) in the middle of writing its
# results back leaves the month's previous results intact, in the database and in ROOT.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet >/dev/null || fail "load"
expect_exit 0 "first run" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
before=$(q "select run_id, finding_id, suspect_amount from claimwatch.findings order by 2")
[ -n "$before" ] && pass "the first run wrote findings" || fail "no findings"
cp "$TMP/o/2026-05/findings.csv" "$TMP/first.csv"

# Change the data so that a second run would give other results: one more over-priced line.
q "insert into claim_lines select 'L99', visit_id, item_code, physician_id, service_time + interval '1 hour', qty,
   unit_price, amount from claim_lines where line_id = 'L3'"

# Another session holds the first run's row: the second run writes all its results, then waits at its
# very last statement (deleting the earlier run) until the test kills its connection.
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL &
SET application_name = 'cw_locker';
BEGIN;
SELECT 1 FROM claimwatch.runs WHERE command = 'run' FOR UPDATE;
SELECT pg_sleep(30);
COMMIT;
SQL
locker=$!
for _ in $(seq 100); do
  [ "$(q "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'cw_locker' and query like '%pg_sleep%'")" = 1 ] && break
  sleep 0.1
done
"$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" >"$TMP/run.out" 2>&1 &
runner=$!
pid=
for _ in $(seq 200); do
  pid=$(q "select pid from pg_stat_activity where datname = current_database() and application_name = 'claimwatch' and wait_event_type = 'Lock'")
  [ -n "$pid" ] && break
  sleep 0.1
done
if [ -n "$pid" ]; then
  pass "the second run is waiting in the middle of its write-back"
  q "select count(*) from pg_stat_activity where datname = current_database() and pid = $pid and query like '%DELETE FROM claimwatch.runs%'" | grep -qx 1 \
    && pass "it has written its results and waits at the last statement" || fail "waiting elsewhere"
  q "select pg_terminate_backend($pid)" >/dev/null
else
  fail "the second run never reached the write-back"
fi
wait "$runner"
rc=$?
q "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'cw_locker'" >/dev/null
wait "$locker" 2>/dev/null
[ "$rc" = 1 ] && pass "the killed run fails (exit 1)" || fail "killed run: exit $rc"
cp "$TMP/run.out" "$TMP/out"; cat "$TMP/out"
expect_one_line "the killed run says so in one line"
expect_output "lost|terminat" "the message names the lost connection"
expect_output "earlier results were kept" "the message says the earlier results were kept"
[ "$(q "select run_id, finding_id, suspect_amount from claimwatch.findings order by 2")" = "$before" ] \
  && pass "the previous results are intact in the database" || fail "the database results changed"
[ "$(q "select count(*) from claimwatch.runs where command = 'run'")" = 1 ] && pass "one run recorded" || fail "runs"
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "the previous files in ROOT are intact" \
  || fail "ROOT/2026-05 was replaced"

# Once nothing is in the way, the run goes through and the new line is found.
expect_exit 0 "the run again" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
q "select count(*) from claimwatch.findings where detector = 'over_price' and 'L99' = any(line_ids)" | grep -qx 1 \
  && pass "the new results replaced the old" || fail "new results"
finish
