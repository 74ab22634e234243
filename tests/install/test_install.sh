#!/usr/bin/env bash
# test_install.sh: claimwatch is installable and embeddable (issue 12, item 4).
#
#   test_install.sh install BUILD_DIR SOURCE_DIR CC CMAKE GENERATOR [SANITIZER_FLAGS]
#       `cmake --install` of the (built) BUILD_DIR into a temporary prefix; the libraries export exactly
#       the declarations of include/claimwatch/ marked CW_EXTERN, and so does the claimwatch executable;
#       examples/embed.c built with `pkg-config --cflags --libs claimwatch` (the shared library) and with
#       --static (libclaimwatch.a, with libpq, gsl and cjson from Requires.private), and by a CMake project
#       with find_package(claimwatch), runs the sample month and writes the same files as the installed
#       `claimwatch run`; with no progress callback the library prints nothing; the example detector
#       built with `pkg-config --cflags claimwatch` alone runs as a plug-in of the installed claimwatch
#       (tests/plugin/test_example.sh).
#   test_install.sh subproject BUILD_DIR SOURCE_DIR
#       BUILD_DIR is a project that add_subdirectory()s the source tree (tests/install/consumer, configured
#       and built by plugin.compiled_in, tests/plugin/test_example.sh): it configured without claimwatch's
#       tests, and embed.c built against claimwatch::claimwatch and claimwatch::static writes the same
#       files as that build's claimwatch.
#
# SANITIZER_FLAGS: the build's -fsanitize flags, for the programs built here (an ASan library needs an
# ASan program). The sample month is ../shared/samples/contract-sample beside the source tree when there
# is one, else tests/data/mini; 2026-05 either way.
set -u
mode="$1" BUILD="$2" SRC_DIR="$3" CC="${4:-}" CMAKE="${5:-}" GEN="${6:-}" SAN="${7:-}"
case "$mode" in
  install) source "$(dirname "$0")/../cli/lib.sh" "$BUILD/claimwatch" "$SRC_DIR" ;;
  subproject) source "$(dirname "$0")/../cli/lib.sh" "$BUILD/claimwatch/claimwatch" "$SRC_DIR" ;;
  *) echo "usage: test_install.sh install|subproject ..." >&2; exit 2 ;;
esac
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff
read -r -a SAN_FLAGS <<<"$SAN"
DATA="$SRC/../shared/samples/contract-sample"
[ -f "$DATA/claim_lines.csv" ] || DATA="$SRC/tests/data/mini"
EMBED="$SRC/examples/embed.c"

# same_results NAME ROOT: ROOT/2026-05 holds the same files as the CLI's run (summary.json, which has
# timings, and the report, which has the time it was made, aside).
same_results() {
  local bad=0 f
  for f in findings evidence ranking sanctions indicators metrics rejects; do
    cmp -s "$TMP/cli/2026-05/$f.csv" "$2/2026-05/$f.csv" || { bad=1; echo "    $f.csv differs" >&2; }
  done
  [ -f "$2/2026-05/report/index.html" ] || { bad=1; echo "    no report" >&2; }
  [ "$bad" = 0 ] && pass "$1 writes the CLI's files" || fail "$1 writes other files than the CLI"
}

# run_embed NAME PROGRAM: runs it on the sample month; the same files as the CLI, and its summary.
run_embed() {
  expect_exit 0 "$1 runs the sample month" -- "$2" "$DATA" 2026-05 "$TMP/out-$1"
  expect_output "^2026-05: [0-9]+ claim lines, 0 rows rejected, $findings findings, [0-9]+ physicians scored, .*, 7 stages told$" \
    "$1 reports the findings and the seven stages"
  expect_output "^\[load\] 2026-05: loaded [0-9]+ claim lines" "$1's callback has the run's notes, with their stage"
  same_results "$1" "$TMP/out-$1"
}

cli_run() { # the reference: `claimwatch run` of CLAIMWATCH on the sample month into $TMP/cli
  expect_exit 0 "claimwatch run on the sample month ($DATA)" -- "$1" run --data "$DATA" --month 2026-05 \
    --out "$TMP/cli"
  findings=$(($(wc -l <"$TMP/cli/2026-05/findings.csv") - 1))
}

