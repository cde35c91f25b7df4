#!/usr/bin/env bash
# Run once by the PostgreSQL image on a new volume, as its superuser: the same roles, database,
# extension and audit seal that scripts/setup.sh creates on a Debian machine (see there for why
# the audit log has its own owner).
set -euo pipefail
owner_pw=${CONOSCENZA_DB_PASSWORD:-conoscenza}
ro_pw=${CONOSCENZA_DB_RO_PASSWORD:-conoscenza_ro}
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE conoscenza LOGIN CREATEDB PASSWORD '${owner_pw}';
CREATE ROLE conoscenza_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '${ro_pw}';
ALTER ROLE conoscenza_ro SET default_transaction_read_only = on;
ALTER ROLE conoscenza_ro SET statement_timeout = '10s';
CREATE ROLE conoscenza_audit NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE conoscenza OWNER conoscenza;
SQL
seal_sql=$(sed -e "s/__AUDIT_ROLE__/conoscenza_audit/g" -e "s/__OWNER_ROLE__/conoscenza/g" /conoscenza/audit-seal.sql)
for db in template1 conoscenza; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" -c "CREATE EXTENSION IF NOT EXISTS vector;"
  printf '%s\n' "$seal_sql" | psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db"
done
