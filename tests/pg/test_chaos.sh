#!/usr/bin/env bash
# test_chaos.sh: runs, reviews, loads and exports racing one another and killed at random points, round
# after round, as real operations meet them (issue 11). After every round, with every process gone:
#   - nothing acknowledged was lost: every review that exited 0 is in reviews.csv, and the database holds
#     the whole month once any load has succeeded;
#   - nothing half-written is visible: every file under ROOT whose name does not start with a dot is
#     whole (CSV files end with a line break, JSON files parse, the month folder has all its files),
#     reviews.csv reads back without a damaged end, every export is whole, no exam result points at a
#     missing claim line;
#   - nothing outside the input appeared: every finding in ROOT or in the database is one the clean
#     reference run of the same data found.
# The database is loaded and run once before the first round, so every round's load and run replace
# whole results that must survive any kill. At the end a run from the database that nobody kills must
# leave ROOT and the database in agreement.
# Bounded: CW_CHAOS_ROUNDS rounds (default 4) and CW_CHAOS_SECONDS (default 60) of wall time; the random
# kills come from CW_CHAOS_SEED (default: the process id, printed, so a failing round can be replayed).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C # one sort order for sort, comm and the database's ids
rounds=${CW_CHAOS_ROUNDS:-4} budget=${CW_CHAOS_SECONDS:-60} seed=${CW_CHAOS_SEED:-$$}
RANDOM=$seed
echo "chaos: up to $rounds rounds in $budget s, seed $seed (CW_CHAOS_SEED=$seed replays it)"
month=2026-03
start=$(date +%s)

"$CW" gen --out "$TMP/data" --months 2026-02..$month --lines 8000 --seed 11 --quiet || { fail "gen"; finish; }
"$CW" db init --db "$URL" --quiet >/dev/null || fail "db init"
"$CW" load --quiet --data "$TMP/data" --db "$URL" || fail "the first load"
"$CW" run --quiet --data "$TMP/data" --month $month --out "$TMP/ref" --no-report || { fail "the reference run"; finish; }
cut -d, -f1 "$TMP/ref/$month/findings.csv" | tail -n +2 | sort > "$TMP/ref.ids"
nref=$(wc -l < "$TMP/ref.ids")
[ "$nref" -gt 10 ] && pass "the reference run found $nref findings" || fail "the reference run found $nref findings"
lines_of_month=$(awk -F, -v m="$month" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "service_time") c = i; next }
                                        substr($c, 1, 7) == m { n++ } END { print n + 0 }' "$TMP/data/claim_lines.csv")
mapfile -t ids < "$TMP/ref.ids"
ROOT="$TMP/root" DBROOT="$TMP/dbroot"
"$CW" run --quiet --data "$TMP/data" --month $month --out "$ROOT" --no-report || fail "the first run into ROOT"
"$CW" run --quiet --db "$URL" --month $month --out "$DBROOT" --no-report || fail "the first run from the database"

