/**
 * `backfill --engine athena` against a mocked Athena (aws-sdk-client-mock): one query per detector,
 * each with the partition predicate in its text and the range only in ExecutionParameters; the
 * typed results (timestamps, bigint weights) go through the same detectors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type Row,
} from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/backfill.js';
import type { Finding } from '../../src/detect/finding.js';
import { ConfigError } from '../../src/errors.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const client = new AthenaClient({ region: 'us-east-1', credentials });
const s3 = new S3Client({ region: 'us-east-1', credentials });
const athena = mockClient(client);
afterEach(() => athena.reset());

const work = mkdtempSync(path.join(tmpdir(), 'th-backfill-athena-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cols = (spec: [string, string][]): ColumnInfo[] => spec.map(([Name, Type]) => ({ Name, Label: Name, Type, Nullable: 'NULLABLE' }));
const rows = (values: (string | null)[][]): Row[] => values.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) }));

/** The insecure-transport result: one hour of plaintext reads by one principal, and the row of every other request. */
const INSECURE_COLUMNS = cols([
  ['time', 'timestamp'],
  ['time_last', 'timestamp'],
  ['event_count', 'bigint'],
  ['origin_uri', 'varchar'],
  ['log_kind', 'varchar'],
  ['event_source', 'varchar'],
  ['action', 'varchar'],
  ['operation', 'varchar'],
  ['principal', 'varchar'],
  ['principal_type', 'varchar'],
  ['invoked_by', 'varchar'],
  ['bucket', 'varchar'],
  ['tls_version', 'varchar'],
  ['cipher_suite', 'varchar'],
  ['signature_version', 'varchar'],
  ['auth_type', 'varchar'],
  ['host_id', 'varchar'],
  ['source_ip', 'varchar'],
  ['user_agent', 'varchar'],
  ['error_code', 'varchar'],
  ['http_status', 'smallint'],
]);
const PRINCIPAL = 'arn:aws:iam::111122223333:user/legacy-exporter';
const INSECURE_ROWS = [
  INSECURE_COLUMNS.map((c) => c.Name!),
  ['2026-03-05 10:00:03.000', '2026-03-05 10:59:58.250', '42', 's3://access-logs/data-bucket/2026-03-05-10-00-00-ABCDEF', 's3access', 's3.amazonaws.com', 'GetObject', 'REST.GET.OBJECT', PRINCIPAL, 'IAMUser', null, 'data-bucket', null, null, 'SigV4', 'AuthHeader', 'hostid==', '198.51.100.7', 'curl/8.5.0', null, '200'],
  ['2026-03-01 00:00:01.000', '2026-03-07 23:59:59.000', '123456', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];
const EMPTY_COLUMNS = cols([
  ['time', 'timestamp'],
  ['time_last', 'timestamp'],
  ['event_count', 'bigint'],
]);

function queryId(sql: string): string {
  if (sql.includes('judged')) return 'q-insecure';
  if (sql.includes('key_prefix')) return 'q-volume';
  if (sql.includes("'PutBucketPolicy'")) return 'q-config';
  return 'q-principal';
}

function mockAthena(): void {
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => ({ QueryExecutionId: queryId(input.QueryString) }));
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: {
      QueryExecutionId: input.QueryExecutionId,
      StatementType: 'DML',
      Status: { State: 'SUCCEEDED' },
      Statistics: { DataScannedInBytes: 7_500_000_000 },
      ResultConfiguration: { OutputLocation: `s3://results/${input.QueryExecutionId}.csv` },
    },
  }));
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) =>
    input.QueryExecutionId === 'q-insecure'
      ? { ResultSet: { Rows: rows(INSECURE_ROWS), ResultSetMetadata: { ColumnInfo: INSECURE_COLUMNS } } }
      : { ResultSet: { Rows: rows([EMPTY_COLUMNS.map((c) => c.Name!)]), ResultSetMetadata: { ColumnInfo: EMPTY_COLUMNS } } },
  );
}

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

