#!/usr/bin/env bash
# test.sh: sets up (packages, a sanitizer build) and runs every test: the cmocka unit tests, the
# command-line tests, the PostgreSQL tests (each starts its own throwaway server), the browser test and
# the install tests (`cmake --install` into a temporary prefix, then examples/embed.c and the example
# plug-in built against it with pkg-config and CMake, and a project that add_subdirectory()s the tree:
# tests/install/test_install.sh, as install.* in the suite), all under AddressSanitizer and UBSan; the
# libFuzzer harnesses for a bounded time each (clang, in build-fuzz); a month's work under valgrind
# memcheck (a plain build, in build-valgrind).
#
#   scripts/test.sh [-j N] [--fuzz-seconds S]     (default 8; S = 0 skips the fuzzers)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=2 fuzz_seconds=8
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs="$2"; shift ;;
    --fuzz-seconds) fuzz_seconds="$2"; shift ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup.sh --tests --sanitize --build-dir build-test
if [ "$fuzz_seconds" != 0 ]; then
  [ -f build-fuzz/build.ninja ] || CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCW_FUZZ=ON -DCW_TESTS=OFF >/dev/null
  cmake build-fuzz -DCW_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
  ninja -C build-fuzz fuzz_csv fuzz_parse fuzz_rules fuzz_load fuzz_store fuzz_request >/dev/null # the harnesses only
fi
[ -f build-valgrind/build.ninja ] || cmake -S . -B build-valgrind -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCW_TESTS=OFF >/dev/null
ninja -C build-valgrind claimwatch >/dev/null

# python3 through a version manager's shim (pyenv's is a bash script that looks the version up) costs a quarter
# of a second a call here, against a tenth for the interpreter itself, and the tests call it hundreds of times:
# the interpreter's own folder goes first in PATH.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
[ -n "$py" ] && export PATH="$(dirname "$py"):$PATH"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# valgrind (one process at a time) runs beside the fuzzers: five harnesses on two cores leave one idle for a
# round, and the two phases together take the time of the longer instead of their sum. Its output is shown
# after the fuzzers'.
vg_log=$(mktemp)
trap 'rm -f "$vg_log"' EXIT
tests/valgrind.sh build-valgrind/claimwatch >"$vg_log" 2>&1 &
vg_pid=$!
if [ "$fuzz_seconds" != 0 ]; then
  echo "== fuzzing: each harness for $fuzz_seconds s (tests/fuzz/README.md)"
  (cd build-fuzz && ctest --output-on-failure -j "$jobs") || status=1
fi
echo "== valgrind memcheck: a month's work (tests/valgrind.sh)"
wait "$vg_pid" || status=1
cat "$vg_log"
echo "== the test suite under AddressSanitizer and UBSan"
(cd build-test && ctest --output-on-failure -j "$jobs") || status=1
exit "$status"
