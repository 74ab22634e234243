#!/bin/bash
# bench/run.sh: builds bench/load_bench.c against a Release build of the library
# (build-rel/) and runs it on synthetic months of 1M and 10M claim lines: the
# CSV reader alone, reader + typing, then the whole load (all tables, finish)
# on one thread and on all cores, BENCH_RUNS times each. Each LOAD line gives
# wall and CPU (user+sys) time, claim lines per second and peak RSS per line;
# the machine may be shared, so compare CPU time and the best wall time.
#   bench/run.sh [N ...]    (default: 1000000 10000000; data under ${BENCH_DIR:-/tmp/cw-bench})
#   BENCH_ORDER=random bench/run.sh ...   claim lines in random visit order (the worst case)
#   BENCH_RUNS=3 (default)   BENCH_THREADS="1 0" (default; 0 = one per core)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build-rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_TESTS=OFF >/dev/null
ninja -C "$root/build-rel" claimwatch_static >/dev/null
bin="$root/build-rel/load_bench"
cc -O2 -std=gnu11 -Wall -Wextra -I"$root/include" -I"$root/src" "$root/bench/load_bench.c" \
   "$root/build-rel/libclaimwatch.a" $(pkg-config --libs libpq gsl libcjson) -lpthread -lm -o "$bin"
base=${BENCH_DIR:-/tmp/cw-bench}
runs=${BENCH_RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
for n in "${sizes[@]}"; do
  order=${BENCH_ORDER:-grouped}
  dir="$base/$n-$order"
  if [ ! -f "$dir/claim_lines.csv" ]; then
    mkdir -p "$dir"
    "$bin" gen "$dir" "$n" $([ "$order" = random ] && echo random)
  fi
  echo "== $n claim lines, $order ($(du -h "$dir/claim_lines.csv" | cut -f1) claim_lines.csv), $(nproc) cores"
  "$bin" read "$dir"
  "$bin" type "$dir"
  for t in ${BENCH_THREADS:-1 0}; do
    for r in $(seq "$runs"); do
      out=$(CW_THREADS=$t "$bin" load "$dir")
      [ "$r" = 1 ] && echo "$out" | grep -E '^  |^total|^claim_lines'
      echo "$out" | grep '^LOAD'
    done
  done
done
