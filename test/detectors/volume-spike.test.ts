import { describe, expect, it } from 'vitest';
import { volumeSpike } from '../../detectors/volume-spike.js';
import { AttributionTable } from '../../src/detect/attribution.js';
import type { Finding } from '../../src/detect/finding.js';
import { seasonalBaseline } from '../../src/detect/robust-baseline.js';
import { DetectorRunner } from '../../src/detect/runner.js';
import type { Tunables } from '../../src/detect/detector.js';
import type { CaseObject } from './case.js';
import { DAY, HOUR, hourly, role, sal, user } from './events.js';
import { caseBatches, describeCases } from './run-cases.js';
import { cases, coldStart, D0, deleteBurst, deliveryDenied, doubleLogged, nightly, nightSpike, steadyDays } from './volume-spike.cases.js';

describeCases(volumeSpike, cases);

interface Run {
  findings: Finding[];
  saved: unknown;
  evictions: Map<string, number>;
}

function run(objects: CaseObject[], opts: { saved?: unknown; replayed?: string[]; batchRows?: number; tunables?: Tunables; allow?: { source_ips?: string[] } } = {}): Run {
  const states = opts.saved === undefined ? undefined : { [volumeSpike.id]: volumeSpike.state.fromJSON(JSON.parse(JSON.stringify(opts.saved))) };
  const runner = new DetectorRunner({
    detectors: [volumeSpike],
    states,
    replayedOrigins: new Set(opts.replayed ?? []),
    settings: opts.tunables ? { [volumeSpike.id]: { tunables: opts.tunables } } : undefined,
    allow: opts.allow,
  });
  for (const b of caseBatches(objects, opts.batchRows)) runner.observe(b);
  const findings = runner.finish();
  return { findings, saved: JSON.parse(JSON.stringify(runner.saveStates()[volumeSpike.id].data)), evictions: runner.evictions };
}

