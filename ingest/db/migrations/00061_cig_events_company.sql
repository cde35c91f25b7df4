-- +goose Up
-- Distinct companies with a CIG request (cig_imprese, a count of distinct codici fiscali: no
-- cuboid can sum it) read the detailed tables: the requests joined with a million companies,
-- 0.3-3.8 s in the random benchmark (docs/metrics.md, "Session 7"). The CIG event table now
-- keeps the request's codice fiscale, so the compiler counts the distinct companies of its
-- rows (one per request, the company's attributes copied on as the detailed path joins them):
-- the same rows, without the join (agent/semantic/events.go, distinctOnEvents).
ALTER TABLE agg_eventi_cig ADD COLUMN codice_fiscale text;
UPDATE agg_cuboidi SET dims = dims || '{codice_fiscale}'::text[] WHERE tabella = 'agg_eventi_cig' AND NOT 'codice_fiscale' = ANY(dims);

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
-- Rebuilt by the next refresh (RefreshCubes); until then the detailed tables answer.
UPDATE agg_stato SET versione = NULL WHERE tabella = 'agg_eventi_cig';

-- +goose Down
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
        straniera, stato, classe_forma, forma_giuridica, quartiere, zona, area_statistica)
    SELECT e.evento, CASE e.evento WHEN 'D' THEN c.dt_domanda ELSE c.dt_autorizzazione END, i.dt_iscrizione,
           agg_addetti(i.addetti), i.artigiana, c.sezione_ateco, c.divisione_ateco,
           CASE WHEN e.evento = 'D' THEN c.lavoratori END,
           CASE WHEN e.evento = 'D' THEN c.ore_richieste END,
           CASE WHEN e.evento = 'U' THEN c.ore_autorizzate END,
           c.tipo, c.causale, c.esito, c.ateco, c.comune,
           CASE WHEN i.femminile IS NOT NULL THEN 'S' END, CASE WHEN i.giovanile IS NOT NULL THEN 'S' END,
           CASE WHEN i.straniera IS NOT NULL THEN 'S' END, i.stato, i.classe_forma, i.forma_giuridica,
           i.quartiere, i.zona, i.area_statistica
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
UPDATE agg_cuboidi SET dims = array_remove(dims, 'codice_fiscale') WHERE tabella = 'agg_eventi_cig';
ALTER TABLE agg_eventi_cig DROP COLUMN codice_fiscale;
