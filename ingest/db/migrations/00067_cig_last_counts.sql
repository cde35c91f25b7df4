-- +goose Up
-- Distinct companies with a CIG request since a month, with no end (session 9, docs/metrics.md):
-- "quante imprese hanno chiesto la CIG dal 2020" counted each company's first request since the
-- start on the event table, 250-630 ms for a million companies. 00065's firsts count within
-- each row's own month, quarter or year, not since an arbitrary start.
--
-- Each cuboid of agg_cig now also counts the requests that are their company's last (in the
-- cuboid's partition, as for the firsts): a company has a request since a month's first day
-- exactly when its last request is in that month or later, so summing `ultime` over the months
-- from the start counts the companies. A window with an end before the last data cannot use
-- it (its companies' last requests may lie after the end).
ALTER TABLE agg_cig ADD COLUMN ultime bigint;
-- The event table marks each request that is its company's last in each partition of 00062 (the
-- same windows as the prec columns: one sort each for both).
ALTER TABLE agg_eventi_cig ADD COLUMN ultima boolean, ADD COLUMN ultima_tipo boolean, ADD COLUMN ultima_causale boolean,
    ADD COLUMN ultima_esito boolean, ADD COLUMN ultima_sezione_ateco boolean, ADD COLUMN ultima_divisione_ateco boolean,
    ADD COLUMN ultima_ateco boolean, ADD COLUMN ultima_comune boolean;

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
        prec, prec_tipo, prec_causale, prec_esito, prec_sezione_ateco, prec_divisione_ateco, prec_ateco, prec_comune,
        ultima, ultima_tipo, ultima_causale, ultima_esito, ultima_sezione_ateco, ultima_divisione_ateco, ultima_ateco, ultima_comune)
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
           CASE WHEN e.evento = 'D' THEN c.prec_ateco END, CASE WHEN e.evento = 'D' THEN c.prec_comune END,
           e.evento = 'D' AND c.ultima, e.evento = 'D' AND c.ultima_tipo, e.evento = 'D' AND c.ultima_causale,
           e.evento = 'D' AND c.ultima_esito, e.evento = 'D' AND c.ultima_sezione_ateco, e.evento = 'D' AND c.ultima_divisione_ateco,
           e.evento = 'D' AND c.ultima_ateco, e.evento = 'D' AND c.ultima_comune
    FROM (SELECT c.*,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale ORDER BY c.dt_domanda) AS prec,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale ORDER BY c.dt_domanda) IS NULL AS ultima,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.tipo ORDER BY c.dt_domanda) AS prec_tipo,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.tipo ORDER BY c.dt_domanda) IS NULL AS ultima_tipo,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.causale ORDER BY c.dt_domanda) AS prec_causale,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.causale ORDER BY c.dt_domanda) IS NULL AS ultima_causale,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.esito ORDER BY c.dt_domanda) AS prec_esito,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, c.esito ORDER BY c.dt_domanda) IS NULL AS ultima_esito,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.sezione_ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_sezione_ateco,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.sezione_ateco, 'n.d.') ORDER BY c.dt_domanda) IS NULL AS ultima_sezione_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.divisione_ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_divisione_ateco,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.divisione_ateco, 'n.d.') ORDER BY c.dt_domanda) IS NULL AS ultima_divisione_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.ateco, 'n.d.') ORDER BY c.dt_domanda) AS prec_ateco,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(c.ateco, 'n.d.') ORDER BY c.dt_domanda) IS NULL AS ultima_ateco,
                 lag(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(NULLIF(c.comune, ''), 'n.d.') ORDER BY c.dt_domanda) AS prec_comune,
                 lead(c.dt_domanda) OVER (PARTITION BY c.codice_fiscale, COALESCE(NULLIF(c.comune, ''), 'n.d.') ORDER BY c.dt_domanda) IS NULL AS ultima_comune
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
CREATE OR REPLACE FUNCTION agg_fill_cube(tab text, base text, measures text[], own text[] DEFAULT NULL) RETURNS void LANGUAGE plpgsql
SET work_mem = '256MB' AS $$
DECLARE
    c record;
    keep text;
    sums text;
    firsts text;
    src text;
    ctes text := 'WITH ev AS MATERIALIZED (' || base || ')';
    bucket boolean;
    t0 timestamptz := clock_timestamp();
    mine text[];
    parent text[];
    prec text;
    cols text := array_to_string(measures, ', ');
