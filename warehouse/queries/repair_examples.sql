-- Up to $per_kind before/after examples of every kind of repair made in one run.
SELECT kind, source_id, title, before, after FROM (
    SELECT q.kind, a.source_id, a.title, q.before, q.after,
           row_number() OVER (PARTITION BY q.kind ORDER BY a.source_id, q.issue_index) AS k
    FROM quality_issues q JOIN articles a USING (article_id)
    WHERE q.run_id = $run_id AND q.before IS NOT NULL
)
WHERE k <= $per_kind
ORDER BY kind, k;
