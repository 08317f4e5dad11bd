import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import { readObject } from '../../src/ingest/read-object.js';
import type { ParseIssue } from '../../src/issues.js';
import { openLocal } from '../../src/sources/local.js';
import type { LogObject } from '../../src/sources/types.js';
import type { ParserModule } from '../../parsers/types.js';

/** A stand-in parser: one row per line of text that starts with "LINE". */
const lineParser: ParserModule = {
  kind: 's3access',
  sniff: (head) => Buffer.from(head.subarray(0, 4)).toString() === 'LINE',
  create: (ctx) => {
    let carry = '';
    let line = 0;
    const take = (text: string): void => {
      line++;
      if (text === '') return;
      ctx.builder.cols.origin_index.append(line);
      ctx.counters.records++;
      if (ctx.builder.endRow()) ctx.emitBatch(ctx.builder.flush());
    };
    return {
      push(chunk) {
        const parts = (carry + Buffer.from(chunk).toString('latin1')).split('\n');
        carry = parts.pop()!;
        parts.forEach(take);
      },
      end() {
        if (carry) take(carry);
      },
    };
  },
};

const dir = mkdtempSync(path.join(tmpdir(), 'th-read-'));

function file(name: string, bytes: Uint8Array): LogObject {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return { uri: p, size: bytes.length, ref: { kind: 'file', path: p } };
}

async function read(obj: LogObject, limits = DEFAULT_LIMITS) {
  const builder = new EventBatchBuilder(1000);
  const batches: RecordBatch[] = [];
  const issues: ParseIssue[] = [];
  const result = await readObject(obj, {
    open: openLocal,
    builder,
    parsers: [lineParser],
    limits,
    emitBatch: (b) => {
      batches.push(b);
    },
    issue: (i) => issues.push(i),
  });
  if (!builder.isEmpty) batches.push(builder.flush());
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  return { result, issues, rows };
}

const lines = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `LINE ${i} ${'x'.repeat(40)}`).join('\n') + '\n');

describe('readObject', () => {
  it('reads plain text and sniffs the parser from content', async () => {
    const { result, issues, rows } = await read(file('plain.json.gz', lines(5000)));
    expect(issues).toEqual([]);
    expect(rows).toBe(5000);
    expect(result).toMatchObject({ gzip: false, kind: 's3access', records: 5000 });
  });

  it('detects gzip by magic bytes, not by name, small and large (streamed) objects alike', async () => {
    const small = await read(file('no-extension', gzipSync(lines(3000))));
    expect(small.result).toMatchObject({ gzip: true, records: 3000 });
    const bigBody = lines(200_000);
    const big = file('big.log', gzipSync(bigBody));
    // Pretend the object is big so the streaming path runs, as for S3 objects.
    const streamed = await read({ ...big, size: undefined });
    expect(streamed.issues).toEqual([]);
    expect(streamed.result).toMatchObject({ gzip: true, records: 200_000, bytes: bigBody.length });
  });

  it('keeps the records before the cut of a truncated gzip and says so', async () => {
    const gz = gzipSync(lines(100_000));
    const { result, issues, rows } = await read(file('truncated.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(issues.map((i) => i.reason)).toEqual(['truncated_gzip']);
    expect(rows).toBeGreaterThan(10_000);
    expect(rows).toBe(result.records);
  });

  it('reports corrupt gzip data', async () => {
    const gz = gzipSync(lines(1000));
    gz.fill(0x55, 20, 60);
    const { issues } = await read(file('corrupt.gz', gz));
    expect(issues.map((i) => i.reason)).toEqual(['corrupt_gzip']);
  });

  it('stops a gzip bomb at the compression-ratio cap', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('LINE 1\n'), Buffer.alloc(50 * 1024 * 1024, 0x20)]));
    expect(bomb.length * 100).toBeLessThan(50 * 1024 * 1024);
    const { issues } = await read(file('bomb.gz', bomb));
    expect(issues.map((i) => i.reason)).toEqual(['decompressed_size_exceeded']);
    const capped = await read(file('bomb2.gz', bomb), { maxDecompressedBytes: 1024 * 1024, maxCompressionRatio: 1e9 });
    expect(capped.issues.map((i) => i.reason)).toEqual(['decompressed_size_exceeded']);
  });

  it('reports empty objects, binary garbage and unknown formats', async () => {
    expect((await read(file('empty', new Uint8Array(0)))).issues.map((i) => i.reason)).toEqual(['empty_file']);
    expect((await read(file('empty.gz', gzipSync(Buffer.alloc(0))))).issues.map((i) => i.reason)).toEqual(['empty_file']);
    const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    expect((await read(file('garbage.bin', garbage))).issues.map((i) => i.reason)).toEqual(['binary_data']);
    const other = await read(file('other.txt', Buffer.from('hello world\nthis is not a log\n')));
    expect(other.issues.map((i) => i.reason)).toEqual(['unknown_format']);
    expect(other.issues[0].uri).toContain('other.txt');
  });

  it('reports a missing file as a read error instead of throwing', async () => {
    const { issues } = await read({ uri: path.join(dir, 'missing'), ref: { kind: 'file', path: path.join(dir, 'missing') } });
    expect(issues.map((i) => i.reason)).toEqual(['read_error']);
  });
});
