-- +goose Up
-- The company's age by class on the flows, from cuboids (docs/metrics.md, "Session 7"). 00056
-- keeps the registration month in a few narrow cuboids of the register: a month by a month's
-- events, which compresses closures only along one or two narrow dimensions. Most questions
-- ask the catalog's classes ("iscritte da meno di 3 anni", "per classe di anzianità"), and for
-- those only the class of each company at the snapshot matters: `iscrizione_classe` holds, for
-- every company of a class, one date inside the class's range (agg_classe_eta), so that it
-- compares with each class boundary (1, 3, 5, 10 years before the snapshot) as the exact
-- registration date does. The compiler reads these cuboids only when every age boundary of the
-- query is one of the classes' and the cube was built from the snapshot the query reads
-- (agent/semantic/age.go). Rows measured on the benchmark database (1.53 million register
-- events, 542,000 CIG, 442,000 SUAP): register 17,000-38,000 per cuboid, CIG 58,000 and
-- about 40,000, SUAP 37,000 and about 40,000.
-- +goose StatementBegin
CREATE FUNCTION agg_classe_eta(d date, snap date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d IS NULL THEN NULL
        WHEN d > snap - interval '1 year' THEN (snap - interval '1 year')::date + 1
        WHEN d > snap - interval '3 years' THEN (snap - interval '1 year')::date
        WHEN d > snap - interval '5 years' THEN (snap - interval '3 years')::date
        WHEN d > snap - interval '10 years' THEN (snap - interval '5 years')::date
        ELSE (snap - interval '10 years')::date END
$$;
-- +goose StatementEnd
ALTER TABLE agg_imprese_flussi ADD COLUMN iscrizione_classe date;
ALTER TABLE agg_cig ADD COLUMN iscrizione_classe date;
ALTER TABLE agg_suap ADD COLUMN iscrizione_classe date;

INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_imprese_flussi', 30, '{iscrizione_classe,quartiere,zona,stato,dt_cessazione,comune}', NULL),
    ('agg_imprese_flussi', 31, '{iscrizione_classe,sezione_ateco,divisione_ateco}', NULL),
    ('agg_imprese_flussi', 32, '{iscrizione_classe,femminile,giovanile,straniera,artigiana,stato,dt_cessazione}', NULL),
    ('agg_imprese_flussi', 33, '{iscrizione_classe,classe_forma,forma_giuridica,addetti,stato,dt_cessazione,comune}', NULL),
    ('agg_imprese_flussi', 34, '{iscrizione_classe,area_statistica,quartiere,zona}', NULL),
    ('agg_cig', 12, '{iscrizione_classe,tipo,causale,esito,quartiere,zona}', NULL),
    ('agg_cig', 13, '{iscrizione_classe,tipo,sezione_ateco,divisione_ateco}', NULL),
    ('agg_suap', 10, '{iscrizione_classe,femminile,giovanile,straniera,artigiana,classe_forma,sezione_ateco}', NULL),
    ('agg_suap', 11, '{iscrizione_classe,tipo,quartiere,zona}', NULL);

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
               agg_mese(e.dt_iscrizione, %L) AS dt_iscrizione, agg_classe_eta(e.dt_iscrizione, %L) AS iscrizione_classe,
               1::bigint AS n
        FROM agg_eventi_imprese e$q$, h, h, snap), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v,
        anomalie = (SELECT anomalie FROM agg_stato WHERE tabella = 'agg_eventi_imprese')
    WHERE tabella = 'agg_imprese_flussi';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_cig() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_cig';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_cig') THEN
        v := refresh_agg_eventi_cig();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_cig');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_cig', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.causale, e.esito, e.sezione_ateco, e.divisione_ateco,
               e.ateco, e.comune, e.quartiere, e.zona, e.area_statistica, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               agg_classe_eta(e.dt_iscrizione, %L) AS iscrizione_classe, 1::bigint AS n, e.ore_richieste, e.ore_autorizzate, e.lavoratori::bigint AS lavoratori
        FROM agg_eventi_cig e$q$, h, snap), '{n,ore_richieste,ore_autorizzate,lavoratori}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_cig';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_suap() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_suap';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_suap') THEN
        v := refresh_agg_eventi_suap();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_suap');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_suap', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.settore, e.esito, e.quartiere, e.zona,
               e.area_statistica, e.sezione_ateco, e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               e.comune, agg_classe_eta(e.dt_iscrizione, %L) AS iscrizione_classe, 1::bigint AS n
        FROM agg_eventi_suap e$q$, h, snap), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_suap';
END
$$;
-- +goose StatementEnd

-- Rebuilt by the next refresh (RefreshCubes); until then the event tables answer.
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_imprese_flussi', 'agg_cig', 'agg_suap');

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
               CASE WHEN e.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione,
               agg_mese(e.dt_iscrizione, %L) AS dt_iscrizione, 1::bigint AS n
        FROM agg_eventi_imprese e$q$, h, h), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v,
        anomalie = (SELECT anomalie FROM agg_stato WHERE tabella = 'agg_eventi_imprese')
    WHERE tabella = 'agg_imprese_flussi';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_cig() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_cig';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_cig') THEN
        v := refresh_agg_eventi_cig();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_cig');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_cig', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.causale, e.esito, e.sezione_ateco, e.divisione_ateco,
               e.ateco, e.comune, e.quartiere, e.zona, e.area_statistica, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               1::bigint AS n, e.ore_richieste, e.ore_autorizzate, e.lavoratori::bigint AS lavoratori
        FROM agg_eventi_cig e$q$, h), '{n,ore_richieste,ore_autorizzate,lavoratori}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_cig';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_suap() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    h date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_suap';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_suap') THEN
        v := refresh_agg_eventi_suap();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_suap');
    END IF;
    h := agg_horizon(snap);
    PERFORM agg_fill_cube('agg_suap', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.settore, e.esito, e.quartiere, e.zona,
               e.area_statistica, e.sezione_ateco, e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               e.comune, 1::bigint AS n
        FROM agg_eventi_suap e$q$, h), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_suap';
END
$$;
-- +goose StatementEnd
DELETE FROM agg_imprese_flussi WHERE cuboide BETWEEN 30 AND 34;
DELETE FROM agg_cig WHERE cuboide IN (12, 13);
DELETE FROM agg_suap WHERE cuboide IN (10, 11);
DELETE FROM agg_cuboidi WHERE tabella = 'agg_imprese_flussi' AND cuboide BETWEEN 30 AND 34;
DELETE FROM agg_cuboidi WHERE tabella = 'agg_cig' AND cuboide IN (12, 13);
DELETE FROM agg_cuboidi WHERE tabella = 'agg_suap' AND cuboide IN (10, 11);
ALTER TABLE agg_imprese_flussi DROP COLUMN iscrizione_classe;
ALTER TABLE agg_cig DROP COLUMN iscrizione_classe;
ALTER TABLE agg_suap DROP COLUMN iscrizione_classe;
DROP FUNCTION agg_classe_eta(date, date);
