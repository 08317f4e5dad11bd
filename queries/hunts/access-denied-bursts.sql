-- name: access-denied-bursts
-- title: Hours in which a principal was denied many times
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, min_denied:integer=20
-- param min_denied: the least number of denied requests in one hour (per log kind) to list; default 20
--
-- Access-denied errors (AccessDenied, AllAccessDisabled, invalid or expired credentials and
-- signatures, or HTTP 403) per principal, clock hour and log kind: probing for readable prefixes or
-- a broken deployment. Look at the example key and the number of buckets.
SELECT
  principal,
  date_trunc('hour', "time") AS hour_start,
  log_kind,
  count(*) AS denied,
  count(DISTINCT bucket) AS buckets,
  count(DISTINCT object_key) AS distinct_keys,
  count(DISTINCT source_ip) AS source_ips,
  min(object_key) AS example_key
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND (
    error_code IN ('AccessDenied', 'AllAccessDisabled', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken')
    OR http_status = 403
  )
GROUP BY principal, date_trunc('hour', "time"), log_kind
HAVING count(*) >= ?
ORDER BY hour_start, principal, log_kind
