#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster (unix socket in a temp dir, no TCP)
# and runs the given command with PATD_TEST_POSTGRES_URL pointing at it.
# Exit 77 (skipped) when no PostgreSQL server binaries are installed.
#   with_postgres.sh COMMAND [ARGS...]
set -euo pipefail

bindir=""
for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done
if [ -z "$bindir" ]; then
  echo "with_postgres: no PostgreSQL server binaries (initdb, pg_ctl); skipping" >&2
  exit 77
fi

tmp=$(mktemp -d /tmp/patd-pg.XXXXXX)
chmod 755 "$tmp"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  if ! id postgres >/dev/null 2>&1; then
    echo "with_postgres: running as root without a postgres user; skipping" >&2
    rm -rf "$tmp"; exit 77
  fi
  chown postgres "$tmp"
  as_owner=(runuser -u postgres --)
fi
cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$tmp/data" -U patd --auth=trust -E UTF8 >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 30 \
  -o "-c listen_addresses='' -k $tmp -p 5432 -c fsync=off" start >/dev/null ||
  { cat "$tmp/server.log" >&2; exit 1; }

export PATD_TEST_POSTGRES_URL="postgresql:///postgres?host=$tmp&port=5432&user=patd"
# `$PATD_TEST_POSTGRES_CTL stop|start` takes the server away and brings it back
# (outage tests: /healthz while the database is unreachable).
cat >"$tmp/pgctl" <<EOS
#!/bin/sh
case "\$1" in
  stop) exec ${as_owner[*]} "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop ;;
  start) exec ${as_owner[*]} "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 30 \\
    -o "-c listen_addresses='' -k $tmp -p 5432 -c fsync=off" start ;;
  *) echo "usage: pgctl stop|start" >&2; exit 2 ;;
esac
EOS
chmod 755 "$tmp/pgctl"
export PATD_TEST_POSTGRES_CTL="$tmp/pgctl"
timeout 240 "$@"
