-- +goose Up
-- Each company is written once (docs/ingest.md, "Performance"). Until now the current state
-- (`imprese`) and every version (`imprese_storia`) were two tables, so a first snapshot wrote
-- a million companies twice and built a primary key on each copy. Now:
--   imprese_dati      the current state, plus the start, fingerprint and batch of its current
--                     version (valid_from, row_hash, versione_batch_id; NULL batch = batch_id);
--   imprese_versioni  the closed versions only (valid_to NOT NULL);
--   imprese           view: imprese_dati with exactly the columns `imprese` had;
--   imprese_storia    view: the closed versions ∪ the current rows of the companies in the
--                     latest snapshot, with exactly the columns `imprese_storia` had.
-- Readers keep reading `imprese` and `imprese_storia`. The register load writes the tables;
-- INSERT and COPY into the views (test fixtures) go through INSTEAD OF triggers.
ALTER TABLE imprese RENAME TO imprese_dati;
ALTER TABLE imprese_dati ADD COLUMN valid_from date, ADD COLUMN row_hash text, ADD COLUMN versione_batch_id bigint;
ALTER TABLE imprese_storia RENAME TO imprese_versioni;

-- Existing data: the current versions of the companies of the latest snapshot move onto their
-- row of imprese_dati.
UPDATE imprese_dati d SET valid_from = v.valid_from, row_hash = v.row_hash, versione_batch_id = v.batch_id
FROM imprese_versioni v
WHERE v.valid_to IS NULL AND v.codice_fiscale = d.codice_fiscale
  AND d.last_as_of = (SELECT max(as_of) FROM register_snapshots);
DELETE FROM imprese_versioni v USING imprese_dati d
WHERE v.valid_to IS NULL AND v.codice_fiscale = d.codice_fiscale AND v.valid_from = d.valid_from
  AND d.last_as_of = (SELECT max(as_of) FROM register_snapshots);

CREATE VIEW imprese AS
    SELECT codice_fiscale, provincia, rea, denominazione, forma_giuridica, forma_desc, classe_forma,
           dt_iscrizione, dt_inizio, dt_cessazione, stato, comune, indirizzo, cap, ateco,
           sezione_ateco, divisione_ateco, addetti, femminile, giovanile, straniera, artigiana,
           quartiere, zona, area_statistica, first_as_of, last_as_of, batch_id
    FROM imprese_dati;

CREATE VIEW imprese_storia AS
    SELECT codice_fiscale, valid_from, valid_to, row_hash, provincia, rea, denominazione,
           forma_giuridica, forma_desc, classe_forma, dt_iscrizione, dt_inizio, dt_cessazione, stato,
           comune, indirizzo, cap, ateco, sezione_ateco, divisione_ateco, addetti, femminile,
           giovanile, straniera, artigiana, quartiere, zona, area_statistica, batch_id
    FROM imprese_versioni
    UNION ALL
    SELECT codice_fiscale, coalesce(valid_from, first_as_of), NULL::date, coalesce(row_hash, ''), provincia,
           rea, denominazione, forma_giuridica, forma_desc, classe_forma, dt_iscrizione, dt_inizio,
           dt_cessazione, stato, comune, indirizzo, cap, ateco, sezione_ateco, divisione_ateco,
           addetti, femminile, giovanile, straniera, artigiana, quartiere, zona, area_statistica,
           coalesce(versione_batch_id, batch_id)
    FROM imprese_dati
    WHERE last_as_of = (SELECT max(as_of) FROM register_snapshots);

-- The tables' defaults, for INSERTs through the views that leave columns out.
ALTER VIEW imprese ALTER COLUMN provincia SET DEFAULT '', ALTER COLUMN rea SET DEFAULT '',
    ALTER COLUMN forma_giuridica SET DEFAULT '', ALTER COLUMN forma_desc SET DEFAULT '',
    ALTER COLUMN classe_forma SET DEFAULT '', ALTER COLUMN comune SET DEFAULT '',
    ALTER COLUMN indirizzo SET DEFAULT '', ALTER COLUMN cap SET DEFAULT '', ALTER COLUMN ateco SET DEFAULT '',
    ALTER COLUMN artigiana SET DEFAULT false;
ALTER VIEW imprese_storia ALTER COLUMN provincia SET DEFAULT '', ALTER COLUMN rea SET DEFAULT '',
    ALTER COLUMN forma_giuridica SET DEFAULT '', ALTER COLUMN forma_desc SET DEFAULT '',
    ALTER COLUMN classe_forma SET DEFAULT '', ALTER COLUMN comune SET DEFAULT '',
    ALTER COLUMN indirizzo SET DEFAULT '', ALTER COLUMN cap SET DEFAULT '', ALTER COLUMN ateco SET DEFAULT '',
    ALTER COLUMN artigiana SET DEFAULT false;

