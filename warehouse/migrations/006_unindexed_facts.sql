-- 006: the five per-document tables lose their PRIMARY KEY constraints.
-- DuckDB keeps a primary key as an ART index that every insert must load and check:
-- with one short connection per batch, each load re-read the whole index, so load
-- time grew with the warehouse (0.11 s → 0.23 s a batch over the first 120,000
-- documents, quadratic over a run) and so did the writer's memory. Uniqueness is
-- kept by the loader instead: a batch writes only documents whose doc_id is not in
-- raw_documents yet (load_batch.sql), and candidate / issue rows are numbered per
-- article within the batch. tests/test_warehouse.py checks the keys stay unique.
-- Small tables (runs, manifest, run_gates) keep their keys.
DROP VIEW IF EXISTS current_articles;
DROP VIEW IF EXISTS quality_by_run;
DROP VIEW IF EXISTS quarantine_reasons;
DROP VIEW IF EXISTS date_conflicts;
DROP VIEW IF EXISTS repairs_per_article;

CREATE TABLE raw_documents_006 (
    doc_id        VARCHAR NOT NULL,
    source_uri    VARCHAR NOT NULL,
    record_index  BIGINT  NOT NULL,
    format        VARCHAR NOT NULL,
    encoding      VARCHAR,
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT,
    raw_text      VARCHAR,
    source_id     VARCHAR,
    url           VARCHAR,
    title         VARCHAR,
    date          VARCHAR,
    extra         VARCHAR,
    error         VARCHAR,
    ingested_at   TIMESTAMP NOT NULL,
    run_id        VARCHAR NOT NULL
);
INSERT INTO raw_documents_006 BY NAME SELECT * FROM raw_documents;
DROP TABLE raw_documents;
ALTER TABLE raw_documents_006 RENAME TO raw_documents;

CREATE TABLE articles_006 (
    article_id      VARCHAR NOT NULL,
    doc_id          VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,
    source_uri      VARCHAR NOT NULL,
    url             VARCHAR,
    title           VARCHAR,
    body            VARCHAR NOT NULL,
    published_date  DATE,
    published_at    TIMESTAMP,
    language        VARCHAR,
    word_count      BIGINT,
    run_id          VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL,
    outlet          VARCHAR,
    agency          VARCHAR,
    location        VARCHAR,
    date_origin     VARCHAR,
    date_confidence DOUBLE
);
INSERT INTO articles_006 BY NAME SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_006 RENAME TO articles;

CREATE TABLE date_candidates_006 (
    article_id       VARCHAR NOT NULL,
    candidate_index  BIGINT  NOT NULL,
    raw              VARCHAR NOT NULL,
    origin           VARCHAR NOT NULL,
    position         BIGINT,
    parsed_date      DATE,
    parsed_at        TIMESTAMP,
    partial          BOOLEAN NOT NULL,
    chosen           BOOLEAN NOT NULL,
    note             VARCHAR,
    run_id           VARCHAR NOT NULL
);
INSERT INTO date_candidates_006 BY NAME SELECT * FROM date_candidates;
DROP TABLE date_candidates;
ALTER TABLE date_candidates_006 RENAME TO date_candidates;

CREATE TABLE quality_issues_006 (
    article_id   VARCHAR NOT NULL,
    issue_index  BIGINT  NOT NULL,
    kind         VARCHAR NOT NULL,
    detail       VARCHAR,
    run_id       VARCHAR NOT NULL,
    before       VARCHAR,
    after        VARCHAR
);
INSERT INTO quality_issues_006 BY NAME SELECT * FROM quality_issues;
DROP TABLE quality_issues;
ALTER TABLE quality_issues_006 RENAME TO quality_issues;

CREATE TABLE quarantine_006 (
    doc_id          VARCHAR NOT NULL,
    stage           VARCHAR NOT NULL,
    source_uri      VARCHAR,
    record_index    BIGINT,
    reasons         STRUCT("check" VARCHAR, "column" VARCHAR, "value" VARCHAR)[],
    reason_text     VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    quarantined_at  TIMESTAMP NOT NULL
);
INSERT INTO quarantine_006 BY NAME SELECT * FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_006 RENAME TO quarantine;
