#!/usr/bin/env bash
# test_skip.sh: a test that cannot run here is skipped, not passed. The tests that need
# `claimwatch gen` (test_quality.sh, test_sanctions.sh) exit 77 with a build that lacks it, which
# tests/CMakeLists.txt sets as SKIP_RETURN_CODE, so CTest lists them as skipped.
. "$(dirname "$0")/lib.sh"

# a claimwatch without `gen`: every other command goes to the real one
cat >"$TMP/nogen" <<STUB
#!/bin/sh
[ "\$1" = gen ] && { echo "claimwatch: unknown command 'gen'" >&2; exit 2; }
exec "$CW" "\$@"
STUB
chmod +x "$TMP/nogen"
for t in test_quality test_sanctions; do
  expect_exit 77 "$t.sh without 'claimwatch gen' is skipped" -- bash "$SRC/tests/cli/$t.sh" "$TMP/nogen" "$SRC"
  expect_output "^SKIP: this build has no 'claimwatch gen'" "$t.sh says why"
done
grep -q 'SKIP_RETURN_CODE 77' "$SRC/tests/CMakeLists.txt" && pass "CTest takes exit 77 as a skip" \
  || fail "tests/CMakeLists.txt lacks SKIP_RETURN_CODE 77"
finish
