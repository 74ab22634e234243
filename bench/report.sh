#!/bin/bash
# bench/report.sh: the HTML report's size and time, this build against another claimwatch (the one before a
# change), on one generated month: pages, bytes, and the report step's wall and CPU seconds as the run's
# progress line gives them ("report: N pages, X MB ... in W s (CPU C s)"), median and best of BENCH_RUNS
# runs, then the same per million claim lines of the month and the factors old / new. The whole run's
# wall and CPU (/usr/bin/time) are printed beside. The machine may be shared: compare CPU and the best.
#   bench/report.sh [OLD_CLAIMWATCH]   (default: only this build; an older binary must print "(CPU C s)" in its
#   report line, as from this change on: build the old commit with the report.c part of it)
#   BENCH_LINES=1000000 (claim lines of the month)  BENCH_RUNS=3  BENCH_DIR=/tmp/cw-bench-report
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build-rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_TESTS=OFF >/dev/null
ninja -C "$root/build-rel" claimwatch >/dev/null
new="$root/build-rel/claimwatch" old=${1:-}
base=${BENCH_DIR:-/tmp/cw-bench-report} lines=${BENCH_LINES:-1000000} runs=${BENCH_RUNS:-3}
data="$base/month-$lines"
if [ ! -f "$data/claim_lines.csv" ]; then
  "$new" gen --quiet --out "$data" --months 2026-02..2026-02 --lines "$lines" --seed 3
fi
# the month's own claim lines (gen adds a few weeks of history before it)
month_lines=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "service_time") c = i; next }
                       substr($c, 1, 7) == "2026-02" { n++ } END { print n + 0 }' "$data/claim_lines.csv")
echo "== one month, $month_lines claim lines of 2026-02 ($(wc -l <"$data/claim_lines.csv") in the folder), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME BINARY: BENCH_RUNS runs; prints the medians and bests; sets R_PAGES R_MB R_WALL R_CPU (medians)
measure() {
  local name=$1 bin=$2 out i walls=() cpus=() line
  for i in $(seq "$runs"); do
    # a fresh folder each run, all removed at the end: ext4 spends much of a file's creation looking past
    # the inodes deleted in the last minutes, so removing the last run's pages just before would time that
    out="$base/out-$name-$i"
    rm -rf "$out"
    line=$( { /usr/bin/time -f 'TIME %e %U %S' "$bin" run --data "$data" --month 2026-02 --out "$out" 2>&1; } |
            grep -E 'report: |^TIME' | tr '\n' ' ')
    R_PAGES=$(sed -E 's/.*report: ([0-9]+) pages.*/\1/' <<<"$line")
    R_MB=$(sed -E 's/.*pages, ([0-9.]+) MB.*/\1/' <<<"$line")
    walls+=("$(sed -E 's/.* in ([0-9.]+) s \(CPU.*/\1/' <<<"$line")")
    cpus+=("$(sed -E 's/.*\(CPU ([0-9.]+) s\).*/\1/' <<<"$line")")
    echo "  $name run $i: $(sed -E 's/.*(report: .*CPU [0-9.]+ s\)).*TIME ([0-9.]+) ([0-9.]+) ([0-9.]+).*/\1; whole run \2 s wall, \3 + \4 s CPU/' <<<"$line")"
  done
  R_BYTES=$(du -sb "$out/2026-02/report" | cut -f1)
  R_WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  R_CPU=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  local bw bc
  bw=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
  bc=$(printf '%s\n' "${cpus[@]}" | sort -g | head -1)
  awk -v n="$name" -v p="$R_PAGES" -v b="$R_BYTES" -v w="$R_WALL" -v c="$R_CPU" -v bw="$bw" -v bc="$bc" -v l="$month_lines" \
    'BEGIN { m = l / 1e6; printf "%s: %d pages, %d bytes (%.1f MB); report %.2f s wall (best %.2f), %.2f s CPU (best %.2f)\n", n, p, b, b / 1e6, w, bw, c, bc;
             printf "%s per million lines: %.0f pages, %.1f MB, %.2f s wall, %.2f s CPU\n", n, p / m, b / 1e6 / m, w / m, c / m }'
}

trap 'rm -rf "$base"/out-*' EXIT
measure new "$new"
np=$R_PAGES nb=$R_BYTES nw=$R_WALL nc=$R_CPU
if [ -n "$old" ]; then
  measure old "$old"
  awk -v ob="$R_BYTES" -v nb="$nb" -v ow="$R_WALL" -v nw="$nw" -v oc="$R_CPU" -v nc="$nc" -v op="$R_PAGES" -v np="$np" \
    'BEGIN { printf "factors old/new: pages %d -> %d, bytes %.2fx, wall %.2fx, CPU %.2fx (medians)\n", op, np, ob / nb, ow / nw, oc / nc }'
fi
