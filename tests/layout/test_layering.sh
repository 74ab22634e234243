#!/usr/bin/env bash
# test_layering.sh: the source folders are layers along the data flow, and a file may include only
# headers of its own layer or of a layer below it. Fails, naming the file, the line and both layers,
# when a file includes a header of a higher layer, or a header the check does not know.
#
#   tests/layout/test_layering.sh SOURCE_DIR
#
# The order (README, "Source layout"): lower layers first. Public headers (include/claimwatch/) belong
# to the layer that implements them.
set -euo pipefail
src="${1:-$(dirname "$0")/../..}"
cd "$src"

layers=(util io dataset source pg engine detectors detect judge report run tools cli)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

# The layer of each public header.
declare -A public=(
  [types.h]=util [error.h]=util [common.h]=util [progress.h]=util
  [dataset.h]=dataset
  [source.h]=source [pg.h]=pg
  [rules.h]=engine [stats.h]=engine [findings.h]=engine [metrics.h]=engine [detector.h]=engine
  [scan.h]=engine [indicators.h]=engine
  [score.h]=judge [sanction.h]=judge [review.h]=judge
  [run.h]=run [claimwatch.h]=run
)

# layer_of PATH: the layer of a source file (by its folder).
layer_of() {
  case "$1" in
    src/*/*) local l="${1#src/}"; echo "${l%%/*}" ;;
    detectors/*) echo detectors ;;
    tools/*) echo tools ;;
    cli/*) echo cli ;;
    include/claimwatch/*) echo "${public[$(basename "$1")]:-?}" ;;
    *) echo "?" ;;
  esac
}

status=0 files=0
while IFS= read -r f; do
  files=$((files + 1))
  from=$(layer_of "$f")
  if [ "$from" = "?" ]; then
    echo "$f: not in a known layer (add its folder to tests/layout/test_layering.sh)"; status=1; continue
  fi
  while IFS=: read -r line inc; do
    inc="${inc#*\"}"; inc="${inc%%\"*}"
    case "$inc" in
      claimwatch/*) to="${public[${inc#claimwatch/}]:-?}" ;;
      */*) to="${inc%%/*}"; [ -d "tools/$to" ] && to=tools; [ -n "${rank[$to]:-}" ] || to="?" ;;
      *) if [ -f "$(dirname "$f")/$inc" ]; then to="$from"; else to="?"; fi ;;
    esac
    if [ "$to" = "?" ]; then
      echo "$f:$line: includes \"$inc\", which belongs to no known layer"; status=1
    elif [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
      echo "$f:$line: layer '$from' includes \"$inc\" of the higher layer '$to'"; status=1
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" || true)
done < <(git ls-files 'src/*.[ch]' 'detectors/*.[ch]' 'tools/*.[ch]' 'cli/*.[ch]' 'include/claimwatch/*.h' 2>/dev/null \
         || find src detectors tools cli include -name '*.[ch]')
[ "$status" = 0 ] && echo "layering: $files files, every include goes to the same or a lower layer (${layers[*]})"
exit "$status"
