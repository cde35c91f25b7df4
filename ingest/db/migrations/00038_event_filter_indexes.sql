-- +goose Up
-- Indexes on the event tables (00034) for the filters that keep few of their rows: the ATECO
-- code, division and section, the statistical area, the zone, the legal form and the comune
-- (plus the CIG reason and the SUAP sector), each on the very expression the compiler writes
-- for the catalog's dimension (agent/catalog/catalog.yaml with the alias dropped, as the
-- statistics of 00035), so that PostgreSQL can read only the matching rows (a bitmap of one
-- index, or of two ANDed) instead of scanning every event. Nothing else changes: the same
-- statement runs, only its plan does, so no answer can change.
--
-- Measured on the benchmark database (a million companies, docs/metrics.md, session 5): the
-- openings of legal form SC that are women-led 122 -> 23 ms, registered companies of one ATECO
-- code by three dimensions 163 -> 24 ms, a balance of one division 156 -> 0.4 ms; a query
-- whose filters keep many rows is planned as before (a sequential or (evento, data) scan).
-- ateco is a prefix dimension (code = $1 OR code LIKE $1 || '.%'): text_pattern_ops serves
-- both the equality and the prefix range under a non-C collation.
-- The indexes are kept up to date by the refresh functions' INSERT (readers are not blocked:
-- dropping them during a rebuild would lock the table for its whole transaction).
CREATE INDEX agg_eventi_imprese_ateco ON agg_eventi_imprese ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_imprese_divisione ON agg_eventi_imprese ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_imprese_sezione ON agg_eventi_imprese ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_imprese_area ON agg_eventi_imprese ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_imprese_zona ON agg_eventi_imprese ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_imprese_forma ON agg_eventi_imprese ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_imprese_comune ON agg_eventi_imprese ((COALESCE(NULLIF(comune, ''), 'n.d.')));
ANALYZE agg_eventi_imprese;

CREATE INDEX agg_eventi_cig_ateco ON agg_eventi_cig ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_cig_divisione ON agg_eventi_cig ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_cig_sezione ON agg_eventi_cig ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_cig_area ON agg_eventi_cig ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_cig_zona ON agg_eventi_cig ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_cig_forma ON agg_eventi_cig ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_cig_comune ON agg_eventi_cig ((COALESCE(NULLIF(comune, ''), 'n.d.')));
CREATE INDEX agg_eventi_cig_causale ON agg_eventi_cig (causale);
ANALYZE agg_eventi_cig;

CREATE INDEX agg_eventi_suap_ateco ON agg_eventi_suap ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_suap_divisione ON agg_eventi_suap ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_suap_sezione ON agg_eventi_suap ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_suap_area ON agg_eventi_suap ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_suap_zona ON agg_eventi_suap ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_suap_forma ON agg_eventi_suap ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_suap_comune ON agg_eventi_suap ((COALESCE(NULLIF(comune, ''), 'n.d.')));
CREATE INDEX agg_eventi_suap_settore ON agg_eventi_suap (settore);
ANALYZE agg_eventi_suap;

-- +goose Down
DROP INDEX IF EXISTS agg_eventi_imprese_ateco, agg_eventi_imprese_divisione, agg_eventi_imprese_sezione,
    agg_eventi_imprese_area, agg_eventi_imprese_zona, agg_eventi_imprese_forma, agg_eventi_imprese_comune,
    agg_eventi_cig_ateco, agg_eventi_cig_divisione, agg_eventi_cig_sezione, agg_eventi_cig_area,
    agg_eventi_cig_zona, agg_eventi_cig_forma, agg_eventi_cig_comune, agg_eventi_cig_causale,
    agg_eventi_suap_ateco, agg_eventi_suap_divisione, agg_eventi_suap_sezione, agg_eventi_suap_area,
    agg_eventi_suap_zona, agg_eventi_suap_forma, agg_eventi_suap_comune, agg_eventi_suap_settore;
