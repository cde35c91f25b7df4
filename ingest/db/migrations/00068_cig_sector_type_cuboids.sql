-- +goose Up
-- Two more cuboids of agg_cig (session 9, docs/metrics.md): the sector with the company's types
-- (women-, youth-, foreign-led, artisan, legal-form class), and the quartiere with the section
-- and the types. "Imprese femminili in cassa integrazione per settore" and the same by
-- quartiere read the event table (277,000 requests for a million companies, 100-550 ms): no
-- cuboid kept a sector with a type. 101,472 and 61,768 rows on the bench database (the event
-- table has 542,235); their first and last occurrences are by division and by section (00065).
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_cig', 18, '{sezione_ateco,divisione_ateco,classe_forma,artigiana,femminile,giovanile,straniera}', NULL),
    ('agg_cig', 19, '{quartiere,sezione_ateco,femminile,giovanile,straniera}', NULL);
-- Rebuilt by the next refresh (RefreshCubes); until then the other cuboids and the event table answer.
UPDATE agg_stato SET versione = NULL WHERE tabella = 'agg_cig';

-- +goose Down
DELETE FROM agg_cig WHERE cuboide IN (18, 19);
DELETE FROM agg_cuboidi WHERE tabella = 'agg_cig' AND cuboide IN (18, 19);
UPDATE agg_stato SET versione = NULL WHERE tabella = 'agg_cig';
