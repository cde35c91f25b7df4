-- +goose Up
-- The stock aggregate (agg_imprese_stock, migration 00031) and its roll-ups (agg_stock_cuboidi,
-- 00032) follow a new register snapshot from the snapshot's changes instead of a full recount:
-- one less for every version the snapshot closed (changed companies and those that left), one
-- more for every version it opened (changed and new companies), applied in place to the groups
-- they touch. A month changes a few percent of the companies: tens of thousands of rows are read
-- instead of a million, and only the groups that changed are written.
--
-- For that the snapshot's date leaves the rows: the groups live in agg_stock_gruppi and
-- agg_stock_cuboidi_gruppi, the date in the one row of agg_stock_data, and agg_imprese_stock and
-- agg_stock_cuboidi become views with exactly their former columns (readers are unchanged).
-- Each group carries a key (agg_stock_chiave: its cuboid and its values, NULL told apart from
-- any value), unique, by which the changes find it.
--
-- refresh_aggregates() (the full recount: first snapshot, street register) reads imprese_dati
-- directly (the latest snapshot's companies: last_as_of NULL or that date, as the view imprese
-- defines them) instead of joining the view to the date: same rows, 3.6 → 1.4 s for a million
-- companies. The roll-ups are built in one pass (GROUPING SETS) instead of one per cuboid.
-- Sorting is off for these functions (hash aggregates; right after a bulk load a misestimate once
-- chose to sort a million rows on 13 keys: 9.8 s). The loader used to set it.

-- +goose StatementBegin
CREATE FUNCTION agg_stock_chiave(cuboide integer, quartiere text, zona text, sezione_ateco text, classe_forma text,
    femminile text, giovanile text, straniera text, artigiana boolean, stato text, addetti integer, comune text,
    cessata boolean) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cuboide::text || ',' || quote_nullable(quartiere) || ',' || quote_nullable(zona) || ',' ||
        quote_nullable(sezione_ateco) || ',' || quote_nullable(classe_forma) || ',' || quote_nullable(femminile) || ',' ||
        quote_nullable(giovanile) || ',' || quote_nullable(straniera) || ',' || quote_nullable(artigiana::text) || ',' ||
        quote_nullable(stato) || ',' || quote_nullable(addetti::text) || ',' || quote_nullable(comune) || ',' ||
        quote_nullable(cessata::text)
$$;
-- +goose StatementEnd

CREATE TABLE agg_stock_data (as_of date NOT NULL);
INSERT INTO agg_stock_data SELECT max(as_of) FROM agg_imprese_stock HAVING max(as_of) IS NOT NULL;

ALTER TABLE agg_imprese_stock RENAME TO agg_stock_gruppi;
DROP INDEX agg_imprese_stock_as_of;
ALTER TABLE agg_stock_gruppi DROP COLUMN as_of, ADD COLUMN chiave text;
UPDATE agg_stock_gruppi SET chiave = agg_stock_chiave(0, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
    straniera, artigiana, stato, addetti, comune, dt_cessazione IS NULL);
ALTER TABLE agg_stock_gruppi ALTER COLUMN chiave SET NOT NULL;
CREATE UNIQUE INDEX agg_stock_gruppi_chiave ON agg_stock_gruppi (chiave);
-- Room on each page, so that a month's changes update groups without touching the index (HOT).
ALTER TABLE agg_stock_gruppi SET (fillfactor = 70);
CREATE VIEW agg_imprese_stock AS
    SELECT d.as_of, g.quartiere, g.zona, g.sezione_ateco, g.classe_forma, g.femminile, g.giovanile, g.straniera,
           g.artigiana, g.stato, g.addetti, g.comune, g.dt_cessazione, g.n
    FROM agg_stock_gruppi g CROSS JOIN agg_stock_data d;

ALTER TABLE agg_stock_cuboidi RENAME TO agg_stock_cuboidi_gruppi;
DROP INDEX agg_stock_cuboidi_key;
ALTER TABLE agg_stock_cuboidi_gruppi DROP COLUMN as_of, ADD COLUMN chiave text;
UPDATE agg_stock_cuboidi_gruppi SET chiave = agg_stock_chiave(cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile,
    giovanile, straniera, artigiana, stato, addetti, comune, dt_cessazione IS NULL);
