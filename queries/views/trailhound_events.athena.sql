-- name: trailhound_events
-- engine: athena (Trino SQL, engine v3)
-- params: none (a view). Template values, validated or chosen by src/athena/ddl.ts:
--   {{database}}, {{cloudtrail_table}}, {{access_log_table}}   identifiers
--   {{access_log_source_columns}}, {{access_log_partition_date}}   fixed SQL chosen for the plain or the
--                                   partitioned access-log table (bucket and the partition columns)
--
-- One row per request from both tables, with exactly the columns of the event schema (src/schema.ts
-- COLUMNS, same order, same meaning as the streaming parsers, principal normalisation included), so
-- a hunt written against trailhound_events runs unchanged on Athena and on the local DuckDB view.
-- origin_uri is the log object ("$path"); origin_index is NULL (Athena does not expose record numbers).
--
-- Three partition columns follow the event columns. Filter on them: that is what prunes S3 reads
-- (and the bill); a filter on "time" alone reads every partition.
--   partition_date     'yyyy/MM/dd'. CloudTrail: the delivery day (UTC), usually the event day, sometimes
--                      the next one, so widen a range by a day and filter on "time" as well.
--                      Partitioned access logs: the folder day (event day with EventTime delivery).
--                      Plain access logs: computed from "time" (no pruning possible).
--   partition_account  the AWSLogs/<account>/ folder; the source account of partitioned access logs;
--                      NULL for plain access logs (so a filter on it excludes them).
--   partition_region   the CloudTrail/<region>/ folder; the source region of partitioned access logs;
--                      NULL for plain access logs.
-- With injected account (or bucket) projection, every query must pin it: partition_account = '…'.
--
-- Sections between "@begin" and "@end" markers are dropped when that table is not configured.
CREATE OR REPLACE VIEW "{{database}}"."trailhound_events" AS
-- @begin cloudtrail
SELECT
  "time",
  'cloudtrail' AS log_kind,
  CASE WHEN insight_event_source IS NOT NULL THEN insight_event_source ELSE eventsource END AS event_source,
  CASE WHEN insight_event_name IS NOT NULL THEN insight_event_name ELSE eventname END AS action,
  CAST(NULL AS varchar) AS operation,
  CASE branch
    WHEN 'none' THEN 'unknown'
    WHEN 'invoked' THEN ui_invokedby
    WHEN 'service' THEN coalesce(ui_principalid, 'unknown')
    WHEN 'anonymous' THEN 'anonymous'
    WHEN 'role' THEN coalesce(issuer_norm, arn_norm, ui_arn, ui_principalid_raw, 'unknown')
    WHEN 'root' THEN coalesce(arn_norm, 'arn:aws:iam::' || ui_account || ':root', ui_arn, 'unknown')
    WHEN 'account' THEN coalesce('arn:aws:iam::' || ui_account || ':root', ui_principalid, 'unknown')
    WHEN 'arn' THEN coalesce(arn_norm, ui_arn)
    ELSE coalesce(ui_username, ui_principalid, CASE WHEN ui_type IS NULL OR ui_type = 'Unknown' THEN 'unknown' ELSE ui_type END)
  END AS principal,
  CASE branch
    WHEN 'none' THEN CAST(NULL AS varchar)
    WHEN 'invoked' THEN coalesce(ui_type, 'AWSService')
    WHEN 'anonymous' THEN coalesce(ui_type, 'Anonymous')
    WHEN 'arn' THEN coalesce(ui_type, arn_type)
    ELSE ui_type
  END AS principal_type,
  ui_arn AS principal_arn,
  CASE WHEN branch IN ('invoked', 'role', 'arn') THEN arn_session END AS session_name,
  CASE
    WHEN branch IN ('none', 'anonymous') THEN CAST(NULL AS varchar)
    WHEN branch IN ('role', 'arn') THEN coalesce(ui_account, arn_account)
    ELSE ui_account
  END AS principal_account,
  ui_invokedby_raw AS invoked_by,
  access_key_id,
  sourceipaddress AS source_ip,
  -- S3 data events wrap the user agent in brackets: [aws-cli/2.15 …]
  CASE WHEN length(useragent) >= 2 AND useragent LIKE '[%]' THEN substr(useragent, 2, length(useragent) - 2) ELSE useragent END AS user_agent,
  awsregion AS region,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  json_extract_scalar(requestparameters, '$.key') AS object_key,
  recipientaccountid AS owner_account,
  CAST(NULL AS smallint) AS http_status,
  errorcode AS error_code,
  try_cast(json_extract_scalar(additionaleventdata, '$.bytesTransferredOut') AS bigint) AS bytes_out,
  try_cast(json_extract_scalar(additionaleventdata, '$.bytesTransferredIn') AS bigint) AS bytes_in,
  CAST(NULL AS bigint) AS object_size,
  CAST(NULL AS integer) AS total_time_ms,
  tls_version,
  coalesce(tls_cipher_suite, json_extract_scalar(additionaleventdata, '$.CipherSuite')) AS cipher_suite,
  json_extract_scalar(additionaleventdata, '$.SignatureVersion') AS signature_version,
  json_extract_scalar(additionaleventdata, '$.AuthenticationMethod') AS auth_type,
  requestid AS request_id,
  json_extract_scalar(additionaleventdata, '$["x-amz-id-2"]') AS host_id,
  eventid AS event_id,
  CASE lower(readonly) WHEN 'true' THEN true WHEN 'false' THEN false END AS read_only,
  coalesce(eventtype, CASE WHEN has_insight THEN 'AwsCloudTrailInsight' END) AS event_type,
  vpcendpointid AS vpc_endpoint_id,
  requestparameters AS request_parameters,
  origin_uri,
  CAST(NULL AS integer) AS origin_index,
  partition_date,
  partition_account,
  partition_region
