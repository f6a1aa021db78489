#!/usr/bin/env bash
# Makes sure the local PostgreSQL (127.0.0.1:5432, trust auth) answers, starting the Debian
# cluster if it is installed but stopped. The benchmark's reference must never be set up by hand.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL is not installed: apt-get install postgresql postgresql-contrib (pgbench)" >&2
  exit 1
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
echo "starting PostgreSQL $version" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 100); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 0.1
done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
