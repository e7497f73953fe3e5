-- The next $limit raw documents after doc_id $after (keyset paging, for --full).
SELECT * EXCLUDE (run_id), $run_id AS run_id
FROM raw_documents WHERE doc_id > $after
ORDER BY doc_id LIMIT $limit;
