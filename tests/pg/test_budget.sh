#!/usr/bin/env bash
# test_budget.sh: the global budget with PostgreSQL (schema 9 and 10, docs/budget.md): the budgets table read by
# `claimwatch budget --db` gives what the same rows give from a file, `run --db` writes budget.csv and
# copies it into claimwatch.budget, and a bad row of the table is refused with its row and column; `load` takes
# DATA/budgets.csv into the table (added, then corrected by key), so `run --db` and a run of the folder agree;
# an under-service signal of `run --db` reaches claimwatch.findings.
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

# I12 as a finding of claimwatch.findings (docs/budget.md, "Under-service (I12)"): a root whose February-April
# (May's indicators.csv of the first run with H1's visits x 10 + 1,000 and its fund paid 200,000.00) make May,
# from the database, bind H1's budget (600,000.00) while its visits fall: the run's findings.csv and
# claimwatch.findings hold one budget_under_service finding of H1, without lines or money.
python3 - "$TMP/r/2026-05/indicators.csv" "$TMP/u" <<'PY' || fail "the hand-made months"
import csv, os, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
h = rows[0]
for r in rows[1:]:
    if r[h.index("scope")] == "institution" and r[h.index("inst_id")] == "H1":
        r[h.index("outpatient_visits")] = str(10 * int(r[h.index("outpatient_visits")]) + 1000)
        r[h.index("fund_paid")] = "200000.00"
for m in ("02", "03", "04"):
    os.makedirs(os.path.join(sys.argv[2], "2026-" + m))
    with open(os.path.join(sys.argv[2], "2026-" + m, "indicators.csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
PY
expect_exit 0 "run May from the database over the hand-made months" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/u" --no-report
fid=$(awk -F, '$3 == "budget_under_service" && $5 == "H1" { print $1 }' "$TMP/u/2026-05/findings.csv")
[ -n "$fid" ] && [ "$(q "select inst_id, coalesce(physician_id, ''), cardinality(line_ids), suspect_amount, fund_amount, severity
    from claimwatch.findings where detector = 'budget_under_service' and month = '2026-05-01'")" = "H1||0|0.00|0.00|notice" ] \
  && [ "$(q "select finding_id from claimwatch.findings where detector = 'budget_under_service'")" = "$fid" ] \
  && pass "the under-service finding reaches claimwatch.findings" \
  || fail "under-service in the database: '$fid' / $(q "select finding_id, inst_id from claimwatch.findings where detector = 'budget_under_service'")"
finish
