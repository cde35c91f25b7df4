-- +goose Up
-- The latest snapshot by the attributes the stock aggregate lacks (division, ATECO code, legal
-- form, statistical area), as a cube with one bucket (evento S, mese 1900-01-01) so that it is
-- built like the others. Rebuilt with the event cubes, outside the load.
CREATE TABLE agg_stock_dettaglio (
    cuboide         smallint NOT NULL,
    evento          text     NOT NULL,
    mese            date     NOT NULL,
    quartiere       text,
    zona            text,
    area_statistica text,
    sezione_ateco   char(1),
    divisione_ateco char(2),
    ateco           text,
    forma_giuridica text,
    classe_forma    text,
    stato           text,
    dt_cessazione   date,
    n               bigint   NOT NULL
);
CREATE INDEX agg_stock_dettaglio_key ON agg_stock_dettaglio (cuboide);

INSERT INTO agg_stato (tabella, tipo) VALUES ('agg_stock_dettaglio', 'cubo');
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_stock_dettaglio', 1, '{stato,dt_cessazione,sezione_ateco,divisione_ateco,ateco,forma_giuridica,classe_forma}', NULL),
    ('agg_stock_dettaglio', 2, '{stato,dt_cessazione,quartiere,zona,area_statistica,sezione_ateco,divisione_ateco}', NULL),
    ('agg_stock_dettaglio', 3, '{stato,dt_cessazione,sezione_ateco,divisione_ateco}', 1),
    ('agg_stock_dettaglio', 4, '{stato,dt_cessazione,forma_giuridica,classe_forma}', 1),
    ('agg_stock_dettaglio', 5, '{stato,dt_cessazione,quartiere,zona,area_statistica}', 2);

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_stock_dettaglio() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
BEGIN
    PERFORM agg_fill_cube('agg_stock_dettaglio', format($q$
        SELECT 'S'::text AS evento, date '1900-01-01' AS mese, i.quartiere, i.zona, i.area_statistica,
               i.sezione_ateco, i.divisione_ateco, i.ateco, i.forma_giuridica, i.classe_forma, i.stato,
               CASE WHEN i.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione, 1::bigint AS n
        FROM imprese i WHERE i.last_as_of = %L$q$, snap), '{n}');
    UPDATE agg_stato SET as_of = snap WHERE tabella = 'agg_stock_dettaglio';
END
$$;
-- +goose StatementEnd

-- refresh_event_cubes (00032) now also rebuilds agg_stock_dettaglio.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_event_cubes(force boolean DEFAULT false) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v bigint := agg_versione();
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_event_cubes')) THEN
        RETURN false;
    END IF;
    IF NOT force AND NOT EXISTS (SELECT 1 FROM agg_stato WHERE tipo <> 'stock' AND versione IS DISTINCT FROM v) THEN
        RETURN false;
    END IF;
    PERFORM refresh_agg_flussi();
    PERFORM refresh_agg_cig();
    PERFORM refresh_agg_suap();
    PERFORM refresh_agg_contributi();
    PERFORM refresh_agg_contributi_cubo();
    PERFORM refresh_agg_stock_dettaglio();
    UPDATE agg_stato SET versione = v WHERE tipo <> 'stock';
    RETURN true;
END
$$;
-- +goose StatementEnd

SELECT refresh_agg_stock_dettaglio();
UPDATE agg_stato SET versione = agg_versione() WHERE tabella = 'agg_stock_dettaglio';

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_stock_dettaglio TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_event_cubes(force boolean DEFAULT false) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v bigint := agg_versione();
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_event_cubes')) THEN
        RETURN false;
    END IF;
    IF NOT force AND NOT EXISTS (SELECT 1 FROM agg_stato WHERE tipo <> 'stock' AND versione IS DISTINCT FROM v) THEN
        RETURN false;
    END IF;
    PERFORM refresh_agg_flussi();
    PERFORM refresh_agg_cig();
    PERFORM refresh_agg_suap();
    PERFORM refresh_agg_contributi();
    PERFORM refresh_agg_contributi_cubo();
    UPDATE agg_stato SET versione = v WHERE tipo <> 'stock';
    RETURN true;
END
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS refresh_agg_stock_dettaglio();
DELETE FROM agg_cuboidi WHERE tabella = 'agg_stock_dettaglio';
DELETE FROM agg_stato WHERE tabella = 'agg_stock_dettaglio';
DROP TABLE IF EXISTS agg_stock_dettaglio;
