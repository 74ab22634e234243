#!/usr/bin/env bash
# test_types.sh: values as PostgreSQL stores them come out of the binary extraction in the contract's text
# forms: refunds (negative numerics), quantities in thousandths, money of another scale, times with
# seconds and fractions (cut to the minute), NULL dates and optional columns, smallint flags, text with
# commas, quotes and line breaks. The same rows exported to CSV give the same findings and counts.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" load --data "$SRC/tests/data/mini" --db "$URL" --quiet >/dev/null || fail "load"
q "insert into patients values ('P9', 'F', null), ('P8', 'M', '1900-02-28');
   insert into visits values ('V9', 'P9', 'H1', 'H1-CARD', 'DR1', 'outpatient', '2026-05-06 10:00:30.5', null,
                              'I10', E'a \"quoted\", multi\nline name'),
                             ('V8', 'P8', 'H1', 'H1-CARD', 'DR1', 'inpatient', '2026-05-02 08:00', null, 'K35', null);
   insert into claim_lines values
     ('L50', 'V1', 'D1', null, '2026-05-04 11:00:59.999', -1, 18.00, -18.00),
     ('L51', 'V9', 'D1', 'DR2', '2026-05-06 10:05:07', 0.125, 18.5, 2.31),
     ('L52', 'V9', 'LAB1', null, '2026-05-06 10:06', 1, 25, 25),
     ('L53', 'V8', 'BED', null, '2026-05-03 00:00', 1, 30, 30);
   insert into exam_results values ('L52', 'negative');
   alter table items alter column antibiotic type smallint using antibiotic::int;" >/dev/null

expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/db" --reveal-patients
mkdir -p "$TMP/csv"
exp() { psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "\\copy ($2) to '$TMP/csv/$1.csv' with (format csv, header)"; }
exp institutions "select * from institutions"
exp departments "select * from departments"
exp physicians "select * from physicians"
exp patients "select * from patients"
exp items "select item_code, name, category, unit, std_price, large_equipment::int as large_equipment, retest_hours,
           antibiotic, max_daily_qty, sex_only, age_min, age_max, min_level, setting from items"
exp bundles "select * from bundles"
exp visits "select visit_id, patient_id, inst_id, dept_id, physician_id, kind, to_char(admit_time, 'YYYY-MM-DD HH24:MI') as admit_time,
            to_char(discharge_time, 'YYYY-MM-DD HH24:MI') as discharge_time, dx_code, dx_name from visits"
exp claim_lines "select line_id, visit_id, item_code, physician_id, to_char(service_time, 'YYYY-MM-DD HH24:MI') as service_time,
                 qty, unit_price, amount from claim_lines"
exp prescriptions "select rx_id, line_no, visit_id, physician_id, to_char(rx_time, 'YYYY-MM-DD HH24:MI') as rx_time, drug_code,
                   qty, days_supply, amount from prescriptions"
exp exam_results "select * from exam_results"
expect_exit 0 "run from the exported CSV" -- "$CW" run --quiet --data "$TMP/csv" --month 2026-05 --out "$TMP/csvout" --reveal-patients
cmp -s "$TMP/db/2026-05/findings.csv" "$TMP/csvout/2026-05/findings.csv" && pass "the same findings" \
  || { fail "findings differ"; diff "$TMP/db/2026-05/findings.csv" "$TMP/csvout/2026-05/findings.csv" >&2; }
counts() { grep -A4 "\"$2\":" "$1/2026-05/summary.json" | grep -E '"(read|loaded|rejected)"' | tr -d ' \t\n'; }
for t in claim_lines visits patients items exam_results; do
  [ "$(counts "$TMP/db" "$t")" = "$(counts "$TMP/csvout" "$t")" ] && pass "$t: the same counts ($(counts "$TMP/db" "$t"))" \
    || fail "$t counts: $(counts "$TMP/db" "$t") vs $(counts "$TMP/csvout" "$t")"
done
[ "$(($(wc -l < "$TMP/db/2026-05/rejects.csv") - 1))" = 0 ] && pass "nothing rejected from the database" \
  || { fail "rejects from the database"; cat "$TMP/db/2026-05/rejects.csv" >&2; }

# A value outside the contract is rejected with the table, the column and the reason.
# (numeric(14,2) would round 18.001 on insert: a hospital's own table may have plain numeric.)
q "alter table claim_lines alter column amount type numeric;
   insert into claim_lines values ('L60', 'V9', 'D1', null, '2026-05-07 10:00', 1, 18.00, 18.001)" >/dev/null
expect_exit 0 "run with a bad value" -- "$CW" run --quiet --db "$URL" --month 2026-05 --out "$TMP/db2" --max-reject-share 1
grep -q '^claim_lines,[0-9]*,amount,.*18.001' "$TMP/db2/2026-05/rejects.csv" && pass "the bad value is rejected, named" \
  || { fail "reject row"; cat "$TMP/db2/2026-05/rejects.csv" >&2; }
finish
