UPDATE runs SET
    docs_read = docs_read + $docs_read,
    articles_loaded = articles_loaded + $articles_loaded,
    quarantined = quarantined + $quarantined,
    skipped = skipped + $skipped
WHERE run_id = $run_id;
