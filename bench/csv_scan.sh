#!/bin/bash
# bench/csv_scan.sh: the CSV reader near the parse limit (issue 17 item 2), per field scan
# (CW_CSV_SCAN=scalar|sse2|avx2|slow, src/io/csv_scan.h), on a six-month folder made by `claimwatch gen`
# (about 1.2 million claim lines a month):
#   SCAN  the bare loop that finds every field and line of every file, then the CSV reader alone;
#   LOAD  cw_load_csv of one month (BENCH_MONTH, default 2026-06) with the default 45-day look-back,
#         then of the whole folder (a look-back of 200 days: every month built).
# Each LOAD line gives wall and CPU (user+sys) seconds; the machine may be shared, so compare CPU time.
#   bench/csv_scan.sh [DIR]    (default ${BENCH_DIR:-/tmp/cw-bench}/six-1200000, generated when missing)
#   BENCH_SCANS="avx2 sse2 scalar slow" BENCH_RUNS=1 BENCH_THREADS=0 (0 = one per core)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build-rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_TESTS=OFF >/dev/null
ninja -C "$root/build-rel" claimwatch claimwatch_static >/dev/null
bin="$root/build-rel/load_bench"
cc -O2 -std=gnu11 -Wall -Wextra -I"$root/include" -I"$root/src" "$root/bench/load_bench.c" \
   "$root/build-rel/libclaimwatch.a" $(pkg-config --libs libpq gsl libcjson) -lpthread -lm -o "$bin"
dir=${1:-${BENCH_DIR:-/tmp/cw-bench}/six-1200000}
if [ ! -f "$dir/claim_lines.csv" ]; then
  rm -rf "$dir.part"
  mkdir -p "$(dirname "$dir")"
  "$root/build-rel/claimwatch" gen --out "$dir.part" --months 2026-01..2026-06 --lines 1200000 --seed 1 --quiet
  mv "$dir.part" "$dir"
fi
month=${BENCH_MONTH:-2026-06}
echo "== $dir ($(du -sh "$dir" | cut -f1), $(($(wc -l < "$dir/claim_lines.csv") - 1)) claim lines), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for scan in ${BENCH_SCANS:-avx2 sse2 scalar slow}; do
  for r in $(seq "${BENCH_RUNS:-1}"); do
    CW_CSV_SCAN=$scan "$bin" scan "$dir"
    for lb in 45 200; do
      out=$(CW_CSV_SCAN=$scan CW_MONTH=$month CW_LOOKBACK=$lb CW_THREADS=${BENCH_THREADS:-0} "$bin" load "$dir")
      echo "$out" | grep '^LOAD' | sed "s/^LOAD/LOAD $scan $month look-back $lb d:/"
    done
  done
done
