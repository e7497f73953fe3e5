-- Date conflicts and missing dates in one run, with the explanation logged for each.
SELECT q.kind, a.source_id, a.title, a.published_date, q.detail
FROM quality_issues q JOIN articles a USING (article_id)
WHERE q.run_id = $run_id AND q.kind IN ('date_conflict', 'date_missing')
ORDER BY q.kind, a.source_id, q.issue_index
LIMIT $limit;
