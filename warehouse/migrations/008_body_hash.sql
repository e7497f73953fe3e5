-- 008: articles.body_hash, a fingerprint of the body, for finding duplicates: the
-- same story loaded from two files or two feeds, or a wire story that two outlets
-- printed word for word. It is the MD5 of the body with its line breaks made spaces
-- and the double spaces that makes at paragraph breaks made one (one source keeps
-- the breaks, another runs the text together). The cleaning computes it for new
-- articles (flows/clean/fingerprint.py, the same two replaces); the rows already
-- loaded are fingerprinted here. The views duplicate_articles and distinct_articles
-- use it.
DROP VIEW IF EXISTS current_articles;
DROP VIEW IF EXISTS quality_by_run;
DROP VIEW IF EXISTS quarantine_reasons;
DROP VIEW IF EXISTS date_conflicts;
DROP VIEW IF EXISTS repairs_per_article;

ALTER TABLE articles ADD COLUMN body_hash VARCHAR;
UPDATE articles SET body_hash = md5(replace(replace(body, chr(10), ' '), '  ', ' '));
