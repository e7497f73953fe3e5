-- Up to $per_kind before/after examples of every kind of repair made in one run:
-- the first ones by (article_id, issue_index). min_by keeps $per_kind rows per kind
-- while it streams the run's issues, so memory does not grow with the run (a window
-- over every issue joined to its article took ~2 GB at a million documents); only
-- the chosen rows are joined to their articles.
WITH picked AS (
    SELECT kind, unnest(min_by(
        {'article_id': article_id, 'issue_index': issue_index, 'before': before, 'after': after},
        article_id || ':' || lpad(issue_index::VARCHAR, 10, '0'),
        $per_kind
    ), recursive := true)
    FROM quality_issues
    WHERE run_id = $run_id AND before IS NOT NULL
    GROUP BY kind
)
SELECT p.kind, a.source_id, a.title, p.before, p.after
FROM picked p JOIN articles a USING (article_id)
ORDER BY p.kind, p.article_id, p.issue_index;
