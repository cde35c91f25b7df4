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
for db in template1 conoscenza; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" <<'SQL'
CREATE EXTENSION IF NOT EXISTS vector;
CREATE OR REPLACE FUNCTION public.conoscenza_seal_audit() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  owner_role name;
  obj record;
BEGIN
  IF to_regnamespace('audit') IS NULL THEN
    RETURN;
  END IF;
  SELECT pg_get_userbyid(datdba) INTO owner_role FROM pg_database WHERE datname = current_database();
  FOR obj IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'audit'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
    EXECUTE format('ALTER TABLE audit.%I OWNER TO conoscenza_audit', obj.relname);
    EXECUTE format('GRANT SELECT ON audit.%I TO %I', obj.relname, owner_role);
  END LOOP;
  FOR obj IN SELECT p.oid::regprocedure AS sig FROM pg_proc p WHERE p.pronamespace = 'audit'::regnamespace LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO conoscenza_audit', obj.sig);
  END LOOP;
  ALTER SCHEMA audit OWNER TO conoscenza_audit;
  EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', owner_role);
  IF to_regclass('audit.audit_log') IS NOT NULL THEN
    EXECUTE format('GRANT INSERT ON audit.audit_log TO %I', owner_role);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION public.conoscenza_seal_audit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.conoscenza_seal_audit() TO conoscenza;
SQL
done
