-- +goose Up
-- The company's age on the register's flows and stocks, from cuboids (docs/metrics.md,
-- "Session 7"). An opening's month is its company's registration month, so openings and stock
-- counts by age already read the monthly cube (age.go); a closure's month is not, so closures,
-- balances and growth rates by age read every opening of the event table (up to a million
-- rows). Here the monthly cube of the register keeps, in a few narrow cuboids, the company's
-- registration month (`dt_iscrizione`: the first day of the month, 1900-01-01 before the
-- horizon, as `mese`): with every age boundary of a query on the last day of a month after
-- the horizon (a snapshot at a month's end), comparing the month's first day with a boundary
-- gives what comparing the exact date gives. Rows measured on the benchmark database (1.53
-- million events; closures by closing month and registration month: 30,000).
-- Three more cuboids keep, with state and cessation, the dimensions that stock counts by age
-- were asked along in the random benchmark (the statistical area; the personal flags with the
-- legal form and the comune; the zona with the legal form): stock by age reads the openings of
-- a monthly cuboid (ageCuboid), 48,000-84,000 rows instead of the 500,000 live companies.
-- And agg_stock_dettaglio keeps the code and the area with the quartiere and the comune
-- (25,000 rows): stock counts along the code by comune or quartiere read the live companies.
ALTER TABLE agg_imprese_flussi ADD COLUMN dt_iscrizione date;

INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    -- closures 30,000 rows
    ('agg_imprese_flussi', 23, '{dt_iscrizione,stato,dt_cessazione,comune}', NULL),
    -- closures 55,000
    ('agg_imprese_flussi', 24, '{dt_iscrizione,femminile,stato,dt_cessazione,comune}', NULL),
    -- closures 84,000
    ('agg_imprese_flussi', 25, '{dt_iscrizione,classe_forma,stato,dt_cessazione,comune}', NULL),
    -- closures 132,000
    ('agg_imprese_flussi', 26, '{dt_iscrizione,quartiere}', NULL),
    -- openings 48,000, closures 12,000
    ('agg_imprese_flussi', 27, '{area_statistica,quartiere,zona,stato,dt_cessazione}', NULL),
    -- openings 70,000, closures 26,000
    ('agg_imprese_flussi', 28, '{femminile,giovanile,straniera,artigiana,forma_giuridica,classe_forma,comune,stato,dt_cessazione,addetti}', NULL),
    -- openings 84,000, closures 30,000
    ('agg_imprese_flussi', 29, '{quartiere,zona,forma_giuridica,classe_forma,comune,stato,dt_cessazione}', NULL),
    ('agg_stock_dettaglio', 11, '{stato,dt_cessazione,quartiere,zona,area_statistica,sezione_ateco,divisione_ateco,ateco,comune}', NULL);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_flussi() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_imprese';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_imprese') THEN
        v := refresh_agg_eventi_imprese();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_imprese');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_imprese_flussi', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.quartiere, e.zona, e.area_statistica, e.sezione_ateco,
               e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma, e.femminile, e.giovanile, e.straniera,
               e.artigiana, e.stato, e.addetti::integer AS addetti, e.comune,
               CASE WHEN e.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione,
               agg_mese(e.dt_iscrizione, %L) AS dt_iscrizione, 1::bigint AS n
        FROM agg_eventi_imprese e$q$, h, h), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v,
        anomalie = (SELECT anomalie FROM agg_stato WHERE tabella = 'agg_eventi_imprese')
    WHERE tabella = 'agg_imprese_flussi';
END
$$;
-- +goose StatementEnd
-- Rebuilt by the next refresh (RefreshCubes); until then the event tables answer.
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_imprese_flussi', 'agg_stock_dettaglio');

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_flussi() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_imprese';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_imprese') THEN
        v := refresh_agg_eventi_imprese();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_imprese');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_imprese_flussi', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.quartiere, e.zona, e.area_statistica, e.sezione_ateco,
               e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma, e.femminile, e.giovanile, e.straniera,
               e.artigiana, e.stato, e.addetti::integer AS addetti, e.comune,
               CASE WHEN e.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione, 1::bigint AS n
        FROM agg_eventi_imprese e$q$, h), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v,
        anomalie = (SELECT anomalie FROM agg_stato WHERE tabella = 'agg_eventi_imprese')
    WHERE tabella = 'agg_imprese_flussi';
END
$$;
-- +goose StatementEnd
DELETE FROM agg_imprese_flussi WHERE cuboide BETWEEN 23 AND 29;
DELETE FROM agg_stock_dettaglio WHERE cuboide = 11;
DELETE FROM agg_cuboidi WHERE tabella = 'agg_imprese_flussi' AND cuboide BETWEEN 23 AND 29;
DELETE FROM agg_cuboidi WHERE tabella = 'agg_stock_dettaglio' AND cuboide = 11;
ALTER TABLE agg_imprese_flussi DROP COLUMN dt_iscrizione;
