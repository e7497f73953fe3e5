-- Record the gates checked for a run (relation `gates` registered by the caller);
-- replaces an earlier record, so re-checking a run is idempotent.
DELETE FROM run_gates WHERE run_id = $run_id;
INSERT INTO run_gates BY NAME SELECT $run_id AS run_id, * FROM gates;