ALTER TABLE agg_stock_cuboidi_gruppi ALTER COLUMN chiave SET NOT NULL;
CREATE UNIQUE INDEX agg_stock_cuboidi_gruppi_chiave ON agg_stock_cuboidi_gruppi (chiave);
CREATE INDEX agg_stock_cuboidi_gruppi_cuboide ON agg_stock_cuboidi_gruppi (cuboide);
ALTER TABLE agg_stock_cuboidi_gruppi SET (fillfactor = 70);
CREATE VIEW agg_stock_cuboidi AS
    SELECT g.cuboide, d.as_of, g.quartiere, g.zona, g.sezione_ateco, g.classe_forma, g.femminile, g.giovanile, g.straniera,
           g.artigiana, g.stato, g.addetti, g.comune, g.dt_cessazione, g.n
    FROM agg_stock_cuboidi_gruppi g CROSS JOIN agg_stock_data d;

-- agg_stock_cuboidi_select is the SELECT of every roll-up's rows (cuboide, the columns, n, chiave)
-- from a relation with the stock groups' columns, in one pass (GROUPING SETS). GROUPING() over
-- all the columns is a bit mask of those a row is not grouped by (the first column the most
-- significant bit): it says which cuboid the row belongs to.
-- +goose StatementBegin
CREATE FUNCTION agg_stock_cuboidi_select(source text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    cols  text[] := ARRAY['quartiere', 'zona', 'sezione_ateco', 'classe_forma', 'femminile', 'giovanile', 'straniera',
                          'artigiana', 'stato', 'addetti', 'comune', 'dt_cessazione'];
    keep  text;
    sets  text;
    cases text;
    dup   boolean;
BEGIN
    SELECT string_agg(format('%I', c), ', ') INTO keep FROM unnest(cols) c;
    SELECT string_agg(format('(%s)', (SELECT string_agg(format('%I', d), ', ') FROM unnest(c.dims) d)), ', ' ORDER BY c.cuboide),
           string_agg(format('WHEN %s THEN %s', m.mask, c.cuboide), ' ' ORDER BY c.cuboide),
           count(*) <> count(DISTINCT m.mask)
    INTO sets, cases, dup
    FROM agg_cuboidi c
    CROSS JOIN LATERAL (SELECT COALESCE(sum(1 << (array_length(cols, 1) - u.i)::integer), 0) AS mask
                        FROM unnest(cols) WITH ORDINALITY u(col, i) WHERE u.col <> ALL (c.dims)) m
    WHERE c.tabella = 'agg_stock_cuboidi';
    IF dup THEN
        RAISE EXCEPTION 'agg_cuboidi: two stock cuboids with the same dimensions';
    END IF;
    IF sets IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN format('SELECT r.*, agg_stock_chiave(r.cuboide, r.quartiere, r.zona, r.sezione_ateco, r.classe_forma, r.femminile,
            r.giovanile, r.straniera, r.artigiana, r.stato, r.addetti, r.comune, r.dt_cessazione IS NULL) AS chiave
        FROM (SELECT CASE GROUPING(%1$s) %2$s END AS cuboide, %1$s, sum(n)::bigint AS n FROM %4$s GROUP BY GROUPING SETS (%3$s)) r',
        keep, cases, sets, source);
END
$$;
-- +goose StatementEnd

-- agg_stock_counts records the roll-ups' sizes and the aggregate's date (as refresh_agg_stock did).
-- +goose StatementBegin
CREATE FUNCTION agg_stock_counts(t0 timestamptz) RETURNS void LANGUAGE sql AS $$
    UPDATE agg_cuboidi u SET righe = COALESCE((SELECT count(*) FROM agg_stock_cuboidi_gruppi s WHERE s.cuboide = u.cuboide), 0)
    WHERE tabella = 'agg_stock_cuboidi';
    UPDATE agg_stato SET as_of = (SELECT as_of FROM agg_stock_data),
        righe = (SELECT count(*) FROM agg_stock_cuboidi_gruppi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_stock_cuboidi';
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_stock() RETURNS void LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    q  text := agg_stock_cuboidi_select('agg_stock_gruppi');
    t0 timestamptz := clock_timestamp();
BEGIN
    -- Emptied and refilled, then its key index built once (inserting a key at a time into it
    -- took longer than the aggregate).
    DELETE FROM agg_stock_cuboidi_gruppi;
    DROP INDEX agg_stock_cuboidi_gruppi_chiave;
    IF q IS NOT NULL THEN
        EXECUTE 'INSERT INTO agg_stock_cuboidi_gruppi (cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
            straniera, artigiana, stato, addetti, comune, dt_cessazione, n, chiave) ' || q;
    END IF;
    CREATE UNIQUE INDEX agg_stock_cuboidi_gruppi_chiave ON agg_stock_cuboidi_gruppi (chiave);
    PERFORM agg_stock_counts(t0);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates() RETURNS void LANGUAGE plpgsql SET enable_sort = off AS $$
