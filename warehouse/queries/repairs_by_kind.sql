SELECT kind, count(*) AS n, count(DISTINCT article_id) AS articles
FROM quality_issues WHERE run_id = $run_id
GROUP BY kind ORDER BY n DESC, kind;
