-- +goose Up
-- The foundation schema: territory, the business register with history, CIG, SUAP, grants,
-- documents and chunks, and the application's own tables.

CREATE EXTENSION IF NOT EXISTS vector;

-- Load batches and rejected rows come first: every data table points at the batch that wrote it.
CREATE TABLE load_batches (
    id            bigserial PRIMARY KEY,
    kind          text        NOT NULL,            -- stradario, imprese, cig, suap, contributi, docs, territorio
    source        text        NOT NULL DEFAULT '', -- who sent it (InfoCamere, ARL, SUAP, ...)
    file_name     text        NOT NULL,
    checksum      text        NOT NULL,            -- sha256 of the file content
    as_of         date,
    status        text        NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'committed', 'failed', 'unchanged')),
    rows_read     integer     NOT NULL DEFAULT 0,
    rows_loaded   integer     NOT NULL DEFAULT 0,
    rows_rejected integer     NOT NULL DEFAULT 0,
    rows_matched  integer,                         -- addresses attributed to a quartiere
    warnings      jsonb       NOT NULL DEFAULT '[]',
    stats         jsonb       NOT NULL DEFAULT '{}',
    error         text,
    started_by    text        NOT NULL DEFAULT '',
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    duration_ms   integer
);
CREATE UNIQUE INDEX load_batches_committed_checksum ON load_batches (kind, checksum) WHERE status = 'committed';
CREATE INDEX load_batches_kind_as_of ON load_batches (kind, as_of DESC);

CREATE TABLE rejected_rows (
    id          bigserial PRIMARY KEY,
    batch_id    bigint  NOT NULL REFERENCES load_batches (id) ON DELETE CASCADE,
    line        integer NOT NULL,
    column_name text    NOT NULL DEFAULT '',
    value       text    NOT NULL DEFAULT '',
    reason      text    NOT NULL
);
CREATE INDEX rejected_rows_batch ON rejected_rows (batch_id, line);

-- Territory.
CREATE TABLE quartieri (
    nome        text PRIMARY KEY,
    codice      text,
    geometry    jsonb,                 -- GeoJSON geometry
    approximate boolean NOT NULL DEFAULT true,
    source      text    NOT NULL DEFAULT ''
);
CREATE TABLE zone (
    nome      text PRIMARY KEY,
    quartiere text NOT NULL REFERENCES quartieri (nome) ON UPDATE CASCADE
);
CREATE TABLE aree_statistiche (
    nome text PRIMARY KEY,
    zona text NOT NULL REFERENCES zone (nome) ON UPDATE CASCADE
);
CREATE TABLE stradario (
    id              bigserial PRIMARY KEY,
    cod_via         text    NOT NULL,
    denominazione   text    NOT NULL,
    nome_norm       text    NOT NULL,  -- normalised street name used for matching
    civico_dal      integer NOT NULL DEFAULT 0,
    civico_al       integer NOT NULL DEFAULT 99999,
    parita          char(1) NOT NULL DEFAULT 'T' CHECK (parita IN ('P', 'D', 'T')),
    cap             text    NOT NULL DEFAULT '',
    quartiere       text    NOT NULL,
    zona            text    NOT NULL DEFAULT '',
    area_statistica text    NOT NULL DEFAULT '',
    batch_id        bigint  REFERENCES load_batches (id)
);
CREATE INDEX stradario_nome_norm ON stradario (nome_norm, civico_dal, civico_al);

-- ATECO 2007 sections and divisions, the reference used to validate and label sectors.
CREATE TABLE ateco_sezioni (
    sezione     char(1) PRIMARY KEY,
    descrizione text NOT NULL
);
CREATE TABLE ateco_divisioni (
    divisione   char(2) PRIMARY KEY,
    sezione     char(1) NOT NULL REFERENCES ateco_sezioni (sezione),
    descrizione text NOT NULL
);

