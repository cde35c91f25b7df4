-- +goose Up
-- Two cuboids for breakdowns that users ask and that CIG and SUAP events do compress into:
-- CIG by the company's quartiere × the request's ATECO section × the company's legal-form class
-- (70,000 rows for 542,000 events at a million companies), SUAP by the permit's quartiere ×
-- sector × the company's state (25,000 rows for 442,000 permits). Wider ones would not
-- compress: CIG has about 2,300 events a month, fewer than the combinations of three more
-- dimensions. Both are read from the event tables; the two cubes are rebuilt now.
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_cig', 11, '{quartiere,sezione_ateco,classe_forma}', NULL),
    ('agg_suap', 9, '{quartiere,settore,stato}', NULL);
UPDATE agg_stato SET versione = NULL WHERE tabella IN ('agg_cig', 'agg_suap');
SELECT refresh_event_cubes();

-- +goose Down
DELETE FROM agg_cig WHERE cuboide = 11;
DELETE FROM agg_suap WHERE cuboide = 9;
DELETE FROM agg_cuboidi WHERE (tabella = 'agg_cig' AND cuboide = 11) OR (tabella = 'agg_suap' AND cuboide = 9);
