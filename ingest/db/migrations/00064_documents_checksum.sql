-- +goose Up
-- A document load looks for another path with the same content (retrieval.Store.Ingest, "a
-- copy under another name"): without an index that read the whole documents table for every
-- file, quadratic in the size of a library loaded file by file.
CREATE INDEX documents_checksum ON documents (checksum);

-- +goose Down
DROP INDEX documents_checksum;
