-- 003: each repair keeps a short before/after excerpt, so the run report can show
-- examples of what every kind of repair did.
ALTER TABLE quality_issues ADD COLUMN IF NOT EXISTS before VARCHAR;
ALTER TABLE quality_issues ADD COLUMN IF NOT EXISTS after VARCHAR;
