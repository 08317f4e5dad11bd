import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { ddlStatements, ddlWarnings, DEFAULT_REGIONS, resolveDdlConfig, type DdlInput } from '../../src/athena/ddl.js';
import { ConfigError } from '../../src/errors.js';
import { queriesDir } from '../../src/paths.js';

const hive = new HiveSQL();
const trino = new TrinoSQL();

const FULL: DdlInput = {
  database: 'security_logs',
  cloudtrail: 's3://org-trail-bucket/trails',
  accessLogs: 's3://access-log-bucket/logs/',
  orgId: 'o-abcdef1234',
  accounts: '111122223333,444455556666',
  regions: 'us-east-1,eu-west-1',
  from: '2024-01-01',
};

function byName(input: DdlInput): Map<string, string> {
  return new Map(ddlStatements(resolveDdlConfig(input)).map((s) => [s.name, s.sql]));
}

function expectValid(parser: HiveSQL | TrinoSQL, sql: string): void {
  const errors = parser.validate(sql);
  expect(errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`), sql.slice(0, 200)).toEqual([]);
}

describe('SQL files', () => {
  const files = [
    ...readdirSync(path.join(queriesDir(), 'ddl')).map((f) => `ddl/${f}`),
    ...readdirSync(path.join(queriesDir(), 'views')).map((f) => `views/${f}`),
  ].filter((f) => f.endsWith('.sql'));

  it('exist', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'ddl/create-database.sql',
        'ddl/cloudtrail-table.sql',
        'ddl/s3-access-log-table.sql',
        'ddl/s3-access-log-table-partitioned.sql',
        'views/trailhound_events.athena.sql',
      ]),
    );
  });

  it.each(files)('%s carries the -- name / -- engine / -- params header', (file) => {
    const head = readFileSync(path.join(queriesDir(), file), 'utf8').split('\n').slice(0, 3).join('\n');
    expect(head).toMatch(/^-- name: \S+\n-- engine: athena .*\n-- params: /);
    expect(path.basename(file).startsWith(/^-- name: (\S+)/.exec(head)![1])).toBe(true);
  });
});

describe('rendered DDL', () => {
  const variants: [string, DdlInput][] = [
    ['organisation trail + plain access logs', FULL],
    ['single account, partitioned access logs', {
      database: 'sec',
      cloudtrail: 's3://trail-bucket/',
      accessLogs: 's3://target-bucket/access/',
      partitionedAccessLogs: true,
      accounts: '111122223333',
      regions: 'us-east-1',
      buckets: 'data-bucket,web.assets-1',
    }],
    ['injected projections, default regions', {
      database: 'sec',
      cloudtrail: 's3://trail-bucket',
      accessLogs: 's3://target-bucket/',
      partitionedAccessLogs: true,
    }],
    ['CloudTrail only, with --replace', { database: 'sec', cloudtrail: 's3://trail-bucket/x/y/', replace: true }],
    ['access logs only', { database: 'sec', accessLogs: 's3://target-bucket/' }],
  ];

  it.each(variants)('%s: Hive DDL parses, the view parses as Trino SQL, no placeholder is left', (_, input) => {
    const statements = ddlStatements(resolveDdlConfig(input));
    expect(statements[0].name).toBe('create-database');
    expect(statements.at(-1)!.name).toBe('trailhound_events');
    for (const s of statements) {
      expect(s.sql).not.toMatch(/\{\{|\}\}/);
      expect(s.sql).not.toMatch(/^\s*--/m);
      expectValid(s.name === 'trailhound_events' ? trino : hive, s.sql);
    }
  });

  it('runs statements in dependency order: database, (drop,) tables, view', () => {
    const names = ddlStatements(resolveDdlConfig({ ...FULL, replace: true })).map((s) => s.name);
    expect(names).toEqual([
      'create-database',
      'drop-table:cloudtrail_logs',
      'cloudtrail-table',
      'drop-table:s3_access_logs',
      's3-access-log-table',
      'trailhound_events',
    ]);
  });

  it('CloudTrail: organisation path, enum projections and the location template', () => {
    const sql = byName(FULL).get('cloudtrail-table')!;
    expect(sql).toContain("LOCATION 's3://org-trail-bucket/trails/AWSLogs/o-abcdef1234/'");
    expect(sql).toContain(
      "'storage.location.template' = 's3://org-trail-bucket/trails/AWSLogs/o-abcdef1234/${account}/CloudTrail/${region}/${timestamp}'",
    );
    expect(sql).toContain("'projection.account.type' = 'enum'");
    expect(sql).toContain("'projection.account.values' = '111122223333,444455556666'");
    expect(sql).toContain("'projection.region.values' = 'us-east-1,eu-west-1'");
    expect(sql).toContain("'projection.timestamp.range' = '2024/01/01,NOW'");
    expect(sql).toContain("'projection.timestamp.format' = 'yyyy/MM/dd'");
    expect(sql).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'");
    expect(sql).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
    expect(sql).toContain('PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)');
    expect(sql).toMatch(/tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING, keyexchange: STRING>/);
  });

  it('CloudTrail without an organisation: AWSLogs/<account>/', () => {
    const sql = byName({ database: 'sec', cloudtrail: 's3://trail-bucket', accounts: '111122223333' }).get('cloudtrail-table')!;
    expect(sql).toContain("'s3://trail-bucket/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'");
  });

  it('injected projections without --accounts / --buckets, with a warning', () => {
    const input: DdlInput = { database: 'sec', cloudtrail: 's3://trail-bucket', accessLogs: 's3://target-bucket/', partitionedAccessLogs: true };
    const statements = byName(input);
    expect(statements.get('cloudtrail-table')).toContain("'projection.account.type' = 'injected'");
    expect(statements.get('cloudtrail-table')).not.toContain('projection.account.values');
    expect(statements.get('cloudtrail-table')).toContain(`'projection.region.values' = '${DEFAULT_REGIONS.join(',')}'`);
    const al = statements.get('s3-access-log-table-partitioned')!;
    expect(al).toContain("'projection.bucket.type' = 'injected'");
    expect(al).toContain("'storage.location.template' = 's3://target-bucket/${account}/${region}/${bucket}/${timestamp}'");
    expect(ddlWarnings(resolveDdlConfig(input))).toHaveLength(2);
  });

  it('the view exposes the partition columns of the table kind it reads', () => {
    const partitioned = byName({ ...FULL, partitionedAccessLogs: true, buckets: 'data-bucket' }).get('trailhound_events')!;
    expect(partitioned).toContain('"timestamp" AS partition_date');
    expect(partitioned).toContain('"bucket" AS bucket');
    const plain = byName(FULL).get('trailhound_events')!;
    expect(plain).toContain(`date_format("time", '%Y/%m/%d') AS partition_date`);
    expect(plain).toContain('FROM "security_logs"."cloudtrail_logs"');
    expect(plain).toContain('FROM "security_logs"."s3_access_logs"');
    expect(plain).toMatch(/\nUNION ALL\n/);
    const ctOnly = byName({ database: 'sec', cloudtrail: 's3://trail-bucket' }).get('trailhound_events')!;
    expect(ctOnly).not.toContain('UNION ALL');
    expect(ctOnly).not.toContain('s3access');
  });
});

describe('template values are validated, never interpolated blindly', () => {
  const hostile: [string, DdlInput][] = [
    ['database with a quote', { ...FULL, database: "x`; DROP DATABASE y; --" }],
    ['database in upper case', { ...FULL, database: 'Security' }],
    ['table name with a dot', { ...FULL, cloudtrailTable: 'a.b' }],
    ['S3 prefix closing the literal', { ...FULL, cloudtrail: "s3://bucket/x'), ('a'='b" }],
    ['S3 prefix with a projection placeholder', { ...FULL, accessLogs: 's3://bucket/${account}/' }],
    ['S3 prefix with a backslash', { ...FULL, accessLogs: 's3://bucket/a\\/' }],
    ['S3 prefix with a space', { ...FULL, accessLogs: 's3://bucket/a b/' }],
    ['not an S3 URI', { ...FULL, cloudtrail: 'https://bucket/x' }],
    ['bad bucket name', { ...FULL, cloudtrail: 's3://Bucket_Name/' }],
    ['access-log prefix without a trailing slash', { ...FULL, accessLogs: 's3://bucket/logs' }],
    ['CloudTrail location below AWSLogs/', { ...FULL, cloudtrail: 's3://bucket/AWSLogs/' }],
    ['short account', { ...FULL, accounts: '1234' }],
    ['account with SQL', { ...FULL, accounts: "111122223333','x" }],
    ['region with a quote', { ...FULL, regions: "us-east-1'" }],
    ['region list with garbage', { ...FULL, regions: 'us-east-1,NOW' }],
    ['org id too short', { ...FULL, orgId: 'o-abc' }],
    ['org id with a slash', { ...FULL, orgId: 'o-abcdef1234/../x' }],
    ['from not a date', { ...FULL, from: "2024/01/01,NOW'" }],
    ['from an impossible day', { ...FULL, from: '2024-02-30' }],
    ['bucket list entry with a quote', { ...FULL, partitionedAccessLogs: true, buckets: "a-bucket,b'" }],
    ['no database', { ...FULL, database: undefined }],
    ['no location at all', { database: 'sec' }],
  ];

  it.each(hostile)('rejects %s', (_, input) => {
    expect(() => resolveDdlConfig(input)).toThrow(ConfigError);
  });

  it('reports every problem at once, with its option', () => {
    try {
      resolveDdlConfig({ database: 'Bad-Name', cloudtrail: 's3://b/x y', accounts: '1,2', regions: 'moon-1' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems.some((p) => p.startsWith('--database:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('--cloudtrail:'))).toBe(true);
      expect(problems.filter((p) => p.startsWith('--accounts['))).toHaveLength(2);
      expect(problems.some((p) => p.startsWith('--regions[0]:'))).toBe(true);
    }
  });

  it('accepts ordinary values and normalises them', () => {
    const c = resolveDdlConfig({ ...FULL, accounts: '111122223333, 111122223333 ,444455556666', from: '2023/06/30' });
    expect(c.accounts).toEqual(['111122223333', '444455556666']);
    expect(c.from).toBe('2023/06/30');
    expect(c.cloudtrail?.location).toBe('s3://org-trail-bucket/trails/');
  });
});
