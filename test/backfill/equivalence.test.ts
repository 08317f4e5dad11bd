/**
 * Equivalence: `backfill --engine local` on the bundled samples (plus re-delivered copies of a few
 * objects) learns the same baselines and reports the same findings as `analyze` over the same
 * objects. Only the evidence samples differ: an aggregate row has no line of its own (its sample
 * carries the group's values, its first request's time and log object), except for
 * s3-config-change, whose query returns the events themselves.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/backfill.js';
import type { Finding } from '../../src/detect/finding.js';
import { bundledSampleSources, bundledSamples } from '../../src/paths.js';
import { LocalStateStore } from '../../src/state/local-store.js';
import type { LogObject } from '../../src/sources/types.js';
import { analyzeObjects, listObjects } from '../helpers/analyze.js';

let work: string;
let sources: string[];
let objects: LogObject[];
let analyzed: Finding[];
let analyzedState: Record<string, unknown>;
let backfilled: Finding[];
let backfilledState: Record<string, unknown>;
let backfillStateDir: string;

const SINCE = '2026-02-01';
const UNTIL = '2026-04-01';

/** Re-delivery: the same records again under other keys (CloudTrail: two trails; access logs: a retried delivery). */
function redeliver(into: string): void {
  const samples = bundledSamples();
  const pick = (dir: string, n: number): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSorted(d)) {
        if (out.length >= n) return;
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    walk(path.join(samples, dir));
    return out;
  };
  for (const file of [...pick('cloudtrail', 3), ...pick('s3access', 3)]) {
    const target = path.join(into, path.relative(samples, file).replace(/([^/]+)$/, 'copy-$1'));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(file, target);
  }
}

function readdirSorted(d: string) {
  return readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'th-backfill-'));
  const again = path.join(work, 'redelivered');
  redeliver(again);
  sources = [...bundledSampleSources(), again];
  objects = (await Promise.all(sources.map((s) => listObjects(s)))).flat();

  const analyzeState = path.join(work, 'state-analyze');
  analyzed = await analyzeObjects(objects, { state: new LocalStateStore(analyzeState) });
  analyzedState = JSON.parse(readFileSync(path.join(analyzeState, 'state.json'), 'utf8')).detectors;

  const backfillState = (backfillStateDir = path.join(work, 'state-backfill'));
  const out = path.join(work, 'findings.ndjson');
  await run(sources, { since: SINCE, until: UNTIL, engine: 'local', state: backfillState, out, format: 'ndjson', workers: '1' }, { stdout: sink() });
  backfilled = readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Finding);
  backfilledState = JSON.parse(readFileSync(path.join(backfillState, 'state.json'), 'utf8')).detectors;
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everything a finding says except its evidence samples. */
function withoutSamples(f: Finding): unknown {
  const { evidence, ...rest } = f;
  return { ...rest, evidence: { count: evidence.count } };
}

describe('backfill --engine local against analyze on the bundled samples', () => {
  it('learns the same baselines (saved detector states are identical)', () => {
    expect(Object.keys(backfilledState).sort()).toEqual(Object.keys(analyzedState).sort());
    for (const id of Object.keys(analyzedState)) expect(backfilledState[id], id).toEqual(analyzedState[id]);
  });

  it('reports the same findings: ids, severity, kind, subject, window, observed, baseline, evidence count', () => {
    expect(analyzed.length).toBeGreaterThan(10);
    expect(new Set(analyzed.map((f) => f.detector)).size).toBe(4);
    const key = (f: Finding): string => JSON.stringify([f.id, f.severity, f.kind, f.subject, f.window, f.observed, f.baseline, f.evidence.count]);
    expect(backfilled.map(key).sort()).toEqual(analyzed.map(key).sort());
  });

  it('and the rest of each finding too (summary, score, attributions, first/last seen, series), apart from evidence samples', () => {
    const byId = new Map(backfilled.map((f) => [f.id, f]));
    for (const f of analyzed) expect(withoutSamples(byId.get(f.id)!), `${f.detector}/${f.kind}`).toEqual(withoutSamples(f));
  });

  it('evidence samples: the events themselves for s3-config-change; for aggregates, the log object of the first request of a group', () => {
    const uris = new Set(objects.map((o) => o.uri));
    const byId = new Map(analyzed.map((f) => [f.id, f]));
    for (const f of backfilled) {
      expect(f.evidence.samples.length).toBeGreaterThan(0);
      expect(f.evidence.samples.length).toBeLessThanOrEqual(5);
      if (f.detector === 's3-config-change') {
        expect(f.evidence.samples.map((s) => s.event_id)).toEqual(byId.get(f.id)!.evidence.samples.map((s) => s.event_id));
        continue;
      }
      for (const s of f.evidence.samples) {
        expect(uris.has(s.origin_uri!), s.origin_uri ?? 'null').toBe(true);
        expect(s.origin_index).toBeNull();
        expect(s.time! >= f.first_seen! && s.time! <= f.last_seen!).toBe(true);
      }
    }
  });

  it('records the objects it counted, so analyze over the same files afterwards counts nothing twice', async () => {
    const saved = JSON.parse(readFileSync(path.join(backfillStateDir, 'state.json'), 'utf8'));
    expect(Object.keys(saved.objects).sort()).toEqual(objects.map((o) => o.uri).sort());
    const again = await analyzeObjects(objects, { state: new LocalStateStore(backfillStateDir) });
    const after = JSON.parse(readFileSync(path.join(backfillStateDir, 'state.json'), 'utf8'));
    expect(after.detectors).toEqual(saved.detectors);
    expect(again.map((f) => f.id).sort()).toEqual(analyzed.map((f) => f.id).sort());
  });
});
