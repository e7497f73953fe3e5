-- Unchanged files count as skipped documents (their records, not re-read).
UPDATE runs SET
    docs_read = docs_read + $documents,
    skipped = skipped + $documents,
    files_unchanged = files_unchanged + $files,
    files_deleted = files_deleted + $deleted
WHERE run_id = $run_id;
