-- +goose Up
-- Embedding models fitted on the library itself (the local LSA embedder, retrieval/local.go):
-- the projection a query must be embedded with is data, kept with the vectors it made, so that
-- every process (ingest, the server on the read-only role) embeds with the same fit. Each fit
-- is one row; chunks.embed_model names it as name@id, so vectors of two fits are never
-- compared. A re-fit writes the new row, re-embeds every chunk and switches `active` in one
-- transaction.
CREATE TABLE embed_models (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL,             -- model family, e.g. local-lsa-v1
    active        boolean NOT NULL DEFAULT false,
    fitted_at     timestamptz NOT NULL DEFAULT now(),
    chunks        integer NOT NULL,          -- passages in the library at fit time
    max_chunk_id  bigint NOT NULL,           -- passages with a larger id came after the fit
    fit_passages  integer NOT NULL,          -- passages the fit learnt from (a sample if many)
    terms         integer NOT NULL,
    dims          integer NOT NULL,
    options       jsonb NOT NULL DEFAULT '{}',
    data          bytea NOT NULL             -- vocabulary, idf and projection (embed.LSA)
);
CREATE UNIQUE INDEX embed_models_one_active ON embed_models (name) WHERE active;

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON embed_models TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE embed_models;
