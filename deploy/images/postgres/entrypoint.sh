#!/bin/sh
# First start: a cluster with the role and database of POSTGRES_USER/_PASSWORD/_DB (password required, scram).
# Every start: PostgreSQL in the foreground, listening on all addresses of the container.
set -eu
bin=/usr/lib/postgresql/15/bin
data=/var/lib/postgresql/data
if [ ! -s "$data/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  user="${POSTGRES_USER:-berth}"
  db="${POSTGRES_DB:-$user}"
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$data/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >> "$data/pg_hba.conf"
  if [ "$db" != postgres ]; then # a private start on the socket only, to create the database
    "$bin/pg_ctl" -D "$data" -w -o "-c listen_addresses=''" start >/dev/null
    PGPASSWORD="$POSTGRES_PASSWORD" psql -q -h /run/postgresql -U "$user" -d postgres \
      -c "CREATE DATABASE \"$db\" OWNER \"$user\""
    "$bin/pg_ctl" -D "$data" -w stop >/dev/null
  fi
  echo "berth-postgres: created role $user and database $db"
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*'