# launch NAME MS COMMAND...: starts a command in the background, its output in $TMP/r/NAME.out and its
# exit status in $TMP/r/NAME.rc (137 when killed); with probability 1/2 it is killed (SIGKILL) after 0 to
# MS milliseconds (a short MS for quick commands, so that some die while they write).
launch() {
  local name="$1" max="$2"; shift 2
  ( "$@" >"$TMP/r/$name.out" 2>&1; echo $? > "$TMP/r/$name.rc" ) 2>/dev/null & # no "Killed" notices
  local pid=$!
  pids+=("$pid")
  if [ $((RANDOM % 2)) = 0 ]; then
    local ms=$((RANDOM % max))
    ( sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"; pkill -KILL -P "$pid" 2>/dev/null ) &
    killers+=("$!")
  fi
}

# whole_csv FILE: an empty file, or one that ends with a line break. whole_json FILE: it parses.
whole_csv() { [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }
whole_json() { python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1" 2>/dev/null; }

# check_visible: every file under ROOT (and the exports) whose name does not start with a dot is whole.
check_visible() {
  local f bad=0
  while IFS= read -r f; do
    case "$f" in
      *.csv) whole_csv "$f" || { fail "round $r: $f is cut short"; bad=1; } ;;
      *.json) whole_json "$f" || { fail "round $r: $f does not parse"; bad=1; } ;;
    esac
  done < <(find "$ROOT" "$DBROOT" "$TMP/exports" -path '*/.*' -prune -o -type f -print 2>/dev/null)
  local m
  for m in "$ROOT/$month" "$DBROOT/$month"; do
    [ -d "$m" ] || continue
    for f in findings.csv evidence.csv ranking.csv sanctions.csv indicators.csv metrics.csv rejects.csv summary.json; do
      [ -f "$m/$f" ] || { fail "round $r: $m lacks $f"; bad=1; }
    done
  done
  [ "$bad" = 0 ] && pass "round $r: every visible file is whole"
}

# check_findings DIR RC: the month folder's findings are the reference's, or some of them; all of them
# when its run (exit code RC) succeeded this round.
check_findings() {
  [ -f "$1/$month/findings.csv" ] || return 0
  cut -d, -f1 "$1/$month/findings.csv" | tail -n +2 | sort > "$TMP/got.ids"
  local extra
  extra=$(comm -23 "$TMP/got.ids" "$TMP/ref.ids" | head -3)
  [ -z "$extra" ] && pass "round $r: $(basename "$1")'s findings are all the reference's" \
    || fail "round $r: $(basename "$1") has findings the data does not hold: $extra"
  if [ "$2" = 0 ]; then
    cmp -s "$TMP/got.ids" "$TMP/ref.ids" && pass "round $r: $(basename "$1"): its run succeeded with the reference's findings" \
      || fail "round $r: $(basename "$1"): its run succeeded without the reference's findings"
  fi
}

mkdir -p "$TMP/exports"
r=0
declare -a acked=()
while [ "$r" -lt "$rounds" ] && [ $(( $(date +%s) - start )) -lt "$budget" ]; do
  r=$((r + 1))
  rm -rf "$TMP/r"; mkdir -p "$TMP/r"
  pids=() killers=()
  launch load 3000 "$CW" load --quiet --data "$TMP/data" --db "$URL"
  launch rundb 3000 "$CW" run --quiet --db "$URL" --month $month --out "$DBROOT" --no-report --load-wait 30
  launch runcsv 2000 "$CW" run --quiet --data "$TMP/data" --month $month --out "$ROOT"
  for i in 1 2 3; do
    status=confirmed; [ $((RANDOM % 2)) = 0 ] && status=dismissed
    launch "review$i" 400 "$CW" review --root "$ROOT" --finding "${ids[$((RANDOM % nref))]}" --status $status \
      --note "round $r decision $i" --by chaos
  done
  launch export 500 "$CW" export --root "$ROOT" --month $month --out "$TMP/exports/month.json"
  launch table 500 "$CW" export --root "$ROOT" --month $month --table findings --out "$TMP/exports/findings.csv"
  launch blacklist 500 "$CW" blacklist --root "$ROOT" --cycle 2026-H1 --min-level 1 --out "$TMP/exports/blacklist.csv"
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  for k in "${killers[@]}"; do kill "$k" 2>/dev/null; wait "$k" 2>/dev/null; done
  killed=$(cat "$TMP"/r/*.rc | grep -c '^137$')
  echo "round $r: $killed of ${#pids[@]} processes killed; exit codes: $(for f in "$TMP"/r/*.rc; do
    printf '%s=%s ' "$(basename "$f" .rc)" "$(cat "$f")"; done)"
  for f in "$TMP"/r/*.rc; do # a failure that is not a kill must say why in one line
    rc=$(cat "$f"); [ "$rc" = 0 ] || [ "$rc" = 137 ] || sed "s/^/    $(basename "$f" .rc): /" "${f%.rc}.out"
  done

  # nothing acknowledged lost
  for i in 1 2 3; do
    [ "$(cat "$TMP/r/review$i.rc" 2>/dev/null)" = 0 ] && acked+=("round $r decision $i")
  done
  lost=0
  for note in "${acked[@]}"; do grep -qF "$note" "$ROOT/reviews.csv" || { fail "round $r: '$note' was acknowledged and lost"; lost=1; }; done
  [ "$lost" = 0 ] && pass "round $r: all ${#acked[@]} acknowledged decisions are in reviews.csv"
  ls "$ROOT"/reviews.csv.damaged-* >/dev/null 2>&1 && fail "round $r: reviews.csv had a damaged end" \
    || pass "round $r: reviews.csv has no damaged end"
  for f in "$TMP"/r/*.out; do
    grep -q "AddressSanitizer\|runtime error:" "$f" && { fail "round $r: $(basename "$f" .out) crashed"; sed 's/^/    /' "$f" >&2; }
  done
  loaded=$(q "select count(*) from claim_lines where service_time >= '$month-01' and service_time < '$month-01'::date + interval '1 month'")
  [ "$loaded" = "$lines_of_month" ] && pass "round $r: the database holds the month's $lines_of_month lines" \
    || fail "round $r: the database holds $loaded lines of the month, not $lines_of_month"
  dangling=$(q "select count(*) from exam_results e where not exists (select 1 from claim_lines c where c.line_id = e.line_id)")
  [ "$dangling" = 0 ] && pass "round $r: no exam result points at a missing line" || fail "round $r: $dangling dangling exam results"
  check_visible
  check_findings "$ROOT" "$(cat "$TMP/r/runcsv.rc")"
  check_findings "$DBROOT" "$(cat "$TMP/r/rundb.rc")"
  indb=$(q "select count(*) from claimwatch.findings")
  [ "$indb" = "$nref" ] && pass "round $r: the database holds the reference's $nref findings" \
    || fail "round $r: the database holds $indb findings, not the reference's $nref"
done
[ "$r" -ge 2 ] && pass "$r rounds in $(( $(date +%s) - start )) s" || fail "only $r round(s) in the time given"

# The end: a load and a run that nobody kills; ROOT and the database agree, and equal the reference.
expect_exit 0 "a last load" -- "$CW" load --quiet --data "$TMP/data" --db "$URL"
expect_exit 0 "a last run from the database" -- "$CW" run --quiet --db "$URL" --month $month --out "$DBROOT" --no-report
cut -d, -f1 "$DBROOT/$month/findings.csv" | tail -n +2 | sort > "$TMP/db.ids"
q "select finding_id from claimwatch.findings" | sort > "$TMP/dbtable.ids"
cmp -s "$TMP/db.ids" "$TMP/dbtable.ids" && pass "ROOT and the database hold the same findings" \
  || fail "ROOT and the database disagree"
cmp -s "$TMP/db.ids" "$TMP/ref.ids" && pass "the findings are the reference's $nref" || fail "the findings differ from the reference"
finish
