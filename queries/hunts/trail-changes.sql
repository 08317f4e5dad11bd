-- name: trail-changes
-- title: CloudTrail trails stopped, deleted or narrowed
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- Calls that change what CloudTrail records — StopLogging, DeleteTrail, UpdateTrail,
-- PutEventSelectors, PutInsightSelectors — and the StartLogging / CreateTrail that may undo or
-- precede them, oldest first, with the request as sent. A gap in the logs right after one of these
-- is the point.
SELECT
  "time",
  principal,
  action,
  source_ip,
  user_agent,
  error_code,
  request_parameters,
  origin_uri,
  origin_index
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND event_source = 'cloudtrail.amazonaws.com'
  AND action IN ('StopLogging', 'StartLogging', 'DeleteTrail', 'CreateTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors')
ORDER BY "time", origin_uri, origin_index
