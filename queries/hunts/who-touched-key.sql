-- name: who-touched-key
-- title: Who touched an object key (or every key under a prefix)
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, bucket:string, key:string
-- param bucket: the bucket name
-- param key: an object key, or a prefix: every key that starts with it (a key is its own prefix, so the exact key matches too)
--
-- One row per principal, source IP and action that touched the key(s): how often, how many distinct
-- keys, how many requests failed, bytes sent, and when first and last. The prefix is compared as
-- text (starts_with), so % and _ in keys are not wildcards.
SELECT
  principal,
  source_ip,
  action,
  count(*) AS requests,
  count(DISTINCT object_key) AS distinct_keys,
  count_if(error_code IS NOT NULL) AS failed,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes_out,
  min(object_key) AS example_key,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND bucket = ?
  AND starts_with(object_key, ?)
GROUP BY principal, source_ip, action
ORDER BY first_seen, principal, source_ip, action
