-- +goose Up
-- Month-less cuboids for flows with no period. A flow with no period along dimensions no
-- monthly cuboid keeps together (legal-form class by quartiere, the statistical area by state,
-- the ATECO code with a personal flag...) read every event of the event table (1.5 million for
-- the register, 0.5 million for CIG, 0.4 million for SUAP): in the catalog grid of session 6,
-- 119 of the 176 queries over 50 ms. Without the month the events compress 5-20 times over
-- wide sets of dimensions (docs/metrics.md, "Session 6"): these tables hold, per source,
-- cuboids of all events (every event with a date) with `mese` fixed at 1900-01-01, the same
-- columns and codings as the monthly cubes. The compiler reads them only for a query with no
-- period, no time dimension or grain and no company age (agent/semantic/cube.go), only while
-- current; they follow the loads their event table follows and are rebuilt from it, right
-- after it (agent/semantic.RefreshCubes).
CREATE TABLE agg_imprese_totali (LIKE agg_imprese_flussi INCLUDING DEFAULTS);
CREATE INDEX agg_imprese_totali_key ON agg_imprese_totali (cuboide, evento);
CREATE TABLE agg_cig_totali (LIKE agg_cig INCLUDING DEFAULTS);
CREATE INDEX agg_cig_totali_key ON agg_cig_totali (cuboide, evento);
CREATE TABLE agg_suap_totali (LIKE agg_suap INCLUDING DEFAULTS);
CREATE INDEX agg_suap_totali_key ON agg_suap_totali (cuboide, evento);

INSERT INTO agg_stato (tabella, tipo) VALUES ('agg_imprese_totali', 'cubo'), ('agg_cig_totali', 'cubo'), ('agg_suap_totali', 'cubo');
-- Rows measured on the benchmark database (a million companies), before the roll-ups.
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    -- 78,000 rows for 1.53 million events
    ('agg_imprese_totali', 1, '{quartiere,zona,area_statistica,sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana,stato,comune}', NULL),
    -- 63,000
    ('agg_imprese_totali', 2, '{quartiere,zona,sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana,stato,addetti,comune}', NULL),
    -- 127,000
    ('agg_imprese_totali', 3, '{ateco,sezione_ateco,divisione_ateco,quartiere,zona,classe_forma,femminile,giovanile,straniera,artigiana,stato,comune}', NULL),
    -- 101,000
    ('agg_imprese_totali', 4, '{forma_giuridica,classe_forma,divisione_ateco,sezione_ateco,quartiere,zona,femminile,giovanile,straniera,artigiana,stato,comune}', NULL),
    -- 25,000
    ('agg_imprese_totali', 5, '{addetti,forma_giuridica,classe_forma,sezione_ateco,divisione_ateco,artigiana,stato,comune,femminile,giovanile,straniera}', NULL),
    ('agg_imprese_totali', 6, '{quartiere,zona,sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana}', 2),
    ('agg_imprese_totali', 7, '{ateco,sezione_ateco,divisione_ateco,femminile,giovanile,straniera,artigiana,stato,comune}', 3),
    -- 110,000 rows for 542,000 events
    ('agg_cig_totali', 1, '{tipo,causale,esito,sezione_ateco,comune,quartiere,zona,classe_forma,femminile,giovanile,straniera,artigiana,stato,addetti}', NULL),
    -- 105,000
    ('agg_cig_totali', 2, '{tipo,causale,esito,area_statistica,quartiere,zona,sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana}', NULL),
    -- 22,000
    ('agg_cig_totali', 3, '{tipo,causale,esito,sezione_ateco,divisione_ateco,ateco,forma_giuridica,classe_forma,comune}', NULL),
    ('agg_cig_totali', 4, '{tipo,causale,esito,sezione_ateco,quartiere,zona,classe_forma,femminile,giovanile,straniera,artigiana}', 1),
    -- 52,000 rows for 442,000 permits
    ('agg_suap_totali', 1, '{tipo,settore,esito,quartiere,zona,sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana,stato,addetti,comune}', NULL),
    -- 59,000
    ('agg_suap_totali', 2, '{tipo,settore,esito,area_statistica,quartiere,zona,sezione_ateco,divisione_ateco,ateco,forma_giuridica,classe_forma}', NULL);

