#!/usr/bin/env bash
# speed.sh: issue 17's speed targets side by side, medians of several runs (figures, not tests).
#
#   bench/speed.sh [--small | --scale F] [--runs N] [--data-root DIR] [--no-pg] [--profile] [--claimwatch BIN]
#
# See usage() below for what it measures; bench/lib.sh holds what it shares with bench/pg_vs_duckdb.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: bench/speed.sh [--small | --scale F] [--runs N] [--data-root DIR] [--no-pg] [--profile]
                      [--claimwatch BIN]

Prints issue 17's speed targets side by side: claimwatch against DuckDB and PostgreSQL running the four core
detectors as SQL (queries/baseline/), each command timed --runs times, the medians of wall time, CPU time
(user+sys, from /usr/bin/time) and peak RSS:
  1. claimwatch run from the CSV folder with the report, on one month (2026-06) of a six-month folder,
     against DuckDB reading the same folder (target >= 3x);
  2. claimwatch run from its store (load --store once, month images included, then run --store: the run
     maps the month's image) against DuckDB on the CSV folder
     (>= 10x) and DuckDB on its own database file (the folder imported once, only the queries timed; >= 2x);
     "not available in this build" when `claimwatch load --help` has no --store;
  3. from a throwaway PostgreSQL (tests/pg/server.sh --bench): claimwatch load --db, claim lines a second
     (>= 1M/s; a fresh database each run), and a full run --db against the four detectors as SQL inside
     the same server (>= 3x; CPU there is the client's + the server's processes');
  4. peak memory per claim line of the window (<= 100 bytes), and a 10-million-line month (2026-05) with
     the report (< 8 s), from its CSV folder and from a store of it (load --store once, month images
     included, then run --store).
It builds build-bench/ (Release) and installs the DuckDB client into bench/node_modules on first use.

options:
  --small            both data sets at 1% (a check that takes about a minute)
  --scale F          both data sets F times the full size: six months of 1.2M claim lines and a month
                     of 10M (default 1); at F < 1 the 8 s and 1M lines/s targets are not the issue's
  --runs N           runs of each timed command, medians reported (default 3)
  --data-root DIR    where the generated folders are made and reused (default /tmp/claimwatch-speed;
                     never inside the repository)
  --no-pg            skip PostgreSQL (item 3)
  --profile          for each target not met, where claimwatch's time goes: perf record/report when
                     hardware counters work here, always the run's own step timings (summary.json) or,
                     for load, its progress output
  --claimwatch BIN   time this claimwatch binary (another branch's Release build) instead of building
                     build-bench/
  --help             this help

Needs /usr/bin/time, node and npm, and for item 3 the Debian postgresql package.
EOF
}

scale=1 runs=3 root=/tmp/claimwatch-speed profile=0 pg=1 bin=""
value() { [ "$1" -ge 2 ] || { echo "speed.sh: $2 needs a value (see --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --small) scale=0.01 ;;
    --scale) value $# "$1"; scale="$2"; shift ;;
    --runs) value $# "$1"; runs="$2"; shift ;;
    --data-root) value $# "$1"; root="$2"; shift ;;
    --no-pg) pg=0 ;;
    --profile) profile=1 ;;
    --claimwatch) value $# "$1"; bin="$2"; shift ;;
    --help|-h) usage; exit 0 ;;
    *) echo "speed.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v s="$scale" 'BEGIN { exit !(s > 0 && s <= 4) }' ||
  { echo "speed.sh: --scale wants a number above 0 and at most 4, not '$scale'" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "speed.sh: --runs wants 1 to 99, not '$runs'" >&2; exit 2; }