BEGIN
    EXECUTE format('DELETE FROM %I', tab);
    SELECT string_agg(format('sum(%I) AS %I', m, m), ', ') INTO sums FROM unnest(measures) m;
    IF own IS NOT NULL THEN
        cols := cols || ', prime_mese, prime_trimestre, prime_anno, prime_sempre, ultime';
    END IF;
    FOR c IN SELECT * FROM agg_cuboidi WHERE tabella = tab ORDER BY cuboide LOOP
        IF c.da IS NOT NULL AND NOT c.dims <@ (SELECT dims FROM agg_cuboidi WHERE tabella = tab AND cuboide = c.da) THEN
            RAISE EXCEPTION 'cuboid % of % is not a roll-up of cuboid %', c.cuboide, tab, c.da;
        END IF;
        SELECT string_agg(format('%I', d), ', ') || ', ' INTO keep FROM unnest(c.dims) d;
        keep := COALESCE(keep, '');
        src := CASE WHEN c.da IS NULL THEN 'ev' ELSE 'c' || c.da END;
        firsts := '';
        IF own IS NOT NULL THEN
            -- The own columns that partition: a sector's section is its division's, a
            -- division is its code's (the CIG loader derives both from the code).
            mine := ARRAY(SELECT d FROM unnest(c.dims) d WHERE d = ANY(own)
                            AND NOT (d = 'sezione_ateco' AND c.dims && '{divisione_ateco,ateco}')
                            AND NOT (d = 'divisione_ateco' AND 'ateco' = ANY(c.dims)) ORDER BY d);
            parent := ARRAY(SELECT d FROM agg_cuboidi p, unnest(p.dims) d
                            WHERE p.tabella = tab AND p.cuboide = c.da AND d = ANY(own)
                            AND NOT (d = 'sezione_ateco' AND p.dims && '{divisione_ateco,ateco}')
                            AND NOT (d = 'divisione_ateco' AND 'ateco' = ANY(p.dims)) ORDER BY d);
            IF c.da IS NOT NULL AND (mine = parent OR cardinality(mine) > 1 AND cardinality(parent) > 1) THEN
                firsts := ', sum(prime_mese) AS prime_mese, sum(prime_trimestre) AS prime_trimestre, '
                    || 'sum(prime_anno) AS prime_anno, sum(prime_sempre) AS prime_sempre, sum(ultime) AS ultime';
            ELSIF cardinality(mine) > 1 THEN
                firsts := ', NULL::bigint AS prime_mese, NULL::bigint AS prime_trimestre, '
                    || 'NULL::bigint AS prime_anno, NULL::bigint AS prime_sempre, NULL::bigint AS ultime';
            ELSE
                -- Counted on the base rows: a parent keeping other own columns counts other firsts.
                src := 'ev';
                prec := CASE cardinality(mine) WHEN 0 THEN 'prec' ELSE 'prec_' || mine[1] END;
                -- The base rows carry the first days of their month, quarter and year.
                firsts := format(', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_mese)) AS prime_mese'
                    || ', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_trimestre)) AS prime_trimestre'
                    || ', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_anno)) AS prime_anno'
                    || ', count(*) FILTER (WHERE prima AND %1$I IS NULL) AS prime_sempre'
                    || ', count(*) FILTER (WHERE prima AND %2$I) AS ultime', prec, replace(prec, 'prec', 'ultima'));
            END IF;
        END IF;
        ctes := ctes || format(', c%s AS MATERIALIZED (SELECT evento, mese, %s%s%s FROM %s GROUP BY %s evento, mese)',
            c.cuboide, keep, sums, firsts, src, keep)
            || format(', i%s AS (INSERT INTO %I (cuboide, evento, mese, %s%s) SELECT %s, evento, mese, %s%s FROM c%s ORDER BY evento, mese)',
            c.cuboide, tab, keep, cols, c.cuboide, keep, cols, c.cuboide);
    END LOOP;
    EXECUTE ctes || ' SELECT 1';
    UPDATE agg_cuboidi SET righe = 0 WHERE tabella = tab;
    EXECUTE format('UPDATE agg_cuboidi u SET righe = r.n FROM (SELECT cuboide, count(*) AS n FROM %I GROUP BY 1) r
        WHERE u.tabella = %L AND u.cuboide = r.cuboide', tab, tab);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE mese = %L)', tab, '1900-01-01') INTO bucket;
    UPDATE agg_stato SET righe = (SELECT COALESCE(sum(righe), 0) FROM agg_cuboidi WHERE tabella = tab), prima = bucket,
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = tab;
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
    -- prima: a request of a known company (the event table's prec columns are the requests',
    -- NULL on authorisations).
    PERFORM agg_fill_cube('agg_cig', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.causale, e.esito, e.sezione_ateco, e.divisione_ateco,
               e.ateco, e.comune, e.quartiere, e.zona, e.area_statistica, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               agg_classe_eta(e.dt_iscrizione, %L) AS iscrizione_classe, 1::bigint AS n, e.ore_richieste, e.ore_autorizzate, e.lavoratori::bigint AS lavoratori,
               date_trunc('month', e.data::timestamp)::date AS inizio_mese, date_trunc('quarter', e.data::timestamp)::date AS inizio_trimestre,
               date_trunc('year', e.data::timestamp)::date AS inizio_anno,
               e.evento = 'D' AND e.codice_fiscale IS NOT NULL AS prima, e.prec, e.prec_tipo, e.prec_causale, e.prec_esito,
               e.prec_sezione_ateco, e.prec_divisione_ateco, e.prec_ateco, e.prec_comune,
               e.ultima, e.ultima_tipo, e.ultima_causale, e.ultima_esito, e.ultima_sezione_ateco, e.ultima_divisione_ateco,
               e.ultima_ateco, e.ultima_comune
        FROM agg_eventi_cig e$q$, h, snap), '{n,ore_richieste,ore_autorizzate,lavoratori}',
        '{tipo,causale,esito,sezione_ateco,divisione_ateco,ateco,comune}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_cig';
