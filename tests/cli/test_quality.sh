#!/usr/bin/env bash
# test_quality.sh: the quality bar of the demo data (issue 3). Six generated months (scale 1, seed 7)
# run in order with gen's demo rules (DIR/rules.json: its departments' drug-share targets); in every month
# every detector with cases reaches recall 0.95, every detector with findings precision 0.95, no look-alike
# is flagged, and every injected physician-level case (peer outliers, low positive rates, antibiotic
# overuse) is found. Also checks that the month holds such
# cases and look-alikes at all, so that the bar is not met by an empty truth.
# CW_TEST_SEED and CW_TEST_SCALE change the generated data (defaults 7 and 1); CTest runs it twice, at
# seed 7 scale 1 and at seed 11 scale 2 (issue 13: several seeds, two scales).
. "$(dirname "$0")/lib.sh"
"$CW" gen --help >/dev/null 2>&1 || skip "this build has no 'claimwatch gen'"
stop() { fail "$*"; finish; }
PHYS=outlier_physician,low_positive_rate,antibiotic_overuse

"$CW" gen --out "$TMP/data" --months 2026-01..2026-06 --scale "${CW_TEST_SCALE:-1}" --seed "${CW_TEST_SEED:-7}" \
	--quiet || stop "claimwatch gen failed"
# gen's demo rules: the drug-share targets of its departments (docs/detectors/drug_share.md, "Demo data")
"$CW" run --data "$TMP/data" --rules "$TMP/data/rules.json" --months 2026-01..2026-06 --out "$TMP/run" --quiet --no-report \
	2>"$TMP/run.err" ||
	{ cat "$TMP/run.err" >&2; stop "claimwatch run failed"; }

for m in 01 02 03 04 05 06; do
	expect_exit 0 "2026-$m: recall and precision >= 0.95, no look-alike flagged, every physician-level case found" -- \
		"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/run/2026-$m" --min-recall 0.95 --min-precision 0.95 \
		--require-all "$PHYS"
done

# the six months together: the physician-level detectors have cases (and look-alikes) to find
"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/run" >"$TMP/table" || fail "eval of the six months"
sed 's/^/    /' "$TMP/table"

# issue 13's bar, over the six months: every detector that has cases or findings at recall and
# precision >= 0.97, and no look-alike of any detector flagged; every built-in detector has cases
awk 'NR > 2 && $1 != "total" && (($2 > 0 && $4 < 0.97) || ($5 > 0 && $7 < 0.97) || $9 > 0) { print; bad = 1 }
     END { exit bad }' "$TMP/table" >"$TMP/below" &&
	pass "every detector at recall and precision >= 0.97, no look-alike flagged" ||
	fail "under 0.97 or a look-alike flagged: $(tr '\n' ';' <"$TMP/below")"
for det in $("$CW" detectors | awk 'NR > 1 { print $1 }'); do
	awk -v d="$det" '$1 == d && $2 > 0 { ok = 1 } END { exit !ok }' "$TMP/table" ||
		fail "$det: gen plants no case of it, so its bar is met by an empty truth"
done
for det in outlier_physician low_positive_rate antibiotic_overuse; do
	awk -v d="$det" '$1 == d && $2 > 0 && $3 == $2 { ok = 1 } END { exit !ok }' "$TMP/table" &&
		pass "$det: every one of its cases found" || fail "$det: no cases, or some missed"
done
for det in outlier_physician antibiotic_overuse; do
	awk -v d="$det" '$1 == d && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' "$TMP/table" &&
		pass "$det: look-alikes present, none flagged" || fail "$det: no look-alikes, or some flagged"
done

# phantom_service (issue 13): cases of each rule and look-alikes present, recall and precision >= 0.97, none flagged
awk '$1 == "phantom_service" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "phantom_service: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "phantom_service: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for kind in after_discharge before_admission excess_days empty_swipe; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "phantom_service: gen plants $kind" ||
		fail "phantom_service: gen plants no $kind case"
done
# phantom_service's after_death (issue 13, D3): lines after a recorded death, planted with both look-alikes
for kind in stay_after_death card_after_death death_day_lines died_after_discharge; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "phantom_service: gen plants $kind" ||
		fail "phantom_service: gen plants no $kind"
done
cat "$TMP"/run/2026-0?/findings.csv | grep -q "phantom_service.*,after_death," && pass "phantom_service: after_death findings" ||
	fail "phantom_service: no after_death finding"
# unwarranted_admission (issue 13, D1): at 0.97 in every month, its look-alikes (a surgery, a diagnosis
# outpatient care does not handle, a fourth day) present and never flagged, both readings found
for m in 01 02 03 04 05 06; do
	"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/run/2026-$m" >"$TMP/ua_table" || fail "eval of 2026-$m"
	awk '$1 == "unwarranted_admission" && ($2 == 0 || $4 >= 0.97) && ($5 == 0 || $7 >= 0.97) && $9 == 0 { ok = 1 }
	     END { exit !ok }' "$TMP/ua_table" &&
		pass "2026-$m: unwarranted_admission recall and precision >= 0.97, no look-alike flagged" ||
		fail "2026-$m: unwarranted_admission below 0.97 or a look-alike flagged: $(grep unwarranted "$TMP/ua_table")"
