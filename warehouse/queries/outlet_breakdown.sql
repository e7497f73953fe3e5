-- Per outlet in one run: articles, how many dated, size, languages and repairs made.
WITH a AS (SELECT * FROM articles WHERE run_id = $run_id),
r AS (
    SELECT article_id, count(*) AS repairs FROM quality_issues
    WHERE run_id = $run_id GROUP BY article_id
)
SELECT coalesce(a.outlet, '(unknown)') AS outlet, count(*) AS articles,
       count(a.published_date) AS dated, CAST(round(avg(a.word_count)) AS BIGINT) AS avg_words,
       string_agg(DISTINCT a.language, ', ' ORDER BY a.language) AS languages,
       coalesce(sum(r.repairs), 0) AS repairs
FROM a LEFT JOIN r USING (article_id)
GROUP BY ALL
ORDER BY articles DESC, outlet
LIMIT $limit;