-- The business register. `imprese` is the current state (latest snapshot); `imprese_storia`
-- keeps every version of a company as a validity range over snapshot dates, so that any
-- earlier snapshot can be reconstructed without storing every month in full.
CREATE TABLE register_snapshots (
    as_of     date PRIMARY KEY,
    batch_id  bigint  NOT NULL REFERENCES load_batches (id),
    companies integer NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE imprese (
    codice_fiscale  text PRIMARY KEY,
    provincia       text    NOT NULL DEFAULT '',
    rea             text    NOT NULL DEFAULT '',
    denominazione   text    NOT NULL,
    forma_giuridica text    NOT NULL DEFAULT '',
    forma_desc      text    NOT NULL DEFAULT '',
    classe_forma    text    NOT NULL DEFAULT '',
    dt_iscrizione   date    NOT NULL,
    dt_inizio       date,
    dt_cessazione   date,
    stato           text    NOT NULL,
    comune          text    NOT NULL DEFAULT '',
    indirizzo       text    NOT NULL DEFAULT '',
    cap             text    NOT NULL DEFAULT '',
    ateco           text    NOT NULL DEFAULT '',
    sezione_ateco   char(1),
    divisione_ateco char(2),
    addetti         integer CHECK (addetti >= 0),
    femminile       text,               -- ESCLUSIVA / FORTE / MAGGIORITARIA, NULL when none
    giovanile       text,
    straniera       text,
    artigiana       boolean NOT NULL DEFAULT false,
    quartiere       text,               -- NULL: non attribuito
    zona            text,
    area_statistica text,
    first_as_of     date    NOT NULL,   -- first snapshot the company appeared in
    last_as_of      date    NOT NULL,   -- latest snapshot the company appeared in
    batch_id        bigint  REFERENCES load_batches (id)
);
CREATE INDEX imprese_dt_iscrizione ON imprese (dt_iscrizione);
CREATE INDEX imprese_dt_cessazione ON imprese (dt_cessazione) WHERE dt_cessazione IS NOT NULL;
CREATE INDEX imprese_quartiere ON imprese (quartiere);
CREATE INDEX imprese_denominazione_trgm ON imprese (lower(denominazione) text_pattern_ops);

CREATE TABLE imprese_storia (
    codice_fiscale  text    NOT NULL,
    valid_from      date    NOT NULL,   -- first snapshot with this version
    valid_to        date,               -- first snapshot without it (NULL: still current)
    row_hash        text    NOT NULL,
    provincia       text    NOT NULL DEFAULT '',
    rea             text    NOT NULL DEFAULT '',
    denominazione   text    NOT NULL,
    forma_giuridica text    NOT NULL DEFAULT '',
    forma_desc      text    NOT NULL DEFAULT '',
    classe_forma    text    NOT NULL DEFAULT '',
    dt_iscrizione   date    NOT NULL,
    dt_inizio       date,
    dt_cessazione   date,
    stato           text    NOT NULL,
    comune          text    NOT NULL DEFAULT '',
    indirizzo       text    NOT NULL DEFAULT '',
    cap             text    NOT NULL DEFAULT '',
    ateco           text    NOT NULL DEFAULT '',
    sezione_ateco   char(1),
    divisione_ateco char(2),
    addetti         integer,
    femminile       text,
    giovanile       text,
    straniera       text,
    artigiana       boolean NOT NULL DEFAULT false,
    quartiere       text,
    zona            text,
    area_statistica text,
    batch_id        bigint  REFERENCES load_batches (id),
    PRIMARY KEY (codice_fiscale, valid_from)
);
CREATE INDEX imprese_storia_validity ON imprese_storia (valid_from, valid_to);

-- Events derived by comparing a snapshot with the previous one.
CREATE TABLE imprese_eventi (
    id             bigserial PRIMARY KEY,
    codice_fiscale text   NOT NULL,
    as_of          date   NOT NULL,     -- the snapshot that revealed the event
    tipo           text   NOT NULL CHECK (tipo IN ('ingresso', 'uscita', 'cessazione',
                                 'cambio_stato', 'trasferimento', 'cambio_ateco', 'rettifica')),
    valore_prima   text,
    valore_dopo    text,
    batch_id       bigint REFERENCES load_batches (id)
);
CREATE INDEX imprese_eventi_cf ON imprese_eventi (codice_fiscale, as_of);
CREATE INDEX imprese_eventi_as_of ON imprese_eventi (as_of, tipo);

-- Cassa integrazione requests.
CREATE TABLE cig_domande (
    id_domanda        text PRIMARY KEY,
    codice_fiscale    text    NOT NULL,
    denominazione     text    NOT NULL DEFAULT '',
    ateco             text    NOT NULL DEFAULT '',
    sezione_ateco     char(1),
    divisione_ateco   char(2),
    comune            text    NOT NULL DEFAULT '',
    tipo              text    NOT NULL,
    causale           text    NOT NULL DEFAULT '',
    dt_domanda        date    NOT NULL,
    dt_autorizzazione date,
    esito             text    NOT NULL,
    periodo_dal       date,
    periodo_al        date,
    ore_richieste     numeric(14, 2) NOT NULL DEFAULT 0,
    ore_autorizzate   numeric(14, 2) NOT NULL DEFAULT 0,
    lavoratori        integer NOT NULL DEFAULT 0,
    batch_id          bigint  REFERENCES load_batches (id)
);
CREATE INDEX cig_domande_cf ON cig_domande (codice_fiscale);
CREATE INDEX cig_domande_dt ON cig_domande (dt_domanda);

-- SUAP permits.
CREATE TABLE suap_pratiche (
    id_pratica       text PRIMARY KEY,
    codice_fiscale   text NOT NULL,
    tipo             text NOT NULL,
    settore          text NOT NULL DEFAULT '',
    dt_presentazione date NOT NULL,
    dt_conclusione   date,
    esito            text NOT NULL,
    indirizzo        text NOT NULL DEFAULT '',
    cap              text NOT NULL DEFAULT '',
    quartiere        text,
    zona             text,
    area_statistica  text,
    batch_id         bigint REFERENCES load_batches (id)
);
CREATE INDEX suap_pratiche_cf ON suap_pratiche (codice_fiscale);

-- City grants.
CREATE TABLE contributi (
    id_bando          text NOT NULL,
    titolo_bando      text NOT NULL DEFAULT '',
    anno              integer NOT NULL,
    codice_fiscale    text NOT NULL,
    denominazione     text NOT NULL DEFAULT '',
    importo_richiesto numeric(14, 2),
    importo_concesso  numeric(14, 2),
    dt_concessione    date,
    esito             text NOT NULL,
    batch_id          bigint REFERENCES load_batches (id),
    PRIMARY KEY (id_bando, codice_fiscale)
);
CREATE INDEX contributi_cf ON contributi (codice_fiscale);

-- Documents and their chunks. Embeddings are 1024-dimensional (bge-m3, mxbai-embed-large,
-- multilingual-e5-large and the local embedder all produce that size); the model that made each
-- vector is recorded so that vector spaces are never mixed.
CREATE TABLE documents (
    id          bigserial PRIMARY KEY,
    path        text   NOT NULL UNIQUE,   -- stable key: the path the document was loaded from
    title       text   NOT NULL,
    doc_type    text   NOT NULL DEFAULT '',
    doc_date    date,
    issuer      text   NOT NULL DEFAULT '',
    url         text   NOT NULL DEFAULT '',
    tags        text[] NOT NULL DEFAULT '{}',
    format      text   NOT NULL,          -- markdown, text, html, pdf
    checksum    text   NOT NULL,
    pages       integer,
    batch_id    bigint REFERENCES load_batches (id),
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE chunks (
    id           bigserial PRIMARY KEY,
    document_id  bigint  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ord          integer NOT NULL,
    heading_path text[]  NOT NULL DEFAULT '{}',
    page         integer,
    content      text    NOT NULL,
    tsv          tsvector GENERATED ALWAYS AS (to_tsvector('italian', content)) STORED,
    embedding    vector(1024),
    embed_model  text,
    UNIQUE (document_id, ord)
);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops);

-- The application: users, sessions, tokens, conversations, steps, feedback, audit.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('decisore', 'staff', 'formatore', 'admin')),
    password_hash text,
    oidc_subject  text UNIQUE,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- The layout alexedwards/scs's postgresstore expects.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text   NOT NULL UNIQUE,
    name         text   NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE conversations (
    id         uuid PRIMARY KEY,
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user ON conversations (user_id, updated_at DESC);
CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('user', 'assistant')),
    content         text NOT NULL,
    mode            text,             -- model / planner
    prompt_version  text,
    query           jsonb,            -- the typed query an answer rests on (for follow-ups)
    payload         jsonb NOT NULL DEFAULT '{}',  -- tables, citations, grounding
    duration_ms     integer,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE TABLE tool_calls (
    id          bigserial PRIMARY KEY,
    message_id  bigint  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    step        integer NOT NULL,
    tool        text    NOT NULL,
    arguments   jsonb   NOT NULL DEFAULT '{}',
    result      jsonb,
    sql_text    text,
    rows        integer,
    duration_ms integer,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tool_calls_message ON tool_calls (message_id, step);
CREATE TABLE feedback (
    id         bigserial PRIMARY KEY,
    message_id bigint   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    bigint   REFERENCES users (id) ON DELETE SET NULL,
    rating     smallint NOT NULL CHECK (rating IN (-1, 1)),
    comment    text     NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only audit log: each row's hash covers the previous row's hash, so a change anywhere
-- breaks the chain; a trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    action    text NOT NULL,
    object    text NOT NULL DEFAULT '',
    detail    jsonb NOT NULL DEFAULT '{}',
    rows      integer,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE IF EXISTS audit_log, feedback, tool_calls, messages, conversations, api_tokens,
    sessions, users, chunks, documents, contributi, suap_pratiche, cig_domande, imprese_eventi,
    imprese_storia, imprese, register_snapshots, ateco_divisioni, ateco_sezioni, stradario,
    aree_statistiche, zone, quartieri, rejected_rows, load_batches CASCADE;
DROP FUNCTION IF EXISTS audit_log_append_only();
