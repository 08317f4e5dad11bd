/**
 * Keeps the benchmark data honest: the generator is deterministic, and the real parsers read every
 * generated record — hostile access-log lines included — with zero parse issues and the right values.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, type Manifest } from '../../bench/generate.js';
import { ingest } from '../../src/ingest/ingest.js';
import { LocalSource } from '../../src/sources/local.js';
import { C, LOG_KIND } from '../../src/schema.js';

const SCALE = 0.002;
const root = mkdtempSync(path.join(tmpdir(), 'trailhound-bench-gen-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function parse(dir: string): Promise<{ rows: number; bytesOut: bigint; kinds: Set<string>; summary: ReturnType<typeof ingest>['summary'] }> {
  const run = ingest(new LocalSource(dir).list(), { workers: 1 });
  let rows = 0;
  let bytesOut = 0n;
  const kinds = new Set<string>();
  for await (const b of run.batches) {
    rows += b.numRows;
    const out = b.getChild(C.bytes_out)!;
    const kind = b.getChild(C.log_kind)!;
    for (let i = 0; i < b.numRows; i++) {
      const v = out.get(i) as bigint | number | null;
      if (v !== null) bytesOut += BigInt(v);
      kinds.add(String(kind.get(i)));
    }
  }
  return { rows, bytesOut, kinds, summary: run.summary };
}

describe('bench data generator', () => {
  const a = path.join(root, 'a');
  const b = path.join(root, 'b');
  let manifest: Manifest;

  it('is deterministic for a seed and differs for another', () => {
    manifest = generate({ dir: a, scale: SCALE, seed: 7 });
    const again = generate({ dir: b, scale: SCALE, seed: 7 });
    expect({ ...again, generatedMs: 0 }).toEqual({ ...manifest, generatedMs: 0 });
    // manifest.json differs only in generatedMs, compared above.
    const files = listFiles(a).filter((f) => f !== 'manifest.json');
    expect(listFiles(b).filter((f) => f !== 'manifest.json')).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f))), f).toBe(true);
    const other = generate({ dir: path.join(root, 'c'), scale: SCALE, seed: 8 });
    expect(other.digest).not.toBe(manifest.digest);
  });

  it('produces the shape the bench relies on', () => {
    expect(manifest.cloudtrail.files).toBeGreaterThan(10);
    expect(manifest.cloudtrail.records).toBeGreaterThan(100);
    expect(manifest.s3access.files).toBeGreaterThan(1);
    expect(manifest.s3access.lines).toBe(Math.round(1_000_000 * SCALE));
    expect(manifest.s3access.hostileLines).toBeGreaterThan(0);
  });

  it('CloudTrail: every record parses, no issues, bytes out as generated', async () => {
    const r = await parse(path.join(a, manifest.cloudtrail.dir));
    expect(r.summary.sampleIssues).toEqual([]);
    expect(r.summary.issueCount).toBe(0);
    expect(r.summary.objects).toBe(manifest.cloudtrail.files);
    expect(r.summary.records).toBe(manifest.cloudtrail.records);
    expect(r.rows).toBe(manifest.cloudtrail.records);
    expect(r.summary.bytes).toBe(manifest.cloudtrail.bytes);
    expect(r.bytesOut).toBe(BigInt(manifest.cloudtrail.bytesOutSum));
    expect([...r.kinds]).toEqual([LOG_KIND.cloudtrail]);
  });

  it('access logs: every line parses, hostile ones included, no issues, bytes sent as generated', async () => {
    const r = await parse(path.join(a, manifest.s3access.dir));
    expect(r.summary.sampleIssues).toEqual([]);
    expect(r.summary.issueCount).toBe(0);
    expect(r.summary.objects).toBe(manifest.s3access.files);
    expect(r.summary.records).toBe(manifest.s3access.lines);
    expect(r.rows).toBe(manifest.s3access.lines);
    expect(r.summary.bytes).toBe(manifest.s3access.bytes);
    // A hostile line read with shifted fields would put the wrong number here.
    expect(r.bytesOut).toBe(BigInt(manifest.s3access.bytesSentSum));
    expect([...r.kinds]).toEqual([LOG_KIND.s3access]);
  });
});
