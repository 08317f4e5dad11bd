import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { LocalStateStore } from '../../src/state/local-store.js';
import { emptyState, STATE_VERSION } from '../../src/state/types.js';

const fresh = (): string => mkdtempSync(path.join(tmpdir(), 'th-state-'));

describe('LocalStateStore', () => {
  it('saves atomically and loads what it saved', async () => {
    const dir = fresh();
    const s = new LocalStateStore(dir);
    await s.lock();
    expect(await s.load()).toBeNull();
    const doc = { ...emptyState(), objects: { 'a.log': { size: 3 } }, detectors: { x: { version: 1, data: { n: 1 } } } };
    await s.save(doc);
    expect(await s.load()).toEqual(doc);
    await s.unlock();
  });

  it('refuses a second run while the first holds the lock, and takes over a dead run’s lock', async () => {
    const dir = fresh();
    const a = new LocalStateStore(dir);
    await a.lock();
    await expect(new LocalStateStore(dir).lock()).rejects.toThrow(/locked by another run/);
    await a.unlock();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid: Number(dead), host: hostname(), started: '2026-01-01T00:00:00Z' }));
    const b = new LocalStateStore(dir);
    await b.lock();
    expect(JSON.parse(readFileSync(path.join(dir, 'lock'), 'utf8')).pid).toBe(process.pid);
    await b.unlock();
  });

  it('treats a corrupt or newer state as a clear error with a hint, never a reset', async () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'state.json'), '{"format":"trailhound-state","version":1,"obj');
    const err = await new LocalStateStore(dir).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).message).toMatch(/corrupt/);
    expect((err as StateError).hint).toMatch(/move the state aside/);
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ ...emptyState(), version: STATE_VERSION + 1 }));
    await expect(new LocalStateStore(dir).load()).rejects.toThrow(/newer than this trailhound/);
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ hello: 1 }));
    await expect(new LocalStateStore(dir).load()).rejects.toThrow(/not a trailhound state/);
  });
});