-- INSERT/COPY into imprese: a row of imprese_dati (its first columns are the view's, in order).
-- UPDATE and DELETE of the simple view are automatic.
-- +goose StatementBegin
CREATE FUNCTION imprese_view_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO imprese_dati SELECT (NEW).*;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER imprese_insert INSTEAD OF INSERT ON imprese FOR EACH ROW EXECUTE FUNCTION imprese_view_insert();

-- INSERT/COPY into imprese_storia: a closed version goes to imprese_versioni; a current one
-- (valid_to NULL) is the company's row of imprese_dati, which must exist: it gets the version's
-- start, fingerprint and batch.
-- +goose StatementBegin
CREATE FUNCTION imprese_storia_view_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.valid_to IS NOT NULL THEN
        INSERT INTO imprese_versioni SELECT (NEW).*;
    ELSE
        UPDATE imprese_dati SET valid_from = NEW.valid_from, row_hash = NEW.row_hash, versione_batch_id = NEW.batch_id
        WHERE codice_fiscale = NEW.codice_fiscale;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'imprese_storia: current version of % without its row in imprese (insert it first)', NEW.codice_fiscale;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER imprese_storia_insert INSTEAD OF INSERT ON imprese_storia FOR EACH ROW EXECUTE FUNCTION imprese_storia_view_insert();

-- imprese_al returned rows of the table imprese_storia: now of the view (same columns).
DROP FUNCTION imprese_al(date);
-- +goose StatementBegin
CREATE FUNCTION imprese_al(d date) RETURNS SETOF imprese_storia LANGUAGE sql STABLE AS $$
    SELECT h.* FROM imprese_storia h, (SELECT snapshot_al(d) AS s) snap
    WHERE h.valid_from <= snap.s AND (h.valid_to IS NULL OR h.valid_to > snap.s)
$$;
-- +goose StatementEnd

-- Views created earlier follow the renamed tables: point them at the new views (on a database
-- migrated from scratch they do not exist yet, and 00030 creates them on the views).
CREATE OR REPLACE VIEW imprese_ultima_istantanea AS
    SELECT i.* FROM imprese i
    WHERE i.last_as_of = (SELECT max(as_of) FROM register_snapshots);
-- +goose StatementBegin
DO $$
BEGIN
    IF to_regclass('api.imprese') IS NOT NULL THEN
        CREATE OR REPLACE VIEW api.imprese AS
            SELECT codice_fiscale, provincia, rea, denominazione, forma_giuridica, forma_desc, classe_forma,
                   dt_iscrizione, dt_inizio, dt_cessazione, stato, comune, indirizzo, cap, ateco,
                   sezione_ateco, divisione_ateco, addetti, femminile, giovanile, straniera, artigiana,
                   quartiere, zona, area_statistica, first_as_of, last_as_of
            FROM public.imprese;
    END IF;
    IF to_regclass('api.imprese_storia') IS NOT NULL THEN
        CREATE OR REPLACE VIEW api.imprese_storia AS
            SELECT codice_fiscale, valid_from, valid_to, denominazione, forma_giuridica, classe_forma,
                   dt_iscrizione, dt_cessazione, stato, comune, indirizzo, ateco, sezione_ateco,
                   divisione_ateco, addetti, femminile, giovanile, straniera, artigiana, quartiere, zona,
                   area_statistica
            FROM public.imprese_storia;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON imprese, imprese_storia, imprese_ultima_istantanea TO conoscenza_ro;
        GRANT EXECUTE ON FUNCTION imprese_al(date) TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION imprese_al(date);
DROP VIEW IF EXISTS api.imprese_storia, api.imprese, imprese_ultima_istantanea;
DROP VIEW imprese_storia, imprese;
DROP FUNCTION imprese_view_insert(), imprese_storia_view_insert();
ALTER TABLE imprese_versioni RENAME TO imprese_storia;
INSERT INTO imprese_storia
SELECT codice_fiscale, coalesce(valid_from, first_as_of), NULL, coalesce(row_hash, ''), provincia, rea,
       denominazione, forma_giuridica, forma_desc, classe_forma, dt_iscrizione, dt_inizio, dt_cessazione,
       stato, comune, indirizzo, cap, ateco, sezione_ateco, divisione_ateco, addetti, femminile, giovanile,
       straniera, artigiana, quartiere, zona, area_statistica, coalesce(versione_batch_id, batch_id)
FROM imprese_dati WHERE last_as_of = (SELECT max(as_of) FROM register_snapshots);
ALTER TABLE imprese_dati DROP COLUMN valid_from, DROP COLUMN row_hash, DROP COLUMN versione_batch_id;
ALTER TABLE imprese_dati RENAME TO imprese;
-- +goose StatementBegin
CREATE FUNCTION imprese_al(d date) RETURNS SETOF imprese_storia LANGUAGE sql STABLE AS $$
    SELECT h.* FROM imprese_storia h, (SELECT snapshot_al(d) AS s) snap
    WHERE h.valid_from <= snap.s AND (h.valid_to IS NULL OR h.valid_to > snap.s)
$$;
-- +goose StatementEnd
CREATE VIEW imprese_ultima_istantanea AS
    SELECT i.* FROM imprese i
    WHERE i.last_as_of = (SELECT max(as_of) FROM register_snapshots);
