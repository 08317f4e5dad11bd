-- name: deletes-by-principal
-- title: Successful object deletions per principal and bucket
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, include_lifecycle:boolean=false
-- param include_lifecycle: true to also count S3's own lifecycle expirations and delete markers (principal AmazonS3); default false
--
-- DeleteObject and the keys of DeleteObjects that succeeded, per principal, bucket and log kind
-- (the request line of a multi-object delete is not counted: its keys are logged one per line).
-- Mass deletion right after versioning was suspended is the ransomware pattern.
SELECT
  principal,
  bucket,
  log_kind,
  count(*) AS deletes,
  count(DISTINCT object_key) AS distinct_keys,
  min(object_key) AS example_key,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND error_code IS NULL
  AND coalesce(operation, '') <> 'REST.POST.MULTI_OBJECT_DELETE'
  AND (
    action IN ('DeleteObject', 'DeleteObjects')
    OR (? AND action IN ('S3.EXPIRE.OBJECT', 'S3.CREATE.DELETEMARKER'))
  )
GROUP BY principal, bucket, log_kind
ORDER BY deletes DESC, principal, bucket, log_kind
