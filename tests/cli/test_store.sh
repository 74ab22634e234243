#!/usr/bin/env bash
# test_store.sh: the columnar store (docs/store.md). A small generated folder with a few bad records is
# loaded into a store; runs from the store and from the folder write byte-identical CSV files for two
# months (budget.csv included: the store keeps budgets.csv); the load counts of summary.json agree; a
# folder split in two and loaded month by month (appended, then one month loaded again) runs as the
# whole folder; a damaged, truncated or missing file and another format version are refused with a
# message naming the file; a load killed while writing leaves the previous store readable and as it was.
# Month images: a run maps them and writes what a run from the partitions writes; a month with
# rejected rows, or a run with another look-back, builds from the partitions; a damaged image is
# refused; a store of format version 1 (no images) is still read.
. "$(dirname "$0")/lib.sh"

export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff # the same pseudonyms under every root
d="$TMP/d"
"$CW" gen --out "$d" --months 2026-01..2026-03 --scale 0.05 --seed 3 --quiet || { fail "gen"; finish; }
# a few records the contract rejects: a bad time, a field short, a duplicate line, a bad result
{
  echo "LX1,V000000002,ZZZ,,2026-03-40 10:00,1,1.00,1.00,,"
  echo "LX2,V000000002,ZZZ"
  sed -n 2p "$d/claim_lines.csv"
} >> "$d/claim_lines.csv"
echo "L47,maybe" >> "$d/exam_results.csv"

s="$TMP/s"
expect_exit 0 "load --data --store" -- "$CW" load --quiet --data "$d" --store "$s"
[ -f "$s/CATALOG" ] && head -1 "$s/CATALOG" | grep -qx 'claimwatch-store 2' && pass "a catalogue of version 2" ||
  fail "no catalogue"

# same ROOT_A ROOT_B MONTH WHAT: every CSV file of the month is byte-identical.
same() {
  local bad=0 f
  [ -f "$1/$3/budget.csv" ] || fail "$4: $3: no budget.csv"
  for f in "$1/$3"/*.csv; do
    f="${f##*/}"
    cmp -s "$1/$3/$f" "$2/$3/$f" || { fail "$4: $3/$f differs"; bad=1; }
  done
  [ "$bad" = 0 ] && pass "$4: $3: $(ls "$1/$3" | grep -c '\.csv$') CSV files identical"
}
# counts ROOT_A ROOT_B MONTH: summary.json's tables agree but for seconds.
counts() {
  python3 - "$1/$3/summary.json" "$2/$3/summary.json" <<'EOF'
import json, sys
a, b = (json.load(open(p))["tables"] for p in sys.argv[1:3])
for t in (a, b):
    for v in t.values():
        v.pop("seconds", None)
sys.exit(a != b)
EOF
  [ $? = 0 ] && pass "$3: summary.json's load counts agree" || fail "$3: summary.json's load counts differ"
}

expect_exit 0 "run --data" -- "$CW" run --quiet --data "$d" --months 2026-02..2026-03 --out "$TMP/o1" --no-report
expect_exit 0 "run --store" -- "$CW" run --quiet --store "$s" --months 2026-02..2026-03 --out "$TMP/o2" --no-report
for m in 2026-02 2026-03; do same "$TMP/o1" "$TMP/o2" $m "store"; counts "$TMP/o1" "$TMP/o2" $m; done
# each rejected record is written once a run (in the first month it is met): the four are in the two files
[ "$(cat "$TMP/o2"/2026-0[23]/rejects.csv | grep -vc '^file,line,')" -ge 4 ] &&
  pass "the bad records are rejected from the store" ||
  fail "rejects.csv of the store run: $(cat "$TMP/o2"/2026-0[23]/rejects.csv)"

