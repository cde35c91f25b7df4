-- +goose Up
-- The roll-ups of the stock aggregate for every loaded register snapshot, not only the latest:
-- a stock query as of an earlier snapshot ("imprese attive a fine 2025", a stock compared with
-- the previous month or the same month a year before) read the register's history
-- (imprese_storia: every version valid at that date, about a million rows) in 0.4-0.7 s.
--
-- agg_stock_storia holds, per snapshot date, the rows agg_stock_cuboidi had when that snapshot
-- was the latest: the same cuboids (agg_cuboidi, tabella 'agg_stock_cuboidi'), columns and
-- counts. A snapshot's rows are written in the load's transaction (agg_stock_storia_salva), so
-- they never disagree with the register; a snapshot with none of them is read from the
-- history as before. Every loaded snapshot's history is immutable (snapshots load in date
-- order, corrections are refused) except through a new street register, which re-attributes
-- every version: that load keeps only the latest snapshot's rows.
CREATE TABLE agg_stock_storia (
    as_of         date     NOT NULL,
    cuboide       smallint NOT NULL,
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
CREATE INDEX agg_stock_storia_as_of ON agg_stock_storia (as_of, cuboide);

-- agg_stock_storia_salva records the latest snapshot's roll-ups (replacing any rows of that
-- date); with reattributed (a street register load) the earlier snapshots' rows go: their
-- territory is no longer the register's.
-- +goose StatementBegin
CREATE FUNCTION agg_stock_storia_salva(reattributed boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    d       date := (SELECT as_of FROM agg_stock_data);
    written bigint;
BEGIN
    IF reattributed THEN
        DELETE FROM agg_stock_storia;
    ELSE
        DELETE FROM agg_stock_storia WHERE as_of = d;
    END IF;
    IF d IS NULL THEN
        RETURN 0;
    END IF;
    INSERT INTO agg_stock_storia (as_of, cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile,
        straniera, artigiana, stato, addetti, comune, dt_cessazione, n)
    SELECT d, cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
           addetti, comune, dt_cessazione, n
    FROM agg_stock_cuboidi_gruppi;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;
-- +goose StatementEnd

-- agg_stock_storia_ricostruisci counts the roll-ups of the snapshot d from the register's
-- history, as the semantic layer's detailed path reads it (every version valid at d), for the
-- snapshots loaded before this migration.
-- +goose StatementBegin
CREATE FUNCTION agg_stock_storia_ricostruisci(d date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    q text := agg_stock_cuboidi_select(format(
        '(SELECT i.quartiere, i.zona, i.sezione_ateco, i.classe_forma, i.femminile, i.giovanile, i.straniera, i.artigiana,
                 i.stato, agg_addetti(i.addetti) AS addetti, i.comune,
                 CASE WHEN i.dt_cessazione IS NULL THEN NULL ELSE date ''1900-01-01'' END AS dt_cessazione, 1 AS n
          FROM imprese_storia i WHERE i.valid_from <= %1$L AND (i.valid_to IS NULL OR i.valid_to > %1$L)) g', d));
BEGIN
    DELETE FROM agg_stock_storia WHERE as_of = d;
    IF q IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('INSERT INTO agg_stock_storia (as_of, cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile,
            giovanile, straniera, artigiana, stato, addetti, comune, dt_cessazione, n)
        SELECT %L, cuboide, quartiere, zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
               addetti, comune, dt_cessazione, n FROM (%s) c WHERE n <> 0', d, q);
END
$$;
-- +goose StatementEnd

-- The snapshots loaded so far: the latest from its roll-ups, the earlier ones from the history.
-- +goose StatementBegin
DO $$
DECLARE
    d date;
BEGIN
    PERFORM agg_stock_storia_salva(false);
    FOR d IN SELECT as_of FROM register_snapshots
             WHERE as_of IS DISTINCT FROM (SELECT as_of FROM agg_stock_data) ORDER BY as_of LOOP
        PERFORM agg_stock_storia_ricostruisci(d);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_stock_storia TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION agg_stock_storia_ricostruisci(date);
DROP FUNCTION agg_stock_storia_salva(boolean);
DROP TABLE agg_stock_storia;
