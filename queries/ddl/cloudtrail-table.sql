-- name: cloudtrail-table
-- engine: athena (Hive DDL)
-- params: none. Template values (validated before insertion, see src/athena/validate.ts):
--   {{database}}, {{table}}        identifiers
--   {{cloudtrail_location}}        s3://bucket/[prefix/] above AWSLogs/, ending in /
--   {{org_path}}                   '' or 'o-xxxxxxxxxx/' for organisation trails
--   {{account_projection}}         enum of 12-digit accounts, or injected
--   {{region_projection}}          enum of region names
--   {{from}}                       first day of the date projection, yyyy/MM/dd
-- Partitions (all projected, so no MSCK REPAIR / ADD PARTITION is ever needed):
--   account, region   the AWSLogs/<account>/CloudTrail/<region>/ folders
--   timestamp         the yyyy/MM/dd delivery-date folder (UTC); an event can land in the next day's folder
-- The Hive JSON SerDe matches lower-case columns to camelCase keys. The four service-specific
-- objects (requestparameters, responseelements, additionaleventdata, serviceeventdetails) stay
-- STRING (JSON text) because their shape differs per service: read them with json_extract_scalar.
-- The location template names /CloudTrail/, so digest (CloudTrail-Digest/) and Insights
-- (CloudTrail-Insight/) files are never read as events.
CREATE EXTERNAL TABLE IF NOT EXISTS `{{database}}`.`{{table}}` (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    credentialid: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      sourceidentity: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>
    >
  >,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  managementevent STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING, keyexchange: STRING>,
  insightdetails STRUCT<state: STRING, eventsource: STRING, eventname: STRING, insighttype: STRING>
)
COMMENT 'CloudTrail trail log files (trailhound)'
PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '{{cloudtrail_location}}AWSLogs/{{org_path}}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  {{account_projection}},
  {{region_projection}},
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '{{from}},NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = '{{cloudtrail_location}}AWSLogs/{{org_path}}${account}/CloudTrail/${region}/${timestamp}',
  'classification' = 'cloudtrail'
)