BEGIN
    DELETE FROM agg_stock_gruppi;
    DROP INDEX agg_stock_gruppi_chiave;
    INSERT INTO agg_stock_gruppi (quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana,
        stato, addetti, comune, dt_cessazione, n, chiave)
    SELECT g.*, agg_stock_chiave(0, g.quartiere, g.zona, g.sezione_ateco, g.classe_forma, g.femminile, g.giovanile,
        g.straniera, g.artigiana, g.stato, g.addetti, g.comune, g.dt_cessazione IS NULL)
    FROM (SELECT i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile, i.straniera, i.artigiana, i.stato,
                 agg_addetti(i.addetti) AS addetti,
                 i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END AS dt_cessazione,
                 count(*) AS n
          FROM imprese_dati i
          WHERE i.last_as_of IS NULL OR i.last_as_of = (SELECT max(as_of) FROM register_snapshots)
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) g;
    CREATE UNIQUE INDEX agg_stock_gruppi_chiave ON agg_stock_gruppi (chiave);
    DELETE FROM agg_stock_data;
    INSERT INTO agg_stock_data SELECT max(as_of) FROM register_snapshots HAVING max(as_of) IS NOT NULL;
    PERFORM refresh_agg_stock();
END
$$;
-- +goose StatementEnd

-- refresh_aggregates_delta applies the snapshot p_as_of (already merged) to the aggregates of
-- the previous one. p_changed: the codici fiscali the snapshot changed (new, changed, gone);
-- p_companies: the snapshot's companies. Falls back to refresh_aggregates() — and returns false
-- — when the aggregates are not the previous snapshot's, or when the result does not count
-- p_companies companies or has a negative group (one pass over the groups). The changes are a
-- few percent of the groups: each finds its group through the key's index (the planner, costing
-- random reads, preferred hashing every group: 0.5 s instead of ~0.1 s for 40,000 changes).
-- +goose StatementBegin
CREATE FUNCTION refresh_aggregates_delta(p_as_of date, p_changed text[], p_companies bigint)
RETURNS boolean LANGUAGE plpgsql SET enable_sort = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    prev  date;
    total numeric;
    neg   boolean;
    q     text;
    t0    timestamptz := clock_timestamp();
BEGIN
    SELECT max(as_of) INTO prev FROM register_snapshots WHERE as_of < p_as_of;
    IF prev IS NULL OR (SELECT as_of FROM agg_stock_data) IS DISTINCT FROM prev
       OR NOT EXISTS (SELECT 1 FROM agg_stock_gruppi) THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    DROP TABLE IF EXISTS agg_stock_delta, agg_cuboidi_delta;
    CREATE TEMP TABLE agg_stock_delta ON COMMIT DROP AS
    SELECT d.*, agg_stock_chiave(0, d.quartiere, d.zona, d.sezione_ateco, d.classe_forma, d.femminile, d.giovanile,
        d.straniera, d.artigiana, d.stato, d.addetti, d.comune, d.dt_cessazione IS NULL) AS chiave
    FROM (
        SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato, addetti,
               comune, dt_cessazione, sum(n)::bigint AS n
        FROM (
            SELECT i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile, i.straniera,
                   i.artigiana, i.stato,
                   agg_addetti(i.addetti) AS addetti,
                   i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END AS dt_cessazione, 1 AS n
            FROM imprese_dati i
            WHERE i.codice_fiscale = ANY (p_changed) AND (i.last_as_of IS NULL OR i.last_as_of = p_as_of)
            UNION ALL
            SELECT v.quartiere, v.zona, v.sezione_ateco, v.classe_forma, v.femminile, v.giovanile, v.straniera,
                   v.artigiana, v.stato,
                   agg_addetti(v.addetti),
                   v.comune, CASE WHEN v.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, -1
            FROM imprese_versioni v
            WHERE v.codice_fiscale = ANY (p_changed) AND v.valid_to = p_as_of
        ) c
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
        HAVING sum(n) <> 0
    ) d;
    ANALYZE agg_stock_delta;

    UPDATE agg_stock_gruppi g SET n = g.n + d.n FROM agg_stock_delta d WHERE g.chiave = d.chiave;
    INSERT INTO agg_stock_gruppi (quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana,
        stato, addetti, comune, dt_cessazione, n, chiave)
    SELECT * FROM agg_stock_delta d WHERE NOT EXISTS (SELECT 1 FROM agg_stock_gruppi g WHERE g.chiave = d.chiave);
    DELETE FROM agg_stock_gruppi WHERE n = 0;

    q := agg_stock_cuboidi_select('agg_stock_delta');
    IF q IS NOT NULL THEN
        EXECUTE 'CREATE TEMP TABLE agg_cuboidi_delta ON COMMIT DROP AS SELECT * FROM (' || q || ') c WHERE n <> 0';
        ANALYZE agg_cuboidi_delta;
        UPDATE agg_stock_cuboidi_gruppi g SET n = g.n + d.n FROM agg_cuboidi_delta d WHERE g.chiave = d.chiave;
        INSERT INTO agg_stock_cuboidi_gruppi (cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
            straniera, artigiana, stato, addetti, comune, dt_cessazione, n, chiave)
        SELECT * FROM agg_cuboidi_delta d WHERE NOT EXISTS (SELECT 1 FROM agg_stock_cuboidi_gruppi g WHERE g.chiave = d.chiave);
        DELETE FROM agg_stock_cuboidi_gruppi WHERE n = 0;
    END IF;
    UPDATE agg_stock_data SET as_of = p_as_of;
    DROP TABLE IF EXISTS agg_stock_delta, agg_cuboidi_delta;

    SELECT sum(n), bool_or(n < 0) INTO total, neg FROM agg_stock_gruppi;
    IF total IS DISTINCT FROM p_companies OR neg THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    PERFORM agg_stock_counts(t0);
    RETURN true;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_imprese_stock, agg_stock_cuboidi TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS refresh_aggregates_delta(date, text[], bigint), agg_stock_counts(timestamptz), agg_stock_cuboidi_select(text);
