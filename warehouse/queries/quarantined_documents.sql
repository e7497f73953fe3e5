-- The quarantined documents of one run, with the reason a person can act on.
SELECT stage, source_uri, record_index, reason_text
FROM quarantine WHERE run_id = $run_id
ORDER BY source_uri, record_index
LIMIT $limit;
