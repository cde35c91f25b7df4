-- +goose Up
-- Pre-aggregated event cubes for the flow metrics (openings, closures, CIG, SUAP, grants), a
-- narrow pre-joined table of the granted rows, and roll-ups of the stock aggregate, so that
-- catalog queries over a million companies do not scan the register. Built only from the
-- reader-facing relations the compiler's detailed path reads (imprese at the latest snapshot,
-- cig_domande, suap_pratiche, contributi, agg_imprese_stock), with the same joins, so both
-- paths count the same rows (agent/semantic/cube_test.go compares them query by query).
--
-- A cube holds several cuboids: cuboid k keeps the columns agg_cuboidi.dims[k] and leaves the
-- others NULL. Every row is one (event, month, values of the kept columns) with its count and
-- sums. The compiler answers a query from the smallest cuboid that keeps every column its
-- dimensions and filters use; otherwise it reads the detailed tables. Columns keep the names
-- and codings of the source tables (the personal flags are 'S' or NULL, `addetti` the lower
-- bound of the size class), so the catalog's dimension SQL runs unchanged on them.
--
-- Months before `orizzonte` (in agg_stato) are kept as one row per combination dated
-- 1900-01-01: totals and growth rates still add up, and queries that need those months one by
-- one go to the detailed tables.
--
-- Rebuilding them reads every event (1.5 million for a million companies): several times the
-- cost of the stock aggregate, too much for the register load's transaction. So the load does
-- not wait for them: refresh_event_cubes() stamps them with the data version they were built
-- from (the latest committed load that is not a document), the compiler reads them only while
-- that is still the current version, and `conoscenza serve` rebuilds them in its own
-- transaction shortly after each load (agent/semantic.KeepCubesFresh). Until then the detailed
-- tables answer, with the same numbers.

CREATE TABLE agg_stato (
    tabella    text PRIMARY KEY,
    tipo       text NOT NULL CHECK (tipo IN ('cubo', 'fatti', 'stock')),
    versione   bigint,               -- the data version built from (agg_versione())
    as_of      date,                 -- the register snapshot the company attributes come from
    orizzonte  date,                 -- first month kept one by one
    prima      boolean NOT NULL DEFAULT false, -- some events are before the horizon (in one bucket)
    anomalie   bigint NOT NULL DEFAULT 0, -- companies closed before they were registered
    righe      bigint NOT NULL DEFAULT 0,
    durata_ms  integer,
    aggiornato timestamptz
);

CREATE TABLE agg_cuboidi (
    tabella text     NOT NULL REFERENCES agg_stato (tabella),
    cuboide smallint NOT NULL,
    dims    text[]   NOT NULL,       -- the columns this cuboid keeps
    da      smallint CHECK (da < cuboide), -- built from this (finer) cuboid; NULL: from the events
    righe   bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (tabella, cuboide)
);

CREATE TABLE agg_imprese_flussi (
    cuboide         smallint NOT NULL,
    evento          text     NOT NULL, -- A apertura (DT-ISCR-RI), C chiusura (DT-CESSAZ)
    mese            date     NOT NULL,
    quartiere       text,
    zona            text,
    area_statistica text,
    sezione_ateco   char(1),
    divisione_ateco char(2),
    ateco           text,
    forma_giuridica text,
    classe_forma    text,
    femminile       text,
    giovanile       text,
    straniera       text,
    artigiana       boolean,
    stato           text,
    addetti         integer,
    comune          text,
    dt_cessazione   date,            -- NULL or 1900-01-01: whether the company has ceased
    n               bigint NOT NULL
);
CREATE INDEX agg_imprese_flussi_key ON agg_imprese_flussi (cuboide, evento, mese);

