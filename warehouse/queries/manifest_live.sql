-- Files the manifest knows and has not seen deleted.
SELECT path, size_bytes, mtime_ns, sha256, records
FROM manifest WHERE deleted_at IS NULL;
