-- name: drop-table
-- engine: athena (Hive DDL)
-- params: none. {{database}} and {{table}} are validated identifiers. The tables are EXTERNAL:
--   dropping one removes only its definition, never the log objects in S3.
DROP TABLE IF EXISTS `{{database}}`.`{{table}}`
