-- name: new-principals-since
-- title: Principals first seen at or after a cutoff
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, cutoff:timestamp
-- param cutoff: identities whose first request in [since, until) is at or after this time are new; [since, cutoff) is the history they are compared with, so start since well before it (e.g. --since 30d --param cutoff=2d)
--
-- Identities that did nothing in the history period and appear after the cutoff, with what they
-- touched: a leaked key used by a new role session name still shows under its role, so also look
-- at first-access-to-bucket and activity-from-ip.
SELECT
  principal,
  min(principal_type) AS principal_type,
  min(principal_account) AS principal_account,
  min("time") AS first_seen,
  max("time") AS last_seen,
  count(*) AS requests,
  count(DISTINCT bucket) AS buckets,
  count(DISTINCT action) AS actions,
  count(DISTINCT source_ip) AS source_ips
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND principal IS NOT NULL
GROUP BY principal
HAVING min("time") >= ?
ORDER BY first_seen, principal
