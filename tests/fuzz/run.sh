#!/usr/bin/env bash
# run.sh: runs one libFuzzer harness for a bounded time, as a ctest test.
#
#   tests/fuzz/run.sh BUILD/tests/fuzz/fuzz_csv SECONDS
#
# First every file of tests/fuzz/regress/<harness>/ (inputs that once crashed) is run once; then the
# harness fuzzes for SECONDS from its seed corpus tests/fuzz/corpus/<harness>/, growing a scratch corpus in
# the working folder (the seeds stay as they are). A crash, leak, timeout or failed check leaves its input
# as crash-*, leak-*, timeout-* or oom-* in the working folder and fails the test; copy it into
# tests/fuzz/regress/<harness>/ and add a unit test that reproduces it.
set -euo pipefail
bin="$1"
secs="${2:-20}"
name=$(basename "$bin")
name=${name#fuzz_}
here=$(cd "$(dirname "$0")" && pwd)
seeds="$here/corpus/$name"
regress="$here/regress/$name"
dict="$here/$name.dict"
work="$PWD/work-$name"
mkdir -p "$work"

opts=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)
[ -f "$dict" ] && opts+=("-dict=$dict")

if [ -d "$regress" ] && [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
  echo "== $name: the regression inputs"
  "$bin" "${opts[@]}" "$regress"/*
fi
echo "== $name: fuzzing for $secs s"
set +e
"$bin" "${opts[@]}" -max_total_time="$secs" -artifact_prefix="$PWD/" "$work" "$seeds" >"$PWD/$name.log" 2>&1
status=$?
set -e
grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)' "$PWD/$name.log" | tail -n 60
if [ "$status" != 0 ]; then
  echo "fuzz_$name failed (exit $status): see the crash-*/leak-*/timeout-* file in $PWD" >&2
  exit 1
fi