DROP VIEW agg_imprese_stock, agg_stock_cuboidi;
ALTER TABLE agg_stock_gruppi RENAME TO agg_imprese_stock;
ALTER TABLE agg_imprese_stock ADD COLUMN as_of date;
UPDATE agg_imprese_stock SET as_of = (SELECT as_of FROM agg_stock_data);
ALTER TABLE agg_imprese_stock DROP COLUMN chiave;
DELETE FROM agg_imprese_stock WHERE as_of IS NULL;
ALTER TABLE agg_imprese_stock ALTER COLUMN as_of SET NOT NULL;
CREATE INDEX agg_imprese_stock_as_of ON agg_imprese_stock (as_of);
ALTER TABLE agg_stock_cuboidi_gruppi RENAME TO agg_stock_cuboidi;
ALTER TABLE agg_stock_cuboidi ADD COLUMN as_of date;
UPDATE agg_stock_cuboidi SET as_of = (SELECT as_of FROM agg_stock_data);
ALTER TABLE agg_stock_cuboidi DROP COLUMN chiave;
DELETE FROM agg_stock_cuboidi WHERE as_of IS NULL;
ALTER TABLE agg_stock_cuboidi ALTER COLUMN as_of SET NOT NULL;
CREATE INDEX agg_stock_cuboidi_key ON agg_stock_cuboidi (cuboide, as_of);
DROP TABLE agg_stock_data;
DROP FUNCTION agg_stock_chiave(integer, text, text, text, text, text, text, text, boolean, text, integer, text, boolean);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_stock() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c record;
    keep text;
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_stock_cuboidi;
    FOR c IN SELECT * FROM agg_cuboidi WHERE tabella = 'agg_stock_cuboidi' ORDER BY cuboide LOOP
        SELECT string_agg(format('%I', d), ', ') INTO keep FROM unnest(c.dims) d;
        EXECUTE format('INSERT INTO agg_stock_cuboidi (cuboide, as_of, %s, n) SELECT %s, as_of, %s, sum(n) FROM agg_imprese_stock GROUP BY as_of, %s',
            keep, c.cuboide, keep, keep);
    END LOOP;
    UPDATE agg_cuboidi u SET righe = COALESCE((SELECT count(*) FROM agg_stock_cuboidi s WHERE s.cuboide = u.cuboide), 0)
    WHERE tabella = 'agg_stock_cuboidi';
    UPDATE agg_stato SET as_of = (SELECT max(as_of) FROM agg_imprese_stock),
        righe = (SELECT count(*) FROM agg_stock_cuboidi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_stock_cuboidi';
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM agg_imprese_stock;
    INSERT INTO agg_imprese_stock
    SELECT s.as_of, i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile,
           i.straniera, i.artigiana, i.stato,
           CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END,
           i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
    FROM imprese i JOIN (SELECT max(as_of) AS as_of FROM register_snapshots) s ON i.last_as_of = s.as_of
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
    PERFORM refresh_agg_stock();
END
$$;
-- +goose StatementEnd
