#!/usr/bin/env bash
# test_example.sh: the example detector of examples/detectors/ (item_many_visits), written outside the
# tree, works as a built-in one: listed by `claimwatch detectors` with both titles, configured from
# --rules (an unknown key of its refused), its findings on a small month made to trip it scored, ranked
# and shown in the report in Chinese and English.
#
#   test_example.sh plugin   CLAIMWATCH SOURCE_DIR CFLAGS CC
#       builds the example as a shared object with CFLAGS alone for the headers (-I of the source tree's
#       include/, or `pkg-config --cflags claimwatch` of an install: tests/install/test_install.sh) and
#       loads it with --plugin and with the rules' "plugins"; a plug-in built for another interface
#       version is refused, naming both versions.
#   test_example.sh compiled BUILD_DIR SOURCE_DIR CMAKE GENERATOR
#       configures and builds claimwatch in BUILD_DIR with -DCW_DETECTOR_DIRS=SOURCE_DIR/examples/detectors
#       (the detector compiled in, no core file changed) and runs the same checks on that binary. The
#       build is that of a project adding claimwatch with add_subdirectory() (tests/install/consumer),
#       which also builds examples/embed.c against its libraries: install.test_subproject runs those, so
#       one build serves both tests.
set -u
mode="$1"
case "$mode" in
  plugin) source "$(dirname "$0")/../cli/lib.sh" "$2" "$3"; read -r -a HDR_FLAGS <<<"$4"; CC="$5" ;;
  compiled) BUILD="$2"; SRC_DIR="$3"; CMAKE="$4"; GEN="$5"
    "$CMAKE" -S "$SRC_DIR/tests/install/consumer" -B "$BUILD" -G "$GEN" -DCMAKE_BUILD_TYPE=Debug \
      "-DCLAIMWATCH_SOURCE_DIR=$SRC_DIR" "-DEMBED_SOURCE=$SRC_DIR/examples/embed.c" \
      "-DCW_DETECTOR_DIRS=$SRC_DIR/examples/detectors" >"$BUILD.log" 2>&1 &&
      "$CMAKE" --build "$BUILD" --target claimwatch embed_shared embed_static -j 2 >>"$BUILD.log" 2>&1 ||
      { cat "$BUILD.log" >&2; echo "FAIL: building claimwatch with CW_DETECTOR_DIRS" >&2; exit 1; }
    source "$(dirname "$0")/../cli/lib.sh" "$BUILD/claimwatch/claimwatch" "$SRC_DIR" ;;
  *) echo "usage: test_example.sh plugin|compiled ..." >&2; exit 2 ;;
esac
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff
PLUG=()
if [ "$mode" = plugin ]; then
  for src in "$SRC/examples/detectors/item_many_visits.c" "$SRC/tests/plugin/wrong_version.c"; do
    so="$TMP/$(basename "$src" .c).so"
    "$CC" -std=c11 -Wall -Wextra -Werror -shared -fPIC "${HDR_FLAGS[@]}" "$src" -o "$so" ||
      { fail "$src builds with $4 alone"; finish; }
  done
  pass "the example and a plug-in of another version build with $4 alone"
  PLUG=(--plugin "$TMP/item_many_visits.so")
  expect_exit 1 "a plug-in built for another interface version is refused" -- \
    "$CW" detectors --plugin "$TMP/wrong_version.so"
  expect_output "version 4.*this claimwatch has version 3" "the refusal names both versions"
  expect_output "wrong_version.so" "the refusal names the plug-in"
  expect_exit 0 "a bare name is a file of the current folder" -- \
    bash -c 'cd "$1" && "$2" detectors --plugin item_many_visits.so' - "$TMP" "$CW"
  expect_output "^item_many_visits " "listed"
fi

expect_exit 0 "detectors" -- "$CW" detectors "${PLUG[@]}"
expect_output "^item_many_visits +yes .*同一项目多次就诊收费, Item billed on many visits" \
  "detectors lists the example, enabled, with both titles"