# --- appending: the folder split by month, loaded in two goes ---------------------------------------
# the reference: the whole folder without the bad records, split in two (months 1-2, month 3)
mkdir -p "$TMP/w" && cp "$d"/*.csv "$TMP/w"/ && head -n -3 "$d/claim_lines.csv" > "$TMP/w/claim_lines.csv" &&
  head -n -1 "$d/exam_results.csv" > "$TMP/w/exam_results.csv"
python3 - "$TMP/w" "$TMP/a" "$TMP/b" <<'EOF'
import csv, os, sys
src, a, b = sys.argv[1:4]
for o in (a, b):
    os.makedirs(o)
def rows(t):
    with open(os.path.join(src, t + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))
def write(o, t, rs):
    with open(os.path.join(o, t + ".csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rs)
for t in ("institutions", "departments", "physicians", "patients", "items", "bundles"):
    for o in (a, b):
        write(o, t, rows(t))
late = lambda when: when[:7] >= "2026-03"
month_of = {}
for t, col in (("visits", 6), ("claim_lines", 4), ("prescriptions", 4)):
    rs = rows(t)
    if t == "claim_lines":
        for r in rs[1:]:
            month_of[r[0]] = r[4]
    write(a, t, [rs[0]] + [r for r in rs[1:] if not late(r[col])])
    write(b, t, [rs[0]] + [r for r in rs[1:] if late(r[col])])
rs = rows("exam_results")
write(a, "exam_results", [rs[0]] + [r for r in rs[1:] if not late(month_of.get(r[0], ""))])
write(b, "exam_results", [rs[0]] + [r for r in rs[1:] if late(month_of.get(r[0], ""))])
EOF
cp "$TMP/w/budgets.csv" "$TMP/b/" # the newest load's budgets are the store's
s2="$TMP/s2"
expect_exit 0 "load the first months" -- "$CW" load --quiet --data "$TMP/a" --store "$s2" --no-images
expect_exit 0 "append the last month" -- "$CW" load --quiet --data "$TMP/b" --store "$s2" --no-images
grep -q '^load 2 2026-03$' "$s2/CATALOG" && pass "the catalogue holds the appended load" || fail "no load 2"
expect_exit 0 "run the whole folder" -- "$CW" run --quiet --data "$TMP/w" --month 2026-03 --out "$TMP/o3" --no-report
expect_exit 0 "run the appended store" -- "$CW" run --quiet --store "$s2" --month 2026-03 --out "$TMP/o4" --no-report
for f in findings.csv ranking.csv sanctions.csv evidence.csv metrics.csv; do
  cmp -s "$TMP/o3/2026-03/$f" "$TMP/o4/2026-03/$f" && pass "appended: $f identical" || fail "appended: $f differs"
done
expect_exit 0 "load the last month again" -- "$CW" load --quiet --data "$TMP/b" --store "$s2"
[ "$(grep -c '^part claim_lines 2026-03 ' "$s2/CATALOG")" = 1 ] && pass "the month reloaded replaces its partitions" ||
  fail "claim_lines 2026-03: $(grep -c '^part claim_lines 2026-03 ' "$s2/CATALOG") partitions"
[ "$(ls "$s2" | grep -c '\.3\.')" -gt 0 ] && [ "$(ls "$s2" | grep -c '^claim_lines\.2026-03\.2\.')" = 0 ] &&
  pass "the replaced files are removed" || fail "files left: $(ls "$s2")"
expect_exit 0 "run the reloaded store" -- "$CW" run --quiet --store "$s2" --month 2026-03 --out "$TMP/o5" --no-report
cmp -s "$TMP/o3/2026-03/findings.csv" "$TMP/o5/2026-03/findings.csv" && pass "reloaded: findings identical" ||
  fail "reloaded: findings differ"

# --- a load killed while writing leaves the previous store as it was ------------------------------------
digest() { (cd "$1" && sha256sum CATALOG $(awk '$1 == "part" { print $8, $11 }' CATALOG) | sha256sum); }
before=$(digest "$s2")
for n in 3 100000; do
  (CLAIMWATCH_STORE_FAULT=$n "$CW" load --quiet --data "$TMP/b" --store "$s2" >"$TMP/out" 2>&1; exit $?) 2>/dev/null
  [ $? = 137 ] || fail "fault $n: the load was not killed"
  [ "$(digest "$s2")" = "$before" ] && pass "killed after $n files: the store is as it was" ||
    fail "killed after $n files: the store changed"
done
expect_exit 0 "run after the killed loads" -- "$CW" run --quiet --store "$s2" --month 2026-03 --out "$TMP/o6" --no-report
cmp -s "$TMP/o3/2026-03/findings.csv" "$TMP/o6/2026-03/findings.csv" && pass "after the kills: findings identical" ||
  fail "after the kills: findings differ"

# --- a store that does not match its catalogue is refused ---------------------------------------------
refused() { # WHAT PATTERN [RUN OPTIONS]: a run of $TMP/bad fails naming the file
  local what=$1 pattern=$2
  shift 2
  expect_exit 1 "$what: refused" -- "$CW" run --quiet --store "$TMP/bad" --month 2026-03 --out "$TMP/o7" --no-report "$@"
  expect_output "$pattern" "$what: the message names it"
}
fresh() { rm -rf "$TMP/bad" && cp -r "${1:-$s}" "$TMP/bad"; } # a copy of store $1 (default $s) to damage
col=claim_lines.2026-03.1.col
fresh; printf '\x01' | dd of="$TMP/bad/$col" bs=1 seek=100 conv=notrunc status=none
refused "a damaged column file" "$col: does not match its checksum"
fresh; printf '\x01' | dd of="$TMP/bad/claim_lines.2026-03.1.text" bs=1 seek=10 conv=notrunc status=none
refused "a damaged text, read for a rejected row" "claim_lines.2026-03.1.text: does not match its checksum"
fresh; truncate -s -8 "$TMP/bad/claim_lines.2026-02.1.heap"
refused "a truncated heap" "claim_lines.2026-02.1.heap: [0-9]+ bytes where the store's catalogue says"
fresh; rm "$TMP/bad/visits.2026-01.1.col"
refused "a missing file" "visits.2026-01.1.col: No such file"
fresh; sed -i '1s/ 2$/ 3/' "$TMP/bad/CATALOG"
refused "another format version" "CATALOG: a store of format version 3; this claimwatch reads versions 1 to 2"
fresh; sed -i 's/^\(part claim_lines 2026-03 1 \)[0-9]*/\11/' "$TMP/bad/CATALOG"
refused "an edited catalogue" "CATALOG: line [0-9]+: "
fresh; head -c -30 "$s/CATALOG" > "$TMP/bad/CATALOG"
refused "a truncated catalogue" "CATALOG: line [0-9]+: .*truncated"
expect_exit 1 "not a store" -- "$CW" run --quiet --store "$TMP" --month 2026-03 --out "$TMP/o7" --no-report
expect_output "CATALOG: No such file" "not a store: named"
expect_exit 2 "--store with --data" -- "$CW" run --store "$s" --data "$d" --month 2026-03 --out "$TMP/o7"
for o in "--rejects $TMP/r.csv" "--max-reject-share 0.5" "--replace-months 2026-03" "--root $TMP/o7"; do
  expect_exit 2 "load --store $o: refused" -- "$CW" load --quiet --data "$d" --store "$TMP/s9" $o
