-- The figures the quality thresholds are checked against, for one run.
SELECT
    (SELECT count(*) FROM articles WHERE run_id = $run_id) AS articles,
    (SELECT count(*) FROM quarantine WHERE run_id = $run_id) AS quarantined,
    (SELECT count(*) FROM articles WHERE run_id = $run_id AND published_date IS NULL) AS undated,
    (SELECT count(DISTINCT article_id) FROM quality_issues
     WHERE run_id = $run_id AND kind = 'unrecoverable_char') AS unrecoverable,
    (SELECT count(*) FROM duplicate_articles WHERE run_id = $run_id) AS duplicates;
