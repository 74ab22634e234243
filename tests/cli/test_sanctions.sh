#!/usr/bin/env bash
# test_sanctions.sh: six generated months run in order; every injected bad physician earns a
# sanction of level 2 or more, and an independent recomputation from ranking.csv alone agrees with
# every month's sanctions.csv. Also: the blacklist export, and a dismissed finding after a re-run.
# CW_TEST_SCALE sets the size of the generated months (default 1: about 100,000 claim lines a month;
# smaller months leave too few physicians with the 30 visits that scoring.min_visits asks for).
. "$(dirname "$0")/lib.sh"
BIN=$CW
T=$TMP
"$BIN" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }

"$BIN" gen --out "$T/data" --months 2026-01..2026-06 --scale "${CW_TEST_SCALE:-1}" --seed 7 --quiet ||
	stop "claimwatch gen failed"
"$BIN" run --data "$T/data" --months 2026-01..2026-06 --out "$T/out" --quiet --no-report 2>"$T/run.err" ||
	{ cat "$T/run.err" >&2; stop "claimwatch run failed"; }
grep -l '"missing_months":	\[[^]]' "$T"/out/2026-0[1-6]/summary.json && fail "a month of the cycle was reported missing"

# --- independent recomputation of the ladder from ranking.csv alone (default rules) ----------
recompute() {
	awk -F, '
	FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		m = $col["month"]; p = $col["physician_id"]; d = $col["dimension"]
		months[m] = 1; seen[m SUBSEP p] = 1
		if (d == "composite") { grade[m SUBSEP p] = $col["grade"]; if ($col["rank"] == "1") cf[m SUBSEP p] = 1 }
		else if ($col["rank"] == "1") sf[m SUBSEP p] = 1
	}
	END {
		n = 0; for (m in months) list[++n] = m
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
		for (i = 1; i <= n; i++) {
			m = list[i]
			for (k in seen) {
				split(k, kp, SUBSEP); if (kp[1] != m) continue; p = kp[2]
				if (!((sf[k] || cf[k]) && grade[k] == "unreasonable")) continue
				single[p] += sf[k] ? 1 : 0; comp[p] += cf[k] ? 1 : 0
				lvl = (single[p] >= 6 || comp[p] >= 3) ? 3 : (single[p] >= 4 || comp[p] >= 2) ? 2 : 1
				print m, p, lvl, single[p], comp[p]
			}
		}
	}' "$@" | sort
}
recompute "$T"/out/2026-0[1-6]/ranking.csv >"$T/expected"
for f in "$T"/out/2026-0[1-6]/sanctions.csv; do
	awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	         { print $col["month"], $col["physician_id"], $col["level"], $col["single_firsts"], $col["composite_firsts"] }' "$f"
done | sort >"$T/got"
diff "$T/expected" "$T/got" >&2 && pass "sanctions.csv agrees with the ladder recomputed from ranking.csv" ||
	fail "sanctions.csv disagrees with the ladder recomputed from ranking.csv"
[ -s "$T/got" ] && pass "$(wc -l <"$T/got") sanction rows in six months" || fail "no sanction at all in six months"

# --- the injected bad physicians -------------------------------------------------------------
bad=$(awk '/"bad_physicians"/ { on = 1 } on && /^\t"[a-z_]+":/ && !/"bad_physicians"/ { on = 0 } on' "$T/data/truth.json" |
	grep -o '"physician_id":[[:space:]]*"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u)
[ -n "$bad" ] || fail "truth.json lists no bad physicians"
for p in $bad; do
	lvl=$(awk -v p="$p" '$2 == p && $3 > max { max = $3 } END { print max + 0 }' "$T/got")
	[ "$lvl" -ge 2 ] && pass "bad physician $p: level $lvl" || fail "bad physician $p earned level $lvl, expected 2 or more"
done

# --- blacklist: every level-3 physician, in CSV and JSON ----------------------------------------
"$BIN" blacklist --root "$T/out" --cycle 2026-H1 --out "$T/bl.csv" || fail "blacklist"
head -1 "$T/bl.csv" | grep -q '^physician_id,name,inst_id,dept_id,level,months_flagged,suspect_amount_total,top_detectors,finding_ids' ||
	fail "blacklist.csv header"
for p in $(awk '$3 == 3 { print $2 }' "$T/got" | sort -u); do
	grep -q "^$p," "$T/bl.csv" && pass "level-3 physician $p blacklisted" || fail "level-3 physician $p is not in the blacklist"
done
"$BIN" blacklist --root "$T/out" --cycle 2026-H1 --min-level 2 --format json >"$T/bl.json" && grep -q '"physicians"' "$T/bl.json" &&
	pass "blacklist JSON" || fail "blacklist JSON"

# --- a dismissed finding stops counting once its month is run again ------------------------------
id=$(awk -F, 'NR == 2 { print $1 }' "$T/out/2026-06/findings.csv")
[ -n "$id" ] || stop "June has no finding"
"$BIN" review --root "$T/out" --finding "$id" --status dismissed --note "checked: billed correctly" --by tester >/dev/null ||
	fail "review"
"$BIN" run --data "$T/data" --month 2026-06 --out "$T/out" --quiet --no-report || fail "re-run of June"
grep -q "^$id,.*,dismissed\$" "$T/out/2026-06/findings.csv" && pass "finding marked dismissed" || fail "finding $id not marked dismissed"
grep -q '"dismissed_findings":	1' "$T/out/2026-06/summary.json" && pass "summary counts the dismissed finding" ||
	fail "summary does not count the dismissed finding"
finish
