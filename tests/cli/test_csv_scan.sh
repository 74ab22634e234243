#!/usr/bin/env bash
# test_csv_scan.sh: the CSV reader's field scan (src/io/csv_scan.c) does not change what a run reads. The
# same folder, with hand-made awkward lines (quoted fields holding commas and line breaks, CRLF, a stray
# quote, a NUL, bytes that are not UTF-8, wrong field counts, bad values in the month and outside the
# window), run with CW_CSV_SCAN=scalar, sse2, avx2 and slow (every record through the general parser), on
# several threads and on one: the same findings, the same reject file and the same load counts, byte for
# byte (on one thread: two of them). A variant the CPU lacks falls back (it says so) and must give the same.
. "$(dirname "$0")/lib.sh"
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff # the same pseudonyms in every output root

D="$TMP/d"
"$CW" gen --out "$D" --months 2026-03..2026-05 --scale 0.05 --seed 3 --quiet || { fail "gen"; finish; }
# claim lines: line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount[,fund,self]
hdr=$(head -1 "$D/claim_lines.csv")
ncols=$(awk -F, '{ print NF; exit }' "$D/claim_lines.csv")
v=$(awk -F, 'NR == 2 { print $2; exit }' "$D/claim_lines.csv")
item=$(awk -F, 'NR == 2 { print $3; exit }' "$D/claim_lines.csv")
extra=$(printf ',%.0s' $(seq 9 "$ncols"))
{
  printf 'Z1,%s,"%s",,2026-05-03 10:00,1,12.00,12.00%s\r\n' "$v" "$item" "$extra"
  printf 'Z2,%s,%s,,"2026-05-03 10:01",1,"1,2.00",12.00%s\n' "$v" "$item" "$extra"
  printf 'Z3,%s,%s,,2026-05-03 10:02,1,12.00,12.00,"a\nb"\n' "$v" "$item"
  printf 'Z4,%s,%s,,2026-05-03 10:03,1,12.00,st"ray%s\n' "$v" "$item" "$extra"
  printf 'Z5,%s,%s,,2026-05-03 10:04,1,12\0.00,12.00%s\n' "$v" "$item" "$extra"
  printf 'Z6,%s,%s,,2026-05-03 10:05,1,12.00,\xff\xfe%s\n' "$v" "$item" "$extra"
  printf 'Z7,%s,%s,,2026-01-03 10:05,1,zz,12.00%s\n' "$v" "$item" "$extra"
  printf 'Z8,%s,%s,,2025-12-03 10:05,1,12.00,"12.00"%s\n' "$v" "$item" "$extra"
  printf 'Z9,%s,%s,,2026-07-01 00:00,-1,12.00,12.00%s\n' "$v" "$item" "$extra"
  printf 'Z10,%s,%s,,2026-05-31 23:59,1,12.00,12.00%s\r\n' "$v" "$item" "$extra"
  printf 'Z11,nosuchvisit,%s,,2026-02-01 00:00,1,12.00,12.00%s\n' "$item" "$extra"
  printf 'Z12,%s,%s,,2026-05-32 10:00,1,12.00,12.00%s\n' "$v" "$item" "$extra"
  printf 'Z13,%s,%s,,2026-06-32 10:00,1,12.00,12.00%s\n' "$v" "$item" "$extra"
  printf 'Z15,%s,%s,,2026-01-05 10:00,1,12.00,st"ray%s\n' "$v" "$item" "$extra"
  printf 'Z16,%s,%s,,2026-02-05 10:00,1,12.00%s\n' "$v" "$item" "$extra"
  printf '"Z14",%s,%s,,2026-05-04 08:00,1,"1.00","1.00"%s' "$v" "$item" "$extra"
} >"$TMP/extra.csv"
# the awkward lines in the middle of the file (read on threads) and at its end (read by the streaming reader)
half=$(($(wc -l < "$D/claim_lines.csv") / 2))
{ head -n "$half" "$D/claim_lines.csv"; cat "$TMP/extra.csv"; printf '\n'; tail -n +"$((half + 1))" "$D/claim_lines.csv"
  sed 's/^Z/Y/' "$TMP/extra.csv"; } >"$TMP/claims.csv"
mv "$TMP/claims.csv" "$D/claim_lines.csv"

run_with() { # SCAN THREADS OUT
  CW_CSV_SCAN="$1" "$CW" run --data "$D" --month 2026-05 --lookback-days 40 --threads "$2" --lang en --no-report \
    --out "$3" >"$3.log" 2>&1
}
first=""
for threads in 0 1; do
  scans="scalar sse2 avx2 slow"
  [ "$threads" = 1 ] && scans="avx2 slow" # one thread: the streaming reader reads every file
  for scan in $scans; do
    o="$TMP/o-$scan-$threads"
    if ! run_with "$scan" "$threads" "$o"; then fail "run with CW_CSV_SCAN=$scan, $threads threads"; sed 's/^/    /' "$o.log" >&2; continue; fi
    # the files whose content depends on the data alone (not on the time the run took)
    (cd "$o/2026-05" && for f in $(find . -type f \( -name '*.csv' -o -name '*.jsonl' \) | sort); do
       echo "== $f"; cat "$f"; done
     python3 -c 'import json
def drop(x): # the times taken
    return {k: drop(v) for k, v in x.items() if k != "seconds"} if isinstance(x, dict) else x
d = drop(json.load(open("summary.json")))
for k in ("tables", "rows_read", "rows_rejected", "rows_rejected_of_month", "rows_rejected_lookback",
          "rows_rejected_month_unknown", "rows_of_month", "input_bytes", "findings"):
    print(k, json.dumps(d[k], sort_keys=True))')>"$o.digest"
    if [ -z "$first" ]; then first="$o"; continue; fi
    if cmp -s "$first.digest" "$o.digest"; then pass "CW_CSV_SCAN=$scan, $threads threads: the same as $(basename "$first")"
    else fail "CW_CSV_SCAN=$scan, $threads threads differs from $(basename "$first")"; diff "$first.digest" "$o.digest" | head -20 >&2; fi
  done
done
grep -qa '^claim_lines.csv,[0-9]*,service_time,no such day in that month: .2026-05-32 10:00.,"Z12,' \
  "$first/2026-05/rejects.csv" && pass "a bad line of the month is rejected" || fail "Z12 not among the rejects"
grep -rqa 'Z13\|Z7\|Z9\|Z11' "$first/2026-05" && fail "a line of another month was rejected" || pass "lines of other months are not rejected"
# a record malformed as CSV, or with the wrong number of fields, is rejected whatever month it seems to be of
grep -qa '^claim_lines.csv,[0-9]*,,stray quote in an unquoted field,"Z15,' "$first/2026-05/rejects.csv" \
  && pass "a malformed line of another month is rejected" || fail "Z15 not rejected"
grep -qa '^claim_lines.csv,[0-9]*,,9 fields where the header has 10,"Z16,' "$first/2026-05/rejects.csv" \
  && pass "a line of another month with a field missing is rejected" || fail "Z16 not rejected"
CW_CSV_SCAN=bogus "$CW" run --data "$D" --month 2026-05 --threads 1 --lang en --no-report --out "$TMP/o-bogus" >"$TMP/out" 2>&1 \
  && pass "an unknown CW_CSV_SCAN runs" || fail "an unknown CW_CSV_SCAN stopped the run"
expect_output "CW_CSV_SCAN=bogus: unknown \(scalar, sse2, avx2 or slow\)" "an unknown CW_CSV_SCAN is named"
finish
