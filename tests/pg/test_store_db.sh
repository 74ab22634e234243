#!/usr/bin/env bash
# test_store_db.sh: `claimwatch load --db URL --store PATH` (docs/store.md). A small generated folder of two
# months goes into the database; the database goes into a store; a run from the store writes the same
# findings, ranking and sanctions (and every other CSV file the comparison below holds to) as a run from the
# database and as a run from the folder. A row the contract rejects is rejected from the store as from the
# database, but for its row number. The refusals of the option's mix-ups are checked too.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
d="$TMP/d"
"$CW" gen --out "$d" --months 2026-01..2026-02 --scale 0.05 --seed 5 --quiet || { fail "gen"; finish; }
expect_exit 0 "load --data --db" -- "$CW" load --quiet --data "$d" --db "$URL"
s="$TMP/s"
expect_exit 0 "load --db --store" -- "$CW" load --quiet --db "$URL" --store "$s"
[ -f "$s/CATALOG" ] && grep -q '^source 1 claim_lines claim_lines ' "$s/CATALOG" \
  && pass "a catalogue whose rejects name the tables" || fail "no catalogue, or not of the database's tables"
expect_exit 2 "--store with both --data and --db" -- "$CW" load --quiet --data "$d" --db "$URL" --store "$TMP/s2"
expect_exit 1 "load --db with a bad URL" -- "$CW" load --quiet --db "host=127.0.0.1 port=1 dbname=x" --store "$TMP/s3"

m=2026-02
args=(run --quiet --month "$m" --max-reject-share 1 --no-report)
expect_exit 0 "run --store" -- "$CW" "${args[@]}" --store "$s" --out "$TMP/rs"
expect_exit 0 "run --db" -- "$CW" "${args[@]}" --db "$URL" --out "$TMP/rd"
expect_exit 0 "run --data" -- "$CW" "${args[@]}" --data "$d" --out "$TMP/rc"
for f in findings.csv ranking.csv sanctions.csv; do
  [ -f "$TMP/rs/$m/$f" ] || { fail "$m/$f: not written from the store"; continue; }
  for other in rd rc; do
    cmp -s "$TMP/rs/$m/$f" "$TMP/$other/$m/$f" \
      && pass "$m/$f from the store identical to $other ($(($(wc -l < "$TMP/rs/$m/$f") - 1)) rows)" \
      || { fail "$m/$f from the store differs from $other"; diff "$TMP/rs/$m/$f" "$TMP/$other/$m/$f" | head -5 >&2; }
  done
done
# Every CSV file of the month, against the run from the database.
n=0
for f in "$TMP/rd/$m"/*.csv; do
  f="${f##*/}"
  cmp -s "$TMP/rs/$m/$f" "$TMP/rd/$m/$f" && n=$((n + 1)) || fail "$m/$f: the store's differs from the database's"
done
pass "$n CSV files of $m compared with the run from the database"

# A row the database holds and the contract rejects (an amount beyond the contract's bound): a store loaded after it
# rejects it as the run from the database does, with its table, column, reason and record; only the row
# number differs (the store numbers it in the whole table's extraction, the run in the month's).
v=$(q "select visit_id from visits order by visit_id limit 1")
q "insert into claim_lines (line_id, visit_id, item_code, physician_id, service_time, qty, unit_price, amount)
   values ('LBAD1', '$v', 'C1', null, '$m-07 10:00', 1, 10, 500000000.00)" >/dev/null
expect_exit 0 "load --db --store again" -- "$CW" load --quiet --db "$URL" --store "$TMP/s4"
expect_exit 0 "run --store with a rejected row" -- "$CW" "${args[@]}" --store "$TMP/s4" --out "$TMP/rs4"
expect_exit 0 "run --db with a rejected row" -- "$CW" "${args[@]}" --db "$URL" --out "$TMP/rd4"
r=$TMP/rs4/$m/rejects.csv
grep -q "^claim_lines,[0-9]*,amount,.*'500000000.00'" "$r" && pass "the row is rejected from the store, named" \
  || { fail "no reject from the store"; cat "$r" >&2; }
if [ "$(wc -l < "$r")" -gt 1 ] && cmp -s <(cut -d, -f1,3- "$r") <(cut -d, -f1,3- "$TMP/rd4/$m/rejects.csv"); then
  pass "rejects.csv from the store is the database's but for the row numbers (store: $(cut -d, -f2 "$r" | tail -n +2 | paste -sd' '), database: $(cut -d, -f2 "$TMP/rd4/$m/rejects.csv" | tail -n +2 | paste -sd' '))"
else
  fail "rejects.csv differs beyond the row numbers"; diff "$r" "$TMP/rd4/$m/rejects.csv" >&2
fi
cmp -s "$TMP/rs4/$m/findings.csv" "$TMP/rd4/$m/findings.csv" && pass "findings.csv identical with the rejected row" \
  || fail "findings.csv differs with the rejected row"
finish
