-- Analyst views, re-created on every write connection (CREATE OR REPLACE), so they
-- always match the current schema. Query them like tables.

-- The latest version of every article: a changed input file loads a new version
-- (new doc_id); this keeps one row per input record, the most recently loaded, and
-- leaves out articles whose input file has since been deleted (they stay in
-- `articles`, as history). A record is its place in the file, except a feed entry,
-- which is its guid (source_id): a re-fetched feed moves its entries down a place,
-- and the entries that fell off its end are still articles. The records of a list
-- that one line holds (an API's answer) share the line's place, and are told apart
-- by their record_path (`articles[3]`).
CREATE OR REPLACE VIEW current_articles AS
SELECT a.* EXCLUDE (version_rank)
FROM (
    SELECT a.*, row_number() OVER (
        PARTITION BY r.source_uri,
            CASE WHEN r.format = 'feed' AND r.source_id IS NOT NULL
                 THEN 'entry ' || r.source_id ELSE r.record_index::VARCHAR END,
            r.record_path
        ORDER BY a.loaded_at DESC, a.article_id
    ) AS version_rank
    FROM articles a JOIN raw_documents r USING (doc_id)
) a
WHERE version_rank = 1
  AND a.source_uri NOT IN (SELECT path FROM manifest WHERE deleted_at IS NOT NULL);

-- One row per run with its rates: what share was quarantined, undated, repaired.
CREATE OR REPLACE VIEW quality_by_run AS
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.message,
       r.docs_read, r.articles_loaded, r.quarantined, r.skipped,
       r.docs_read = r.articles_loaded + r.quarantined + r.skipped AS reconciles,
       round(r.quarantined / nullif(r.articles_loaded + r.quarantined, 0), 4)
           AS quarantine_rate,
       (SELECT count(*) FROM articles a WHERE a.run_id = r.run_id
        AND a.published_date IS NULL) AS undated,
       (SELECT count(*) FROM quality_issues q WHERE q.run_id = r.run_id) AS repairs
FROM runs r;

-- Current articles whose body another current article also has, line breaks aside
-- (articles.body_hash): the same story loaded from two files or two feeds, or
-- a wire story that two outlets printed word for word. `duplicate_of` is the copy
-- that distinct_articles keeps: the earliest published, then the first loaded, then
-- the first by input path.
CREATE OR REPLACE VIEW duplicate_articles AS
SELECT article_id, duplicate_of, source_id, source_uri, url, title, outlet, published_date,
       run_id
FROM (
    SELECT *, first_value(article_id) OVER (
        PARTITION BY body_hash
        ORDER BY published_date NULLS LAST, loaded_at, source_uri, article_id
    ) AS duplicate_of
    FROM current_articles
    WHERE body_hash IS NOT NULL
)
WHERE article_id <> duplicate_of;

-- The current articles, each body once (see duplicate_articles): the corpus to
-- count, train or analyse on.
CREATE OR REPLACE VIEW distinct_articles AS
SELECT * FROM current_articles
WHERE article_id NOT IN (SELECT article_id FROM duplicate_articles);

-- Every failed check of every quarantined document, one row each.
CREATE OR REPLACE VIEW quarantine_reasons AS
SELECT q.run_id, q.doc_id, q.stage, q.source_uri, q.record_index,
       r."check" AS check_name, r."column" AS column_name, r."value" AS value_excerpt,
       q.reason_text, q.quarantined_at
FROM quarantine q, unnest(q.reasons) AS t(r);

-- Articles whose date candidates disagreed, with the candidate that won and why.
CREATE OR REPLACE VIEW date_conflicts AS
SELECT a.article_id, a.source_id, a.outlet, a.title, a.published_date, a.date_origin,
       a.date_confidence, q.detail AS explanation, a.run_id
FROM articles a JOIN quality_issues q USING (article_id)
WHERE q.kind = 'date_conflict';

-- Per article: how many repairs of each kind the cleaning made.
CREATE OR REPLACE VIEW repairs_per_article AS
SELECT a.article_id, a.source_id, a.outlet, q.kind, count(*) AS repairs,
       any_value(q.before) AS example_before, any_value(q.after) AS example_after
FROM articles a JOIN quality_issues q USING (article_id)
GROUP BY ALL;
