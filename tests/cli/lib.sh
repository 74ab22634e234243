# lib.sh: helpers for the command-line tests. Sourced with $1 = the claimwatch binary, $2 = the source tree.
set -u
CW="$1"
SRC="$2"
TMP=$(mktemp -d /tmp/cwcli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# expect_exit CODE DESCRIPTION -- command...: runs the command, stdout+stderr to $TMP/out.
expect_exit() {
  local want="$1" what="$2"; shift 3
  "$@" >"$TMP/out" 2>&1
  local got=$?
  if [ "$got" = "$want" ]; then pass "$what (exit $got)"; else fail "$what: exit $got, wanted $want"; sed 's/^/    /' "$TMP/out" >&2; fi
}

# expect_output PATTERN DESCRIPTION: the last command's output matches the extended regex.
expect_output() {
  if grep -Eq -- "$1" "$TMP/out"; then pass "$2"; else fail "$2: output lacks /$1/"; sed 's/^/    /' "$TMP/out" >&2; fi
}

# copy_mini DIR: the hand-written mini month (tests/data/mini) into DIR.
copy_mini() { mkdir -p "$1" && cp "$SRC"/tests/data/mini/*.csv "$1"/; }

# skip REASON: this build or machine cannot run the test. Exit 77 is SKIP_RETURN_CODE in
# tests/CMakeLists.txt: CTest lists the test as skipped, never as passed.
skip() { echo "SKIP: $*"; exit 77; }

finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
  echo "all passed"
}
