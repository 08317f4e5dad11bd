/**
 * Exactly once across crashes: the CLI is killed with SIGKILL at random moments and at the
 * narrowest points of the commit protocol (after the write-ahead record, after the findings
 * object, after the state commit), then run again. The findings written (across all findings
 * objects of the sink) and the baselines and checkpoints saved must be exactly those of one
 * uninterrupted run: every finding id once, nothing counted twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/detect/finding.js';
import type { StateDoc } from '../../src/state/types.js';
import { fingerprint } from '../helpers/analyze.js';
import { REPO, runCli } from '../helpers/cli.js';
import { accessSimpleUploads, cloudTrailUploads, getText, listAllKeys, putAll, readFindings, S3RVER_ENV, sampleLogs, startS3Bed, type S3Bed } from '../helpers/s3-fixtures.js';

let bed: S3Bed;
let reference: { findings: Finding[]; state: StateDoc; ms: number };

function args(name: string, local?: string): string[] {
  return ['analyze', 's3://logs/', '--endpoint', bed.endpoint, '--state', local ?? `s3://trailhound/${name}/state/`, '--out', `s3://trailhound/${name}/out/`, '--workers', '1'];
}

const MARKER = '"msg":"S3 streams"';

/**
 * Starts the CLI; with `delayMs`, kills it with SIGKILL that long after it logged its S3 streams
 * (it holds the lock and has loaded the state by then), or lets a failpoint kill it. Reports how
 * long the run took after the marker.
 */
function crashRun(argv: string[], opts: { delayMs?: number; failpoint?: string }): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMarkerMs?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli.ts`, ...argv, '--log-level', 'debug'], {
      cwd: REPO,
      env: { ...process.env, ...S3RVER_ENV, ...(opts.failpoint ? { TRAILHOUND_FAILPOINT: opts.failpoint } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let marked: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let tail = '';
    child.stderr.on('data', (d: Buffer) => {
      if (marked !== undefined) return;
      tail = (tail + d.toString()).slice(-4096);
      if (!tail.includes(MARKER)) return;
      marked = Date.now();
      if (opts.delayMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), opts.delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, afterMarkerMs: marked === undefined ? undefined : Date.now() - marked });
    });
  });
}

async function outcome(name: string, local?: string): Promise<{ findings: Finding[]; state: StateDoc }> {
  const objects = await readFindings(bed.client, 'trailhound', `${name}/out/`);
  const text = local ? readFileSync(path.join(local, 'state.json'), 'utf8') : await getText(bed.client, 'trailhound', `${name}/state/state.json`);
  return { findings: objects.flatMap((o) => o.findings), state: JSON.parse(text) as StateDoc };
}

/** Deterministic delays (mulberry32): the same kill points on every CI run. */
function delays(seed: number, n: number, max: number): number[] {
  // Fractions of `max`, mulberry32.
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  }
  return out;
}

beforeAll(async () => {
  bed = await startS3Bed(['logs', 'trailhound']);
  const samples = await sampleLogs(1, 5);
  await putAll(bed.client, 'logs', [...(await cloudTrailUploads(samples)), ...(await accessSimpleUploads(samples, (b) => `access/${b}/`))]);
  const r = await crashRun(args('reference'), {});
  expect(r.code).toBe(0);
  reference = { ...(await outcome('reference')), ms: r.afterMarkerMs! };
  expect(reference.findings.length).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

function expectSameAsReference(got: { findings: Finding[]; state: StateDoc }, sink: string): void {
  const ids = got.findings.map((f) => f.id);
  expect(new Set(ids).size, 'a finding id was written twice').toBe(ids.length);
  expect(fingerprint(got.findings)).toEqual(fingerprint(reference.findings));
  expect(got.state.detectors).toEqual(reference.state.detectors);
  expect(got.state.checkpoints).toEqual(reference.state.checkpoints);
  expect(got.state.outputs?.[sink]?.emitted).toEqual(reference.state.outputs?.['s3://trailhound/reference/out/']?.emitted);
  expect(got.state.outputs?.[sink]?.pending).toBeUndefined();
}

/** Where a crashed run stopped, for diagnostics: lock held, state saved, findings objects written. */
async function phase(sc: Scenario): Promise<string> {
  const keys = await listAllKeys(bed.client, 'trailhound', `${sc.name}/`);
  return sc.local ? `${keys.length} objects; local ${readdirSync(sc.local).join(',')}` : keys.map((k) => k.slice(sc.name.length + 1)).join(', ') || 'nothing written';
}

interface Scenario {
  name: string;
  failpoint?: string;
  delayMs?: number;
  local?: string;
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

describe('SIGKILL at any point, then a re-run, equals one uninterrupted run', () => {
  it('at the failpoints of the commit protocol and at random moments (S3 state; one with a local state directory)', async () => {
    // Kill points spread over the run from the moment it holds the lock to a little after it would have ended.
    const kills = delays(20260302, 4, 1).map((x) => Math.round(reference.ms * 1.2 * x));
    const scenarios: Scenario[] = [
      ...['after-journal', 'after-findings', 'after-commit'].map((failpoint) => ({ name: `fp-${failpoint}`, failpoint })),
      ...kills.map((delayMs, i) => ({ name: `random-${i}`, delayMs, local: i === 0 ? mkdtempSync(path.join(tmpdir(), 'th-crash-state-')) : undefined })),
    ];
    await pool(scenarios, 3, async (sc) => {
      const crashed = await crashRun(args(sc.name, sc.local), sc);
      if (sc.failpoint) expect(crashed.signal, sc.name).toBe('SIGKILL');
      if (process.env.TH_TEST_LOG) console.info(sc.name, sc.delayMs ?? sc.failpoint, crashed, await phase(sc));
      const again = await runCli([...args(sc.name, sc.local), '--log-level', 'warn'], { env: { ...S3RVER_ENV } });
      expect(again.code, `${sc.name} (${sc.delayMs ?? sc.failpoint}): ${again.stderr}`).toBe(0);
      expectSameAsReference(await outcome(sc.name, sc.local), `s3://trailhound/${sc.name}/out/`);
    });
  }, 120_000);
});
