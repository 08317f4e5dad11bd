-- name: requests-without-tls
-- title: Requests to S3 over plain HTTP (no TLS)
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- From the S3 access logs, which are the only source that shows plaintext: TLS version and cipher
-- suite empty on a line long enough to carry them (host id, signature version or authentication
-- type present). Website-endpoint requests (HTTP only by design) and S3's own lifecycle operations
-- are left out. Per principal, bucket, source IP and client; denied requests (a SecureTransport deny
-- doing its job) are counted apart.
SELECT
  principal,
  bucket,
  source_ip,
  user_agent,
  count(*) AS requests,
  count_if(error_code IS NOT NULL) AS failed,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes_out,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND log_kind = 's3access'
  AND tls_version IS NULL
  AND cipher_suite IS NULL
  AND (host_id IS NOT NULL OR signature_version IS NOT NULL OR auth_type IS NOT NULL)
  AND coalesce(operation, '') NOT LIKE 'WEBSITE.%'
  AND coalesce(operation, '') NOT LIKE 'S3.%'
GROUP BY principal, bucket, source_ip, user_agent
ORDER BY first_seen, principal, bucket, source_ip, user_agent
