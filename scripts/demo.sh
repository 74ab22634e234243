#!/usr/bin/env bash
# demo.sh: sets up, builds, generates six months of demo data with known schemes, runs claimwatch on
# them month by month and says where the results are.
#
#   scripts/demo.sh [--scale N] [--seed N] [--lang zh|en]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=1 seed=2026 lang=zh
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --lang) lang="$2"; shift ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup.sh
cw=build/claimwatch
data=demo-data out=out/demo
echo "generating demo data (scale $scale, seed $seed) into $data/ ..."
"$cw" gen --out "$data" --months 2026-01..2026-06 --scale "$scale" --seed "$seed" --quiet
echo "running 2026-01..2026-06 into $out/ ..."
"$cw" run --data "$data" --rules "$data/rules.json" --months 2026-01..2026-06 --out "$out" --lang "$lang"
echo
"$cw" eval --truth "$data/truth.json" --run "$out/2026-06"
echo
echo "results: $PWD/$out/2026-MM/ (findings.csv, ranking.csv, sanctions.csv, summary.json)"
echo "         for an insurer: inst_assessment.csv, dept_assessment.csv, inst_sanctions.csv, budget.csv"
[ -f "$out/2026-06/report/index.html" ] && echo "report:  $PWD/$out/2026-06/report/index.html"
