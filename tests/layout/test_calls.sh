#!/usr/bin/env bash
# test_calls.sh: the layers call down, never up. Where test_layering.sh reads the includes, this reads
# the built objects: every symbol an object of layer L uses (nm -u) that the project defines must be
# defined by an object of L or of a lower layer. A declaration put in a lower header for a function
# of a higher layer passes the include check and fails this one.
#
#   tests/layout/test_calls.sh BUILD_DIR
set -euo pipefail
build="$1"
layers=(util io dataset source store pg engine detectors detect judge report run tools serve cli)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

# layer_of OBJECT: the layer of an object file, by the source path inside CMakeFiles/<target>.dir/.
layer_of() {
  local p="${1#*.dir/}"
  case "$p" in
    src/*/*) p="${p#src/}"; echo "${p%%/*}" ;;
    detectors/*|*/detectors/*) echo detectors ;;
    generated/resources.c.o) echo util ;;       # the files compiled in (cmake/embed.cmake)
    generated/*) echo detect ;;                  # the table of built-in detectors (cmake/detectors.cmake)
    tools/*) echo tools ;;
    cli/*) echo cli ;;
    *) echo "?" ;;
  esac
}

mapfile -t objects < <(find "$build/CMakeFiles" -path '*claimwatch_engine.dir/*.o' -o -path '*claimwatch_tools.dir/*.o' -o -path '*claimwatch_serve.dir/*.o' \
                        -o -path '*CMakeFiles/claimwatch.dir/*.o' | sort)
[ ${#objects[@]} -gt 0 ] || { echo "no objects under $build/CMakeFiles: build first"; exit 1; }
# One line per object and layer rank, then nm's lines of every object (defined: "D obj sym"; used: "U obj sym").
{
  for o in "${objects[@]}"; do
    l=$(layer_of "$o")
    [ "$l" = "?" ] && { echo "ERROR $o"; continue; }
    echo "L $o ${rank[$l]} $l"
  done
  nm -A --defined-only -g "${objects[@]}" | awk '{ split($1, a, ":"); print "D", a[1], $3 }'
  nm -A -u "${objects[@]}" | awk '{ split($1, a, ":"); print "U", a[1], $NF }'
} | awk -v build="$build/CMakeFiles/" '
  $1 == "ERROR" { print $2 ": not in a known layer"; bad = 1; next }
  $1 == "L" { rank[$2] = $3; name[$3] = $4; n++; next }
  $1 == "D" { def[$3] = rank[$2]; next }
  $1 == "U" && ($3 in def) && def[$3] > rank[$2] {
    o = $2; sub(build, "", o)
    print o ": layer \x27" name[rank[$2]] "\x27 calls " $3 " of the higher layer \x27" name[def[$3]] "\x27"; bad = 1
  }
  END {
    if (!bad) print "calls: " n " objects, every call goes to the same or a lower layer"
    exit bad
  }'
