#!/usr/bin/env bash
# test_schema.sh: `db init` detects what is there and migrates it or says exactly what to do, and `run`
# and `load` say the same. A `claimwatch` schema without its version table or row (db init used to fail
# with `schema "claimwatch" already exists`); an input table made before a column of the data contract
# (db init used to report success, and load and run then failed on the missing column); a required column
# missing; databases of schema versions 1 and 3, migrated.
. "$(dirname "$0")/lib.sh"

mini="$SRC/tests/data/mini"
# The schema without its version table, then without its version row.
expect_exit 0 "db init" -- "$CW" db init --db "$URL" --quiet
"$CW" load --quiet --data "$mini" --db "$URL" >/dev/null || fail "load"
for damage in "drop table claimwatch.schema_version" "delete from claimwatch.schema_version"; do
  q "$damage"
  expect_exit 1 "run after '$damage'" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
  expect_one_line "run after '$damage': one line"
  expect_output "a claimwatch schema without its version .*: \`claimwatch db init --db URL\` checks and completes it" \
    "run after '$damage': says what db init will do"
  expect_exit 0 "db init after '$damage'" -- "$CW" db init --db "$URL"
  expect_output "had lost its version: completed and checked it, and recorded version 10" "db init says what it did"
  expect_exit 0 "run after db init" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
done
[ "$(q "select count(*) from claimwatch.runs where command = 'run'")" = 1 ] && pass "the results were kept" || fail "runs"

# An items table of an older contract (made by hand, or by an older claimwatch), without the optional
# column `setting`.
q "drop table items cascade"
q "create table items (item_code text primary key, name text not null, category text not null, unit text,
   std_price numeric(14,2) not null, large_equipment boolean not null, retest_hours integer,
   antibiotic boolean not null, max_daily_qty numeric(14,3), sex_only text, age_min integer, age_max integer,
   min_level smallint)"
expect_exit 1 "load into the older items" -- "$CW" load --quiet --data "$mini" --db "$URL"
expect_one_line "load into the older items: one line"
expect_output "the table items of .* has no column \"setting\" \(an optional column .*\): \`claimwatch db init --db URL\` adds it" \
  "load names the missing column and the fix"
expect_exit 1 "run from the older items" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
expect_output "has no column \"setting\"" "run names the missing column"
expect_exit 0 "db init over the older items" -- "$CW" db init --db "$URL"
expect_output "added the column setting \(text\) that the table items lacked" "db init says it added the column"
expect_output "3 missing column\(s\) added" "db init sums it up (setting, and data contract 2's catalogue_class and essential)"
expect_exit 0 "load after db init" -- "$CW" load --quiet --data "$mini" --db "$URL"
expect_exit 0 "run after db init" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o"
[ "$(q "select count(*) from items where setting is not null")" -gt 0 ] && pass "the column is filled by the load" \
  || fail "setting empty"
expect_exit 0 "db init again" -- "$CW" db init --db "$URL"
expect_output "version 10 is already there" "db init again changes nothing"

# A required column missing: nothing db init can add; it says what to do, and changes nothing.
q "alter table items drop column category"
expect_exit 1 "db init without items.category" -- "$CW" db init --db "$URL"
expect_one_line "db init without items.category: one line"
expect_output "the table items of .* has no column \"category\" \(text NOT NULL\), which claimwatch needs and cannot add empty: add and fill it" \
  "db init names the required column and what to do"
expect_exit 1 "load without items.category" -- "$CW" load --quiet --data "$mini" --db "$URL"
expect_output "has no column \"category\", which the data contract requires" "load names the required column"
[ "$(q "select count(*) from pg_namespace where nspname like 'cw_reference%'")" = 0 ] \
  && pass "no reference schema left behind" || fail "reference schema left"

# A database of schema version 1: refused until db init migrates it.
createdb "${DB}_v1"
trap 'dropdb --if-exists --force "${DB}_v1" >/dev/null 2>&1; dropdb --if-exists --force "$DB" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
psql -X -q -d "${DB}_v1" -v ON_ERROR_STOP=1 --single-transaction -f "$SRC/tests/pg/data/schema_v1.sql" >/dev/null \
  || fail "schema version 1"
expect_exit 1 "load into version 1" -- "$CW" load --quiet --data "$mini" --db "${URL}_v1"
expect_output "schema version 1, older than 10: migrate it with \`claimwatch db init --db URL\`" "load says to migrate"
expect_exit 0 "db init migrates version 1" -- "$CW" db init --db "${URL}_v1"
expect_output "migrated claimwatch schema from version 1 to 10" "db init says it migrated"
expect_exit 0 "load after the migration" -- "$CW" load --quiet --data "$mini" --db "${URL}_v1"
expect_exit 0 "load again after the migration" -- "$CW" load --quiet --data "$mini" --db "${URL}_v1"
[ "$(psql -X -qAt -d "${DB}_v1" -c "select count(*) from claim_lines")" = 12 ] && pass "no line twice" || fail "lines"
[ "$(psql -X -qAt -d "${DB}_v1" -c "select count(*) from pg_proc where proname = 'replace_claim_months'")" = 0 ] \
  && pass "the old function is gone" || fail "replace_claim_months left"
