-- +goose Up
-- The register is loaded a million rows at a time; each index and foreign key below cost the
-- load more than it gave the queries (measured in docs/ingest.md, "Performance").
--
-- Foreign keys on batch_id of the register tables: batch ids there are written only by the
-- loader, always the id of the batch row it created in the same transaction, and batches are
-- never deleted; the check was a trigger call per row (12-13 s per million on an insert, a join
-- per million when the bulk path re-added it).
ALTER TABLE imprese DROP CONSTRAINT IF EXISTS imprese_batch_id_fkey;
ALTER TABLE imprese_storia DROP CONSTRAINT IF EXISTS imprese_storia_batch_id_fkey;
ALTER TABLE imprese_eventi DROP CONSTRAINT IF EXISTS imprese_eventi_batch_id_fkey;
-- No query selects by quartiere alone (one sixth of the companies: a sequential scan), the
-- validity range of imprese_storia matches almost every version of a snapshot, and the current
-- versions of a company are found through the primary key (codice_fiscale, valid_from).
DROP INDEX IF EXISTS imprese_quartiere;
DROP INDEX IF EXISTS imprese_storia_validity;
DROP INDEX IF EXISTS imprese_storia_current;

-- +goose Down
CREATE INDEX IF NOT EXISTS imprese_storia_current ON imprese_storia (codice_fiscale) WHERE valid_to IS NULL;
CREATE INDEX IF NOT EXISTS imprese_storia_validity ON imprese_storia (valid_from, valid_to);
CREATE INDEX IF NOT EXISTS imprese_quartiere ON imprese (quartiere);
ALTER TABLE imprese_eventi ADD CONSTRAINT imprese_eventi_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES load_batches (id);
ALTER TABLE imprese_storia ADD CONSTRAINT imprese_storia_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES load_batches (id);
ALTER TABLE imprese ADD CONSTRAINT imprese_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES load_batches (id);
