-- 008: articles.body_hash, a fingerprint of the body, for finding duplicates: the
-- same story loaded from two files or two feeds, or a wire story that two outlets
-- printed word for word. Case and runs of whitespace do not count (a body hard-wrapped
-- differently, or in capitals, is the same story). The loader fills it with the
-- body_fingerprint macro defined here, so old and new rows are fingerprinted alike;
-- the rows already loaded are fingerprinted now. The views duplicate_articles and
-- distinct_articles use it.
DROP VIEW IF EXISTS current_articles;
DROP VIEW IF EXISTS quality_by_run;
DROP VIEW IF EXISTS quarantine_reasons;
DROP VIEW IF EXISTS date_conflicts;
DROP VIEW IF EXISTS repairs_per_article;

CREATE OR REPLACE MACRO body_fingerprint(body) AS
    md5(lower(regexp_replace(trim(body), '\s+', ' ', 'g')));

ALTER TABLE articles ADD COLUMN body_hash VARCHAR;
UPDATE articles SET body_hash = body_fingerprint(body);
