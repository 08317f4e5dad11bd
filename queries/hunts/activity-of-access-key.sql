-- name: activity-of-access-key
-- title: Every request signed with one access key
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, access_key_id:string
-- param access_key_id: the access key id (AKIA… for a user's long-term key, ASIA… for session credentials)
--
-- The timeline of one access key, e.g. a key reported as leaked: who it belongs to, what it did,
-- from where and with which client. Only CloudTrail records the access key id; S3 access logs do
-- not, so check the principal's access-log requests with principal-timeline.
SELECT
  "time",
  principal,
  session_name,
  event_source,
  action,
  bucket,
  object_key,
  source_ip,
  user_agent,
  error_code,
  origin_uri,
  origin_index
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND access_key_id = ?
ORDER BY "time", origin_uri, origin_index
