#!/usr/bin/env bash
# test_hostile.sh: `claimwatch run` on hostile input, end to end. The big inputs are streamed through a
# named pipe by a generator process, or are sparse files, so nothing large is stored: a 2 GiB line, a
# header of 10 million columns, a file of NUL bytes (1 GiB) and a NUL hole in the middle of a table;
# rules files that are not JSON or hold a huge number. Each run either succeeds with the bad rows in
# rejects.csv or fails with a message that names the file, line or key, in bounded memory.
. "$(dirname "$0")/lib.sh"

# peak_rss MONTH_DIR: the run's peak resident memory in MiB, from summary.json.
peak_rss() { sed -n 's/.*"peak_rss_bytes":[[:space:]]*\([0-9.e+]*\).*/\1/p' "$1/summary.json" | awk '{ printf "%d", $1 / 1048576 }'; }

copy_mini "$TMP/d"
head -1 "$SRC/tests/data/mini/claim_lines.csv" > "$TMP/claims.head"
tail -n +2 "$SRC/tests/data/mini/claim_lines.csv" > "$TMP/claims.body"

# --- a 2 GiB line in claim_lines.csv, streamed --------------------------------------------------------
rm -f "$TMP/d/claim_lines.csv"
mkfifo "$TMP/d/claim_lines.csv"
{
  cat "$TMP/claims.head"
  printf 'L900,V1,'
  head -c $(( (2 << 30) + 100 )) /dev/zero | tr '\0' 'A'
  printf ',x\n'
  cat "$TMP/claims.body"
} > "$TMP/d/claim_lines.csv" &
gen=$!
expect_exit 0 "a 2 GiB line is one reject" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" \
  --max-reject-share 0.5
wait "$gen"
grep -q '^claim_lines.csv,2,,record longer than 1048576 bytes (record cut after 4 KiB),"L900,V1,AAAA' \
  "$TMP/o/2026-05/rejects.csv" && pass "the reject names file, line and reason" || fail "2 GiB reject row"
[ "$(wc -c < "$TMP/o/2026-05/rejects.csv")" -lt 8192 ] && pass "4 KiB of the line kept, not 2 GiB" \
  || fail "rejects.csv too big"
rss=$(peak_rss "$TMP/o/2026-05")
[ -n "$rss" ] && [ "$rss" -lt 400 ] && pass "peak memory ${rss} MiB" || fail "peak memory ${rss:-?} MiB"
grep -q '"rejected":[[:space:]]*1' "$TMP/o/2026-05/summary.json" && pass "one claim line rejected" \
  || fail "reject count in summary.json"
[ "$(($(wc -l < "$TMP/o/2026-05/findings.csv")))" -gt 1 ] && pass "the other lines were read and checked" \
  || fail "no findings after the giant line"
rm -f "$TMP/d/claim_lines.csv"

# --- 10 million columns in a header, streamed ---------------------------------------------------------
cp "$SRC/tests/data/mini/claim_lines.csv" "$TMP/d/claim_lines.csv"
rm -f "$TMP/d/exam_results.csv"
mkfifo "$TMP/d/exam_results.csv"
{ head -c 10000000 /dev/zero | tr '\0' ','; printf 'line_id,result\nL2,negative\n'; } > "$TMP/d/exam_results.csv" &
gen=$!
expect_exit 1 "10 million header columns" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o2"
wait "$gen" 2>/dev/null
expect_output "exam_results.csv: line 1: unreadable header: record longer than 1048576 bytes" \
  "the message names the file and why"
[ ! -e "$TMP/o2/2026-05" ] && pass "no results for the failed run" || fail "results written"
rm -f "$TMP/d/exam_results.csv"
cp "$SRC/tests/data/mini/exam_results.csv" "$TMP/d/"

