-- Re-clean (--full): replace what was derived from these raw documents, in the
-- caller's transaction. Expects batch_raw, batch_articles, batch_candidates,
-- batch_issues and batch_quarantine; raw_documents itself is not touched.
DELETE FROM date_candidates WHERE article_id IN (SELECT doc_id FROM batch_raw);
DELETE FROM quality_issues WHERE article_id IN (SELECT doc_id FROM batch_raw);
DELETE FROM articles WHERE doc_id IN (SELECT doc_id FROM batch_raw);
DELETE FROM quarantine WHERE doc_id IN (SELECT doc_id FROM batch_raw);

INSERT INTO articles BY NAME
    SELECT article_id, doc_id, source_id, source_uri, url, title, body, published_date,
           published_at, language, word_count, outlet, agency, location, date_origin,
           date_confidence, run_id, now()::TIMESTAMP AS loaded_at, body_hash
    FROM batch_articles;

INSERT INTO date_candidates BY NAME
    SELECT c.article_id, c.candidate_index, c.raw, c.origin, c.position, c.parsed_date,
           c.parsed_at, c.partial, c.chosen, c.note, a.run_id
    FROM batch_candidates c JOIN batch_articles a USING (article_id);

INSERT INTO quality_issues BY NAME
    SELECT i.article_id, i.issue_index, i.kind, i.detail, i.before, i.after, a.run_id
    FROM batch_issues i JOIN batch_articles a USING (article_id);

INSERT INTO quarantine BY NAME
    SELECT doc_id, stage, source_uri, record_index, reasons, reason_text, run_id,
           now()::TIMESTAMP AS quarantined_at
    FROM batch_quarantine;

SELECT
    (SELECT count(*) FROM batch_raw) AS docs_read,
    (SELECT count(*) FROM batch_articles) AS articles_loaded,
    (SELECT count(*) FROM batch_quarantine) AS quarantined,
    0 AS skipped;
