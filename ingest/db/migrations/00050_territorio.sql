-- +goose Up
-- Territory shapes for the map (ingest/territorio): each level's table keeps its GeoJSON
-- geometry (WGS84 lon/lat; PostGIS is not available), whether it is the approximate shape
-- written for the project or the city's official boundary, its source and the batch that
-- loaded it. quartieri already had geometry, approximate and source (00001).
ALTER TABLE quartieri
    ADD COLUMN batch_id  bigint REFERENCES load_batches (id),
    ADD COLUMN loaded_at timestamptz;
ALTER TABLE zone
    ADD COLUMN geometry    jsonb,
    ADD COLUMN approximate boolean NOT NULL DEFAULT true,
    ADD COLUMN source      text    NOT NULL DEFAULT '',
    ADD COLUMN batch_id    bigint REFERENCES load_batches (id),
    ADD COLUMN loaded_at   timestamptz;
ALTER TABLE aree_statistiche
    ADD COLUMN geometry    jsonb,
    ADD COLUMN approximate boolean NOT NULL DEFAULT true,
    ADD COLUMN source      text    NOT NULL DEFAULT '',
    ADD COLUMN batch_id    bigint REFERENCES load_batches (id),
    ADD COLUMN loaded_at   timestamptz;

-- A territory file may be loaded again after another one replaced it (official boundaries A,
-- then B, then A again): that must load A again, so the one-committed-batch-per-checksum rule
-- of the monthly files does not apply to territory batches. Their idempotence is checked
-- against the shapes in place instead (ingest/territorio).
DROP INDEX load_batches_committed_checksum;
CREATE UNIQUE INDEX load_batches_committed_checksum ON load_batches (kind, checksum)
    WHERE status = 'committed' AND kind <> 'territorio';

-- +goose Down
ALTER TABLE aree_statistiche DROP COLUMN loaded_at, DROP COLUMN batch_id, DROP COLUMN source,
    DROP COLUMN approximate, DROP COLUMN geometry;
ALTER TABLE zone DROP COLUMN loaded_at, DROP COLUMN batch_id, DROP COLUMN source,
    DROP COLUMN approximate, DROP COLUMN geometry;
ALTER TABLE quartieri DROP COLUMN loaded_at, DROP COLUMN batch_id;
-- The old rule allows one committed batch per content: keep the latest of each.
DELETE FROM load_batches b WHERE b.kind = 'territorio' AND b.status = 'committed'
    AND EXISTS (SELECT 1 FROM load_batches n WHERE n.kind = 'territorio' AND n.status = 'committed'
                AND n.checksum = b.checksum AND n.id > b.id);
DROP INDEX load_batches_committed_checksum;
CREATE UNIQUE INDEX load_batches_committed_checksum ON load_batches (kind, checksum) WHERE status = 'committed';
