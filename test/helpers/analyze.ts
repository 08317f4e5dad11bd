/** Run the analysis library over a directory, optionally shuffling objects and changing batch sizes. */
import { analyze } from '../../src/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Finding } from '../../src/detect/finding.js';
import type { StateStore } from '../../src/state/types.js';
import { LocalSource } from '../../src/sources/local.js';
import type { LogObject } from '../../src/sources/types.js';
import { DETECTORS } from '../../detectors/index.js';

export async function listObjects(dir: string): Promise<LogObject[]> {
  const out: LogObject[] = [];
  for await (const o of new LocalSource(dir).list()) out.push(o);
  return out;
}

/** Deterministic shuffle (mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export async function analyzeObjects(
  objects: readonly LogObject[],
  opts: { batchRows?: number; workers?: number; state?: StateStore } = {},
): Promise<Finding[]> {
  const result = await analyze({
    objects: iterate(objects),
    detectors: DETECTORS,
    config: { ...DEFAULT_CONFIG },
    state: opts.state,
    ingest: { workers: opts.workers ?? 1, batchRows: opts.batchRows },
  });
  await result.commit();
  return result.findings;
}

/** What must not change between equivalent runs. */
export function fingerprint(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify([f.id, f.severity, f.observed, f.baseline, f.evidence.count, f.first_seen, f.last_seen, f.evidence.samples.map((s) => [s.origin_uri, s.origin_index])])).sort();
}
