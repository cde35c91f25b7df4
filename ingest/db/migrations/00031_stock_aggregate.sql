-- +goose Up
-- A materialised aggregate of the latest register snapshot: one row per combination of the
-- low-cardinality attributes users break stock counts down by, with its count. Stock queries
-- (imprese attive / registrate, their shares) whose dimensions all appear here read ~60k rows
-- instead of a million. Columns keep the names and meanings of `imprese`, so the catalog's SQL
-- works unchanged: `addetti` holds the lower bound of the size class, `dt_cessazione` is NULL
-- or a placeholder date (only its NULL-ness is kept).
CREATE TABLE agg_imprese_stock (
    as_of         date    NOT NULL,
    quartiere     text,
    zona          text,
    sezione_ateco char(1),
    classe_forma  text    NOT NULL,
    femminile     text,
    giovanile     text,
    straniera     text,
    artigiana     boolean NOT NULL,
    stato         text    NOT NULL,
    addetti       integer,
    comune        text    NOT NULL,
    dt_cessazione date,
    n             bigint  NOT NULL
);
CREATE INDEX agg_imprese_stock_as_of ON agg_imprese_stock (as_of);

-- refresh_aggregates rebuilds the aggregate for the latest snapshot; the register load calls it
-- in its transaction, and `conoscenza migrate` after migrating.
-- +goose StatementBegin
CREATE FUNCTION refresh_aggregates() RETURNS void LANGUAGE sql AS $$
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
SELECT refresh_aggregates();

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON agg_imprese_stock TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS refresh_aggregates();
DROP TABLE IF EXISTS agg_imprese_stock;