done
expect_exit 2 "load --db --lookback-days: refused" -- "$CW" load --quiet --data "$d" --db x --lookback-days 9

# --- month images -------------------------------------------------------------------------------------
# $s has an unsplit record in `any`, which every window reads: no month gets an image
[ "$(grep -c '^image ' "$s/CATALOG")" = 0 ] && pass "no image of a month with rejected rows" ||
  fail "images of a store with rejects: $(grep '^image ' "$s/CATALOG")"
# $s2 (clean) has one for each of its months, look-back 45, and no image file the catalogue does not name
[ "$(grep -c '^image 202[56]-[0-9][0-9] 45 ' "$s2/CATALOG")" = 4 ] &&
  [ "$(ls "$s2" | grep -c '\.img$')" = 4 ] && pass "four month images, no stale file" ||
  fail "images: $(grep '^image ' "$s2/CATALOG"); files: $(ls "$s2" | grep '\.img$')"
CLAIMWATCH_STORE_IMAGES=0 "$CW" run --quiet --store "$s2" --month 2026-03 --out "$TMP/o8" --no-report ||
  fail "run without images"
grep -q '"image":[[:space:]]*"image\.2026-03\.[0-9a-f]*\.45\.img"' "$TMP/o5/2026-03/summary.json" &&
  ! grep -q '"image"' "$TMP/o8/2026-03/summary.json" && pass "summary.json names the image mapped" ||
  fail "summary.json's source: $(grep -A4 '"source"' "$TMP/o5/2026-03/summary.json")"
same "$TMP/o5" "$TMP/o8" 2026-03 "image / partitions"
counts "$TMP/o5" "$TMP/o8" 2026-03
# another look-back: built from the partitions, as from the folder
expect_exit 0 "run --lookback-days 30 from the store" -- "$CW" run --quiet --store "$s2" --month 2026-03 \
  --lookback-days 30 --out "$TMP/o9" --no-report
