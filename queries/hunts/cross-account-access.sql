-- name: cross-account-access
-- title: Principals of another account acting on this account's resources
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until
--
-- CloudTrail rows whose caller's account differs from the account that received the event (the
-- resource owner), AWS services excluded. S3 access logs name the bucket owner by canonical user
-- id, not account number, so they cannot be compared this way and are left out. Expected partners
-- show up here too: compare with the bucket policies.
SELECT
  principal,
  principal_account,
  owner_account,
  bucket,
  count(*) AS requests,
  count(DISTINCT action) AS actions,
  min(action) AS example_action,
  count_if(error_code IS NOT NULL) AS failed,
  min("time") AS first_seen,
  max("time") AS last_seen
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND principal_account IS NOT NULL
  AND regexp_like(owner_account, '^[0-9]{12}$')
  AND principal_account <> owner_account
  AND coalesce(principal_type, '') <> 'AWSService'
GROUP BY principal, principal_account, owner_account, bucket
ORDER BY first_seen, principal, bucket
