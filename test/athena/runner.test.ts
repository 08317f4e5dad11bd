/**
 * The Athena API flow against a mocked AthenaClient (aws-sdk-client-mock) and, for large results,
 * a real S3 server (s3rver) holding the CSV result object.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type ColumnInfo,
  type QueryExecution,
  type Row,
} from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POLL_BACKOFF, backoffDelay, type Clock } from '../../src/athena/backoff.js';
import { AthenaQueryError } from '../../src/athena/errors.js';
import { AthenaRunner, type AthenaRunnerOptions } from '../../src/athena/runner.js';
import { ConfigError, QueryError } from '../../src/errors.js';
import { s3rverClientConfig, startS3rver, type S3rver } from '../helpers/s3rver.js';

const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const athena = mockClient(client);
afterEach(() => athena.reset());

/** A clock that never waits: it records the delays asked for and advances its time by them. */
function fakeClock(onSleep?: (ms: number, n: number) => void): Clock & { sleeps: number[] } {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
      onSleep?.(ms, sleeps.length);
    },
    now: () => time,
    random: () => 0.5,
  };
}

function fakeLogger() {
  return { info: vi.fn(), warn: vi.fn(), debug: vi.fn() };
}

function runner(extra: Partial<AthenaRunnerOptions> = {}) {
  const logger = fakeLogger();
  const clock = fakeClock();
  const r = new AthenaRunner({ athena: client, workGroup: 'wg', outputLocation: 's3://results-bucket/athena/', database: 'sec', clock, logger, ...extra });
  return { r, logger, clock: (extra.clock as ReturnType<typeof fakeClock> | undefined) ?? clock };
}

function execution(state: string, extra: Partial<QueryExecution> = {}): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: 'q-1',
      StatementType: 'DML',
      ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/q-1.csv' },
      ...extra,
      Status: { State: state as never, ...extra.Status },
      Statistics: { DataScannedInBytes: 0, ...extra.Statistics },
    },
  };
}

function rows(values: (string | null)[][]): Row[] {
  return values.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) }));
}

function columns(spec: [string, string][]): ColumnInfo[] {
  return spec.map(([Name, Type]) => ({ Name, Label: Name, Type, Nullable: 'NULLABLE' }));
}

function throttling(): Error {
  const err = new Error('Rate exceeded');
  err.name = 'ThrottlingException';
  return err;
}

const COLS = columns([
  ['principal', 'varchar'],
  ['requests', 'bigint'],
  ['status', 'integer'],
  ['ratio', 'double'],
  ['read_only', 'boolean'],
  ['first_seen', 'timestamp'],
  ['amount', 'decimal(10,2)'],
]);
const HEADER = ['principal', 'requests', 'status', 'ratio', 'read_only', 'first_seen', 'amount'];

function succeedAfterPolls(stats: QueryExecution['Statistics'] = { DataScannedInBytes: 123_456_789 }): void {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena
    .on(GetQueryExecutionCommand)
    .resolvesOnce(execution('QUEUED'))
    .resolvesOnce(execution('RUNNING'))
    .resolvesOnce(execution('RUNNING'))
    .resolves(execution('SUCCEEDED', { Statistics: stats }));
}