CREATE TABLE agg_cig (
    cuboide         smallint NOT NULL,
    evento          text     NOT NULL, -- D domanda (DT-DOMANDA), U autorizzazione (DT-AUTORIZZAZIONE)
    mese            date     NOT NULL,
    tipo            text,
    causale         text,
    esito           text,
    sezione_ateco   char(1),             -- the request's own sector and comune
    divisione_ateco char(2),
    ateco           text,
    comune          text,
    quartiere       text,                -- the company's, from imprese
    zona            text,
    area_statistica text,
    forma_giuridica text,
    classe_forma    text,
    femminile       text,
    giovanile       text,
    straniera       text,
    artigiana       boolean,
    stato           text,
    addetti         integer,
    n               bigint NOT NULL,
    ore_richieste   numeric,
    ore_autorizzate numeric,
    lavoratori      bigint
);
CREATE INDEX agg_cig_key ON agg_cig (cuboide, evento, mese);

CREATE TABLE agg_suap (
    cuboide         smallint NOT NULL,
    evento          text     NOT NULL, -- P presentazione (DT-PRESENTAZIONE)
    mese            date     NOT NULL,
    tipo            text,
    settore         text,
    esito           text,
    quartiere       text,                -- the permit's own address
    zona            text,
    area_statistica text,
    sezione_ateco   char(1),             -- the company's, from imprese
    divisione_ateco char(2),
    ateco           text,
    forma_giuridica text,
    classe_forma    text,
    femminile       text,
    giovanile       text,
    straniera       text,
    artigiana       boolean,
    stato           text,
    addetti         integer,
    comune          text,
    n               bigint NOT NULL
);
CREATE INDEX agg_suap_key ON agg_suap (cuboide, evento, mese);

-- Grants as a cube: evento G is one granted row (by month of concession: amounts and counts),
-- evento B one (company, month with a grant), with `prev` the company's previous month with a
-- grant (NULL: none). Beneficiaries in a period [from, to] are then additive: a company is
-- counted once, at its first month with a grant in the period, the one whose previous month is
-- before `from`. B rows carry only company attributes (id_bando and esito NULL).
CREATE TABLE agg_contributi_cubo (
    cuboide          smallint NOT NULL,
    evento           text     NOT NULL,
    mese             date     NOT NULL,
    prev             date,
    id_bando         text,
    esito            text,
    quartiere        text,
    zona             text,
    area_statistica  text,
    sezione_ateco    char(1),
    divisione_ateco  char(2),
    forma_giuridica  text,
    classe_forma     text,
    femminile        text,
    giovanile        text,
    straniera        text,
    artigiana        boolean,
    stato            text,
    addetti          integer,
    comune           text,
    n                bigint NOT NULL,
    importo_concesso numeric
);
CREATE INDEX agg_contributi_cubo_key ON agg_contributi_cubo (cuboide, evento, mese);

-- Roll-ups of the stock aggregate (agg_imprese_stock, 60,000 rows for a million companies), so
-- that a stock query reads tens of rows. Every cuboid keeps stato and dt_cessazione, which the
-- stock metrics filter on. Cheap to build (from the aggregate): refresh_aggregates() does it in
-- the load's transaction.
CREATE TABLE agg_stock_cuboidi (
    cuboide       smallint NOT NULL,
    as_of         date     NOT NULL,
    quartiere     text,
    zona          text,
    sezione_ateco char(1),
    classe_forma  text,
    femminile     text,
    giovanile     text,
    straniera     text,
    artigiana     boolean,
    stato         text,
    addetti       integer,
    comune        text,
    dt_cessazione date,
    n             bigint   NOT NULL
);
CREATE INDEX agg_stock_cuboidi_key ON agg_stock_cuboidi (cuboide, as_of);

-- Grants: few rows, and beneficiaries are a distinct count (not additive), so the granted rows
-- themselves, with their company's attributes copied on. codice_fiscale is a number per
-- company (the rank of its code): counting distinct numbers gives the same count as counting
-- distinct codes, several times faster.
CREATE TABLE agg_contributi (
    id_bando         text NOT NULL,
    codice_fiscale   integer NOT NULL,
    esito            text NOT NULL,
    dt_concessione   date NOT NULL,
    importo_concesso numeric(14, 2),
    quartiere        text,
    zona             text,
    area_statistica  text,
    sezione_ateco    char(1),
    divisione_ateco  char(2),
    ateco            text,
    forma_giuridica  text,
    classe_forma     text,
    femminile        text,
    giovanile        text,
    straniera        text,
    artigiana        boolean,
    stato            text,
    addetti          integer,
    comune           text,
    dt_iscrizione    date
);
CREATE INDEX agg_contributi_dt ON agg_contributi (dt_concessione);