/** Deterministic Fisher–Yates. */
function shuffle<X>(xs: readonly X[], seed: number): X[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const byId = (fs: Finding[]): Finding[] => [...fs].sort((a, b) => (a.id < b.id ? -1 : 1));
const uris = (objects: CaseObject[]): string[] => objects.map((o) => o.uri!);
const small: CaseObject[] = [...coldStart, ...deleteBurst, ...doubleLogged(role('dual'), 0, 9, 600)];

describe('volume-spike', () => {
  it('gives identical findings whatever the object order and batch size (1 and 1000 rows)', () => {
    const base = run(small);
    expect(base.findings.map((f) => f.kind).sort()).toEqual(['bytes-out', 'deletes', 'deletes', 'requests']);
    expect(run(shuffle(small, 7), { batchRows: 1 }).findings).toEqual(base.findings);
    expect(run(shuffle(small, 11), { batchRows: 1000 }).findings).toEqual(base.findings);
    const big = [...steadyDays(15), nightSpike, ...nightly(3)];
    const bigBase = run(big);
    expect(bigBase.findings.length).toBe(2);
    const shuffled = run(shuffle(big, 3), { batchRows: 1000 });
    expect(shuffled.findings).toEqual(bigBase.findings);
    expect(shuffled.saved).toEqual(bigBase.saved);
  });

  it('a state saved after run 1 and restored for run 2 gives the findings and state of one run over everything', () => {
    const all = [...steadyDays(15), nightSpike, ...nightly(15), ...deliveryDenied(4)];
    const early = all.filter((o) => /day-0[0-6]|night-0[0-6]/.test(o.uri!));
    const late = all.filter((o) => !early.includes(o));
    const one = run(all);
    const first = run(early);
    const second = run(late, { saved: first.saved });
    expect(byId([...first.findings, ...second.findings])).toEqual(byId(one.findings));
    expect(second.saved).toEqual(one.saved);
    expect(one.findings.map((f) => f.kind).sort()).toEqual(['bytes-out', 'bytes-out']);
  });

  it('re-running the same objects replays them: same findings and ids, counts not added twice', () => {
    const objects = [...small, ...nightly(2)];
    const first = run(objects);
    const again = run(objects, { saved: first.saved, replayed: uris(objects) });
    expect(again.findings).toEqual(first.findings);
    expect(again.saved).toEqual(first.saved);
  });

  it('re-evaluates windows that replayed rows share with new rows, counting only the new ones', () => {
    const history = steadyDays(15);
    const first = run(history);
    expect(first.findings).toEqual([]);
    const second = run([...history, nightSpike], { saved: first.saved, replayed: uris(history) });
    expect(second.findings).toEqual(run([...history, nightSpike]).findings);
    expect(second.findings[0].observed.requests).toBe(106);
  });

  it('the nightly job and log-delivery denials raise nothing once their history is in the state', () => {
    const nights = run(nightly(14));
    expect(nights.findings.map((f) => f.window.start)).toEqual(['2026-03-02T02:00:00.000Z']);
    expect(run(nightly(1, 14), { saved: nights.saved }).findings).toEqual([]);
    const denied = run(deliveryDenied(7));
    expect(denied.findings).toEqual([]);
    expect(run(deliveryDenied(3, 7), { saved: denied.saved }).findings).toEqual([]);
  });

  it('counts a request seen in CloudTrail and the access logs once, also in attributions and evidence', () => {
    const [f] = run(doubleLogged(role('dual'), 0, 9, 600)).findings;
    expect(f.observed).toMatchObject({ requests: 600, bytes_out: 600 * 1024 * 1024 });
    expect(f.evidence.count).toBe(600);
    expect(f.attributions?.source_ips).toEqual([{ value: '192.0.2.10', count: 600 }]);
    expect(f.attributions?.keys).toEqual([{ value: 'exports/', count: 600 }]);
  });

  it('reports a listing burst as discovery (T1619)', () => {
    const recon = user('recon');
    const lines = hourly(new Date(D0 + 5 * HOUR), 1, 700).map((time) => sal({ who: recon, time, operation: 'REST.GET.BUCKET', key: '-', bytesSent: 4096 }));
    const [f] = run([{ uri: 'case://recon', s3access: lines }]).findings;
    expect(f.kind).toBe('requests');
    expect(f.severity).toBe('high');
    expect(f.attack.map((a) => a.technique_id)).toEqual(['T1619']);
    expect(f.summary).toContain('made 700 requests (mostly ListObjects) on data-bucket in 1 h');
  });

  it('skips allow-listed source networks', () => {
    expect(run(coldStart).findings.length).toBe(1);
    expect(run(coldStart, { allow: { source_ips: ['198.51.100.0/24'] } }).findings).toEqual([]);
  });

  it('is bounded: keys beyond maxKeys are evicted (counted), history beyond the horizon pruned', () => {
    const r = run(small, { tunables: { maxKeys: 3 } });
    expect((r.saved as { keys: unknown[] }).keys.length).toBe(3);
    expect(r.evictions.get('volume-spike:keys')).toBeGreaterThan(0);
    const later: CaseObject = { uri: 'case://later', s3access: [sal({ who: role('etl'), time: new Date(D0 + 40 * DAY) })] };
    const pruned = run([...steadyDays(3), later]).saved as { keys: [number, string, number, number[], number[]][] };
    const oldest = Math.min(...pruned.keys.flatMap((k) => k[3]));
    expect(oldest).toBe((D0 + 40 * DAY) / HOUR);
  });
});

describe('robust baseline', () => {
  const opts = { horizon: 14 * 24, windowsPerDay: 24, bandSigmas: 3, sigmaFloor: (m: number) => Math.max(Math.sqrt(m), 1) };

  it('sees a nightly job at its hour (daily profile) and a weekly one on its day (weekly profile)', () => {
    const nightlyJob = (w: number): number => (w % 24 === 2 ? 1000 : 0);
    const b = seasonalBaseline(nightlyJob, 0, 20 * 24 + 2, opts)!;
    expect(b).toMatchObject({ profile: 'daily', median: 1000, samples: 14, windows: 336 });
    const weeklyJob = (w: number): number => (w % 168 === 2 ? 1000 : 0);
    const wk = seasonalBaseline(weeklyJob, 0, 21 * 24 + 2, opts)!;
    expect(wk.profile).toBe('weekly');
    expect(wk.median).toBe(1000);
    // The neighbouring windows count (a job a few minutes late); five hours later is quiet.
    expect(seasonalBaseline(weeklyJob, 0, 21 * 24 + 3, opts)!.upper).toBeGreaterThan(1000);
    expect(seasonalBaseline(weeklyJob, 0, 21 * 24 + 7, opts)!.upper).toBeLessThan(20);
  });

  it('uses a flat profile for less than a day and has nothing without history', () => {
    expect(seasonalBaseline(() => 5, 10, 10, opts)).toBeNull();
    expect(seasonalBaseline(() => 5, 10, 15, opts)).toMatchObject({ profile: 'flat', median: 5, windows: 5, samples: 5 });
  });
});

describe('attribution table', () => {
  it('keeps exact counts and the same values whatever the order, past its capacity', () => {
    const rows: number[] = [];
    for (let v = 0; v < 40; v++) for (let n = 0; n <= v % 7; n++) rows.push(v);
    const tops = [1, 2, 3].map((seed) => {
      const t = new AttributionTable(8, 1);
      for (const v of shuffle(rows, seed)) {
        const h = (v * 2654435761) % 1000003;
        let c = t.get(h);
        if (c === undefined && t.admits(h)) c = t.insert(h, `v${v}`);
        if (c) c[0] += 1;
      }
      expect(t.truncated).toBe(true);
      expect(t.size).toBe(8);
      return t.top(5, (c) => c[0]);
    });
    expect(tops[1]).toEqual(tops[0]);
    expect(tops[2]).toEqual(tops[0]);
    for (const a of tops[0]) expect(a.count).toBe((Number(a.value.slice(1)) % 7) + 1);
  });
});
