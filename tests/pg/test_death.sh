#!/usr/bin/env bash
# test_death.sh: the optional patients.death_date (schema version 5) through `claimwatch load` and
# `claimwatch run --db`: the dates round-trip, a run from the database gives the same findings as the same
# folder from CSV (phantom_service's after_death among them), and a later load of a folder without the
# column keeps the dates the database has.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
copy_mini "$TMP/d"
# P2 dies on the first day of her stay V2 (May 10-14): its lines of May 11 come after the death, those of
# the evening of May 10 do not. P3 dies after her visit; P1 has no death date.
printf 'patient_id,sex,birth_date,death_date\nP1,M,1960-03-12,\nP2,F,1985-11-30,2026-05-10\nP3,U,,2026-06-01\n' \
  > "$TMP/d/patients.csv"
expect_exit 0 "load a folder with death dates" -- "$CW" load --quiet --data "$TMP/d" --db "$URL"
[ "$(q "select patient_id || '=' || coalesce(death_date::text, '') from patients order by 1" | tr '\n' ' ')" = \
  "P1= P2=2026-05-10 P3=2026-06-01 " ] && pass "the death dates are in patients" \
  || fail "death dates: $(q "select * from patients")"

expect_exit 0 "run from CSV" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/csv" --no-report
expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/db" --no-report
cmp -s "$TMP/csv/2026-05/findings.csv" "$TMP/db/2026-05/findings.csv" && pass "the same findings from CSV and the database" \
  || { fail "findings differ"; diff "$TMP/csv/2026-05/findings.csv" "$TMP/db/2026-05/findings.csv" >&2; }
grep -q ',phantom_service,.*,V2,L7 L8 L6,263.00,.*,after_death,' "$TMP/db/2026-05/findings.csv" \
  && pass "the lines after the death are found from the database" \
  || { fail "no after_death finding"; cat "$TMP/db/2026-05/findings.csv" >&2; }
[ "$(grep -c ',after_death,' "$TMP/db/2026-05/findings.csv")" = 1 ] && pass "one after_death finding" \
  || fail "after_death findings: $(grep -c ',after_death,' "$TMP/db/2026-05/findings.csv")"
[ "$(q "select count(*) from claimwatch.findings where tag = 'after_death'")" = 1 ] \
  && pass "written back to claimwatch.findings" || fail "claimwatch.findings"

# The monthly extract without the column: the dates stay.
expect_exit 0 "load the folder without death_date" -- "$CW" load --quiet --data "$SRC/tests/data/mini" --db "$URL"
[ "$(q "select death_date from patients where patient_id = 'P2'")" = 2026-05-10 ] \
  && pass "a load without death dates keeps them" || fail "P2's death date: $(q "select death_date from patients")"
expect_exit 0 "run from the database again" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/db2" --no-report
cmp -s "$TMP/csv/2026-05/findings.csv" "$TMP/db2/2026-05/findings.csv" && pass "still the same findings" \
  || fail "findings changed after a load without death dates"
# A corrected date replaces the old one.
sed -i 's/2026-05-10$/2026-05-11/' "$TMP/d/patients.csv"
expect_exit 0 "load a corrected death date" -- "$CW" load --quiet --data "$TMP/d" --db "$URL"
[ "$(q "select death_date from patients where patient_id = 'P2'")" = 2026-05-11 ] && pass "a load corrects a death date" \
  || fail "P2's death date: $(q "select death_date from patients")"
expect_exit 0 "run after the correction" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/db3" --no-report
grep -q ',after_death,' "$TMP/db3/2026-05/findings.csv" && fail "lines of the death day flagged" \
  || pass "the death day's own lines are not flagged"
finish
