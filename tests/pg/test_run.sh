#!/usr/bin/env bash
# test_run.sh: `claimwatch run --db`: the same findings (and ranking and sanctions, when the run writes
# them) as a run on the same data from CSV, and the same results in the result tables.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"

# The data: four generated months (sanctions from February on) when this claimwatch has a generator, else the hand-written month.
months=2026-05
if "$CW" gen --help >/dev/null 2>&1 &&
   "$CW" gen --out "$TMP/d" --months 2026-01..2026-04 --scale 0.2 --seed 7 --quiet >/dev/null 2>&1; then
  months=2026-01..2026-04
  pass "generated four months"
else
  copy_mini "$TMP/d"
fi
expect_exit 0 "load" -- "$CW" load --data "$TMP/d" --db "$URL" --quiet
expect_exit 0 "run from CSV" -- "$CW" run --quiet --data "$TMP/d" --months "$months" --out "$TMP/csv" --max-reject-share 1
expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --months "$months" --out "$TMP/db" --max-reject-share 1
for dir in "$TMP"/csv/20*; do
  m=$(basename "$dir")
  case "$m" in *.*) continue ;; esac
  for f in findings.csv ranking.csv sanctions.csv; do
    [ -f "$dir/$f" ] || continue
    if cmp -s "$dir/$f" "$TMP/db/$m/$f"; then
      pass "$m/$f identical from CSV and from the database ($(($(wc -l < "$dir/$f") - 1)) rows)"
    else
      fail "$m/$f differs"; diff "$dir/$f" "$TMP/db/$m/$f" | head -10 >&2
    fi
  done
  # The result tables hold what the files say.
  n=$(($(wc -l < "$dir/findings.csv") - 1))
  [ "$(q "select count(*) from claimwatch.findings where month = '$m-01'")" = "$n" ] \
    && pass "$m: $n findings in claimwatch.findings" || fail "$m: findings in the table"
  diff <(tail -n +2 "$TMP/db/$m/findings.csv" | cut -d, -f1 | sort) \
       <(q "select finding_id from claimwatch.findings where month = '$m-01' order by 1") >/dev/null \
    && pass "$m: the same finding ids in the table" || fail "$m: finding ids differ"
done
[ "$(q "select count(*) from claimwatch.findings")" -gt 0 ] && pass "some findings" || fail "no findings at all"
# The generated months bill codes outside the catalogue: `load` keeps those lines (claim_lines.item_code has no
# foreign key on items) and the run from the database flags them as the run from CSV does (compared above).
if [ "$months" != 2026-05 ]; then
  [ "$(q "select count(*) from claimwatch.findings where detector = 'self_created_item'")" -gt 0 ] \
    && pass "self_created_item findings from the database" || fail "no self_created_item finding from the database"
fi
# The reason in the run's language (zh by default), with both languages kept beside it.
[ "$(q "select count(*) from claimwatch.findings where reason_en is null or reason_en = ''
        or (reason_zh is not null and reason <> reason_zh) or (reason_zh is null and reason <> reason_en)")" = 0 ] \
  && [ "$(q "select count(*) from claimwatch.findings where reason_zh like '%超过限价%'
             and reason_en like '%above the ceiling of%'")" -gt 0 ] \
  && pass "reason, reason_en and reason_zh in claimwatch.findings" || fail "the reasons' languages in the table"

