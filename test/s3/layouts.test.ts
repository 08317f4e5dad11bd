import { describe, expect, it } from 'vitest';
import { advance, listingStart } from '../../src/sources/checkpoint.js';
import { GapCollector } from '../../src/sources/s3-gaps.js';
import type { DiscoveredStream } from '../../src/sources/s3-discover.js';
import { compareKeys, keyTime, keyTimeAnywhere, startKeyAt, type StreamSpec } from '../../src/sources/s3-layouts.js';
import { backoffMs, isRetryable } from '../../src/sources/s3-retry.js';
import { parseDuration, parseInstant, parseWindow } from '../../src/sources/s3-time.js';

const H = 3600_000;
const ct: StreamSpec = { bucket: 'b', root: 'AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/', layout: 'cloudtrail', org: 'o-abc123', account: '111122223333', region: 'us-east-1' };
const simple: StreamSpec = { bucket: 'b', root: 'logs/', layout: 'access-simple' };
const part: StreamSpec = { bucket: 'b', root: 'p/111122223333/us-east-1/src-bucket/', layout: 'access-partitioned', account: '111122223333', region: 'us-east-1', sourceBucket: 'src-bucket' };
const ctKey = (stamp: string, uniq = 'Mu0KsOhtH1ar15ZZ'): string =>
  `${ct.root}${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}/111122223333_CloudTrail_us-east-1_${stamp}_${uniq}.json.gz`;

describe('key layouts', () => {
  it('reads the time of CloudTrail, simple and partitioned keys and rejects look-alikes', () => {
    expect(new Date(keyTime(ct, ctKey('20260302T2359Z'))!).toISOString()).toBe('2026-03-02T23:59:00.000Z');
    expect(keyTime(ct, ctKey('20260302T2359Z').replace('/02/', '/03/'))).toBeUndefined(); // folder and name disagree
    expect(keyTime(ct, ctKey('20260302T2359Z').replace('_CloudTrail_', '_CloudTrail-Digest_'))).toBeUndefined();
    expect(keyTime(ct, `${ct.root}2026/02/31/111122223333_CloudTrail_us-east-1_20260231T0000Z_x.json.gz`)).toBeUndefined();
    expect(new Date(keyTime(simple, 'logs/2013-11-01-21-32-16-E568B2907131C0C0')!).toISOString()).toBe('2013-11-01T21:32:16.000Z');
    expect(keyTime(simple, 'logs/sub/2013-11-01-21-32-16-E568B2907131C0C0')).toBeUndefined();
    expect(new Date(keyTime(part, `${part.root}2024/05/01/2024-05-01-13-05-09-ABCDEF0123456789`)!).toISOString()).toBe('2024-05-01T13:05:09.000Z');
    expect(keyTime(part, `${part.root}2024/05/01/2024-05-02-13-05-09-ABCDEF0123456789`)).toBeUndefined();
  });

  it('builds StartAfter keys that sort before every key at or after the time', () => {
    const t = Date.parse('2026-03-02T10:15:00Z');
    const start = startKeyAt(ct, t)!;
    expect(compareKeys(start, ctKey('20260302T1015Z', '0000000000000000'))).toBeLessThan(0);
    expect(compareKeys(start, ctKey('20260302T1014Z', 'zzzzzzzzzzzzzzzz'))).toBeGreaterThan(0);
    expect(compareKeys(start, ctKey('20260303T0000Z'))).toBeLessThan(0);
    expect(startKeyAt(simple, t)).toBe('logs/2026-03-02-10-15-00');
    expect(startKeyAt(part, t)).toBe(`${part.root}2026/03/02/2026-03-02-10-15-00`);
    expect(startKeyAt(part, t, true)).toBe(`${part.root}2026/03/02/`);
  });

  it('finds key times in local mirrors of log buckets', () => {
    expect(keyTimeAnywhere(`samples/cloudtrail/${ctKey('20260302T1015Z').replace('o-abc123/', '')}`)).toBe(Date.parse('2026-03-02T10:15:00Z'));
    expect(keyTimeAnywhere('samples/s3access/www/2026-03-02-05-20-49-CD989F966B5BC1CC')).toBe(Date.parse('2026-03-02T05:20:49Z'));
    expect(keyTimeAnywhere('x/logs.json')).toBeUndefined();
  });
});

