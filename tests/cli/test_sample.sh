#!/usr/bin/env bash
# test_sample.sh: `claimwatch sample`, the 双随机 draw of J4 (docs/sample.md). On one generated month:
# the same seed gives the same draw, another seed another one, never fewer than the share, the
# guaranteed random part is there, and over 50 seeds of the draw (one generated month) the planted
# bad physicians (truth.json's bad_physicians) are drawn more often than their chance share. Also the
# institutions' draw and the messages for a missing month and a bad --share.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }

"$CW" gen --out "$T/D" --months 2026-03 --scale 1 --seed 11 --quiet || stop "claimwatch gen failed"
"$CW" run --data "$T/D" --rules "$T/D/rules.json" --month 2026-03 --out "$T/R" --quiet --no-report ||
	stop "claimwatch run failed"
S=("$CW" sample --root "$T/R" --month 2026-03)

# --- the same seed, the same draw; another seed, another draw ----------------------------
"${S[@]}" --seed 5 --out "$T/a.csv" --quiet || stop "sample failed"
"${S[@]}" --seed 5 --quiet >"$T/b.csv" || stop "sample to standard output failed"
cmp -s "$T/a.csv" "$T/b.csv" && pass "same seed, same draw" || fail "same seed gave two draws"
"${S[@]}" --seed 6 --quiet >"$T/c.csv"
cmp -s "$T/a.csv" "$T/c.csv" && fail "seeds 5 and 6 gave the same draw" || pass "another seed, another draw"
head -1 "$T/a.csv" | grep -qx 'unit_id,name,inst_id,risk,pick,order,seed' && pass "header" || fail "header: $(head -1 "$T/a.csv")"

# --- never fewer than the share; the random part ------------------------------------------
pop=$(awk -F, 'NR > 1 && $5 == "composite" { print $4 }' "$T/R/2026-03/ranking.csv" | sort -u | wc -l)
for share in 0.2 0.33 1; do
	"${S[@]}" --seed 9 --share "$share" --quiet >"$T/s.csv"
	n=$(($(wc -l <"$T/s.csv") - 1))
	awk -v n="$n" -v p="$pop" -v s="$share" 'BEGIN { exit !(n >= s * p && n <= s * p + 1 && n <= p) }' &&
		pass "share $share: $n of $pop" || fail "share $share: $n of $pop drawn"
done
[ "$(tail -n +2 "$T/s.csv" | cut -d, -f1 | sort -u | wc -l)" = "$pop" ] && pass "share 1 draws everyone once" ||
	fail "share 1 does not draw everyone once"
"${S[@]}" --seed 9 --quiet >"$T/s.csv"
n=$(($(wc -l <"$T/s.csv") - 1)); r=$(grep -c ',random,' "$T/s.csv")
awk -v n="$n" -v r="$r" 'BEGIN { exit !(r >= 0.3 * n && r < 0.3 * n + 1) }' && pass "random part $r of $n" ||
	fail "random part $r of $n"
expect_exit 0 "summary line" -- "${S[@]}" --seed 9 --lang en --out "$T/s2.csv"
expect_output "^sample 2026-03: $n of $pop physicians drawn" "summary names the draw"

# --- the bad physicians are drawn more often than chance over 50 seeds ----------------------
bad=$(sed -n '/"bad_physicians"/,/"physician_roles"/p' "$T/D/truth.json" | sed '$d' | grep -o '"physician_id":[[:space:]]*"[^"]*"' |
	grep -o 'DR[0-9]*' | sort -u)
[ -n "$bad" ] || stop "truth.json names no bad physicians"
nbad=$(echo "$bad" | wc -l)
hits=0; draws=0
for seed in $(seq 1 50); do
	"${S[@]}" --seed "$seed" --quiet >"$T/d.csv" || stop "sample --seed $seed failed"
	draws=$((draws + $(wc -l <"$T/d.csv") - 1))
	hits=$((hits + $(tail -n +2 "$T/d.csv" | cut -d, -f1 | grep -cxF "$bad")))
done
# chance: each seed draws n of pop, so a bad physician is drawn n/pop of the time.
awk -v h="$hits" -v b="$nbad" -v d="$draws" -v p="$pop" \
	'BEGIN { c = b * d / p; printf "bad physicians drawn %d times, chance %.1f\n", h, c; exit !(h > 2 * c) }' &&
	pass "risk weighting favours the bad physicians" || fail "bad physicians drawn $hits times in 50 draws (of $nbad in $pop)"

# --- institutions -----------------------------------------------------------------------
"${S[@]}" --seed 3 --of institutions --quiet >"$T/i.csv" || fail "institutions' draw failed"
ninst=$(awk -F, 'NR > 1 && $5 == "composite" { print $2 }' "$T/R/2026-03/ranking.csv" | sort -u | wc -l)
n=$(($(wc -l <"$T/i.csv") - 1))
awk -v n="$n" -v p="$ninst" 'BEGIN { exit !(n >= 0.2 * p && n >= 1) }' && pass "institutions: $n of $ninst" ||
	fail "institutions: $n of $ninst"

# --- errors ---------------------------------------------------------------------------------
expect_exit 1 "missing month" -- "$CW" sample --root "$T/R" --month 2026-04 --seed 1
expect_output "sample:.*2026-04" "the missing month is named"
expect_exit 2 "share 0" -- "${S[@]}" --share 0
expect_output "share" "bad share named"
expect_exit 2 "share 1.5" -- "${S[@]}" --share 1.5
expect_exit 2 "bad --of" -- "${S[@]}" --of patients
expect_exit 2 "bad seed" -- "${S[@]}" --seed -3

# a damaged figure is an error naming file, line and column, never a risk of 0
mkdir -p "$T/B/2026-03"
cp "$T/R/2026-03/ranking.csv" "$T/R/2026-03/findings.csv" "$T/B/2026-03/"
awk -F, -v OFS=, 'NR > 1 && $5 == "composite" && !done { $6 = "7x"; done = 1 } { print }' \
	"$T/R/2026-03/ranking.csv" >"$T/B/2026-03/ranking.csv"
expect_exit 1 "a score that is not a number" -- "$CW" sample --root "$T/B" --month 2026-03 --seed 1
expect_output "ranking.csv: line [0-9]+: score '7x' is not a number" "the bad score is named with its file and line"
cp "$T/R/2026-03/ranking.csv" "$T/B/2026-03/ranking.csv"
awk -F, -v OFS=, 'NR == 2 { $11 = "abc" } { print }' "$T/R/2026-03/findings.csv" >"$T/B/2026-03/findings.csv"
expect_exit 1 "an amount that is not a number" -- \
	"$CW" sample --root "$T/B" --month 2026-03 --seed 1 --of institutions
expect_output "findings.csv: line 2: suspect_amount 'abc' is not a number" "the bad amount is named"
finish
