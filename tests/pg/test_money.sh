#!/usr/bin/env bash
# test_money.sh: money beyond the contract's bound (99,999,999.99 yuan per amount; issue 11, item 10) on the
# way into and out of PostgreSQL. `claimwatch load` rejects a 10^12 amount with its file, line and column
# (it used to fail the whole load with "numeric field overflow" and no line) and loads the rest; amounts at
# the bound load, and a run from the database over them writes its results back; an amount beyond the
# bound put into the database by other means is rejected by the run with its table, row and column.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" >/dev/null || fail "db init"
copy_mini "$TMP/d"
printf 'L90,V1,C1,,2026-05-04 08:40,1,10,1000000000000.00\n' >> "$TMP/d/claim_lines.csv"        # line 14
printf 'L91,V1,C1,,2026-05-04 08:41,1,99999999.99,99999999.99\n' >> "$TMP/d/claim_lines.csv"     # line 15
printf 'L92,V2,BED,,2026-05-11 23:00,1,99999999.99,99999999.99\n' >> "$TMP/d/claim_lines.csv"    # line 16
lines=$(($(wc -l < "$TMP/d/claim_lines.csv") - 1))

expect_exit 0 "load with a 10^12 amount" -- "$CW" load --data "$TMP/d" --db "$URL" --rejects "$TMP/rej.csv" \
  --max-reject-share 0.5
grep -q "^claim_lines.csv,14,amount,\"more than 99999999.99 yuan in absolute value, the contract's bound for one amount: '1000000000000.00'\"," \
  "$TMP/rej.csv" && pass "the reject names the file, line and column" || fail "reject file: $(cat "$TMP/rej.csv")"
[ "$(q "select line || ' ' || \"column\" from claimwatch.rejects")" = "14 amount" ] \
  && pass "claimwatch.rejects names the line and column" || fail "claimwatch.rejects: $(q "select * from claimwatch.rejects")"
[ "$(q "select count(*) from claim_lines")" = $((lines - 1)) ] && pass "the rest was loaded" \
  || fail "claim lines loaded: $(q "select count(*) from claim_lines")"
[ "$(q "select amount from claim_lines where line_id = 'L91'")" = 99999999.99 ] && pass "the bound itself is loaded" \
  || fail "L91"

# a run over amounts at the bound: its files read back, its results written back
expect_exit 0 "a run from the database with amounts at the bound" -- "$CW" run --quiet --db "$URL" --month 2026-05 \
  --out "$TMP/o" --no-report
[ "$(q "select count(*) from claimwatch.findings where suspect_amount >= 99999000")" -ge 1 ] \
  && pass "findings of ~10^8 yuan written back" || fail "findings: $(q "select suspect_amount from claimwatch.findings")"

# beyond the bound in the database (numeric(14,2) holds it): the run rejects it, naming the table, row and column
q "insert into claim_lines (line_id, visit_id, item_code, physician_id, service_time, qty, unit_price, amount)
   values ('L93', 'V1', 'C1', null, '2026-05-04 08:42', 1, 10, 500000000.00)"
expect_exit 0 "a run over a row beyond the bound" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/o" \
  --no-report --max-reject-share 0.5
grep -q "^claim_lines,[0-9]*,amount,\"more than 99999999.99 yuan.*'500000000.00'" "$TMP/o/2026-05/rejects.csv" \
  && pass "the run rejects it with the same bound" || fail "run rejects: $(cat "$TMP/o/2026-05/rejects.csv")"
finish