[ -n "$root" ] || { echo "speed.sh: --data-root wants a folder" >&2; exit 2; }
root=$(realpath -m "$root")
case "$root/" in "$(pwd -P)"/*) echo "speed.sh: --data-root $root is inside the repository" >&2; exit 2 ;; esac
[ -z "$bin" ] || [ -x "$bin" ] || { echo "speed.sh: --claimwatch $bin is not an executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "speed.sh: /usr/bin/time is missing (Debian package 'time')" >&2; exit 1; }

month=2026-06 big_month=2026-05
month_lines=$(awk -v s="$scale" 'BEGIN { printf "%d", 1200000 * s }')
big_lines=$(awk -v s="$scale" 'BEGIN { printf "%d", 9780000 * s }')  # 9.78M a month: 10.0M in May
six=$root/six-$month_lines big=$root/month-$big_lines

. bench/lib.sh
if [ -n "$bin" ]; then cw=$(realpath "$bin"); else bench_build; fi
bench_duckdb
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff
out=$(mktemp -d /tmp/claimwatch-speed-out.XXXXXX)
state=$out/pg pg_up=0
cleanup() {
  [ "$pg_up" = 1 ] && bash tests/pg/server.sh stop "$state" >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
note() { echo "$*" >&2; }

# gen_folder DIR LINES MONTHS: generates DIR once (through DIR.part, so a killed run is not reused).
gen_folder() {
  [ -f "$1/claim_lines.csv" ] && return
  note "generating $1 ($2 claim lines a month, $3) ..."
  rm -rf "$1.part"
  mkdir -p "$(dirname "$1")"
  "$cw" gen --out "$1.part" --months "$3" --lines "$2" --seed 1 --quiet
  mv "$1.part" "$1"
}
gen_folder "$six" "$month_lines" 2026-01..2026-06
gen_folder "$big" "$big_lines" "$big_month..$big_month"
lines_in() { echo $(($(wc -l < "$1/claim_lines.csv") - 1)); }
six_lines=$(lines_in "$six") big_all=$(lines_in "$big")

# pg_ticks: CPU clock ticks of the PostgreSQL server so far: its live processes and the children it reaped.
pg_ticks() {
  local pm
  pm=$(head -n 1 "$(cat "$state/tmpdir")/data/postmaster.pid")
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" '{
      pid = $1; sub(/^.*\) /, "")
      if (pid == pm) t += $12 + $13 + $14 + $15; else if ($2 == pm) t += $12 + $13
    } END { print t + 0 }'
}

# The timed commands: cmd_NAME PREFIX... runs the command behind PREFIX (/usr/bin/time or perf record);
# prep_NAME, when defined, runs before each run, untimed.
cmd_cw_csv() { "$@" "$cw" run --quiet --data "$six" --month "$month" --out "$out/o-cw_csv" --max-reject-share 1; }
prep_cw_csv() { rm -rf "$out/o-cw_csv"; }
cmd_duck_csv() { "$@" node bench/duckdb_baseline.mjs "$six" "$month"; }
cmd_duck_db() { "$@" node bench/duckdb_baseline.mjs "$six" "$month" --db "$duckfile"; }
cmd_cw_store() {
  "$@" "$cw" run --quiet --store "$store" --month "$month" --out "$out/o-cw_store" --max-reject-share 1
}
prep_cw_store() { rm -rf "$out/o-cw_store"; }
cmd_pg_load() { "$@" "$cw" load --data "$six" --db dbname=cwbench --max-reject-share 1; }
prep_pg_load() {
  dropdb --if-exists cwbench && createdb cwbench && "$cw" db init --quiet --db dbname=cwbench >/dev/null
}
cmd_cw_db() { "$@" "$cw" run --quiet --db dbname=cwbench --month "$month" --out "$out/o-cw_db" --max-reject-share 1; }
prep_cw_db() { rm -rf "$out/o-cw_db"; }
cmd_pg_sql() { "$@" psql -X -q -At -F ' ' -d cwbench -v ON_ERROR_STOP=1 -f "$out/baseline.sql"; }
cmd_cw_big() { "$@" "$cw" run --quiet --data "$big" --month "$big_month" --out "$out/o-cw_big" --max-reject-share 1; }
prep_cw_big() { rm -rf "$out/o-cw_big"; }
cmd_cw_big_store() {
  "$@" "$cw" run --quiet --store "$big_store" --month "$big_month" --out "$out/o-cw_big_store" --max-reject-share 1
}
prep_cw_big_store() { rm -rf "$out/o-cw_big_store"; }

declare -A W C R K RUNS
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure NAME [server]: runs cmd_NAME $runs times; W, C, R get the medians of wall s, CPU s and peak RSS MB
# of the command, K ("server") the PostgreSQL server's CPU s in the meantime. The last run's output:
# $out/NAME.log.
measure() {
  local name="$1" i t0 f walls="" cpus="" rsss="" srvs="" line
  for i in $(seq "$runs"); do
    note "  $name, run $i of $runs"
    declare -F "prep_$name" >/dev/null && "prep_$name"
    [ "${2:-}" = server ] && t0=$(pg_ticks)
    f=$out/time.$name.$i
    if ! "cmd_$name" /usr/bin/time -f '%e %U %S %M' -o "$f" > "$out/$name.log" 2>&1; then
      echo "speed.sh: $name failed:" >&2; tail -n 20 "$out/$name.log" >&2; exit 1
    fi
    line=$(tail -n 1 "$f")
    if [ "${2:-}" = server ]; then line="$line $(( $(pg_ticks) - t0 ))"; else line="$line 0"; fi
    read -r w u s m k <<< "$line"
    walls+="$w "
    cpus+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
    srvs+="$(awk -v k="$k" -v hz="$(getconf CLK_TCK)" 'BEGIN { print k / hz }') "
    rsss+="$(awk -v m="$m" 'BEGIN { print m / 1024 }') "
  done
  W[$name]=$(tr ' ' '\n' <<< "$walls" | grep . | median)
  C[$name]=$(tr ' ' '\n' <<< "$cpus" | grep . | median)
  R[$name]=$(tr ' ' '\n' <<< "$rsss" | grep . | median)
  [ "${2:-}" = server ] && K[$name]=$(tr ' ' '\n' <<< "$srvs" | grep . | median)
  RUNS[$name]="$walls"
}

# The table: row MEASURE CLAIMWATCH ALTERNATIVE RATIO TARGET RESULT; meets OK: met / not met.
rows=() failed=()
row() { rows+=("$(printf '%-50s|%-14s|%-14s|%-9s|%-9s|%s' "$@")"); }
meets() { if [ "$1" = 1 ]; then echo met; else echo "not met"; fi; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
sec() { printf '%.2f s' "$1"; }
mb() { printf '%.0f MB' "$1"; }
cpu2() { printf '%.1f+%.1f s' "${C[$1]}" "${K[$1]}"; }
# compare NAME ALT MEASURE TARGET: the wall-time row (ratio ALT/NAME >= TARGET) and CPU and memory beside it.
compare() {
  local r ok
  r=$(div "${W[$2]}" "${W[$1]}")
  ok=$(ge "$r" "$4")
  row "$3" "$(sec "${W[$1]}")" "$(sec "${W[$2]}")" "${r}x" ">= $4x" "$(meets "$ok")"
  if [ -n "${K[$1]:-}" ]; then
    local a b
    a=$(awk -v c="${C[$1]}" -v k="${K[$1]}" 'BEGIN { print c + k }')
    b=$(awk -v c="${C[$2]}" -v k="${K[$2]}" 'BEGIN { print c + k }')
    row "  CPU, client + server" "$(cpu2 "$1")" "$(cpu2 "$2")" "$(div "$b" "$a")x" "" ""
  else
    row "  CPU (user+sys)" "$(sec "${C[$1]}")" "$(sec "${C[$2]}")" "$(div "${C[$2]}" "${C[$1]}")x" "" ""
  fi
  row "  peak RSS" "$(mb "${R[$1]}")" "$(mb "${R[$2]}")" "$(div "${R[$2]}" "${R[$1]}")x" "" ""
  [ "$ok" = 1 ] || failed+=("$1")
}
json() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$1" "$2"; }
# same ROOT_A ROOT_B [MONTH]: findings, ranking and sanctions of the month (default $month) byte-identical.
same() {
  local m=${3:-$month}
  cmp -s "$1/$m/findings.csv" "$2/$m/findings.csv" && cmp -s "$1/$m/ranking.csv" "$2/$m/ranking.csv" &&
    cmp -s "$1/$m/sanctions.csv" "$2/$m/sanctions.csv" && echo identical || echo DIFFERENT
}

started=$(date -u '+%Y-%m-%d %H:%M UTC') load0=$(cut -d' ' -f1-3 /proc/loadavg)
note "timing (medians of $runs runs) ..."

# 1. From CSV.
measure cw_csv
measure duck_csv
compare cw_csv duck_csv "from CSV, run + report / DuckDB on the CSV" 3
window=$(json "$out/o-cw_csv/$month/summary.json" dataset.claim_lines)

# 2. From the store.
duckfile=$root/six-$month_lines.duckdb
if [ ! -f "$duckfile" ]; then
  note "importing $six into $duckfile (once) ..."
  node bench/duckdb_baseline.mjs "$six" "$month" --import "$duckfile.part" >&2
  mv "$duckfile.part" "$duckfile"
fi
measure duck_db
store=$out/store store_note=""
if "$cw" load --help 2>&1 | grep -q -- '--store'; then
  note "claimwatch load --store (once) ..."
  /usr/bin/time -f '%e %U %S %M' -o "$out/time.store_load" "$cw" load --quiet --data "$six" --store "$store" \
    > "$out/store_load.log" 2>&1 ||
    { echo "speed.sh: load --store failed:" >&2; tail -n 20 "$out/store_load.log" >&2; exit 1; }
  read -r sw su ss _ < <(tail -n 1 "$out/time.store_load")
  store_note="load --store once: $(sec "$sw") wall, $(sec "$(awk -v u="$su" -v s="$ss" 'BEGIN { print u + s }')") CPU, $(du -sh "$store" | cut -f1)"
  measure cw_store
  compare cw_store duck_csv "from the store / DuckDB on the CSV" 10
  compare cw_store duck_db "from the store / DuckDB on its .duckdb file" 2
  store_note+="; findings, ranking, sanctions $(same "$out/o-cw_csv" "$out/o-cw_store") to the CSV run's"
else
  row "from the store / DuckDB on the CSV" "not available" "$(sec "${W[duck_csv]}")" "-" ">= 10x" "not available in this build"
  row "from the store / DuckDB on its .duckdb file" "not available" "$(sec "${W[duck_db]}")" "-" ">= 2x" "not available in this build"
  store_note="not available in this build (claimwatch load --help has no --store)"
fi

# 3. From PostgreSQL.
if [ "$pg" = 1 ]; then
  note "starting a throwaway PostgreSQL ..."
  pg_up=1
  bash tests/pg/server.sh start "$state" --bench >/dev/null
  . "$state/env"
  createdb cwbench
  bench_pg_sql "$month" > "$out/baseline.sql"
  measure pg_load server
  rate=$(awk -v n="$six_lines" -v w="${W[pg_load]}" 'BEGIN { printf "%.3f", n / w / 1e6 }')
  ok=$(ge "$rate" 1)
  row "load --db, million claim lines a second" "$rate M/s" "-" "-" ">= 1M/s" "$(meets "$ok")"
  row "  wall" "$(sec "${W[pg_load]}")" "" "" "" ""
  row "  CPU, client + server" "$(cpu2 pg_load)" "" "" "" ""
  row "  peak RSS (client)" "$(mb "${R[pg_load]}")" "" "" "" ""
  [ "$ok" = 1 ] || failed+=(pg_load)
  psql -X -q -d cwbench -c 'VACUUM ANALYZE' >/dev/null
  measure cw_db server
  measure pg_sql server
  compare cw_db pg_sql "from PostgreSQL, run + report / SQL in the server" 3
  pg_note="findings, ranking, sanctions"
  pg_note+=" $(same "$out/o-cw_csv" "$out/o-cw_db") to the CSV run's"
else
  pg_note="skipped (--no-pg)"
fi

# 4. Memory and the 10M-line month.
per=$(awk -v m="${R[cw_csv]}" -v n="$window" 'BEGIN { printf "%.0f", m * 1048576 / n }')
ok=$(ge 100 "$per")
row "peak RSS per claim line of the window (CSV run)" "$per B" "-" "-" "<= 100 B" "$(meets "$ok")"
[ "$ok" = 1 ] || failed+=(memory)
if [ -n "${W[cw_store]:-}" ]; then
  per_store=$(awk -v m="${R[cw_store]}" -v n="$window" 'BEGIN { printf "%.0f", m * 1048576 / n }')
  ok=$(ge 100 "$per_store")
  row "peak RSS per claim line of the window (store run)" "$per_store B" "-" "-" "<= 100 B" "$(meets "$ok")"
  [ "$ok" = 1 ] || failed+=(memory_store)
fi
measure cw_big
big_window=$(json "$out/o-cw_big/$big_month/summary.json" dataset.claim_lines)
big_in=$(json "$out/o-cw_big/$big_month/summary.json" dataset.claim_lines_in_month)
# big_rows NAME LABEL MEMORY_LABEL: the 10M-line month's rows (under 8 s; 100 bytes a line) for cmd_NAME.
big_rows() {
  local ok per
  ok=$(ge 8 "${W[$1]}")
  [ "$ok" = 1 ] && awk -v w="${W[$1]}" 'BEGIN { exit !(w == 8) }' && ok=0
  row "$2" "$(sec "${W[$1]}")" "-" "-" "< 8 s" "$(meets "$ok")"
  row "  CPU (user+sys)" "$(sec "${C[$1]}")" "" "" "" ""
  row "  peak RSS" "$(mb "${R[$1]}")" "" "" "" ""
  [ "$ok" = 1 ] || failed+=("$1")
  per=$(awk -v m="${R[$1]}" -v n="$big_window" 'BEGIN { printf "%.0f", m * 1048576 / n }')
  ok=$(ge 100 "$per")
  row "$3" "$per B" "-" "-" "<= 100 B" "$(meets "$ok")"
  [ "$ok" = 1 ] || failed+=("memory_$1")
}
big_rows cw_big "a $big_in-line month with the report" "peak RSS per claim line of the window (10M month)"
big_store=$out/big_store big_note="not available in this build"
if [ -n "${W[cw_store]:-}" ]; then
  note "claimwatch load --store of the 10M-line month (once) ..."
  /usr/bin/time -f '%e %U %S %M' -o "$out/time.big_store_load" "$cw" load --quiet --data "$big" \
    --store "$big_store" > "$out/big_store_load.log" 2>&1 ||
    { echo "speed.sh: load --store failed:" >&2; tail -n 20 "$out/big_store_load.log" >&2; exit 1; }
  read -r sw su ss sm < <(tail -n 1 "$out/time.big_store_load")
  big_note="load --store once: $(sec "$sw") wall, $(sec "$(awk -v u="$su" -v s="$ss" 'BEGIN { print u + s }')") CPU, $(mb $((sm / 1024))) peak, $(du -sh "$big_store" | cut -f1)"
  measure cw_big_store
  big_rows cw_big_store "the same month from the store" "peak RSS per claim line of the window (10M, store)"
  big_note+="; findings, ranking, sanctions $(same "$out/o-cw_big" "$out/o-cw_big_store" "$big_month") to the CSV run's"
fi

# The report.
echo "claimwatch speed targets (issue 17), $started to $(date -u '+%H:%M UTC'), commit $(git rev-parse --short HEAD)"
echo "claimwatch: $cw"
echo "machine: $(nproc) cores, load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "six-month folder: $six, $six_lines claim lines, $(du -sh "$six" | cut -f1); month $month: $window claim lines with the look-back"
echo "10M-line folder:  $big, $big_all claim lines; month $big_month: $big_in claim lines, $big_window with the look-back"
[ "$scale" = 1 ] || echo "scale $scale: the data are not the issue's size; the absolute targets (8 s, 1M lines/s, 100 bytes a line) do not apply"
echo "medians of $runs run(s); ratios: the alternative's figure over claimwatch's (higher is better for claimwatch)"
echo
printf '%-50s|%-14s|%-14s|%-9s|%-9s|%s\n' measure claimwatch alternative ratio target result
printf '%s\n' "${rows[@]}"
echo
echo "store: $store_note"
echo "10M-line month in a store: $big_note"
echo "PostgreSQL: $pg_note"
echo "every command (medians: wall s, CPU s, PostgreSQL server's CPU s, peak RSS MB; each run's wall s):"
for n in cw_csv duck_csv duck_db cw_store pg_load cw_db pg_sql cw_big cw_big_store; do
  [ -n "${W[$n]:-}" ] || continue
  printf '  %-12s %8.2f %8.2f %8s %8.0f   %s\n' "$n" "${W[$n]}" "${C[$n]}" "${K[$n]:--}" "${R[$n]}" "${RUNS[$n]}"
done

[ "$profile" = 1 ] && [ ${#failed[@]} -gt 0 ] || exit 0

# --profile: where claimwatch's time goes, for every target not met.
# perf: the hardware's cycles when its counters work here, else the kernel's cpu-clock (a virtual machine).
perf_event=""
if perf stat -x, -e instructions true 2>&1 | grep -q '^[0-9]'; then
  perf_event=cycles
elif perf record -q -e cpu-clock -o "$out/perf.check" -- true >/dev/null 2>&1; then
  perf_event=cpu-clock
fi
steps() {  # steps SUMMARY: the run's own step timings, its slowest tables and detectors
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d.get("seconds", {})
print("  steps (s): " + ", ".join(f"{k} {v:.2f}" for k, v in s.items()))
t = sorted(((v.get("seconds", 0), k, v.get("read", 0)) for k, v in d.get("tables", {}).items()), reverse=True)[:3]
print("  slowest tables: " + ", ".join(f"{k} {sec:.2f} s ({n} rows read)" for sec, k, n in t))
det = d.get("findings", {}).get("by_detector", {})
t = sorted(((v.get("seconds", 0), k) for k, v in det.items()), reverse=True)[:4]
print("  slowest detectors: " + ", ".join(f"{k} {sec:.2f} s" for sec, k in t))
print(f"  peak RSS {d.get('peak_rss_bytes', 0) / 1048576:.0f} MB; dataset memory "
      f"{d.get('dataset', {}).get('memory_bytes', 0) / 1048576:.0f} MB")
PY
}
echo
echo "profiles of the targets not met (perf: ${perf_event:-not available})"
for f in $(printf '%s\n' "${failed[@]}" | sed 's/^memory$/cw_csv/; s/^memory_store$/cw_store/; s/^memory_//' | awk '!seen[$0]++'); do
  case "$f" in duck_*|pg_sql) continue ;; esac
  echo "== $f"
  case "$f" in
    cw_csv) steps "$out/o-cw_csv/$month/summary.json" ;;
    cw_store) steps "$out/o-cw_store/$month/summary.json" ;;
    cw_db) steps "$out/o-cw_db/$month/summary.json" ;;
    cw_big) steps "$out/o-cw_big/$big_month/summary.json" ;;
    cw_big_store) steps "$out/o-cw_big_store/$big_month/summary.json" ;;
    pg_load)
      echo "  median wall $(sec "${W[pg_load]}"), CPU in claimwatch $(sec "${C[pg_load]}"), in the server" \
           "$(sec "${K[pg_load]}") (the rest of the wall time waits for a core or the disk); the last run's progress:"
      tail -n 12 "$out/pg_load.log" | sed 's/^/    /' ;;
  esac
  if [ -n "$perf_event" ] && [ "$f" != pg_load ]; then
    echo "  perf ($perf_event), claimwatch's process and its threads (the PostgreSQL server not included):"
    declare -F "prep_$f" >/dev/null && "prep_$f"
    "cmd_$f" perf record -q -e "$perf_event" -F 499 -o "$out/perf.$f" -- > /dev/null 2>&1 || true
    perf report -i "$out/perf.$f" --stdio --no-children --sort dso,symbol --percent-limit 1.5 2>/dev/null |
      grep -v '^#' | grep . | sed 's/[ -]*$//; s/^ */    /' | head -n 25
  fi
done