# --- a file of NUL bytes (sparse, 1 GiB) --------------------------------------------------------------
rm -f "$TMP/d/visits.csv"
truncate -s 1G "$TMP/d/visits.csv"
expect_exit 1 "a 1 GiB file of NUL bytes" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o2"
expect_output "visits.csv: line 1: the header holds NUL bytes \(not a UTF-8 CSV file\?\)" "the message says NUL bytes"
cp "$SRC/tests/data/mini/visits.csv" "$TMP/d/"

# --- a NUL hole of 1 GiB in the middle of a table: one reject, the rows after it are read --------------
cp "$TMP/claims.head" "$TMP/d/claim_lines.csv"
head -3 "$TMP/claims.body" >> "$TMP/d/claim_lines.csv"
truncate -s +1G "$TMP/d/claim_lines.csv"
printf '\n' >> "$TMP/d/claim_lines.csv"
tail -n +4 "$TMP/claims.body" >> "$TMP/d/claim_lines.csv"
expect_exit 0 "a 1 GiB NUL hole inside claim_lines.csv" -- "$CW" run --quiet --data "$TMP/d" --month 2026-05 \
  --out "$TMP/o3" --max-reject-share 0.5
grep -q '^claim_lines.csv,5,,NUL byte in record (record cut after 4 KiB),\\x00\\x00' "$TMP/o3/2026-05/rejects.csv" \
  && pass "the NUL run is one reject, escaped" || fail "NUL reject row"
[ "$(grep -c . "$TMP/o3/2026-05/rejects.csv")" = 2 ] && pass "and the only one" || fail "reject count"
cp "$SRC/tests/data/mini/claim_lines.csv" "$TMP/d/"

# --- invalid UTF-8 and escape sequences in values ------------------------------------------------------
printf 'L901,V1,C1,,2026-05-04 08:30,1,10,\xff\x1b[2J\n' >> "$TMP/d/claim_lines.csv"
expect_exit 0 "invalid UTF-8 and an escape sequence in a value" -- "$CW" run --data "$TMP/d" --month 2026-05 \
  --out "$TMP/o4" --max-reject-share 0.5
grep -q "amount,not a money amount.*'\\\\xff\\\\x1b\[2J'" "$TMP/o4/2026-05/rejects.csv" \
  && pass "the value is quoted escaped" || fail "escaped reject"
! grep -q $'\x1b' "$TMP/out" "$TMP/o4/2026-05/rejects.csv" && pass "no escape byte reaches the terminal or the file" \
  || fail "raw escape byte"
cp "$SRC/tests/data/mini/claim_lines.csv" "$TMP/d/"

# --- rules files ---------------------------------------------------------------------------------------
printf 'load:\n  lookback_days: 45\n' > "$TMP/yaml.json"
expect_exit 1 "a rules file that is not JSON" -- "$CW" run --quiet --rules "$TMP/yaml.json" --data "$TMP/d" \
  --month 2026-05 --out "$TMP/o5"
expect_output "yaml.json: not valid JSON \(at line 1, column 1\)" "the message names the file and where"
printf '{"load": {"lookback_days": 1e999}}' > "$TMP/huge.json"
expect_exit 1 "a rules file with a huge number" -- "$CW" run --quiet --rules "$TMP/huge.json" --data "$TMP/d" \
  --month 2026-05 --out "$TMP/o5"
expect_output "load.lookback_days: number out of range" "the message names the key"
printf '{"detectors": {"split_admission": {"window_days": 123456789012345678901234567890}}}' > "$TMP/big.json"
expect_exit 1 "a rules file with a number out of the key's range" -- "$CW" run --quiet --rules "$TMP/big.json" \
  --data "$TMP/d" --month 2026-05 --out "$TMP/o5"
expect_output "detectors.split_admission.window_days" "the message names the key"
head -c 4096 /dev/urandom > "$TMP/random.json"
expect_exit 1 "a rules file of random bytes" -- "$CW" run --quiet --rules "$TMP/random.json" --data "$TMP/d" \
  --month 2026-05 --out "$TMP/o5"
expect_output "random.json" "the message names the file"
[ ! -e "$TMP/o5" ] && pass "nothing written for bad rules" || fail "output written for bad rules"
finish
