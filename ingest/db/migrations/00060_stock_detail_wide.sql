-- +goose Up
-- Stock counts along the statistical area or the ATECO code with the legal form, the size or
-- the personal flags read the 500,000 live companies (00052) when no cuboid of
-- agg_stock_dettaglio keeps the combination (docs/metrics.md, "Session 7"). Three wider
-- cuboids, measured on the benchmark database (a million companies): the area with the legal
-- form, the size and the comune, 6,500 rows; the area with the flags, the size and the
-- legal-form class, 19,000; the code with the legal form, the size, the comune and the flags,
-- 36,000.
INSERT INTO agg_cuboidi (tabella, cuboide, dims, da) VALUES
    ('agg_stock_dettaglio', 12, '{stato,dt_cessazione,area_statistica,quartiere,zona,forma_giuridica,classe_forma,addetti,comune}', NULL),
    ('agg_stock_dettaglio', 13, '{stato,dt_cessazione,area_statistica,quartiere,zona,femminile,giovanile,straniera,artigiana,addetti,classe_forma}', NULL),
    ('agg_stock_dettaglio', 14, '{stato,dt_cessazione,ateco,sezione_ateco,divisione_ateco,forma_giuridica,classe_forma,addetti,comune,femminile,giovanile,straniera,artigiana}', NULL);
-- Rebuilt by the next refresh (RefreshCubes); until then the live companies answer.
UPDATE agg_stato SET versione = NULL WHERE tabella = 'agg_stock_dettaglio';

-- +goose Down
DELETE FROM agg_stock_dettaglio WHERE cuboide IN (12, 13, 14);
DELETE FROM agg_cuboidi WHERE tabella = 'agg_stock_dettaglio' AND cuboide IN (12, 13, 14);
