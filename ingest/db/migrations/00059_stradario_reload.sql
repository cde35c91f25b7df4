-- +goose Up
-- A street register file replaces the one in use, so loading an earlier file again after
-- another one (A, then B, then A) must bring A back: like territory batches (00050), street
-- register batches are exempt from the one-committed-batch-per-checksum rule. The loader
-- takes a street register file as unchanged only when it is the latest one committed
-- (ingest.Loader.committedBatch).
DROP INDEX load_batches_committed_checksum;
CREATE UNIQUE INDEX load_batches_committed_checksum ON load_batches (kind, checksum)
    WHERE status = 'committed' AND kind NOT IN ('territorio', 'stradario');

-- +goose Down
-- The old rule allows one committed batch per content: the earlier street register batches
-- repeating a later one's content become 'unchanged' (their rows stay referenced).
UPDATE load_batches b SET status = 'unchanged' WHERE b.kind = 'stradario' AND b.status = 'committed'
    AND EXISTS (SELECT 1 FROM load_batches n WHERE n.kind = 'stradario' AND n.status = 'committed'
                AND n.checksum = b.checksum AND n.id > b.id);
DROP INDEX load_batches_committed_checksum;
CREATE UNIQUE INDEX load_batches_committed_checksum ON load_batches (kind, checksum)
    WHERE status = 'committed' AND kind <> 'territorio';
