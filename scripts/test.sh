#!/usr/bin/env bash
# test.sh: sets up (packages, a sanitizer build) and runs every test: the cmocka unit tests, the
# command-line tests, the PostgreSQL tests (each starts its own throwaway server) and the browser test.
#
#   scripts/test.sh [-j N]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=2
[ "${1:-}" = "-j" ] && jobs="$2"

scripts/setup.sh --tests --sanitize --build-dir build-test
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-test
ctest --output-on-failure -j "$jobs"
