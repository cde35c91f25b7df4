-- +goose Up
-- The filter indexes of the event tables (00038) carry the event and its date after the
-- dimension's expression, and the quartiere has one too. A filter on a dimension with a
-- period (the commonest shape: closures of section F since May 2016, a growth rate in one
-- quartiere, whose events since the period's start are read) then reads through one index only
-- the matching events of the period, instead of ANDing the dimension's bitmap (every event of
-- that value, of every kind and year) with the (evento, data) index's, or scanning every event
-- of the period and filtering; a filter with no period reads the dimension's events of one kind
-- (evento is the second column). The leading column is the same expression as before, so every
-- plan 00038's indexes served is still served, and nothing else changes: the same statements
-- run, only their plans can, so no answer can change. ateco keeps text_pattern_ops (code = $1 OR
-- code LIKE $1 || '.%').
--
-- Measured on the benchmark database (a million companies, docs/metrics.md, session 9): closures
-- of section F and three legal forms since May 2016 by comune and code 110 -> 19 ms (one index
-- range instead of a BitmapAnd of 190,000 and 200,000 entries); a growth rate in one quartiere
-- over two weeks of 2014 320 -> 87 ms; a balance of one zona and code 78 -> 17 ms.
DROP INDEX agg_eventi_imprese_ateco, agg_eventi_imprese_divisione, agg_eventi_imprese_sezione, agg_eventi_imprese_area, agg_eventi_imprese_zona, agg_eventi_imprese_forma, agg_eventi_imprese_comune;
CREATE INDEX agg_eventi_imprese_ateco ON agg_eventi_imprese ((COALESCE(ateco, 'n.d.')) text_pattern_ops, evento, data);
CREATE INDEX agg_eventi_imprese_divisione ON agg_eventi_imprese ((COALESCE(divisione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_imprese_sezione ON agg_eventi_imprese ((COALESCE(sezione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_imprese_area ON agg_eventi_imprese ((COALESCE(area_statistica, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_imprese_zona ON agg_eventi_imprese ((COALESCE(zona, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_imprese_forma ON agg_eventi_imprese ((COALESCE(forma_giuridica, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_imprese_comune ON agg_eventi_imprese ((COALESCE(NULLIF(comune, ''), 'n.d.')), evento, data);
CREATE INDEX agg_eventi_imprese_quartiere ON agg_eventi_imprese ((COALESCE(quartiere, 'non attribuito')), evento, data);
ANALYZE agg_eventi_imprese;

DROP INDEX agg_eventi_cig_ateco, agg_eventi_cig_divisione, agg_eventi_cig_sezione, agg_eventi_cig_area, agg_eventi_cig_zona, agg_eventi_cig_forma, agg_eventi_cig_comune, agg_eventi_cig_causale;
CREATE INDEX agg_eventi_cig_ateco ON agg_eventi_cig ((COALESCE(ateco, 'n.d.')) text_pattern_ops, evento, data);
CREATE INDEX agg_eventi_cig_divisione ON agg_eventi_cig ((COALESCE(divisione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_cig_sezione ON agg_eventi_cig ((COALESCE(sezione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_cig_area ON agg_eventi_cig ((COALESCE(area_statistica, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_cig_zona ON agg_eventi_cig ((COALESCE(zona, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_cig_forma ON agg_eventi_cig ((COALESCE(forma_giuridica, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_cig_comune ON agg_eventi_cig ((COALESCE(NULLIF(comune, ''), 'n.d.')), evento, data);
CREATE INDEX agg_eventi_cig_causale ON agg_eventi_cig (causale, evento, data);
CREATE INDEX agg_eventi_cig_quartiere ON agg_eventi_cig ((COALESCE(quartiere, 'non attribuito')), evento, data);
ANALYZE agg_eventi_cig;

DROP INDEX agg_eventi_suap_ateco, agg_eventi_suap_divisione, agg_eventi_suap_sezione, agg_eventi_suap_area, agg_eventi_suap_zona, agg_eventi_suap_forma, agg_eventi_suap_comune, agg_eventi_suap_settore;
CREATE INDEX agg_eventi_suap_ateco ON agg_eventi_suap ((COALESCE(ateco, 'n.d.')) text_pattern_ops, evento, data);
CREATE INDEX agg_eventi_suap_divisione ON agg_eventi_suap ((COALESCE(divisione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_suap_sezione ON agg_eventi_suap ((COALESCE(sezione_ateco, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_suap_area ON agg_eventi_suap ((COALESCE(area_statistica, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_suap_zona ON agg_eventi_suap ((COALESCE(zona, 'non attribuito')), evento, data);
CREATE INDEX agg_eventi_suap_forma ON agg_eventi_suap ((COALESCE(forma_giuridica, 'n.d.')), evento, data);
CREATE INDEX agg_eventi_suap_comune ON agg_eventi_suap ((COALESCE(NULLIF(comune, ''), 'n.d.')), evento, data);
CREATE INDEX agg_eventi_suap_settore ON agg_eventi_suap (settore, evento, data);
CREATE INDEX agg_eventi_suap_quartiere ON agg_eventi_suap ((COALESCE(quartiere, 'non attribuito')), evento, data);
ANALYZE agg_eventi_suap;

-- +goose Down
DROP INDEX agg_eventi_imprese_ateco, agg_eventi_imprese_divisione, agg_eventi_imprese_sezione, agg_eventi_imprese_area, agg_eventi_imprese_zona, agg_eventi_imprese_forma, agg_eventi_imprese_comune, agg_eventi_imprese_quartiere;
CREATE INDEX agg_eventi_imprese_ateco ON agg_eventi_imprese ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_imprese_divisione ON agg_eventi_imprese ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_imprese_sezione ON agg_eventi_imprese ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_imprese_area ON agg_eventi_imprese ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_imprese_zona ON agg_eventi_imprese ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_imprese_forma ON agg_eventi_imprese ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_imprese_comune ON agg_eventi_imprese ((COALESCE(NULLIF(comune, ''), 'n.d.')));

DROP INDEX agg_eventi_cig_ateco, agg_eventi_cig_divisione, agg_eventi_cig_sezione, agg_eventi_cig_area, agg_eventi_cig_zona, agg_eventi_cig_forma, agg_eventi_cig_comune, agg_eventi_cig_causale, agg_eventi_cig_quartiere;
CREATE INDEX agg_eventi_cig_ateco ON agg_eventi_cig ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_cig_divisione ON agg_eventi_cig ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_cig_sezione ON agg_eventi_cig ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_cig_area ON agg_eventi_cig ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_cig_zona ON agg_eventi_cig ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_cig_forma ON agg_eventi_cig ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_cig_comune ON agg_eventi_cig ((COALESCE(NULLIF(comune, ''), 'n.d.')));
CREATE INDEX agg_eventi_cig_causale ON agg_eventi_cig (causale);

DROP INDEX agg_eventi_suap_ateco, agg_eventi_suap_divisione, agg_eventi_suap_sezione, agg_eventi_suap_area, agg_eventi_suap_zona, agg_eventi_suap_forma, agg_eventi_suap_comune, agg_eventi_suap_settore, agg_eventi_suap_quartiere;
CREATE INDEX agg_eventi_suap_ateco ON agg_eventi_suap ((COALESCE(ateco, 'n.d.')) text_pattern_ops);
CREATE INDEX agg_eventi_suap_divisione ON agg_eventi_suap ((COALESCE(divisione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_suap_sezione ON agg_eventi_suap ((COALESCE(sezione_ateco, 'n.d.')));
CREATE INDEX agg_eventi_suap_area ON agg_eventi_suap ((COALESCE(area_statistica, 'non attribuito')));
CREATE INDEX agg_eventi_suap_zona ON agg_eventi_suap ((COALESCE(zona, 'non attribuito')));
CREATE INDEX agg_eventi_suap_forma ON agg_eventi_suap ((COALESCE(forma_giuridica, 'n.d.')));
CREATE INDEX agg_eventi_suap_comune ON agg_eventi_suap ((COALESCE(NULLIF(comune, ''), 'n.d.')));
CREATE INDEX agg_eventi_suap_settore ON agg_eventi_suap (settore);
