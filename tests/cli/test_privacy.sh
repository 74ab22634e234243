#!/usr/bin/env bash
# test_privacy.sh: what leaves the machine. On a generated month with rejected rows of patients and
# visits, no output file, message or export carries a raw patient id (unless --reveal-patients); the
# output files and folders are readable by their owner only, whatever the umask, unless the rules'
# output.file_mode says otherwise; an invalid mode is refused before anything is written.
. "$(dirname "$0")/lib.sh"

month=2026-05
"$CW" gen --out "$TMP/d" --months $month..$month --lines 4000 --seed 11 --quiet || { fail "gen"; finish; }
# rejected rows that hold patient ids: a duplicate patient, a bad sex, an unknown patient, broken quoting
pid=$(awk -F, 'NR == 2 { print $1 }' "$TMP/d/patients.csv")
printf '%s,F,1990-01-01,\nP77777777,X,,\n' "$pid" >> "$TMP/d/patients.csv"
printf 'V999999991,P88888888,H001,H001-PEDI,DR00020,outpatient,2026-05-06 12:28,,J20.9,x\n' >> "$TMP/d/visits.csv"
printf 'V999999992,"P99999999"x,H001,H001-PEDI,DR00020,outpatient,2026-05-06 12:28,,J20.9,x\n' >> "$TMP/d/visits.csv"
# every raw patient id of the input, as a fixed-string pattern list
{ tail -n +2 "$TMP/d/patients.csv" | cut -d, -f1; echo P88888888; echo P99999999; } | sort -u > "$TMP/ids"

umask 000
root="$TMP/o"
expect_exit 0 "a month with rejected patient rows" -- "$CW" run --data "$TMP/d" --month $month --out "$root" \
  --max-reject-share 0.5
cp "$TMP/out" "$TMP/stderr"
"$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 --out "$TMP/blacklist.csv" 2>>"$TMP/stderr"
"$CW" blacklist --root "$root" --cycle 2026-H1 --min-level 1 --format json > "$TMP/blacklist.json" 2>>"$TMP/stderr"
[ "$(grep -c . "$root/$month/rejects.csv")" -ge 5 ] && pass "the patient rows were rejected" || fail "too few rejects"
grep -q ',P-[0-9a-f]\{16\},' "$root/$month/findings.csv" && pass "findings name patients by pseudonym" \
  || fail "no pseudonym in findings.csv"
leaks=$(grep -rlwF -f "$TMP/ids" "$root" "$TMP/stderr" "$TMP/blacklist.csv" "$TMP/blacklist.json")
[ -z "$leaks" ] && pass "no raw patient id in any output, export or message" || fail "raw patient ids in: $leaks"
grep -q "duplicate patient_id 'P-[0-9a-f]*' (already in patients)" "$root/$month/rejects.csv" \
  && pass "a rejected patient row shows the pseudonym" || fail "rejected patient row"
grep -q '(withheld: this record could not be split' "$root/$month/rejects.csv" \
  && pass "a row that cannot be split is withheld" || fail "broken row not withheld"

# modes: 0600 files, 0700 folders, with umask 000
bad=$(find "$root" \( -type f ! -perm 0600 \) -o \( -type d ! -perm 0700 \))
[ -z "$bad" ] && pass "every file 0600, every folder 0700 (umask 000)" || fail "modes: $(ls -la $bad)"
[ "$(stat -c %a "$TMP/blacklist.csv")" = 600 ] && pass "the blacklist export is 0600" || fail "export mode"
[ "$(stat -c %a "$root/.pseudonym-key")" = 600 ] && pass "the pseudonym key is 0600" || fail "key mode"

# --reveal-patients: raw ids, on purpose
expect_exit 0 "--reveal-patients" -- "$CW" run --quiet --reveal-patients --data "$TMP/d" --month $month \
  --out "$TMP/reveal" --max-reject-share 0.5
grep -qwF -f "$TMP/ids" "$TMP/reveal/$month/findings.csv" && pass "raw ids when asked" || fail "no raw ids"
grep -q 'P99999999' "$TMP/reveal/$month/rejects.csv" && pass "raw rejected rows when asked" || fail "rejects"

# the finding id does not depend on the raw patient id (else trying candidate ids against it undoes the
# pseudonym): the same month with every patient renamed gives the same finding ids, other pseudonyms
copy_mini "$TMP/m1"
copy_mini "$TMP/m2"
sed -i 's/\bP\([0-9]\)\b/PATIENT-RENAMED-\1/' "$TMP/m2/patients.csv" "$TMP/m2/visits.csv"
"$CW" run --quiet --data "$TMP/m1" --month $month --out "$TMP/r1" && "$CW" run --quiet --data "$TMP/m2" --month $month \
  --out "$TMP/r2" --threads 1
[ "$(cut -d, -f1 "$TMP/r1/$month/findings.csv" | sort)" = "$(cut -d, -f1 "$TMP/r2/$month/findings.csv" | sort)" ] \
  && pass "finding ids do not depend on the patient id" || fail "finding ids change with the patient id"
[ "$(cut -d, -f8 "$TMP/r1/$month/findings.csv" | sort -u)" != "$(cut -d, -f8 "$TMP/r2/$month/findings.csv" | sort -u)" ] \
  && grep -q PATIENT-RENAMED "$TMP/m2/visits.csv" && pass "(the patients were renamed)" || fail "renaming"

# output.file_mode
printf '{"output": {"file_mode": "0640"}}' > "$TMP/shared.json"
expect_exit 0 "output.file_mode 0640" -- "$CW" run --quiet --rules "$TMP/shared.json" --data "$TMP/d" --month $month \
  --out "$TMP/shared" --max-reject-share 0.5
bad=$(find "$TMP/shared/$month" \( -type f ! -perm 0640 \) -o \( -type d ! -perm 0750 \))
[ -z "$bad" ] && pass "files 0640 and the month folder 0750 when configured" || fail "modes: $bad"
[ "$(stat -c %a "$TMP/shared/.pseudonym-key")" = 600 ] && pass "the key stays 0600" || fail "key mode"
printf '{"output": {"file_mode": "0777"}}' > "$TMP/open.json"
expect_exit 1 "output.file_mode 0777 is refused" -- "$CW" run --quiet --rules "$TMP/open.json" --data "$TMP/d" \
  --month $month --out "$TMP/open"
expect_output "output.file_mode: '0777' gives execute permission" "the message names the key"
[ ! -e "$TMP/open" ] && pass "nothing written" || fail "written with a refused mode"
finish
