#!/usr/bin/env bash
# valgrind.sh: the commands of a month's work under valgrind memcheck: generate two months, run them,
# run one again over its earlier results, review a finding, export the blacklist, evaluate. Every
# command must end with no invalid access, no use of uninitialised memory and no leak (definite,
# indirect or possible). memcheck cannot run AddressSanitizer binaries: give a plain build
# (scripts/test.sh builds build-valgrind for this).
#
#   tests/valgrind.sh /path/to/claimwatch [LINES_PER_MONTH]
set -u
CW="$1"
lines="${2:-4000}"
TMP=$(mktemp -d /tmp/cwvg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
if nm -D "$CW" 2>/dev/null | grep -q __asan_init; then
  echo "valgrind.sh: $CW is built with AddressSanitizer; give a plain build" >&2
  exit 1
fi
passed=0 failed=0
# vg EXIT WHAT -- command...: runs the command under memcheck; it must exit with EXIT and memcheck
# must find nothing (memcheck's own exit code is 99).
vg() {
  local want="$1" what="$2"; shift 3
  local log="$TMP/vg-$((passed + failed)).log" got
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --error-exitcode=99 \
    --log-file="$log" "$@" >"$TMP/out" 2>&1
  got=$?
  if [ "$got" = "$want" ]; then
    echo "ok: $what"; passed=$((passed + 1))
  else
    echo "FAIL: $what (exit $got, wanted $want; 99 is memcheck's)"; failed=$((failed + 1))
    sed 's/^/    /' "$TMP/out" | tail -20
    grep -v '^==[0-9]*== *$' "$log" | head -80 | sed 's/^/    /'
  fi
}

vg 0 "gen: two months of $lines lines" -- "$CW" gen --out "$TMP/d" --months 2026-05..2026-06 --lines "$lines" --seed 7 --quiet
vg 0 "run: both months" -- "$CW" run --quiet --threads 2 --data "$TMP/d" --months 2026-05..2026-06 --out "$TMP/o"
vg 0 "run: May again, over its results" -- "$CW" run --quiet --threads 1 --data "$TMP/d" --month 2026-05 --out "$TMP/o"
fid=$(awk -F, 'NR == 2 { print $1 }' "$TMP/o/2026-05/findings.csv" 2>/dev/null)
if [ -n "$fid" ]; then
  vg 0 "review: dismiss a finding" -- "$CW" review --root "$TMP/o" --finding "$fid" --status dismissed --note "valgrind" --by vg
fi
vg 0 "run: June again, with the review" -- "$CW" run --quiet --data "$TMP/d" --month 2026-06 --out "$TMP/o"
vg 0 "blacklist: CSV" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --min-level 1 --out "$TMP/bl.csv"
vg 0 "blacklist: JSON" -- "$CW" blacklist --root "$TMP/o" --cycle 2026-H1 --min-level 1 --format json
vg 0 "eval" -- "$CW" eval --truth "$TMP/d/truth.json" --run "$TMP/o"
vg 1 "a failing run (missing files)" -- "$CW" run --quiet --data "$TMP/none" --month 2026-05 --out "$TMP/o"
vg 2 "a usage error" -- "$CW" run --data "$TMP/d" --month 2026-13 --out "$TMP/o"
printf '{"load": {"lookback_days": 1e400}}' > "$TMP/huge.json"
vg 1 "a rules file with a huge number" -- "$CW" run --quiet --rules "$TMP/huge.json" --data "$TMP/d" --month 2026-05 --out "$TMP/o"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
