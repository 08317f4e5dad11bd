/**
 * Loop mode (`--every`), as the container runs it: one run per interval, each reading what
 * arrived since the last; SIGTERM (or SIGINT) finishes the objects under way, writes the
 * findings, commits the state and exits 0 — and the next start continues exactly there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from '../../src/log.js';
import type { StateDoc } from '../../src/state/types.js';
import { REPO, runCli } from '../helpers/cli.js';
import { accessSimpleUploads, getText, objectsRead, putAll, S3RVER_ENV, sampleLogs, startS3Bed, type S3Bed, type Upload } from '../helpers/s3-fixtures.js';

let bed: S3Bed;
let logs: Upload[];

beforeAll(async () => {
  setLogLevel('error');
  bed = await startS3Bed(['logs', 'trailhound']);
  logs = await accessSimpleUploads(await sampleLogs(1, 5), (b) => `access/${b}/`);
});

afterAll(async () => {
  await bed?.close();
});

interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, count?: number): Promise<void>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli.ts`, ...args], { cwd: REPO, env: { ...process.env, ...S3RVER_ENV }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    async waitFor(pattern, count = 1) {
      while (lines.filter((l) => pattern.test(l)).length < count) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${lines.join('\n')}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

async function state(name: string): Promise<StateDoc> {
  return JSON.parse(await getText(bed.client, 'trailhound', `${name}/state.json`)) as StateDoc;
}

describe('--every loop mode', () => {
  it('runs once per interval, each run reading what arrived since, and exits 0 on SIGTERM', async () => {
    const www = logs.filter((u) => u.key.startsWith('access/northwind-www/'));
    await putAll(bed.client, 'logs', www.slice(0, 5));
    const from = bed.proxy.requests.length;
    const loop = start(['analyze', 's3://logs/access/northwind-www/', '--endpoint', bed.endpoint, '--every', '1s', '--state', 's3://trailhound/loop/', '--out', 's3://trailhound/loop-out/', '--workers', '1']);
    await loop.waitFor(/"msg":"run finished"/);
    expect(objectsRead(bed.proxy, 'logs', from)).toHaveLength(5);
    await putAll(bed.client, 'logs', www.slice(5, 9));
    await loop.waitFor(/"msg":"run finished"/, 3);
    expect(objectsRead(bed.proxy, 'logs', from)).toEqual(www.slice(0, 9).map((u) => u.key).sort());
    loop.child.kill('SIGTERM');
    expect(await loop.exited).toBe(0);
    expect(loop.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    const s = await state('loop');
    expect(s.checkpoints!['s3://logs/access/northwind-www/'].last).toBe(www[8].key);
  });

  it('SIGTERM in the middle of a run: the objects under way finish, state is committed, exit 0, and the next run continues there', async () => {
    const data = logs.filter((u) => u.key.startsWith('access/northwind-prod-data/'));
    await putAll(bed.client, 'logs', data);
    bed.proxy.latencyMs = 60;
    const from = bed.proxy.requests.length;
    let first: string[];
    try {
      const run = start(['analyze', 's3://logs/access/northwind-prod-data/', '--endpoint', bed.endpoint, '--every', '15m', '--state', 's3://trailhound/term/', '--out', 's3://trailhound/term-out/', '--workers', '1', '--concurrency', '1', '--log-level', 'debug']);
      await run.waitFor(/"msg":"S3 streams"/);
      await new Promise((r) => setTimeout(r, 600));
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.lines.some((l) => l.includes('finishing the objects under way'))).toBe(true);
      first = objectsRead(bed.proxy, 'logs', from);
    } finally {
      bed.proxy.latencyMs = 0;
    }
    // What the stopped run committed (objects read ahead but not parsed are not in it).
    const s = await state('term');
    const cp = s.checkpoints!['s3://logs/access/northwind-prod-data/'];
    const processed = cp.seen.map((k) => `access/northwind-prod-data/${k}`);
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.length).toBeLessThan(data.length);
    expect(first).toEqual(expect.arrayContaining(processed));
    expect(cp.last).toBe(processed[processed.length - 1]);
    const next = bed.proxy.requests.length;
    const r = await runCli(['analyze', 's3://logs/access/northwind-prod-data/', '--endpoint', bed.endpoint, '--state', 's3://trailhound/term/', '--out', 's3://trailhound/term-out/', '--workers', '1', '--log-level', 'warn'], { env: { ...S3RVER_ENV } });
    expect(r.code, r.stderr).toBe(0);
    const rest = objectsRead(bed.proxy, 'logs', next);
    expect([...processed, ...rest].sort()).toEqual(data.map((u) => u.key).sort());
    expect(rest.filter((k) => processed.includes(k))).toEqual([]);
  });
});
