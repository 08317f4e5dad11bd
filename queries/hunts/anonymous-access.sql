-- name: anonymous-access
-- title: Unauthenticated (anonymous) requests per bucket, source IP and action
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- Requests without credentials: public website buckets have them by design; anywhere else they
-- mean a bucket or object was made public. Succeeded and failed requests are counted apart, with
-- the bytes sent and an example key.
SELECT
  bucket,
  source_ip,
  action,
  count(*) AS requests,
  count_if(error_code IS NULL) AS succeeded,
  count_if(error_code IS NOT NULL) AS failed,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes_out,
  min(object_key) AS example_key,
  min(user_agent) AS example_user_agent,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND principal = 'anonymous'
GROUP BY bucket, source_ip, action
ORDER BY first_seen, bucket, source_ip, action
