-- +goose Up
-- The stock aggregate (agg_imprese_stock, migration 00031) and its roll-ups (agg_stock_cuboidi,
-- 00032) are brought to a new snapshot from the snapshot's changes instead of a full recount:
-- one less for every version the snapshot closed (changed companies and those that left), one
-- more for every version it opened (changed and new companies). A month changes a few percent
-- of the companies, so this reads tens of thousands of rows instead of a million: the aggregate
-- is rewritten as the previous one plus the changes, the roll-ups are updated in place.
--
-- refresh_aggregates() now reads imprese_dati directly (the companies of the latest snapshot:
-- last_as_of NULL or that snapshot's date, as the view imprese defines them) instead of joining
-- the view to the snapshot's date: same rows, measured 3.6 s → 1.4 s for a million companies.
-- Sorting is off for these functions (hash aggregates; right after a bulk load a misestimate
-- once chose to sort a million rows on 13 keys: 9.8 s). The loader used to set it.

-- agg_stock_cuboidi_select is the SELECT of every roll-up's rows from a relation with the stock
-- aggregate's columns, in one pass (GROUPING SETS). GROUPING() over all the columns is a bit mask
-- of those a row is not grouped by (the first column the most significant bit): it says which
-- cuboid the row belongs to.
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
    IF sets IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN format('SELECT CASE GROUPING(%1$s) %2$s END AS cuboide, as_of, %1$s, sum(n) AS n FROM %4$s GROUP BY GROUPING SETS (%3$s)',
        keep, cases, sets, source);
END
$$;
-- +goose StatementEnd

-- agg_stock_counts records the roll-ups' sizes and the aggregate's date (as refresh_agg_stock did).
-- +goose StatementBegin
CREATE FUNCTION agg_stock_counts(t0 timestamptz) RETURNS void LANGUAGE sql AS $$
    UPDATE agg_cuboidi u SET righe = COALESCE((SELECT count(*) FROM agg_stock_cuboidi s WHERE s.cuboide = u.cuboide), 0)
    WHERE tabella = 'agg_stock_cuboidi';
    UPDATE agg_stato SET as_of = (SELECT max(as_of) FROM agg_imprese_stock),
        righe = (SELECT count(*) FROM agg_stock_cuboidi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_stock_cuboidi';
$$;
-- +goose StatementEnd

-- refresh_agg_stock: every roll-up in one pass over the aggregate (was one pass per cuboid:
-- 2.3 s → 1.5 s at 300,000 groups).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_stock() RETURNS void LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    q  text := agg_stock_cuboidi_select('agg_imprese_stock');
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_stock_cuboidi;
    IF q IS NOT NULL THEN
        EXECUTE 'INSERT INTO agg_stock_cuboidi (cuboide, as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
            straniera, artigiana, stato, addetti, comune, dt_cessazione, n) ' || q;
    END IF;
    PERFORM agg_stock_counts(t0);
END
$$;
-- +goose StatementEnd

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

-- refresh_aggregates_delta applies the snapshot p_as_of (already merged) to the aggregates of
-- the previous one. p_changed: the codici fiscali the snapshot changed (new, changed, gone);
-- p_companies: the snapshot's companies. Falls back to refresh_aggregates() — and returns false
-- — when the aggregate is not the previous snapshot's, or when the result does not count
-- p_companies companies or has a negative group (a check of one pass over the aggregate).
-- Roll-up groups are matched on the text of their row of keys, which tells NULL from any value
-- and is hashable (IS NOT DISTINCT FROM is not).
-- +goose StatementBegin
CREATE FUNCTION refresh_aggregates_delta(p_as_of date, p_changed text[], p_companies bigint)
RETURNS boolean LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    prev  date;
    total numeric;
    neg   boolean;
    q     text;
    k     text := '(%1$s.cuboide, %1$s.quartiere, %1$s.zona, %1$s.sezione_ateco, %1$s.classe_forma, %1$s.femminile, %1$s.giovanile,
                   %1$s.straniera, %1$s.artigiana, %1$s.stato, %1$s.addetti, %1$s.comune, %1$s.dt_cessazione)::text';
    t0    timestamptz := clock_timestamp();
