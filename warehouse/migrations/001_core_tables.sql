-- 001: the core tables of the warehouse.
-- Every row carries the run that wrote it; ids are content hashes, so loads are idempotent.

CREATE TABLE IF NOT EXISTS raw_documents (
    doc_id        VARCHAR PRIMARY KEY,   -- sha256(source_uri, record_index, content sha256)
    source_uri    VARCHAR NOT NULL,      -- absolute path of the input file
    record_index  BIGINT  NOT NULL,      -- 0 for one-document files; line/row number otherwise
    format        VARCHAR NOT NULL,      -- text | jsonl | csv | parquet
    encoding      VARCHAR,               -- detected encoding of the bytes
    sha256        VARCHAR NOT NULL,      -- sha256 of the record's bytes
    size_bytes    BIGINT,
    raw_text      VARCHAR,               -- verbatim decoded text (NULL when undecodable)
    source_id     VARCHAR,               -- file stem, or the record's `id`
    url           VARCHAR,
    title         VARCHAR,
    date          VARCHAR,
    extra         VARCHAR,               -- other record fields, as JSON
    error         VARCHAR,               -- why the record could not be read, if so
    ingested_at   TIMESTAMP NOT NULL,
    run_id        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,
    doc_id          VARCHAR NOT NULL,    -- the raw_documents row it was cleaned from
    source_id       VARCHAR NOT NULL,
    source_uri      VARCHAR NOT NULL,
    url             VARCHAR,
    title           VARCHAR,
    body            VARCHAR NOT NULL,
    published_date  DATE,
    published_at    TIMESTAMP,           -- local time as printed; no invented time zone
    language        VARCHAR,
    word_count      BIGINT,
    run_id          VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS date_candidates (
    article_id       VARCHAR NOT NULL,
    candidate_index  BIGINT  NOT NULL,
    raw              VARCHAR NOT NULL,   -- the text the date was read from
    origin           VARCHAR NOT NULL,   -- header | url | dateline | byline | body | record
    position         BIGINT,
    parsed_date      DATE,               -- NULL for partial dates (no year)
    parsed_at        TIMESTAMP,          -- when a time of day was given
    partial          BOOLEAN NOT NULL,
    chosen           BOOLEAN NOT NULL,
    note             VARCHAR,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (article_id, candidate_index)
);

CREATE TABLE IF NOT EXISTS quality_issues (
    article_id   VARCHAR NOT NULL,
    issue_index  BIGINT  NOT NULL,
    kind         VARCHAR NOT NULL,       -- e.g. unicode_fixed, unrecoverable_char, date_missing
    detail       VARCHAR,
    run_id       VARCHAR NOT NULL,
    PRIMARY KEY (article_id, issue_index)
);

CREATE TABLE IF NOT EXISTS quarantine (
    doc_id          VARCHAR NOT NULL,
    stage           VARCHAR NOT NULL,    -- ingest | validate
    source_uri      VARCHAR,
    record_index    BIGINT,
    reasons         STRUCT("check" VARCHAR, "column" VARCHAR, "value" VARCHAR)[],
    reason_text     VARCHAR NOT NULL,    -- the reasons as one readable line
    run_id          VARCHAR NOT NULL,
    quarantined_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, stage)
);

CREATE TABLE IF NOT EXISTS runs (
    run_id           VARCHAR PRIMARY KEY,
    flow_run_id      VARCHAR,            -- the Prefect flow run, when run under Prefect
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    status           VARCHAR NOT NULL,   -- Running | Completed | Failed
    inputs           VARCHAR,
    docs_read        BIGINT DEFAULT 0,
    articles_loaded  BIGINT DEFAULT 0,
    quarantined      BIGINT DEFAULT 0,
    skipped          BIGINT DEFAULT 0,
    message          VARCHAR
);
