-- name: create-database
-- engine: athena (Hive DDL)
-- params: none. DDL takes no ExecutionParameters; {{database}} is validated as an identifier before it is inserted.
CREATE DATABASE IF NOT EXISTS `{{database}}`
COMMENT 'trailhound: CloudTrail and S3 server access log tables, and the trailhound_events view'