[ "$(psql -X -qAt -d "${DB}_v1" -c "select count(*) from pg_constraint
      where conrelid = 'claim_lines'::regclass and confrelid = 'items'::regclass")" = 0 ] \
  && pass "version 3: claim_lines.item_code no longer refers to items (codes outside the catalogue are kept)" \
  || fail "claim_lines still has a foreign key on items"
[ "$(psql -X -qAt -d "${DB}_v1" -c "select count(*) from information_schema.columns
      where table_schema = 'claimwatch' and table_name = 'findings' and column_name in ('reason_en', 'reason_zh')")" = 2 ] \
  && pass "version 4: claimwatch.findings has reason_en and reason_zh" || fail "the findings' reasons in both languages"
q1() { psql -X -qAt -d "${DB}_v1" -v ON_ERROR_STOP=1 -c "$1"; }
[ "$(q1 "select data_type from information_schema.columns where table_name = 'patients' and column_name = 'death_date'")" \
  = date ] && pass "version 5: patients.death_date added" || fail "no patients.death_date after the migration"
[ "$(q1 "select count(*) from information_schema.tables where (table_schema, table_name) in
      (('public', 'budgets'), ('claimwatch', 'budget'))")" = 2 ] \
  && pass "version 9: the budgets table and claimwatch.budget" || fail "no budgets tables after the migration"
col10="select count(*) from information_schema.columns where table_schema = 'claimwatch' and table_name = 'budget'
      and column_name = 'overspend_share_reason'"
[ "$(q1 "$col10")" = 1 ] && pass "version 10: claimwatch.budget.overspend_share_reason" || fail "version 10 column"

# A database of schema version 4 (before patients.death_date): refused, then migrated.
q1 "alter table patients drop column death_date; delete from claimwatch.schema_version where version >= 5"
expect_exit 1 "run on version 4" -- "$CW" run --quiet --db "${URL}_v1" --month 2026-05 --out "$TMP/o2"
expect_output "schema version 4, older than 10: migrate it" "run says to migrate version 4"
expect_exit 0 "db init migrates version 4" -- "$CW" db init --db "${URL}_v1"
expect_output "migrated claimwatch schema from version 4 to 10" "db init says it migrated version 4"
[ "$(q1 "select count(*) from patients where death_date is null")" = "$(q1 "select count(*) from patients")" ] \
  && pass "the death dates are empty after the migration" || fail "death_date after the migration"
expect_exit 0 "run after migrating version 4" -- "$CW" run --quiet --db "${URL}_v1" --month 2026-05 --out "$TMP/o2"

# A database of schema version 5 (before data contract 2): refused, then migrated (0006.sql).
q1 "alter table claim_lines drop column fund_amount; alter table claim_lines drop column self_amount;
    alter table items drop column catalogue_class; alter table items drop column essential;
    alter table institutions drop column region; alter table claimwatch.findings drop column fund_amount;
    alter table claimwatch.findings drop column fund_estimated; drop table claimwatch.inst_assessment;
    drop table claimwatch.dept_assessment; drop table claimwatch.inst_sanctions; drop table claimwatch.budget; drop table budgets;
    delete from claimwatch.schema_version where version >= 6"
expect_exit 1 "run on version 5" -- "$CW" run --quiet --db "${URL}_v1" --month 2026-05 --out "$TMP/o3"
expect_output "schema version 5, older than 10: migrate it" "run says to migrate version 5"
expect_exit 0 "db init migrates version 5" -- "$CW" db init --db "${URL}_v1"
expect_output "migrated claimwatch schema from version 5 to 10" "db init says it migrated version 5"
[ "$(q1 "select count(*) from information_schema.columns where (table_name, column_name) in (('claim_lines',
      'fund_amount'), ('claim_lines', 'self_amount'), ('items', 'catalogue_class'), ('items', 'essential'),
      ('institutions', 'region'), ('findings', 'fund_amount'), ('findings', 'fund_estimated'))")" = 7 ] \
  && pass "version 6: the columns of data contract 2 and the findings' fund" || fail "version 6 columns"
[ "$(q1 "select count(*) from information_schema.tables where table_schema = 'claimwatch'
      and table_name in ('inst_assessment', 'dept_assessment')")" = 2 ] \
  && pass "version 7: the assessment tables" || fail "version 7 tables"
[ "$(q1 "select count(*) from information_schema.tables where table_schema = 'claimwatch'
      and table_name = 'inst_sanctions'")" = 1 ] \
  && pass "version 8: the institutions' sanctions" || fail "version 8 table"
[ "$(q1 "select count(*) from information_schema.tables where (table_schema, table_name) in
      (('claimwatch', 'budget'), (current_schema(), 'budgets'))")" = 2 ] \
  && pass "version 9: the budgets and the budget's results" || fail "version 9 tables"
[ "$(q1 "$col10")" = 1 ] && pass "version 10 after 9: overspend_share_reason" || fail "version 10 column after 9"
expect_exit 0 "run after migrating version 5" -- "$CW" run --quiet --db "${URL}_v1" --month 2026-05 --out "$TMP/o3"
[ "$(q1 "select count(*) from claimwatch.inst_assessment where month = '2026-05-01'")" -gt 0 ] \
  && pass "the run wrote its assessment back after the migration" || fail "no assessment rows after the migration"
finish
