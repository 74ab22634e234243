#!/usr/bin/env bash
# test_assess.sh: `run --db` writes the institutions' and departments' assessment back (schema 7,
# claimwatch.inst_assessment and dept_assessment; docs/institutions.md): the same files from the database
# as from CSV, the tables hold what the files say (rows, money to the cent, scores, grades, ranks, the
# indicators' flags), a month run again replaces its rows, and `db init` on a version-6 database adds them.
. "$(dirname "$0")/lib.sh"

"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
months=2026-05
if "$CW" gen --help >/dev/null 2>&1 &&
   "$CW" gen --out "$TMP/d" --months 2026-01..2026-02 --scale 0.2 --seed 5 --quiet >/dev/null 2>&1; then
  months=2026-01..2026-02
else
  copy_mini "$TMP/d"
fi
expect_exit 0 "load" -- "$CW" load --data "$TMP/d" --db "$URL" --quiet
expect_exit 0 "run from CSV" -- "$CW" run --quiet --no-report --data "$TMP/d" --months "$months" --out "$TMP/csv" --max-reject-share 1
expect_exit 0 "run from the database" -- "$CW" run --quiet --no-report --db "$URL" --months "$months" --out "$TMP/db" --max-reject-share 1
for dir in "$TMP"/db/20*; do
  m=$(basename "$dir")
  case "$m" in *.*) continue ;; esac
  for t in inst_assessment dept_assessment; do
    cmp -s "$TMP/csv/$m/$t.csv" "$dir/$t.csv" && pass "$m/$t.csv identical from CSV and from the database" ||
      fail "$m/$t.csv differs"
    n=$(($(wc -l < "$dir/$t.csv") - 1))
    [ "$n" -gt 0 ] && [ "$(q "select count(*) from claimwatch.$t where month = '$m-01'")" = "$n" ] &&
      pass "$m: $n rows in claimwatch.$t" || fail "$m: rows of claimwatch.$t"
  done
  # every institution's figures as the file has them: id, findings, money, score, grade, rank, over flags
  want=$(python3 - "$dir/inst_assessment.csv" <<'EOF'
import csv, sys
for r in sorted(csv.DictReader(open(sys.argv[1], encoding="utf-8")), key=lambda r: r["inst_id"]):
    print("|".join([r["inst_id"], r["findings"], r["violation_amount"], r["refunded_amount"], r["score"], r["grade"],
                    r["rank"], r["rank_of"], r["rank_group"], r["drug_share_over"], r["positive_rate_over"],
                    r["fund_paid"]]))
EOF
)
  got=$(q "select inst_id, findings, violation_amount, refunded_amount, score, grade, rank, rank_of, rank_group,
                  (indicators->'drug_share'->>'over')::boolean::int, (indicators->'positive_rate'->>'over')::boolean::int,
                  coalesce(fund_paid::text, '')
             from claimwatch.inst_assessment where month = '$m-01' order by inst_id")
  [ "$got" = "$want" ] && pass "$m: claimwatch.inst_assessment holds what the file says" ||
    { fail "$m: the table differs from the file"; diff <(echo "$want") <(echo "$got") | head -5 >&2; }
  fsum=$(python3 -c 'import csv,sys; from decimal import Decimal as D; print(sum(D(r["violation_amount"]) for r in csv.DictReader(open(sys.argv[1]))))' "$dir/dept_assessment.csv")
  [ "$(q "select coalesce(sum(violation_amount), 0) from claimwatch.dept_assessment where month = '$m-01'")" = "$fsum" ] &&
    pass "$m: the departments' violation money to the cent ($fsum)" || fail "$m: the departments' money"
done
m=${months##*..}
before=$(q "select count(*) from claimwatch.inst_assessment where month = '$m-01'")
expect_exit 0 "the month again" -- "$CW" run --quiet --no-report --db "$URL" --month "$m" --out "$TMP/db" --max-reject-share 1
[ "$(q "select count(*) from claimwatch.inst_assessment where month = '$m-01'")" = "$before" ] &&
  [ "$(q "select count(distinct run_id) from claimwatch.inst_assessment where month = '$m-01'")" = 1 ] &&
  pass "a month run again replaces its assessment rows" || fail "the month's rows were not replaced"
finish
