-- +goose Up
-- What the read-only role may read. The semantic layer's compiled queries read the data tables;
-- the free-SQL tool may name only the views of schema `api` (the guard enforces it, and
-- the role can read nothing of the application's own tables: users, sessions, tokens,
-- conversations, audit).
CREATE SCHEMA IF NOT EXISTS api;

CREATE VIEW api.imprese AS
    SELECT codice_fiscale, provincia, rea, denominazione, forma_giuridica, forma_desc, classe_forma,
           dt_iscrizione, dt_inizio, dt_cessazione, stato, comune, indirizzo, cap, ateco,
           sezione_ateco, divisione_ateco, addetti, femminile, giovanile, straniera, artigiana,
           quartiere, zona, area_statistica, first_as_of, last_as_of
    FROM imprese;
CREATE VIEW api.imprese_storia AS
    SELECT codice_fiscale, valid_from, valid_to, denominazione, forma_giuridica, classe_forma,
           dt_iscrizione, dt_cessazione, stato, comune, indirizzo, ateco, sezione_ateco,
           divisione_ateco, addetti, femminile, giovanile, straniera, artigiana, quartiere, zona,
           area_statistica
    FROM imprese_storia;
CREATE VIEW api.imprese_eventi AS
    SELECT codice_fiscale, as_of, tipo, valore_prima, valore_dopo FROM imprese_eventi;
CREATE VIEW api.register_snapshots AS SELECT as_of, companies FROM register_snapshots;
CREATE VIEW api.cig_domande AS
    SELECT id_domanda, codice_fiscale, denominazione, ateco, sezione_ateco, divisione_ateco, comune,
           tipo, causale, dt_domanda, dt_autorizzazione, esito, periodo_dal, periodo_al,
           ore_richieste, ore_autorizzate, lavoratori
    FROM cig_domande;
CREATE VIEW api.suap_pratiche AS
    SELECT id_pratica, codice_fiscale, tipo, settore, dt_presentazione, dt_conclusione, esito,
           indirizzo, cap, quartiere, zona, area_statistica
    FROM suap_pratiche;
CREATE VIEW api.contributi AS
    SELECT id_bando, titolo_bando, anno, codice_fiscale, denominazione, importo_richiesto,
           importo_concesso, dt_concessione, esito
    FROM contributi;
CREATE VIEW api.stradario AS
    SELECT cod_via, denominazione, civico_dal, civico_al, parita, cap, quartiere, zona, area_statistica
    FROM stradario;
CREATE VIEW api.ateco_sezioni AS SELECT sezione, descrizione FROM ateco_sezioni;
CREATE VIEW api.ateco_divisioni AS SELECT divisione, sezione, descrizione FROM ateco_divisioni;
CREATE VIEW api.quartieri AS SELECT nome, codice FROM quartieri;

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT USAGE ON SCHEMA api TO conoscenza_ro;
        GRANT SELECT ON ALL TABLES IN SCHEMA api TO conoscenza_ro;
        GRANT SELECT ON imprese, imprese_storia, imprese_eventi, register_snapshots, cig_domande,
            suap_pratiche, contributi, stradario, ateco_sezioni, ateco_divisioni, quartieri, zone,
            aree_statistiche, load_batches, documents, chunks TO conoscenza_ro;
        REVOKE ALL ON users, sessions, api_tokens, conversations, messages, tool_calls, feedback,
            audit_log FROM conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP SCHEMA IF EXISTS api CASCADE;
