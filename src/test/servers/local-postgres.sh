#!/usr/bin/env bash
# A private PostgreSQL server for tests and local runs: its own data folder, a free port, stopped by its PID.
#   local-postgres.sh start DIR   -> prints PORT=<port> once the server accepts connections
#   local-postgres.sh stop DIR
#   local-postgres.sh restart DIR   (LOCAL_RESTART_DOWN=seconds down, default 0) -> stops it (fast shutdown: sessions are cut) and starts it on the same port and data
# Database "ledgerbridge", user "ledgerbridge", password "ledgerbridge" (local throwaway server only).
# With LOCAL_PG_TLS=1 the server takes TCP connections over TLS only (a test CA's certificate for localhost and
# 127.0.0.1; plain TCP is rejected); start then also prints CA=<ca.crt>.
set -euo pipefail
cmd=${1:?start|stop|restart}
dir=$(mkdir -p "${2:?folder}" && cd "$2" && pwd)

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ -s "$dir/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null; then
    echo "PORT=$(cat "$dir/port")"; exit 0   # already running: say where
  fi
  if [ ! -s "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir/data"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
    printf 'ledgerbridge\n' > "$dir/pwfile"; [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
    as_owner "$bindir/initdb" -D "$dir/data" -U ledgerbridge --pwfile="$dir/pwfile" -A scram-sha-256 \
      --auth-local=trust >"$dir/initdb.log" 2>&1
  fi
  tls_options=""
  if [ "${LOCAL_PG_TLS:-0}" = 1 ]; then
    bash "$(dirname "$0")/test-ca.sh" "$dir/tls"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir/tls"
    printf '%s\n' "local all all trust" "hostnossl all all all reject" \
      "hostssl all all 127.0.0.1/32 scram-sha-256" > "$dir/data/pg_hba.conf"
    tls_options="-c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key"
  fi
  # a server started before in this folder comes back on its port (clients reconnect to the same address)
  port=$(cat "$dir/port" 2>/dev/null ||
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $tls_options" >/dev/null
  as_owner "$bindir/psql" -h "$dir" -p "$port" -U ledgerbridge -d postgres -tAc \
    "select 1 from pg_database where datname='ledgerbridge'" | grep -q 1 ||
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U ledgerbridge -d postgres -qc "create database ledgerbridge"
  head -n 1 "$dir/data/postmaster.pid" > "$dir/pid"
  echo "$port" > "$dir/port"
  [ -n "$tls_options" ] && echo "CA=$dir/tls/ca.crt"
  echo "PORT=$port"
  ;;
stop)
  if [ -s "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null || {
      pid=$(cat "$dir/pid" 2>/dev/null || true); [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; }
  fi
  ;;
restart)
  bash "$0" stop "$dir"
  sleep "${LOCAL_RESTART_DOWN:-0}"   # seconds the server stays down
  bash "$0" start "$dir"
  ;;
*) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
