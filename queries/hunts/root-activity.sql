-- name: root-activity
-- title: Everything the root user did
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- The root user should sign in almost never: every request is listed, oldest first, with the
-- source and client. ConsoleLogin rows tell whether MFA was used (request_parameters and the
-- CloudTrail record at origin_uri).
SELECT
  "time",
  principal,
  event_source,
  action,
  bucket,
  source_ip,
  user_agent,
  error_code,
  origin_uri,
  origin_index
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND principal_type = 'Root'
ORDER BY "time", origin_uri, origin_index
