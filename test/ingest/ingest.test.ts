import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Table, type RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { StrictModeError } from '../../src/errors.js';
import { LocalSource } from '../../src/sources/local.js';
import { FIXTURES } from '../helpers/fixtures.js';

async function collect(source: string, workers: number, batchRows = 1000): Promise<{ rows: string[]; batches: RecordBatch[]; issues: number; records: number }> {
  const run = ingest(new LocalSource(source).list(), { workers, batchRows });
  const batches: RecordBatch[] = [];
  for await (const b of run.batches) batches.push(b);
  const rows = new Table(batches).toArray().map((r) => JSON.stringify(r.toJSON(), (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return { rows: rows.sort(), batches, issues: run.summary.issueCount, records: run.summary.records };
}

describe('ingest', () => {
  it('gives the same rows in worker threads as in this thread', async () => {
    const inline = await collect(FIXTURES, 1);
    const pooled = await collect(FIXTURES, 2, 500);
    expect(inline.records).toBeGreaterThan(4000);
    expect(pooled.rows.length).toBe(inline.rows.length);
    expect(pooled.rows).toEqual(inline.rows);
    expect(pooled.issues).toBe(inline.issues);
    for (const b of pooled.batches) expect(b.numRows).toBeLessThanOrEqual(500);
  });

  it('keeps every row intact when parsers of both log kinds share a builder across flushes', async () => {
    // Interleave CloudTrail and access-log objects with a tiny batch size: every parser sees a builder
    // flushed by the other kind's parser, so cached dictionary indices must be re-interned.
    const { listObjects, shuffled } = await import('../helpers/analyze.js');
    const objects = shuffled(await listObjects(new URL('../../samples/', import.meta.url).pathname), 11).slice(0, 120);
    const rowsOf = async (batchRows: number): Promise<string[]> => {
      const run = ingest((async function* () { yield* objects; })(), { workers: 1, batchRows });
      const batches: RecordBatch[] = [];
      for await (const b of run.batches) batches.push(b);
      return new Table(batches).toArray().map((r) => JSON.stringify(r.toJSON(), (_, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
    };
    const big = await rowsOf(65_536);
    expect(new Set(big.map((r) => JSON.parse(r).log_kind)).size).toBe(2);
    expect(await rowsOf(7)).toEqual(big);
  });

  it('ends with StrictModeError on the first object with an issue under --strict', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'th-strict-'));
    writeFileSync(path.join(dir, 'bad.json'), '{"Records":[{"eventTime":"2024-01-01T00:00:00Z","eventName":"X"},');
    const run = ingest(new LocalSource(dir).list(), { workers: 1, strict: true });
    await expect(async () => {
      for await (const _ of run.batches) void _;
    }).rejects.toThrow(StrictModeError);
  });

  it('lets a slow consumer set the pace (bounded buffering)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'th-pace-'));
    const line = (i: number): string =>
      `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ${i} REST.GET.OBJECT k${i} "GET /bucket/k${i} HTTP/1.1" 200 - 10 10 1 1 "-" "ua" -`;
    for (let f = 0; f < 4; f++) writeFileSync(path.join(dir, `f${f}.gz`), gzipSync(Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n')));
    const run = ingest(new LocalSource(dir).list(), { workers: 2, batchRows: 1000 });
    let seen = 0;
    for await (const b of run.batches) {
      seen += b.numRows;
      if (seen === 1000) {
        await new Promise((r) => setTimeout(r, 200));
        // workers may run ahead only by their credits, not by whole files
        expect(run.summary.records).toBeLessThan(80_000);
      }
    }
    expect(seen).toBe(80_000);
  });
});
