#!/usr/bin/env bash
# test_output_faults.sh: what people read survives faults. reviews.csv: a decision is added whole or not
# at all (a full disk, a small filesystem this test mounts when it may), and a damaged end left by an
# older claimwatch is set aside with a warning, never blocking a run or the blacklist. Exports: a failed
# rewrite (EFBIG, a full disk) leaves the previous file. Messages name the right thing (a file above
# ROOT, a missing data folder). Leftovers: a killed first run's key file, a plain file where a month
# folder goes, a decision recorded while a run is in flight.
. "$(dirname "$0")/lib.sh"

month=2026-05
copy_mini "$TMP/d"
rules="$TMP/rules.json"
echo '{"scoring": {"min_visits": 1}, "grades": {"basically_reasonable": 1, "unreasonable": 2}}' >"$rules"
# finding ROOT DETECTOR: the id of the month's finding of that detector.
finding() { awk -F, -v d="$2" '$3 == d { print $1 }' "$1/$month/findings.csv"; }
# no_temp DIR: no temporary file of claimwatch's is left in DIR.
no_temp() { [ -z "$(ls -A "$1" | grep -E '\.tmp$|^\.tmp-')" ]; }
# run_limited BLOCKS -- command...: the command with a file size limit (SIGXFSZ ignored: writes fail with
# EFBIG); its output goes through a pipe (not limited) to $TMP/out.
run_limited() {
  local blocks="$1"; shift 2
  ( trap '' XFSZ; ulimit -f "$blocks"; exec "$@" ) 2>&1 | cat >"$TMP/out"
  return "${PIPESTATUS[0]}"
}

root="$TMP/o"
expect_exit 0 "the mini month" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$root" --rules "$rules"
f1=$(finding "$root" over_price)
f2=$(finding "$root" duplicate_billing)

# --- reviews.csv: a damaged end left by an older claimwatch never blocks a run -----------------------------
hdr='time,by,finding_id,month,status,note'
printf '%s\n2026-11-20T10:00:00+0800,li,%s,%s,dismissed,ok\n2026-11-20T10:01:00+0800,li,%s,%s,confirmed,"half a no' \
  "$hdr" "$f1" $month "$f2" $month >"$root/reviews.csv"
expect_exit 0 "a run with a torn reviews.csv" -- "$CW" run --data "$TMP/d" --month $month --out "$root" --rules "$rules"
expect_output "reviews.csv: line 3: .*set aside in .*reviews.csv.damaged-" "the warning names the line and where it went"
grep -q "^$f1,.*,dismissed\$" "$root/$month/findings.csv" && pass "the decision before the tear applies" \
  || fail "the readable decision was lost"
grep -q "^$f2,.*,confirmed\$" "$root/$month/findings.csv" && fail "the torn decision applied" || pass "the torn one does not"
[ "$(cat "$root"/reviews.csv.damaged-*)" = "2026-11-20T10:01:00+0800,li,$f2,$month,confirmed,\"half a no" ] \
  && pass "the damaged end is kept aside" || fail "set-aside file: $(cat "$root"/reviews.csv.damaged-* 2>&1)"
grep -q "set aside" <(tr -d '\n' <"$root/$month/summary.json") && pass "summary.json keeps the warning" \
  || fail "no warning in summary.json"
expect_exit 0 "blacklist after the tear" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1
expect_exit 0 "a decision after the tear" -- "$CW" review --root "$root" --finding "$f2" --status confirmed --note again
expect_exit 0 "the next run" -- "$CW" run --data "$TMP/d" --month $month --out "$root" --rules "$rules"
grep -q "warning.*reviews.csv" "$TMP/out" && fail "still warned: $(cat "$TMP/out")" || pass "no warning any more"
grep -q "^$f2,.*,confirmed\$" "$root/$month/findings.csv" && pass "the decision recorded after the tear applies" \
  || fail "the new decision was swallowed"

# the torn line an older claimwatch then appended to (the next decision glued into the broken quote)
printf '%s\n2026-11-20T10:00:00+0800,li,%s,%s,confirmed,"torn2026-11-20T10:05:00+0800,wang,%s,%s,dismissed,ok\n' \
  "$hdr" "$f1" $month "$f2" $month >"$TMP/glued.csv"
cp "$TMP/glued.csv" "$root/reviews.csv"
expect_exit 0 "blacklist with a glued tear" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1
expect_output "reviews.csv: line 2: .*set aside" "blacklist warns and sets it aside"
[ "$(head -1 "$root/reviews.csv")" = "$hdr" ] && [ "$(wc -l <"$root/reviews.csv")" = 1 ] \
  && pass "reviews.csv keeps its header" || fail "reviews.csv after the set-aside: $(cat "$root/reviews.csv")"
