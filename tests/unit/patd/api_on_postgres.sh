#!/usr/bin/env bash
# Runs a black-box suite (tests/patd/api_test.py, audit_test.py) against a
# patd whose every command uses the PostgreSQL database of with_postgres.sh:
#   with_postgres.sh api_on_postgres.sh TEST_PY BUILD_DIR [MIN_ACCOUNTS]
# Exit 77 (skipped) when patd or python3 is missing.
set -euo pipefail
api_test=${1:?usage: api_on_postgres.sh API_TEST_PY BUILD_DIR}
build=${2:?usage: api_on_postgres.sh API_TEST_PY BUILD_DIR}
min_accounts=${3:-10}
[ -x "$build/patd" ] || { echo "api_on_postgres: $build/patd not built; skipping" >&2; exit 77; }
command -v python3 >/dev/null || { echo "api_on_postgres: no python3; skipping" >&2; exit 77; }
: "${PATD_TEST_POSTGRES_URL:?run me under with_postgres.sh}"

wrap=$(mktemp -d /tmp/patd-pg-api.XXXXXX)
trap 'rm -rf "$wrap"' EXIT
# A patd that adds --database to every command (serve and the user CLI).
cat >"$wrap/patd" <<EOS
#!/bin/sh
exec "$(cd "$build" && pwd)/patd" "\$@" --database "$PATD_TEST_POSTGRES_URL"
EOS
chmod +x "$wrap/patd"
python3 "$api_test" "$wrap"
# Proof the suite really ran on PostgreSQL: its accounts are in there.
if command -v psql >/dev/null; then
  n=$(psql "$PATD_TEST_POSTGRES_URL" -tAc "SELECT COUNT(*) FROM accounts")
  echo "api_on_postgres: $n accounts in PostgreSQL"
  if [ "$(basename "$api_test")" = audit_test.py ]; then
    e=$(psql "$PATD_TEST_POSTGRES_URL" -tAc "SELECT COUNT(*) FROM audit_events")
    echo "api_on_postgres: $e audit events in PostgreSQL"
    [ "$e" -gt 10 ] || { echo "api_on_postgres: expected the audit events in PostgreSQL" >&2; exit 1; }
  fi
  [ "$n" -gt "$min_accounts" ] || { echo "api_on_postgres: expected the suite's accounts in PostgreSQL" >&2; exit 1; }
fi
