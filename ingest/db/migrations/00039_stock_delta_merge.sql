-- +goose Up
-- A month's changes to the stock aggregate (migration 00037), cheaper:
--
-- * They are applied to the groups and their roll-ups with one MERGE each instead of an UPDATE
--   of the groups that exist, an INSERT of those that do not (a second lookup of every key)
--   and a DELETE of the emptied ones (a scan of every group: 300,000 for a million companies).
-- * refresh_aggregates_diff takes them from the loader's comparison table (ingest_diff: each
--   new, changed or departed company with its new values and, under h_ names, its previous
--   ones) instead of looking every changed company up again in imprese_dati and
--   imprese_versioni (two index probes per company, 0.3-0.8 s for 38,000 of them).
--
-- refresh_aggregates_delta (an array of codes looked up again) is dropped: its only caller, the
-- loader, now calls refresh_aggregates_diff, which builds the temp table agg_stock_delta and
-- hands it to agg_stock_apply_delta.

-- agg_stock_delta_usable says whether the aggregate is the snapshot before p_as_of, so that
-- p_as_of's changes may be applied to it.
-- +goose StatementBegin
CREATE FUNCTION agg_stock_delta_usable(p_as_of date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT prev.as_of IS NOT NULL AND (SELECT as_of FROM agg_stock_data) IS NOT DISTINCT FROM prev.as_of
        AND EXISTS (SELECT 1 FROM agg_stock_gruppi)
    FROM (SELECT max(as_of) AS as_of FROM register_snapshots WHERE as_of < p_as_of) prev
$$;
-- +goose StatementEnd

-- agg_stock_apply_delta applies the temp table agg_stock_delta (the changes' groups: the stock
-- groups' columns, n and chiave) to the groups and the roll-ups, dates the aggregate p_as_of,
-- and checks that it counts p_companies companies with no negative group; otherwise it
-- recounts everything (refresh_aggregates) and returns false.
-- +goose StatementBegin
CREATE FUNCTION agg_stock_apply_delta(p_as_of date, p_companies bigint, p_started timestamptz)
RETURNS boolean LANGUAGE plpgsql SET enable_sort = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    total numeric;
    neg   boolean;
    q     text;
BEGIN
    ANALYZE agg_stock_delta;
    MERGE INTO agg_stock_gruppi g USING agg_stock_delta d ON g.chiave = d.chiave
    WHEN MATCHED AND g.n + d.n = 0 THEN DELETE
    WHEN MATCHED THEN UPDATE SET n = g.n + d.n
    WHEN NOT MATCHED THEN INSERT (quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana,
        stato, addetti, comune, dt_cessazione, n, chiave)
        VALUES (d.quartiere, d.zona, d.sezione_ateco, d.classe_forma, d.femminile, d.giovanile, d.straniera, d.artigiana,
        d.stato, d.addetti, d.comune, d.dt_cessazione, d.n, d.chiave);

    DROP TABLE IF EXISTS agg_cuboidi_delta;
    q := agg_stock_cuboidi_select('agg_stock_delta');
    IF q IS NOT NULL THEN
        EXECUTE 'CREATE TEMP TABLE agg_cuboidi_delta ON COMMIT DROP AS SELECT * FROM (' || q || ') c WHERE n <> 0';
        ANALYZE agg_cuboidi_delta;
        MERGE INTO agg_stock_cuboidi_gruppi g USING agg_cuboidi_delta d ON g.chiave = d.chiave
        WHEN MATCHED AND g.n + d.n = 0 THEN DELETE
        WHEN MATCHED THEN UPDATE SET n = g.n + d.n
        WHEN NOT MATCHED THEN INSERT (cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
            straniera, artigiana, stato, addetti, comune, dt_cessazione, n, chiave)
            VALUES (d.cuboide, d.quartiere, d.zona, d.sezione_ateco, d.classe_forma, d.femminile, d.giovanile,
            d.straniera, d.artigiana, d.stato, d.addetti, d.comune, d.dt_cessazione, d.n, d.chiave);
    END IF;
    UPDATE agg_stock_data SET as_of = p_as_of;
    DROP TABLE IF EXISTS agg_stock_delta, agg_cuboidi_delta;

    SELECT sum(n), bool_or(n < 0) INTO total, neg FROM agg_stock_gruppi;
    IF total IS DISTINCT FROM p_companies OR neg THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    PERFORM agg_stock_counts(p_started);
    RETURN true;
END
$$;
-- +goose StatementEnd

-- The loader no longer calls it (refresh_aggregates_diff below); nothing else does.
DROP FUNCTION refresh_aggregates_delta(date, text[], bigint);

-- refresh_aggregates_diff applies the snapshot p_as_of (already merged) from p_diff, a relation
-- with the loader's comparison columns: line (NULL for a company that left) and the new values
-- under the register's names, h_cf (NULL for a new company) and the previous values under h_
-- names. The new values are those the merge wrote into imprese_dati, the previous ones those of
-- the versions it closed: the same groups 00037's refresh_aggregates_delta read back.
-- +goose StatementBegin
CREATE FUNCTION refresh_aggregates_diff(p_as_of date, p_diff regclass, p_companies bigint)
RETURNS boolean LANGUAGE plpgsql SET enable_sort = off AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    IF NOT agg_stock_delta_usable(p_as_of) THEN
        PERFORM refresh_aggregates();
        RETURN false;
    END IF;
    DROP TABLE IF EXISTS agg_stock_delta;
    EXECUTE format($q$
    CREATE TEMP TABLE agg_stock_delta ON COMMIT DROP AS
    SELECT d.quartiere, d.zona, d.sezione_ateco::char(1) AS sezione_ateco, d.classe_forma, d.femminile, d.giovanile,
        d.straniera, d.artigiana, d.stato, d.addetti, d.comune, d.dt_cessazione, d.n,
        agg_stock_chiave(0, d.quartiere, d.zona, d.sezione_ateco, d.classe_forma, d.femminile, d.giovanile,
        d.straniera, d.artigiana, d.stato, d.addetti, d.comune, d.dt_cessazione IS NULL) AS chiave
    FROM (
        SELECT quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato, addetti,
               comune, dt_cessazione, sum(n)::bigint AS n
        FROM (
            SELECT s.quartiere, s.zona, s.sezione_ateco::char(1)::text AS sezione_ateco, s.classe_forma, s.femminile,
                   s.giovanile, s.straniera, s.artigiana, s.stato, agg_addetti(s.addetti) AS addetti, s.comune,
                   CASE WHEN s.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END AS dt_cessazione, 1 AS n
            FROM %1$s s WHERE s.line IS NOT NULL
            UNION ALL
            SELECT s.h_quartiere, s.h_zona, s.h_sezione_ateco::text, s.h_classe_forma, s.h_femminile,
                   s.h_giovanile, s.h_straniera, s.h_artigiana, s.h_stato, agg_addetti(s.h_addetti), s.h_comune,
                   CASE WHEN s.h_dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, -1
            FROM %1$s s WHERE s.h_cf IS NOT NULL
        ) c
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
        HAVING sum(n) <> 0
    ) d$q$, p_diff);
    RETURN agg_stock_apply_delta(p_as_of, p_companies, t0);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION refresh_aggregates_diff(date, regclass, bigint);
DROP FUNCTION agg_stock_apply_delta(date, bigint, timestamptz);
DROP FUNCTION agg_stock_delta_usable(date);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates_delta(p_as_of date, p_changed text[], p_companies bigint)
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
