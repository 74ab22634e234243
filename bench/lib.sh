# bench/lib.sh: what the benchmark scripts share (sourced, from the repository's root): the Release build
# in build-bench/, the DuckDB client in bench/node_modules and the four core detectors as PostgreSQL SQL.
# shellcheck shell=bash

# bench_build: configures (once) and builds build-bench/ in Release without the tests; sets $cw.
bench_build() {
  [ -f build-bench/build.ninja ] ||
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_TESTS=OFF >/dev/null
  ninja -C build-bench >/dev/null
  # shellcheck disable=SC2034  # the caller's
  cw=$PWD/build-bench/claimwatch
}

# bench_duckdb: installs @duckdb/node-api into bench/node_modules on first use (needs node and npm).
bench_duckdb() {
  [ -d bench/node_modules/@duckdb/node-api ] ||
    (cd bench && npm install --no-audit --no-fund --silent >/dev/null)
}

# bench_pg_sql MONTH: prints the four detectors of queries/baseline/pg/ as prepared statements executed
# for MONTH (its first minute, the next month's, the start of the 45-day look-back), for psql -f.
bench_pg_sql() {
  local month="$1" ms me ws f
  ms="$month-01 00:00"
  me=$(date -d "$month-01 +1 month" +%Y-%m-01)" 00:00"
  ws=$(date -d "$month-01 -45 days" +%Y-%m-%d)" 00:00"
  for f in split_billing split_admission repeat_test idle_bed; do
    printf 'PREPARE %s (timestamp, timestamp, timestamp) AS %s\n' "$f" "$(cat "queries/baseline/pg/$f.sql")"
    printf "EXECUTE %s ('%s', '%s', '%s');\n" "$f" "$ms" "$me" "$ws"
  done
}
