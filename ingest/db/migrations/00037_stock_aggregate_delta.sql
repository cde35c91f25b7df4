-- +goose Up
-- The stock aggregate (agg_imprese_stock, migration 00031) is brought to a new snapshot from
-- the snapshot's changes instead of a full recount: the previous aggregate, less one for every
-- version the snapshot closed (changed companies and those that left), plus one for every
-- version it opened (changed and new companies). A month changes a few percent of the
-- companies, so this reads tens of thousands of rows instead of a million.
--
-- refresh_aggregates() now reads imprese_dati directly (the companies of the latest snapshot:
-- last_as_of NULL or that snapshot's date, as the view imprese defines them) instead of joining
-- the view to the snapshot's date: same rows, measured 3.6 s → 1.4 s for a million companies.
-- Sorting is off for the function (a hash aggregate of ~60,000 groups; right after a bulk load a
-- misestimate once chose to sort a million rows on 13 keys: 9.8 s). The loader used to set it.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates() RETURNS void LANGUAGE plpgsql SET enable_sort = off AS $$
BEGIN
    DELETE FROM agg_imprese_stock;
    INSERT INTO agg_imprese_stock
    SELECT (SELECT max(as_of) FROM register_snapshots), i.quartiere, i.zona, i.sezione_ateco, i.classe_forma,
           i.femminile, i.giovanile, i.straniera, i.artigiana, i.stato,
           CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END,
           i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
    FROM imprese_dati i
    WHERE i.last_as_of IS NULL OR i.last_as_of = (SELECT max(as_of) FROM register_snapshots)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
    PERFORM refresh_agg_stock();
END
$$;
-- +goose StatementEnd

-- refresh_aggregates_delta applies the snapshot p_as_of (already merged) to the aggregate of
-- the previous one. p_changed: the codici fiscali the snapshot changed (new, changed, gone);
-- p_companies: the snapshot's companies. Falls back to refresh_aggregates() — and returns false
-- — when the aggregate is not the previous snapshot's, or when the result does not count
-- p_companies companies (a check that costs one sum over the aggregate).
-- +goose StatementBegin
CREATE FUNCTION refresh_aggregates_delta(p_as_of date, p_changed text[], p_companies bigint)
RETURNS boolean LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    prev  date;
    total numeric;
BEGIN
    SELECT max(as_of) INTO prev FROM register_snapshots WHERE as_of < p_as_of;
    IF prev IS NULL OR NOT EXISTS (SELECT 1 FROM agg_imprese_stock)
       OR EXISTS (SELECT 1 FROM agg_imprese_stock WHERE as_of IS DISTINCT FROM prev) THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    WITH delta AS (
        SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
               addetti, comune, dt_cessazione, n
        FROM agg_imprese_stock
        UNION ALL
        SELECT i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile, i.straniera,
               i.artigiana, i.stato,
               CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                    WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END,
               i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, 1
        FROM imprese_dati i
        WHERE i.codice_fiscale = ANY (p_changed) AND (i.last_as_of IS NULL OR i.last_as_of = p_as_of)
        UNION ALL
        SELECT v.quartiere, v.zona, v.sezione_ateco, v.classe_forma, v.femminile, v.giovanile, v.straniera,
               v.artigiana, v.stato,
               CASE WHEN v.addetti IS NULL THEN NULL WHEN v.addetti = 0 THEN 0 WHEN v.addetti < 10 THEN 1
                    WHEN v.addetti < 50 THEN 10 WHEN v.addetti < 250 THEN 50 ELSE 250 END,
               v.comune, CASE WHEN v.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, -1
        FROM imprese_versioni v
        WHERE v.codice_fiscale = ANY (p_changed) AND v.valid_to = p_as_of
    ), nuovo AS (
        SELECT p_as_of AS as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera,
               artigiana, stato, addetti, comune, dt_cessazione, sum(n)::bigint AS n
        FROM delta
        GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        HAVING sum(n) <> 0
    ), svuota AS (
        DELETE FROM agg_imprese_stock
    )
    INSERT INTO agg_imprese_stock SELECT * FROM nuovo;
    SELECT sum(n) INTO total FROM agg_imprese_stock;
    IF total IS DISTINCT FROM p_companies OR EXISTS (SELECT 1 FROM agg_imprese_stock WHERE n < 0) THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    PERFORM refresh_agg_stock();
    RETURN true;
END
$$;
-- +goose StatementEnd

-- refresh_agg_stock: the roll-ups of the stock aggregate (migration 00032) in one pass over it,
-- with GROUPING SETS, instead of one pass per cuboid (measured 2.3 s → 1.5 s for 300,000 groups).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_stock() RETURNS void LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    cols  text[] := ARRAY['quartiere', 'zona', 'sezione_ateco', 'classe_forma', 'femminile', 'giovanile', 'straniera',
                          'artigiana', 'stato', 'addetti', 'comune', 'dt_cessazione'];
    keep  text;
    sets  text;
    cases text;
    dup   boolean;
    t0    timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_stock_cuboidi;
    SELECT string_agg(format('%I', c), ', ') INTO keep FROM unnest(cols) c;
    -- GROUPING(all columns) is a bit mask of the columns a row is NOT grouped by (first column
    -- the most significant bit): it says which cuboid the row belongs to.
    SELECT string_agg(format('(as_of, %s)', (SELECT string_agg(format('%I', d), ', ') FROM unnest(c.dims) d)), ', ' ORDER BY c.cuboide),
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
    IF sets IS NOT NULL THEN
        EXECUTE format('INSERT INTO agg_stock_cuboidi (cuboide, as_of, %1$s, n)
            SELECT CASE GROUPING(%1$s) %2$s END, as_of, %1$s, sum(n) FROM agg_imprese_stock GROUP BY GROUPING SETS (%3$s)',
            keep, cases, sets);
    END IF;
    UPDATE agg_cuboidi u SET righe = COALESCE((SELECT count(*) FROM agg_stock_cuboidi s WHERE s.cuboide = u.cuboide), 0)
    WHERE tabella = 'agg_stock_cuboidi';
    UPDATE agg_stato SET as_of = (SELECT max(as_of) FROM agg_imprese_stock),
        righe = (SELECT count(*) FROM agg_stock_cuboidi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_stock_cuboidi';
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS refresh_aggregates_delta(date, text[], bigint);
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