-- refresh_agg_totali rebuilds the month-less cuboids of one source from its event table
-- (rebuilding that first, in the same transaction, if it is stale). Events with no date are
-- left out, as a query with no period leaves them out (its date IS NOT NULL).
-- +goose StatementBegin
CREATE FUNCTION refresh_agg_totali(tab text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ev text := CASE tab WHEN 'agg_imprese_totali' THEN 'agg_eventi_imprese' WHEN 'agg_cig_totali' THEN 'agg_eventi_cig'
        WHEN 'agg_suap_totali' THEN 'agg_eventi_suap' END;
    snap date;
    v bigint;
BEGIN
    IF ev IS NULL THEN
        RAISE EXCEPTION 'unknown aggregate %', tab;
    END IF;
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = ev;
    IF v IS DISTINCT FROM agg_versione_di(ev) THEN
        CASE ev
            WHEN 'agg_eventi_imprese' THEN v := refresh_agg_eventi_imprese();
            WHEN 'agg_eventi_cig' THEN v := refresh_agg_eventi_cig();
            ELSE v := refresh_agg_eventi_suap();
        END CASE;
        snap := (SELECT as_of FROM agg_stato WHERE tabella = ev);
    END IF;
    CASE tab
        WHEN 'agg_imprese_totali' THEN
            PERFORM agg_fill_cube(tab, $q$
                SELECT e.evento, date '1900-01-01' AS mese, e.quartiere, e.zona, e.area_statistica, e.sezione_ateco,
                       e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma, e.femminile, e.giovanile, e.straniera,
                       e.artigiana, e.stato, e.addetti::integer AS addetti, e.comune, 1::bigint AS n
                FROM agg_eventi_imprese e WHERE e.data IS NOT NULL$q$, '{n}');
        WHEN 'agg_cig_totali' THEN
            PERFORM agg_fill_cube(tab, $q$
                SELECT e.evento, date '1900-01-01' AS mese, e.tipo, e.causale, e.esito, e.sezione_ateco, e.divisione_ateco,
                       e.ateco, e.comune, e.quartiere, e.zona, e.area_statistica, e.forma_giuridica, e.classe_forma,
                       e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
                       1::bigint AS n, e.ore_richieste, e.ore_autorizzate, e.lavoratori::bigint AS lavoratori
                FROM agg_eventi_cig e WHERE e.data IS NOT NULL$q$, '{n,ore_richieste,ore_autorizzate,lavoratori}');
        ELSE
            PERFORM agg_fill_cube(tab, $q$
                SELECT e.evento, date '1900-01-01' AS mese, e.tipo, e.settore, e.esito, e.quartiere, e.zona,
                       e.area_statistica, e.sezione_ateco, e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma,
                       e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
                       e.comune, 1::bigint AS n
                FROM agg_eventi_suap e WHERE e.data IS NOT NULL$q$, '{n}');
    END CASE;
    UPDATE agg_stato SET as_of = snap, versione = v WHERE tabella = tab;
END
$$;
-- +goose StatementEnd

-- 00052's functions with the new tables.
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
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_imprese_totali, agg_cig_totali, agg_suap_totali TO conoscenza_ro;
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
        WHEN 'agg_imprese_vive' THEN 4 WHEN 'agg_contributi' THEN 5 WHEN 'agg_stock_dettaglio' THEN 6 WHEN 'agg_cig' THEN 7
        WHEN 'agg_suap' THEN 8 ELSE 9 END, tabella
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_versione_di(tab text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches
    WHERE status = 'committed' AND kind <> 'docs' AND kind <> ALL (CASE
        WHEN tab IN ('agg_cig', 'agg_eventi_cig') THEN ARRAY['suap', 'contributi']
        WHEN tab IN ('agg_suap', 'agg_eventi_suap') THEN ARRAY['cig', 'contributi']
        WHEN tab IN ('agg_contributi', 'agg_contributi_cubo') THEN ARRAY['cig', 'suap']
        WHEN tab IN ('agg_imprese_flussi', 'agg_eventi_imprese', 'agg_stock_dettaglio', 'agg_imprese_vive') THEN ARRAY['cig', 'suap', 'contributi']
        ELSE ARRAY[]::text[] END)
$$;
-- +goose StatementEnd
DROP FUNCTION refresh_agg_totali(text);
DELETE FROM agg_cuboidi WHERE tabella IN ('agg_imprese_totali', 'agg_cig_totali', 'agg_suap_totali');
DELETE FROM agg_stato WHERE tabella IN ('agg_imprese_totali', 'agg_cig_totali', 'agg_suap_totali');
DROP TABLE agg_imprese_totali, agg_cig_totali, agg_suap_totali;
