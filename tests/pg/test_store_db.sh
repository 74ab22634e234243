#!/usr/bin/env bash
# test_store_db.sh: `claimwatch load --db URL --store PATH` (docs/store.md). A small generated folder of two
# months goes into the database; the database goes into a store; a run from the store writes the same
# findings, ranking and sanctions (and every other CSV file the comparison below holds to) as a run from the
# database and as a run from the folder. The refusals of the option's mix-ups are checked too.
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
args=(run --quiet --month "$m" --max-reject-share 1)
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
finish
