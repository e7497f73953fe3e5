-- Quarantine of one run by failed check: how many documents, and one example each.
WITH reasons AS (
    SELECT stage, source_uri, unnest(reasons) AS r FROM quarantine WHERE run_id = $run_id
)
SELECT stage, r."check" AS check_name, r."column" AS column_name, count(*) AS documents,
       min(source_uri) AS example_source, min(r."value") AS example_value
FROM reasons
GROUP BY ALL
ORDER BY documents DESC, check_name;
