#!/usr/bin/env bash
# test_sample_badinst.sh: `claimwatch sample --of institutions` (docs/sample.md) weighs institutions by their
# assessment (risk = 100 - the score of inst_assessment.csv), so over 50 seeds of the draw, on a generated
# month (generator seed 11; seed 5, with the same margin, was dropped to keep the suite in its time), the
# generated bad institutions (truth.json's bad_institutions, tools/gen/gen_badinst.c) are drawn more often
# than their chance share. A run that writes no
# institutions' assessment fails the test.
. "$(dirname "$0")/lib.sh"
T=$TMP
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }

for gs in 11; do
	"$CW" gen --out "$T/D$gs" --months 2026-03 --scale 1 --seed $gs --quiet || stop "claimwatch gen --seed $gs failed"
	"$CW" run --data "$T/D$gs" --rules "$T/D$gs/rules.json" --month 2026-03 --out "$T/R$gs" --quiet --no-report ||
		stop "claimwatch run failed"
	[ -f "$T/R$gs/2026-03/inst_assessment.csv" ] || { fail "the run wrote no inst_assessment.csv"; finish; }
	bad=$(sed -n '/"bad_institutions"/,/\]/p' "$T/D$gs/truth.json" | grep -o '"inst_id":[[:space:]]*"[^"]*"' | grep -o 'H[0-9]*')
	[ -n "$bad" ] || stop "truth.json names no bad institution"
	nbad=$(echo "$bad" | wc -l)
	pop=$(($(wc -l <"$T/R$gs/2026-03/inst_assessment.csv") - 1))
	hits=0; draws=0
	for seed in $(seq 1 50); do
		"$CW" sample --root "$T/R$gs" --month 2026-03 --of institutions --seed "$seed" --quiet >"$T/d.csv" ||
			stop "sample --seed $seed failed"
		draws=$((draws + $(wc -l <"$T/d.csv") - 1))
		hits=$((hits + $(tail -n +2 "$T/d.csv" | cut -d, -f1 | grep -cxF "$bad")))
	done
	# chance: each draw takes n of pop, so a bad institution is drawn n/pop of the time
	awk -v h="$hits" -v b="$nbad" -v d="$draws" -v p="$pop" -v s="$gs" \
		'BEGIN { c = b * d / p; printf "gen seed %s: bad institutions drawn %d times, chance %.1f\n", s, h, c; exit !(h > 1.2 * c) }' &&
		pass "gen seed $gs: the risk weighting favours the bad institution(s) $(echo $bad)" ||
		fail "gen seed $gs: bad institutions drawn $hits times in 50 draws ($nbad of $pop)"
	grep -q ',risk,' "$T/d.csv" && pass "risk picks" || fail "no risk pick"
done
finish
