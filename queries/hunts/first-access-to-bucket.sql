-- name: first-access-to-bucket
-- title: Principals on a bucket for the first time after a cutoff
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, cutoff:timestamp
-- param cutoff: a principal × bucket pair whose first request in [since, until) is at or after this time is new; [since, cutoff) is the history
--
-- Known identities on buckets they never used before (a read-only role browsing the backups), and
-- new identities on any bucket, with how much they did there and how much of it failed.
SELECT
  bucket,
  principal,
  min("time") AS first_seen,
  max("time") AS last_seen,
  count(*) AS requests,
  count(DISTINCT action) AS actions,
  count(DISTINCT source_ip) AS source_ips,
  count_if(error_code IS NOT NULL) AS failed
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND bucket IS NOT NULL
  AND principal IS NOT NULL
GROUP BY bucket, principal
HAVING min("time") >= ?
ORDER BY first_seen, bucket, principal
