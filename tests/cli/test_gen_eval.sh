#!/bin/bash
# test_gen_eval.sh: `claimwatch gen` and `claimwatch eval` from the command line:
# usage errors exit 2, a small run writes every file, eval reads a run folder.
# usage: test_gen_eval.sh /path/to/claimwatch /path/to/source
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" gen --help | grep -q -- "--lines" || fail "gen --help"
"$bin" gen 2>/dev/null; [ $? -eq 2 ] || fail "gen without --out must exit 2"
"$bin" gen --out "$tmp/x" --scale abc 2>/dev/null; [ $? -eq 2 ] || fail "bad --scale must exit 2"
"$bin" gen --out "$tmp/x" --months 2026-05..2026-04 2>/dev/null; [ $? -eq 2 ] || fail "reversed months must exit 2"
"$bin" gen --out "$tmp/x" --scale 1 --lines 5 2>/dev/null; [ $? -eq 2 ] || fail "--scale with --lines must exit 2"
"$bin" gen --out "$tmp/d" --months 2026-02..2026-03 --lines 3000 --seed 3 --quiet || fail "gen"
for f in institutions departments physicians patients items bundles visits claim_lines prescriptions exam_results; do
	[ -s "$tmp/d/$f.csv" ] || fail "missing $f.csv"
done
grep -q '"cases"' "$tmp/d/truth.json" || fail "truth.json"

"$bin" eval --help | grep -q -- "--min-recall" || fail "eval --help"
"$bin" eval --truth "$tmp/d/truth.json" 2>/dev/null; [ $? -eq 2 ] || fail "eval without --run must exit 2"
"$bin" eval --truth "$tmp/d/truth.json" --run "$tmp/d" --min-recall 2 2>/dev/null; [ $? -eq 2 ] || fail "bad ratio must exit 2"
mkdir -p "$tmp/run/2026-02" "$tmp/run/2026-03"
hdr="finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,suspect_amount,score,reason"
echo "$hdr" > "$tmp/run/2026-02/findings.csv"
echo "$hdr" > "$tmp/run/2026-03/findings.csv"
"$bin" eval --truth "$tmp/d/truth.json" --run "$tmp/run" > "$tmp/out.txt" || fail "eval without thresholds must exit 0"
grep -q "^total" "$tmp/out.txt" || fail "eval table"
"$bin" eval --truth "$tmp/d/truth.json" --run "$tmp/run/2026-03" --min-recall 0.5 >/dev/null 2>&1
[ $? -eq 1 ] || fail "no findings: recall below the minimum must exit 1"
"$bin" eval --truth "$tmp/d/truth.json" --run "$tmp/run" --json | grep -q '"recall"' || fail "eval --json"
echo "ok"