rm -f "$root"/reviews.csv*

# --- reviews.csv on a full disk: the decision is not recorded, and nothing is damaged ---------------------
mkdir -p "$TMP/tiny"
if mount -t tmpfs -o size=1m,mode=0755 tmpfs "$TMP/tiny" 2>/dev/null; then
  trap 'umount "$TMP/tiny" 2>/dev/null; rm -rf "$TMP"' EXIT
  tiny="$TMP/tiny/o"
  expect_exit 0 "the mini month on a small disk" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$tiny" \
    --rules "$rules" --no-report
  expect_exit 0 "a first decision" -- "$CW" review --root "$tiny" --finding "$f1" --status dismissed --note first
  "$CW" export --root "$tiny" --month $month --table findings --out "$tiny/findings-export.csv" || fail "export"
  before=$(sha256sum "$tiny/reviews.csv" "$tiny/findings-export.csv")
  dd if=/dev/zero of="$TMP/tiny/fill" bs=4k 2>/dev/null # until the disk is full
  note=$(head -c 9000 /dev/zero | tr '\0' 'n')
  expect_exit 1 "a decision on a full disk" -- "$CW" review --root "$tiny" --finding "$f2" --status confirmed --note "$note"
  expect_output "writing .*reviews.csv failed: No space left on device" "the message names the file and the cause"
  expect_exit 1 "an export over the previous one on a full disk" -- "$CW" export --root "$tiny" --month $month \
    --table findings --excel --out "$tiny/findings-export.csv"
  [ "$(sha256sum "$tiny/reviews.csv" "$tiny/findings-export.csv")" = "$before" ] \
    && pass "ENOSPC: reviews.csv and the previous export are as they were" || fail "ENOSPC: a file changed"
  no_temp "$tiny" && pass "ENOSPC: no temporary file left" || fail "ENOSPC: leftovers: $(ls -A "$tiny")"
  rm -f "$TMP/tiny/fill"
  expect_exit 0 "ENOSPC: the next run, once there is room" -- "$CW" run --quiet --data "$TMP/d" --month $month \
    --out "$tiny" --rules "$rules" --no-report
  expect_exit 0 "the decision again" -- "$CW" review --root "$tiny" --finding "$f2" --status confirmed \
    --note "$note"
  expect_exit 0 "and the run after it" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$tiny" \
    --rules "$rules" --no-report
  grep -q "^$f1,.*,dismissed\$" "$tiny/$month/findings.csv" && grep -q "^$f2,.*,confirmed\$" "$tiny/$month/findings.csv" \
    && pass "both decisions apply" || fail "decisions after ENOSPC"
  umount "$TMP/tiny"
else
  echo "skip: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
fi

# --- exports: a failed rewrite leaves the previous file ----------------------------------------------------
expect_exit 0 "review for the blacklist" -- "$CW" review --root "$root" --finding "$f1" --status confirmed --note ok
expect_exit 1 "into a missing folder" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 --out "$TMP/nope/bl.csv"
mkdir -p "$TMP/x"
expect_exit 0 "a blacklist export" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 --out "$TMP/x/bl.csv"
expect_exit 0 "a month export" -- "$CW" export --root "$root" --month $month --out "$TMP/x/month.json"
expect_exit 0 "a table export" -- "$CW" export --root "$root" --month $month --table evidence --out "$TMP/x/ev.csv"
good=$(cd "$TMP/x" && sha256sum bl.csv month.json ev.csv)
run_limited 0 -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 --out "$TMP/x/bl.csv"
[ $? = 1 ] && pass "blacklist --out with EFBIG fails" || fail "blacklist --out with EFBIG did not fail"
expect_output "writing .*bl.csv failed: File too large" "the message names the file and the cause"
run_limited 0 -- "$CW" export --root "$root" --month $month --out "$TMP/x/month.json"
[ $? = 1 ] && pass "export --out with EFBIG fails" || fail "export --out with EFBIG did not fail"
run_limited 0 -- "$CW" export --root "$root" --month $month --table evidence --excel --out "$TMP/x/ev.csv"
[ $? = 1 ] && pass "export --table --out with EFBIG fails" || fail "export --table with EFBIG did not fail"
expect_exit 1 "an export of a table that is not there" -- "$CW" export --root "$root" --month $month --table nope \
  --out "$TMP/x/ev.csv"
