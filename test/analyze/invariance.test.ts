import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalStateStore } from '../../src/state/local-store.js';
import { generateSamples } from '../../src/samples/generate.js';
import type { LogObject } from '../../src/sources/types.js';
import { analyzeObjects, fingerprint, listObjects, shuffled } from '../helpers/analyze.js';

let dir: string;
let objects: LogObject[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'th-inv-'));
  await generateSamples({ out: dir, days: 9, seed: 3 });
  objects = await listObjects(dir);
}, 120_000);

describe('analyze invariants on generated samples', () => {
  it('finds the same things whatever the object order and batch size (1k and 64k rows)', async () => {
    const base = fingerprint(await analyzeObjects(objects, { batchRows: 65_536 }));
    expect(base.length).toBeGreaterThan(0);
    expect(fingerprint(await analyzeObjects(shuffled(objects, 1), { batchRows: 1000 }))).toEqual(base);
    expect(fingerprint(await analyzeObjects(shuffled(objects, 2), { batchRows: 65_536, workers: 2 }))).toEqual(base);
  });

  it('gives the same finding ids on a re-run with state, without counting objects twice in the baselines', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'th-inv-state-'));
    try {
      const first = await analyzeObjects(objects, { state: new LocalStateStore(stateDir) });
      const saved = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
      const second = await analyzeObjects(shuffled(objects, 5), { state: new LocalStateStore(stateDir), batchRows: 5000 });
      const again = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
      expect(fingerprint(second)).toEqual(fingerprint(first));
      expect(again.detectors).toEqual(saved.detectors);
      expect(Object.keys(again.objects).length).toBe(objects.length);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
