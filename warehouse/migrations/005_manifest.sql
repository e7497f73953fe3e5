-- 005: the input manifest, so a run reads only new or changed files.
-- One row per input file ever seen. A file whose size and mtime are unchanged is
-- skipped without being read; a file that disappeared is marked deleted, not dropped.
CREATE TABLE IF NOT EXISTS manifest (
    path          VARCHAR PRIMARY KEY,   -- absolute path of the input file
    size_bytes    BIGINT NOT NULL,
    mtime_ns      BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,      -- of the file's bytes when last read
    records       BIGINT NOT NULL,       -- records read from it (documents)
    run_id        VARCHAR NOT NULL,      -- the run that last read it
    seen_at       TIMESTAMP NOT NULL,
    deleted_at    TIMESTAMP,             -- set when a run no longer finds the file
    deleted_run   VARCHAR
);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS files_unchanged BIGINT DEFAULT 0;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS files_deleted BIGINT DEFAULT 0;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS mode VARCHAR DEFAULT 'incremental';
