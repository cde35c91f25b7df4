-- +goose Up
-- The stock groups' key (agg_stock_chiave, migration 00037) becomes the MD5 of the text it was:
-- 32 characters instead of ~120 that share long prefixes. Building its unique index on a
-- million companies' 300,000 groups took ~1 s (the sort compares past the common prefix of
-- almost every pair), and every month's lookups walk an index two and a half times larger.
-- Each key is computed the same way everywhere (the SQL functions call agg_stock_chiave, the
-- loader writes md5 of the same text: ingest/stockgroups.go), so the stored keys are rewritten
-- as md5 of themselves. A collision of two groups would be refused by the unique index, not
-- merged (for 300,000 keys its probability is about 10^-28).
-- Numbered after 00050: it replaces a function of 00037, which must exist first.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_stock_chiave(cuboide integer, quartiere text, zona text, sezione_ateco text, classe_forma text,
    femminile text, giovanile text, straniera text, artigiana boolean, stato text, addetti integer, comune text,
    cessata boolean) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT md5(cuboide::text || ',' || quote_nullable(quartiere) || ',' || quote_nullable(zona) || ',' ||
        quote_nullable(sezione_ateco) || ',' || quote_nullable(classe_forma) || ',' || quote_nullable(femminile) || ',' ||
        quote_nullable(giovanile) || ',' || quote_nullable(straniera) || ',' || quote_nullable(artigiana::text) || ',' ||
        quote_nullable(stato) || ',' || quote_nullable(addetti::text) || ',' || quote_nullable(comune) || ',' ||
        quote_nullable(cessata::text))
$$;
-- +goose StatementEnd
UPDATE agg_stock_gruppi SET chiave = md5(chiave);
UPDATE agg_stock_cuboidi_gruppi SET chiave = md5(chiave);

-- +goose Down
-- The keys cannot be turned back into their text: the aggregate is recounted with the former
-- definition.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION agg_stock_chiave(cuboide integer, quartiere text, zona text, sezione_ateco text, classe_forma text,
    femminile text, giovanile text, straniera text, artigiana boolean, stato text, addetti integer, comune text,
    cessata boolean) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cuboide::text || ',' || quote_nullable(quartiere) || ',' || quote_nullable(zona) || ',' ||
        quote_nullable(sezione_ateco) || ',' || quote_nullable(classe_forma) || ',' || quote_nullable(femminile) || ',' ||
        quote_nullable(giovanile) || ',' || quote_nullable(straniera) || ',' || quote_nullable(artigiana::text) || ',' ||
        quote_nullable(stato) || ',' || quote_nullable(addetti::text) || ',' || quote_nullable(comune) || ',' ||
        quote_nullable(cessata::text)
$$;
-- +goose StatementEnd
SELECT refresh_aggregates();