describe('AthenaRunner: running a query', () => {
  it('starts with workgroup, output location, database, catalog, quoted parameters and result reuse, then polls with backoff', async () => {
    succeedAfterPolls();
    const { r, logger, clock } = runner({ resultReuseMaxAgeMinutes: 60 });
    const done = await r.execute('SELECT * FROM trailhound_events WHERE principal = ? AND partition_date >= ? AND bytes_out > ?', {
      params: ["O'Brien'; DROP TABLE x; --", '2024/05/01', 1000],
      label: 'hunt',
    });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(input).toMatchObject({
      WorkGroup: 'wg',
      ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/' },
      QueryExecutionContext: { Database: 'sec', Catalog: 'AwsDataCatalog' },
      ExecutionParameters: ["'O''Brien''; DROP TABLE x; --'", "'2024/05/01'", '1000'],
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } },
    });
    // user input never reaches the query text
    expect(input.QueryString).not.toContain('Brien');
    expect(input.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(done).toMatchObject({ id: 'q-1', state: 'SUCCEEDED', statementType: 'DML', dataScannedBytes: 123_456_789, outputLocation: 's3://results-bucket/athena/q-1.csv' });
    expect(done.cost).toEqual({ billedBytes: 124_000_000, usd: 0.00062 });
    // 0.5 s, then doubling; random() = 0.5 means no jitter
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ queryExecutionId: 'q-1', state: 'SUCCEEDED', dataScannedBytes: 123_456_789, estimatedCostUsd: 0.00062, label: 'hunt' }),
      'athena query succeeded: scanned 123.5 MB, estimated cost $0.000620',
    );
  });

  it('backs off from 0.5 s to at most 5 s, with jitter', () => {
    const delays = (random: number) => Array.from({ length: 8 }, (_, i) => backoffDelay(i, POLL_BACKOFF, () => random));
    expect(delays(0.5)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
    for (const d of [...delays(0), ...delays(0.999)]) {
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(5000);
    }
    expect(delays(0)[2]).toBe(1600);
    expect(delays(0.999)[2]).toBe(2399);
  });

  it('sends no ExecutionParameters when there are none, and checks their count before starting', async () => {
    succeedAfterPolls();
    const { r } = runner();
    await r.execute('CREATE DATABASE IF NOT EXISTS `x`');
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ExecutionParameters).toBeUndefined();
    await expect(r.execute('SELECT * FROM t WHERE a = ?', { params: [] })).rejects.toThrow(ConfigError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('FAILED becomes an AthenaQueryError with the reason, the error category and type; failed queries are free', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(
      execution('FAILED', {
        Status: {
          StateChangeReason: 'COLUMN_NOT_FOUND: line 1:8: Column \'nope\' cannot be resolved',
          AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: 'Column nope cannot be resolved' },
        },
        Statistics: { DataScannedInBytes: 5_000_000 },
      }),
    );
    const { r, logger } = runner();
    const err = await r.execute('SELECT nope FROM t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err).toBeInstanceOf(QueryError);
    const e = err as AthenaQueryError;
    expect(e.state).toBe('FAILED');
    expect(e.stateChangeReason).toContain('COLUMN_NOT_FOUND');
    expect(e.errorCategory).toBe(2);
    expect(e.errorType).toBe(1006);
    expect(e.message).toBe("Athena query q-1 failed: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved [USER error, type 1006]");
    expect(e.hint).toMatch(/ExecutionParameters/);
    expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ state: 'FAILED', estimatedCostUsd: 0 }), expect.any(String));
  });

  it('CANCELLED (by someone else) is an error carrying the reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('CANCELLED', { Status: { StateChangeReason: 'Query cancelled by user' } }));
    const { r } = runner();
    const err = (await r.execute('SELECT 1').catch((e: unknown) => e)) as AthenaQueryError;
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.state).toBe('CANCELLED');
    expect(err.message).toBe('Athena query q-1 was cancelled: Query cancelled by user');
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  });

  it('retries ThrottlingException and TooManyRequestsException on every call, with the same request token', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(new TooManyRequestsException({ message: 'Too many queries', $metadata: {}, Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' }))
      .resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).rejectsOnce(throttling()).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athena.on(GetQueryResultsCommand).rejectsOnce(throttling()).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
    const { r, clock } = runner();
    const results = await r.query('CREATE DATABASE x');
    expect((await results.table()).numRows).toBe(0);
    const starts = athena.commandCalls(StartQueryExecutionCommand);
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((c) => c.args[0].input.ClientRequestToken)).size).toBe(1);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(clock.sleeps).toEqual([500, 1000, 500, 500]);
  });

  it('gives up on throttling after the attempt limit, and reports other API errors as QueryErrors', async () => {
    athena.on(StartQueryExecutionCommand).rejects(throttling());
    const { r } = runner({ throttleBackoff: { initialMs: 10, maxMs: 10, factor: 2, jitter: 0, maxAttempts: 4 } });
    await expect(r.execute('SELECT 1')).rejects.toThrow(/StartQueryExecution failed: ThrottlingException/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(4);

    athena.reset();
    athena.on(StartQueryExecutionCommand).rejects(new InvalidRequestException({ message: 'line 1:1: mismatched input', $metadata: {} }));
    await expect(r.execute('SELEC 1')).rejects.toThrow(/StartQueryExecution failed: InvalidRequestException: line 1:1: mismatched input/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('on abort (Ctrl-C) sends StopQueryExecution and waits until Athena reports CANCELLED', async () => {
    const controller = new AbortController();
    const clock = fakeClock((_, n) => {
      if (n === 2) controller.abort();
    });
    let stopped = false;
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(StopQueryExecutionCommand).callsFake(() => {
      stopped = true;
      return {};
    });
    let pollsAfterStop = 0;
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      if (!stopped) return execution('RUNNING');
      // Athena takes a moment to cancel
      return ++pollsAfterStop < 3 ? execution('RUNNING') : execution('CANCELLED', { Statistics: { DataScannedInBytes: 50_000_000 }, Status: { StateChangeReason: 'Query cancelled by user' } });
    });
    const { r, logger } = runner({ clock });
    const err = (await r.execute('SELECT * FROM big', { signal: controller.signal }).catch((e: unknown) => e)) as AthenaQueryError;
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.state).toBe('CANCELLED');
    expect(err.failure.cancelledByUs).toBe('signal');
    expect(err.message).toMatch(/was cancelled \(cancelled on request\)/);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: 'q-1' }]);
    expect(pollsAfterStop).toBe(3);
    // a cancelled query is billed for what it scanned
    expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ state: 'CANCELLED', billedBytes: 50_000_000 }), expect.any(String));
  });

  it('does not start a query when the signal is already aborted', async () => {
    const { r } = runner();
    await expect(r.execute('SELECT 1', { signal: AbortSignal.abort() })).rejects.toThrow(QueryError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('stops a query that outlives the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    let stopped = false;
    athena.on(StopQueryExecutionCommand).callsFake(() => {
      stopped = true;
      return {};
    });
    athena.on(GetQueryExecutionCommand).callsFake(() => (stopped ? execution('CANCELLED') : execution('RUNNING')));
    const { r } = runner({ timeoutMs: 10_000 });
    const err = (await r.execute('SELECT 1').catch((e: unknown) => e)) as AthenaQueryError;
    expect(err.failure.cancelledByUs).toBe('timeout');
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });

  it('rejects a result reuse age Athena does not accept', () => {
    expect(() => runner({ resultReuseMaxAgeMinutes: 10_081 })).toThrow(ConfigError);
  });
});

