-- name: s3-config-change
-- title: Backfill of s3-config-change: the configuration-change events themselves
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- The detector judges each event on its own (request parameters, the resource's earlier facts), so
-- this query aggregates nothing: one row per CloudTrail call the detector looks at, every event
-- column kept, event_count 1. The action list is the detector's EVENTS table (a test keeps the two
-- equal); DeleteObject(s) only when the parameters mention a governance bypass. These events are
-- few. A record delivered twice counts once (CloudTrail eventID, src/detect/dedup.ts).
-- Portable SQL (DuckDB and Trino).
WITH ranged AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY date_trunc('hour', "time"), event_id) AS copy
  FROM trailhound_events
  WHERE partition_date BETWEEN ? AND ?
    AND "time" >= ? AND "time" < ?
    AND log_kind = 'cloudtrail'
    AND action IN (
      'DeleteBucketPublicAccessBlock', 'PutBucketPublicAccessBlock', 'PutAccountPublicAccessBlock',
      'DeleteAccountPublicAccessBlock', 'PutPublicAccessBlock', 'DeletePublicAccessBlock',
      'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutObjectAcl', 'DeleteBucketEncryption',
      'PutBucketLogging', 'PutBucketVersioning', 'PutObjectLockConfiguration', 'PutObjectRetention',
      'DeleteObject', 'DeleteObjects', 'PutBucketLifecycle', 'PutBucketLifecycleConfiguration',
      'StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'
    )
    AND (action NOT IN ('DeleteObject', 'DeleteObjects') OR lower(request_parameters) LIKE '%bypass%')
)
SELECT
  "time",
  "time" AS time_last,
  CAST(1 AS bigint) AS event_count,
  log_kind,
  event_source,
  action,
  operation,
  principal,
  principal_type,
  principal_arn,
  session_name,
  principal_account,
  invoked_by,
  access_key_id,
  source_ip,
  user_agent,
  region,
  bucket,
  object_key,
  owner_account,
  http_status,
  error_code,
  bytes_out,
  bytes_in,
  object_size,
  total_time_ms,
  tls_version,
  cipher_suite,
  signature_version,
  auth_type,
  request_id,
  host_id,
  event_id,
  read_only,
  event_type,
  vpc_endpoint_id,
  request_parameters,
  origin_uri,
  origin_index
FROM ranged
WHERE copy = 1 OR nullif(event_id, '') IS NULL
