-- +goose Up
-- The month-less cuboids (00053) record, as `anomalie`, what would make a growth rate read
-- from them inexact: companies closed before they were registered (their event table's count)
-- and events with no date (left out of the cuboids, but a group of their own on the detailed
-- path). A growth rate along dimensions no monthly cuboid keeps then reads a month-less cuboid
-- (every event) with the events since the period's start (agent/semantic/compile.go), instead
-- of every opening of the event table, when both are current and the count is zero.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_totali(tab text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ev text := CASE tab WHEN 'agg_imprese_totali' THEN 'agg_eventi_imprese' WHEN 'agg_cig_totali' THEN 'agg_eventi_cig'
        WHEN 'agg_suap_totali' THEN 'agg_eventi_suap' END;
    snap date;
    v bigint;
    undated bigint;
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
    -- Growth rates read these with the events since the period's start (compile.go): exact only
    -- if no company closed before it was registered and every event is dated.
    EXECUTE format('SELECT count(*) FROM %I WHERE data IS NULL', ev) INTO undated;
    UPDATE agg_stato SET as_of = snap, versione = v,
        anomalie = undated + (SELECT anomalie FROM agg_stato WHERE tabella = ev)
    WHERE tabella = tab;
END
$$;
-- +goose StatementEnd
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_imprese_totali', 'agg_cig_totali', 'agg_suap_totali');

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_agg_totali(tab text) RETURNS void LANGUAGE plpgsql AS $$
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
