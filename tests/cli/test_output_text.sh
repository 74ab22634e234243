#!/usr/bin/env bash
# test_output_text.sh: text from the data and from the command line leaves claimwatch safe. Names of
# physicians, institutions, departments and items hold ESC, BEL, U+009B (CSI), U+202E (right-to-left
# override) and spreadsheet formulas (= + - @, a tab); a physician id starts with '-'. No output (the
# month's CSV files, the report, case, export, blacklist, reviews.csv, messages) carries a raw control
# or bidirectional character; every CSV a person opens has its formulas neutralised by default and raw
# with --raw; claimwatch's own readers read back exactly what was meant; -12.30 stays a number.
. "$(dirname "$0")/lib.sh"

month=2026-05
esc=$'\e' bel=$'\a' csi=$'\xc2\x9b' rlo=$'\xe2\x80\xae' fffd=$'\xef\xbf\xbd'
copy_mini "$TMP/d"
# DR3 becomes -DR3 everywhere it is referenced
sed -i -E 's/(^|,)DR3(,|$)/\1-DR3\2/g' "$TMP"/d/*.csv
sed -i "s/^DR1,张伟,/DR1,${esc}[31m张${bel}伟,/; s/^DR2,李娜,/DR2,\"=HYPERLINK(\"\"http:\/\/x\"\",\"\"y\"\")\",/" \
  "$TMP/d/physicians.csv"
sed -i "s/^-DR3,王芳,/-DR3,${rlo}王芳${csi}2J,/" "$TMP/d/physicians.csv"
sed -i "s/^H1,第一人民医院,/H1,@SUM(1+1),/" "$TMP/d/institutions.csv"
sed -i "s/^H1-CARD,H1,心血管内科,/H1-CARD,H1,\"\t心血管内科\",/" "$TMP/d/departments.csv"
sed -i "s/^D1,阿莫西林胶囊,/D1,阿莫西林${csi}胶囊${esc}]0;x${bel},/" "$TMP/d/items.csv"
grep -q -- "-DR3" "$TMP/d/visits.csv" && grep -q "HYPERLINK" "$TMP/d/physicians.csv" || fail "test data not made"
echo '{"scoring": {"min_visits": 1}, "grades": {"basically_reasonable": 1, "unreasonable": 2}}' >"$TMP/rules.json"

# unsafe FILE...: the files holding a raw C0 control (but tab and line breaks), DEL, a C1 control, a
# bidirectional control, U+2028 or U+2029.
unsafe() { LC_ALL=C grep -lP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c' "$@"; }
# safe WHAT FILE...: no file holds an unsafe character.
safe() {
  local what="$1" bad; shift
  bad=$(unsafe "$@")
  [ -z "$bad" ] && pass "$what: no raw control or bidirectional character" || fail "$what: raw in $bad"
}
# has WHAT FIXED-STRING FILE
has() { grep -qF -- "$2" "$3" && pass "$1" || { fail "$1: no '$2' in $3"; head -5 "$3" | sed 's/^/    /' >&2; }; }
hasnt() { grep -qF -- "$2" "$3" && fail "$1: '$2' in $3" || pass "$1"; }

root="$TMP/o"
expect_exit 0 "a month of hostile names" -- "$CW" run --data "$TMP/d" --month $month --out "$root" --rules "$TMP/rules.json"
safe "the run's messages" "$TMP/out"
m="$root/$month"
safe "the month folder" "$m"/*.csv "$m"/*.json
safe "the report" $(find "$m/report" -name '*.html')
[ -n "$(find "$m/report" -name '*.html')" ] && pass "the report was written" || fail "no report"

# formulas: neutralised in every CSV, numbers left alone
has "ranking.csv: a formula name is text" "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$m/ranking.csv"
has "findings.csv: an id starting with - is text" ",\"'-DR3\"," "$m/findings.csv"
has "indicators.csv: an institution named @SUM is text" "\"'@SUM(1+1)\"" "$m/indicators.csv"
has "indicators.csv: a name starting with a tab is text" "\"'	心血管内科\"" "$m/indicators.csv"
has "sanctions.csv (names read back from ranking.csv): one apostrophe" "\"'=HYPERLINK(" "$m/sanctions.csv"
for f in "$m"/*.csv; do
  grep -q "''=HYPERLINK\|''-DR3" "$f" && fail "$(basename "$f"): an apostrophe doubled on reading back"
  grep -qE "(^|,)\"?'-?[0-9]+(\.[0-9]+)?\"?(,|$)" "$f" && fail "$(basename "$f"): a number neutralised"
done
pass "no doubled apostrophe and no neutralised number in the month's CSV files"

# claimwatch's own readers read back what was meant
expect_exit 0 "case of the physician -DR3" -- "$CW" case --root "$root" --month $month --physician -DR3 --lang en
expect_output "^physician +-DR3$" "case finds -DR3 by its id"
safe "case --physician -DR3" "$TMP/out"
expect_exit 0 "case of DR1 (ESC and BEL in the name)" -- "$CW" case --root "$root" --month $month --physician DR1
safe "case --physician DR1" "$TMP/out"
fid=$(awk -F, '$3 == "over_price" { print $1 }' "$m/findings.csv")
expect_exit 0 "case of the over-price finding (C1 and OSC in the item name)" -- "$CW" case --root "$root" \
  --month $month --finding "$fid"
safe "case --finding" "$TMP/out"
expect_exit 0 "case --json of DR2" -- "$CW" case --root "$root" --month $month --physician DR2 --json
expect_output '"name":	"=HYPERLINK\(\\"http://x\\",\\"y\\"\)"' "case --json gives the name as it is"
expect_exit 0 "case --json of the finding" -- "$CW" case --root "$root" --month $month --finding "$fid" --json
safe "case --json" "$TMP/out"
expect_exit 0 "case --json of -DR3" -- "$CW" case --root "$root" --month $month --physician -DR3 --json
safe "case --json of -DR3" "$TMP/out"
expect_output '"physician_id":	"-DR3"' "case --json gives the id as it is"

expect_exit 0 "export as JSON" -- "$CW" export --root "$root" --month $month --out "$TMP/month.json"
safe "export JSON" "$TMP/month.json"
has "export JSON: the name as it is" '"physician_name":	"=HYPERLINK(\"http://x\",\"y\")"' "$TMP/month.json"
has "export JSON: the id as it is" '"physician_id":	"-DR3"' "$TMP/month.json"
expect_exit 0 "export a table" -- "$CW" export --root "$root" --month $month --table ranking --out "$TMP/r.csv"
has "export --table: neutralised" "\"'=HYPERLINK(" "$TMP/r.csv"
expect_exit 0 "export a table --excel" -- "$CW" export --root "$root" --month $month --table ranking --excel \
  --out "$TMP/rx.csv"
has "export --excel: neutralised once" "\"'=HYPERLINK(" "$TMP/rx.csv"
hasnt "export --excel: not twice" "''=HYPERLINK" "$TMP/rx.csv"
expect_exit 0 "export a table --raw" -- "$CW" export --root "$root" --month $month --table findings --raw \
  --out "$TMP/raw.csv"
has "export --raw: the id as it is" ",-DR3," "$TMP/raw.csv"
expect_exit 2 "--raw needs --table" -- "$CW" export --root "$root" --month $month --raw

expect_exit 0 "blacklist CSV" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --rules "$TMP/rules.json" \
  --min-level 1 --min-amount 1 --out "$TMP/bl.csv"
has "blacklist: a formula name is text" "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$TMP/bl.csv"
has "blacklist: the id is text" "\"'-DR3\"," "$TMP/bl.csv"
safe "blacklist CSV" "$TMP/bl.csv"
expect_exit 0 "blacklist --raw" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --rules "$TMP/rules.json" \
  --min-level 1 --min-amount 1 --raw --out "$TMP/blraw.csv"
has "blacklist --raw: formulas as they are" "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$TMP/blraw.csv"
has "blacklist --raw: the id as it is" $'\n-DR3,' "$TMP/blraw.csv"
expect_exit 0 "blacklist JSON" -- "$CW" blacklist --root "$root" --cycle 2026-H1 --rules "$TMP/rules.json" \
  --min-level 1 --min-amount 1 --format json
expect_output '"name":	"=HYPERLINK\(\\"http://x\\",\\"y\\"\)"' "blacklist JSON: the name as it is"
expect_output "\"name\":	\"${fffd}王芳${fffd}2J\"" "blacklist JSON: unsafe characters replaced (in ranking.csv already)"
safe "blacklist JSON" "$TMP/out"

# a decision with controls in who and why
expect_exit 0 "review with controls in --by and --note" -- "$CW" review --root "$root" --finding "$fid" \
  --status confirmed --note "ok${esc}[2J${rlo}=1+1" --by "li${esc}[1m"
safe "review's answer" "$TMP/out"
expect_output 'by li\\x1b\[1m;' "review's answer shows the escape"
safe "reviews.csv" "$root/reviews.csv"
expect_exit 0 "the run reads the decision back" -- "$CW" run --quiet --data "$TMP/d" --month $month --out "$root" \
  --rules "$TMP/rules.json"
grep -q "^$fid,.*,confirmed\$" "$m/findings.csv" && pass "the decision applies" || fail "the decision was not read"

# messages echo what was typed, escaped
expect_exit 1 "review of an id with an escape sequence" -- "$CW" review --root "$root" \
  --finding "F${esc}]0;pwned${bel}" --status confirmed --note x
safe "review's message" "$TMP/out"
expect_output "F\\\\x1b\]0;pwned\\\\x07" "review's message shows the escape"
expect_exit 1 "export of a table named with an escape sequence" -- "$CW" export --root "$root" --month $month \
  --table "${esc}[2J"
safe "export's message" "$TMP/out"
expect_output "\\\\x1b\[2J\.csv: no such file" "export's message shows the escape"
expect_exit 2 "run with a month holding U+202E" -- "$CW" run --data "$TMP/d" --month "2026${rlo}-05" --out "$root"
safe "run's usage message" "$TMP/out"
expect_exit 2 "an unknown command with an escape sequence" -- "$CW" "${esc}[2Jrun"
safe "the unknown command message" "$TMP/out"
expect_exit 1 "case of an unknown physician with a C1 control" -- "$CW" case --root "$root" --month $month \
  --physician "X${csi}31m"
safe "case's message" "$TMP/out"
expect_exit 2 "gen with an escape sequence" -- "$CW" gen --out "$TMP/g" "--seed=${esc}[2J"
safe "gen's message" "$TMP/out"
finish
