#!/usr/bin/env bash
# test_budget.sh: the global budget with PostgreSQL (schema 9, docs/budget.md): the budgets table read by
# `claimwatch budget --db` gives what the same rows give from a file, `run --db` writes budget.csv and
# copies it into claimwatch.budget, and a bad row of the table is refused with its row and column; `load` takes
# DATA/budgets.csv into the table (added, then corrected by key), so `run --db` and a run of the folder agree.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
expect_exit 0 "load the mini month" -- "$CW" load --quiet --data "$SRC/tests/data/mini" --db "$URL"
q "insert into budgets values ('H1', 2026, 1200000.00, 1,1,1,1,1,1,1,1,1,1,1,1), ('H2', 2026, 999999.99,
   null,null,null,null,null,null,null,null,null,null,null,null)" >/dev/null || fail "insert budgets"
expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/r" --no-report
[ -s "$TMP/r/2026-05/budget.csv" ] && pass "the run wrote budget.csv" || fail "no budget.csv"
rows=$(($(wc -l <"$TMP/r/2026-05/budget.csv") - 1))
[ "$(q "select count(*) from claimwatch.budget where month = '2026-05-01'")" = "$rows" ] \
  && pass "claimwatch.budget holds the $rows rows of budget.csv" || fail "claimwatch.budget: $(q "select count(*) from claimwatch.budget")"
[ "$(q "select budget from claimwatch.budget where inst_id = 'H1' and period = '2026-05'")" = 100000.00 ] \
  && pass "H1's May budget" || fail "H1's May budget: $(q "select budget from claimwatch.budget where inst_id = 'H1'")"
expect_exit 0 "budget --db" -- "$CW" budget --root "$TMP/r" --db "$URL" --months 2026-01..2026-05 --out "$TMP/db.csv" --quiet
printf 'inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\nH1,2026,1200000.00,1,1,1,1,1,1,1,1,1,1,1,1\nH2,2026,999999.99,,,,,,,,,,,,\n' >"$TMP/b.csv"
expect_exit 0 "budget --budgets" -- "$CW" budget --root "$TMP/r" --budgets "$TMP/b.csv" --months 2026-01..2026-05 --out "$TMP/file.csv" --quiet
cmp -s "$TMP/db.csv" "$TMP/file.csv" && pass "the table and the file give the same" || { fail "table and file differ"; diff "$TMP/db.csv" "$TMP/file.csv" >&2; }
cmp -s "$TMP/db.csv" "$TMP/r/2026-05/budget.csv" && pass "and the same as the run's budget.csv" || fail "budget --db differs from the run's"
q "update budgets set m06 = null where inst_id = 'H1'" >/dev/null
expect_exit 1 "a profile with a month missing" -- "$CW" budget --root "$TMP/r" --db "$URL" --year 2026
expect_output "table budgets: row 1 \(H1, 2026\): column m06: empty" "the error names the row and the column"
expect_one_line "one line"

# load: the folder's budgets.csv into the table, corrected by key on a second load; a bad row changes nothing.
mkdir -p "$TMP/data" && cp "$SRC"/tests/data/mini/*.csv "$TMP/data/"
printf 'inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\nH1,2026,600000.00,,,,,,,,,,,,\nH3,2026,1000.50,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.05,0.05,0.05,0.05\n' >"$TMP/data/budgets.csv"
expect_exit 0 "load a folder with budgets.csv" -- "$CW" load --data "$TMP/data" --db "$URL"
expect_output "budgets: 2 rows of .*budgets.csv added or corrected" "load says how many budget rows it wrote"
[ "$(q "select annual_budget, m01, m06 from budgets where inst_id = 'H1'")" = "600000.00||" ] \
  && pass "H1's budget corrected by key, its profile cleared" || fail "H1: $(q "select * from budgets where inst_id = 'H1'")"
[ "$(q "select annual_budget, m01, m12 from budgets where inst_id = 'H3'")" = "1000.50|0.100000|0.050000" ] \
  && pass "H3's budget added with its profile" || fail "H3: $(q "select * from budgets where inst_id = 'H3'")"
[ "$(q "select count(*) from budgets")" = 3 ] && pass "H2, not in the file, is kept" || fail "budgets: $(q "select count(*) from budgets")"
expect_exit 0 "load the same folder again" -- "$CW" load --quiet --data "$TMP/data" --db "$URL"
[ "$(q "select count(*), sum(annual_budget) from budgets")" = "3|1601000.49" ] \
  && pass "loading twice changes nothing" || fail "after a second load: $(q "select count(*), sum(annual_budget) from budgets")"
q "delete from budgets where inst_id = 'H2'" >/dev/null
expect_exit 0 "run the folder" -- "$CW" run --quiet --data "$TMP/data" --month 2026-05 --out "$TMP/rc" --no-report
expect_exit 0 "run the database" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/rd" --no-report
cmp -s "$TMP/rc/2026-05/budget.csv" "$TMP/rd/2026-05/budget.csv" \
  && pass "run --db sees the budgets a run of the folder sees" || { fail "budget.csv differs"; diff "$TMP/rc/2026-05/budget.csv" "$TMP/rd/2026-05/budget.csv" >&2; }
printf 'inst_id,year,annual_budget\nH1,2026,5\nH1,2026,-1\n' >"$TMP/data/budgets.csv"
expect_exit 1 "a bad budgets.csv" -- "$CW" load --quiet --data "$TMP/data" --db "$URL"
expect_output "budgets.csv: line 3.*annual_budget" "the error names the line and the column"
[ "$(q "select annual_budget from budgets where inst_id = 'H1'")" = 600000.00 ] \
  && pass "and the load changed nothing" || fail "H1 after a failed load: $(q "select annual_budget from budgets where inst_id = 'H1'")"
finish
