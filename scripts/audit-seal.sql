-- conoscenza_seal_audit(): hands schema `audit` to the audit owner role (see scripts/setup.sh).
-- A template: __AUDIT_ROLE__ and __OWNER_ROLE__ are replaced by setup.sh and docker-initdb.sh.
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
  -- Objects first, the schema last: once __AUDIT_ROLE__ owns the schema nothing new can appear in it.
  FOR obj IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'audit'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
    EXECUTE format('ALTER TABLE audit.%I OWNER TO __AUDIT_ROLE__', obj.relname);
    EXECUTE format('GRANT SELECT ON audit.%I TO %I', obj.relname, owner_role);
  END LOOP;
  FOR obj IN SELECT p.oid::regprocedure AS sig FROM pg_proc p WHERE p.pronamespace = 'audit'::regnamespace LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO __AUDIT_ROLE__', obj.sig);
  END LOOP;
  ALTER SCHEMA audit OWNER TO __AUDIT_ROLE__;
  EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', owner_role);
  IF to_regclass('audit.audit_log') IS NOT NULL THEN
    EXECUTE format('GRANT INSERT ON audit.audit_log TO %I', owner_role);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION public.conoscenza_seal_audit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.conoscenza_seal_audit() TO __OWNER_ROLE__;
