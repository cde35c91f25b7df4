-- +goose Up
-- Statistics on the expressions the compiler writes for the catalog's dimensions (the SQL of
-- agent/catalog/catalog.yaml with the alias dropped), on the event tables of 00034. Without
-- them PostgreSQL guesses that a filter such as COALESCE(NULLIF(comune, ''), 'n.d.') = 'BOLOGNA'
-- keeps 0.5% of the rows and the groups of COALESCE(quartiere, 'non attribuito') number 200,
-- and on a million openings chooses to sort them (1.1-1.6 s at load 5) rather than hash them
-- (0.45-0.65 s). A statistic is used only when the query's expression is the same tree: keep
-- these in step with the catalog (a dimension without one is still exact, only planned worse).
CREATE STATISTICS agg_eventi_imp_quartiere ON (COALESCE(quartiere, 'non attribuito')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_zona ON (COALESCE(zona, 'non attribuito')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_area ON (COALESCE(area_statistica, 'non attribuito')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_sezione ON (COALESCE(sezione_ateco, 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_divisione ON (COALESCE(divisione_ateco, 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_ateco ON (COALESCE(ateco, 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_forma ON (COALESCE(forma_giuridica, 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_classe_forma ON (COALESCE(NULLIF(classe_forma, ''), 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_femminile ON (femminile IS NOT NULL) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_giovanile ON (giovanile IS NOT NULL) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_straniera ON (straniera IS NOT NULL) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_artigiana ON (COALESCE(artigiana, false)) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_stato ON (COALESCE(stato, 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_comune ON (COALESCE(NULLIF(comune, ''), 'n.d.')) FROM agg_eventi_imprese;
CREATE STATISTICS agg_eventi_imp_addetti ON (CASE WHEN addetti IS NULL THEN 'n.d.' WHEN addetti = 0 THEN '0' WHEN addetti < 10 THEN '1-9' WHEN addetti < 50 THEN '10-49' WHEN addetti < 250 THEN '50-249' ELSE '250+' END) FROM agg_eventi_imprese;
ANALYZE agg_eventi_imprese;
CREATE STATISTICS agg_eventi_cig_quartiere ON (COALESCE(quartiere, 'non attribuito')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_zona ON (COALESCE(zona, 'non attribuito')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_area ON (COALESCE(area_statistica, 'non attribuito')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_sezione ON (COALESCE(sezione_ateco, 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_divisione ON (COALESCE(divisione_ateco, 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_ateco ON (COALESCE(ateco, 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_forma ON (COALESCE(forma_giuridica, 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_classe_forma ON (COALESCE(NULLIF(classe_forma, ''), 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_femminile ON (femminile IS NOT NULL) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_giovanile ON (giovanile IS NOT NULL) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_straniera ON (straniera IS NOT NULL) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_artigiana ON (COALESCE(artigiana, false)) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_stato ON (COALESCE(stato, 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_comune ON (COALESCE(NULLIF(comune, ''), 'n.d.')) FROM agg_eventi_cig;
CREATE STATISTICS agg_eventi_cig_addetti ON (CASE WHEN addetti IS NULL THEN 'n.d.' WHEN addetti = 0 THEN '0' WHEN addetti < 10 THEN '1-9' WHEN addetti < 50 THEN '10-49' WHEN addetti < 250 THEN '50-249' ELSE '250+' END) FROM agg_eventi_cig;
ANALYZE agg_eventi_cig;
CREATE STATISTICS agg_eventi_suap_quartiere ON (COALESCE(quartiere, 'non attribuito')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_zona ON (COALESCE(zona, 'non attribuito')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_area ON (COALESCE(area_statistica, 'non attribuito')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_sezione ON (COALESCE(sezione_ateco, 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_divisione ON (COALESCE(divisione_ateco, 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_ateco ON (COALESCE(ateco, 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_forma ON (COALESCE(forma_giuridica, 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_classe_forma ON (COALESCE(NULLIF(classe_forma, ''), 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_femminile ON (femminile IS NOT NULL) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_giovanile ON (giovanile IS NOT NULL) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_straniera ON (straniera IS NOT NULL) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_artigiana ON (COALESCE(artigiana, false)) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_stato ON (COALESCE(stato, 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_comune ON (COALESCE(NULLIF(comune, ''), 'n.d.')) FROM agg_eventi_suap;
CREATE STATISTICS agg_eventi_suap_addetti ON (CASE WHEN addetti IS NULL THEN 'n.d.' WHEN addetti = 0 THEN '0' WHEN addetti < 10 THEN '1-9' WHEN addetti < 50 THEN '10-49' WHEN addetti < 250 THEN '50-249' ELSE '250+' END) FROM agg_eventi_suap;
ANALYZE agg_eventi_suap;

-- +goose Down
DROP STATISTICS IF EXISTS agg_eventi_imp_quartiere,
    agg_eventi_imp_zona,
    agg_eventi_imp_area,
    agg_eventi_imp_sezione,
    agg_eventi_imp_divisione,
    agg_eventi_imp_ateco,
    agg_eventi_imp_forma,
    agg_eventi_imp_classe_forma,
    agg_eventi_imp_femminile,
    agg_eventi_imp_giovanile,
    agg_eventi_imp_straniera,
    agg_eventi_imp_artigiana,
    agg_eventi_imp_stato,
    agg_eventi_imp_comune,
    agg_eventi_imp_addetti,
    agg_eventi_cig_quartiere,
    agg_eventi_cig_zona,
    agg_eventi_cig_area,
    agg_eventi_cig_sezione,
    agg_eventi_cig_divisione,
    agg_eventi_cig_ateco,
    agg_eventi_cig_forma,
    agg_eventi_cig_classe_forma,
    agg_eventi_cig_femminile,
    agg_eventi_cig_giovanile,
    agg_eventi_cig_straniera,
    agg_eventi_cig_artigiana,
    agg_eventi_cig_stato,
    agg_eventi_cig_comune,
    agg_eventi_cig_addetti,
    agg_eventi_suap_quartiere,
    agg_eventi_suap_zona,
    agg_eventi_suap_area,
    agg_eventi_suap_sezione,
    agg_eventi_suap_divisione,
    agg_eventi_suap_ateco,
    agg_eventi_suap_forma,
    agg_eventi_suap_classe_forma,
    agg_eventi_suap_femminile,
    agg_eventi_suap_giovanile,
    agg_eventi_suap_straniera,
    agg_eventi_suap_artigiana,
    agg_eventi_suap_stato,
    agg_eventi_suap_comune,
    agg_eventi_suap_addetti;
