-- Per input format and encoding in one run: documents read, loaded and quarantined.
-- An encoding other than utf-8 was worked out from the bytes (a byte-order mark, a
-- page's declared charset, or charset-normalizer's guess): the place to look first
-- when a run's text reads wrongly.
WITH d AS (SELECT doc_id, format, encoding FROM raw_documents WHERE run_id = $run_id),
q AS (SELECT DISTINCT doc_id FROM quarantine WHERE run_id = $run_id)
SELECT d.format, coalesce(d.encoding, '(unread)') AS encoding, count(*) AS documents,
       count(*) FILTER (WHERE q.doc_id IS NULL) AS loaded,
       count(q.doc_id) AS quarantined
FROM d LEFT JOIN q USING (doc_id)
GROUP BY ALL
ORDER BY documents DESC, d.format, encoding
LIMIT $limit;
