-- +goose Up
-- The audit log becomes tamper-evident and append-only for real (docs/security.md):
--
-- 1. It moves into its own schema `audit`, so that the owner of schema public (the database
--    owner, which the application connects as) cannot DROP it.
-- 2. The database chains the rows: a BEFORE INSERT trigger takes the chain head row FOR UPDATE
--    (so appends are serialised), gives the row the next id and the current time, and sets
--        hash = sha256(prev_hash || canonical row)
--    where the canonical row is the jsonb text of [id, at (UTC, microseconds), actor, action,
--    object, detail, rows]. Whatever the client sends as id, at, prev_hash or hash is ignored.
-- 3. conoscenza_seal_audit() (installed by scripts/setup.sh as superuser) hands schema `audit`
--    and everything in it to the NOLOGIN role conoscenza_audit and leaves the database owner
--    USAGE, SELECT and INSERT on audit_log only. Without it the migration fails: run
--    scripts/setup.sh. Tests that must tamper with the log set conoscenza.unsealed_audit = on.

CREATE SCHEMA audit;
ALTER TABLE public.audit_log SET SCHEMA audit;
ALTER FUNCTION public.audit_log_append_only() SET SCHEMA audit;

-- The id is given by the chain trigger while it holds the chain head, so that id order is
-- chain order even when two appends race.
ALTER TABLE audit.audit_log ALTER COLUMN id DROP DEFAULT;
CREATE INDEX audit_log_actor ON audit.audit_log (actor, at);
CREATE INDEX audit_log_action ON audit.audit_log (action, at);

CREATE TABLE audit.chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id   bigint NOT NULL DEFAULT 0,
    last_hash text   NOT NULL
);

-- Rows written before the chain existed (none are expected) are chained once, in id order.
-- +goose StatementBegin
DO $$
DECLARE
    r    record;
    prev text := repeat('0', 64);
    last bigint := 0;
BEGIN
    ALTER TABLE audit.audit_log DISABLE TRIGGER audit_log_no_update;
    FOR r IN SELECT * FROM audit.audit_log ORDER BY id LOOP
        UPDATE audit.audit_log SET prev_hash = prev,
            hash = encode(sha256(convert_to(prev || jsonb_build_array(r.id,
                to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                r.actor, r.action, r.object, r.detail, r.rows)::text, 'UTF8')), 'hex')
        WHERE id = r.id
        RETURNING hash INTO prev;
        last := r.id;
    END LOOP;
    ALTER TABLE audit.audit_log ENABLE TRIGGER audit_log_no_update;
    INSERT INTO audit.chain_head (last_id, last_hash) VALUES (last, prev);
    PERFORM setval(pg_get_serial_sequence('audit.audit_log', 'id'), greatest(last, 1), last > 0);
END
$$;
-- +goose StatementEnd

-- SECURITY DEFINER: the appending role needs no privilege on the chain head; once sealed the
-- function belongs to conoscenza_audit, which the appending role cannot become.
-- +goose StatementBegin
CREATE FUNCTION audit.audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    prev text;
BEGIN
    SELECT last_hash INTO STRICT prev FROM audit.chain_head FOR UPDATE;
    NEW.id := nextval(pg_get_serial_sequence('audit.audit_log', 'id')::regclass);
    NEW.at := clock_timestamp();
    NEW.prev_hash := prev;
    NEW.hash := encode(sha256(convert_to(prev || jsonb_build_array(NEW.id,
        to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        NEW.actor, NEW.action, NEW.object, NEW.detail, NEW.rows)::text, 'UTF8')), 'hex');
    UPDATE audit.chain_head SET last_id = NEW.id, last_hash = NEW.hash;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit.audit_log
    FOR EACH ROW EXECUTE FUNCTION audit.audit_log_chain();

-- The chain head is as append-only as the log for everyone but the chain trigger.
CREATE TRIGGER chain_head_no_delete BEFORE DELETE OR TRUNCATE ON audit.chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit.audit_log_append_only();

-- +goose StatementBegin
DO $$
BEGIN
    IF current_setting('conoscenza.unsealed_audit', true) = 'on' THEN
        RAISE NOTICE 'audit log left unsealed (conoscenza.unsealed_audit = on): tests only';
    ELSIF to_regprocedure('public.conoscenza_seal_audit()') IS NULL THEN
        RAISE EXCEPTION 'public.conoscenza_seal_audit() is missing: run scripts/setup.sh as root (it creates the role conoscenza_audit that owns the audit log), then migrate again';
    ELSE
        PERFORM public.conoscenza_seal_audit();
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Once sealed, only a superuser can give the audit log back: this Down applies to an unsealed
-- (test) database only.
ALTER FUNCTION audit.audit_log_append_only() SET SCHEMA public;
DROP TRIGGER audit_log_chain ON audit.audit_log;
DROP FUNCTION audit.audit_log_chain();
ALTER TABLE audit.audit_log SET SCHEMA public;
ALTER TABLE public.audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq');
DROP INDEX IF EXISTS audit_log_actor, audit_log_action;
DROP SCHEMA audit CASCADE;