# The sanction history comes from the result tables: a run of the last month into an empty ROOT, which
# holds none of the cycle's earlier months, still counts them, from claimwatch.ranking.
last=${months#*..}
if [ -f "$TMP/csv/$last/sanctions.csv" ]; then
  expect_exit 0 "the last month into an empty ROOT" -- "$CW" run --quiet --db "$URL" --month "$last" --out "$TMP/fresh" \
    --max-reject-share 1
  cmp -s "$TMP/csv/$last/sanctions.csv" "$TMP/fresh/$last/sanctions.csv" \
    && pass "sanctions.csv identical without the earlier months in ROOT (history from the database)" \
    || { fail "sanctions differ without ROOT history"; diff "$TMP/csv/$last/sanctions.csv" "$TMP/fresh/$last/sanctions.csv" | head >&2; }
  n=$(($(wc -l < "$TMP/csv/$last/ranking.csv") - 1))
  [ "$(q "select count(*) from claimwatch.ranking where month = '$last-01'")" = "$n" ] \
    && pass "$last: $n rows in claimwatch.ranking" || fail "$last: ranking rows in the table"
fi

# The claim lines read in slices on several connections of one snapshot (--db-connections; slices of 2
# blocks here, so a month is dozens of them): the same results on 4 connections as from CSV, and the same
# rejects with the same row numbers as the month's run on one connection (the default, one COPY: "fresh"
# above, a one-month run as this one).
for n in 4; do
  CW_PG_SLICE_BLOCKS=2 expect_exit 0 "the last month on $n connection(s)" -- "$CW" run --quiet --db "$URL" \
    --month "$last" --out "$TMP/conn$n" --max-reject-share 1 --no-report --db-connections "$n"
  for f in findings.csv ranking.csv sanctions.csv; do
    [ -f "$TMP/csv/$last/$f" ] || continue
    cmp -s "$TMP/csv/$last/$f" "$TMP/conn$n/$last/$f" && pass "$f identical to CSV's on $n connection(s)" \
      || { fail "$f differs on $n connection(s)"; diff "$TMP/csv/$last/$f" "$TMP/conn$n/$last/$f" | head -5 >&2; }
  done
done
cmp -s "$TMP/fresh/$last/rejects.csv" "$TMP/conn4/$last/rejects.csv" && pass "the same rejects on 1 and 4 connections" \
  || fail "rejects differ between 1 and 4 connections"
expect_exit 2 "--db-connections 0 is a usage error" -- "$CW" run --db "$URL" --month "$last" --out "$TMP/x" --db-connections 0
expect_output "db-connections" "the usage error names the option"

# Running a month again replaces its results: one current run, the same findings, no duplicates.
n1=$(q "select count(*) from claimwatch.findings where month = '$last-01'")
expect_exit 0 "run the last month again" -- "$CW" run --quiet --db "$URL" --month "$last" --out "$TMP/db"
[ "$(q "select count(*) from claimwatch.findings where month = '$last-01'")" = "$n1" ] \
  && pass "re-run: the same $n1 findings, not doubled" || fail "re-run doubled the findings"
[ "$(q "select count(*) from claimwatch.runs where command = 'run' and month = '$last-01'")" = 1 ] \
  && pass "re-run: one current run for the month" || fail "runs of the month"
q "select summary->'source'->>'kind' from claimwatch.runs where command = 'run' limit 1" | grep -qx postgresql \
  && pass "summary.json kept in claimwatch.runs" || fail "summary"

# The drill-down from the result tables: a finding with its evidence lines, its physician, its visit.
row=$(tail -n +2 "$TMP/db/$last/findings.csv" | awk -F, '$10 != ""' | head -1)
fid=$(echo "$row" | cut -d, -f1) phys=$(echo "$row" | cut -d, -f7) visit=$(echo "$row" | cut -d, -f9)
line=$(echo "$row" | cut -d, -f10 | cut -d' ' -f1)
if [ -n "$fid" ]; then
  expect_exit 0 "case --finding" -- "$CW" case --db "$URL" --month "$last" --finding "$fid"
  expect_output "^$fid,.*,$line,$visit," "case --finding lists the evidence line $line"
  expect_exit 0 "case --physician" -- "$CW" case --db "$URL" --month "$last" --physician "$phys"
  expect_output "^composite," "case --physician shows the composite standing"
  expect_output "^$fid," "case --physician lists the finding"
  expect_exit 0 "case --visit" -- "$CW" case --db "$URL" --visit "$visit"
  expect_output ",$line,.*$fid:" "case --visit marks the cited line"
else
  fail "no finding with evidence lines to drill into"
fi
expect_exit 1 "case of an unknown finding" -- "$CW" case --db "$URL" --month "$last" --finding F0
expect_output "nothing found" "case of an unknown finding says so"

# A month with no data is an empty run, from the database too.
expect_exit 0 "empty month" -- "$CW" run --quiet --db "$URL" --month 2030-01 --out "$TMP/db"
[ "$(q "select status from claimwatch.runs where month = '2030-01-01'")" = empty ] && pass "empty month recorded" \
  || fail "empty month"
finish
