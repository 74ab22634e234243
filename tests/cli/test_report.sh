#!/usr/bin/env bash
# test_report.sh: the monthly HTML report (ROOT/YYYY-MM/report/): written by `run`, one self-contained
# folder (no network reference), names holding markup shown as text, patients pseudonymised, --lang,
# --no-report, pages of bounded size, the same pages on one thread and on several (and a page that fails to be
# written on one of them fails the report); then opened in headless Chromium: every page renders with no
# script error or CSP violation, the script ran, the ranking table, the funnel plots and a physician
# page are there, and a screenshot is saved (report-screenshot.png in the test's working directory).
#
# Chromium is Debian's `chromium` (scripts/setup.sh --tests installs it). Without it the test fails,
# unless CW_SKIP_BROWSER=1: then, when the other checks pass, the test exits 77 and CTest lists it as
# skipped (the browser part did not run).
. "$(dirname "$0")/lib.sh"

D="$TMP/data" O="$TMP/root"
expect_exit 0 "generate two months" -- "$CW" gen --quiet --out "$D" --months 2026-01..2026-02 --scale 0.5 --seed 11

# Names that hold markup and quotes: they must come out as text.
EVIL_NAME='<script>alert("x")</script>O'"'"'Brien & <b>Bold</b>'
EVIL_INST='<img src=x onerror=alert(1)>"Inst'"'"
# (the quotes are doubled once, in BEGIN: doubling them per row would grow the name without end)
awk -F, -v OFS=, -v evil="$EVIL_NAME" 'BEGIN { gsub(/"/, "\"\"", evil) } NR > 1 { $2 = "\"" evil $2 "\"" } 1' \
  "$D/physicians.csv" > "$TMP/p.csv" && mv "$TMP/p.csv" "$D/physicians.csv"
awk -F, -v OFS=, -v evil="$EVIL_INST" 'BEGIN { gsub(/"/, "\"\"", evil) } NR == 2 { $2 = "\"" evil $2 "\"" } 1' \
  "$D/institutions.csv" > "$TMP/i.csv" && mv "$TMP/i.csv" "$D/institutions.csv"

expect_exit 0 "run two months, English labels, on 3 threads" -- "$CW" run --quiet --data "$D" \
  --months 2026-01..2026-02 --out "$O" --lang en --threads 3
R="$O/2026-02/report"
for f in index.html ranking.html ranking-exam.html charts.html indicators.html; do
  [ -s "$R/$f" ] && pass "$f written" || fail "$f missing"
done
ls "$R"/funnel-*.html >/dev/null 2>&1 && pass "funnel pages written" || fail "no funnel page"
# issue 13: physicians judged on small volumes (under the old minimums of 30 visits, 10 stays) are dots of
# their metric's funnel plot like the others
small=$(awk -F, '$6 == "judged" && $7 + 0 < 10 { print $5 " " $2; exit }' "$O/2026-02/metrics.csv")
if [ -z "$small" ]; then
  fail "no physician judged on fewer than 10 units in metrics.csv"
else
  set -- $small
  grep -q "$2" "$R/funnel-$1.html" && pass "$2, judged on a small volume, is in funnel-$1.html" ||
    fail "$2, judged on a small volume, is not in funnel-$1.html"
fi
npages=$(ls "$R/p" | wc -l)
[ "$npages" -gt 10 ] && pass "$npages physician pages" || fail "only $npages physician pages"
for f in metrics.csv evidence.csv indicators.csv; do
  [ -s "$O/2026-02/$f" ] && pass "$f written" || fail "$f missing"
done

# Self-contained: nothing fetched from anywhere, no external file referenced. The one <link> is the folder's
# own stylesheet (report_crawl.py below checks that every link resolves inside the folder).
if grep -lE '(src|href|action)="(https?:|//|ftp:)|<img |<iframe|@import|url\(http' -r "$R" >/dev/null; then
  fail "a page references something outside the folder"
else
  pass "no external reference"
fi
links=$(grep -rhoE '<link [^>]*>' "$R" | sort -u | tr '\n' ' ')
[ "$links" = '<link rel="stylesheet" href="../report.css"> <link rel="stylesheet" href="report.css"> ' ] \
  && pass "the only <link> is the folder's report.css" || fail "unexpected <link> elements: $links"
