SELECT stage, reason_text, count(*) AS n
FROM quarantine WHERE run_id = $run_id
GROUP BY stage, reason_text ORDER BY n DESC, reason_text;
