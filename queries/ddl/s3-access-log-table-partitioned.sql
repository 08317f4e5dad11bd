-- name: s3-access-log-table-partitioned
-- engine: athena (Hive DDL)
-- params: none. Template values (validated before insertion, see src/athena/validate.ts):
--   {{database}}, {{table}}          identifiers
--   {{access_log_location}}        s3://target-bucket/prefix/ of a PartitionedPrefix log delivery, ending in /
--   {{account_projection}}         enum of 12-digit source accounts, or injected
--   {{region_projection}}          enum of source regions
--   {{bucket_projection}}          enum of source bucket names, or injected
--   {{from}}                       first day of the date projection, yyyy/MM/dd
-- For log objects written with the partitioned key format
-- (`prefix/<source-account>/<source-region>/<source-bucket>/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-UNIQUE`).
-- Partitions (all projected): account, region, bucket (the source bucket; equal to bucket_name on
-- every row) and timestamp (the yyyy/MM/dd folder: the event day with PartitionDateSource=EventTime,
-- the delivery day with DeliveryTime).
-- The regex (one group per column, in field order; FORMATS.md §1.2–1.4, §3.2):
--   * fields 1–18 are required (the 2014 format ends at Version Id); fields 19–27 are nested
--     optional groups, so a line with 18, 24, 25 or 26 fields keeps every field it has and only the
--     missing ones are NULL (AWS's published regex makes 19–27 all-or-nothing);
--   * anything after field 27 (fields AWS adds later) is swallowed;
--   * runs of spaces separate fields (a doubled space is not an empty field), as in the parser;
--   * Request-URI, Referer and User-Agent are quote-aware: a quoted field ends at the first `"`
--     followed by a space for which the rest of the line still matches, so quotes and spaces
--     inside them (client-controlled) do not shift later fields; the columns keep their quotes
--     (`"GET /x HTTP/1.1"`) or hold `-`, like AWS's table; the trailhound_events view strips them;
--   * the requester of CloudFront origin access identities contains spaces and is matched whole;
--   * a line that does not match at all becomes a row of NULLs (RegexSerDe); the view skips those.
-- RegexSerDe compiles the pattern with DOTALL and applies Matcher.matches() to the whole line.
-- In the literal below every regex backslash is doubled, because Hive unescapes string literals.
CREATE EXTERNAL TABLE IF NOT EXISTS `{{database}}`.`{{table}}` (
  `bucketowner` STRING,
  `bucket_name` STRING,
  `requestdatetime` STRING,
  `remoteip` STRING,
  `requester` STRING,
  `requestid` STRING,
  `operation` STRING,
  `key` STRING,
  `request_uri` STRING,
  `httpstatus` STRING,
  `errorcode` STRING,
  `bytessent` BIGINT,
  `objectsize` BIGINT,
  `totaltime` STRING,
  `turnaroundtime` STRING,
  `referrer` STRING,
  `useragent` STRING,
  `versionid` STRING,
  `hostid` STRING,
  `sigv` STRING,
  `ciphersuite` STRING,
  `authtype` STRING,
  `endpoint` STRING,
  `tlsversion` STRING,
  `accesspointarn` STRING,
  `aclrequired` STRING,
  `sourceregion` STRING
)
COMMENT 'S3 server access logs, partitioned prefix (trailhound)'
PARTITIONED BY (`account` STRING, `region` STRING, `bucket` STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex' = ' *([^ ]+) +([^ ]+) +\\[([^\\]]*)\\] +([^ ]+) +([^ ]*user/CloudFront Origin Access Identity [^ ]+|[^ ]+) +([^ ]+) +([^ ]+) +([^ ]+) +(".*?"|-) +(-|"-"|[0-9]{3}) +([^ "]+|"-") +(-|"-"|[0-9]{1,15}) +(-|"-"|[0-9]{1,15}) +(-|"-"|[0-9]{1,15}) +(-|"-"|[0-9]{1,15}) +(".*?"|-) +(".*?"|-) +([^ "]+|"-")(?: +([^ "]+|"-")(?: +(SigV2|SigV4|-|"-")(?: +([^ "]+|"-")(?: +(AuthHeader|QueryString|-|"-")(?: +([^ "]+|"-")(?: +([^ "]+|"-")(?: +([^ "]+|"-")(?: +([^ "]+|"-")(?: +([^ "]+|"-")(?: .*)?)?)?)?)?)?)?)?)?)? *'
)
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '{{access_log_location}}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  {{account_projection}},
  {{region_projection}},
  {{bucket_projection}},
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '{{from}},NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = '{{access_log_location}}${account}/${region}/${bucket}/${timestamp}',
  'classification' = 's3-access-logs'
)