# A month made to trip it: patient P1 has the consultation C1 on five visits of May (and one in April).
copy_mini "$TMP/data"
for n in 10 11 12 13; do
  echo "V$n,P1,H1,H1-CARD,DR1,outpatient,2026-05-$n 08:30,,I10,原发性高血压" >>"$TMP/data/visits.csv"
  echo "LX$n,V$n,C1,,2026-05-$n 08:30,1,10,10" >>"$TMP/data/claim_lines.csv"
done
printf '{"scoring": {"min_visits": 1}}' >"$TMP/rules.json"
printf '{"scoring": {"min_visits": 1}, "detectors": {"item_many_visits": {"max_visits": 4}}}' >"$TMP/four.json"
printf '{"detectors": {"item_many_visits": {"max_visit": 4}}}' >"$TMP/typo.json"

expect_exit 1 "an unknown key of the example is refused" -- "$CW" detectors "${PLUG[@]}" --rules "$TMP/typo.json"
expect_output "detectors.item_many_visits.max_visit: unknown key" "the refusal names the key"

for lang in zh en; do
  expect_exit 0 "a run with the example ($lang)" -- "$CW" run --data "$TMP/data" --month 2026-05 \
    --out "$TMP/out-$lang" --rules "$TMP/rules.json" --lang "$lang" --reveal-patients --quiet "${PLUG[@]}"
done
M="$TMP/out-zh/2026-05"
grep -q '^F[0-9a-f]*,2026-05,item_many_visits,treatment,H1,H1-CARD,DR1,P1,,L1 LX10 LX11 LX12 LX13,20.00,' \
  "$M/findings.csv" && pass "its finding: P1's five visits, the two beyond max_visits at stake" ||
  { fail "findings.csv lacks the example's finding"; cat "$M/findings.csv" >&2; }
# DR1's only treatment finding is the example's (C1 is a consultation: treatment by class)
grep -Eq '^2026-05,H1,H1-CARD,DR1,treatment,[1-9][0-9.]*,[a-z_]+,1,1,20\.00,.*,ranked,0$' "$M/ranking.csv" &&
  pass "DR1 is scored and ranked first in treatment on it" || { fail "ranking.csv: DR1 not scored"; cat "$M/ranking.csv" >&2; }
for lang in zh en; do
  title=$([ "$lang" = zh ] && echo "同一项目多次就诊收费" || echo "Item billed on many visits")
  grep -q "$title" "$TMP/out-$lang/2026-05/report/index.html" && pass "the summary page shows it ($lang)" ||
    fail "report/index.html ($lang) lacks '$title'"
  grep -lq "$title" "$TMP/out-$lang"/2026-05/report/p/*.html 2>/dev/null && pass "a physician page shows it ($lang)" ||
    fail "no physician page ($lang) shows '$title'"
done

expect_exit 0 "max_visits from --rules" -- "$CW" run --data "$TMP/data" --month 2026-05 --out "$TMP/out4" \
  --rules "$TMP/four.json" --reveal-patients --no-report --quiet "${PLUG[@]}"
grep -q ',item_many_visits,.*,10\.00,' "$TMP/out4/2026-05/findings.csv" &&
  pass "with max_visits 4, one visit's line is at stake" || fail "max_visits 4 not applied"

if [ "$mode" = plugin ]; then
  # the rules' "plugins", relative to the rules file's folder, as --plugin
  mkdir -p "$TMP/cfg/lib" && cp "$TMP/item_many_visits.so" "$TMP/cfg/lib/"
  printf '{"plugins": ["lib/item_many_visits.so"], "scoring": {"min_visits": 1},
           "detectors": {"item_many_visits": {"max_visits": 4}}}' >"$TMP/cfg/rules.json"
  expect_exit 0 "the rules' plugins" -- "$CW" run --data "$TMP/data" --month 2026-05 --out "$TMP/out-rules" \
    --rules "$TMP/cfg/rules.json" --reveal-patients --no-report --quiet
  cmp -s "$TMP/out4/2026-05/findings.csv" "$TMP/out-rules/2026-05/findings.csv" &&
    pass "the same findings as with --plugin" || fail "the rules' plugins gave other findings than --plugin"
fi
finish
