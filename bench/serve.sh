#!/usr/bin/env bash
# serve.sh: the speed and memory of `claimwatch serve` (docs/serve.md, "Speed and memory").
#
#   bench/serve.sh [--lines N] [--data DIR] [--month YYYY-MM] [--seconds S] [--connections C] [--threads T]
#                  [--claimwatch PATH]
#
# Generates (or reuses, in DIR) a month with its look-back of N claim lines a month (default 1,000,000),
# builds a Release claimwatch (build-rel/; --claimwatch PATH: that binary instead, e.g. an older build to
# compare with), starts the service on the whole folder on a free loopback port
# and drives POST /v1/check with wrk (Debian's wrk) for S seconds on C connections: the request bodies are
# the month's own visits with their lines and prescriptions (tests/cli/serve_replay.py split), renamed to
# new visit and line ids so every request is judged as a new claim on its patient's real history. Prints
# the throughput, the p50/p90/p99 latency, the service's CPU time per check, its memory (peak RSS) against a batch run's on the
# same folder and month, and the load time. The service is stopped at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=1000000 data="" month=2026-03 secs=20 conns=8 threads=2 cw=""
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines="$2"; shift ;;
    --data) data="$2"; shift ;;
    --month) month="$2"; shift ;;
    --seconds) secs="$2"; shift ;;
    --connections) conns="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --claimwatch) cw="$2"; shift ;;
    *) echo "serve.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "serve.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
data=${data:-/tmp/claimwatch-serve-bench-$lines}
if [ -z "$cw" ]; then
  cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_TESTS=OFF >/dev/null
  ninja -C build-rel claimwatch >/dev/null
  cw=$PWD/build-rel/claimwatch
fi
[ -x "$cw" ] || { echo "serve.sh: $cw is no program" >&2; exit 2; }
echo "== $cw; load average $(cut -d' ' -f1-3 /proc/loadavg)"
work=$(mktemp -d /tmp/cw-serve-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

prev=$(python3 -c "y,m=map(int,'$month'.split('-')); print('%04d-%02d' % ((y, m-1) if m > 1 else (y-1, 12)))")
if [ ! -f "$data/claim_lines.csv" ]; then
  echo "== generating $prev..$month, $lines claim lines a month, into $data"
  "$cw" gen --out "$data" --months "$prev..$month" --lines "$lines" --seed 1 --quiet
fi
echo "== the batch run on $month (for its memory)"
/usr/bin/time -f '%M %e' -o "$work/run.time" "$cw" run --data "$data" --rules "$data/rules.json" --month "$month" \
  --out "$work/R" --quiet --no-report
read -r run_kb run_s <"$work/run.time"

echo "== request bodies: the month's visits as new claims"
python3 tests/cli/serve_replay.py split "$data" "$month" "$work/B" "$work/claims.jsonl" >/dev/null
python3 - "$work/claims.jsonl" "$work/bodies.txt" <<'PY'
import json, sys
n = 0
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        b = json.loads(line)
        if not b["lines"]:
            continue
        b["visit"]["visit_id"] += "-b"
        for l in b["lines"]:
            l["line_id"] += "-b"
        for r in b["prescriptions"]:
            r["rx_id"] += "-b"
        out.write(json.dumps(b, ensure_ascii=False, separators=(",", ":")) + "\n")
        n += 1
        if n == 20000:
            break
PY
rm -rf "$work/B" "$work/R"
cp -r "$data" "$work/D" # the service journals into its folder: never into the generated one
cat >"$work/check.lua" <<'LUA'
local bodies, i = {}, 0
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/v1/check", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests %d errors %d seconds %.2f p50_ms %.3f p90_ms %.3f p99_ms %.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
LUA

echo "== the service"
"$cw" serve --data "$work/D" --rules "$data/rules.json" --month "$month" --accept-uncatalogued --listen 127.0.0.1:0 \
  --threads "$threads" --max-connections 1024 --quiet --lang en 2>"$work/serve.log" &
pid=$!
port=""
for _ in $(seq 1 3000); do
  port=$(grep -m1 -o '^serve: .*127\.0\.0\.1:[0-9]*$' "$work/serve.log" | sed 's/.*://' || true) # either language
  [ -n "$port" ] && break
  kill -0 "$pid" || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
grep 'loaded in' "$work/serve.log"
curl -s "http://127.0.0.1:$port/v1/check" -d "$(head -1 "$work/bodies.txt")" | head -c 300; echo
cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat") # the service's CPU time (user + system), in ticks
BODIES="$work/bodies.txt" wrk -t 2 -c "$conns" -d "${secs}s" --latency -s "$work/check.lua" "http://127.0.0.1:$port" \
  | tee "$work/wrk.txt" | grep -E "Requests/sec|Latency|RESULT"
cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
serve_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
read -r _ _ reqs _ errs _ s _ p50 _ p90 _ p99 < <(grep '^RESULT' "$work/wrk.txt")
hist=$(curl -s "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["history_lines"])')
echo
echo "history: $hist claim lines ($month and its look-back)"
awk -v r="$reqs" -v e="$errs" -v s="$s" -v p50="$p50" -v p90="$p90" -v p99="$p99" -v c="$conns" -v t="$threads" \
  'BEGIN { printf "checks: %.0f a second (%d in %.1f s, %d errors), %d connections, %d service threads\n", r / s, r, s, e, c, t;
           printf "latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n", p50, p90, p99 }'
# CPU time per check: what a check costs whatever else the machine runs (throughput and latency do not say)
awk -v c="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v r="$reqs" \
  'BEGIN { printf "cpu: %.0f us of the service per check (user + system), so at most %.0f checks a second a core\n", 1e6 * c / hz / r, r * hz / c }'
awk -v a="$serve_kb" -v b="$run_kb" -v rs="$run_s" \
  'BEGIN { printf "memory: service peak %.0f MiB, batch run peak %.0f MiB (%.2fx); the batch run took %.1f s\n", a / 1024, b / 1024, a / b, rs }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine's other work counts against these figures)"
