#!/usr/bin/env bash
# test_outguard.sh: the size guard of the outputs (issue 11, item 8). A run whose outputs would exceed
# output.max_bytes, or take more than output.max_free_share of the space free when the month folder was begun,
# fails with one line naming the file (as it will be called, ROOT/2026-05/...) and the limit; the month's
# previous results stay as they were, nothing is left behind, and the next run succeeds. The same for a file
# of `claimwatch blacklist --out`. On a tiny tmpfs (when this machine lets us mount), the default guard stops a
# month too big for the disk before the disk is full.
. "$(dirname "$0")/lib.sh"

month=2026-05
# digest ROOT: a digest of every file of ROOT/$month, the report included.
digest() { (cd "$1/$month" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }
no_leftovers() { [ -z "$(ls -A "$1" | grep -E '^\.(tmp|old)-')" ]; }
# limit KEYS: rules with these output keys; the faulty runs compute something else, so a replaced folder shows.
limit() { printf '{"output": {%s}, "detectors": {"over_price": {"enabled": false}}}' "$1" > "$TMP/limit.json"; }
# stopped WHAT FILE-PATTERN LIMIT-PATTERN: the last run failed on the guard, naming the file and the limit,
# and left the reference results and no temporary folder.
stopped() {
  expect_output "^claimwatch run: run $month: (writing the report: )?$root/$month/$2: the outputs would $3; \
refused after [0-9]+ bytes \(the earlier results in $root/$month, if any, are as they were\)$" \
    "$1: the message names the file and the limit"
  [ "$(digest "$root")" = "$ref" ] && pass "$1: the previous results are intact" || fail "$1: the results changed"
  no_leftovers "$root" && pass "$1: no temporary folder left" || fail "$1: leftovers: $(ls -A "$root")"
}

copy_mini "$TMP/mini"
root="$TMP/o"
expect_exit 0 "the reference run" -- "$CW" run --quiet --data "$TMP/mini" --month $month --out "$root"
ref=$(digest "$root")

# limited WHAT KEYS FILE-PATTERN LIMIT-PATTERN: a run of the mini month with these output keys is stopped.
limited() {
  limit "$2"
  expect_exit 1 "$1" -- "$CW" run --quiet --rules "$TMP/limit.json" --data "$TMP/mini" --month $month --out "$root"
  stopped "$1" "$3" "$4"
}
limited "a limit hit in the reject file (written during the load)" '"max_bytes": 10' 'rejects\.csv' \
  'exceed output\.max_bytes \(10 bytes\)'
limited "a limit hit in the CSV files" '"max_bytes": 300' '[a-z_]+\.csv' 'exceed output\.max_bytes \(300 bytes\)'
# a limit that the CSV files leave room for: the report hits it
csv=$(($(find "$root/$month" -maxdepth 1 -type f -printf '%s\n' | awk '{ n += $1 } END { print n }') + 4000))
limited "a limit hit in the report" "\"max_bytes\": $csv" 'report/[a-z0-9_/.-]+\.(html|css|js)' \
  "exceed output\.max_bytes \($csv bytes\)"
limited "a share of the free space" '"max_free_share": 1e-12' '[a-z_]+\.csv' \
  'take more than output\.max_free_share \(1e-12\) of the [0-9]+ bytes free on the output filesystem when they began'

limit '"max_free_share": 0'
expect_exit 1 "output.max_free_share 0" -- "$CW" run --quiet --rules "$TMP/limit.json" --data "$TMP/mini" \
  --month $month --out "$root"
expect_output "output\.max_free_share: must be above 0" "the rules error names the key"
expect_exit 0 "the next run without a limit" -- "$CW" run --quiet --data "$TMP/mini" --month $month --out "$root"

# a file written outside a month folder
limit '"max_bytes": 10'
expect_exit 1 "blacklist --out over output.max_bytes" -- "$CW" blacklist --root "$root" --cycle 2026-H1 \
  --min-level 1 --rules "$TMP/limit.json" --out "$TMP/bl.csv"
expect_output "^claimwatch blacklist: $TMP/bl\.csv: the outputs would exceed output\.max_bytes \(10 bytes\)" \
  "the message names the file and the limit"
expect_exit 0 "blacklist to standard output is not counted" -- "$CW" blacklist --root "$root" --cycle 2026-H1 \
  --min-level 1 --rules "$TMP/limit.json"

# --- a tiny disk: the default guard (half the free space) stops the month before the disk is full ------------
mkdir -p "$TMP/tiny"
if mount -t tmpfs -o size=1m,mode=0755 tmpfs "$TMP/tiny" 2>/dev/null; then
  trap 'umount "$TMP/tiny" 2>/dev/null; rm -rf "$TMP"' EXIT
  "$CW" gen --out "$TMP/d" --months $month..$month --lines 20000 --seed 5 --quiet || fail "gen"
  root="$TMP/tiny/o"
  expect_exit 0 "a small month fits the tiny disk" -- "$CW" run --quiet --data "$TMP/mini" --month $month \
    --out "$root"
  ref=$(digest "$root")
  expect_exit 1 "a month of 20000 claim lines (1.2 MB of results) does not" -- "$CW" run --quiet \
    --data "$TMP/d" --month $month --out "$root"
  # the pages take whole blocks: the disk's own free space may reach the half before the bytes written do
  stopped "the tiny disk" '[a-z0-9_/.-]+' "(take more than output\.max_free_share \(0\.5\) of the [0-9]+ bytes free \
on the output filesystem when they began|bring the output filesystem below the [0-9]+ bytes free that \
output\.max_free_share \(0\.5\) keeps \([0-9]+ bytes free now\))"
  expect_exit 0 "the tiny disk: the next (small) run" -- "$CW" run --quiet --data "$TMP/mini" --month $month \
    --out "$root"
  umount "$TMP/tiny"
else
  echo "skip: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
fi
finish
