SELECT name, description, value, limit_value, breached, enforced
FROM run_gates WHERE run_id = $run_id ORDER BY name;
