-- name: unusual-principal
-- title: Backfill of unusual-principal: first and last request per principal, scope, action, network and day
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- One row per UTC day and every value the detector reads: log kind, principal (type, invoked by,
-- account), bucket, owner account, action, source IP, user agent, and whether the request failed.
-- "time" is the group's first request, time_last its last, event_count its requests, origin_uri the
-- log object of its first request (evidence points there; there is no line number). First-seen
-- times are the minimum "time" of a key's rows, last-seen the maximum time_last, so they are exact;
-- a group lies within one day, the detector's evidence period (src/detect/first-seen.ts).
-- Failed = an error code or HTTP status >= 400: the group keeps one of its error codes and its
-- largest status, so the detector's own test gives the same answer for the whole group.
--
-- Every event in the range is grouped, none filtered: the detector's baseline start (the earliest
-- event) and "now" (the latest) are over all of them. A record delivered twice counts once, by the
-- identity of the streaming de-duplicator (src/detect/dedup.ts). Portable SQL (DuckDB and Trino).
WITH ranged AS (
  SELECT
    "time",
    log_kind,
    principal,
    principal_type,
    invoked_by,
    principal_account,
    bucket,
    owner_account,
    action,
    source_ip,
    user_agent,
    error_code,
    http_status,
    origin_uri,
    (error_code IS NOT NULL OR coalesce(http_status, 0) >= 400) AS failed,
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
)
SELECT
  min("time") AS "time",
  max("time") AS time_last,
  count(*) AS event_count,
  min_by(origin_uri, "time") AS origin_uri,
  log_kind,
  principal,
  principal_type,
  invoked_by,
  principal_account,
  bucket,
  owner_account,
  action,
  source_ip,
  user_agent,
  min(error_code) AS error_code,
  max(http_status) AS http_status
FROM ranged
WHERE copy = 1 OR identity IS NULL
GROUP BY
  date_trunc('day', "time"),
  log_kind,
  principal,
  principal_type,
  invoked_by,
  principal_account,
  bucket,
  owner_account,
  action,
  source_ip,
  user_agent,
  failed
