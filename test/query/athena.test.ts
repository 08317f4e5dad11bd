/**
 * `query --engine athena` against a mocked Athena API (aws-sdk-client-mock): the hunt's SQL goes
 * out unchanged with its partition predicate, every value travels as an ExecutionParameter (never in
 * the query text, hostile values included), and the results come back through the exporters.
 */
import { Writable } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type StartQueryExecutionInput,
} from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/commands/query.js';
import { ConfigError } from '../../src/errors.js';
import { getHunt } from '../../src/query/hunts.js';

const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const athena = mockClient(client);
const s3mock = mockClient(s3);
afterEach(() => {
  athena.reset();
  s3mock.reset();
});

function collector(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

function mockSuccess(columns: [string, string][], data: (string | null)[][]): void {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      QueryExecutionId: 'q-1',
      StatementType: 'DML',
      Status: { State: 'SUCCEEDED' },
      ResultConfiguration: { OutputLocation: 's3://results/q-1.csv' },
      Statistics: { DataScannedInBytes: 123_456 },
    },
  });
  const header = { Data: columns.map(([n]) => ({ VarCharValue: n })) };
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Label: Name, Type })) },
      Rows: [header, ...data.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) }))],
    },
  });
}

const logger = { info: vi.fn(), warn: vi.fn(), debug: vi.fn() };
const deps = () => ({ athena: client, s3, stdout: collector(), runner: { logger }, signal: new AbortController().signal });

function started(): StartQueryExecutionInput {
  const calls = athena.commandCalls(StartQueryExecutionCommand);
  expect(calls).toHaveLength(1);
  return calls[0].args[0].input;
}

describe('query --engine athena', () => {
  it('sends the hunt unchanged with the partition predicate; values only as ExecutionParameters', async () => {
    mockSuccess([['time', 'timestamp(3)'], ['action', 'varchar'], ['origin_index', 'integer']], [['2026-03-09 22:11:05.000', 'GetObject', null]]);
    const hostile = "arn:aws:iam::1:role/x' OR '1'='1";
    const d = deps();
    await run(undefined, [], { hunt: 'principal-timeline', param: [`principal=${hostile}`], engine: 'athena', database: 'security_logs', workgroup: 'primary', output: 's3://results/athena', since: '2026-03-09', until: '2026-03-10T00:00:00Z', format: 'ndjson' }, d);
    const input = started();
    expect(input.QueryString).toBe(getHunt('principal-timeline').sql);
    expect(input.QueryString).toMatch(/WHERE partition_date BETWEEN \? AND \?/);
    expect(input.QueryString).not.toContain('role/x');
    expect(input.QueryString).not.toContain('2026');
    expect(input.ExecutionParameters).toEqual([
      "'2026/03/09'",
      "'2026/03/10'",
      "TIMESTAMP '2026-03-09 00:00:00.000'",
      "TIMESTAMP '2026-03-10 00:00:00.000'",
      "'arn:aws:iam::1:role/x'' OR ''1''=''1'",
      "'arn:aws:iam::1:role/x'' OR ''1''=''1'",
    ]);
    expect(input.QueryExecutionContext).toMatchObject({ Database: 'security_logs' });
    expect(input.WorkGroup).toBe('primary');
    expect(input.ResultConfiguration).toEqual({ OutputLocation: 's3://results/athena/' });
    expect(d.stdout.text()).toBe('{"time":"2026-03-09T22:11:05.000Z","action":"GetObject","origin_index":null}\n');
  });

  it('binds integer and boolean parameters as literals of their type', async () => {
    mockSuccess([['principal', 'varchar'], ['deletes', 'bigint']], [['p', '230']]);
    const d = deps();
    await run(undefined, [], { hunt: 'deletes-by-principal', param: ['include_lifecycle=true'], engine: 'athena', database: 'db', since: '30d', format: 'csv' }, d);
    expect(started().ExecutionParameters?.slice(4)).toEqual(['TRUE']);
    expect(d.stdout.text()).toBe('principal,deletes\r\np,230\r\n');

    athena.reset();
    mockSuccess([['principal', 'varchar']], []);
    await run(undefined, [], { hunt: 'access-denied-bursts', param: ['min_denied=5'], engine: 'athena', database: 'db', since: '2026-03-01', format: 'json' }, deps());
    expect(started().ExecutionParameters?.slice(4)).toEqual(['5']);
  });

  it('ad-hoc SQL takes its ? values from --arg, typed by prefix', async () => {
    mockSuccess([['n', 'bigint']], [['3']]);
    const d = deps();
    const sql = 'SELECT count(*) AS n FROM trailhound_events WHERE partition_date BETWEEN ? AND ? AND principal = ? AND "time" >= ?';
    await run(sql, [], { engine: 'athena', database: 'db', arg: ['2026/03/01', '2026/03/02', "it's", 'timestamp:2026-03-01T10:00:00Z'], format: 'json' }, d);
    expect(started()).toMatchObject({ QueryString: sql, ExecutionParameters: ["'2026/03/01'", "'2026/03/02'", "'it''s'", "TIMESTAMP '2026-03-01 10:00:00.000'"] });
    expect(JSON.parse(d.stdout.text())).toEqual([{ n: 3 }]);
  });

  it('refuses what Athena cannot do: no --since, SOURCE arguments, --db, a bad database name', async () => {
    const cases: [Parameters<typeof run>, RegExp][] = [
      [[undefined, [], { hunt: 'root-activity', engine: 'athena', database: 'db' }], /--since is required on Athena/],
      [['logs/', [], { hunt: 'root-activity', engine: 'athena', database: 'db', since: '7d' }], /SOURCE arguments are for --engine local/],
      [[undefined, [], { hunt: 'root-activity', engine: 'athena', database: 'db', since: '7d', db: 'x.duckdb' }], /--db is for --engine local/],
      [[undefined, [], { hunt: 'root-activity', engine: 'athena', database: 'db"; DROP', since: '7d' }], /invalid athena options/],
    ];
    for (const [args, re] of cases) {
      const err = await run(args[0], args[1], args[2], deps()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect([(err as ConfigError).message, ...(err as ConfigError).problems].join('\n')).toMatch(re);
    }
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
