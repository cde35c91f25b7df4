-- Run once by the PostgreSQL image on a new volume: the extension and the read-only role that
-- scripts/setup.sh creates on a plain Debian machine.
CREATE EXTENSION IF NOT EXISTS vector;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
    CREATE ROLE conoscenza_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD 'conoscenza_ro';
  END IF;
END
$$;
ALTER ROLE conoscenza_ro SET default_transaction_read_only = on;
ALTER ROLE conoscenza_ro SET statement_timeout = '10s';
