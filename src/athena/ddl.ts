/**
 * `trailhound athena ddl|setup`: the statements that create the database, the CloudTrail and S3
 * access-log tables (partition projection, so no partition maintenance) and the trailhound_events
 * view, rendered from the templates in queries/ddl/ and queries/views/.
 */
import { ConfigError } from '../errors.js';
import { readQueryFile, renderTemplate, templateName } from './template.js';
import {
  Problems,
  checkAccount,
  checkBucketName,
  checkDay,
  checkIdentifier,
  checkList,
  checkOrgId,
  checkRegion,
  checkS3Folder,
} from './validate.js';

/** Used when --regions is not given: every commercial region (projection of a missing folder is just empty). */
export const DEFAULT_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
];

export const DEFAULT_FROM = '2020/01/01';
export const DEFAULT_CLOUDTRAIL_TABLE = 'cloudtrail_logs';
export const DEFAULT_ACCESS_LOG_TABLE = 's3_access_logs';
export const VIEW_NAME = 'trailhound_events';

/** The options as the command line gives them (lists comma-separated). */
export interface DdlInput {
  database?: string;
  cloudtrail?: string;
  accessLogs?: string;
  partitionedAccessLogs?: boolean;
  orgId?: string;
  accounts?: string;
  regions?: string;
  buckets?: string;
  from?: string;
  cloudtrailTable?: string;
  accessLogTable?: string;
  replace?: boolean;
}

/** Validated settings; every string here is safe to put into a DDL template. */
export interface DdlConfig {
  database: string;
  cloudtrail?: { location: string; table: string; orgId?: string };
  accessLogs?: { location: string; table: string; partitioned: boolean };
  /** Absent: injected projection (every query must pin the value). */
  accounts?: string[];
  regions: string[];
  buckets?: string[];
  from: string;
  replace: boolean;
}

export interface DdlStatement {
  /** The template's `-- name`, or `drop-table:<table>`. */
  name: string;
  sql: string;
}

export function resolveDdlConfig(o: DdlInput): DdlConfig {
  const p = new Problems();
  if (!o.database) p.add('--database', 'is required');
  const database = checkIdentifier(p, '--database', o.database ?? '');
  if (!o.cloudtrail && !o.accessLogs) p.add('--cloudtrail/--access-logs', 'give at least one log location');
  const config: DdlConfig = {
    database,
    regions: o.regions === undefined ? [...DEFAULT_REGIONS] : checkList(p, '--regions', o.regions, checkRegion),
    from: o.from === undefined ? DEFAULT_FROM : checkDay(p, '--from', o.from),
    replace: o.replace === true,
  };
  if (o.accounts !== undefined) config.accounts = checkList(p, '--accounts', o.accounts, checkAccount);
  if (o.buckets !== undefined) config.buckets = checkList(p, '--buckets', o.buckets, checkBucketName);
  if (o.cloudtrail) {
    const loc = checkS3Folder(p, '--cloudtrail', o.cloudtrail, { addSlash: true });
    if (loc && /(^|\/)AWSLogs\//.test(loc.prefix)) {
      p.add('--cloudtrail', 'give the location above AWSLogs/ (the trail bucket and its optional prefix)');
    }
    const table = checkIdentifier(p, '--cloudtrail-table', o.cloudtrailTable ?? DEFAULT_CLOUDTRAIL_TABLE);
    const orgId = o.orgId === undefined ? undefined : checkOrgId(p, '--org-id', o.orgId);
    if (loc) config.cloudtrail = { location: loc.uri, table, ...(orgId ? { orgId } : {}) };
  } else if (o.orgId !== undefined) {
    p.add('--org-id', 'only applies to --cloudtrail');
  }
  if (o.accessLogs) {
    const loc = checkS3Folder(p, '--access-logs', o.accessLogs, { addSlash: false });
    const table = checkIdentifier(p, '--access-log-table', o.accessLogTable ?? DEFAULT_ACCESS_LOG_TABLE);
    if (loc) config.accessLogs = { location: loc.uri, table, partitioned: o.partitionedAccessLogs === true };
  } else if (o.partitionedAccessLogs || o.buckets !== undefined) {
    p.add('--partitioned-access-logs/--buckets', 'only apply to --access-logs');
  }
  if (config.cloudtrail && config.accessLogs && config.cloudtrail.table === config.accessLogs.table) {
    p.add('--access-log-table', 'must differ from --cloudtrail-table');
  }
  if (!p.ok) throw new ConfigError('invalid athena options', p.list);
  return config;
}

