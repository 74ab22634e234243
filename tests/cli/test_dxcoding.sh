#!/bin/bash
# test_dxcoding.sh: the declared diagnosis coding system (issue 18 item 4) on tests/data/icd9, the mini
# month written in ICD-9-CM codes (401.9, 411.1, 465.9...), with a short stay for 465.9 and a readmission
# for 411.81. Under dx.coding "icd10" (the default) the run warns, with this exact text, and the ICD-10
# lists never match; under "icd9" no warning, the outpatient-manageable list matches 465.9 and the
# split admission's reason says ICD-9; "auto" picks ICD-9 and says so.
. "$(dirname "$0")/lib.sh"
D="$SRC/tests/data/icd9"
for c in icd10 icd9 auto; do echo "{\"dx\": {\"coding\": \"$c\"}}" >"$TMP/$c.json"; done
# cols FILE COLUMN...: those columns of a CSV file, without the header
cols() { python3 -c 'import csv,sys; r=csv.DictReader(open(sys.argv[1], newline="")); [print(",".join(x[k] for k in sys.argv[2:])) for x in r]' "$@"; }

W_EN='warning: 2026-05: 5 of 5 diagnosis codes do not look like ICD-10, the rules'"'"' dx.coding ("icd10"), and 5 look like ICD-9: the ICD-10 diagnosis lists will not match them (set dx.coding to "icd9" or "auto")'
W_ZH='警告：2026-05：5 个诊断编码中 5 个不像规则 dx.coding（"icd10"）声明的 ICD-10 编码，5 个像 ICD-9：ICD-10 的诊断列表与之不符（请把 dx.coding 设为 "icd9" 或 "auto"）'

expect_exit 0 "an ICD-9 month under icd10 (en)" -- "$CW" run --data "$D" --month 2026-05 --out "$TMP/a" --lang en --no-report
if grep -qxF -- "$W_EN" "$TMP/out"; then pass "the English warning"; else fail "no English warning"; cat "$TMP/out" >&2; fi
if python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(sys.argv[2] not in s["warning_messages"] or s["dx_coding"] != {"declared": "icd10", "used": "icd10", "codes": 5, "icd10_like": 0, "icd9_like": 5, "unlike_used": 5})' \
     "$TMP/a/2026-05/summary.json" "$W_EN"; then pass "summary.json keeps the warning and the counts"; else fail "summary.json"; fi
expect_exit 0 "the same under icd10 (zh)" -- "$CW" run --data "$D" --rules "$TMP/icd10.json" --month 2026-05 --out "$TMP/z" --no-report
if grep -qxF -- "$W_ZH" "$TMP/out"; then pass "the Chinese warning"; else fail "no Chinese warning"; cat "$TMP/out" >&2; fi
cols "$TMP/a/2026-05/findings.csv" detector visit_id | sort >"$TMP/got"
printf 'duplicate_billing,V3\nover_price,V1\nsplit_admission,V7\nsplit_billing,V2\n' >"$TMP/want"
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "icd10: no outpatient-manageable match"; else fail "icd10 findings"; cat "$TMP/d" >&2; fi
if cols "$TMP/a/2026-05/findings.csv" detector reason_en | grep -qF 'split_admission,readmitted 2026-05-20 09:00 with 411.81, 6.0 days after discharge 2026-05-14 10:00 from stay V2 with 411.1 at the same institution: same ICD-10 category 411 within 15 days; stay amount 48.00'; then
  pass "icd10: the reason says ICD-10"; else fail "icd10 reason"; fi

expect_exit 0 "an ICD-9 month under icd9" -- "$CW" run --data "$D" --rules "$TMP/icd9.json" --month 2026-05 --out "$TMP/b" --lang en --no-report
if grep -q "diagnosis codes" "$TMP/out"; then fail "icd9 warned"; cat "$TMP/out" >&2; else pass "icd9: no warning"; fi
cols "$TMP/b/2026-05/findings.csv" detector visit_id tag | sort >"$TMP/got"
printf 'duplicate_billing,V3,duplicate\nover_price,V1,over_price\nsplit_admission,V7,readmission\nsplit_billing,V2,component_beside_bundle\nunwarranted_admission,V6,short_light_stay\n' >"$TMP/want"
if diff "$TMP/want" "$TMP/got" >"$TMP/d"; then pass "icd9: 465.9 is outpatient-manageable (465)"; else fail "icd9 findings"; cat "$TMP/d" >&2; fi
if cols "$TMP/b/2026-05/findings.csv" detector reason_en | grep -qF 'same ICD-9 category 411 within 15 days' &&
   cols "$TMP/b/2026-05/findings.csv" detector reason_en | grep -qF '(outpatient-manageable 465)'; then
  pass "icd9: the reasons name ICD-9 and its prefix"; else fail "icd9 reasons"; fi

expect_exit 0 "auto" -- "$CW" run --data "$D" --rules "$TMP/auto.json" --month 2026-05 --out "$TMP/c" --lang en --no-report
if grep -qxF -- '2026-05: dx.coding "auto": of 5 diagnosis codes 5 look like ICD-9, 0 like ICD-10: the ICD-9 diagnosis lists are used' "$TMP/out"; then
  pass "auto says what it picked"; else fail "auto note"; cat "$TMP/out" >&2; fi
cols "$TMP/c/2026-05/findings.csv" detector visit_id tag | sort >"$TMP/got2"
if diff "$TMP/want" "$TMP/got2" >"$TMP/d"; then pass "auto: the ICD-9 lists"; else fail "auto findings"; cat "$TMP/d" >&2; fi

echo '{"dx": {"coding": "icd11"}}' >"$TMP/bad.json"
expect_exit 1 "an unknown coding" -- "$CW" run --data "$D" --rules "$TMP/bad.json" --month 2026-05 --out "$TMP/e" --lang en --no-report
expect_output "dx.coding: 'icd11' is not one of icd10, icd9, auto" "the error names the key and the words"
finish