END
$$;
-- +goose StatementEnd
-- Rebuilt by the next refresh (RefreshCubes); until then the event table answers.
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_eventi_cig', 'agg_cig');

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
CREATE OR REPLACE FUNCTION agg_fill_cube(tab text, base text, measures text[], own text[] DEFAULT NULL) RETURNS void LANGUAGE plpgsql
SET work_mem = '256MB' AS $$
DECLARE
    c record;
    keep text;
    sums text;
    firsts text;
    src text;
    ctes text := 'WITH ev AS MATERIALIZED (' || base || ')';
    bucket boolean;
    t0 timestamptz := clock_timestamp();
    mine text[];
    parent text[];
    prec text;
    cols text := array_to_string(measures, ', ');
BEGIN
    EXECUTE format('DELETE FROM %I', tab);
    SELECT string_agg(format('sum(%I) AS %I', m, m), ', ') INTO sums FROM unnest(measures) m;
    IF own IS NOT NULL THEN
        cols := cols || ', prime_mese, prime_trimestre, prime_anno, prime_sempre';
    END IF;
    FOR c IN SELECT * FROM agg_cuboidi WHERE tabella = tab ORDER BY cuboide LOOP
        IF c.da IS NOT NULL AND NOT c.dims <@ (SELECT dims FROM agg_cuboidi WHERE tabella = tab AND cuboide = c.da) THEN
            RAISE EXCEPTION 'cuboid % of % is not a roll-up of cuboid %', c.cuboide, tab, c.da;
        END IF;
        SELECT string_agg(format('%I', d), ', ') || ', ' INTO keep FROM unnest(c.dims) d;
        keep := COALESCE(keep, '');
        src := CASE WHEN c.da IS NULL THEN 'ev' ELSE 'c' || c.da END;
        firsts := '';
        IF own IS NOT NULL THEN
            -- The own columns that partition: a sector's section is its division's, a
            -- division is its code's (the CIG loader derives both from the code).
            mine := ARRAY(SELECT d FROM unnest(c.dims) d WHERE d = ANY(own)
                            AND NOT (d = 'sezione_ateco' AND c.dims && '{divisione_ateco,ateco}')
                            AND NOT (d = 'divisione_ateco' AND 'ateco' = ANY(c.dims)) ORDER BY d);
            parent := ARRAY(SELECT d FROM agg_cuboidi p, unnest(p.dims) d
                            WHERE p.tabella = tab AND p.cuboide = c.da AND d = ANY(own)
                            AND NOT (d = 'sezione_ateco' AND p.dims && '{divisione_ateco,ateco}')
                            AND NOT (d = 'divisione_ateco' AND 'ateco' = ANY(p.dims)) ORDER BY d);
            IF c.da IS NOT NULL AND (mine = parent OR cardinality(mine) > 1 AND cardinality(parent) > 1) THEN
                firsts := ', sum(prime_mese) AS prime_mese, sum(prime_trimestre) AS prime_trimestre, '
                    || 'sum(prime_anno) AS prime_anno, sum(prime_sempre) AS prime_sempre';
            ELSIF cardinality(mine) > 1 THEN
                firsts := ', NULL::bigint AS prime_mese, NULL::bigint AS prime_trimestre, '
                    || 'NULL::bigint AS prime_anno, NULL::bigint AS prime_sempre';
            ELSE
                -- Counted on the base rows: a parent keeping other own columns counts other firsts.
                src := 'ev';
                prec := CASE cardinality(mine) WHEN 0 THEN 'prec' ELSE 'prec_' || mine[1] END;
                -- The base rows carry the first days of their month, quarter and year.
                firsts := format(', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_mese)) AS prime_mese'
                    || ', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_trimestre)) AS prime_trimestre'
                    || ', count(*) FILTER (WHERE prima AND (%1$I IS NULL OR %1$I < inizio_anno)) AS prime_anno'
                    || ', count(*) FILTER (WHERE prima AND %1$I IS NULL) AS prime_sempre', prec);
            END IF;
        END IF;
        ctes := ctes || format(', c%s AS MATERIALIZED (SELECT evento, mese, %s%s%s FROM %s GROUP BY %s evento, mese)',
            c.cuboide, keep, sums, firsts, src, keep)
            || format(', i%s AS (INSERT INTO %I (cuboide, evento, mese, %s%s) SELECT %s, evento, mese, %s%s FROM c%s ORDER BY evento, mese)',
            c.cuboide, tab, keep, cols, c.cuboide, keep, cols, c.cuboide);
    END LOOP;
    EXECUTE ctes || ' SELECT 1';
    UPDATE agg_cuboidi SET righe = 0 WHERE tabella = tab;
    EXECUTE format('UPDATE agg_cuboidi u SET righe = r.n FROM (SELECT cuboide, count(*) AS n FROM %I GROUP BY 1) r
        WHERE u.tabella = %L AND u.cuboide = r.cuboide', tab, tab);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE mese = %L)', tab, '1900-01-01') INTO bucket;
    UPDATE agg_stato SET righe = (SELECT COALESCE(sum(righe), 0) FROM agg_cuboidi WHERE tabella = tab), prima = bucket,
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = tab;
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
    -- prima: a request of a known company (the event table's prec columns are the requests',
    -- NULL on authorisations).
    PERFORM agg_fill_cube('agg_cig', format($q$
        SELECT e.evento, agg_mese(e.data, %L) AS mese, e.tipo, e.causale, e.esito, e.sezione_ateco, e.divisione_ateco,
               e.ateco, e.comune, e.quartiere, e.zona, e.area_statistica, e.forma_giuridica, e.classe_forma,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.stato, e.addetti::integer AS addetti,
               agg_classe_eta(e.dt_iscrizione, %L) AS iscrizione_classe, 1::bigint AS n, e.ore_richieste, e.ore_autorizzate, e.lavoratori::bigint AS lavoratori,
               date_trunc('month', e.data::timestamp)::date AS inizio_mese, date_trunc('quarter', e.data::timestamp)::date AS inizio_trimestre,
               date_trunc('year', e.data::timestamp)::date AS inizio_anno,
               e.evento = 'D' AND e.codice_fiscale IS NOT NULL AS prima, e.prec, e.prec_tipo, e.prec_causale, e.prec_esito,
               e.prec_sezione_ateco, e.prec_divisione_ateco, e.prec_ateco, e.prec_comune
        FROM agg_eventi_cig e$q$, h, snap), '{n,ore_richieste,ore_autorizzate,lavoratori}',
        '{tipo,causale,esito,sezione_ateco,divisione_ateco,ateco,comune}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h, versione = v WHERE tabella = 'agg_cig';
END
$$;
-- +goose StatementEnd
ALTER TABLE agg_cig DROP COLUMN ultime;
ALTER TABLE agg_eventi_cig DROP COLUMN ultima, DROP COLUMN ultima_tipo, DROP COLUMN ultima_causale, DROP COLUMN ultima_esito,
    DROP COLUMN ultima_sezione_ateco, DROP COLUMN ultima_divisione_ateco, DROP COLUMN ultima_ateco, DROP COLUMN ultima_comune;
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_eventi_cig', 'agg_cig');