function enumOrInjected(column: string, values: readonly string[] | undefined): string {
  if (values === undefined) return `'projection.${column}.type' = 'injected'`;
  return `'projection.${column}.type' = 'enum',\n  'projection.${column}.values' = '${values.join(',')}'`;
}

function cloudTrailTable(c: DdlConfig, ct: NonNullable<DdlConfig['cloudtrail']>): DdlStatement {
  const text = readQueryFile('ddl/cloudtrail-table.sql');
  return {
    name: templateName(text),
    sql: renderTemplate(text, {
      database: c.database,
      table: ct.table,
      cloudtrail_location: ct.location,
      org_path: ct.orgId ? `${ct.orgId}/` : '',
      account_projection: enumOrInjected('account', c.accounts),
      region_projection: enumOrInjected('region', c.regions),
      from: c.from,
    }),
  };
}

function accessLogTable(c: DdlConfig, al: NonNullable<DdlConfig['accessLogs']>): DdlStatement {
  const text = readQueryFile(al.partitioned ? 'ddl/s3-access-log-table-partitioned.sql' : 'ddl/s3-access-log-table.sql');
  return {
    name: templateName(text),
    sql: renderTemplate(text, {
      database: c.database,
      table: al.table,
      access_log_location: al.location,
      account_projection: enumOrInjected('account', c.accounts),
      region_projection: enumOrInjected('region', c.regions),
      bucket_projection: enumOrInjected('bucket', c.buckets),
      from: c.from,
    }),
  };
}

/** What the view selects for bucket and the partition columns of each access-log table kind. */
const ACCESS_LOG_VIEW_SQL = {
  partitioned: {
    // the source-bucket partition equals bucket_name on every row, and filtering on it prunes
    access_log_source_columns:
      '"bucket" AS bucket,\n      "timestamp" AS partition_date,\n      account AS partition_account,\n      region AS partition_region',
    access_log_partition_date: 'partition_date',
  },
  plain: {
    access_log_source_columns:
      `CASE WHEN bucket_name IN ('-', '"-"') THEN NULL ELSE bucket_name END AS bucket,\n      CAST(NULL AS varchar) AS partition_date,\n      CAST(NULL AS varchar) AS partition_account,\n      CAST(NULL AS varchar) AS partition_region`,
    access_log_partition_date: `date_format("time", '%Y/%m/%d')`,
  },
} as const;

function eventsView(c: DdlConfig): DdlStatement {
  const text = readQueryFile(`views/${VIEW_NAME}.athena.sql`);
  const sections = new Set<string>();
  if (c.cloudtrail) sections.add('cloudtrail');
  if (c.accessLogs) sections.add('s3access');
  return {
    name: templateName(text),
    sql: renderTemplate(
      text,
      {
        database: c.database,
        cloudtrail_table: c.cloudtrail?.table ?? '',
        access_log_table: c.accessLogs?.table ?? '',
        ...ACCESS_LOG_VIEW_SQL[c.accessLogs?.partitioned ? 'partitioned' : 'plain'],
      },
      sections,
    ),
  };
}

function dropTable(c: DdlConfig, table: string): DdlStatement {
  return { name: `drop-table:${table}`, sql: renderTemplate(readQueryFile('ddl/drop-table.sql'), { database: c.database, table }) };
}

/** The statements, in the order they must run. */
export function ddlStatements(c: DdlConfig): DdlStatement[] {
  const text = readQueryFile('ddl/create-database.sql');
  const out: DdlStatement[] = [{ name: templateName(text), sql: renderTemplate(text, { database: c.database }) }];
  if (c.cloudtrail) {
    if (c.replace) out.push(dropTable(c, c.cloudtrail.table));
    out.push(cloudTrailTable(c, c.cloudtrail));
  }
  if (c.accessLogs) {
    if (c.replace) out.push(dropTable(c, c.accessLogs.table));
    out.push(accessLogTable(c, c.accessLogs));
  }
  out.push(eventsView(c));
  return out;
}

/** Warnings worth printing with the DDL (injected projections constrain every query). */
export function ddlWarnings(c: DdlConfig): string[] {
  const w: string[] = [];
  if (c.accounts === undefined && (c.cloudtrail || c.accessLogs?.partitioned)) {
    w.push('no --accounts: the account partition is injected, so every query must filter partition_account = \'<account>\'');
  }
  if (c.accessLogs?.partitioned && c.buckets === undefined) {
    w.push('no --buckets: the source-bucket partition is injected, so every query must filter bucket = \'<bucket>\'');
  }
  return w;
}
