#!/usr/bin/env bash
# test_errors.sh: connection strings as libpq takes them, and clear one-line errors that never show a
# password: wrong password, unreachable server, missing schema, missing table.
. "$(dirname "$0")/lib.sh"

: > "$TMP/all"
keep() { cat "$TMP/out" >> "$TMP/all"; }

# Wrong password, in a URL: one line, the reason, not the password.
expect_exit 1 "wrong password" -- "$CW" db init --db "postgresql://$PGUSER:not-$PASSWORD@$PGHOST:$PGPORT/$DB"
expect_one_line "wrong password: one line"
expect_output "password authentication failed" "wrong password: says so"
grep -qF -- "not-$PASSWORD" "$TMP/out" && fail "wrong password printed" || pass "wrong password not printed"
keep

# Unreachable server: a port where nothing listens.
expect_exit 1 "unreachable server" -- "$CW" run --db "host=127.0.0.1 port=1 dbname=x connect_timeout=3" \
  --month 2026-05 --out "$TMP/o"
expect_one_line "unreachable server: one line"
expect_output "refused|could not connect" "unreachable server: says why"
keep

# An unparsable string: one line, usage-like.
expect_exit 2 "bad connection string (a usage error)" -- "$CW" db init --db "host=127.0.0.1 password=$PASSWORD bogus"
expect_one_line "bad connection string: one line"
keep

# The password given in the string (URL and key=value): it works and is never printed or stored.
unset PGPASSFILE
expect_exit 0 "password in a URL" -- "$CW" db init --db "postgresql://$PGUSER:$PASSWORD@$PGHOST:$PGPORT/$DB"
keep
expect_exit 0 "load with the password in key=value" -- "$CW" load --data "$SRC/tests/data/mini" \
  --db "host=$PGHOST port=$PGPORT user=$PGUSER password=$PASSWORD dbname=$DB sslmode=disable"
keep
expect_exit 0 "run with the password in a URL" -- "$CW" run --db \
  "postgresql://$PGUSER:$PASSWORD@$PGHOST:$PGPORT/$DB?sslmode=disable&application_name=cwtest" \
  --month 2026-05 --out "$TMP/o"
keep
export PGPASSFILE="$STATE/pgpass"
# PG* environment variables and .pgpass alone (an empty string).
expect_exit 0 "PG* variables and .pgpass" -- env PGDATABASE="$DB" "$CW" run --quiet --db "" --month 2026-05 --out "$TMP/o"
keep

# A missing table: one line naming it and the fix.
q "drop table exam_results"
expect_exit 1 "missing table" -- "$CW" run --db "$URL" --month 2026-05 --out "$TMP/o"
expect_one_line "missing table: one line"
expect_output 'relation "exam_results" does not exist.*db init' "missing table: named, with the fix"
keep

# No claimwatch schema at all.
createdb "${DB}_empty"
expect_exit 1 "no schema" -- "$CW" run --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=${DB}_empty" \
  --month 2026-05 --out "$TMP/o"
expect_one_line "no schema: one line"
expect_output "no claimwatch schema.*db init" "no schema: says to run db init"
keep
dropdb "${DB}_empty"

expect_no_password "no password in any output" "$TMP/all"
expect_no_password "no password in any file written" "$TMP/o"
[ -z "$(q "select 1 from claimwatch.runs where source like '%$PASSWORD%' or summary::text like '%$PASSWORD%'")" ] \
  && pass "no password in claimwatch.runs" || fail "password stored in claimwatch.runs"
finish
