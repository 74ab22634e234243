#!/usr/bin/env bash
# test_input.sh: input files that are not regular files (FIFOs fed by another process) and records longer
# than the reader holds (issue 11, items 4 and 9). A long quoted field streamed through a FIFO is one
# rejected record: the claim-like lines inside it are never loaded. A FIFO with no writer, or a writer that
# stalls, is waited for with a note naming the file, and given up after the input timeout (--input-timeout
# or the rules' load.input_timeout_seconds) with a message, leaving no temporary folder behind. Every run
# is bounded by `timeout`, so a hang fails the test instead of stalling the suite.
. "$(dirname "$0")/lib.sh"

copy_mini "$TMP/d"
cp "$TMP/d/claim_lines.csv" "$TMP/claims.csv"
no_tmp_left() { [ -z "$(ls -A "$1" 2>/dev/null | grep -E '^\.(tmp|old)-')" ]; }

# --- a quoted field of 3 MiB holding 50 claim-like lines, through a FIFO -----------------------------
rm "$TMP/d/claim_lines.csv"
mkfifo "$TMP/d/claim_lines.csv"
{
  cat "$TMP/claims.csv"
  printf 'L900,V1,C1,,2026-05-04 08:30,1,10,"note'
  for i in $(seq 50); do
    printf '\nLH%d,V1,C1,,2026-05-04 08:30,1,10,10\n' "$i"
    head -c 60000 /dev/zero | tr '\0' 'x'
  done
  printf '"\nL901,V1,C1,,2026-05-04 08:31,1,10,10\n'
} > "$TMP/d/claim_lines.csv" &
gen=$!
expect_exit 0 "a long quoted field through a FIFO" -- timeout 120 "$CW" run --quiet --data "$TMP/d" --month 2026-05 \
  --out "$TMP/o" --max-reject-share 0.5
kill "$gen" 2>/dev/null # still blocked on the FIFO when the run did not read it all
wait "$gen" 2>/dev/null
grep -q '^claim_lines.csv,14,,record longer than 1048576 bytes (it spans lines 14 to 114)' "$TMP/o/2026-05/rejects.csv" \
  && pass "one reject, naming the lines the record spans" || fail "the long record's reject row"
! grep -q 'LH[0-9]' "$TMP/o/2026-05/findings.csv" "$TMP/o/2026-05/evidence.csv" \
  && pass "no line inside the quotes was loaded" || fail "lines inside a quoted field were loaded"
grep -q 'L901' "$TMP/o/2026-05/evidence.csv" "$TMP/o/2026-05/findings.csv" \
  && pass "the line after the field was read" || fail "the line after the long field is missing"
rm -f "$TMP/d/claim_lines.csv"

# --- a FIFO that nobody writes ------------------------------------------------------------------------
mkfifo "$TMP/d/claim_lines.csv"
expect_exit 1 "a FIFO without a writer" -- timeout 60 "$CW" run --data "$TMP/d" --month 2026-05 --out "$TMP/o2" \
  --input-timeout 2
expect_output "claim_lines.csv: waiting for data \(not a regular file: a FIFO\?\)" "a note names the file awaited"
expect_output "claim_lines.csv: nothing to read for 2 s \(--input-timeout" "the failure names the file and the timeout"
no_tmp_left "$TMP/o2" && pass "no temporary folder left" || fail "temporary folder left: $(ls -A "$TMP/o2")"
[ ! -e "$TMP/o2/2026-05" ] && pass "no results for the failed month" || fail "results written"

# --- the rules' key, and a writer that stalls after the first lines -----------------------------------
printf '{"load": {"input_timeout_seconds": 2}}' > "$TMP/rules.json"
{ head -5 "$TMP/claims.csv"; exec sleep 60; } > "$TMP/d/claim_lines.csv" &
gen=$!
expect_exit 1 "a writer that stalls" -- timeout 60 "$CW" run --quiet --rules "$TMP/rules.json" --data "$TMP/d" \
  --month 2026-05 --out "$TMP/o2"
expect_output "claim_lines.csv: nothing to read for 2 s" "the stall is named"
no_tmp_left "$TMP/o2" && pass "no temporary folder left" || fail "temporary folder left: $(ls -A "$TMP/o2")"
kill "$gen" 2>/dev/null
wait "$gen" 2>/dev/null
expect_exit 2 "a bad --input-timeout" -- "$CW" run --data "$TMP/d" --month 2026-05 --out "$TMP/o2" --input-timeout -1
finish
