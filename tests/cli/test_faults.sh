#!/usr/bin/env bash
# test_faults.sh: faults during `claimwatch run`: the disk fills up while the results are written (a file
# size limit, and a tiny tmpfs when mounting is allowed), the output folder is not writable (an unprivileged
# user when run as root), the process is killed during the load and during the write. Each time the
# month's previous results stay intact and readable, the failure is explained, and the next run succeeds
# and leaves nothing behind.
. "$(dirname "$0")/lib.sh"

month=2026-05
# digest ROOT: a digest of every file of ROOT/$month.
digest() { (cd "$1/$month" && sha256sum -- * | sha256sum | cut -c1-16); }
# no_leftovers ROOT: no temporary or old folder of a run is left in ROOT.
no_leftovers() { [ -z "$(ls -A "$1" | grep -E '^\.(tmp|old)-')" ]; }

"$CW" gen --out "$TMP/d" --months $month..$month --lines 150000 --seed 5 --quiet || { fail "gen"; finish; }
root="$TMP/o"
expect_exit 0 "the reference run" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$root"
ref=$(digest "$root")
# the faulty runs compute something else, so a replaced folder would show
printf '{"detectors": {"over_price": {"enabled": false}}}' > "$TMP/other.json"
other=(--rules "$TMP/other.json")

# intact WHAT: the month's results are the reference ones, readable, and no leftovers remain.
intact() {
  if [ "$(digest "$root")" = "$ref" ] && head -1 "$root/$month/findings.csv" | grep -q '^finding_id,'; then
    pass "$1: the previous results are intact"
  else
    fail "$1: the previous results changed"
  fi
}
# recovers WHAT: the next run succeeds and removes what the failed one left.
recovers() {
  expect_exit 0 "$1: the next run" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$root"
  no_leftovers "$root" && pass "$1: no temporary folder left" || fail "$1: leftovers: $(ls -A "$root")"
  ref=$(digest "$root")
}

# --- disk full: a file size limit (SIGXFSZ ignored, so writes fail with EFBIG) ----------------------------
( trap '' XFSZ; ulimit -f 64; exec "$CW" run --quiet "${other[@]}" --data "$TMP/d" --month $month --out "$root" ) \
  >"$TMP/out" 2>&1
code=$?
[ "$code" = 1 ] && pass "disk full (file size limit): exit 1" || fail "disk full (file size limit): exit $code"
expect_output "writing .*(findings|ranking)\.csv failed: File too large" "the message names the file and the cause"
intact "disk full (file size limit)"
no_leftovers "$root" && pass "the failed run removed its temporary folder" || fail "temporary folder left"
recovers "disk full (file size limit)"

# the same while the reject file is written, during the load
cp -r "$TMP/d" "$TMP/bad"
awk 'NR == 1 { print; next } { sub(/,[^,]*$/, ",not-money"); print }' "$TMP/d/claim_lines.csv" > "$TMP/bad/claim_lines.csv"
( trap '' XFSZ; ulimit -f 64; exec "$CW" run --quiet --data "$TMP/bad" --month $month --out "$root" \
  --max-reject-share 1 ) >"$TMP/out" 2>&1
code=$?
[ "$code" = 1 ] && pass "disk full while writing rejects.csv: exit 1" || fail "disk full in the load: exit $code"
expect_output "rejects.csv: cannot write the reject file: File too large" "the message names the reject file"
intact "disk full in the load"
recovers "disk full in the load"

# --- disk full: a tmpfs too small for the month (when this machine lets us mount) -------------------------
mkdir -p "$TMP/tiny"
if mount -t tmpfs -o size=1m,mode=0755 tmpfs "$TMP/tiny" 2>/dev/null; then
  trap 'umount "$TMP/tiny" 2>/dev/null; rm -rf "$TMP"' EXIT
  copy_mini "$TMP/mini"
  expect_exit 0 "a small month fits the tiny disk" -- "$CW" run --quiet --data "$TMP/mini" --month $month \
    --out "$TMP/tiny/o"
  small=$(digest "$TMP/tiny/o")
  expect_exit 1 "the big month does not (the size guard, or ENOSPC)" -- "$CW" run --quiet --data "$TMP/d" \
    --month $month --out "$TMP/tiny/o"
  # the guard (output.max_free_share, test_outguard.sh) stops the run before the disk is full
  expect_output "No space left on device|output\.max_free_share" "the message says the disk is (nearly) full"
  [ "$(digest "$TMP/tiny/o")" = "$small" ] && pass "ENOSPC: the previous results are intact" \
    || fail "ENOSPC: previous results changed"
  no_leftovers "$TMP/tiny/o" && pass "ENOSPC: no temporary folder left" || fail "ENOSPC: leftovers"
  expect_exit 0 "ENOSPC: the next (small) run" -- "$CW" run --quiet --data "$TMP/mini" --month $month \
    --out "$TMP/tiny/o"
  umount "$TMP/tiny"
else
  echo "skip: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
fi

# --- the output folder is not writable ------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null; then
  chmod 755 "$TMP"
  chmod -R a+rX "$TMP/d"
  as_nobody() { runuser -u nobody -- "$@"; }
else
  as_nobody() { "$@"; } # not root: the folder's mode is enough
  chmod 500 "$root"
fi
chmod 755 "$root"
[ "$(id -u)" = 0 ] || chmod 500 "$root"
expect_exit 1 "output folder not writable" -- as_nobody "$CW" run --quiet "${other[@]}" --data "$TMP/d" \
  --month $month --out "$root"
expect_output "output folder .* is not writable" "the message says so"
chmod 700 "$root"
intact "output folder not writable"
recovers "output folder not writable"
printf 'x' > "$TMP/file"
expect_exit 1 "an output root that is a file" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$TMP/file"
expect_output "is not a folder|Not a directory" "the message says so"

# --- killed during the load ------------------------------------------------------------------------------
"$CW" run --quiet "${other[@]}" --data "$TMP/d" --month $month --out "$root" &
pid=$!
until compgen -G "$root/.tmp-$month.*/rejects.csv" >/dev/null || ! kill -0 "$pid" 2>/dev/null; do :; done
sleep 0.05 # the reject file opens as the load starts; the load itself takes a second or more here
kill -STOP "$pid"
if compgen -G "$root/.tmp-$month.*" >/dev/null && [ ! -e "$(echo "$root"/.tmp-$month.*/findings.csv)" ]; then
  pass "stopped during the load"
else
  fail "the run was not in its load when stopped"
fi
kill -KILL "$pid"; wait "$pid" 2>/dev/null
intact "killed during the load"
compgen -G "$root/.tmp-$month.*" >/dev/null && pass "the killed run left its temporary folder" || true
recovers "killed during the load"

# --- killed during the write -----------------------------------------------------------------------------
caught=0
for attempt in 1 2 3 4 5; do
  "$CW" run --quiet "${other[@]}" --data "$TMP/d" --month $month --out "$root" &
  pid=$!
  until compgen -G "$root/.tmp-$month.*/findings.csv" >/dev/null || ! kill -0 "$pid" 2>/dev/null; do :; done
  kill -STOP "$pid" 2>/dev/null
  if compgen -G "$root/.tmp-$month.*/findings.csv" >/dev/null; then
    caught=1
    kill -KILL "$pid"; wait "$pid" 2>/dev/null
    break
  fi
  # the run finished first: put the reference results back and try again
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  "$CW" run --quiet --data "$TMP/d" --month $month --out "$root"
done
[ "$caught" = 1 ] && pass "killed during the write (attempt $attempt)" || fail "never caught the run in its write"
intact "killed during the write"
recovers "killed during the write"
finish