done
awk '$1 == "unwarranted_admission" && $2 > 0 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' "$TMP/table" &&
	pass "unwarranted_admission: cases and look-alikes present, none flagged" ||
	fail "unwarranted_admission: no cases or look-alikes, or some flagged"
for tag in short_light_stay short_heavy_stay; do
	cat "$TMP"/run/2026-0?/findings.csv | grep -q "unwarranted_admission.*,$tag," &&
		pass "unwarranted_admission: $tag findings" || fail "unwarranted_admission: no $tag finding"
done

# substitution (issue 13): cases of each rule and look-alikes present, recall and precision >= 0.97, none flagged
awk '$1 == "substitution" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "substitution: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "substitution: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for kind in unprescribed over_quantity dearer_substitute partial_dispense prescribed_evening_before; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "substitution: gen plants $kind" ||
		fail "substitution: gen plants no $kind case or look-alike"
done

# stacked_supply (issue 13, E4): cases and look-alikes present, recall and precision >= 0.97, none flagged
awk '$1 == "stacked_supply" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "stacked_supply: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "stacked_supply: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for kind in stacked early_refill switched_drug; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "stacked_supply: gen plants $kind" ||
		fail "stacked_supply: gen plants no $kind case or look-alike"
done

# low_positive_rate (issue 13, B1, B5): physicians and departments, recall and precision >= 0.97, its look-alikes
# (at the floor, under it below the minimum volume) present and never flagged, the department cases found
awk '$1 == "low_positive_rate" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "low_positive_rate: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "low_positive_rate: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for kind in department_planted department_at_floor physician_at_floor physician_under_min_volume; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "low_positive_rate: gen plants $kind" ||
		fail "low_positive_rate: gen plants no $kind case or look-alike"
done
cat "$TMP"/run/2026-0?/findings.csv | grep -q ",low_positive_rate,exam,[^,]*,[^,]*,,.*,department,positive_rate," &&
	pass "low_positive_rate: department findings, with no physician" || fail "low_positive_rate: no department finding"

# self_created_item (issue 13, C1): codes outside the catalogue and catalogue look-alikes present, recall and
# precision >= 0.97, none flagged, and no input row rejected (the kept lines are not rejects)
awk '$1 == "self_created_item" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "self_created_item: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "self_created_item: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for kind in self_created local_catalogue_item; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "self_created_item: gen plants $kind" ||
		fail "self_created_item: gen plants no $kind case or look-alike"
done
for m in 01 02 03 04 05 06; do
	grep -Eq '"rows_rejected":[[:space:]]*0,' "$TMP/run/2026-$m/summary.json" &&
		grep -Eq '"claim_lines_unknown_item_of_month":[[:space:]]*[1-9]' "$TMP/run/2026-$m/summary.json" &&
		pass "2026-$m: no reject, the invented codes' lines counted in summary.json" ||
		fail "2026-$m: rejects, or no invented codes' lines counted"
done

# drug_share (issue 13, E7-E10): department-level and physician-level cases and look-alikes present, recall and
# precision >= 0.97 in every month, none flagged
awk '$1 == "drug_share" && $2 > 0 && $4 >= 0.97 && $7 >= 0.97 && $8 > 0 && $9 == 0 { ok = 1 } END { exit !ok }' \
	"$TMP/table" && pass "drug_share: recall and precision >= 0.97, look-alikes present, none flagged" ||
	fail "drug_share: recall or precision under 0.97, no cases or look-alikes, or some flagged"
for m in 01 02 03 04 05 06; do
	"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/run/2026-$m" >"$TMP/ds_table" || fail "eval of 2026-$m"
	awk '$1 == "drug_share" && $2 > 0 && $4 >= 0.97 && ($5 == 0 || $7 >= 0.97) && $9 == 0 { ok = 1 } END { exit !ok }' \
		"$TMP/ds_table" && pass "2026-$m: drug_share recall and precision >= 0.97, no look-alike flagged" ||
		fail "2026-$m: drug_share below 0.97 or a look-alike flagged: $(grep drug_share "$TMP/ds_table")"
done
for kind in department_over_target physician_over_target department_under_target; do
	grep -q "\"kind\":[[:space:]]*\"$kind\"" "$TMP/data/truth.json" && pass "drug_share: gen plants $kind" ||
		fail "drug_share: gen plants no $kind case or look-alike"
done
awk -F, '$3 == "drug_share" && $7 == "" && $6 != "" { ok = 1 } END { exit !ok }' "$TMP"/run/2026-0?/findings.csv &&
	pass "drug_share: department-level findings name their department, no physician" ||
	fail "drug_share: no department-level finding in findings.csv"

# --require-all catches a miss that a 0.95 recall would let through
expect_exit 2 "--require-all: an unknown detector is a usage error" -- \
	"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/run/2026-03" --require-all nope
mkdir -p "$TMP/none/2026-03"
head -1 "$TMP/run/2026-03/findings.csv" >"$TMP/none/2026-03/findings.csv"
expect_exit 1 "--require-all: a month without findings misses the physician-level cases" -- \
	"$CW" eval --truth "$TMP/data/truth.json" --run "$TMP/none/2026-03" --require-all "$PHYS"
expect_output "outlier_physician: 0 of [0-9]+ cases found" "--require-all names the detector and its misses"
finish
