-- name: top-talkers-by-bytes
-- title: Who sent the most bytes out of S3 (principal × bucket × source IP)
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, top:integer=20
-- param top: how many rows to list, largest first; default 20
--
-- Bytes sent (downloads) per principal, bucket, source IP and log kind, with the request count:
-- bulk exfiltration is a big row that was small before (compare with an earlier range). CloudTrail
-- only has bytes for data events; the same download in both log kinds is a row in each.
SELECT
  talker_rank,
  principal,
  bucket,
  source_ip,
  log_kind,
  bytes_out,
  requests,
  first_seen,
  last_seen
FROM (
  SELECT
    principal,
    bucket,
    source_ip,
    log_kind,
    CAST(sum(bytes_out) AS bigint) AS bytes_out,
    count(*) AS requests,
    min("time") AS first_seen,
    max("time") AS last_seen,
    row_number() OVER (ORDER BY sum(bytes_out) DESC, principal, bucket, source_ip, log_kind) AS talker_rank
  FROM trailhound_events
  WHERE partition_date BETWEEN ? AND ?
    AND "time" >= ? AND "time" < ?
    AND bytes_out > 0
  GROUP BY principal, bucket, source_ip, log_kind
) AS talkers
WHERE talker_rank <= ?
ORDER BY talker_rank