# --- an add_subdirectory() consumer ------------------------------------------------------------------------
if [ "$mode" = subproject ]; then
  cli_run "$CW"
  grep -q "^CW_TESTS:BOOL=OFF" "$BUILD/CMakeCache.txt" && pass "a subproject builds no tests of its own" ||
    fail "a subproject builds claimwatch's tests"
  run_embed subproject-shared "$BUILD/embed_shared"
  run_embed subproject-static "$BUILD/embed_static"
  finish
  exit 0
fi

# --- the install -------------------------------------------------------------------------------------------
P="$TMP/prefix"
"$CMAKE" --install "$BUILD" --prefix "$P" >"$TMP/install.log" 2>&1 &&
  pass "cmake --install into a temporary prefix" || { fail "cmake --install"; cat "$TMP/install.log" >&2; finish; }
PC=$(find "$P" -name claimwatch.pc)
LIBDIR=$(dirname "$(dirname "$PC")")
export PKG_CONFIG_PATH="$(dirname "$PC")"
for f in "$P/bin/claimwatch" "$LIBDIR/libclaimwatch.a" "$LIBDIR/libclaimwatch.so" "$P/include/claimwatch/claimwatch.h" \
         "$LIBDIR/cmake/claimwatch/claimwatchConfig.cmake" "$LIBDIR/cmake/claimwatch/claimwatchConfigVersion.cmake"; do
  [ -e "$f" ] || fail "the install lacks ${f#$P/}"
done
[ "$(ls "$P/include/claimwatch" | sort)" = "$(ls "$SRC/include/claimwatch" | sort)" ] &&
  pass "every public header is installed" || fail "the installed headers are not include/claimwatch/'s"
soname=$(objdump -p "$LIBDIR/libclaimwatch.so" | awk '$1 == "SONAME" { print $2 }')
version=$(pkg-config --modversion claimwatch)
[ "$soname" = "libclaimwatch.so.${version%%.*}" ] && [ -f "$LIBDIR/libclaimwatch.so.$version" ] &&
  pass "libclaimwatch.so.$version, SONAME $soname" || fail "SONAME '$soname' for version $version"

# The ABI: what the headers mark CW_EXTERN, no more, no less, from the library and from the executable
# that plug-ins link against at run time. A declaration without CW_EXTERN would be hidden.
sed -n 's/^CW_EXTERN([^)]*) *\(cw_[a-z0-9_]*\).*/\1/p' "$SRC"/include/claimwatch/*.h | sort -u >"$TMP/declared"
unmarked=$(grep -n '^[a-z].*\bcw_[a-z0-9_]* *(' "$SRC"/include/claimwatch/*.h | grep -Ev ':(static|typedef|CW_EXTERN|#)')
[ -z "$unmarked" ] && pass "every public declaration is marked CW_EXTERN" ||
  fail "public declarations without CW_EXTERN (hidden from the library): $unmarked"
exported() { nm -D --defined-only "$1" | awk '{ print $3 }' | sed 's/@.*//' | grep -v '^__odr_asan\.' | sort -u; }
exported "$LIBDIR/libclaimwatch.so" >"$TMP/lib-syms"
if cmp -s "$TMP/declared" "$TMP/lib-syms"; then
  pass "libclaimwatch.so exports the $(wc -l <"$TMP/declared") declarations of include/claimwatch/, nothing else"
else
  fail "libclaimwatch.so's exports differ from the headers' declarations (< declared, > exported):"
  diff "$TMP/declared" "$TMP/lib-syms" | grep '^[<>]' | head -20 >&2
fi
exported "$P/bin/claimwatch" | grep '^cw_' >"$TMP/exe-syms"
cmp -s "$TMP/declared" "$TMP/exe-syms" && pass "the claimwatch executable exports the same API to plug-ins" ||
  { fail "the executable's cw_ exports differ from the headers'"; diff "$TMP/declared" "$TMP/exe-syms" | head -20 >&2; }

