/**
 * Faults between trailhound and S3: a proxy answers every Nth request with 500 or 503 SlowDown,
 * resets the connection before a response or half-way through a body; and the server restarts
 * in the middle of a run. Each run completes with the same findings, baselines and checkpoints
 * as a run without faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as analyzeCommand } from '../../src/commands/analyze.js';
import type { Finding } from '../../src/detect/finding.js';
import { setLogLevel } from '../../src/log.js';
import type { StateDoc } from '../../src/state/types.js';
import { fingerprint } from '../helpers/analyze.js';
import { accessPartitionedUploads, accessSimpleUploads, cloudTrailUploads, getText, objectsRead, putAll, readFindings, sampleLogs, startS3Bed, type S3Bed } from '../helpers/s3-fixtures.js';

let bed: S3Bed;
let reference: { findings: Finding[]; state: StateDoc; read: string[] };

async function analyzeInto(name: string, workers = '1', concurrency?: string): Promise<{ findings: Finding[]; state: StateDoc; read: string[]; partial: boolean }> {
  const from = bed.proxy.requests.length;
  const outcome = await analyzeCommand(['s3://logs/'], { endpoint: bed.endpoint, state: `s3://trailhound/${name}/state/`, out: `s3://trailhound/${name}/out/`, workers, format: 'ndjson', concurrency });
  const read = objectsRead(bed.proxy, 'logs', from);
  const findings = (await readFindings(bed.client, 'trailhound', `${name}/out/`)).flatMap((o) => o.findings);
  const state = JSON.parse(await getText(bed.client, 'trailhound', `${name}/state/state.json`)) as StateDoc;
  return { findings, state, read, partial: outcome.partial ?? false };
}

function expectSameAsReference(got: { findings: Finding[]; state: StateDoc; read: string[]; partial: boolean }): void {
  expect(got.partial).toBe(false);
  expect(got.read).toEqual(reference.read);
  expect(fingerprint(got.findings)).toEqual(fingerprint(reference.findings));
  expect(got.state.detectors).toEqual(reference.state.detectors);
  expect(got.state.checkpoints).toEqual(reference.state.checkpoints);
}

beforeAll(async () => {
  setLogLevel(process.env.TH_TEST_LOG ?? 'error');
  bed = await startS3Bed(['logs', 'trailhound']);
  const samples = await sampleLogs(1, 5);
  // Each source bucket's access logs in one layout only (the same records twice would make the
  // evidence origin of duplicates depend on which copy came first).
  const www = (u: { key: string }): boolean => u.key.includes('/northwind-www/');
  await putAll(bed.client, 'logs', [
    ...(await cloudTrailUploads(samples, { org: 'o-a1b2c3d4e5' })),
    ...(await accessSimpleUploads(samples, (b) => `access/${b}/`)).filter((u) => !www(u)),
    ...(await accessPartitionedUploads(samples, { destPrefix: 'partitioned/', account: '111122223333', region: 'eu-west-1', mode: 'delivery' })).filter(www),
  ]);
  reference = await analyzeInto('reference');
  expect(reference.findings.length).toBeGreaterThan(0);
  expect(reference.read.length).toBeGreaterThan(60);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

describe('S3 reads', () => {
  it('keeps --concurrency objects in flight when parsing in one thread (read-ahead), never more', async () => {
    bed.proxy.latencyMs = 40;
    try {
      bed.proxy.resetConcurrency();
      expectSameAsReference(await analyzeInto('concurrency-8', '1', '8'));
      expect(bed.proxy.maxConcurrentGets).toBe(8);
      bed.proxy.resetConcurrency();
      expectSameAsReference(await analyzeInto('concurrency-3', '1', '3'));
      expect(bed.proxy.maxConcurrentGets).toBe(3);
    } finally {
      bed.proxy.latencyMs = 0;
      delete process.env.TRAILHOUND_S3_CONCURRENCY;
    }
  });
});

describe('S3 faults', () => {
  it('completes with the same results when every 4th request fails (500, SlowDown, reset, reset mid-body), in worker threads', async () => {
    const before = bed.proxy.injected;
    bed.proxy.faults = { every: 4, kinds: ['500', '503', 'reset', 'reset-mid-body'] };
    let got;
    try {
      got = await analyzeInto('faulty', '2');
    } finally {
      bed.proxy.faults = undefined;
    }
    const injected = bed.proxy.injected - before;
    expect(injected).toBeGreaterThan(20);
    const kinds = new Set(bed.proxy.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`));
    for (const k of ['GET 500', 'GET 503', 'GET reset', 'GET reset-mid-body']) expect(kinds, k).toContain(k);
    expectSameAsReference(got);
  });

  it('retries failed writes and lock calls (state, lease lock, findings)', async () => {
    const from = bed.proxy.requests.length;
    bed.proxy.faults = { every: 2, kinds: ['503', 'reset', '500'], methods: ['PUT', 'HEAD', 'DELETE'] };
    let got;
    try {
      got = await analyzeInto('faulty-writes');
    } finally {
      bed.proxy.faults = undefined;
    }
    const faulted = bed.proxy.requests.slice(from).filter((r) => r.fault).map((r) => r.method);
    expect(faulted).toContain('PUT');
    expect(faulted).toContain('DELETE');
    expectSameAsReference(got);
  });

  it('completes with the same results when the server restarts in the middle of the run', async () => {
    let gets = 0;
    let restarted: Promise<number> | undefined;
    bed.proxy.rule = ({ method, url }) => {
      if (method === 'GET' && !url.includes('list-type') && url.startsWith('/logs/') && ++gets === 40) restarted = bed.restart().then(() => bed.proxy.requests.length);
      return undefined;
    };
    let got;
    try {
      got = await analyzeInto('restarted');
    } finally {
      bed.proxy.rule = undefined;
    }
    expect(restarted).toBeDefined();
    const back = await restarted!;
    // Objects were still being read after the server came back.
    expect(objectsRead(bed.proxy, 'logs', back).length).toBeGreaterThan(10);
    expectSameAsReference(got);
  });
});
