#!/usr/bin/env bash
# pg_vs_duckdb.sh: claimwatch against what an analyst would use instead, on one generated month.
#
#   bench/pg_vs_duckdb.sh [--lines N] [--data DIR] [--month YYYY-MM] [--seed N]
#
# Generates a month with a look-back (--lines N per month: the default gives 10.0 million claim lines in
# May; reused when DIR already holds one), builds a Release claimwatch, starts a throwaway PostgreSQL
# (tests/pg/server.sh, stopped at the end) and times:
#   1. claimwatch run from the CSV files;
#   2. claimwatch load of the same files into PostgreSQL;
#   3. claimwatch run from PostgreSQL (extraction rate of the claim lines from summary.json);
#   4. the four core detectors as plain SQL inside PostgreSQL (queries/baseline/pg/);
#   5. the same SQL in DuckDB, reading the same CSV files (queries/baseline/duckdb/, through
#      @duckdb/node-api, installed into bench/node_modules on first use);
# then prints the times and the ratios. Needs the postgresql and nodejs Debian packages (and npm).
set -euo pipefail
cd "$(dirname "$0")/.."
lines=9780000 data="" month=2026-05 seed=1  # 9.78M a month gives 10.0M lines in May (seed 1)
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines="$2"; shift ;;
    --data) data="$2"; shift ;;
    --month) month="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    *) echo "pg_vs_duckdb.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
data=${data:-/tmp/claimwatch-bench-$lines}
build="build-bench"
state=$PWD/$build/pg-bench
out=$(mktemp -d /tmp/claimwatch-bench-out.XXXXXX)
cleanup() { bash tests/pg/server.sh stop "$state" >/dev/null 2>&1 || true; rm -rf "$out"; }
trap cleanup EXIT

. bench/lib.sh
bench_build
bench_duckdb

if [ ! -f "$data/claim_lines.csv" ]; then
  echo "generating $lines claim lines for $month into $data ..."
  "$cw" gen --out "$data" --months "$month..$month" --lines "$lines" --seed "$seed" --quiet
fi
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff

# secs COMMAND...: runs it, prints its wall time in seconds on fd 3.
secs() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >&3
}
exec 3>"$out/t"
took() { tail -n 1 "$out/t"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $data ($(($(wc -l < "$data/claim_lines.csv") - 1)) claim lines in the file)"

secs "$cw" run --quiet --data "$data" --month "$month" --out "$out/csv" --max-reject-share 1
t_csv=$(took)
# CSV to findings, as the SQL baselines do it: the same four detectors, no scoring report.
four="$out/four.json"
python3 - "$four" <<'PY'
import json, sys
off = ["over_price", "duplicate_billing", "over_frequency", "item_restriction", "unwarranted_admission",
       "large_prescription", "outlier_physician", "low_positive_rate", "antibiotic_overuse"]
json.dump({"detectors": {d: {"enabled": False} for d in off}}, open(sys.argv[1], "w"))
PY
secs "$cw" run --quiet --data "$data" --month "$month" --out "$out/csv4" --max-reject-share 1 --rules "$four" --no-report
t_csv4=$(took)
secs "$cw" run --quiet --data "$data" --month "$month" --out "$out/csvall" --max-reject-share 1 --no-report
t_csvall=$(took)
bash tests/pg/server.sh start "$state" --bench >/dev/null
. "$state/env"
createdb cwbench
url="dbname=cwbench"
"$cw" db init --quiet --db "$url" >/dev/null 2>&1
secs "$cw" load --quiet --data "$data" --db "$url" --max-reject-share 1
t_load=$(took)
secs "$cw" run --quiet --db "$url" --month "$month" --out "$out/db" --max-reject-share 1
t_db=$(took)
cmp -s "$out/csv/$month/findings.csv" "$out/db/$month/findings.csv" && same=identical || same=DIFFERENT
read -r ext_lines ext_secs < <(python3 - "$out/db/$month/summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def find(o):
    if isinstance(o, dict):
        if "claim_lines" in o and isinstance(o["claim_lines"], dict) and "read" in o["claim_lines"]:
            return o["claim_lines"]
        for v in o.values():
            r = find(v)
            if r: return r
    return None
c = find(d)
print(c["read"], c["seconds"])
PY
)
in_month=$(grep -o '"claim_lines_in_month":[[:space:]]*[0-9]*' "$out/db/$month/summary.json" | grep -o '[0-9]*$')

# The baseline SQL inside PostgreSQL, on the tables claimwatch load filled.
bench_pg_sql "$month" > "$out/baseline.sql"
secs psql -X -q -At -F ' ' -d cwbench -v ON_ERROR_STOP=1 -f "$out/baseline.sql" > "$out/pg.txt"
t_pg=$(took)
secs node bench/duckdb_baseline.mjs "$data" "$month" > "$out/duck.txt"
t_duck=$(took)

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
printf '\n%-52s %9s\n' "" "seconds"
printf '%-52s %9.1f\n' "claimwatch run, from CSV (every detector, report)" "$t_csv"
printf '%-52s %9.1f\n' "claimwatch run, from CSV (every detector, no report)" "$t_csvall"
printf '%-52s %9.1f\n' "claimwatch run, from CSV (the 4 core detectors only)" "$t_csv4"
printf '%-52s %9.1f\n' "claimwatch load, CSV into PostgreSQL" "$t_load"
printf '%-52s %9.1f   findings %s to the CSV run\n' "claimwatch run, from PostgreSQL (every detector)" "$t_db" "$same"
printf '%-52s %9.1f\n' "baseline SQL inside PostgreSQL (4 detectors)" "$t_pg"
printf '%-52s %9.1f\n' "baseline SQL in DuckDB from CSV (4 detectors)" "$t_duck"
echo
echo "claim lines of the month: $in_month; extracted with the look-back: $ext_lines in $(printf %.1f "$ext_secs") s =" \
     "$(awk -v a="$ext_lines" -v b="$ext_secs" 'BEGIN { printf "%d", a / b }') lines/s"
echo "PostgreSQL baseline: $(tr '\n' ';' < "$out/pg.txt")"
echo "DuckDB baseline:     $(grep -v '^total' "$out/duck.txt" | tr '\n' ';')"
echo
echo "ratios (higher is better for claimwatch):"
echo "  DuckDB from CSV / claimwatch from CSV, 4 detectors:     $(r "$t_duck" "$t_csv4")   (aim: 2)"
echo "  DuckDB from CSV / claimwatch from CSV, all, no report:  $(r "$t_duck" "$t_csvall")"
echo "  DuckDB from CSV / claimwatch from CSV, all + report:    $(r "$t_duck" "$t_csv")"
echo "  PostgreSQL SQL / claimwatch from CSV, 4 detectors:      $(r "$t_pg" "$t_csv4")   (aim: 10)"
echo "  PostgreSQL SQL / claimwatch from CSV, all + report:     $(r "$t_pg" "$t_csv")"
echo "  PostgreSQL SQL / claimwatch from PostgreSQL:     $(r "$t_pg" "$t_db")"
echo "  (PostgreSQL load + SQL) / (load + run from PG):  $(r "$(add "$t_load" "$t_pg")" "$(add "$t_load" "$t_db")")"
