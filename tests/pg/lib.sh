# lib.sh: helpers for the database tests. Sourced with $1 = the claimwatch binary, $2 = the source tree,
# $3 = the state folder of the throwaway server (tests/pg/server.sh, started by the CTest fixture).
# Each test gets a database of its own, dropped at the end, so the tests can run in parallel.
. "$2/tests/cli/lib.sh"
STATE="$3"
if [ ! -f "$STATE/env" ]; then
  echo "FAIL: no database server: $STATE/env is missing (tests/pg/server.sh start did not run or failed)" >&2
  exit 1
fi
. "$STATE/env"
PATH="$CW_PG_BIN:$PATH"
PASSWORD=$(cat "$STATE/password")
DB="cw_$(basename "$0" .sh)_$$"
export CLAIMWATCH_PSEUDONYM_KEY=00112233445566778899aabbccddeeff
createdb "$DB" || { echo "FAIL: cannot create database $DB" >&2; exit 1; }
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
URL="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$DB"

# q SQL: one query's rows, unaligned, '|' between fields.
q() { psql -X -qAt -d "$DB" -v ON_ERROR_STOP=1 -c "$1"; }

# expect_one_line DESCRIPTION: the last command's output is exactly one line.
expect_one_line() {
  local n
  n=$(wc -l < "$TMP/out")
  if [ "$n" = 1 ]; then pass "$1"; else fail "$1: $n lines"; sed 's/^/    /' "$TMP/out" >&2; fi
}

# expect_no_password DESCRIPTION FILE...: the password appears in none of the files.
expect_no_password() {
  local what="$1"; shift
  if grep -rqF -- "$PASSWORD" "$@" 2>/dev/null; then fail "$what: the password was printed"; else pass "$what"; fi
}

# wait_for WHAT SQL VALUE: waits (up to 30 s) until the query gives VALUE; fails the test otherwise.
wait_for() {
  local i
  for i in $(seq 300); do
    [ "$(q "$2")" = "$3" ] && return 0
    sleep 0.1
  done
  fail "$1: never happened ($2 is not $3)"
  return 1
}
