-- The last $limit runs up to this one, oldest first, with their quality figures.
SELECT run_id, started_at, status, docs_read, articles_loaded, quarantined, skipped,
       (SELECT count(*) FROM articles a
        WHERE a.run_id = r.run_id AND a.published_date IS NULL) AS undated
FROM runs r
WHERE r.started_at <= (SELECT started_at FROM runs WHERE run_id = $run_id)
ORDER BY r.started_at DESC
LIMIT $limit;
