-- name: principal-timeline
-- title: Everything a principal did, in time order
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, principal:string, principal
-- param principal: the identity as in the principal column (a canonical ARN such as arn:aws:iam::111122223333:role/Reader, an AWS service name, anonymous) or an ARN exactly as logged (principal_arn, e.g. one assumed-role session)
--
-- Every request of one identity in both log kinds, oldest first: what it did, to which bucket and
-- key, from where, and where each line is recorded (origin_uri, origin_index; Athena has no record
-- index). Start here once a principal looks suspicious. A request in both CloudTrail data events
-- and the access logs appears once per log kind.
SELECT
  "time",
  log_kind,
  action,
  bucket,
  object_key,
  source_ip,
  user_agent,
  error_code,
  http_status,
  tls_version,
  session_name,
  access_key_id,
  principal_arn,
  origin_uri,
  origin_index
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND (principal = ? OR principal_arn = ?)
ORDER BY "time", origin_uri, origin_index
