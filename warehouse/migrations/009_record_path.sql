-- 009: raw_documents.record_path, which record of the list a line (or a JSON item)
-- holds, as the list's key and its place (`articles[3]`), when the line is an API's
-- answer saved whole (`{"status": "ok", "articles": [...]}`) and each of its
-- records is an article.
-- Such records share their line's record_index; current_articles tells them apart
-- by it. NULL for every other record, and for every row loaded before.
DROP VIEW IF EXISTS current_articles;
DROP VIEW IF EXISTS quality_by_run;
DROP VIEW IF EXISTS quarantine_reasons;
DROP VIEW IF EXISTS date_conflicts;
DROP VIEW IF EXISTS repairs_per_article;

ALTER TABLE raw_documents ADD COLUMN record_path VARCHAR;