describe('AthenaRunner: results from GetQueryResults', () => {
  it('pages through NextToken, drops the header row of the first page only, keeps NULLs and empty strings', async () => {
    succeedAfterPolls();
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: COLS },
          Rows: rows([HEADER, ['arn:aws:iam::111122223333:role/Reader', '12', '200', '0.25', 'true', '2024-05-01 10:00:00.123', '12.50'], [null, null, null, null, null, null, null]]),
        },
        NextToken: 't1',
      })
      .resolvesOnce({
        // a later page whose first row looks like a header is data: only page one has the header
        ResultSet: { ResultSetMetadata: { ColumnInfo: COLS }, Rows: rows([HEADER.map(() => null), ['', '9223372036854775807', '-5', 'NaN', 'false', '1970-01-01 00:00:00.000', '0.00']]) },
        NextToken: 't2',
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLS }, Rows: rows([['anonymous', '1', '403', '-Infinity', 'false', '2024-05-02 00:00:00', '1.00']]) } });
    const { r } = runner();
    const results = await r.query('SELECT …', { results: { mode: 'api', batchRows: 2, pageSize: 3 } });
    const batches = [];
    for await (const b of results.batches()) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 3 },
      { QueryExecutionId: 'q-1', MaxResults: 3, NextToken: 't1' },
      { QueryExecutionId: 'q-1', MaxResults: 3, NextToken: 't2' },
    ]);
    const schema = batches[0].schema;
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'principal:Utf8',
      'requests:Int64',
      'status:Int32',
      'ratio:Float64',
      'read_only:Bool',
      'first_seen:Timestamp<MILLISECOND, UTC>',
      'amount:Utf8',
    ]);
    const all = batches.flatMap((b) => b.toArray().map((row) => row.toJSON()));
    expect(all[0]).toEqual({
      principal: 'arn:aws:iam::111122223333:role/Reader',
      requests: 12n,
      status: 200,
      ratio: 0.25,
      read_only: true,
      first_seen: Date.UTC(2024, 4, 1, 10, 0, 0, 123),
      amount: '12.50',
    });
    expect(Object.values(all[1]).every((v) => v === null)).toBe(true);
    expect(Object.values(all[2]).every((v) => v === null)).toBe(true);
    expect(all[3]).toMatchObject({ principal: '', requests: 9223372036854775807n, status: -5, read_only: false, first_seen: 0 });
    expect(Number.isNaN(all[3].ratio)).toBe(true);
    expect(all[4]).toMatchObject({ principal: 'anonymous', ratio: Number.NEGATIVE_INFINITY, first_seen: Date.UTC(2024, 4, 2) });
  });

  it('keeps every row of DDL and UTILITY results (they have no header row)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'UTILITY', ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/q-1.txt' } }));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columns([['tab_name', 'string']]) }, Rows: rows([['tab_name'], ['cloudtrail_logs'], ['s3_access_logs']]) },
    });
    const { r } = runner();
    const table = await (await r.query('SHOW TABLES')).table();
    expect(table.toArray().map((row) => row.toJSON().tab_name)).toEqual(['tab_name', 'cloudtrail_logs', 's3_access_logs']);
  });

  it('never drops a first data row that is not the header', async () => {
    succeedAfterPolls();
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columns([['n', 'bigint']]) }, Rows: rows([['7'], ['8']]) },
    });
    const { r } = runner();
    const table = await (await r.query('SELECT n FROM t')).table();
    expect(table.toArray().map((row) => Number(row.toJSON().n))).toEqual([7, 8]);
  });

  it('gives an empty table with the result schema when there are no rows', async () => {
    succeedAfterPolls();
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: COLS }, Rows: rows([HEADER]) } });
    const { r } = runner();
    const table = await (await r.query('SELECT …')).table();
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(HEADER);
  });

  it('reports a value that does not fit its column type', async () => {
    succeedAfterPolls();
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns([['n', 'integer']]) }, Rows: rows([['n'], ['12x']]) } });
    const { r } = runner();
    await expect((await r.query('SELECT n FROM t')).table()).rejects.toThrow(/column n \(integer\)/);
  });
});

