-- name: activity-from-ip
-- title: What came from one source IP address
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, ip:string
-- param ip: the source IP address exactly as logged (source_ip), e.g. 192.0.2.147
--
-- One row per principal, action and bucket seen from the address: requests, failures, bytes sent,
-- user agents, first and last time. An address used by several principals, or a principal's first
-- use of an address, is worth a closer look (principal-timeline).
SELECT
  principal,
  action,
  bucket,
  count(*) AS requests,
  count_if(error_code IS NOT NULL) AS failed,
  CAST(coalesce(sum(bytes_out), 0) AS bigint) AS bytes_out,
  count(DISTINCT user_agent) AS user_agents,
  min(user_agent) AS example_user_agent,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND source_ip = ?
GROUP BY principal, action, bucket
ORDER BY first_seen, principal, action, bucket
