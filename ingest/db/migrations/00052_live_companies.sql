-- +goose Up
-- The live companies of the latest snapshot: the openings of agg_eventi_imprese (00034) that
-- either stock metric counts (imprese_registrate: stato <> 'CESSATA' AND dt_cessazione IS NULL;
-- imprese_attive: stato = 'ATTIVA'), without the event and its date. A stock count along the
-- statistical area, the ATECO code, the company's age or any combination no stock cuboid keeps
-- read every opening of the event table (a million rows for a million companies, half of them
-- ceased and filtered out one by one); here it reads half as many rows, fixed-width columns
-- first. The compiler reads it only for metrics whose condition is one of those two (a subset of
-- these rows), only while current (agg_stato, as the event tables), so the rows are the same.
--
-- Rebuilt outside the loads like the event tables (agent/semantic.RefreshCubes), from the
-- register's event table right after it; it follows the same loads (agg_versione_di).
CREATE TABLE agg_imprese_vive (
    dt_iscrizione   date,
    dt_cessazione   date,
    addetti         smallint,
    n               smallint NOT NULL DEFAULT 1,
    artigiana       boolean,
    sezione_ateco   char(1),
    divisione_ateco char(2),
    femminile       text,
    giovanile       text,
    straniera       text,
    stato           text,
    classe_forma    text,
    forma_giuridica text,
    quartiere       text,
    zona            text,
    area_statistica text,
    ateco           text,
    comune          text
);

INSERT INTO agg_stato (tabella, tipo) VALUES ('agg_imprese_vive', 'eventi');
INSERT INTO agg_cuboidi (tabella, cuboide, dims) VALUES
    ('agg_imprese_vive', 0, '{dt_iscrizione,dt_cessazione,addetti,artigiana,sezione_ateco,divisione_ateco,femminile,giovanile,straniera,stato,classe_forma,forma_giuridica,quartiere,zona,area_statistica,ateco,comune}');

-- The statistics of 00035 and the filter indexes of 00038, on the same expressions.
CREATE STATISTICS agg_imprese_vive_quartiere ON (COALESCE(quartiere, 'non attribuito')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_zona ON (COALESCE(zona, 'non attribuito')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_area ON (COALESCE(area_statistica, 'non attribuito')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_sezione ON (COALESCE(sezione_ateco, 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_divisione ON (COALESCE(divisione_ateco, 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_ateco ON (COALESCE(ateco, 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_forma ON (COALESCE(forma_giuridica, 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_classe_forma ON (COALESCE(NULLIF(classe_forma, ''), 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_femminile ON (femminile IS NOT NULL) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_giovanile ON (giovanile IS NOT NULL) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_straniera ON (straniera IS NOT NULL) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_artigiana ON (COALESCE(artigiana, false)) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_stato ON (COALESCE(stato, 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_comune ON (COALESCE(NULLIF(comune, ''), 'n.d.')) FROM agg_imprese_vive;
CREATE STATISTICS agg_imprese_vive_addetti ON (CASE WHEN addetti IS NULL THEN 'n.d.' WHEN addetti = 0 THEN '0' WHEN addetti < 10 THEN '1-9' WHEN addetti < 50 THEN '10-49' WHEN addetti < 250 THEN '50-249' ELSE '250+' END) FROM agg_imprese_vive;
CREATE INDEX agg_imprese_vive_ateco ON agg_imprese_vive ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_imprese_vive_divisione ON agg_imprese_vive ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_imprese_vive_sezione ON agg_imprese_vive ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_imprese_vive_area ON agg_imprese_vive ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_imprese_vive_zona ON agg_imprese_vive ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_imprese_vive_forma ON agg_imprese_vive ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_imprese_vive_comune ON agg_imprese_vive ((COALESCE(NULLIF(comune, ''), 'n.d.')));

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_imprese_vive() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    v bigint;
    t0 timestamptz := clock_timestamp();
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_imprese';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_imprese') THEN
        v := refresh_agg_eventi_imprese();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_imprese');
    END IF;
    DELETE FROM agg_imprese_vive;
    INSERT INTO agg_imprese_vive (dt_iscrizione, dt_cessazione, addetti, artigiana, sezione_ateco, divisione_ateco,
        femminile, giovanile, straniera, stato, classe_forma, forma_giuridica, quartiere, zona, area_statistica,
        ateco, comune)
    SELECT e.dt_iscrizione, e.dt_cessazione, e.addetti, e.artigiana, e.sezione_ateco, e.divisione_ateco,
           e.femminile, e.giovanile, e.straniera, e.stato, e.classe_forma, e.forma_giuridica, e.quartiere, e.zona,
           e.area_statistica, e.ateco, e.comune
    FROM agg_eventi_imprese e
    WHERE e.evento = 'A' AND ((e.stato <> 'CESSATA' AND e.dt_cessazione IS NULL) OR e.stato = 'ATTIVA');
    UPDATE agg_stato SET as_of = snap, versione = v, righe = (SELECT count(*) FROM agg_imprese_vive),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_imprese_vive';
    UPDATE agg_cuboidi SET righe = (SELECT righe FROM agg_stato WHERE tabella = 'agg_imprese_vive') WHERE tabella = 'agg_imprese_vive';
END
$$;
-- +goose StatementEnd

-- 00034's functions with the new table: it follows the register's loads, is rebuilt right after
-- the register's event table (which it reads), and refresh_agg knows it.
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
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_imprese_vive TO conoscenza_ro;
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
        WHEN 'agg_contributi' THEN 4 WHEN 'agg_stock_dettaglio' THEN 5 WHEN 'agg_cig' THEN 6 WHEN 'agg_suap' THEN 7
        ELSE 8 END, tabella
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_versione_di(tab text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches
    WHERE status = 'committed' AND kind <> 'docs' AND kind <> ALL (CASE
        WHEN tab IN ('agg_cig', 'agg_eventi_cig') THEN ARRAY['suap', 'contributi']
        WHEN tab IN ('agg_suap', 'agg_eventi_suap') THEN ARRAY['cig', 'contributi']
        WHEN tab IN ('agg_contributi', 'agg_contributi_cubo') THEN ARRAY['cig', 'suap']
        WHEN tab IN ('agg_imprese_flussi', 'agg_eventi_imprese', 'agg_stock_dettaglio') THEN ARRAY['cig', 'suap', 'contributi']
        ELSE ARRAY[]::text[] END)
$$;
-- +goose StatementEnd
DROP FUNCTION refresh_agg_imprese_vive();
DELETE FROM agg_cuboidi WHERE tabella = 'agg_imprese_vive';
DELETE FROM agg_stato WHERE tabella = 'agg_imprese_vive';
DROP TABLE agg_imprese_vive;
