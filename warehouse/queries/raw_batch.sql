-- The next raw documents after doc_id $after (keyset paging, for --full): at most
-- $limit of them, and no more than $max_bytes of input in all unless the first one
-- alone is larger (a batch is bounded by bytes as well as documents).
SELECT * EXCLUDE (run_id, bytes_before), $run_id AS run_id
FROM (
    SELECT *,
        sum(coalesce(size_bytes, 0)) OVER (
            ORDER BY doc_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS bytes_before
    FROM (SELECT * FROM raw_documents WHERE doc_id > $after ORDER BY doc_id LIMIT $limit)
)
WHERE bytes_before IS NULL OR bytes_before + coalesce(size_bytes, 0) <= $max_bytes
ORDER BY doc_id;