INSERT INTO agg_stato (tabella, tipo) VALUES
    ('agg_imprese_flussi', 'cubo'), ('agg_cig', 'cubo'), ('agg_suap', 'cubo'), ('agg_contributi', 'fatti'),
    ('agg_stock_cuboidi', 'stock'), ('agg_contributi_cubo', 'cubo');

-- Cuboids: a few wide ones read from the events, the narrow ones rolled up from them (cheap).
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_imprese_flussi', 1, '{quartiere,zona,area_statistica,femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_imprese_flussi', 2, '{sezione_ateco,divisione_ateco,classe_forma,femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_imprese_flussi', 3, '{forma_giuridica,classe_forma,artigiana,stato,addetti,comune}', NULL),
    ('agg_imprese_flussi', 4, '{quartiere,zona,sezione_ateco}', NULL),
    ('agg_imprese_flussi', 5, '{quartiere,zona,area_statistica}', 1),
    ('agg_imprese_flussi', 6, '{quartiere,zona,femminile,giovanile,straniera,artigiana}', 1),
    ('agg_imprese_flussi', 7, '{femminile,giovanile,straniera,artigiana}', 6),
    ('agg_imprese_flussi', 8, '{quartiere}', 5),
    ('agg_imprese_flussi', 9, '{}', 8),
    ('agg_imprese_flussi', 10, '{sezione_ateco,divisione_ateco}', 2),
    ('agg_imprese_flussi', 11, '{sezione_ateco,classe_forma,femminile,giovanile,straniera,artigiana}', 2),
    ('agg_imprese_flussi', 12, '{sezione_ateco}', 10),
    ('agg_imprese_flussi', 13, '{classe_forma,stato,addetti}', 3),
    -- The openings (evento A) are also the companies of the snapshot by month of registration:
    -- with stato and dt_cessazione they answer stock counts by age ("iscritte da meno di 36 mesi").
    ('agg_imprese_flussi', 14, '{stato,dt_cessazione,femminile,giovanile,straniera,artigiana,addetti,classe_forma}', NULL),
    ('agg_imprese_flussi', 15, '{stato,dt_cessazione,quartiere,zona,sezione_ateco}', NULL),
    ('agg_imprese_flussi', 16, '{stato,dt_cessazione,addetti,classe_forma}', 14),
    ('agg_imprese_flussi', 17, '{stato,dt_cessazione,femminile,giovanile,straniera,artigiana}', 14),
    ('agg_imprese_flussi', 18, '{stato,dt_cessazione,quartiere,zona}', 15),
    ('agg_imprese_flussi', 19, '{stato,dt_cessazione,sezione_ateco}', 15),
    ('agg_imprese_flussi', 20, '{stato,dt_cessazione}', 18),
    ('agg_imprese_flussi', 21, '{quartiere,femminile,giovanile,straniera}', 6),
    ('agg_cig', 1, '{tipo,causale,esito}', NULL),
    ('agg_cig', 2, '{quartiere,zona,area_statistica,femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_cig', 3, '{sezione_ateco,divisione_ateco,ateco,comune,tipo}', NULL),
    ('agg_cig', 4, '{forma_giuridica,classe_forma,stato,addetti,tipo}', NULL),
    ('agg_cig', 5, '{tipo}', 1),
    ('agg_cig', 6, '{}', 5),
    ('agg_cig', 7, '{quartiere,zona,area_statistica}', 2),
    ('agg_cig', 8, '{quartiere}', 7),
    ('agg_cig', 9, '{sezione_ateco,divisione_ateco}', 3),
    ('agg_cig', 10, '{quartiere,femminile,giovanile,straniera}', 2),
    ('agg_suap', 1, '{tipo,settore,esito,quartiere,zona,area_statistica}', NULL),
    ('agg_suap', 2, '{sezione_ateco,divisione_ateco,ateco,comune,tipo}', NULL),
    ('agg_suap', 3, '{femminile,giovanile,straniera,artigiana,classe_forma,forma_giuridica,stato,addetti,quartiere}', NULL),
    ('agg_suap', 4, '{tipo,quartiere,zona}', 1),
    ('agg_suap', 5, '{tipo,settore,esito}', 1),
    ('agg_suap', 6, '{quartiere,zona,area_statistica}', 1),
    ('agg_suap', 7, '{tipo}', 5),
    ('agg_suap', 8, '{}', 7),
    ('agg_contributi_cubo', 1, '{prev,id_bando,esito}', NULL),
    ('agg_contributi_cubo', 2, '{prev,quartiere,zona,area_statistica,femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_contributi_cubo', 3, '{prev,sezione_ateco,divisione_ateco,classe_forma,forma_giuridica,stato,addetti,comune}', NULL),
    ('agg_contributi_cubo', 4, '{prev}', 1),
    ('agg_contributi_cubo', 5, '{prev,quartiere,zona,area_statistica}', 2),
    ('agg_contributi_cubo', 6, '{prev,quartiere}', 5),
    ('agg_contributi_cubo', 7, '{prev,sezione_ateco}', 3),
    ('agg_contributi_cubo', 8, '{prev,quartiere,femminile,giovanile,straniera}', 2);
INSERT INTO agg_cuboidi (tabella, cuboide, dims) VALUES
    ('agg_stock_cuboidi', 1, '{quartiere,zona,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 2, '{sezione_ateco,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 3, '{classe_forma,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 4, '{femminile,giovanile,straniera,artigiana,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 5, '{quartiere,zona,femminile,giovanile,straniera,artigiana,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 6, '{sezione_ateco,femminile,giovanile,straniera,artigiana,classe_forma,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 7, '{addetti,classe_forma,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 8, '{comune,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 9, '{quartiere,zona,sezione_ateco,stato,dt_cessazione}'),
    ('agg_stock_cuboidi', 10, '{femminile,giovanile,straniera,artigiana,addetti,stato,dt_cessazione}');
INSERT INTO agg_cuboidi (tabella, cuboide, dims) VALUES
    ('agg_contributi', 0, '{id_bando,codice_fiscale,esito,dt_concessione,importo_concesso,quartiere,zona,area_statistica,sezione_ateco,divisione_ateco,ateco,forma_giuridica,classe_forma,femminile,giovanile,straniera,artigiana,stato,addetti,comune,dt_iscrizione}');

-- agg_fill_cube rebuilds one cube in one statement: the events (base: one row per event with the
-- cube's columns and measures) are read once into memory, each cuboid read from the events is
-- one hash aggregate over them, and each rolled-up cuboid an aggregate over its parent. Rows are
-- written in (event, month) order, so that a period is a few contiguous pages of its cuboid.
-- +goose StatementBegin
CREATE FUNCTION agg_fill_cube(tab text, base text, measures text[]) RETURNS void LANGUAGE plpgsql
SET work_mem = '256MB' AS $$
DECLARE
    c record;
    keep text;
    sums text;
    ctes text := 'WITH ev AS MATERIALIZED (' || base || ')';
    bucket boolean;
    t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE format('DELETE FROM %I', tab);
    SELECT string_agg(format('sum(%I) AS %I', m, m), ', ') INTO sums FROM unnest(measures) m;
    FOR c IN SELECT * FROM agg_cuboidi WHERE tabella = tab ORDER BY cuboide LOOP
        IF c.da IS NOT NULL AND NOT c.dims <@ (SELECT dims FROM agg_cuboidi WHERE tabella = tab AND cuboide = c.da) THEN
            RAISE EXCEPTION 'cuboid % of % is not a roll-up of cuboid %', c.cuboide, tab, c.da;
        END IF;
        SELECT string_agg(format('%I', d), ', ') || ', ' INTO keep FROM unnest(c.dims) d;
        keep := COALESCE(keep, '');
        ctes := ctes || format(', c%s AS MATERIALIZED (SELECT evento, mese, %s%s FROM %s GROUP BY %s evento, mese)',
            c.cuboide, keep, sums, CASE WHEN c.da IS NULL THEN 'ev' ELSE 'c' || c.da END, keep)
            || format(', i%s AS (INSERT INTO %I (cuboide, evento, mese, %s%s) SELECT %s, evento, mese, %s%s FROM c%s ORDER BY evento, mese)',
            c.cuboide, tab, keep, array_to_string(measures, ', '), c.cuboide, keep, array_to_string(measures, ', '), c.cuboide);
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

-- agg_mese is the month an event date falls in, or 1900-01-01 before the horizon.
-- +goose StatementBegin
CREATE FUNCTION agg_mese(d date, h date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d IS NULL THEN NULL WHEN d < h THEN date '1900-01-01' ELSE date_trunc('month', d)::date END
$$;
-- +goose StatementEnd

-- agg_horizon: months are kept one by one from January, twenty years before the snapshot.
-- +goose StatementBegin
CREATE FUNCTION agg_horizon(snap date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT make_date(extract(year FROM COALESCE(snap, current_date))::int - 20, 1, 1)
$$;
-- +goose StatementEnd

-- The size class of a company, as the lower bound of the class (as in agg_imprese_stock).
-- +goose StatementBegin
CREATE FUNCTION agg_addetti(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n IS NULL THEN NULL WHEN n = 0 THEN 0 WHEN n < 10 THEN 1 WHEN n < 50 THEN 10
                WHEN n < 250 THEN 50 ELSE 250 END
$$;
-- +goose StatementEnd

-- Openings and closures of the companies in the latest snapshot, as the detailed path reads them
-- (imprese WHERE last_as_of = the snapshot).
-- +goose StatementBegin
CREATE FUNCTION refresh_agg_flussi() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    h date := agg_horizon(snap);
BEGIN
    PERFORM agg_fill_cube('agg_imprese_flussi', format($q$
        SELECT e.evento, agg_mese(CASE e.evento WHEN 'A' THEN i.dt_iscrizione ELSE i.dt_cessazione END, %L) AS mese,
               i.quartiere, i.zona, i.area_statistica, i.sezione_ateco, i.divisione_ateco, i.ateco, i.forma_giuridica,
               i.classe_forma, CASE WHEN i.femminile IS NOT NULL THEN 'S' END AS femminile,
               CASE WHEN i.giovanile IS NOT NULL THEN 'S' END AS giovanile,
               CASE WHEN i.straniera IS NOT NULL THEN 'S' END AS straniera, i.artigiana, i.stato,
               agg_addetti(i.addetti) AS addetti, i.comune,
               CASE WHEN i.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione, 1::bigint AS n
        FROM imprese i CROSS JOIN (VALUES ('A'), ('C')) e(evento)
        WHERE i.last_as_of = %L AND (e.evento = 'A' OR i.dt_cessazione IS NOT NULL)$q$, h, snap), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h,
        anomalie = (SELECT count(*) FROM imprese WHERE last_as_of = snap AND dt_cessazione < dt_iscrizione)
    WHERE tabella = 'agg_imprese_flussi';
END
$$;
-- +goose StatementEnd

-- CIG requests (by request date) and authorisations (by authorisation date), with the company's
-- attributes as the detailed path joins them (LEFT JOIN imprese, every company ever loaded).
-- +goose StatementBegin
CREATE FUNCTION refresh_agg_cig() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    h date := agg_horizon(snap);
BEGIN
    PERFORM agg_fill_cube('agg_cig', format($q$
        SELECT e.evento, agg_mese(CASE e.evento WHEN 'D' THEN c.dt_domanda ELSE c.dt_autorizzazione END, %L) AS mese,
               c.tipo, c.causale, c.esito, c.sezione_ateco, c.divisione_ateco, c.ateco, c.comune,
               i.quartiere, i.zona, i.area_statistica, i.forma_giuridica, i.classe_forma,
               CASE WHEN i.femminile IS NOT NULL THEN 'S' END AS femminile,
               CASE WHEN i.giovanile IS NOT NULL THEN 'S' END AS giovanile,
               CASE WHEN i.straniera IS NOT NULL THEN 'S' END AS straniera, i.artigiana, i.stato,
               agg_addetti(i.addetti) AS addetti, 1::bigint AS n,
               CASE WHEN e.evento = 'D' THEN c.ore_richieste END AS ore_richieste,
               CASE WHEN e.evento = 'U' THEN c.ore_autorizzate END AS ore_autorizzate,
               CASE WHEN e.evento = 'D' THEN c.lavoratori END::bigint AS lavoratori
        FROM cig_domande c LEFT JOIN imprese i ON i.codice_fiscale = c.codice_fiscale
        CROSS JOIN (VALUES ('D'), ('U')) e(evento)
        WHERE e.evento = 'D' OR c.dt_autorizzazione IS NOT NULL$q$, h), '{n,ore_richieste,ore_autorizzate,lavoratori}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h WHERE tabella = 'agg_cig';
END
$$;
-- +goose StatementEnd

-- SUAP permits by submission date, with their own address and the company's other attributes.
-- +goose StatementBegin
CREATE FUNCTION refresh_agg_suap() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    h date := agg_horizon(snap);
BEGIN
    PERFORM agg_fill_cube('agg_suap', format($q$
        SELECT 'P'::text AS evento, agg_mese(s.dt_presentazione, %L) AS mese, s.tipo, s.settore, s.esito,
               s.quartiere, s.zona, s.area_statistica, i.sezione_ateco, i.divisione_ateco, i.ateco, i.forma_giuridica,
               i.classe_forma, CASE WHEN i.femminile IS NOT NULL THEN 'S' END AS femminile,
               CASE WHEN i.giovanile IS NOT NULL THEN 'S' END AS giovanile,
               CASE WHEN i.straniera IS NOT NULL THEN 'S' END AS straniera, i.artigiana, i.stato,
               agg_addetti(i.addetti) AS addetti, i.comune, 1::bigint AS n
        FROM suap_pratiche s LEFT JOIN imprese i ON i.codice_fiscale = s.codice_fiscale$q$, h), '{n}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h WHERE tabella = 'agg_suap';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_contributi() RETURNS void LANGUAGE plpgsql AS $$
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
CREATE FUNCTION refresh_agg_contributi_cubo() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    h date := agg_horizon(snap);
BEGIN
    PERFORM agg_fill_cube('agg_contributi_cubo', format($q$
        WITH g AS (SELECT * FROM contributi WHERE esito = 'CONCESSO' AND dt_concessione IS NOT NULL),
        m AS (SELECT codice_fiscale, mese, lag(mese) OVER (PARTITION BY codice_fiscale ORDER BY mese) AS prev
              FROM (SELECT DISTINCT codice_fiscale, date_trunc('month', dt_concessione)::date AS mese FROM g) d),
        e AS (SELECT 'G' AS evento, dt_concessione AS d, NULL::date AS prev, id_bando, esito, codice_fiscale,
                     importo_concesso FROM g
              UNION ALL
              SELECT 'B', mese, prev, NULL, NULL, codice_fiscale, NULL FROM m)
        SELECT e.evento, agg_mese(e.d, %1$L) AS mese, agg_mese(e.prev, %1$L) AS prev, e.id_bando, e.esito,
               i.quartiere, i.zona, i.area_statistica, i.sezione_ateco, i.divisione_ateco, i.forma_giuridica,
               i.classe_forma, CASE WHEN i.femminile IS NOT NULL THEN 'S' END AS femminile,
               CASE WHEN i.giovanile IS NOT NULL THEN 'S' END AS giovanile,
               CASE WHEN i.straniera IS NOT NULL THEN 'S' END AS straniera, i.artigiana, i.stato,
               agg_addetti(i.addetti) AS addetti, i.comune, 1::bigint AS n, e.importo_concesso
        FROM e LEFT JOIN imprese i ON i.codice_fiscale = e.codice_fiscale$q$, h), '{n,importo_concesso}');
    UPDATE agg_stato SET as_of = snap, orizzonte = h WHERE tabella = 'agg_contributi_cubo';
END
$$;
-- +goose StatementEnd

-- refresh_agg_stock rolls the stock aggregate up into its cuboids.
-- +goose StatementBegin
CREATE FUNCTION refresh_agg_stock() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c record;
    keep text;
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_stock_cuboidi;
    FOR c IN SELECT * FROM agg_cuboidi WHERE tabella = 'agg_stock_cuboidi' ORDER BY cuboide LOOP
        SELECT string_agg(format('%I', d), ', ') INTO keep FROM unnest(c.dims) d;
        EXECUTE format('INSERT INTO agg_stock_cuboidi (cuboide, as_of, %s, n) SELECT %s, as_of, %s, sum(n) FROM agg_imprese_stock GROUP BY as_of, %s',
            keep, c.cuboide, keep, keep);
    END LOOP;
    UPDATE agg_cuboidi u SET righe = COALESCE((SELECT count(*) FROM agg_stock_cuboidi s WHERE s.cuboide = u.cuboide), 0)
    WHERE tabella = 'agg_stock_cuboidi';
    UPDATE agg_stato SET as_of = (SELECT max(as_of) FROM agg_imprese_stock),
        righe = (SELECT count(*) FROM agg_stock_cuboidi),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_stock_cuboidi';
END
$$;
-- +goose StatementEnd

-- refresh_aggregates: migration 00031's stock aggregate, then its roll-ups (the register load
-- and the street-register load call it in their transaction).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM agg_imprese_stock;
    INSERT INTO agg_imprese_stock
    SELECT s.as_of, i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile,
           i.straniera, i.artigiana, i.stato,
           CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END,
           i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
    FROM imprese i JOIN (SELECT max(as_of) AS as_of FROM register_snapshots) s ON i.last_as_of = s.as_of
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
    PERFORM refresh_agg_stock();
END
$$;
-- +goose StatementEnd

-- The data version the event cubes follow: any committed load but documents (a register
-- snapshot, a street register that re-attributes addresses, CIG, SUAP, grants).
-- +goose StatementBegin
CREATE FUNCTION agg_versione() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches WHERE status = 'committed' AND kind <> 'docs'
$$;
-- +goose StatementEnd

-- refresh_event_cubes rebuilds the four cubes and stamps them with the version they were
-- built from; it returns false without doing anything when they are current or another
-- session is rebuilding them.
-- +goose StatementBegin
CREATE FUNCTION refresh_event_cubes(force boolean DEFAULT false) RETURNS boolean LANGUAGE plpgsql AS $$
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

SELECT refresh_agg_stock();
SELECT refresh_event_cubes();

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_stato, agg_cuboidi, agg_imprese_flussi, agg_cig, agg_suap, agg_contributi,
            agg_stock_cuboidi, agg_contributi_cubo TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_aggregates() RETURNS void LANGUAGE sql AS $$
    DELETE FROM agg_imprese_stock;
    INSERT INTO agg_imprese_stock
    SELECT s.as_of, i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile,
           i.straniera, i.artigiana, i.stato,
           CASE WHEN i.addetti IS NULL THEN NULL WHEN i.addetti = 0 THEN 0 WHEN i.addetti < 10 THEN 1
                WHEN i.addetti < 50 THEN 10 WHEN i.addetti < 250 THEN 50 ELSE 250 END,
           i.comune, CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date '1900-01-01' END, count(*)
    FROM imprese i JOIN (SELECT max(as_of) AS as_of FROM register_snapshots) s ON i.last_as_of = s.as_of
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS refresh_agg_contributi_cubo(), refresh_agg_stock(), refresh_event_cubes(boolean), agg_versione(), refresh_agg_flussi(), refresh_agg_cig(),
    refresh_agg_suap(), refresh_agg_contributi(), agg_fill_cube(text, text, text[]), agg_mese(date, date),
    agg_horizon(date), agg_addetti(integer);
DROP TABLE IF EXISTS agg_contributi_cubo, agg_stock_cuboidi, agg_contributi, agg_suap, agg_cig, agg_imprese_flussi, agg_cuboidi, agg_stato;