# pkg-config: the shared library, then the static one with its dependencies.
cflags=$(pkg-config --cflags claimwatch) libs=$(pkg-config --libs claimwatch) static=$(pkg-config --static --libs claimwatch)
for lib in -lpq -lgsl -lcjson; do
  [[ " $static " == *" $lib "* ]] || fail "pkg-config --static --libs claimwatch lacks $lib: $static"
done
[[ " $libs " != *" -lpq "* ]] && pass "pkg-config --libs: libpq, gsl and cjson are private" ||
  fail "pkg-config --libs claimwatch lists the private dependencies: $libs"
build() { # build NAME ARGS...: embed.c into $TMP/NAME
  local name="$1"; shift
  "$CC" -std=c11 -Wall -Wextra -Werror "${SAN_FLAGS[@]}" "$EMBED" "$@" -o "$TMP/$name" 2>"$TMP/$name.log" &&
    pass "embed.c builds: $*" || { fail "embed.c does not build: $*"; cat "$TMP/$name.log" >&2; }
}
# shellcheck disable=SC2086
build embed $cflags $libs "-Wl,-rpath,$LIBDIR"
# libclaimwatch.a by name, with the --static list. Debian's libpq.pc lists for a fully static libpq the
# archives of other packages (libpgcommon and libpgport of postgresql-server-dev, gssapi_krb5, ldap) that
# a program on libpq.so does not need: a library the linker cannot find is left out, and named.
static_libs=()
for flag in $static; do
  case "$flag" in
    -lclaimwatch) static_libs+=(-l:libclaimwatch.a) ;;
    -l*) if [ "$("$CC" -print-file-name="lib${flag#-l}.so")" != "lib${flag#-l}.so" ] ||
            [ "$("$CC" -print-file-name="lib${flag#-l}.a")" != "lib${flag#-l}.a" ]; then static_libs+=("$flag")
         else echo "note: $flag (of pkg-config --static) is not on this machine: left out"; fi ;;
    *) static_libs+=("$flag") ;;
  esac
done
# shellcheck disable=SC2086
build embed-static $cflags "${static_libs[@]}"
objdump -p "$TMP/embed" | grep -q "NEEDED *$soname" && ! objdump -p "$TMP/embed-static" | grep -q "libclaimwatch" &&
  pass "embed needs $soname, embed-static does not" || fail "embed and embed-static do not link as they should"

cli_run "$P/bin/claimwatch"
run_embed embed "$TMP/embed"
run_embed embed-static "$TMP/embed-static"
"$TMP/embed" --quiet "$DATA" 2026-05 "$TMP/out-quiet" >"$TMP/out" 2>"$TMP/err"
[ $? = 0 ] && [ ! -s "$TMP/err" ] && pass "without a progress callback the library prints nothing" ||
  { fail "embed --quiet printed on stderr or failed"; cat "$TMP/err" >&2; }

# find_package(claimwatch) from the prefix.
B="$TMP/package"
"$CMAKE" -S "$SRC/tests/install/consumer" -B "$B" -G "$GEN" "-DCMAKE_PREFIX_PATH=$P" "-DEMBED_SOURCE=$EMBED" \
  "-DCMAKE_C_COMPILER=$CC" "-DCMAKE_C_FLAGS=${SAN}" >"$TMP/package.log" 2>&1 &&
  "$CMAKE" --build "$B" -j 2 >>"$TMP/package.log" 2>&1 &&
  pass "find_package(claimwatch) builds embed.c against claimwatch::claimwatch and claimwatch::static" ||
  { fail "the find_package(claimwatch) project"; tail -30 "$TMP/package.log" >&2; }
[ -x "$B/embed_shared" ] && run_embed package-shared "$B/embed_shared"
[ -x "$B/embed_static" ] && run_embed package-static "$B/embed_static"

# The example detector, built with pkg-config's flags alone, as a plug-in of the installed claimwatch.
if bash "$SRC/tests/plugin/test_example.sh" plugin "$P/bin/claimwatch" "$SRC" "$cflags" "$CC" >"$TMP/plugin.log" 2>&1; then
  pass "the example detector, built with pkg-config --cflags claimwatch, runs as a plug-in of the installed claimwatch"
else
  fail "tests/plugin/test_example.sh from the install"; cat "$TMP/plugin.log" >&2
fi
finish
