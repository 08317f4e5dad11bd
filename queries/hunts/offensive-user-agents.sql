-- name: offensive-user-agents
-- title: Requests from penetration-testing distributions and cloud attack tools
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- User agents naming Kali, Parrot, Pentoo or BlackArch Linux (as the AWS CLI and SDKs do in their
-- platform part, e.g. Linux/6.1.0-kali7-amd64), or tools such as Pacu, CloudFox, WeirdAAL and
-- S3Scanner. Matched as words, case-insensitively. A user agent is set by the client, so its
-- absence proves nothing.
SELECT
  principal,
  source_ip,
  user_agent,
  count(*) AS requests,
  count(DISTINCT action) AS actions,
  count_if(error_code IS NOT NULL) AS failed,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND regexp_like(lower(user_agent), '(^|[^a-z0-9])(kali|parrot|pentoo|blackarch|pacu|cloudfox|weirdaal|s3scanner)([^a-z0-9]|$)')
GROUP BY principal, source_ip, user_agent
ORDER BY first_seen, principal, source_ip, user_agent
