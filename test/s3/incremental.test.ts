/**
 * Incremental runs over a log bucket on a real S3 server (s3rver): each run reads only what
 * arrived since the last one, late objects with older keys inside the look-back are picked up
 * (also in past event-time day folders), a failing object is reported and retried by the next
 * run, and an object cut mid-read does not get its records counted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as analyzeCommand, type AnalyzeOptions } from '../../src/commands/analyze.js';
import { setLogLevel } from '../../src/log.js';
import type { StateDoc } from '../../src/state/types.js';
import {
  accessPartitionedUploads,
  accessSimpleUploads,
  cloudTrailUploads,
  getText,
  objectsRead,
  putAll,
  readFindings,
  sampleLogs,
  startS3Bed,
  type S3Bed,
  type Upload,
} from '../helpers/s3-fixtures.js';
import { keyTimeAnywhere } from '../../src/sources/s3-layouts.js';

let bed: S3Bed;
let all: Upload[];
const H = 3600_000;

beforeAll(async () => {
  setLogLevel(process.env.TH_TEST_LOG ?? 'error');
  bed = await startS3Bed(['logs', 'trailhound']);
  const samples = await sampleLogs(2, 5);
  all = [
    ...(await cloudTrailUploads(samples, { digests: true })),
    ...(await accessSimpleUploads(samples, (b) => `access/${b}/`)),
    ...(await accessPartitionedUploads(samples, { destPrefix: 'evt/', account: '111122223333', region: 'us-east-1', mode: 'event' })),
  ];
});

afterAll(async () => {
  await bed?.close();
});

function opts(name: string, extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions {
  return { endpoint: bed.endpoint, state: `s3://trailhound/${name}/state/`, out: `s3://trailhound/${name}/out/`, workers: '1', format: 'ndjson', lookback: '24h', ...extra };
}

async function analyzeOnce(source: string, name: string, extra: Partial<AnalyzeOptions> = {}): Promise<{ read: string[]; partial: boolean }> {
  const from = bed.proxy.requests.length;
  const outcome = await analyzeCommand([source], opts(name, extra));
  return { read: objectsRead(bed.proxy, 'logs', from), partial: outcome.partial ?? false };
}

async function state(name: string): Promise<StateDoc> {
  return JSON.parse(await getText(bed.client, 'trailhound', `${name}/state/state.json`)) as StateDoc;
}

const isLog = (u: Upload): boolean => !/CloudTrail-(Digest|Insight)/.test(u.key);

describe('incremental runs over an S3 log bucket', () => {
  it('reads only new objects each run, picks up late objects inside the look-back, and writes each finding once', async () => {
    const timeOf = (u: Upload): number => keyTimeAnywhere(u.key) ?? NaN;
    const start = Math.min(...all.map(timeOf).filter((t) => !Number.isNaN(t)));
    const split = start + 36 * H;
    const ct = all.filter((u) => u.key.startsWith('AWSLogs/') && isLog(u));
    const evt = all.filter((u) => u.key.startsWith('evt/'));
    // Held back from the first upload: a CloudTrail object 3 h before the split (late, inside the
    // 24 h look-back), one 30 h before it (later than the look-back: documented as missed), and an
    // event-time access-log object of the day before the last day folder read.
    const late = ct.filter((u) => timeOf(u) < split && timeOf(u) >= split - 4 * H)[0];
    const tooLate = ct.filter((u) => timeOf(u) < split - 30 * H)[0];
    const lateEvt = evt.filter((u) => u.key.includes('/2026/03/02/'))[0];
    expect([late, tooLate, lateEvt].every(Boolean)).toBe(true);
    const held = new Set([late.key, tooLate.key, lateEvt.key]);
    // Event-time objects all carry 00-00-00: every other one of the second day comes later, in any key order.
    const evtFirst = new Set(evt.filter((u, i) => u.key.includes('/2026/03/02/') || i % 2 === 0).map((u) => u.key));
    const first = all.filter((u) => !held.has(u.key) && (u.key.startsWith('evt/') ? evtFirst.has(u.key) : timeOf(u) < split));
    const second = all.filter((u) => !held.has(u.key) && !first.includes(u));
    expect(second.some((u) => u.key.startsWith('evt/') && u.key.includes('/2026/03/03/'))).toBe(true);

    await putAll(bed.client, 'logs', first);
    const a = await analyzeOnce('s3://logs/', 'inc');
    expect(a.read).toEqual(first.filter(isLog).map((u) => u.key).sort());
    expect(a.partial).toBe(false);

    await putAll(bed.client, 'logs', [...second, late, tooLate, lateEvt]);
    const b = await analyzeOnce('s3://logs/', 'inc');
    expect(b.read).toEqual([...second.filter(isLog), late, lateEvt].map((u) => u.key).sort());
    expect(b.read).not.toContain(tooLate.key);

    const c = await analyzeOnce('s3://logs/', 'inc');
    expect(c.read).toEqual([]);

    const objects = await readFindings(bed.client, 'trailhound', 'inc/out/');
    expect(objects.length).toBeGreaterThanOrEqual(1);
    expect(objects.every((o) => /^inc\/out\/findings\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{8}\.ndjson$/.test(o.key))).toBe(true);
    const s = await state('inc');
    expect(s.version).toBe(2);
    expect(Object.keys(s.checkpoints!).sort()).toEqual([
      's3://logs/AWSLogs/418632750914/CloudTrail/us-east-1/',
      's3://logs/AWSLogs/530716829104/CloudTrail/us-east-1/',
      's3://logs/access/northwind-prod-backups/',
      's3://logs/access/northwind-prod-data/',
      's3://logs/access/northwind-www/',
      's3://logs/evt/111122223333/us-east-1/northwind-prod-backups/',
      's3://logs/evt/111122223333/us-east-1/northwind-prod-data/',
      's3://logs/evt/111122223333/us-east-1/northwind-www/',
    ]);
    for (const [id, cp] of Object.entries(s.checkpoints!)) {
      const keys = all.filter((u) => `s3://logs/${u.key}`.startsWith(id) && isLog(u)).map((u) => u.key).sort();
      expect(cp.last, id).toBe(keys[keys.length - 1]);
      expect(cp.retry).toBeUndefined();
    }
    // The findings sink remembers every id it wrote, each once.
    const written = objects.flatMap((o) => o.findings.map((f) => f.id));
    expect(Object.keys(s.outputs!['s3://trailhound/inc/out/'].emitted).sort()).toEqual([...new Set(written)].sort());
  });

  it('reports an object that keeps failing, finishes partial, and reads it (only it) on the next run', async () => {
    const logs = all.filter((u) => u.key.startsWith('access/northwind-www/')).slice(0, 6).map((u) => ({ ...u, key: `failing/${u.key}` }));
    await putAll(bed.client, 'logs', logs);
    const bad = logs[2].key;
    bed.proxy.rule = ({ method, url }) => (method === 'GET' && decodeURIComponent(url).includes(bad) ? '500' : undefined);
    try {
      const a = await analyzeOnce('s3://logs/failing/access/northwind-www/', 'fail', { retries: '2' });
      expect(a.partial).toBe(true);
      expect(a.read).toEqual(logs.filter((u) => u.key !== bad).map((u) => u.key).sort());
    } finally {
      bed.proxy.rule = undefined;
    }
    const s = await state('fail');
    const cp = s.checkpoints!['s3://logs/failing/access/northwind-www/'];
    expect(cp.retry).toEqual([bad.slice('failing/access/northwind-www/'.length)]);
    const b = await analyzeOnce('s3://logs/failing/access/northwind-www/', 'fail');
    expect(b).toEqual({ read: [bad], partial: false });
    expect((await state('fail')).checkpoints!['s3://logs/failing/access/northwind-www/'].retry).toBeUndefined();
  });

  it('commits neither baselines nor checkpoints when an object broke off after some records were counted', async () => {
    const data = all.filter((u) => u.key.startsWith('access/northwind-prod-data/')).map((u) => ({ ...u, key: `cut/${u.key}` }));
    const logs = data.slice(0, 4);
    await putAll(bed.client, 'logs', logs);
    const source = 's3://logs/cut/access/northwind-prod-data/';
    const before = await analyzeOnce(source, 'taint');
    expect(before.read.length).toBe(4);
    const saved = await state('taint');
    const more = data.slice(4, 8);
    await putAll(bed.client, 'logs', more);
    // The first GET of one object is cut half-way; every later request for it fails.
    const bad = more[1].key;
    let firstCut = false;
    bed.proxy.rule = ({ method, url }) => {
      if (method !== 'GET' || !decodeURIComponent(url).includes(bad)) return undefined;
      if (!firstCut) {
        firstCut = true;
        return 'reset-mid-body';
      }
      return '500';
    };
    try {
      const cut = await analyzeOnce(source, 'taint', { retries: '2' });
      expect(cut.partial).toBe(true);
    } finally {
      bed.proxy.rule = undefined;
    }
    const after = await state('taint');
    expect(after.detectors).toEqual(saved.detectors);
    expect(after.checkpoints).toEqual(saved.checkpoints);
    const again = await analyzeOnce(source, 'taint');
    expect(again.read).toEqual(more.map((u) => u.key).sort());
  });
});