BEGIN
    SELECT max(as_of) INTO prev FROM register_snapshots WHERE as_of < p_as_of;
    IF prev IS NULL OR NOT EXISTS (SELECT 1 FROM agg_imprese_stock)
       OR EXISTS (SELECT 1 FROM agg_imprese_stock WHERE as_of IS DISTINCT FROM prev)
       OR EXISTS (SELECT 1 FROM agg_stock_cuboidi WHERE as_of IS DISTINCT FROM prev) THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    DROP TABLE IF EXISTS agg_stock_delta, agg_cuboidi_delta;
    CREATE TEMP TABLE agg_stock_delta ON COMMIT DROP AS
    SELECT p_as_of AS as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana,
           stato, addetti, comune, dt_cessazione, sum(n)::bigint AS n
    FROM (
        SELECT i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile, i.straniera,
               i.artigiana, i.stato,
               CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                    WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END AS addetti,
               i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END AS dt_cessazione, 1 AS n
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
    ) d
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    HAVING sum(n) <> 0;
    ANALYZE agg_stock_delta;

    q := agg_stock_cuboidi_select('agg_stock_delta');
    IF q IS NOT NULL THEN
        EXECUTE 'CREATE TEMP TABLE agg_cuboidi_delta ON COMMIT DROP AS SELECT * FROM (' || q || ') c WHERE n <> 0';
        ANALYZE agg_cuboidi_delta;
    END IF;

    -- The aggregate itself (groups of ~1/3 of the companies at worst) is rewritten: previous
    -- groups plus the changes, summed (measured faster than updating it in place, which must
    -- rewrite the as-of date of every group anyway).
    WITH nuovo AS (
        SELECT p_as_of AS as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera,
               artigiana, stato, addetti, comune, dt_cessazione, sum(n)::bigint AS n
        FROM (SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
                     addetti, comune, dt_cessazione, n FROM agg_imprese_stock
              UNION ALL
              SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
                     addetti, comune, dt_cessazione, n FROM agg_stock_delta) u
        GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        HAVING sum(n) <> 0
    ), svuota AS (
        DELETE FROM agg_imprese_stock
    )
    INSERT INTO agg_imprese_stock (as_of, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
        straniera, artigiana, stato, addetti, comune, dt_cessazione, n)
    SELECT * FROM nuovo;
    -- The roll-ups (a few tens of thousands of groups) are updated in place, each group matched
    -- on the text of its key row (cuboid included): one hash join.
    IF q IS NOT NULL THEN
        EXECUTE format('UPDATE agg_stock_cuboidi a SET n = a.n + d.n, as_of = d.as_of FROM agg_cuboidi_delta d WHERE %s = %s',
            format(k, 'a'), format(k, 'd'));
        EXECUTE format('INSERT INTO agg_stock_cuboidi (cuboide, as_of, quartiere, zona, sezione_ateco, classe_forma, femminile,
                giovanile, straniera, artigiana, stato, addetti, comune, dt_cessazione, n)
            SELECT * FROM agg_cuboidi_delta d
            WHERE NOT EXISTS (SELECT 1 FROM agg_stock_cuboidi a WHERE %s = %s)', format(k, 'a'), format(k, 'd'));
        DELETE FROM agg_stock_cuboidi WHERE n = 0;
    END IF;
    UPDATE agg_stock_cuboidi SET as_of = p_as_of WHERE as_of <> p_as_of;
    DROP TABLE IF EXISTS agg_stock_delta, agg_cuboidi_delta;

    SELECT sum(n), bool_or(n < 0) INTO total, neg FROM agg_imprese_stock;
    IF total IS DISTINCT FROM p_companies OR neg THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    PERFORM agg_stock_counts(t0);
    RETURN true;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS refresh_aggregates_delta(date, text[], bigint), agg_stock_counts(timestamptz), agg_stock_cuboidi_select(text);
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
