#!/usr/bin/env bash
# test_concurrent.sh: a run from the database and a load exclude each other. A run started while a load
# of the same data is under way waits for it, says so, and then reads what was loaded (it used to read
# the month half-moved: no claim lines, empty results, exit 0); with --load-wait it gives up clearly. A
# month whose current results had claim lines and whose source has none now is an error, not an empty
# result, unless --allow-empty.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet >/dev/null || fail "load"
expect_exit 0 "the first run" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
n0=$(q "select count(*) from claimwatch.findings")
[ "$n0" -gt 0 ] && pass "the first run found $n0 findings" || fail "no findings"
cp "$TMP/o/2026-05/findings.csv" "$TMP/first.csv"

# hold_load: another session locks the exam results, so that a load of the same folder stops at them,
# its claim lines already moved and not yet committed: a load under way, for as long as the test wants.
hold_load() {
  psql -X -q -d "$DB" -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL &
SET application_name = 'cw_locker';
BEGIN;
SELECT 1 FROM exam_results FOR UPDATE;
SELECT pg_sleep(60);
COMMIT;
SQL
  locker=$!
  wait_for "the locker" "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'cw_locker'
                         and query like '%pg_sleep%'" 1
  "$CW" load --quiet --data "$SRC/tests/data/mini" --db "$URL" >"$TMP/load.out" 2>&1 &
  loader=$!
  wait_for "the load under way" "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'claimwatch'
                                 and wait_event_type = 'Lock' and query like '%exam_results%'" 1
}
# release: the locker goes, the load commits.
release() {
  q "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'cw_locker'" >/dev/null
  wait "$locker" 2>/dev/null
  wait "$loader" && pass "the load went through" || { fail "the load failed"; cat "$TMP/load.out" >&2; }
}

# A run during a load waits for it, then reads the month whole.
hold_load
"$CW" run --db "$URL" --month 2026-05 --out "$TMP/o" >"$TMP/run.out" 2>&1 &
runner=$!
wait_for "the run waiting" "select count(*) from pg_stat_activity where datname = current_database() and application_name = 'claimwatch'
                            and wait_event_type = 'Lock'" 2
release
wait "$runner" && pass "the run during the load succeeds" || fail "the run during the load failed"
cp "$TMP/run.out" "$TMP/out"
expect_output "a load is in progress: waiting for it to finish" "the run says it waits for the load"
grep -q "no claim lines" "$TMP/out" && fail "the run read an empty month" || pass "the run read the month"
[ "$(q "select count(*) from claimwatch.findings")" = "$n0" ] && pass "the same $n0 findings in the database" \
  || fail "findings in the database: $(q "select count(*) from claimwatch.findings") instead of $n0"
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "the same findings in ROOT" || fail "ROOT's findings changed"

# One that may not wait that long fails clearly, and changes nothing.
hold_load
expect_exit 1 "a run that may wait 1 s" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" --load-wait 1
expect_one_line "the run that gave up: one line"
expect_output "a load into .* was still in progress after 1 s \(--load-wait\): nothing was read" \
  "the run that gave up says why"
expect_exit 1 "a run that may not wait" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" --load-wait 0
expect_output "a load into .* is in progress: run again when it is done" "the run that may not wait says why"
release
[ "$(q "select count(*) from claimwatch.runs where command = 'run'")" = 1 ] && pass "one run recorded" || fail "runs"
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "ROOT is as it was" || fail "ROOT changed"

# A month that lost its lines: an error, the results kept, in the database and in ROOT.
q "delete from claim_lines where service_time >= '2026-05-01'"
expect_exit 1 "a month that lost its lines, into a new ROOT" -- "$CW" run --quiet --db "$URL" --month 2026-05 \
  --out "$TMP/fresh"
expect_one_line "the emptied month: one line"
expect_output "has no claim lines of the month, but its current results \(run [0-9]+ of .* in claimwatch.runs\) were made from 11: nothing was replaced; .*--allow-empty" \
  "the emptied month: says what the database's current run had, and what to do"
expect_exit 1 "a month that lost its lines, into its ROOT" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
expect_output "but its current results \($TMP/o/2026-05\) were made from 11" "the emptied month: names ROOT's results"
[ "$(q "select count(*) from claimwatch.findings")" = "$n0" ] && pass "the database's results were kept" \
  || fail "the database's results changed"
cmp -s "$TMP/first.csv" "$TMP/o/2026-05/findings.csv" && pass "ROOT's results were kept" || fail "ROOT changed"
expect_exit 0 "--allow-empty accepts it" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" --allow-empty
[ "$(q "select status from claimwatch.runs where command = 'run'")" = empty ] && pass "the empty month recorded" \
  || fail "status"
finish
