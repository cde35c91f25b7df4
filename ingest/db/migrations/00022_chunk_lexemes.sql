-- +goose Up
-- Document frequencies of the full-text lexemes (retrieval block 00020-00029).
--
-- Full-text search scores passages with a BM25 idf per lexeme of the question. Counting each
-- lexeme's passages on the GIN index at query time visits every matching row (up to half of
-- a 100,000-passage library for a common word) and made full-text search take seconds. The
-- counts are kept here instead, by statement-level triggers on chunks, in the same transaction
-- as the insert, replacement or removal of passages: a search never sees counts of another
-- snapshot than its passages, and nothing needs refreshing after a load. The ranking is the
-- same as counting at query time (a passage counts once per lexeme of its tsv).
--
-- The row with the empty lexeme (to_tsvector never yields one) holds the number of passages.
-- `max_rank` is an upper bound of ts_rank('{0.1, 0.2, 0.3, 1.0}', tsv, lexeme) over the
-- passages holding the lexeme: the largest ever inserted (never lowered on delete, so it stays
-- a bound). Search uses it to skip passages that cannot reach the top candidates.
CREATE TABLE chunk_lexemes (
    lexeme   text PRIMARY KEY,
    df       bigint NOT NULL,
    max_rank real NOT NULL DEFAULT 0
);

-- One function per event, each reading its own transition tables. Rows are written in lexeme
-- order: two transactions changing the same lexemes lock them in the same order, so concurrent
-- loads wait for each other instead of deadlocking.
-- +goose StatementBegin
CREATE FUNCTION chunk_lexemes_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chunk_lexemes AS s (lexeme, df, max_rank)
    SELECT lexeme, sum(n), max(r) FROM (
        SELECT u.lexeme, 1 AS n, ts_rank('{0.1, 0.2, 0.3, 1.0}', t.tsv, to_tsquery('simple', quote_literal(u.lexeme))) AS r
        FROM new_rows t, unnest(t.tsv) u
        UNION ALL SELECT '', count(*), 0 FROM new_rows) x
    GROUP BY lexeme ORDER BY lexeme
    ON CONFLICT (lexeme) DO UPDATE SET df = s.df + EXCLUDED.df, max_rank = greatest(s.max_rank, EXCLUDED.max_rank);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION chunk_lexemes_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chunk_lexemes AS s (lexeme, df)
    SELECT lexeme, -sum(n) FROM (
        SELECT u.lexeme, 1 AS n FROM old_rows t, unnest(t.tsv) u
        UNION ALL SELECT '', count(*) FROM old_rows) x
    GROUP BY lexeme ORDER BY lexeme
    ON CONFLICT (lexeme) DO UPDATE SET df = s.df + EXCLUDED.df;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- An edit of a passage's text in place (the code replaces passages instead): one row at a time,
-- because transition tables cannot be limited to some columns, and a statement trigger would
-- copy every row of a re-embedding (which rewrites every passage's vector) for nothing.
-- +goose StatementBegin
CREATE FUNCTION chunk_lexemes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chunk_lexemes AS s (lexeme, df, max_rank)
    SELECT lexeme, sum(n), max(r) FROM (
        SELECT u.lexeme, 1 AS n, ts_rank('{0.1, 0.2, 0.3, 1.0}', NEW.tsv, to_tsquery('simple', quote_literal(u.lexeme))) AS r
        FROM unnest(NEW.tsv) u
        UNION ALL
        SELECT u.lexeme, -1, 0 FROM unnest(OLD.tsv) u) x
    GROUP BY lexeme ORDER BY lexeme
    ON CONFLICT (lexeme) DO UPDATE SET df = s.df + EXCLUDED.df, max_rank = greatest(s.max_rank, EXCLUDED.max_rank);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER chunk_lexemes_insert AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chunk_lexemes_added();
CREATE TRIGGER chunk_lexemes_delete AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chunk_lexemes_removed();
-- Re-embedding updates only embedding and embed_model: it does not fire this one.
CREATE TRIGGER chunk_lexemes_update AFTER UPDATE OF content, context ON chunks
    FOR EACH ROW WHEN (OLD.tsv IS DISTINCT FROM NEW.tsv) EXECUTE FUNCTION chunk_lexemes_changed();

-- The library as it is.
INSERT INTO chunk_lexemes (lexeme, df, max_rank)
SELECT u.lexeme, count(*), max(ts_rank('{0.1, 0.2, 0.3, 1.0}', c.tsv, to_tsquery('simple', quote_literal(u.lexeme))))
FROM chunks c, unnest(c.tsv) u GROUP BY u.lexeme;
INSERT INTO chunk_lexemes (lexeme, df) SELECT '', count(*) FROM chunks;

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON chunk_lexemes TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER chunk_lexemes_update ON chunks;
DROP TRIGGER chunk_lexemes_delete ON chunks;
DROP TRIGGER chunk_lexemes_insert ON chunks;
DROP FUNCTION chunk_lexemes_changed();
DROP FUNCTION chunk_lexemes_removed();
DROP FUNCTION chunk_lexemes_added();
DROP TABLE chunk_lexemes;