describe('backfill --engine athena', () => {
  it('runs one query per detector with the partition predicate, the range as ExecutionParameters, and feeds the aggregates to the detectors', async () => {
    mockAthena();
    const state = path.join(work, 'state');
    const out = path.join(work, 'findings.ndjson');
    await run([], { since: '2026-03-01', until: '2026-03-10', engine: 'athena', database: 'security_logs', workgroup: 'wg', state, out }, { athena: client, s3, stdout: sink() });

    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(starts.map((s) => queryId(s.QueryString!)).sort()).toEqual(['q-config', 'q-insecure', 'q-principal', 'q-volume']);
    for (const s of starts) {
      expect(s.QueryString).toMatch(/partition_date BETWEEN \? AND \?/);
      expect(s.QueryString).toMatch(/"time" >= \? AND "time" < \?/);
      expect(s.QueryString).not.toContain('2026');
      expect(s.WorkGroup).toBe('wg');
      expect(s.QueryExecutionContext?.Database).toBe('security_logs');
      // CloudTrail files land in the next day's folder: the partition range ends a day after the last event day
      expect(s.ExecutionParameters!.slice(0, 4)).toEqual(["'2026/03/01'", "'2026/03/10'", "TIMESTAMP '2026-03-01 00:00:00.000'", "TIMESTAMP '2026-03-10 00:00:00.000'"]);
    }
    expect(starts.find((s) => queryId(s.QueryString!) === 'q-insecure')!.ExecutionParameters!.slice(4)).toEqual(["'tlsv1.2'", "'tlsv1.3'"]);

    const findings = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Finding);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f).toMatchObject({
      detector: 'insecure-transport',
      kind: 'no-tls',
      severity: 'high',
      subject: { principal: PRINCIPAL, bucket: 'data-bucket' },
      window: { start: '2026-03-05T00:00:00.000Z', end: '2026-03-06T00:00:00.000Z' },
      observed: { requests: 42, denied: 0, data_transfers: 42, cloudtrail_requests: 0, s3access_requests: 42 },
      evidence: { count: 42 },
      first_seen: '2026-03-05T10:00:03.000Z',
      last_seen: '2026-03-05T10:59:58.250Z',
      attributions: { source_ip: [{ value: '198.51.100.7', count: 42 }], user_agent: [{ value: 'curl/8.5.0', count: 42 }] },
    });
    expect(f.evidence.samples[0]).toMatchObject({ origin_uri: 's3://access-logs/data-bucket/2026-03-05-10-00-00-ABCDEF', origin_index: null, principal: PRINCIPAL });

    // the baselines are seeded; "now" of insecure-transport is the latest event of the range, from the row of other requests
    const saved = JSON.parse(readFileSync(path.join(state, 'state.json'), 'utf8'));
    expect(Object.keys(saved.detectors).sort()).toEqual(['insecure-transport', 's3-config-change', 'unusual-principal', 'volume-spike']);
    expect(saved.detectors['insecure-transport'].data.latest).toBe(Date.parse('2026-03-07T23:59:59.000Z'));
    // within horizonDays (3) of that "now", the day's totals are kept for later runs
    expect(saved.detectors['insecure-transport'].data.totals).toHaveLength(1);
  });

  it('takes no SOURCE arguments, and needs --since and --database', async () => {
    mockAthena();
    const o = { engine: 'athena', database: 'security_logs', state: false as const };
    await expect(run(['samples'], { ...o, since: '7d' }, { athena: client, s3, stdout: sink() })).rejects.toThrow(/SOURCE arguments are for --engine local/);
    await expect(run([], o, { athena: client, s3, stdout: sink() })).rejects.toThrow(/--since is required/);
    await expect(run([], { engine: 'athena', since: '7d', state: false }, { athena: client, s3, stdout: sink() })).rejects.toThrow(ConfigError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
