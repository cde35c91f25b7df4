-- +goose Up
-- Every register snapshot touches every current company (last_as_of moves forward). With free
-- space left on each page those updates are HOT (no index entries), which keeps a monthly
-- load of a million companies cheap.
ALTER TABLE imprese SET (fillfactor = 50);

-- +goose Down
ALTER TABLE imprese RESET (fillfactor);