[ "$(cd "$TMP/x" && sha256sum bl.csv month.json ev.csv)" = "$good" ] && pass "the previous exports are intact" \
  || fail "an export was destroyed: $(ls -l "$TMP/x")"
no_temp "$TMP/x" && pass "no temporary file left beside the exports" || fail "leftovers: $(ls -A "$TMP/x")"
[ "$(stat -c %a "$TMP/x/bl.csv")" = 600 ] && pass "the export is 0600" || fail "export mode $(stat -c %a "$TMP/x/bl.csv")"
ln -s bl.csv "$TMP/x/link.csv"
expect_exit 0 "an export through a symbolic link" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 \
  --format json --out "$TMP/x/link.csv"
[ -L "$TMP/x/link.csv" ] && grep -q '"physicians"' "$TMP/x/bl.csv" && pass "the link is followed, not replaced" \
  || fail "symbolic link replaced"
expect_exit 0 "an export to /dev/null" -- "$CW" export --root "$root" --month $month --out /dev/null
[ -c /dev/null ] && pass "/dev/null is still a device" || fail "/dev/null replaced"

# --- messages that name the right thing ---------------------------------------------------------------------
printf 'x' >"$TMP/file"
expect_exit 1 "ROOT under a file" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$TMP/file/root"
expect_output "output folder $TMP/file/root: $TMP/file is not a folder" "the message names the file in the way"
grep -q "reviews.csv" "$TMP/out" && fail "the message names reviews.csv" || pass "and not reviews.csv"
expect_exit 1 "a missing data folder" -- "$CW" run --quiet --data "$TMP/none" --month $month --out "$TMP/o2"
expect_output "data folder $TMP/none: No such file or directory" "the message names the data folder"
grep -q "institutions.csv" "$TMP/out" && fail "the message names institutions.csv" || pass "and not a table"
[ ! -e "$TMP/o2/$month" ] && pass "nothing written" || fail "results written without data"

# --- leftovers and things in the way ----------------------------------------------------------------------
fresh="$TMP/fresh"
mkdir -p "$fresh"
dead=$(($(cat /proc/sys/kernel/pid_max) + 1)) # no process can have it
printf '0123' >"$fresh/.pseudonym-key.$dead.tmp" # what a first run killed while creating the key leaves
expect_exit 0 "a run after a killed first run" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$fresh"
[ ! -e "$fresh/.pseudonym-key.$dead.tmp" ] && pass "the killed run's key file is removed" \
  || fail ".pseudonym-key.$dead.tmp left behind"
[ -s "$fresh/.pseudonym-key" ] && pass "the key exists" || fail "no key"

printf 'my notes on March\n' >"$fresh/2026-03"
expect_exit 1 "a plain file where the month folder goes" -- "$CW" run --quiet --data "$TMP/d" --month 2026-03 \
  --out "$fresh"
expect_output "$fresh/2026-03 is not a folder" "the message says so"
[ "$(cat "$fresh/2026-03")" = "my notes on March" ] && pass "the file is kept" || fail "the file was replaced"
no_temp "$fresh" && pass "no temporary folder left" || fail "leftovers: $(ls -A "$fresh")"

# a decision recorded while a run is in flight: the run waits on a pipe for its claim lines
mkdir -p "$TMP/slow"
cp "$TMP"/d/*.csv "$TMP/slow/"
rm "$TMP/slow/claim_lines.csv"
mkfifo "$TMP/slow/claim_lines.csv"
"$CW" run --data "$TMP/slow" --month $month --out "$root" --rules "$rules" >"$TMP/flight" 2>&1 &
pid=$!
until compgen -G "$root/.tmp-$month.*" >/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
expect_exit 0 "a decision during the run" -- "$CW" review --root "$root" --finding "$f2" --status dismissed --note late
expect_output "a run of $month is in flight" "review says a run is in flight"
# (a run that failed before opening the pipe must not block the test)
timeout 60 sh -c 'cat "$1" >"$2"' - "$TMP/d/claim_lines.csv" "$TMP/slow/claim_lines.csv"
wait "$pid" && pass "the run in flight finishes" || fail "the run in flight failed: $(cat "$TMP/flight")"
grep -q "1 decision(s) on this month's findings were recorded in .*reviews.csv while this run was in flight" \
  "$TMP/flight" && pass "the run says a decision came too late for it" || fail "no word of the late decision"
grep -q "^$f2,.*,dismissed\$" "$root/$month/findings.csv" && fail "the late decision applied?" \
  || pass "its results indeed lack it"
finish
