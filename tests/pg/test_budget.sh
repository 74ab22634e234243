#!/usr/bin/env bash
# test_budget.sh: the global budget with PostgreSQL (schema 9, docs/budget.md): the budgets table read by
# `claimwatch budget --db` gives what the same rows give from a file, `run --db` writes budget.csv and
# copies it into claimwatch.budget, and a bad row of the table is refused with its row and column.
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
finish
