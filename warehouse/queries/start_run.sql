INSERT INTO runs (run_id, flow_run_id, started_at, status, inputs, mode)
VALUES ($run_id, $flow_run_id, $started_at, 'Running', $inputs, $mode);
