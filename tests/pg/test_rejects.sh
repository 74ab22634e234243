#!/usr/bin/env bash
# test_rejects.sh: what `claimwatch load` keeps of rejected rows (issue 11, items 11 and 12): in the reject
# file and in claimwatch.rejects, only the contract's columns, patient ids as the pseudonyms a run writes
# (the key from CLAIMWATCH_PSEUDONYM_KEY or --root ROOT), withheld without a key; never a raw patient id
# nor a column claimwatch does not read.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" >/dev/null || fail "db init"
copy_mini "$TMP/d"
# patients.csv with columns claimwatch does not read; rejected rows that hold patient ids
{ echo "patient_id,sex,birth_date,name,id_card"
  tail -n +2 "$SRC/tests/data/mini/patients.csv" | sed 's/$/,NAMESECRET,110101196003120011/'
  echo "P77777777,X,,NAMESECRET,110101196003120022"; } > "$TMP/d/patients.csv"
printf 'V90,P88888888,H1,H1-CARD,DR1,outpatient,2026-05-06 12:28,,J20.9,x\n' >> "$TMP/d/visits.csv"
printf 'V91,"P99999999"x,H1,H1-CARD,DR1,outpatient,2026-05-06 12:28,,J20.9,x\n' >> "$TMP/d/visits.csv"
leaks() { grep -lE 'P77777777|P88888888|P99999999|SECRET|1101011960' "$@"; }

expect_exit 0 "load with rejected patient rows" -- "$CW" load --quiet --data "$TMP/d" --db "$URL" --rejects "$TMP/rej.csv" \
  --max-reject-share 0.5
q "select file, line, \"column\", reason, record from claimwatch.rejects" > "$TMP/db.txt"
[ "$(wc -l < "$TMP/db.txt")" = 3 ] && pass "3 rejects in claimwatch.rejects" || fail "rejects: $(cat "$TMP/db.txt")"
[ -z "$(leaks "$TMP/rej.csv" "$TMP/db.txt")" ] && pass "no raw patient id nor unread column in the file or the table" \
  || fail "leaks: $(cat "$TMP/db.txt")"
"$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/o" --max-reject-share 0.5 --no-report
p8=$(grep -o "unknown patient_id 'P-[0-9a-f]*'" "$TMP/o/2026-05/rejects.csv")
[ -n "$p8" ] && grep -qF "$p8" "$TMP/db.txt" && pass "the pseudonym a run writes ($p8)" || fail "pseudonyms differ"
grep -q '^patients.csv|5|sex|.*|P-[0-9a-f]*,X,,$' "$TMP/db.txt" && pass "a patient row: the contract's columns only" \
  || fail "patients row: $(cat "$TMP/db.txt")"
grep -q '^visits.csv|7||garbage after a closing quote|(withheld' "$TMP/db.txt" && pass "a row that cannot be split is withheld" \
  || fail "broken row"

# the key of an output root, without the environment's: the pseudonyms of a run into that root
unset CLAIMWATCH_PSEUDONYM_KEY
expect_exit 0 "load with --root" -- "$CW" load --quiet --data "$TMP/d" --db "$URL" --root "$TMP/root" \
  --max-reject-share 0.5
"$CW" run --quiet --data "$TMP/d" --month 2026-05 --out "$TMP/root" --max-reject-share 0.5 --no-report
p8=$(grep -o "unknown patient_id 'P-[0-9a-f]*'" "$TMP/root/2026-05/rejects.csv" | grep -o "P-[0-9a-f]*")
run=$(q "select max(run_id) from claimwatch.runs where command = 'load'")
[ -n "$p8" ] && [ "$(q "select count(*) from claimwatch.rejects where run_id = $run and reason like '%$p8%'")" = 1 ] \
  && pass "--root: the root's key" || fail "--root: $(q "select reason from claimwatch.rejects where run_id = $run")"
# no key at all: withheld. Without --rejects the reject file is private and nameless: nothing is left in
# TMPDIR, after the load or when it is killed, yet the rows reach claimwatch.rejects.
mkdir -p "$TMP/tmpdir"
export TMPDIR="$TMP/tmpdir"
left_in_tmp() { find /tmp -maxdepth 1 -name 'claimwatch-rejects.*' -newer "$TMP/tmpdir" 2>/dev/null; }
expect_exit 0 "load without a key" -- "$CW" load --data "$TMP/d" --db "$URL" --max-reject-share 0.5
expect_output "patient ids in rejected rows are withheld" "a note says the ids are withheld"
run=$(q "select max(run_id) from claimwatch.runs where command = 'load'")
q "select reason, record from claimwatch.rejects where run_id = $run" > "$TMP/nokey.txt"
grep -q "unknown patient_id '(withheld)'" "$TMP/nokey.txt" && [ -z "$(leaks "$TMP/nokey.txt")" ] \
  && pass "without a key the ids are withheld" || fail "no key: $(cat "$TMP/nokey.txt")"
[ -z "$(ls -A "$TMP/tmpdir")" ] && pass "the private reject file is gone" || fail "left in TMPDIR: $(ls -A "$TMP/tmpdir")"
expect_exit 3 "a load refused for its rejects, without --rejects" -- "$CW" load --quiet --data "$TMP/d" --db "$URL"
expect_output "load again with --rejects FILE to see them" "the refusal says how to see the rejected rows"
cp -r "$TMP/d" "$TMP/fifo"
rm "$TMP/fifo/institutions.csv"
mkfifo "$TMP/fifo/institutions.csv"
"$CW" load --quiet --data "$TMP/fifo" --db "$URL" --max-reject-share 0.5 2>/dev/null &
loader=$!
for _ in $(seq 50); do [ -e "/proc/$loader/fd" ] && ls -l "/proc/$loader/fd" 2>/dev/null | grep -q 'institutions.csv\|tmpdir' && break; sleep 0.1; done
kill -9 "$loader" 2>/dev/null
wait "$loader" 2>/dev/null
[ -z "$(ls -A "$TMP/tmpdir")$(left_in_tmp)" ] && pass "a load killed mid-way leaves no reject file" \
  || fail "a killed load left: $(ls -A "$TMP/tmpdir") $(left_in_tmp)"
unset TMPDIR
finish
