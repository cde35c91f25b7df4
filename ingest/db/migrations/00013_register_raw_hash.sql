-- +goose Up
-- The fingerprint of a company's row as the file wrote it (its known fields, trimmed, in the
-- formats' order): a monthly snapshot repeats most rows byte for byte, and a row whose raw
-- fingerprint equals the stored one needs no parsing, validation or address matching at all
-- (ingest/unchanged.go). NULL for rows written before it existed or through the view imprese:
-- those are parsed and compared by row_hash, as before.
ALTER TABLE imprese_dati ADD COLUMN raw_hash bigint;

-- +goose Down
ALTER TABLE imprese_dati DROP COLUMN raw_hash;
