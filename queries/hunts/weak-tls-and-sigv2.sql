-- name: weak-tls-and-sigv2
-- title: Requests with TLS below 1.2, SSL, or Signature Version 2
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- Old clients: TLS 1.0/1.1 or SSL (any spelling case), and requests signed with SigV2, from both
-- log kinds (a request in CloudTrail data events and in the access logs is counted in each).
SELECT
  log_kind,
  principal,
  bucket,
  source_ip,
  tls_version,
  signature_version,
  count(*) AS requests,
  min(user_agent) AS example_user_agent,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND (
    lower(tls_version) IN ('tlsv1', 'tlsv1.0', 'tlsv1.1', 'sslv2', 'sslv3')
    OR signature_version = 'SigV2'
  )
GROUP BY log_kind, principal, bucket, source_ip, tls_version, signature_version
ORDER BY first_seen, log_kind, principal, bucket, source_ip
