/**
 * The S3 state store: same semantics as the local one (atomic save, a lock, a clear error on a
 * corrupt or newer state), a lease lock that works on a server ignoring conditional writes
 * (s3rver), and conditional writes (If-None-Match / If-Match) where the server enforces them
 * (played by the proxy in front of s3rver).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { setLogLevel } from '../../src/log.js';
import { S3StateStore, type LeaseInfo } from '../../src/state/s3-store.js';
import { emptyState, STATE_VERSION } from '../../src/state/types.js';
import { getText, startS3Bed, type S3Bed } from '../helpers/s3-fixtures.js';

let bed: S3Bed;

beforeAll(async () => {
  setLogLevel(process.env.TH_TEST_LOG ?? 'error');
  bed = await startS3Bed(['state']);
});

afterAll(async () => {
  await bed?.close();
});

/** Straight to s3rver (which ignores conditional headers), or through the proxy enforcing them. */
function store(prefix: string, opts: { conditional?: boolean; leaseMs?: number } = {}): S3StateStore {
  const endpoint = opts.conditional ? bed.proxy.endpoint : bed.server.endpoint;
  return new S3StateStore(`s3://state/${prefix}/`, { endpoint }, { leaseMs: opts.leaseMs ?? 60_000, settleMs: 100 });
}

async function put(key: string, body: string): Promise<void> {
  await bed.client.send(new PutObjectCommand({ Bucket: 'state', Key: key, Body: body }));
}

const lease = (over: Partial<LeaseInfo>): string =>
  JSON.stringify({ token: 'other', pid: 1, host: 'another-host', process_started: '2026-01-01T00:00:00.000Z', acquired: '2026-01-01T00:00:00.000Z', expires: new Date(Date.now() + 60_000).toISOString(), ...over });

describe('S3StateStore', () => {
  it('saves and loads what it saved, and releases the lock', async () => {
    const s = store('roundtrip');
    await s.lock();
    expect(await s.load()).toBeNull();
    const doc = { ...emptyState(), detectors: { x: { version: 1, data: { n: 1 } } }, checkpoints: { 's3://b/p/': { layout: 'access-simple' as const, seen: ['k'] } } };
    await s.save(doc);
    await s.save({ ...doc, updated_at: 'second save' });
    expect(await s.load()).toEqual({ ...doc, updated_at: 'second save' });
    await s.unlock();
    await expect(getText(bed.client, 'state', 'roundtrip/lock.json')).rejects.toThrow();
  });

  it('treats a corrupt or newer state as a clear error, never a reset', async () => {
    await put('corrupt/state.json', '{"format":"trailhound-state","vers');
    await expect(store('corrupt').load()).rejects.toThrow(/corrupt/);
    await put('newer/state.json', JSON.stringify({ ...emptyState(), version: STATE_VERSION + 1 }));
    await expect(store('newer').load()).rejects.toThrow(/newer than this trailhound/);
  });

  it('lease lock on a server without conditional writes: one run at a time, even when two start together', async () => {
    const a = store('lease');
    await a.lock();
    await expect(store('lease').lock()).rejects.toThrow(/locked by another run/);
    await a.unlock();
    const racers = [store('race'), store('race'), store('race')];
    const results = await Promise.allSettled(racers.map((r) => r.lock()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StateError);
    await Promise.all(racers.map((r) => r.unlock()));
  });

  it('takes over a lease that expired or whose process on this host is gone, not a live one elsewhere', async () => {
    await put('expired/lock.json', lease({ expires: new Date(Date.now() - 1000).toISOString() }));
    const a = store('expired');
    await a.lock();
    await a.unlock();
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim());
    await put('dead/lock.json', lease({ host: hostname(), pid: dead }));
    const b = store('dead');
    await b.lock();
    await b.unlock();
    await put('alive/lock.json', lease({}));
    await expect(store('alive').lock()).rejects.toThrow(/locked by another run \(pid 1 on another-host/);
  });

  it('renews its lease while it runs, and refuses to save once another run took the lock', async () => {
    const a = store('renew', { leaseMs: 3_000 });
    await a.lock();
    const first = JSON.parse(await getText(bed.client, 'state', 'renew/lock.json')) as LeaseInfo;
    await new Promise((r) => setTimeout(r, 1_500));
    const renewed = JSON.parse(await getText(bed.client, 'state', 'renew/lock.json')) as LeaseInfo;
    expect(Date.parse(renewed.expires)).toBeGreaterThan(Date.parse(first.expires));
    await a.load();
    await put('renew/lock.json', lease({ token: 'thief' }));
    await expect(a.save(emptyState())).rejects.toThrow(/lost the state lock/);
    await a.unlock();
    expect(JSON.parse(await getText(bed.client, 'state', 'renew/lock.json')).token).toBe('thief');
  });

  it('with conditional writes: a lock created concurrently loses with 412, and a state changed since load is not overwritten', async () => {
    bed.proxy.enforceConditionals = true;
    try {
      await put('cond/lock.json', lease({ expires: new Date(Date.now() - 1000).toISOString() }));
      const a = store('cond', { conditional: true });
      // Between a's read of the stale lock and its replacing write, another run replaces it first.
      const read = bed.proxy.requests.length;
      const racing = a.lock();
      while (!bed.proxy.requests.slice(read).some((r) => r.method === 'GET')) await new Promise((r) => setTimeout(r, 5));
      await put('cond/lock.json', lease({ token: 'faster', expires: new Date(Date.now() + 60_000).toISOString() }));
      await expect(racing).rejects.toThrow(/locked by another run/);

      const b = store('cond2', { conditional: true });
      await b.lock();
      await b.load();
      await put('cond2/state.json', JSON.stringify({ ...emptyState(), updated_at: 'written by someone else' }));
      await expect(b.save(emptyState())).rejects.toThrow(/changed by another run/);
      expect(JSON.parse(await getText(bed.client, 'state', 'cond2/state.json')).updated_at).toBe('written by someone else');
      await b.unlock();
      expect(bed.proxy.requests.some((r) => r.status === 412)).toBe(true);
    } finally {
      bed.proxy.enforceConditionals = false;
    }
  });
});
