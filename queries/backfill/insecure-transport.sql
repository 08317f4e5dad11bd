-- name: insecure-transport
-- title: Backfill of insecure-transport: requests that may lack TLS, use old TLS or SigV2, per hour
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, strong_tls_1:string=tlsv1.2, strong_tls_2:string=tlsv1.3
-- param strong_tls_1: a TLS version (lower case) at or above the detector's minTls; requests with it are not candidates unless SigV2-signed
-- param strong_tls_2: another such version (the same again when there is only one)
--
-- Candidates are the requests the detector could report, found with a generous test (the detector
-- decides): a TLS version other than the strong ones; an access-log line without TLS version and
-- cipher; SigV2. One row per clock hour (the finding's day and its hourly series) and every value
-- the detector reads: log kind, event source, action, operation, principal (type, invoked by),
-- bucket, TLS version, cipher suite, signature version, whether an authentication type and a host
-- id were logged, source IP, user agent, error code, HTTP status. "time" is the group's first
-- request, time_last its last, event_count its requests, origin_uri the log object of its first
-- request (evidence points there; there is no line number).
--
-- Every other request falls into one row whose columns are all null (the detector skips it): its
-- time_last is the latest event of the range, the detector's "now" for its horizon. A record
-- delivered twice counts once, by the identity of the streaming de-duplicator
-- (src/detect/dedup.ts). Portable SQL (DuckDB and Trino).
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
    tls_version,
    cipher_suite,
    signature_version,
    auth_type,
    host_id,
    source_ip,
    user_agent,
    error_code,
    http_status,
    origin_uri,
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
),
judged AS (
  SELECT
    *,
    coalesce(
      (tls_version IS NOT NULL AND lower(tls_version) NOT IN (?, ?))
      OR (tls_version IS NULL AND log_kind = 's3access' AND cipher_suite IS NULL)
      OR lower(signature_version) = 'sigv2',
      false
    ) AS candidate
  FROM ranged
  WHERE copy = 1 OR identity IS NULL
),
shaped AS (
  SELECT
    "time",
    CASE WHEN candidate THEN date_trunc('hour', "time") END AS hour_start,
    CASE WHEN candidate THEN log_kind END AS log_kind,
    CASE WHEN candidate THEN event_source END AS event_source,
    CASE WHEN candidate THEN action END AS action,
    CASE WHEN candidate THEN operation END AS operation,
    CASE WHEN candidate THEN principal END AS principal,
    CASE WHEN candidate THEN principal_type END AS principal_type,
    CASE WHEN candidate THEN invoked_by END AS invoked_by,
    CASE WHEN candidate THEN bucket END AS bucket,
    CASE WHEN candidate THEN tls_version END AS tls_version,
    CASE WHEN candidate THEN cipher_suite END AS cipher_suite,
    CASE WHEN candidate THEN signature_version END AS signature_version,
    CASE WHEN candidate THEN auth_type END AS auth_type,
    CASE WHEN candidate THEN host_id END AS host_id,
    CASE WHEN candidate THEN source_ip END AS source_ip,
    CASE WHEN candidate THEN user_agent END AS user_agent,
    CASE WHEN candidate THEN error_code END AS error_code,
    CASE WHEN candidate THEN http_status END AS http_status,
    CASE WHEN candidate THEN origin_uri END AS origin_uri
  FROM judged
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
  tls_version,
  cipher_suite,
  signature_version,
  min(auth_type) AS auth_type,
  min(host_id) AS host_id,
  source_ip,
  user_agent,
  error_code,
  http_status
FROM shaped
GROUP BY
  hour_start,
  log_kind,
  event_source,
  action,
  operation,
  principal,
  principal_type,
  invoked_by,
  bucket,
  tls_version,
  cipher_suite,
  signature_version,
  auth_type IS NULL,
  host_id IS NULL,
  source_ip,
  user_agent,
  error_code,
  http_status
