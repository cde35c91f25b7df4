-- +goose Up
-- Distinct companies as first occurrences (session 8, docs/metrics.md). cig_imprese,
-- contributi_beneficiari and contributi_importo_medio count distinct codici fiscali:
-- count(DISTINCT) sorts every group's rows (0.15-2.6 s on the CIG event table). Each row now
-- carries the date of the company's previous row (`prec`: the previous request, or grant, of
-- the same company; NULL: none), and `prec_<column>` the same among the rows with the same value
-- of one column the request itself carries (the catalog's grouping expression of it). Over a
-- window [from, to], a company then has exactly one row whose previous row is before `from`:
-- its first in the window. The compiler counts those rows instead of the distinct companies
-- (agent/semantic/distinct.go): a plain filtered count, hashed, the same numbers, whenever the
-- query's groups and filters use at most one of the request's own columns (grouped, or one
-- value) and no filter on a time dimension. The partition expressions below must be the
-- catalog's (distinct_test.go checks them).
ALTER TABLE agg_eventi_cig ADD COLUMN prec date, ADD COLUMN prec_tipo date, ADD COLUMN prec_causale date,
    ADD COLUMN prec_esito date, ADD COLUMN prec_sezione_ateco date, ADD COLUMN prec_divisione_ateco date,
    ADD COLUMN prec_ateco date, ADD COLUMN prec_comune date;
UPDATE agg_cuboidi SET dims = dims || '{prec,prec_tipo,prec_causale,prec_esito,prec_sezione_ateco,prec_divisione_ateco,prec_ateco,prec_comune}'::text[]
WHERE tabella = 'agg_eventi_cig' AND NOT 'prec' = ANY(dims);
-- The grants' facts hold only granted rows (esito CONCESSO), so the esito is one value.
ALTER TABLE agg_contributi ADD COLUMN prec date, ADD COLUMN prec_id_bando date;
UPDATE agg_cuboidi SET dims = dims || '{prec,prec_id_bando}'::text[]
WHERE tabella = 'agg_contributi' AND NOT 'prec' = ANY(dims);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_eventi_cig() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    v bigint := agg_versione_di('agg_eventi_cig');
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_eventi_cig;
    INSERT INTO agg_eventi_cig (evento, data, dt_iscrizione, addetti, artigiana, sezione_ateco, divisione_ateco,
        lavoratori, ore_richieste, ore_autorizzate, tipo, causale, esito, ateco, comune, femminile, giovanile,
        straniera, stato, classe_forma, forma_giuridica, quartiere, zona, area_statistica, codice_fiscale,
        prec, prec_tipo, prec_causale, prec_esito, prec_sezione_ateco, prec_divisione_ateco, prec_ateco, prec_comune)
    SELECT e.evento, CASE e.evento WHEN 'D' THEN c.dt_domanda ELSE c.dt_autorizzazione END, i.dt_iscrizione,
           agg_addetti(i.addetti), i.artigiana, c.sezione_ateco, c.divisione_ateco,
           CASE WHEN e.evento = 'D' THEN c.lavoratori END,
           CASE WHEN e.evento = 'D' THEN c.ore_richieste END,
           CASE WHEN e.evento = 'U' THEN c.ore_autorizzate END,
           c.tipo, c.causale, c.esito, c.ateco, c.comune,
           CASE WHEN i.femminile IS NOT NULL THEN 'S' END, CASE WHEN i.giovanile IS NOT NULL THEN 'S' END,
           CASE WHEN i.straniera IS NOT NULL THEN 'S' END, i.stato, i.classe_forma, i.forma_giuridica,
           i.quartiere, i.zona, i.area_statistica, c.codice_fiscale,
           CASE WHEN e.evento = 'D' THEN c.prec END, CASE WHEN e.evento = 'D' THEN c.prec_tipo END,
           CASE WHEN e.evento = 'D' THEN c.prec_causale END, CASE WHEN e.evento = 'D' THEN c.prec_esito END,
           CASE WHEN e.evento = 'D' THEN c.prec_sezione_ateco END, CASE WHEN e.evento = 'D' THEN c.prec_divisione_ateco END,
           CASE WHEN e.evento = 'D' THEN c.prec_ateco END, CASE WHEN e.evento = 'D' THEN c.prec_comune END
    FROM (SELECT c.*,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale ORDER BY c.dt_domanda) AS prec,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.tipo ORDER BY c.dt_domanda) AS prec_tipo,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.causale ORDER BY c.dt_domanda) AS prec_causale,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.esito ORDER BY c.dt_domanda) AS prec_esito,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.sezione_ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_sezione_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.divisione_ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_divisione_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(NULLIF(c.comune, ''), 'n.d.') ORDER BY c.dt_domanda) AS prec_comune
          FROM cig_domande c) c
    LEFT JOIN imprese i ON i.codice_fiscale = c.codice_fiscale
    CROSS JOIN (VALUES ('D'), ('U')) e(evento)
    WHERE e.evento = 'D' OR c.dt_autorizzazione IS NOT NULL
    ORDER BY 1, 2;
    UPDATE agg_stato SET as_of = snap, versione = v, righe = (SELECT count(*) FROM agg_eventi_cig),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_eventi_cig';
    UPDATE agg_cuboidi SET righe = (SELECT righe FROM agg_stato WHERE tabella = 'agg_eventi_cig') WHERE tabella = 'agg_eventi_cig';
    RETURN v;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_contributi() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_contributi;
    INSERT INTO agg_contributi
    SELECT g.id_bando, dense_rank() OVER (ORDER BY g.codice_fiscale), g.esito, g.dt_concessione, g.importo_concesso, i.quartiere, i.zona,
           i.area_statistica, i.sezione_ateco, i.divisione_ateco, i.ateco, i.forma_giuridica, i.classe_forma,
           i.femminile, i.giovanile, i.straniera, i.artigiana, i.stato, i.addetti, i.comune, i.dt_iscrizione,
           lag(g.dt_concessione) OVER (PARTITION BY g.codice_fiscale ORDER BY g.dt_concessione),
           lag(g.dt_concessione) OVER (PARTITION BY g.codice_fiscale, g.id_bando ORDER BY g.dt_concessione)
    FROM contributi g LEFT JOIN imprese i ON i.codice_fiscale = g.codice_fiscale
    WHERE g.esito = 'CONCESSO' AND g.dt_concessione IS NOT NULL;
    UPDATE agg_stato SET as_of = snap, righe = (SELECT count(*) FROM agg_contributi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_contributi';
    UPDATE agg_cuboidi SET righe = (SELECT count(*) FROM agg_contributi) WHERE tabella = 'agg_contributi';
END
$$;
-- +goose StatementEnd
-- Rebuilt by the next refresh (RefreshCubes); until then the detailed tables answer.
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_eventi_cig', 'agg_contributi');

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_contributi() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_contributi;
    INSERT INTO agg_contributi
    SELECT g.id_bando, dense_rank() OVER (ORDER BY g.codice_fiscale), g.esito, g.dt_concessione, g.importo_concesso, i.quartiere, i.zona,
           i.area_statistica, i.sezione_ateco, i.divisione_ateco, i.ateco, i.forma_giuridica, i.classe_forma,
           i.femminile, i.giovanile, i.straniera, i.artigiana, i.stato, i.addetti, i.comune, i.dt_iscrizione
    FROM contributi g LEFT JOIN imprese i ON i.codice_fiscale = g.codice_fiscale
    WHERE g.esito = 'CONCESSO' AND g.dt_concessione IS NOT NULL;
    UPDATE agg_stato SET as_of = snap, righe = (SELECT count(*) FROM agg_contributi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_contributi';
    UPDATE agg_cuboidi SET righe = (SELECT count(*) FROM agg_contributi) WHERE tabella = 'agg_contributi';
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_eventi_cig() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    v bigint := agg_versione_di('agg_eventi_cig');
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_eventi_cig;
    INSERT INTO agg_eventi_cig (evento, data, dt_iscrizione, addetti, artigiana, sezione_ateco, divisione_ateco,
        lavoratori, ore_richieste, ore_autorizzate, tipo, causale, esito, ateco, comune, femminile, giovanile,
        straniera, stato, classe_forma, forma_giuridica, quartiere, zona, area_statistica, codice_fiscale)
    SELECT e.evento, CASE e.evento WHEN 'D' THEN c.dt_domanda ELSE c.dt_autorizzazione END, i.dt_iscrizione,
           agg_addetti(i.addetti), i.artigiana, c.sezione_ateco, c.divisione_ateco,
           CASE WHEN e.evento = 'D' THEN c.lavoratori END,
           CASE WHEN e.evento = 'D' THEN c.ore_richieste END,
           CASE WHEN e.evento = 'U' THEN c.ore_autorizzate END,
           c.tipo, c.causale, c.esito, c.ateco, c.comune,
           CASE WHEN i.femminile IS NOT NULL THEN 'S' END, CASE WHEN i.giovanile IS NOT NULL THEN 'S' END,
           CASE WHEN i.straniera IS NOT NULL THEN 'S' END, i.stato, i.classe_forma, i.forma_giuridica,
           i.quartiere, i.zona, i.area_statistica, c.codice_fiscale
    FROM cig_domande c LEFT JOIN imprese i ON i.codice_fiscale = c.codice_fiscale
    CROSS JOIN (VALUES ('D'), ('U')) e(evento)
    WHERE e.evento = 'D' OR c.dt_autorizzazione IS NOT NULL
    ORDER BY 1, 2;
    UPDATE agg_stato SET as_of = snap, versione = v, righe = (SELECT count(*) FROM agg_eventi_cig),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_eventi_cig';
    UPDATE agg_cuboidi SET righe = (SELECT righe FROM agg_stato WHERE tabella = 'agg_eventi_cig') WHERE tabella = 'agg_eventi_cig';
    RETURN v;
END
$$;
-- +goose StatementEnd
UPDATE agg_cuboidi SET dims = array_remove(array_remove(array_remove(array_remove(array_remove(array_remove(array_remove(array_remove(
    dims, 'prec'), 'prec_tipo'), 'prec_causale'), 'prec_esito'), 'prec_sezione_ateco'), 'prec_divisione_ateco'), 'prec_ateco'), 'prec_comune')
WHERE tabella = 'agg_eventi_cig';
UPDATE agg_cuboidi SET dims = array_remove(array_remove(dims, 'prec'), 'prec_id_bando') WHERE tabella = 'agg_contributi';
ALTER TABLE agg_contributi DROP COLUMN prec, DROP COLUMN prec_id_bando;
ALTER TABLE agg_eventi_cig DROP COLUMN prec, DROP COLUMN prec_tipo, DROP COLUMN prec_causale, DROP COLUMN prec_esito,
    DROP COLUMN prec_sezione_ateco, DROP COLUMN prec_divisione_ateco, DROP COLUMN prec_ateco, DROP COLUMN prec_comune;