grep -q "default-src 'none'" "$R/index.html" && pass "CSP forbids fetches" || fail "no CSP"
grep -rq "unsafe-inline" "$R" && fail "a CSP allows inline style or script" || pass "no inline style or script allowed"
[ -s "$R/report.css" ] && [ -s "$R/report.js" ] && pass "report.css and report.js written once" \
  || fail "report.css or report.js missing"
# Every link resolves to a file of the folder (and an anchor of it), no page repeats the shared CSS, and the
# paged tables (the ranking, the physicians' evidence) hold every row of ranking.csv and evidence.csv once.
python3 "$SRC/tests/cli/report_crawl.py" "$O/2026-02" >"$TMP/crawl" 2>&1 && pass "report_crawl: links, assets, rows" \
  || { fail "report_crawl"; sed 's/^/    /' "$TMP/crawl" >&2; }

# Escaping: the markup is text, everywhere it is printed.
if grep -rlF '<script>alert' "$R" >/dev/null || grep -rlF '<b>Bold</b>' "$R" >/dev/null \
   || grep -rlF '<img src=x' "$R" >/dev/null; then
  fail "a name's markup reached a page unescaped"
else
  pass "no unescaped markup"
fi
grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;O&#39;Brien &amp; &lt;b&gt;Bold&lt;/b&gt;' "$R/ranking.html" \
  && pass "the name is shown as text" || fail "the escaped name is not in ranking.html"
grep -qF '&lt;img src=x onerror=alert(1)&gt;&quot;Inst&#39;' "$R/indicators.html" \
  && pass "the institution is shown as text" || fail "the escaped institution is not in indicators.html"

# Patients: pseudonyms only.
if grep -rqE 'P0[0-9]{7}' "$R"; then fail "a raw patient id is in the report"; else pass "no raw patient id"; fi
grep -rqE 'P-[0-9a-f]{16}' "$R/p" && pass "pseudonyms on the physician pages" || fail "no pseudonym"

# Bounded pages.
big=$(find "$R" -type f -size +4M | head -1)
[ -z "$big" ] && pass "no page over 4 MB" || fail "$big is over 4 MB"

# Labels follow --lang; the numbers do not change.
# (small pages: 40 evidence rows, 5 findings, 100 ranking rows a page, to exercise the splits)
expect_exit 0 "run in Chinese, small pages" -- env CLAIMWATCH_REPORT_ROWS=40,5,100 "$CW" run --quiet --data "$D" \
  --month 2026-02 --out "$TMP/zh" --lang zh
ls "$TMP/zh/2026-02/report/ranking-p2.html" >/dev/null 2>&1 && ls "$TMP/zh/2026-02/report/p/"*-2.html >/dev/null 2>&1 \
  && pass "ranking and physician pages split" || fail "no split page with CLAIMWATCH_REPORT_ROWS"
python3 "$SRC/tests/cli/report_crawl.py" "$TMP/zh/2026-02" >"$TMP/crawl" 2>&1 \
  && pass "report_crawl of the split pages: every row once, every link resolves" \
  || { fail "report_crawl of the split pages"; sed 's/^/    /' "$TMP/crawl" >&2; }
# (on the mini month: the value is read when the report is written, after a whole run)
expect_exit 1 "a bad CLAIMWATCH_REPORT_ROWS" -- env CLAIMWATCH_REPORT_ROWS=40,0,100 "$CW" run --quiet \
  --data "$SRC/tests/data/mini" --month 2026-05 --out "$TMP/zh-bad"
