#!/usr/bin/env bash
# test_split_overlap.sh: issue 11, item 8. K bundles of the same K components (K^2 catalogue rows), billed
# without a bundle on three visits (3K claim lines), for K = 10, 100, 1000: the findings, the evidence rows and
# the report grow with the claim lines, not with K^2 (before: K findings of K lines per visit-day, a million
# evidence rows and a 276 MB report at K = 100 on 100 visits).
. "$(dirname "$0")/lib.sh"

month=2026-05
# overlap DIR K: the mini month plus K overlapping bundles billed as components on V1, V2 and V3.
overlap() {
  copy_mini "$1"
  awk -v k="$2" 'BEGIN { for (i = 0; i < k; i++) {
      printf "PK%04d,panel %d,lab,次,%d,0,,0,,,,,,\n", i, i, 10 * k
      printf "XK%04d,test %d,lab,次,20,0,,0,,,,,,\n", i, i } }' >> "$1/items.csv"
  awk -v k="$2" 'BEGIN { for (i = 0; i < k; i++) for (j = 0; j < k; j++) printf "PK%04d,XK%04d\n", i, j }' \
    >> "$1/bundles.csv"
  awk -v k="$2" 'BEGIN { split("V1 V2 V3", v, " "); split("2026-05-04 2026-05-12 2026-05-20", d, " ")
      for (n = 1; n <= 3; n++) for (i = 0; i < k; i++)
        printf "O%d-%04d,%s,XK%04d,,%s 15:00,1,20,20\n", n, i, v[n], i, d[n] }' >> "$1/claim_lines.csv"
}
# rows FILE: data rows of a CSV file (no quoted newlines in these outputs).
rows() { echo $(($(wc -l < "$1") - 1)); }
split_findings() { grep -c ',split_billing,' "$1/findings.csv"; }
report_bytes() { du -sb "$1/report" | cut -f1; }

copy_mini "$TMP/mini"
expect_exit 0 "the mini month" -- "$CW" run --quiet --data "$TMP/mini" --month $month --out "$TMP/o0"
base="$TMP/o0/$month"
for k in 10 100 1000; do
  overlap "$TMP/d$k" "$k"
  expect_exit 0 "K = $k overlapping bundles" -- "$CW" run --quiet --data "$TMP/d$k" --month $month --out "$TMP/o$k"
  out="$TMP/o$k/$month"
  lines=$((3 * k))
  findings=$(($(split_findings "$out") - $(split_findings "$base")))
  evidence=$(($(rows "$out/evidence.csv") - $(rows "$base/evidence.csv")))
  report=$(($(report_bytes "$out") - $(report_bytes "$base")))
  ok=1
  [ "$findings" -le 3 ] && pass "K = $k: $findings split_billing findings for 3 visit-days" \
    || { fail "K = $k: $findings split_billing findings for 3 visit-days"; ok=0; }
  [ "$evidence" -le "$lines" ] && pass "K = $k: $evidence evidence rows for $lines claim lines" \
    || { fail "K = $k: $evidence evidence rows for $lines claim lines"; ok=0; }
  [ "$report" -le $((1024 * lines)) ] && pass "K = $k: the report grew by $report bytes for $lines claim lines" \
    || { fail "K = $k: the report grew by $report bytes for $lines claim lines (over 1 KiB a line)"; ok=0; }
  grep -q "$((k - 1)) overlapping bundle(s) on the same lines not reported again" "$out/findings.csv" \
    && pass "K = $k: the finding says how many bundles it left out" || { fail "K = $k: no count of the others"; ok=0; }
  [ "$ok" = 1 ] || break # the unfixed code would write K^2 rows for the larger K
  rm -rf "$TMP/d$k" "$TMP/o$k"
done
finish