expect_exit 0 "run --lookback-days 30 from the folder" -- "$CW" run --quiet --data "$TMP/w" --month 2026-03 \
  --lookback-days 30 --out "$TMP/o10" --no-report
same "$TMP/o9" "$TMP/o10" 2026-03 "look-back 30 without its image"
# a new load: images for look-back 30; those of 45 are dropped with the partitions they were built from
expect_exit 0 "load --lookback-days 30" -- "$CW" load --quiet --data "$TMP/b" --store "$s2" --lookback-days 30
grep -q '^image 2026-03 30 ' "$s2/CATALOG" && ! grep -q '^image 2026-03 45 ' "$s2/CATALOG" &&
  pass "a new load drops the images of the old partitions" || fail "images after load 30: $(grep '^image' "$s2/CATALOG")"
expect_exit 0 "run --lookback-days 30 from its image" -- "$CW" run --quiet --store "$s2" --month 2026-03 \
  --lookback-days 30 --out "$TMP/o11" --no-report
same "$TMP/o10" "$TMP/o11" 2026-03 "look-back 30 from its image"
img=$(awk '$1 == "image" && $2 == "2026-03" { print $5 }' "$s2/CATALOG")
fresh "$s2"; printf '\x01' | dd of="$TMP/bad/$img" bs=1 seek=5000 conv=notrunc status=none
refused "a damaged image" "$img: does not match its checksum" --lookback-days 30
fresh "$s2"; truncate -s -64 "$TMP/bad/$img"
refused "a truncated image" "$img: [0-9]+ bytes where the store's catalogue says" --lookback-days 30
fresh "$s2"; rm "$TMP/bad/$img"
refused "a missing image" "$img: No such file" --lookback-days 30
# a store of version 1 (before images) is read as before
fresh "$s2"; python3 - "$TMP/bad/CATALOG" <<'EOF'
import struct, sys
M = (1 << 64) - 1
def mix(h, w):
    h = ((h ^ w) * 0x9E3779B97F4A7C15) & M
    return h ^ (h >> 29)
def checksum(b):  # cw_cs_checksum, src/store/format.c
    h = [0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89]
    n, i = len(b), 0
    while i + 32 <= n:
        for k in range(4):
            h[k] = mix(h[k], struct.unpack_from("<Q", b, i + 8 * k)[0])
        i += 32
    r = h[0] ^ n
    for k in range(1, 4):
        r = mix(r, h[k])
    while i + 8 <= n:
        r = mix(r, struct.unpack_from("<Q", b, i)[0]); i += 8
    return mix(mix(r, int.from_bytes(b[i:] + bytes(8 - (n - i)), "little")), n)
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-2]
body = b"".join(l + b"\n" for l in [b"claimwatch-store 1"] + [l for l in lines[1:] if not l.startswith(b"image ")])
open(sys.argv[1], "wb").write(body + b"end %016x\n" % checksum(body))
EOF
expect_exit 0 "a store of version 1" -- "$CW" run --quiet --store "$TMP/bad" --month 2026-03 --lookback-days 30 \
  --out "$TMP/o12" --no-report
same "$TMP/o10" "$TMP/o12" 2026-03 "version 1"
# a load killed while building images: its partitions are in, no image is named, runs build the months
(CLAIMWATCH_STORE_FAULT=image "$CW" load --quiet --data "$TMP/b" --store "$s2" >"$TMP/out" 2>&1; exit $?) 2>/dev/null
[ $? = 137 ] && [ "$(grep -c '^image ' "$s2/CATALOG")" = 0 ] && pass "killed building images: none named" ||
  fail "killed building images: $(grep '^image ' "$s2/CATALOG")"
expect_exit 0 "run after the killed image build" -- "$CW" run --quiet --store "$s2" --month 2026-03 --out "$TMP/o13" \
  --no-report
same "$TMP/o5" "$TMP/o13" 2026-03 "after the killed image build"
expect_exit 0 "load after the killed image build" -- "$CW" load --quiet --data "$TMP/b" --store "$s2" --no-images
[ "$(ls "$s2" | grep -c '\.img$')" = "$(grep -c '^image ' "$s2/CATALOG")" ] && pass "the unnamed image is removed" ||
  fail "image files: $(ls "$s2" | grep '\.img$')"
finish
