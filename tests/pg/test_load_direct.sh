#!/usr/bin/env bash
# test_load_direct.sh: `claimwatch load` into tables without rows (pg_direct.c): the COPY goes straight into
# them, truncated first (COPY FREEZE), or without FREEZE when the server refuses the TRUNCATE (a table of
# the hospital's own refers to one of them) or when one is published for logical replication; the tables
# end with the same rows, indexes and constraints as through the upsert, and the claim lines' partitions
# keep no load-time CHECK constraint.
. "$(dirname "$0")/lib.sh"

tables="institutions departments physicians patients items bundles visits claim_lines prescriptions exam_results"
# shape: the indexes and constraints of the input tables and of the month's partition.
shape() {
  q "select c.relname || ' ' || i.indexrelid::regclass::text || ' ' || pg_get_indexdef(i.indexrelid)
       from pg_index i join pg_class c on c.oid = i.indrelid
      where c.relnamespace = 'public'::regnamespace order by 1;
     select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
       from pg_constraint where connamespace = 'public'::regnamespace order by 1"
}
# rows: every row of every input table, sorted.
rows() {
  local t
  for t in $tables; do
    q "select '$t', x::text from $t x order by 2"
  done
}

expect_exit 0 "db init" -- "$CW" db init --db "$URL" --quiet
before=$(q "select pg_relation_filenode('visits')")
expect_exit 0 "a first load" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL"
[ "$(q "select pg_relation_filenode('visits')")" != "$before" ] && pass "the empty tables were truncated (new files)" \
  || fail "visits kept its file: no TRUNCATE, no FREEZE"
[ "$(q "select count(*) from pg_constraint where conname = 'cw_load_bound'")" = 0 ] \
  && pass "no load-time CHECK constraint left on the partitions" || fail "cw_load_bound left behind"
[ "$(q "select count(*) from pg_constraint where conrelid = 'claim_lines_2026_05'::regclass and contype = 'f' and convalidated")" = 2 ] \
  && pass "the month's partition has its two foreign keys, validated" || fail "partition foreign keys"
[ "$(q "select count(*) from claimwatch.runs where command = 'load'")" = 1 ] && pass "the load is recorded" || fail "runs"
first_rows=$(rows)
first_shape=$(shape)

# The same folder again goes through the upsert: the same rows, indexes and constraints.
expect_exit 0 "the same folder again (upsert)" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet
[ "$(rows)" = "$first_rows" ] && pass "the first load's rows are the upsert's" || fail "rows differ after the upsert"
[ "$(shape)" = "$first_shape" ] && pass "the same indexes and constraints" || fail "shape differs after the upsert"

# A table of the hospital's own refers to patients: TRUNCATE is refused, the load copies without FREEZE.
D2="${DB}_b"
createdb "$D2" || fail "createdb"
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1; dropdb --if-exists --force "$D2" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
URL2="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$D2"
expect_exit 0 "db init (second database)" -- "$CW" db init --db "$URL2" --quiet
psql -X -qAt -d "$D2" -v ON_ERROR_STOP=1 -c "create table notes (patient_id text references patients)" || fail "notes"
before=$(psql -X -qAt -d "$D2" -c "select pg_relation_filenode('visits')")
expect_exit 0 "a first load beside a table referring to patients" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL2"
[ "$(psql -X -qAt -d "$D2" -c "select pg_relation_filenode('visits')")" = "$before" ] \
  && pass "nothing truncated when the server refuses" || fail "visits was truncated"
DB_SAVED="$DB" DB="$D2"
[ "$(rows)" = "$first_rows" ] && pass "the same rows without FREEZE" || fail "rows differ without FREEZE"
[ "$(shape | grep -v '^notes')" = "$first_shape" ] && pass "the same indexes and constraints without FREEZE" \
  || fail "shape differs without FREEZE"

# An input table published for logical replication: nothing truncated (a subscriber would get the TRUNCATE).
dropdb --force "$D2" || fail "dropdb"
createdb "$D2" || fail "createdb"
expect_exit 0 "db init (third database)" -- "$CW" db init --db "$URL2" --quiet
q "create publication cw_test_pub for table patients" 2>/dev/null || fail "publication"
before=$(q "select pg_relation_filenode('visits')")
expect_exit 0 "a first load with patients published" -- "$CW" load --data "$SRC/tests/data/mini" --db "$URL2"
[ "$(q "select pg_relation_filenode('visits')")" = "$before" ] && pass "nothing truncated when a table is published" \
  || fail "truncated with a publication"
[ "$(rows)" = "$first_rows" ] && pass "the same rows with a publication" || fail "rows differ with a publication"
DB="$DB_SAVED"
finish