describe('AthenaRunner: large results streamed from the S3 result object', () => {
  let server: S3rver;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3rver({ buckets: ['results-bucket'] });
    s3 = new S3Client(s3rverClientConfig(server.endpoint));
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  /** Athena's CSV: a header, every value quoted with quotes doubled, NULL as nothing at all. */
  function csv(records: (string | null)[][]): string {
    return records.map((r) => r.map((v) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`)).join(',') + '\n').join('');
  }

  const STREAM_COLS = columns([
    ['user_agent', 'varchar'],
    ['bytes_out', 'bigint'],
    ['time', 'timestamp(3)'],
    ['read_only', 'boolean'],
  ]);

  function expectedRow(i: number): (string | null)[] {
    if (i % 1000 === 1) return [null, null, null, null];
    if (i % 1000 === 2) return ['', '0', '2024-05-01 00:00:00.000', 'false'];
    if (i % 1000 === 3) return ['multi\nline "quoted", with comma', '3', '2024-05-01 00:00:03.000', 'true'];
    return [`agent-${i}`, String(i * 1000), `2024-05-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000`, i % 2 ? 'true' : 'false'];
  }

  it('switches from GetQueryResults to the CSV object when the result spans pages, and types it the same way', async () => {
    const n = 5_000;
    const records = Array.from({ length: n }, (_, i) => expectedRow(i));
    await s3.send(new PutObjectCommand({ Bucket: 'results-bucket', Key: 'athena/q-1.csv', Body: csv([['user_agent', 'bytes_out', 'time', 'read_only'], ...records]) }));
    succeedAfterPolls();
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: STREAM_COLS }, Rows: rows([['user_agent', 'bytes_out', 'time', 'read_only'], ...records.slice(0, 999)]) },
      NextToken: 'more',
    });
    const { r } = runner({ s3 });
    const results = await r.query('SELECT …', { results: { batchRows: 2048 } });
    const batches = [];
    for await (const b of results.batches()) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([2048, 2048, 904]);
    // one GetQueryResults call: the rest came from S3
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
    const got = batches.flatMap((b) => b.toArray().map((row) => row.toJSON()));
    for (const i of [0, 1, 2, 3, 1001, 4999]) {
      const [ua, bytes, time, ro] = expectedRow(i);
      expect(got[i], `row ${i}`).toEqual({
        user_agent: ua,
        bytes_out: bytes === null ? null : BigInt(bytes),
        time: time === null ? null : Date.parse(`${time.replace(' ', 'T')}Z`),
        read_only: ro === null ? null : ro === 'true',
      });
    }
  });

  it('streams from S3 on request, even for one page', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'results-bucket', Key: 'athena/q-2.csv', Body: csv([['user_agent'], ['a "b"'], [null], ['']]) }));
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { QueryExecutionId: 'q-2', ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/q-2.csv' } }));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns([['user_agent', 'varchar']]) }, Rows: rows([['user_agent']]) } });
    const { r } = runner({ s3 });
    const table = await (await r.query('SELECT user_agent FROM t', { results: { mode: 's3' } })).table();
    expect(table.toArray().map((row) => row.toJSON().user_agent)).toEqual(['a "b"', null, '']);
    expect(athena.commandCalls(GetQueryResultsCommand)[0].args[0].input.MaxResults).toBe(1);
  });

  it('reports a missing result object as a QueryError', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/missing.csv' } }));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns([['x', 'varchar']]) }, Rows: [] } });
    const { r } = runner({ s3 });
    await expect((await r.query('SELECT x FROM t', { results: { mode: 's3' } })).table()).rejects.toThrow(/cannot read the Athena result object/);
  });
});
