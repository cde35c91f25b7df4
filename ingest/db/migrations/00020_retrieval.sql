-- +goose Up
-- Documents and retrieval (block 00020-00029).
--
-- Full-text search must see a passage's context, not only its words: a chunk under
-- "3. Beneficiari" of the "Bando Donne che fanno impresa" answers "chi può partecipare al bando
-- per le imprese femminili?" even when its own sentences name neither. `context` holds the
-- document title and heading path; it is indexed with a higher weight than the content.
ALTER TABLE chunks ADD COLUMN context text NOT NULL DEFAULT '';
ALTER TABLE chunks DROP COLUMN tsv; -- drops chunks_tsv with it
ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('italian'::regconfig, context), 'B') ||
    setweight(to_tsvector('italian'::regconfig, content), 'D')) STORED;
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);

-- Finding vectors of another model (to re-embed them) must not scan every chunk.
CREATE INDEX chunks_embed_model ON chunks (embed_model);
-- Search filters.
CREATE INDEX documents_type_date ON documents (doc_type, doc_date);
CREATE INDEX documents_tags ON documents USING gin (tags);

-- The assistant reads documents and passages through the read-only role.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON documents, chunks TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        REVOKE SELECT ON documents, chunks FROM conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd
DROP INDEX IF EXISTS documents_tags;
DROP INDEX IF EXISTS documents_type_date;
DROP INDEX IF EXISTS chunks_embed_model;
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('italian', content)) STORED;
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
ALTER TABLE chunks DROP COLUMN context;
