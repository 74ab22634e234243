#!/usr/bin/env bash
# test_inst_sanctions.sh: claimwatch.inst_sanctions (docs/institution-sanctions.md): the table exists after
# db init, and `run --db` writes into it what each month's inst_sanctions.csv says (rows, steps, refunds,
# penalties to the cent), tied to the run: a second run of a month replaces its rows. The file exists only
# when the run wrote an institutions' assessment (inst_assessment.csv); without one the table stays empty.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
[ "$(q "select count(*) from information_schema.columns where table_schema = 'claimwatch'
        and table_name = 'inst_sanctions' and column_name in ('step', 'refund_fund', 'penalty', 'trigger')")" = 4 ] \
  && pass "claimwatch.inst_sanctions after db init" || fail "no claimwatch.inst_sanctions"

months=2026-05
if "$CW" gen --help >/dev/null 2>&1 &&
   "$CW" gen --out "$TMP/d" --months 2026-01..2026-02 --scale 0.2 --seed 3 --quiet >/dev/null 2>&1; then
  months=2026-01..2026-02
else
  copy_mini "$TMP/d"
fi
expect_exit 0 "load" -- "$CW" load --data "$TMP/d" --db "$URL" --quiet
expect_exit 0 "run from the database" -- "$CW" run --quiet --db "$URL" --months "$months" --out "$TMP/db" --max-reject-share 1
expect_exit 0 "the months again" -- "$CW" run --quiet --db "$URL" --months "$months" --out "$TMP/db" --max-reject-share 1
written=0
for dir in "$TMP"/db/20*; do
  m=$(basename "$dir")
  case "$m" in *.*) continue ;; esac
  f="$dir/inst_sanctions.csv"
  if [ ! -f "$f" ]; then
    [ "$(q "select count(*) from claimwatch.inst_sanctions where month = '$m-01'")" = 0 ] \
      && pass "$m: no inst_sanctions.csv, no rows" || fail "$m: rows without a file"
    continue
  fi
  written=1
  want=$(python3 -c '
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("%d|%d|%.2f|%.2f" % (len(rows), sum(int(r["step"]) for r in rows), sum(Decimal(r["refund_fund"]) for r in rows),
      sum(Decimal(r["penalty"]) for r in rows)))' "$f")
  got=$(q "select count(*), coalesce(sum(step), 0), round(coalesce(sum(refund_fund), 0), 2), round(coalesce(sum(penalty), 0), 2)
           from claimwatch.inst_sanctions where month = '$m-01'")
  [ "$want" = "$got" ] && pass "$m: the table says what the file says ($got)" \
    || fail "$m: file $want, table $got"
  [ "$(q "select count(distinct run_id) from claimwatch.inst_sanctions where month = '$m-01'")" -le 1 ] \
    && pass "$m: one run's rows" || fail "$m: rows of several runs"
done
[ $written = 1 ] || echo "note: no run wrote inst_sanctions.csv (no institutions' assessment in this build)"
finish
