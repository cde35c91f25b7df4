-- +goose Up
-- A first register snapshot's stock aggregate counted by the loader (ingest/stockgroups.go)
-- while the file streams, instead of a second pass over the million rows it has just written.
-- refresh_aggregates() (migration 00037) groups imprese_dati in SQL: a scan, a hash aggregate
-- on twelve keys, a text key per group and a GROUPING SETS pass for the roll-ups (4.4 s for a
-- million companies in 300,000 groups). The loader has every value in hand already; it counts
-- the groups and their roll-ups (the cuboids listed in agg_cuboidi) and copies them, keys
-- included, between these two functions:
--
--   agg_stock_replace_begin()            empties both tables and drops their key indexes
--   COPY agg_stock_gruppi, agg_stock_cuboidi_gruppi (FREEZE)
--   agg_stock_replace_end(companies, t0) checks what was copied, rebuilds the key indexes,
--                                        dates the aggregate and records the roll-ups' sizes
--
-- The check raises an error when the groups do not count the snapshot's companies, when a
-- cuboid of agg_cuboidi is missing or does not count them either, or when a group is empty:
-- the loader then rolls back to a savepoint and calls refresh_aggregates() (a bug in one
-- definition never reaches the readers). The groups are defined as in refresh_aggregates();
-- a test compares the two on the same snapshot, keys included.
-- Plain plpgsql: the tables it names are those of migration 00037 (this file is numbered in
-- the ingest block and runs earlier on a new database; a plpgsql body is resolved when called).

-- +goose StatementBegin
CREATE FUNCTION agg_stock_replace_begin() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Truncated (dropping the key indexes locks them from readers anyway), so that the COPY
    -- that follows in the same subtransaction may write frozen rows: the checks and the index
    -- builds below then do not set a hint bit on every new row (0.4 s for the first scan).
    TRUNCATE agg_stock_gruppi, agg_stock_cuboidi_gruppi;
    DROP INDEX IF EXISTS agg_stock_gruppi_chiave;
    DROP INDEX IF EXISTS agg_stock_cuboidi_gruppi_chiave;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION agg_stock_replace_end(p_companies bigint, p_started timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    total  numeric;
    bad    integer;
BEGIN
    SELECT COALESCE(sum(n), 0), count(*) FILTER (WHERE n <= 0) INTO total, bad FROM agg_stock_gruppi;
    IF total <> p_companies OR bad > 0 THEN
        RAISE EXCEPTION 'stock groups copied by the loader count % companies (% empty groups), the snapshot has %',
            total, bad, p_companies;
    END IF;
    SELECT count(*) INTO bad
    FROM agg_cuboidi c
    LEFT JOIN (SELECT cuboide, sum(n) AS n, count(*) FILTER (WHERE n <= 0) AS empty
               FROM agg_stock_cuboidi_gruppi GROUP BY cuboide) g USING (cuboide)
    WHERE c.tabella = 'agg_stock_cuboidi' AND (g.n IS DISTINCT FROM p_companies OR g.empty > 0);
    IF bad > 0 OR EXISTS (SELECT 1 FROM agg_stock_cuboidi_gruppi g WHERE NOT EXISTS
            (SELECT 1 FROM agg_cuboidi c WHERE c.tabella = 'agg_stock_cuboidi' AND c.cuboide = g.cuboide)) THEN
        RAISE EXCEPTION 'stock roll-ups copied by the loader do not match agg_cuboidi (% cuboids off)', bad;
    END IF;
    CREATE UNIQUE INDEX agg_stock_gruppi_chiave ON agg_stock_gruppi (chiave);
    CREATE UNIQUE INDEX agg_stock_cuboidi_gruppi_chiave ON agg_stock_cuboidi_gruppi (chiave);
    DELETE FROM agg_stock_data;
    INSERT INTO agg_stock_data SELECT max(as_of) FROM register_snapshots HAVING max(as_of) IS NOT NULL;
    PERFORM agg_stock_counts(p_started);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION agg_stock_replace_end(bigint, timestamptz);
DROP FUNCTION agg_stock_replace_begin();