grep -q "CLAIMWATCH_REPORT_ROWS" "$TMP/out" && pass "the error names CLAIMWATCH_REPORT_ROWS" || fail "unclear error"
grep -q '排名' "$TMP/zh/2026-02/report/ranking.html" && pass "Chinese labels" || fail "no Chinese labels"
grep -q 'Ranking' "$R/ranking.html" && pass "English labels" || fail "no English labels"
# the numeric cells of the first rows (the first page of the Chinese run holds 100) (one row a line; the end tags are optional and left out), but for last
# month's score (cell 13), which the Chinese run, into a root of its own, does not have
num() {
  grep '^<tr><td' "$1" | awk -F'<td' -v OFS='<td' '{ $14 = ""; print }' |
    grep -oE '<td( class="n[^"]*")?>[0-9][0-9,.%]*(<|$)' | sed -E 's/<[^>]*>//g; s/<$//' | head -300
}
[ "$(num "$R/ranking.html" | wc -l)" -ge 300 ] && pass "figures to compare" || fail "too few figures in ranking.html"
[ "$(num "$R/ranking.html")" = "$(num "$TMP/zh/2026-02/report/ranking.html")" ] && pass "same numbers in both languages" \
  || fail "the numbers differ between languages"
# The findings' reasons follow --lang too, in findings.csv (which keeps both) and on the pages; the tags do not.
Z="$TMP/zh/2026-02"
grep -q '超过限价' "$Z/findings.csv" && pass "findings.csv of the Chinese run: over_price's reason in Chinese" \
  || fail "no Chinese reason in findings.csv"
grep -q 'above the ceiling of' "$Z/findings.csv" && pass "and in English (reason_en)" || fail "no reason_en"
grep -q 'above the ceiling of' "$O/2026-02/findings.csv" && pass "findings.csv of the English run: the English reason" \
  || fail "no English reason in findings.csv"
grep -rqE '超过限价 [0-9.,]+（超标准收费）' "$Z/report/p" && pass "the Chinese pages give the Chinese reason" \
  || fail "no Chinese reason on the pages"
grep -rq 'above the ceiling of' "$Z/report/p" && fail "an English reason on the Chinese pages" || pass "and not the English one"
grep -rq 'above the ceiling of' "$R/p" && pass "the English pages give the English reason" || fail "no English reason"
grep -rq '收费单价高于项目目录的标准价格' "$Z/report/p" && pass "the rule in Chinese" || fail "no Chinese rule"
tags() { "$CW" export --root "$1" --month 2026-02 | grep -oE '"(finding_id|tag)":[[:space:]]*("[^"]*"|null)'; }
[ -n "$(tags "$O")" ] && [ "$(tags "$O")" = "$(tags "$TMP/zh")" ] && pass "the same findings and tags in both languages" \
  || fail "the tags differ between languages"
expect_exit 2 "a bad --lang" -- "$CW" run --data "$D" --month 2026-02 --out "$TMP/x" --lang fr
# Deterministic: the same month run again into the same root writes byte-identical pages, on one thread as on
# three (the physician pages are shared out between the threads): the same files, bytes and modes.
cp -a "$R" "$TMP/report-before"
modes() { (cd "$1" && find . -printf '%m %y %p\n' | sort); }
expect_exit 0 "run 2026-02 again, on 1 thread" -- "$CW" run --quiet --data "$D" --month 2026-02 --out "$O" --lang en \
  --threads 1
diff -r "$TMP/report-before" "$R" >/dev/null && [ "$(modes "$TMP/report-before")" = "$(modes "$R")" ] \
  && pass "the report is byte-identical run to run, on 3 threads and on 1" \
  || fail "the report differs between two runs (3 threads, then 1)"