describe('checkpoints', () => {
  const keys = ['20260302T0005Z', '20260302T0610Z', '20260302T2350Z', '20260303T0400Z'].map((s) => ctKey(s));

  it('lists from the checkpoint minus the look-back, or from --since when later', () => {
    const cp = advance(ct, undefined, keys, [], 24 * H);
    expect(cp.last).toBe(keys[3]);
    expect(listingStart(ct, cp, 24 * H).startAfter).toBe(startKeyAt(ct, Date.parse('2026-03-02T04:00:00Z')));
    expect(listingStart(ct, cp, 24 * H, { since: Date.parse('2026-03-02T12:00:00Z') }).startAfter).toBe(startKeyAt(ct, Date.parse('2026-03-02T12:00:00Z')));
    expect(listingStart(ct, undefined, 24 * H).startAfter).toBeUndefined();
  });

  it('keeps exactly the processed keys the next listing returns, and failed keys for a retry', () => {
    const cp = advance(ct, undefined, keys, [], 24 * H);
    expect(cp.seen).toEqual(keys.slice(1).map((k) => k.slice(ct.root.length)));
    const failed = ctKey('20260303T0500Z');
    const next = advance(ct, cp, [ctKey('20260303T0600Z')], [failed], 24 * H);
    expect(next.last).toBe(ctKey('20260303T0600Z'));
    expect(next.retry).toEqual([failed.slice(ct.root.length)]);
    expect(next.seen).not.toContain(failed.slice(ct.root.length));
    const healed = advance(ct, next, [failed], [], 24 * H);
    expect(healed.retry).toBeUndefined();
    expect(healed.seen).toContain(failed.slice(ct.root.length));
  });

  it('re-lists whole day folders of access logs partitioned by event time', () => {
    const evt = (d: string, u: string): string => `${part.root}2026/03/${d}/2026-03-${d}-00-00-00-${u}`;
    const cp = advance(part, undefined, [evt('02', 'A'), evt('03', 'B'), evt('04', 'C')], [], 24 * H);
    const start = listingStart(part, cp, 24 * H);
    expect(start.eventMode).toBe(true);
    expect(start.startAfter).toBe(`${part.root}2026/03/03/`);
    expect(cp.seen).toEqual(['2026/03/03/2026-03-03-00-00-00-B', '2026/03/04/2026-03-04-00-00-00-C']);
    const delivery = advance(part, undefined, [`${part.root}2026/03/04/2026-03-04-10-00-07-C`], [], 24 * H);
    expect(listingStart(part, delivery, 24 * H)).toEqual({ startAfter: `${part.root}2026/03/03/2026-03-03-10-00-07`, eventMode: false });
  });

  it('keeps every key of a plain stream (no time in its keys)', () => {
    const plain: StreamSpec = { bucket: 'b', root: 'x/', layout: 'plain' };
    const cp = advance(plain, advance(plain, undefined, ['x/a'], [], H), ['x/b'], [], H);
    expect(cp.seen).toEqual(['a', 'b']);
    expect(listingStart(plain, cp, H).startAfter).toBeUndefined();
  });
});

describe('time options', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it('parses durations and instants (date-fns), UTC by default', () => {
    expect(parseDuration('15m', '--every')).toBe(15 * 60_000);
    expect(parseDuration('24h', '--lookback')).toBe(24 * H);
    expect(() => parseDuration('soon', '--every')).toThrow(/duration/);
    expect(new Date(parseInstant('7d', '--since', now)).toISOString()).toBe('2026-03-03T12:00:00.000Z');
    expect(new Date(parseInstant('2026-03-01', '--since')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(new Date(parseInstant('2026-03-01T10:30', '--since')).toISOString()).toBe('2026-03-01T10:30:00.000Z');
    expect(new Date(parseInstant('2026-03-01T10:30:00+02:00', '--since')).toISOString()).toBe('2026-03-01T08:30:00.000Z');
    expect(() => parseWindow('1d', '2d', now)).toThrow(/before --until/);
  });
});

describe('retries', () => {
  it('retries 5xx, throttling and network failures, not client errors', () => {
    const aws = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(isRetryable(aws('InternalError', 500))).toBe(true);
    expect(isRetryable(aws('SlowDown', 503))).toBe(true);
    expect(isRetryable(aws('TooManyRequestsException', 429))).toBe(true);
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryable(aws('NoSuchKey', 404))).toBe(false);
    expect(isRetryable(aws('AccessDenied', 403))).toBe(false);
    expect(isRetryable(aws('PreconditionFailed', 412))).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { attempts: 8, baseMs: 100, capMs: 5000 };
    expect(backoffMs(policy, 0, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(400);
    expect(backoffMs(policy, 10, () => 0.999)).toBe(4995);
    expect(backoffMs(policy, 10, () => 0)).toBe(0);
  });
});

describe('delivery gaps', () => {
  it('reports hours without objects per stream, days for event-time partitions', () => {
    const g = new GapCollector({ since: Date.parse('2026-03-02T00:00:00Z'), until: Date.parse('2026-03-02T06:00:00Z') });
    const s = { ...ct, within: ct.root } as DiscoveredStream;
    for (const stamp of ['20260302T0005Z', '20260302T0110Z', '20260302T0420Z']) g.add(s, ctKey(stamp), keyTime(ct, ctKey(stamp)));
    const [r] = g.result();
    expect(r.unit).toBe('hour');
    expect(r.gaps).toEqual([
      { from: '2026-03-02T02:00:00.000Z', to: '2026-03-02T04:00:00.000Z', units: 2 },
      { from: '2026-03-02T05:00:00.000Z', to: '2026-03-02T06:00:00.000Z', units: 1 },
    ]);
    const e = new GapCollector();
    const ps = { ...part, within: part.root } as DiscoveredStream;
    for (const d of ['01', '02', '05']) {
      const key = `${part.root}2026/03/${d}/2026-03-${d}-00-00-00-X`;
      e.add(ps, key, keyTime(part, key));
    }
    expect(e.result()[0]).toMatchObject({ unit: 'day', missing_units: 2, gaps: [{ from: '2026-03-03T00:00:00.000Z', units: 2 }] });
  });
});

describe('key order', () => {
  it('compares keys in UTF-8 byte order, as S3 lists them', () => {
    expect(compareKeys('a/b', 'a-b')).toBeGreaterThan(0); // '/' 0x2F sorts after '-' 0x2D: CloudTrail-Digest/ comes before CloudTrail/
    expect(compareKeys('CloudTrail-Digest/', 'CloudTrail/')).toBeLessThan(0);
    // U+FF5E (EF BD 9E in UTF-8) sorts before U+1F600 (F0 9F 98 80), although its UTF-16 unit is larger.
    expect(compareKeys('x\uff5e', 'x\u{1f600}')).toBeLessThan(0);
    expect('x\uff5e' < 'x\u{1f600}').toBe(false);
  });
});
