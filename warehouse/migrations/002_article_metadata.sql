-- 002: metadata from the cleaning issue — outlet, agency, dateline location, and how
-- the publication date was chosen.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS outlet VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS agency VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS date_origin VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS date_confidence DOUBLE;
