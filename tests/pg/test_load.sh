#!/usr/bin/env bash
# test_load.sh: `claimwatch db init` and `claimwatch load`: the schema, loading a folder twice without
# duplicates, a changed folder correcting lines and --replace-months replacing its month, rejects
# identical to a CSV run's, too many rejects loading nothing.
. "$(dirname "$0")/lib.sh"

expect_exit 2 "load without --db" -- "$CW" load --data "$SRC/tests/data/mini"
expect_exit 2 "db without a subcommand" -- "$CW" db
expect_exit 0 "db --help" -- "$CW" db --help

# Before db init: a clear one-line error.
expect_exit 1 "load before db init" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL"
expect_one_line "load before db init: one line"
expect_output "db init" "load before db init: says to run db init"

expect_exit 0 "db init" -- "$CW" db init --db "$URL"
expect_output "created claimwatch schema version 10" "db init says what it made"
expect_exit 0 "db init again" -- "$CW" db init --db "$URL"
expect_output "already there" "db init again changes nothing"
[ "$(q "select max(version) from claimwatch.schema_version")" = 10 ] && pass "schema version 10" || fail "version"
[ "$(q "select count(*) from pg_constraint where conrelid = 'claim_lines'::regclass and confrelid = 'items'::regclass")" = 0 ] \
  && pass "claim_lines.item_code has no foreign key on items (self_created_item)" || fail "claim_lines refers to items"
[ "$(q "select relkind from pg_class where relname = 'claim_lines'")" = p ] && pass "claim_lines is partitioned" \
  || fail "claim_lines not partitioned"

counts() {
  q "select (select count(*) from institutions), (select count(*) from departments), (select count(*) from physicians),
            (select count(*) from patients), (select count(*) from items), (select count(*) from bundles),
            (select count(*) from visits), (select count(*) from claim_lines), (select count(*) from prescriptions),
            (select count(*) from exam_results)"
}
expect_exit 0 "load the mini month" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL"
expect_output "claim lines of 2026-05: 11 loaded, 0 earlier lines of the same ids replaced; 11 now \(0 before\)" \
  "load reports the month's lines"
first=$(counts)
want="$(($(wc -l < "$SRC/tests/data/mini/claim_lines.csv") - 1))"
[ "$(q "select count(*) from claim_lines")" = "$want" ] && pass "every claim line loaded" || fail "claim lines: $first"
[ "$(q "select count(*) from claim_lines_2026_05")" = 11 ] && pass "May in its partition" || fail "partition"
expect_exit 0 "load the same folder again" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet
[ "$(counts)" = "$first" ] && pass "loading twice does not duplicate ($first)" || fail "counts changed: $(counts) vs $first"
[ "$(q "select count(*) from claimwatch.runs where command = 'load'")" = 2 ] && pass "two loads recorded" \
  || fail "loads recorded"

# A changed folder corrects the lines it has and keeps the others: drop a line, change another's amount.
copy_mini "$TMP/d"
grep -v '^L5,' "$TMP/d/claim_lines.csv" | sed 's/^\(L3,.*\),[0-9.]*$/\1,99.00/' > "$TMP/cl" && mv "$TMP/cl" "$TMP/d/claim_lines.csv"
expect_exit 0 "load a changed month" -- "$CW" load --data "$TMP/d" --db "$URL"
expect_output "claim lines of 2026-05: 10 loaded, 10 earlier lines of the same ids replaced; 11 now" \
  "the load says what it replaced"
[ "$(q "select count(*) from claim_lines where line_id = 'L5'")" = 1 ] && pass "a line the folder lacks stays" \
  || fail "line L5 was removed"
[ "$(q "select amount from claim_lines where line_id = 'L3'")" = 99.00 ] && pass "a changed line is corrected" \
  || fail "L3: $(q "select amount from claim_lines where line_id = 'L3'")"
[ "$(counts)" = "$first" ] && pass "no row added or lost" || fail "counts changed: $(counts) vs $first"
# --replace-months makes the month the folder's, and says what it removed.
expect_exit 0 "load replacing the month" -- "$CW" load --data "$TMP/d" --db "$URL" --replace-months 2026-05
expect_output "claim lines of 2026-05 replaced \(--replace-months\): 1 removed, with 0 exam results; 10 loaded" \
  "the replacing load says what it removed"
expect_output "findings of earlier runs of 2026-05 may cite removed lines: run the month again" \
  "it says earlier findings may cite the removed lines"
[ "$(q "select count(*) from claim_lines where line_id = 'L5'")" = 0 ] && pass "the month was replaced" \
  || fail "line L5 still there"

# A file that fails to read is named with its own reason (the COPY it was streaming into is ended
# quietly, not with a second message over the first).
copy_mini "$TMP/empty"
: > "$TMP/empty/exam_results.csv"
expect_exit 1 "a load with an empty file" -- "$CW" load --data "$TMP/empty" --db "$URL"
expect_one_line "a load with an empty file: one line"
expect_output "exam_results.csv: the file is empty" "a load with an empty file: names it and why"

# Bad rows: the same rejects as a CSV run, in the reject file and in claimwatch.rejects; nothing loaded
# when there are too many.
printf 'L90,V9,C1,,2026-05-04 08:30,1,10,10\nL91,V1,C1,,2026-05-32 08:30,1,10,10\n' >> "$TMP/d/claim_lines.csv"
before=$(counts)
expect_exit 3 "too many rejects" -- "$CW" load --data "$TMP/d" --db "$URL" --rejects "$TMP/rej.csv"
expect_output "nothing was loaded" "too many rejects: says nothing was loaded"
[ "$(counts)" = "$before" ] && pass "too many rejects: nothing changed" || fail "rows changed"
expect_exit 0 "rejects under a higher limit" -- "$CW" load --data "$TMP/d" --db "$URL" --rejects "$TMP/rej.csv" \
  --max-reject-share 0.5
"$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --max-reject-share 0.5 >/dev/null 2>&1
if diff <(tail -n +2 "$TMP/rej.csv" | sort) <(tail -n +2 "$TMP/o/2026-05/rejects.csv" | sort) >"$TMP/diff"; then
  pass "load rejects the same rows for the same reasons as a CSV run"
else
  fail "rejects differ"; sed 's/^/    /' "$TMP/diff" >&2
fi
run=$(q "select max(run_id) from claimwatch.runs where command = 'load'")
[ "$(q "select count(*) from claimwatch.rejects where run_id = $run")" = 2 ] && pass "2 rejects in claimwatch.rejects" \
  || fail "rejects table"
q "select file, line, \"column\" from claimwatch.rejects where run_id = $run order by line" > "$TMP/rj"
grep -q '^claim_lines.csv|13|visit_id$' "$TMP/rj" && pass "reject names file, line, column" || fail "reject row: $(cat "$TMP/rj")"
[ "$(q "select count(*) from claim_lines where line_id in ('L90', 'L91')")" = 0 ] && pass "rejected rows not loaded" \
  || fail "rejected rows loaded"
finish
