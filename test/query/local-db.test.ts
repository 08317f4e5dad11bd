/**
 * The local DuckDB engine: events appended column-wise arrive exactly as parsed (every column of
 * every row), the view adds the partition columns, a --db file keeps them and loading the same
 * objects again is skipped while a changed object is replaced, and parameters are bound.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/errors.js';
import { bundledSamples } from '../../src/paths.js';
import { LocalDb } from '../../src/query/local-db.js';
import { COLUMN_NAMES } from '../../src/schema.js';
import { listAll } from '../../src/sources/index.js';
import { iso, rowsOf, sampleDb, sampleRows, type Ev } from './sample-events.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'trailhound-query-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A small copy of the samples: one day of one account's CloudTrail and one bucket's access logs. */
function smallCase(dir: string): string {
  const ct = 'cloudtrail/AWSLogs/418632750914/CloudTrail/us-east-1/2026/03/10';
  cpSync(path.join(bundledSamples(), ct), path.join(dir, ct), { recursive: true });
  const al = path.join(bundledSamples(), 's3access/northwind-prod-backups');
  const files = readdirSync(al).filter((f) => f.startsWith('2026-03-10-1')).slice(0, 6);
  for (const f of files) cpSync(path.join(al, f), path.join(dir, 's3access/northwind-prod-backups', f));
  return dir;
}

const quiet = { workers: 1 };

describe('loading', () => {
  it('every column of every sample event is in DuckDB as parsed (appended column-wise)', async () => {
    const [db, rows] = await Promise.all([sampleDb(), sampleRows()]);
    try {
      const cols = COLUMN_NAMES.map((c) => `"${c}"`).join(', ');
      const got = await rowsOf(db, `SELECT ${cols} FROM trailhound_events ORDER BY origin_uri, origin_index`);
      const want = [...rows].sort((a, b) => (a.origin_uri! < b.origin_uri! ? -1 : a.origin_uri! > b.origin_uri! ? 1 : (a.origin_index as number) - (b.origin_index as number)));
      expect(got).toHaveLength(17_417);
      const norm = (r: Ev): Record<string, unknown> => ({ ...r, time: iso(r.time) });
      for (let i = 0; i < want.length; i++) {
        if (JSON.stringify(got[i]) !== JSON.stringify(norm(want[i]))) expect(got[i]).toEqual(norm(want[i]));
      }
      const nulls = await rowsOf(db, `SELECT count(*) - count(operation) AS no_operation, count(*) - count(http_status) AS no_status FROM trailhound_events`);
      expect(nulls[0]).toEqual({ no_operation: rows.filter((r) => r.operation === null).length, no_status: rows.filter((r) => r.http_status === null).length });
    } finally {
      db.close();
    }
  }, 120_000);

  it('the view adds partition_date (event day) and, for CloudTrail, partition_account / partition_region from the key', async () => {
    const db = await LocalDb.open();
    try {
      await db.load(listAll([smallCase(path.join(tmp, 'view'))]), quiet);
      const got = await rowsOf(
        db,
        `SELECT log_kind, partition_date, partition_account, partition_region, count(*) AS n FROM trailhound_events
         WHERE partition_date BETWEEN ? AND ? GROUP BY ALL ORDER BY ALL`,
        [{ type: 'string', value: '2026/03/10' }, { type: 'string', value: '2026/03/10' }],
      );
      expect(got.map((r) => [r.log_kind, r.partition_account, r.partition_region])).toEqual([
        ['cloudtrail', '418632750914', 'us-east-1'],
        ['s3access', null, null],
      ]);
      expect(got.every((r) => r.partition_date === '2026/03/10')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('--db keeps the events; loading the same objects again is skipped, a changed one replaced', async () => {
    const dir = smallCase(path.join(tmp, 'case'));
    const file = path.join(tmp, 'case.duckdb');
    const first = await LocalDb.open(file);
    const r1 = await first.load(listAll([dir]), quiet);
    const count = await first.eventCount();
    first.close();
    expect(r1.loaded).toBeGreaterThan(5);
    expect(r1.skipped).toBe(0);
    expect(count).toBe(r1.rows);

    const again = await LocalDb.open(file);
    const r2 = await again.load(listAll([dir]), quiet);
    expect(r2).toMatchObject({ loaded: 0, skipped: r1.loaded, replaced: 0, rows: 0 });
    expect(r2.summary.objects).toBe(0); // nothing was even opened
    expect(await again.eventCount()).toBe(count);
    again.close();

    // an access-log object that grew: its rows are replaced, not added twice
    const al = path.join(dir, 's3access/northwind-prod-backups');
    const grown = path.join(al, readdirSync(al)[0]);
    const before = readFileSync(grown);
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const text = gunzipSync(before).toString('utf8');
    const line = text.split('\n')[0];
    writeFileSync(grown, gzipSync(`${text}${text.endsWith('\n') ? '' : '\n'}${line}\n`));
    utimesSync(grown, new Date(), new Date(Date.now() + 5000));
    const third = await LocalDb.open(file);
    const r3 = await third.load(listAll([dir]), quiet);
    expect(r3).toMatchObject({ loaded: 1, replaced: 1, skipped: r1.loaded - 1 });
    expect(await third.eventCount()).toBe(count + 1);
    const per = await rowsOf(third, `SELECT count(*) AS n FROM trailhound_events WHERE origin_uri = ?`, [{ type: 'string', value: grown }]);
    expect(per[0].n).toBe(text.split('\n').filter(Boolean).length + 1);
    third.close();
  });

  it('refuses a database that is not a trailhound one', async () => {
    const file = path.join(tmp, 'other.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(file);
    const c = await inst.connect();
    await c.run(`CREATE TABLE th_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    await c.run(`INSERT INTO th_meta VALUES ('format', 'something-else')`);
    c.closeSync();
    inst.closeSync();
    await expect(LocalDb.open(file)).rejects.toThrow(/not a trailhound database/);
  });
});

describe('queries', () => {
  it('binds parameters: a value is data, never SQL', async () => {
    const db = await LocalDb.open();
    try {
      await db.load(listAll([smallCase(path.join(tmp, 'bind'))]), quiet);
      const hostile = "x' OR '1'='1";
      expect(await rowsOf(db, `SELECT count(*) AS n FROM trailhound_events WHERE principal = ?`, [{ type: 'string', value: hostile }])).toEqual([{ n: 0 }]);
      const since = { type: 'timestamp' as const, value: new Date('2026-03-10T12:00:00Z') };
      const [{ n }] = await rowsOf(db, `SELECT count(*) AS n FROM trailhound_events WHERE "time" >= ?`, [since]);
      expect(Number(n)).toBeGreaterThan(0);
      await expect(db.query(`SELECT ?`, [])).rejects.toThrow(QueryError);
      await expect(db.query(`SELEC nothing`)).rejects.toThrow(/DuckDB/);
    } finally {
      db.close();
    }
  });
});
