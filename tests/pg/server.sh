#!/usr/bin/env bash
# server.sh: a throwaway PostgreSQL server for the database tests and the benchmark.
#
#   tests/pg/server.sh start STATE_DIR [--bench]   initdb into a temporary folder, start on a free port
#                                                  of 127.0.0.1 with a socket folder of its own, and
#                                                  write STATE_DIR/env (PGHOST, PGPORT, PGUSER,
#                                                  PGPASSFILE, PGDATABASE) and STATE_DIR/pgpass
#   tests/pg/server.sh stop STATE_DIR              stop it and remove every file it made
#
# Password authentication over TCP (scram-sha-256) with a random password kept in the pgpass file
# only, so the tests exercise .pgpass and can check that no password is ever printed. As root the
# server runs as the `postgres` user through runuser (initdb refuses root). Durability settings are
# off (fsync, full_page_writes): this server holds nothing worth keeping. --bench gives it more
# memory for the 10-million-line benchmark, and wal_level=minimal (no replication: a COPY into a table
# created or truncated in the same transaction, as `claimwatch load` stages the claim lines and fills
# empty tables, then writes no WAL; docs/postgresql.md, "Server settings for bulk loads").
set -euo pipefail

usage() { echo "usage: $0 start|stop STATE_DIR [--bench]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd="$1" state="$2" bench=0
[ "${3:-}" = "--bench" ] && bench=1

pgbin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
  echo "server.sh: PostgreSQL server binaries not found: install the Debian package 'postgresql'" \
       "(scripts/setup.sh --tests does)" >&2
  exit 1
}

# as_owner CMD...: runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

start() {
  local bin tmp pw port tries=0
  bin=$(pgbin)
  mkdir -p "$state"
  if [ -f "$state/env" ]; then stop; fi
  tmp=$(mktemp -d /tmp/cwpg.XXXXXX)
  echo "$tmp" > "$state/tmpdir"
  chmod 755 "$tmp"
  mkdir -p "$tmp/sock"
  pw=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$pw" > "$tmp/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres "$tmp"
  as_owner "$bin/initdb" -D "$tmp/data" -U postgres --pwfile="$tmp/pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 -N >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; exit 1; }
  rm -f "$tmp/pwfile"
  local opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp/sock -c fsync=off"
  opts+=" -c full_page_writes=off -c synchronous_commit=off -c max_wal_size=2GB -c checkpoint_timeout=30min"
  if [ "$bench" = 1 ]; then
    opts+=" -c shared_buffers=2GB -c work_mem=512MB -c maintenance_work_mem=2GB -c max_parallel_workers_per_gather=2"
    opts+=" -c wal_level=minimal -c max_wal_senders=0"
  fi
  while :; do
    port=$((20000 + RANDOM % 40000))
    tries=$((tries + 1))
    port_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -o "$opts -c port=$port" -w -t 60 start \
         >/dev/null 2>&1; then
      break
    fi
    [ "$tries" -lt 5 ] || { echo "server.sh: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 1; }
  done
  umask 077
  printf '127.0.0.1:%s:*:postgres:%s\n' "$port" "$pw" > "$state/pgpass"
  printf '%s\n' "$pw" > "$state/password"
  cat > "$state/env" <<ENV
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
export PGPASSFILE=$state/pgpass
CW_PG_BIN=$bin
CW_PG_SOCKET=$tmp/sock
ENV
  echo "PostgreSQL on 127.0.0.1:$port (data in $tmp)"
}

stop() {
  [ -f "$state/tmpdir" ] || return 0
  local tmp bin
  tmp=$(cat "$state/tmpdir")
  bin=$(pgbin)
  if [ -d "$tmp/data" ]; then
    as_owner "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$tmp" in /tmp/cwpg.*) rm -rf "$tmp" ;; esac
  rm -f "$state/env" "$state/pgpass" "$state/password" "$state/tmpdir"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
