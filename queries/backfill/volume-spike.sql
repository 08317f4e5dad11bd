-- name: volume-spike
-- title: Backfill of volume-spike: S3 requests, bytes out, errors and deletes per hour and attribution
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- One row per clock hour and every value the detector reads: log kind, event source, action,
-- operation, principal (type, invoked by), bucket, error code, HTTP status, source IP, user agent
-- and key prefix (the key up to its 2nd "/", what the detector's key attribution keeps). "time" is
-- the group's first request, time_last its last, event_count its requests and bytes_out the sum of
-- its positive bytes_out, origin_uri the log object of its first request (evidence points there;
-- there is no line number). The detector reads each row as event_count requests (src/detect/view.ts).
-- An hour nests in the detector's window when windowMinutes is a multiple of 60 (the default, 60).
--
-- Only S3 requests: access logs, and CloudTrail with eventSource s3.amazonaws.com (the detector
-- counts nothing else). A record delivered twice counts once, by the identity of the streaming
-- de-duplicator (src/detect/dedup.ts): CloudTrail eventID; access logs bucket, request ID, host id,
-- operation and key; within the event hour. Records without that identity all count.
-- Portable SQL (DuckDB and Trino): date_trunc, row_number, count, min, max, sum, CASE, strpos,
-- regexp_extract.
WITH ranged AS (
  SELECT
    "time",
    log_kind,
    event_source,
    action,
    operation,
    principal,
    principal_type,
    invoked_by,
    bucket,
    error_code,
    http_status,
    source_ip,
    user_agent,
    bytes_out,
    origin_uri,
    CASE WHEN strpos(object_key, '/') = 0 THEN object_key ELSE regexp_extract(object_key, '^(?:[^/]*/){1,2}') END AS key_prefix,
    CASE
      WHEN log_kind = 'cloudtrail' THEN nullif(event_id, '')
      WHEN log_kind = 's3access' THEN nullif(request_id, '')
    END AS identity,
    row_number() OVER (
      PARTITION BY
        log_kind,
        date_trunc('hour', "time"),
        CASE WHEN log_kind = 'cloudtrail' THEN event_id ELSE request_id END,
        CASE WHEN log_kind = 's3access' THEN coalesce(bucket, '') END,
        CASE WHEN log_kind = 's3access' THEN coalesce(host_id, '') END,
        CASE WHEN log_kind = 's3access' THEN coalesce(operation, '') END,
        CASE WHEN log_kind = 's3access' THEN coalesce(object_key, '') END
    ) AS copy
  FROM trailhound_events
  WHERE partition_date BETWEEN ? AND ?
    AND "time" >= ? AND "time" < ?
    AND (log_kind = 's3access' OR (log_kind = 'cloudtrail' AND event_source = 's3.amazonaws.com'))
)
SELECT
  min("time") AS "time",
  max("time") AS time_last,
  count(*) AS event_count,
  min_by(origin_uri, "time") AS origin_uri,
  log_kind,
  event_source,
  action,
  operation,
  principal,
  principal_type,
  invoked_by,
  bucket,
  error_code,
  http_status,
  source_ip,
  user_agent,
  key_prefix AS object_key,
  sum(CASE WHEN bytes_out > 0 THEN bytes_out ELSE 0 END) AS bytes_out
FROM ranged
WHERE copy = 1 OR identity IS NULL
GROUP BY
  date_trunc('hour', "time"),
  log_kind,
  event_source,
  action,
  operation,
  principal,
  principal_type,
  invoked_by,
  bucket,
  error_code,
  http_status,
  source_ip,
  user_agent,
  key_prefix
