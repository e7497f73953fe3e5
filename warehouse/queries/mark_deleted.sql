-- Record input files that have disappeared (relation `gone` holds their paths).
UPDATE manifest SET deleted_at = now()::TIMESTAMP, deleted_run = $run_id
WHERE path IN (SELECT path FROM gone) AND deleted_at IS NULL;
