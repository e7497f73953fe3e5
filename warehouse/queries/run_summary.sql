SELECT run_id, flow_run_id, started_at, finished_at, status, inputs,
       docs_read, articles_loaded, quarantined, skipped, message
FROM runs WHERE run_id = $run_id;
