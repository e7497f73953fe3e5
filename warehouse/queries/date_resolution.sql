-- How the publication dates of one run's articles were resolved, by winning origin.
SELECT coalesce(date_origin, 'none') AS origin, count(*) AS articles,
       round(avg(date_confidence), 2) AS avg_confidence
FROM articles WHERE run_id = $run_id
GROUP BY ALL
ORDER BY articles DESC, origin;
