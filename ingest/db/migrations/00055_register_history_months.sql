-- +goose Up
-- Openings and closures by true month over the whole history, along narrow sets of dimensions.
-- The monthly cube of the register (00032) keeps months one by one from its horizon (January,
-- twenty years before the snapshot) and the earlier ones in one bucket, so a flow by year,
-- quarter or month with no start or a start before the horizon ("aperture per anno") read
-- every opening of the event table: a million rows. Here every month is kept, for the
-- dimensions such series are mostly asked along: 824 rows with none, 3,300-67,000 with the
-- district, the section and division, the personal flags, the legal form, state and size
-- (148,000 in all for 1.53 million events on the benchmark database, built in 11 s at load 7;
-- wider combinations would not compress by month).
-- The compiler reads it only when no cuboid of the monthly cube answers, only while current;
-- it follows the register's loads and is rebuilt from the event table right after it.
CREATE TABLE agg_imprese_storico (LIKE agg_imprese_flussi INCLUDING DEFAULTS);
CREATE INDEX agg_imprese_storico_key ON agg_imprese_storico (cuboide, evento, mese);
INSERT INTO agg_stato (tabella, tipo) VALUES ('agg_imprese_storico', 'cubo');
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_imprese_storico', 1, '{quartiere,zona}', NULL),
    ('agg_imprese_storico', 2, '{sezione_ateco,divisione_ateco}', NULL),
    ('agg_imprese_storico', 3, '{femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_imprese_storico', 4, '{stato,comune,classe_forma,forma_giuridica,artigiana,addetti}', NULL),
    ('agg_imprese_storico', 5, '{sezione_ateco}', 2),
    ('agg_imprese_storico', 6, '{classe_forma}', 4),
    ('agg_imprese_storico', 7, '{}', 6);

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_storico() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_imprese';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_imprese') THEN
        v := refresh_agg_eventi_imprese();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_imprese');
    END IF;
    PERFORM agg_fill_cube('agg_imprese_storico', $q$
        SELECT e.evento, date_trunc('month', e.data)::date AS mese, e.quartiere, e.zona, e.area_statistica,
               e.sezione_ateco, e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma, e.femminile, e.giovanile,
               e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti, e.comune, 1::bigint AS n
        FROM agg_eventi_imprese e WHERE e.data IS NOT NULL$q$, '{n}');
    -- Growth rates read it as the monthly cube: exact only if no company closed before it was
    -- registered and every event is dated.
    UPDATE agg_stato SET as_of = snap, versione = v,
        anomalie = (SELECT anomalie FROM agg_stato WHERE tabella = 'agg_eventi_imprese')
            + (SELECT count(*) FROM agg_eventi_imprese WHERE data IS NULL)
    WHERE tabella = 'agg_imprese_storico';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_versione_di(tab text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches
    WHERE status = 'committed' AND kind <> 'docs' AND kind <> ALL (CASE
        WHEN tab IN ('agg_cig', 'agg_eventi_cig', 'agg_cig_totali') THEN ARRAY['suap', 'contributi']
        WHEN tab IN ('agg_suap', 'agg_eventi_suap', 'agg_suap_totali') THEN ARRAY['cig', 'contributi']
        WHEN tab IN ('agg_contributi', 'agg_contributi_cubo') THEN ARRAY['cig', 'suap']
        WHEN tab IN ('agg_imprese_flussi', 'agg_eventi_imprese', 'agg_stock_dettaglio', 'agg_imprese_vive', 'agg_imprese_totali',
            'agg_imprese_storico')
            THEN ARRAY['cig', 'suap', 'contributi']
        ELSE ARRAY[]::text[] END)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_stale() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT tabella FROM agg_stato
    WHERE tipo <> 'stock' AND tabella <> 'agg_contributi_cubo' AND versione IS DISTINCT FROM agg_versione_di(tabella)
    ORDER BY CASE tabella WHEN 'agg_eventi_cig' THEN 1 WHEN 'agg_eventi_suap' THEN 2 WHEN 'agg_eventi_imprese' THEN 3
        WHEN 'agg_imprese_vive' THEN 4 WHEN 'agg_cig_totali' THEN 5 WHEN 'agg_suap_totali' THEN 6
        WHEN 'agg_imprese_totali' THEN 7 WHEN 'agg_imprese_storico' THEN 8 WHEN 'agg_contributi' THEN 9
        WHEN 'agg_stock_dettaglio' THEN 10 WHEN 'agg_cig' THEN 11 WHEN 'agg_suap' THEN 12 ELSE 13 END, tabella
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg(tab text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_event_cubes')) THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM agg_stale() t WHERE t = tab) THEN
        RETURN false;
    END IF;
    CASE tab
        WHEN 'agg_eventi_imprese' THEN PERFORM refresh_agg_eventi_imprese();
        WHEN 'agg_eventi_cig' THEN PERFORM refresh_agg_eventi_cig();
        WHEN 'agg_eventi_suap' THEN PERFORM refresh_agg_eventi_suap();
        WHEN 'agg_imprese_vive' THEN PERFORM refresh_agg_imprese_vive();
        WHEN 'agg_imprese_totali', 'agg_cig_totali', 'agg_suap_totali' THEN PERFORM refresh_agg_totali(tab);
        WHEN 'agg_imprese_storico' THEN PERFORM refresh_agg_storico();
        WHEN 'agg_imprese_flussi' THEN PERFORM refresh_agg_flussi();
        WHEN 'agg_cig' THEN PERFORM refresh_agg_cig();
        WHEN 'agg_suap' THEN PERFORM refresh_agg_suap();
        WHEN 'agg_stock_dettaglio' THEN PERFORM refresh_agg_stock_dettaglio();
        WHEN 'agg_contributi' THEN PERFORM refresh_agg_contributi_all();
        ELSE RAISE EXCEPTION 'unknown aggregate %', tab;
    END CASE;
    RETURN true;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_imprese_storico TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg(tab text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_event_cubes')) THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM agg_stale() t WHERE t = tab) THEN
        RETURN false;
    END IF;
    CASE tab
        WHEN 'agg_eventi_imprese' THEN PERFORM refresh_agg_eventi_imprese();
        WHEN 'agg_eventi_cig' THEN PERFORM refresh_agg_eventi_cig();
        WHEN 'agg_eventi_suap' THEN PERFORM refresh_agg_eventi_suap();
        WHEN 'agg_imprese_vive' THEN PERFORM refresh_agg_imprese_vive();
        WHEN 'agg_imprese_totali', 'agg_cig_totali', 'agg_suap_totali' THEN PERFORM refresh_agg_totali(tab);
        WHEN 'agg_imprese_flussi' THEN PERFORM refresh_agg_flussi();
        WHEN 'agg_cig' THEN PERFORM refresh_agg_cig();
        WHEN 'agg_suap' THEN PERFORM refresh_agg_suap();
        WHEN 'agg_stock_dettaglio' THEN PERFORM refresh_agg_stock_dettaglio();
        WHEN 'agg_contributi' THEN PERFORM refresh_agg_contributi_all();
        ELSE RAISE EXCEPTION 'unknown aggregate %', tab;
    END CASE;
    RETURN true;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_stale() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT tabella FROM agg_stato
    WHERE tipo <> 'stock' AND tabella <> 'agg_contributi_cubo' AND versione IS DISTINCT FROM agg_versione_di(tabella)
    ORDER BY CASE tabella WHEN 'agg_eventi_cig' THEN 1 WHEN 'agg_eventi_suap' THEN 2 WHEN 'agg_eventi_imprese' THEN 3
        WHEN 'agg_imprese_vive' THEN 4 WHEN 'agg_cig_totali' THEN 5 WHEN 'agg_suap_totali' THEN 6
        WHEN 'agg_imprese_totali' THEN 7 WHEN 'agg_contributi' THEN 8 WHEN 'agg_stock_dettaglio' THEN 9
        WHEN 'agg_cig' THEN 10 WHEN 'agg_suap' THEN 11 ELSE 12 END, tabella
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_versione_di(tab text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches
    WHERE status = 'committed' AND kind <> 'docs' AND kind <> ALL (CASE
        WHEN tab IN ('agg_cig', 'agg_eventi_cig', 'agg_cig_totali') THEN ARRAY['suap', 'contributi']
        WHEN tab IN ('agg_suap', 'agg_eventi_suap', 'agg_suap_totali') THEN ARRAY['cig', 'contributi']
        WHEN tab IN ('agg_contributi', 'agg_contributi_cubo') THEN ARRAY['cig', 'suap']
        WHEN tab IN ('agg_imprese_flussi', 'agg_eventi_imprese', 'agg_stock_dettaglio', 'agg_imprese_vive', 'agg_imprese_totali')
            THEN ARRAY['cig', 'suap', 'contributi']
        ELSE ARRAY[]::text[] END)
$$;
-- +goose StatementEnd
DROP FUNCTION refresh_agg_storico();
DELETE FROM agg_cuboidi WHERE tabella = 'agg_imprese_storico';
DELETE FROM agg_stato WHERE tabella = 'agg_imprese_storico';
DROP TABLE agg_imprese_storico;
