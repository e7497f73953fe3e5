SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1;
