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

layers=(util io dataset source store pg engine detectors detect judge report run tools serve cli)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

# The layer of each public header.
declare -A public=(
  [types.h]=util [error.h]=util [common.h]=util [progress.h]=util
  [dataset.h]=dataset
  [source.h]=source [pg.h]=pg
  [rules.h]=engine [dxcoding.h]=engine [stats.h]=engine [findings.h]=engine [metrics.h]=engine [detector.h]=engine
  [scan.h]=engine [indicators.h]=engine
  [score.h]=judge [sanction.h]=judge [review.h]=judge
  [run.h]=run [claimwatch.h]=run
)

# layer_of PATH: sets $layer to the layer of a source file (by its folder), "?" when none; no subshell, as
# it runs for every include.
layer_of() {
  case "$1" in
    src/*/*) layer="${1#src/}"; layer="${layer%%/*}" ;;
    detectors/*) layer=detectors ;;
    tools/*) layer=tools ;;
    cli/*) layer=cli ;;
    include/claimwatch/*) layer="${public[${1##*/}]:-?}" ;;
    *) layer="?" ;;
  esac
}

mapfile -t files < <(git ls-files 'src/*.[ch]' 'detectors/*.[ch]' 'tools/*.[ch]' 'cli/*.[ch]' \
                       'include/claimwatch/*.h' 2>/dev/null || find src detectors tools cli include -name '*.[ch]')
status=0
for f in "${files[@]}"; do
  layer_of "$f"
  [ "$layer" = "?" ] && { echo "$f: not in a known layer (add its folder to tests/layout/test_layering.sh)"; status=1; }
done
# every include of every file, in one grep: FILE:LINE:#include "..."
while IFS=: read -r f line inc; do
  layer_of "$f"; from=$layer
  [ "$from" = "?" ] && continue
  inc="${inc#*\"}"; inc="${inc%%\"*}"
  case "$inc" in
    claimwatch/*) to="${public[${inc#claimwatch/}]:-?}" ;;
    */*) to="${inc%%/*}"; [ -d "tools/$to" ] && to=tools; [ -n "${rank[$to]:-}" ] || to="?" ;;
    *) if [ -f "${f%/*}/$inc" ]; then to="$from"; else to="?"; fi ;;
  esac
  if [ "$to" = "?" ]; then
    echo "$f:$line: includes \"$inc\", which belongs to no known layer"; status=1
  elif [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
    echo "$f:$line: layer '$from' includes \"$inc\" of the higher layer '$to'"; status=1
  fi
done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${files[@]}" || true)
[ "$status" = 0 ] && echo "layering: ${#files[@]} files, every include goes to the same or a lower layer (${layers[*]})"
exit "$status"
