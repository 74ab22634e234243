#!/usr/bin/env bash
# test_public_headers.sh: the public headers (include/claimwatch/) stand on their own. An embedder or a
# plug-in author compiles against them with nothing but the C standard library: no cJSON, GSL, libpq
# or private header of claimwatch's may leak in. Fails, naming the header and the line, when
#   - a header includes anything but a C standard header or another claimwatch/ header;
#   - a header does not compile on its own, or all of them together, with only -I include (a stub
#     <cjson/cJSON.h> that stops the compiler stands first on the include path, so a header that
#     reaches for cJSON fails even on a machine where cJSON is installed).
#
#   tests/layout/test_public_headers.sh SOURCE_DIR [CC]
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cc="${2:-cc}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The headers of the C11 standard library (ISO/IEC 9899:2011, 7.1.2).
std=" assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h math.h \
setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h \
stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h "

status=0 n=0
for h in "$src"/include/claimwatch/*.h; do
  n=$((n + 1))
  name="claimwatch/$(basename "$h")"
  while IFS=: read -r line inc; do
    target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1/' <<<"$inc")
    case "$inc" in
      *'<'*) [[ "$std" == *" $target "* ]] || { echo "$name:$line: includes <$target>, which is not a C standard header"; status=1; } ;;
      *) [[ "$target" == claimwatch/* && -f "$src/include/$target" ]] ||
           { echo "$name:$line: includes \"$target\", which is not a public header"; status=1; } ;;
    esac
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$h" || true)
done

# A stub that stops the compiler if a public header reaches for cJSON.
mkdir -p "$work/trap/cjson"
echo '#error "a public header includes cJSON"' > "$work/trap/cjson/cJSON.h"
flags=(-std=c11 -Wall -Wextra -Werror -fsyntax-only -I "$work/trap" -I "$src/include")
all="$work/all.c"
: > "$all"
for h in "$src"/include/claimwatch/*.h; do
  name="claimwatch/$(basename "$h")"
  printf '#include "%s"\n' "$name" > "$work/one.c"
  printf '#include "%s"\n' "$name" >> "$all"
  "$cc" "${flags[@]}" "$work/one.c" 2> "$work/err" || { echo "$name does not compile on its own:"; cat "$work/err"; status=1; }
done
"$cc" "${flags[@]}" "$all" 2> "$work/err" || { echo "the public headers do not compile together:"; cat "$work/err"; status=1; }
[ "$status" = 0 ] && echo "public headers: $n, each includes only the C standard library and claimwatch/, and compiles with -I include alone"
exit "$status"
