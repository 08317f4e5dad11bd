-- name: hourly-activity
-- title: Hourly requests, bytes out, denials, deletes and plaintext requests
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, principal:string=*, principal, bucket:string=*, bucket
-- param principal: only this principal; * (default) for all
-- param bucket: only this bucket; * (default) for all
--
-- One row per clock hour and log kind: the volume picture behind a spike (the HTML report draws
-- its fallback charts from it). Denied = access-denied errors or HTTP 403; deletes = successful
-- DeleteObject / DeleteObjects keys; without_tls = access-log requests over plain HTTP (as in
-- requests-without-tls). A request logged in both kinds counts in each row of its hour. Conditions
-- are wrapped in coalesce(…, false): count_if over only NULLs is NULL in DuckDB, 0 in Trino.
SELECT
  date_trunc('hour', "time") AS hour_start,
  log_kind,
  count(*) AS requests,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes_out,
  count_if(coalesce(
    error_code IN ('AccessDenied', 'AllAccessDisabled', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken')
    OR http_status = 403,
    false
  )) AS denied,
  count_if(coalesce(
    error_code IS NULL
    AND action IN ('DeleteObject', 'DeleteObjects')
    AND coalesce(operation, '') <> 'REST.POST.MULTI_OBJECT_DELETE',
    false
  )) AS deletes,
  count_if(coalesce(
    log_kind = 's3access' AND tls_version IS NULL AND cipher_suite IS NULL
    AND (host_id IS NOT NULL OR signature_version IS NOT NULL OR auth_type IS NOT NULL)
    AND coalesce(operation, '') NOT LIKE 'WEBSITE.%'
    AND coalesce(operation, '') NOT LIKE 'S3.%',
    false
  )) AS without_tls
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND (? = '*' OR principal = ?)
  AND (? = '*' OR bucket = ?)
GROUP BY date_trunc('hour', "time"), log_kind
ORDER BY hour_start, log_kind