FROM (
  SELECT
    ct_fields.*,
    -- principal normalisation (parsers/principal.ts normalizeUserIdentity): which rule applies
    CASE
      WHEN NOT ui_present THEN 'none'
      WHEN ui_invokedby IS NOT NULL THEN 'invoked'
      WHEN ui_type = 'AWSService' THEN 'service'
      WHEN ui_account = 'anonymous'
        OR (ui_type = 'AWSAccount' AND ui_principalid IS NULL AND ui_arn IS NULL AND ui_account IS NULL) THEN 'anonymous'
      WHEN ui_type IN ('AssumedRole', 'Role') THEN 'role'
      WHEN ui_type = 'Root' THEN 'root'
      WHEN ui_type = 'AWSAccount' THEN 'account'
      WHEN ui_arn IS NOT NULL THEN 'arn'
      ELSE 'other'
    END AS branch,
    -- an assumed-role session ARN or a role ARN with a path → arn:<partition>:iam::<account>:role/<name>
    CASE
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/')
        THEN regexp_replace(ui_arn, '^arn:(aws[a-z-]*):sts::([^:]*):assumed-role/([^/]*).*$', 'arn:$1:iam::$2:role/$3')
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:iam::[^:]*:role/')
        THEN regexp_replace(ui_arn, '^arn:(aws[a-z-]*):iam::([^:]*):role/(.*/)?([^/]*)$', 'arn:$1:iam::$2:role/$4')
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:(iam|sts)::[^:]*:') THEN ui_arn
    END AS arn_norm,
    CASE
      WHEN regexp_like(issuer_arn, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/')
        THEN regexp_replace(issuer_arn, '^arn:(aws[a-z-]*):sts::([^:]*):assumed-role/([^/]*).*$', 'arn:$1:iam::$2:role/$3')
      WHEN regexp_like(issuer_arn, '^arn:aws[a-z-]*:iam::[^:]*:role/')
        THEN regexp_replace(issuer_arn, '^arn:(aws[a-z-]*):iam::([^:]*):role/(.*/)?([^/]*)$', 'arn:$1:iam::$2:role/$4')
      WHEN regexp_like(issuer_arn, '^arn:aws[a-z-]*:(iam|sts)::[^:]*:') THEN issuer_arn
    END AS issuer_norm,
    CASE
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/') THEN 'AssumedRole'
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:iam::[^:]*:role/') THEN 'Role'
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:(iam|sts)::[^:]*:root$') THEN 'Root'
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:iam::[^:]*:user/') THEN 'IAMUser'
      WHEN regexp_like(ui_arn, '^arn:aws[a-z-]*:sts::[^:]*:federated-user/') THEN 'FederatedUser'
    END AS arn_type,
    nullif(regexp_extract(ui_arn, '^arn:aws[a-z-]*:(iam|sts)::([^:]*):', 2), '') AS arn_account,
    regexp_extract(ui_arn, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/[^/]*/(.*)$', 1) AS arn_session
  FROM (
    SELECT
      CAST(coalesce(
        try(from_iso8601_timestamp(eventtime)),
        -- CloudTrail Lake and hand-written events print '2025-02-19 20:13:49' (UTC)
        try(from_iso8601_timestamp(replace(eventtime, ' ', 'T')))
      ) AT TIME ZONE 'UTC' AS timestamp(3)) AS "time",
      eventtime,
      eventsource,
      eventname,
      insightdetails IS NOT NULL AS has_insight,
      insightdetails.eventsource AS insight_event_source,
      insightdetails.eventname AS insight_event_name,
      useridentity IS NOT NULL AS ui_present,
      useridentity.type AS ui_type,
      nullif(useridentity.arn, '') AS ui_arn,
      nullif(useridentity.accountid, '') AS ui_account,
      nullif(useridentity.principalid, '') AS ui_principalid,
      useridentity.principalid AS ui_principalid_raw,
      nullif(useridentity.username, '') AS ui_username,
      nullif(useridentity.invokedby, '') AS ui_invokedby,
      useridentity.invokedby AS ui_invokedby_raw,
      nullif(useridentity.sessioncontext.sessionissuer.arn, '') AS issuer_arn,
      nullif(useridentity.accesskeyid, '') AS access_key_id,
      sourceipaddress,
      useragent,
      awsregion,
      requestparameters,
      additionaleventdata,
      recipientaccountid,
      errorcode,
      tlsdetails.tlsversion AS tls_version,
      tlsdetails.ciphersuite AS tls_cipher_suite,
      requestid,
      eventid,
      readonly,
      eventtype,
      vpcendpointid,
      "$path" AS origin_uri,
      "timestamp" AS partition_date,
      account AS partition_account,
      region AS partition_region
    FROM "{{database}}"."{{cloudtrail_table}}"
  ) AS ct_fields
) AS ct
-- like the parser: a record without eventTime is kept (time NULL), one with an unreadable eventTime is not
WHERE eventtime IS NULL OR "time" IS NOT NULL
-- @end cloudtrail
UNION ALL
-- @begin s3access
SELECT
  "time",
  's3access' AS log_kind,
  's3.amazonaws.com' AS event_source,
  -- operation → the API action CloudTrail logs for the same request (parsers/s3-operations.ts)
  CASE
      WHEN op = 'REST.GET.ACL' AND key_raw IS NULL THEN 'GetBucketAcl'
      WHEN op = 'REST.PUT.ACL' AND key_raw IS NULL THEN 'PutBucketAcl'
    ELSE CASE op
        WHEN 'REST.GET.OBJECT' THEN 'GetObject'
        WHEN 'REST.HEAD.OBJECT' THEN 'HeadObject'
        WHEN 'WEBSITE.GET.OBJECT' THEN 'GetObject'
        WHEN 'WEBSITE.HEAD.OBJECT' THEN 'HeadObject'
        WHEN 'REST.PUT.OBJECT' THEN 'PutObject'
        WHEN 'REST.POST.OBJECT' THEN 'PostObject'
        WHEN 'REST.DELETE.OBJECT' THEN 'DeleteObject'
        WHEN 'REST.POST.MULTI_OBJECT_DELETE' THEN 'DeleteObjects'
        WHEN 'BATCH.DELETE.OBJECT' THEN 'DeleteObjects'
        WHEN 'REST.COPY.OBJECT' THEN 'CopyObject'
        WHEN 'REST.COPY.OBJECT_GET' THEN 'CopyObject'
        WHEN 'REST.COPY.PART' THEN 'UploadPartCopy'
        WHEN 'REST.COPY.PART_GET' THEN 'UploadPartCopy'
        WHEN 'REST.POST.RESTORE' THEN 'RestoreObject'
        WHEN 'REST.GET.OBJECT_ATTRIBUTES' THEN 'GetObjectAttributes'
        WHEN 'REST.GET.TORRENT' THEN 'GetObjectTorrent'
        WHEN 'REST.GET.ACL' THEN 'GetObjectAcl'
        WHEN 'REST.PUT.ACL' THEN 'PutObjectAcl'
        WHEN 'REST.GET.OBJECT_TAGGING' THEN 'GetObjectTagging'
        WHEN 'REST.PUT.OBJECT_TAGGING' THEN 'PutObjectTagging'
        WHEN 'REST.DELETE.OBJECT_TAGGING' THEN 'DeleteObjectTagging'
        WHEN 'REST.GET.RETENTION' THEN 'GetObjectRetention'
        WHEN 'REST.PUT.RETENTION' THEN 'PutObjectRetention'
        WHEN 'REST.GET.LEGAL_HOLD' THEN 'GetObjectLegalHold'
        WHEN 'REST.PUT.LEGAL_HOLD' THEN 'PutObjectLegalHold'
        WHEN 'REST.POST.UPLOADS' THEN 'CreateMultipartUpload'
        WHEN 'REST.PUT.PART' THEN 'UploadPart'
        WHEN 'REST.POST.UPLOAD' THEN 'CompleteMultipartUpload'
        WHEN 'REST.DELETE.UPLOAD' THEN 'AbortMultipartUpload'
        WHEN 'REST.GET.UPLOADS' THEN 'ListMultipartUploads'
        WHEN 'REST.GET.UPLOAD' THEN 'ListParts'
        WHEN 'REST.GET.SERVICE' THEN 'ListBuckets'
        WHEN 'REST.GET.BUCKET' THEN 'ListObjects'
        WHEN 'REST.GET.BUCKETVERSIONS' THEN 'ListObjectVersions'
        WHEN 'REST.HEAD.BUCKET' THEN 'HeadBucket'
        WHEN 'REST.PUT.BUCKET' THEN 'CreateBucket'
        WHEN 'REST.DELETE.BUCKET' THEN 'DeleteBucket'
        WHEN 'REST.GET.LOCATION' THEN 'GetBucketLocation'
        WHEN 'REST.GET.BUCKETPOLICY' THEN 'GetBucketPolicy'
        WHEN 'REST.PUT.BUCKETPOLICY' THEN 'PutBucketPolicy'
        WHEN 'REST.DELETE.BUCKETPOLICY' THEN 'DeleteBucketPolicy'
        WHEN 'REST.GET.POLICY_STATUS' THEN 'GetBucketPolicyStatus'
        WHEN 'REST.GET.PUBLIC_ACCESS_BLOCK' THEN 'GetBucketPublicAccessBlock'
        WHEN 'REST.PUT.PUBLIC_ACCESS_BLOCK' THEN 'PutBucketPublicAccessBlock'
        WHEN 'REST.DELETE.PUBLIC_ACCESS_BLOCK' THEN 'DeleteBucketPublicAccessBlock'
        WHEN 'REST.GET.OWNERSHIP_CONTROLS' THEN 'GetBucketOwnershipControls'
        WHEN 'REST.PUT.OWNERSHIP_CONTROLS' THEN 'PutBucketOwnershipControls'
        WHEN 'REST.DELETE.OWNERSHIP_CONTROLS' THEN 'DeleteBucketOwnershipControls'
        WHEN 'REST.GET.VERSIONING' THEN 'GetBucketVersioning'
        WHEN 'REST.PUT.VERSIONING' THEN 'PutBucketVersioning'
        WHEN 'REST.GET.LOGGING_STATUS' THEN 'GetBucketLogging'
        WHEN 'REST.PUT.LOGGING_STATUS' THEN 'PutBucketLogging'
        WHEN 'REST.GET.ENCRYPTION' THEN 'GetBucketEncryption'
        WHEN 'REST.PUT.ENCRYPTION' THEN 'PutBucketEncryption'
        WHEN 'REST.DELETE.ENCRYPTION' THEN 'DeleteBucketEncryption'
        WHEN 'REST.GET.LIFECYCLE' THEN 'GetBucketLifecycle'
        WHEN 'REST.PUT.LIFECYCLE' THEN 'PutBucketLifecycle'
        WHEN 'REST.DELETE.LIFECYCLE' THEN 'DeleteBucketLifecycle'
        WHEN 'REST.GET.TAGGING' THEN 'GetBucketTagging'
        WHEN 'REST.PUT.TAGGING' THEN 'PutBucketTagging'
        WHEN 'REST.DELETE.TAGGING' THEN 'DeleteBucketTagging'
        WHEN 'REST.GET.CORS' THEN 'GetBucketCors'
        WHEN 'REST.PUT.CORS' THEN 'PutBucketCors'
        WHEN 'REST.DELETE.CORS' THEN 'DeleteBucketCors'
        WHEN 'REST.GET.WEBSITE' THEN 'GetBucketWebsite'
        WHEN 'REST.PUT.WEBSITE' THEN 'PutBucketWebsite'
        WHEN 'REST.DELETE.WEBSITE' THEN 'DeleteBucketWebsite'
        WHEN 'REST.GET.NOTIFICATION' THEN 'GetBucketNotification'
        WHEN 'REST.PUT.NOTIFICATION' THEN 'PutBucketNotification'
        WHEN 'REST.GET.REPLICATION' THEN 'GetBucketReplication'
        WHEN 'REST.PUT.REPLICATION' THEN 'PutBucketReplication'
        WHEN 'REST.DELETE.REPLICATION' THEN 'DeleteBucketReplication'
        WHEN 'REST.GET.REQUEST_PAYMENT' THEN 'GetBucketRequestPayment'
        WHEN 'REST.PUT.REQUEST_PAYMENT' THEN 'PutBucketRequestPayment'
        WHEN 'REST.GET.ACCELERATE' THEN 'GetAccelerateConfiguration'
        WHEN 'REST.PUT.ACCELERATE' THEN 'PutAccelerateConfiguration'
        WHEN 'REST.GET.OBJECT_LOCK_CONFIGURATION' THEN 'GetBucketObjectLockConfiguration'
        WHEN 'REST.PUT.OBJECT_LOCK_CONFIGURATION' THEN 'PutBucketObjectLockConfiguration'
        WHEN 'REST.GET.ANALYTICS' THEN 'GetBucketAnalyticsConfiguration'
        WHEN 'REST.PUT.ANALYTICS' THEN 'PutBucketAnalyticsConfiguration'
        WHEN 'REST.DELETE.ANALYTICS' THEN 'DeleteBucketAnalyticsConfiguration'
        WHEN 'REST.GET.INVENTORY' THEN 'GetBucketInventoryConfiguration'
        WHEN 'REST.PUT.INVENTORY' THEN 'PutBucketInventoryConfiguration'
        WHEN 'REST.DELETE.INVENTORY' THEN 'DeleteBucketInventoryConfiguration'
        WHEN 'REST.GET.METRICS' THEN 'GetBucketMetricsConfiguration'
        WHEN 'REST.PUT.METRICS' THEN 'PutBucketMetricsConfiguration'
        WHEN 'REST.DELETE.METRICS' THEN 'DeleteBucketMetricsConfiguration'
        WHEN 'REST.GET.INTELLIGENT_TIERING' THEN 'GetBucketIntelligentTieringConfiguration'
        WHEN 'REST.PUT.INTELLIGENT_TIERING' THEN 'PutBucketIntelligentTieringConfiguration'
        WHEN 'REST.DELETE.INTELLIGENT_TIERING' THEN 'DeleteBucketIntelligentTieringConfiguration'
      ELSE op
    END
  END AS action,
  op AS operation,
  CASE
    WHEN internal THEN 'AmazonS3'
    WHEN requester IS NULL THEN 'anonymous'
    WHEN requester LIKE 'arn:%' THEN coalesce(arn_norm, requester)
    WHEN requester LIKE 'svc:%' THEN substr(requester, 5)
    ELSE requester
  END AS principal,
  CASE
    WHEN internal THEN 'AWSService'
    WHEN requester IS NULL THEN 'Anonymous'
    WHEN requester LIKE 'arn:%' THEN arn_type
    WHEN requester = 'AmazonS3' OR requester LIKE '%.amazonaws.com' OR requester LIKE 'svc:%' THEN 'AWSService'
    WHEN regexp_like(requester, '^[0-9a-f]{64}$') THEN 'CanonicalUser'
  END AS principal_type,
  CASE WHEN NOT internal AND requester LIKE 'arn:%' THEN requester END AS principal_arn,
  CASE WHEN NOT internal AND requester LIKE 'arn:%' THEN arn_session END AS session_name,
  CASE WHEN NOT internal AND requester LIKE 'arn:%' THEN arn_account END AS principal_account,
  CAST(NULL AS varchar) AS invoked_by,
  CAST(NULL AS varchar) AS access_key_id,
  source_ip,
  user_agent,
  CAST(NULL AS varchar) AS region,
  bucket,
  -- the Key field is URL-encoded; keep it raw when it does not decode (like the parser). url_decode
  -- also turns '+' into a space, which decodeURIComponent does not, hence the replace.
  CASE
    WHEN key_decoded IS NULL OR (strpos(key_decoded, chr(65533)) > 0 AND strpos(key_raw, chr(65533)) = 0) THEN key_raw
    ELSE key_decoded
  END AS object_key,
  owner_account,
  http_status,
  error_code,
  bytes_out,
  CAST(NULL AS bigint) AS bytes_in,
  object_size,
  total_time_ms,
  -- AWS's own samples print TLSV1.2
  CASE WHEN lower(substr(tls_raw, 1, 4)) = 'tlsv' THEN 'TLSv' || substr(tls_raw, 5) ELSE tls_raw END AS tls_version,
  cipher_suite,
  signature_version,
  auth_type,
  request_id,
  host_id,
  CAST(NULL AS varchar) AS event_id,
  CASE
    WHEN op = 'S3.COMPUTE.OBJECT.CHECKSUM' THEN true
    WHEN regexp_like(op, '^(S3|BATCH)[.][^.]*[.]') THEN false
    WHEN regexp_like(op, '^(REST|WEBSITE)[.](GET|HEAD|OPTIONS)[.]') THEN true
    WHEN regexp_like(op, '^(REST|WEBSITE)[.](PUT|POST|DELETE|COPY)[.]') THEN false
  END AS read_only,
  CAST(NULL AS varchar) AS event_type,
  CAST(NULL AS varchar) AS vpc_endpoint_id,
  CAST(NULL AS varchar) AS request_parameters,
  origin_uri,
  CAST(NULL AS integer) AS origin_index,
  {{access_log_partition_date}} AS partition_date,
  partition_account,
  partition_region
FROM (
  SELECT
    al_fields.*,
    coalesce(op LIKE 'S3.%', false) AS internal,
    try(url_decode(replace(key_raw, '+', '%2B'))) AS key_decoded,
    CASE
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/')
        THEN regexp_replace(requester, '^arn:(aws[a-z-]*):sts::([^:]*):assumed-role/([^/]*).*$', 'arn:$1:iam::$2:role/$3')
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:iam::[^:]*:role/')
        THEN regexp_replace(requester, '^arn:(aws[a-z-]*):iam::([^:]*):role/(.*/)?([^/]*)$', 'arn:$1:iam::$2:role/$4')
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:(iam|sts)::[^:]*:') THEN requester
    END AS arn_norm,
    CASE
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/') THEN 'AssumedRole'
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:iam::[^:]*:role/') THEN 'Role'
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:(iam|sts)::[^:]*:root$') THEN 'Root'
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:iam::[^:]*:user/') THEN 'IAMUser'
      WHEN regexp_like(requester, '^arn:aws[a-z-]*:sts::[^:]*:federated-user/') THEN 'FederatedUser'
    END AS arn_type,
    nullif(regexp_extract(requester, '^arn:aws[a-z-]*:(iam|sts)::([^:]*):', 2), '') AS arn_account,
    regexp_extract(requester, '^arn:aws[a-z-]*:sts::[^:]*:assumed-role/[^/]*/(.*)$', 1) AS arn_session
  FROM (
    -- '-' (or '"-"') is AWS's null; quoted fields lose their quotes
    SELECT
      CAST(try(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AT TIME ZONE 'UTC' AS timestamp(3)) AS "time",
      requestdatetime,
      CASE WHEN operation IN ('-', '"-"') THEN NULL ELSE operation END AS op,
      CASE WHEN requester IN ('-', '"-"') THEN NULL ELSE requester END AS requester,
      CASE WHEN remoteip IN ('-', '"-"') THEN NULL ELSE remoteip END AS source_ip,
      CASE
        WHEN useragent IN ('-', '"-"') THEN NULL
        WHEN length(useragent) >= 2 AND useragent LIKE '"%"' THEN substr(useragent, 2, length(useragent) - 2)
        ELSE useragent
      END AS user_agent,
      CASE WHEN "key" IN ('-', '"-"') THEN NULL ELSE "key" END AS key_raw,
      CASE WHEN bucketowner IN ('-', '"-"') THEN NULL ELSE bucketowner END AS owner_account,
      try_cast(httpstatus AS smallint) AS http_status,
      CASE WHEN errorcode IN ('-', '"-"') THEN NULL ELSE errorcode END AS error_code,
      -- "Bytes Sent: '-' if zero" (AWS); the other numbers' '-' means unknown
      coalesce(bytessent, 0) AS bytes_out,
      objectsize AS object_size,
      try_cast(totaltime AS integer) AS total_time_ms,
      CASE WHEN tlsversion IN ('-', '"-"') THEN NULL ELSE tlsversion END AS tls_raw,
      CASE WHEN ciphersuite IN ('-', '"-"') THEN NULL ELSE ciphersuite END AS cipher_suite,
      CASE WHEN sigv IN ('-', '"-"') THEN NULL ELSE sigv END AS signature_version,
      CASE WHEN authtype IN ('-', '"-"') THEN NULL ELSE authtype END AS auth_type,
      CASE WHEN requestid IN ('-', '"-"') THEN NULL ELSE requestid END AS request_id,
      CASE WHEN hostid IN ('-', '"-"') THEN NULL ELSE hostid END AS host_id,
      "$path" AS origin_uri,
      {{access_log_source_columns}}
    FROM "{{database}}"."{{access_log_table}}"
  ) AS al_fields
) AS al
-- lines the regex does not match are rows of NULLs, and the parser skips lines with a bad time too
WHERE requestdatetime IS NOT NULL AND "time" IS NOT NULL
-- @end s3access