# A page that cannot be written on one of two threads (the size guard refuses it) fails the report with the
# guard's message, naming the page; the month's results stay as they were (and ASan sees no leak).
# (the limit: the month's files, the report's two assets and 30 KB, a few physician pages)
before=$(find "$O/2026-02" "$R/report.css" "$R/report.js" -maxdepth 1 -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
printf '{"output": {"max_bytes": %d}}' $((before + 30000)) > "$TMP/limit.json"
expect_exit 1 "a physician page over output.max_bytes, on 2 threads" -- "$CW" run --quiet --data "$D" \
  --month 2026-02 --out "$O" --lang en --threads 2 --rules "$TMP/limit.json"
expect_output "^claimwatch run: run 2026-02: writing the report: $O/2026-02/report/p/[0-9-]+\.html: the outputs \
would exceed output\.max_bytes" "the error names the physician page and the limit"
diff -r "$TMP/report-before" "$R" >/dev/null && pass "the month's report is as it was" || fail "the report changed"
expect_exit 0 "run with --reveal-patients" -- "$CW" run --quiet --data "$D" --month 2026-02 --out "$TMP/rv" \
  --reveal-patients
grep -rqE 'P0[0-9]{7}' "$TMP/rv/2026-02/report/p" && pass "revealed ids shown" || fail "no revealed id"
expect_exit 0 "run with --no-report" -- "$CW" run --quiet --data "$D" --month 2026-02 --out "$TMP/nr" --no-report
[ ! -e "$TMP/nr/2026-02/report" ] && [ -s "$TMP/nr/2026-02/findings.csv" ] && pass "--no-report writes no report" \
  || fail "--no-report"

# --- the browser ------------------------------------------------------------------------------------------
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  if [ "${CW_SKIP_BROWSER:-0}" = 1 ]; then
    [ "$failures" -gt 0 ] && finish # a failure before the browser part is a failure, not a skip
    skip "no chromium (CW_SKIP_BROWSER=1): the browser checks did not run"
  fi
  fail "chromium is not installed: run scripts/setup.sh --tests (or set CW_SKIP_BROWSER=1)"
  finish
fi

# browse PAGE: the DOM after the page's script ran into $TMP/dom, the console into $TMP/console.
browse() {
  local profile
  profile=$(mktemp -d "$TMP/chrome.XXXXXX")
  timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$1" >"$TMP/dom" 2>"$TMP/console"
}

# check_page PAGE SCRIPTED WHAT PATTERN: renders with no script error; the script ran (when the page
# has one); the DOM holds PATTERN.
check_page() {
  local page="$1" scripted="$2" what="$3" pattern="$4" name
  name=${page#"$R"/}
  browse "$page"
  [ -s "$TMP/dom" ] && pass "$name renders" || { fail "$name did not render"; sed 's/^/    /' "$TMP/console" >&2; return; }
  if grep -E 'CONSOLE' "$TMP/console" | grep -Eiq 'uncaught|error|violat|refused|blocked'; then
    fail "$name: script error or CSP violation"; grep CONSOLE "$TMP/console" | sed 's/^/    /' >&2
  else
    pass "$name: no script error"
  fi
  if [ "$scripted" = 1 ]; then
    grep -q 'data-ready="1"' "$TMP/dom" && pass "$name: the script ran" || fail "$name: the script did not run"
  fi
  grep -Eq -- "$pattern" "$TMP/dom" && pass "$name: $what" || fail "$name: no $what"
  [ "$(grep -o '<script' "$TMP/dom" | wc -l)" -le 1 ] && pass "$name: no injected script element" \
    || fail "$name: an injected script element"
  grep -qF '<b>Bold</b>' "$TMP/dom" && fail "$name: markup became an element" || true
}

check_page "$R/index.html" 1 "the summary and the firsts table" 'id="firsts"'
check_page "$R/ranking.html" 1 "the ranking table, filled in" 'id="rank".*|<span class="count">[0-9]+ / [0-9]+</span>'
grep -qE '<span class="count">[0-9]+ / [0-9]+</span>' "$TMP/dom" && pass "the filter bar counted the rows" \
  || fail "the filter bar did not count"
grep -qF '&lt;script&gt;alert' "$TMP/dom" && pass "the markup name is text in the DOM" || fail "the name is not text in the DOM"
check_page "$R/charts.html" 0 "funnel plots" '<svg class="funnel"'
funnel=$(ls "$R"/funnel-*.html | head -1)
check_page "$funnel" 0 "a funnel plot" '<svg class="funnel"'
phys=$(grep -oE 'href="p/[0-9]+\.html"' "$R/ranking.html" | head -1 | sed -E 's/href="(.*)"/\1/')
[ -n "$phys" ] && check_page "$R/$phys" 0 "findings with evidence" 'class="finding"' || fail "no physician link"
check_page "$R/indicators.html" 1 "the drug share table" 'id="inst"'

# The screenshot, kept beside the test's build output.
shot="$PWD/report-screenshot.png"
profile=$(mktemp -d "$TMP/chrome.XXXXXX")
timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1300,1800 --screenshot="$shot" "file://$R/index.html" >/dev/null 2>&1
[ -s "$shot" ] && pass "screenshot saved: $shot" || fail "no screenshot"
finish
