-- name: bucket-policy-changes
-- title: Bucket policy, ACL, public-access block and other S3 security-setting changes
-- engine: duckdb, athena
-- params: partition_from, partition_to, since, until, bucket:string=*, bucket
-- param bucket: only this bucket; * (default) for every bucket and the account-level settings
--
-- Every write to a bucket's security settings, oldest first, with the new configuration as sent
-- (request_parameters, CloudTrail only): policies, ACLs, public access blocks (bucket and account),
-- ownership controls, encryption, access logging, versioning, lifecycle, Object Lock, replication.
-- Failed attempts are listed too (error_code).
SELECT
  "time",
  log_kind,
  principal,
  action,
  bucket,
  source_ip,
  user_agent,
  error_code,
  request_parameters,
  origin_uri,
  origin_index
FROM trailhound_events
WHERE partition_date BETWEEN ? AND ?
  AND "time" >= ? AND "time" < ?
  AND (? = '*' OR bucket = ?)
  AND action IN (
    'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutObjectAcl',
    'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
    'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
    'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
    'PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketLogging', 'PutBucketVersioning',
    'PutBucketLifecycle', 'PutBucketLifecycleConfiguration', 'DeleteBucketLifecycle',
    'PutBucketObjectLockConfiguration', 'PutObjectLockConfiguration',
    'PutBucketReplication', 'DeleteBucketReplication', 'PutBucketCors', 'PutBucketWebsite'
  )
ORDER BY "time", origin_uri, origin_index
