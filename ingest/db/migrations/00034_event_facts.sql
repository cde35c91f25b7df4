-- +goose Up
-- Pre-joined event tables: one narrow row per event (an opening or closure of a company of the
-- latest snapshot, a CIG request or authorisation, a SUAP permit) with its exact date and the
-- company's attributes copied on, under the same column names and codings as the event cubes
-- of 00032 (the personal flags 'S' or NULL, `addetti` the lower bound of the size class), plus
-- the registration date (the company's age) and, for the register, the real cessation date.
--
-- They answer, exactly, what no cuboid keeps: any combination of dimensions, the company's age,
-- days that cut a month (a cuboid's whole months joined with the edge days read here), and,
-- from the openings (every company of the snapshot is one), stock counts by any dimension.
-- They are the cubes' source too: a cube is rolled up from its event table, not from the join
-- of a million companies. The compiler reads them only while they are current (agg_stato).
--
-- Each aggregate now follows only the loads it is built from (agg_versione_di): a CIG load no
-- longer makes the register's cubes stale. They are rebuilt one by one, each in its own
-- transaction, the event tables first (agent/semantic.RefreshCubes).

ALTER TABLE agg_stato DROP CONSTRAINT agg_stato_tipo_check;
ALTER TABLE agg_stato ADD CONSTRAINT agg_stato_tipo_check CHECK (tipo IN ('cubo', 'fatti', 'stock', 'eventi'));

CREATE TABLE agg_eventi_imprese (
    evento          text NOT NULL,   -- A apertura (DT-ISCR-RI), C chiusura (DT-CESSAZ)
    data            date,            -- the event's date
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
CREATE INDEX agg_eventi_imprese_key ON agg_eventi_imprese (evento, data);

CREATE TABLE agg_eventi_cig (
    evento          text NOT NULL,   -- D domanda (DT-DOMANDA), U autorizzazione (DT-AUTORIZZAZIONE)
    data            date,
    dt_iscrizione   date,            -- the company's
    addetti         smallint,
    n               smallint NOT NULL DEFAULT 1,
    artigiana       boolean,
    sezione_ateco   char(1),         -- the request's own sector and comune
    divisione_ateco char(2),
    lavoratori      integer,
    ore_richieste   numeric,
    ore_autorizzate numeric,
    tipo            text,
    causale         text,
    esito           text,
    ateco           text,
    comune          text,
    femminile       text,            -- the company's, from imprese
    giovanile       text,
    straniera       text,
    stato           text,
    classe_forma    text,
    forma_giuridica text,
    quartiere       text,
    zona            text,
    area_statistica text
);
CREATE INDEX agg_eventi_cig_key ON agg_eventi_cig (evento, data);

CREATE TABLE agg_eventi_suap (
    evento          text NOT NULL,   -- P presentazione (DT-PRESENTAZIONE)
    data            date,
    dt_iscrizione   date,            -- the company's
    addetti         smallint,
    n               smallint NOT NULL DEFAULT 1,
    artigiana       boolean,
    sezione_ateco   char(1),         -- the company's
    divisione_ateco char(2),
    tipo            text,
    settore         text,
    esito           text,
    quartiere       text,            -- the permit's own address
    zona            text,
    area_statistica text,
    femminile       text,
    giovanile       text,
    straniera       text,
    stato           text,
    classe_forma    text,
    forma_giuridica text,
    ateco           text,
    comune          text
);
CREATE INDEX agg_eventi_suap_key ON agg_eventi_suap (evento, data);

INSERT INTO agg_stato (tabella, tipo) VALUES
    ('agg_eventi_imprese', 'eventi'), ('agg_eventi_cig', 'eventi'), ('agg_eventi_suap', 'eventi');
INSERT INTO agg_cuboidi (tabella, cuboide, dims) VALUES
    ('agg_eventi_imprese', 0, '{dt_iscrizione,dt_cessazione,addetti,artigiana,sezione_ateco,divisione_ateco,femminile,giovanile,straniera,stato,classe_forma,forma_giuridica,quartiere,zona,area_statistica,ateco,comune}'),
    ('agg_eventi_cig', 0, '{dt_iscrizione,addetti,artigiana,sezione_ateco,divisione_ateco,tipo,causale,esito,ateco,comune,femminile,giovanile,straniera,stato,classe_forma,forma_giuridica,quartiere,zona,area_statistica}'),
    ('agg_eventi_suap', 0, '{dt_iscrizione,addetti,artigiana,sezione_ateco,divisione_ateco,tipo,settore,esito,quartiere,zona,area_statistica,femminile,giovanile,straniera,stato,classe_forma,forma_giuridica,ateco,comune}');

-- Openings and closures by ATECO code (with section and division).
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_imprese_flussi', 22, '{sezione_ateco,divisione_ateco,ateco}', NULL);

-- The stock by division (and code) with the personal flags and size: the shapes of
-- agg_stock_dettaglio that a personal attribute or the size class would otherwise send to the
-- register.
ALTER TABLE agg_stock_dettaglio ADD COLUMN femminile text, ADD COLUMN giovanile text, ADD COLUMN straniera text,
    ADD COLUMN artigiana boolean, ADD COLUMN addetti integer, ADD COLUMN comune text;
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_stock_dettaglio', 6, '{stato,dt_cessazione,sezione_ateco,divisione_ateco,femminile,giovanile,straniera,artigiana,addetti,classe_forma}', NULL),
    ('agg_stock_dettaglio', 7, '{stato,dt_cessazione,sezione_ateco,divisione_ateco,femminile,giovanile,straniera,artigiana}', 6),
    ('agg_stock_dettaglio', 8, '{stato,dt_cessazione,quartiere,zona,area_statistica,femminile,giovanile,straniera,artigiana}', NULL),
    ('agg_stock_dettaglio', 9, '{stato,dt_cessazione,ateco,femminile,giovanile,straniera}', NULL),
    -- Every attribute but the statistical area, the code and the age (a tenth of the companies'
    -- rows): the breakdowns no narrower cuboid keeps.
    ('agg_stock_dettaglio', 10, '{stato,dt_cessazione,quartiere,zona,sezione_ateco,divisione_ateco,forma_giuridica,classe_forma,femminile,giovanile,straniera,artigiana,addetti,comune}', NULL);

-- The loads an aggregate is built from: every committed load but documents and the other
-- event sources (a register snapshot and the street register change every company's attributes).
-- +goose StatementBegin
CREATE FUNCTION agg_versione_di(tab text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT COALESCE(max(id), 0) FROM load_batches
    WHERE status = 'committed' AND kind <> 'docs' AND kind <> ALL (CASE
        WHEN tab IN ('agg_cig', 'agg_eventi_cig') THEN ARRAY['suap', 'contributi']
        WHEN tab IN ('agg_suap', 'agg_eventi_suap') THEN ARRAY['cig', 'contributi']
        WHEN tab IN ('agg_contributi', 'agg_contributi_cubo') THEN ARRAY['cig', 'suap']
        WHEN tab IN ('agg_imprese_flussi', 'agg_eventi_imprese', 'agg_stock_dettaglio') THEN ARRAY['cig', 'suap', 'contributi']
        ELSE ARRAY[]::text[] END)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_eventi_imprese() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    v bigint := agg_versione_di('agg_eventi_imprese');
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_eventi_imprese;
    INSERT INTO agg_eventi_imprese (evento, data, dt_iscrizione, dt_cessazione, addetti, artigiana, sezione_ateco,
        divisione_ateco, femminile, giovanile, straniera, stato, classe_forma, forma_giuridica, quartiere, zona,
        area_statistica, ateco, comune)
    SELECT e.evento, CASE e.evento WHEN 'A' THEN i.dt_iscrizione ELSE i.dt_cessazione END, i.dt_iscrizione,
           i.dt_cessazione, agg_addetti(i.addetti), i.artigiana, i.sezione_ateco, i.divisione_ateco,
           CASE WHEN i.femminile IS NOT NULL THEN 'S' END, CASE WHEN i.giovanile IS NOT NULL THEN 'S' END,
           CASE WHEN i.straniera IS NOT NULL THEN 'S' END, i.stato, i.classe_forma, i.forma_giuridica,
           i.quartiere, i.zona, i.area_statistica, i.ateco, i.comune
    FROM imprese i CROSS JOIN (VALUES ('A'), ('C')) e(evento)
    WHERE i.last_as_of = snap AND (e.evento = 'A' OR i.dt_cessazione IS NOT NULL)
    ORDER BY 1, 2;
    UPDATE agg_stato SET as_of = snap, versione = v, righe = (SELECT count(*) FROM agg_eventi_imprese),
        anomalie = (SELECT count(*) FROM agg_eventi_imprese WHERE evento = 'C' AND dt_cessazione < dt_iscrizione),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_eventi_imprese';
    UPDATE agg_cuboidi SET righe = (SELECT righe FROM agg_stato WHERE tabella = 'agg_eventi_imprese') WHERE tabella = 'agg_eventi_imprese';
    RETURN v;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_eventi_cig() RETURNS bigint LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE FUNCTION refresh_agg_eventi_suap() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    snap date := (SELECT max(as_of) FROM register_snapshots);
    v bigint := agg_versione_di('agg_eventi_suap');
    t0 timestamptz := clock_timestamp();
BEGIN
    DELETE FROM agg_eventi_suap;
    INSERT INTO agg_eventi_suap (evento, data, dt_iscrizione, addetti, artigiana, sezione_ateco, divisione_ateco,
        tipo, settore, esito, quartiere, zona, area_statistica, femminile, giovanile, straniera, stato,
        classe_forma, forma_giuridica, ateco, comune)
    SELECT 'P', s.dt_presentazione, i.dt_iscrizione, agg_addetti(i.addetti), i.artigiana, i.sezione_ateco,
           i.divisione_ateco, s.tipo, s.settore, s.esito, s.quartiere, s.zona, s.area_statistica,
           CASE WHEN i.femminile IS NOT NULL THEN 'S' END, CASE WHEN i.giovanile IS NOT NULL THEN 'S' END,
           CASE WHEN i.straniera IS NOT NULL THEN 'S' END, i.stato, i.classe_forma, i.forma_giuridica,
           i.ateco, i.comune
    FROM suap_pratiche s LEFT JOIN imprese i ON i.codice_fiscale = s.codice_fiscale
    ORDER BY 2;
    UPDATE agg_stato SET as_of = snap, versione = v, righe = (SELECT count(*) FROM agg_eventi_suap),
        durata_ms = (extract(epoch FROM clock_timestamp() - t0) * 1000)::int, aggiornato = now()
    WHERE tabella = 'agg_eventi_suap';
    UPDATE agg_cuboidi SET righe = (SELECT righe FROM agg_stato WHERE tabella = 'agg_eventi_suap') WHERE tabella = 'agg_eventi_suap';
    RETURN v;
END
$$;
-- +goose StatementEnd

-- The cubes are rolled up from the event tables (built first, in an earlier transaction): each
-- carries the version of the event table it was read from. If that table is stale, it is
-- rebuilt first in the same transaction.
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

-- agg_stock_dettaglio from the openings (every company of the snapshot), now with the flags.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_stock_dettaglio() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    snap date;
    v bigint;
BEGIN
    SELECT versione, as_of INTO v, snap FROM agg_stato WHERE tabella = 'agg_eventi_imprese';
    IF v IS DISTINCT FROM agg_versione_di('agg_eventi_imprese') THEN
        v := refresh_agg_eventi_imprese();
        snap := (SELECT as_of FROM agg_stato WHERE tabella = 'agg_eventi_imprese');
    END IF;
    PERFORM agg_fill_cube('agg_stock_dettaglio', $q$
        SELECT 'S'::text AS evento, date '1900-01-01' AS mese, e.quartiere, e.zona, e.area_statistica,
               e.sezione_ateco, e.divisione_ateco, e.ateco, e.forma_giuridica, e.classe_forma, e.stato,
               CASE WHEN e.dt_cessazione IS NOT NULL THEN date '1900-01-01' END AS dt_cessazione,
               e.femminile, e.giovanile, e.straniera, e.artigiana, e.addetti::integer AS addetti, e.comune, 1::bigint AS n
        FROM agg_eventi_imprese e WHERE e.evento = 'A'$q$, '{n}');
    UPDATE agg_stato SET as_of = snap, versione = v WHERE tabella = 'agg_stock_dettaglio';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_contributi_all() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v bigint := agg_versione_di('agg_contributi');
BEGIN
    PERFORM refresh_agg_contributi();
    PERFORM refresh_agg_contributi_cubo();
    UPDATE agg_stato SET versione = v WHERE tabella IN ('agg_contributi', 'agg_contributi_cubo');
END
$$;
-- +goose StatementEnd

-- agg_stale lists the aggregates built outside the load that are not current, in the order
-- they should be rebuilt: the event tables first (cheap, and every other one reads them).
-- +goose StatementBegin
CREATE FUNCTION agg_stale() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT tabella FROM agg_stato
    WHERE tipo <> 'stock' AND tabella <> 'agg_contributi_cubo' AND versione IS DISTINCT FROM agg_versione_di(tabella)
    ORDER BY CASE tabella WHEN 'agg_eventi_cig' THEN 1 WHEN 'agg_eventi_suap' THEN 2 WHEN 'agg_eventi_imprese' THEN 3
        WHEN 'agg_contributi' THEN 4 WHEN 'agg_stock_dettaglio' THEN 5 WHEN 'agg_cig' THEN 6 WHEN 'agg_suap' THEN 7
        ELSE 8 END, tabella
$$;
-- +goose StatementEnd

-- refresh_agg rebuilds one aggregate (under the rebuild lock; false if another session holds it
-- or the aggregate is already current).
-- +goose StatementBegin
CREATE FUNCTION refresh_agg(tab text) RETURNS boolean LANGUAGE plpgsql AS $$
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

-- refresh_event_cubes (00032): every stale aggregate in one transaction (migrations and tests).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_event_cubes(force boolean DEFAULT false) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    t text;
    done boolean := false;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('refresh_event_cubes')) THEN
        RETURN false;
    END IF;
    IF force THEN
        UPDATE agg_stato SET versione = NULL WHERE tipo <> 'stock';
    END IF;
    FOR t IN SELECT * FROM agg_stale() LOOP
        done := refresh_agg(t) OR done;
    END LOOP;
    RETURN done;
END
$$;
-- +goose StatementEnd

UPDATE agg_stato SET versione = NULL WHERE tipo <> 'stock';
SELECT refresh_event_cubes();

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_eventi_imprese, agg_eventi_cig, agg_eventi_suap TO conoscenza_ro;
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
    PERFORM refresh_agg_stock_dettaglio();
    UPDATE agg_stato SET versione = v WHERE tipo <> 'stock';
    RETURN true;
END
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS refresh_agg(text), agg_stale(), refresh_agg_contributi_all(), refresh_agg_eventi_imprese(),
    refresh_agg_eventi_cig(), refresh_agg_eventi_suap();
-- The cubes' functions of 00032/00033 read the register again.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_flussi() RETURNS void LANGUAGE plpgsql AS $$
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
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_cig() RETURNS void LANGUAGE plpgsql AS $$
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
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_suap() RETURNS void LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION refresh_agg_stock_dettaglio() RETURNS void LANGUAGE plpgsql AS $$
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
DROP FUNCTION IF EXISTS agg_versione_di(text);
DELETE FROM agg_cuboidi WHERE tabella IN ('agg_eventi_imprese', 'agg_eventi_cig', 'agg_eventi_suap')
    OR (tabella = 'agg_stock_dettaglio' AND cuboide > 5) OR (tabella = 'agg_imprese_flussi' AND cuboide = 22);
DELETE FROM agg_imprese_flussi WHERE cuboide = 22;
DELETE FROM agg_stato WHERE tabella IN ('agg_eventi_imprese', 'agg_eventi_cig', 'agg_eventi_suap');
DELETE FROM agg_stock_dettaglio WHERE cuboide > 5;
ALTER TABLE agg_stock_dettaglio DROP COLUMN femminile, DROP COLUMN giovanile, DROP COLUMN straniera,
    DROP COLUMN artigiana, DROP COLUMN addetti, DROP COLUMN comune;
DROP TABLE IF EXISTS agg_eventi_imprese, agg_eventi_cig, agg_eventi_suap;
ALTER TABLE agg_stato DROP CONSTRAINT agg_stato_tipo_check;
ALTER TABLE agg_stato ADD CONSTRAINT agg_stato_tipo_check CHECK (tipo IN ('cubo', 'fatti', 'stock'));
UPDATE agg_stato SET versione = NULL WHERE tipo <> 'stock';
