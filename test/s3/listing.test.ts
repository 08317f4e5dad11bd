/**
 * Listing a log bucket on a real S3 server (s3rver): stream discovery for every key layout
 * (CloudTrail with and without an organisation id, never its Digest/Insight siblings; simple,
 * glued and partitioned access-log prefixes, by delivery and by event time), pruning by
 * --since/--until with StartAfter, prefixes inside a stream, and the delivery-gaps report.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from '../../src/log.js';
import { S3Source } from '../../src/sources/s3.js';
import { keyTimeAnywhere, startKeyAt } from '../../src/sources/s3-layouts.js';
import type { TimeWindow } from '../../src/sources/s3-time.js';
import { runCli } from '../helpers/cli.js';
import { accessPartitionedUploads, accessSimpleUploads, cloudTrailUploads, putAll, S3RVER_ENV, sampleLogs, startS3Bed, type S3Bed, type Upload } from '../helpers/s3-fixtures.js';

let bed: S3Bed;
let uploads: Upload[];
const H = 3600_000;
const DAY = 24 * H;
const ORG = 'o-a1b2c3d4e5';
const START = Date.parse('2026-03-02T00:00:00Z');

beforeAll(async () => {
  setLogLevel(process.env.TH_TEST_LOG ?? 'error');
  bed = await startS3Bed(['logs']);
  const samples = await sampleLogs(2, 5);
  uploads = [
    ...(await cloudTrailUploads(samples, { org: ORG })),
    ...(await cloudTrailUploads(samples, { prefix: 'trails/' })),
    ...(await accessSimpleUploads(samples, (b) => `access/${b}/`)),
    // DestinationPrefix without a slash: the format glues it to the timestamp.
    ...(await accessSimpleUploads(samples, (b) => `glued/${b}-`)).filter((u) => u.key.includes('northwind-www')),
    ...(await accessPartitionedUploads(samples, { destPrefix: 'by-delivery/', account: '111122223333', region: 'eu-west-1', mode: 'delivery' })),
    ...(await accessPartitionedUploads(samples, { destPrefix: 'by-event/', account: '111122223333', region: 'eu-west-1', mode: 'event' })),
  ];
  await putAll(bed.client, 'logs', uploads);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

async function listed(uri: string, window: TimeWindow = {}): Promise<string[]> {
  const src = new S3Source(uri, { endpoint: bed.endpoint }, { window });
  const out: string[] = [];
  for await (const o of src.list()) out.push(o.uri.slice('s3://logs/'.length));
  return out.sort();
}

const isLog = (u: Upload): boolean => !/CloudTrail-(Digest|Insight)/.test(u.key);

function expected(prefix: string, w: TimeWindow = {}): string[] {
  return uploads
    .filter((u) => u.key.startsWith(prefix) && isLog(u))
    .filter((u) => {
      const t = keyTimeAnywhere(u.key)!;
      const span = u.key.startsWith('by-event/') ? DAY : 1;
      return (w.since === undefined || t + span > w.since) && (w.until === undefined || t < w.until);
    })
    .map((u) => u.key)
    .sort();
}

describe('S3 listing streams', () => {
  it('discovers every stream from the bucket root with Delimiter listings, and never a Digest or Insight prefix', async () => {
    const src = new S3Source('s3://logs/', { endpoint: bed.endpoint });
    const streams = (await src.streams()).map((s) => `${s.layout} ${s.within}`);
    expect(streams).toEqual([
      `cloudtrail AWSLogs/${ORG}/418632750914/CloudTrail/us-east-1/`,
      `cloudtrail AWSLogs/${ORG}/530716829104/CloudTrail/us-east-1/`,
      'access-simple access/northwind-prod-backups/',
      'access-simple access/northwind-prod-data/',
      'access-simple access/northwind-www/',
      'access-partitioned by-delivery/111122223333/eu-west-1/northwind-prod-backups/',
      'access-partitioned by-delivery/111122223333/eu-west-1/northwind-prod-data/',
      'access-partitioned by-delivery/111122223333/eu-west-1/northwind-www/',
      'access-partitioned by-event/111122223333/eu-west-1/northwind-prod-backups/',
      'access-partitioned by-event/111122223333/eu-west-1/northwind-prod-data/',
      'access-partitioned by-event/111122223333/eu-west-1/northwind-www/',
      'access-simple glued/northwind-www-',
      'cloudtrail trails/AWSLogs/418632750914/CloudTrail/us-east-1/',
      'cloudtrail trails/AWSLogs/530716829104/CloudTrail/us-east-1/',
    ]);
    const all = await listed('s3://logs/');
    expect(all).toEqual(uploads.filter(isLog).map((u) => u.key).sort());
    expect(all.some((k) => k.includes('CloudTrail-'))).toBe(false);
  });

  it.each([
    ['CloudTrail (organisation trail)', `AWSLogs/${ORG}/`],
    ['CloudTrail', 'trails/'],
    ['simple-prefix access logs', 'access/'],
    ['simple-prefix access logs, prefix glued to the time', 'glued/northwind-www-'],
    ['partitioned access logs by delivery time', 'by-delivery/'],
    ['partitioned access logs by event time', 'by-event/'],
  ])('prunes %s to --since/--until, starting each listing after a StartAfter key', async (_name, prefix) => {
    const w = { since: START + 10 * H, until: START + 30 * H };
    const from = bed.proxy.requests.length;
    const got = await listed(`s3://logs/${prefix}`, w);
    expect(got).toEqual(expected(prefix, w));
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(expected(prefix).length);
    // Every object listing (not the Delimiter ones) started at --since, not at the beginning of the stream.
    const lists = bed.proxy.requests.slice(from).map((r) => new URL(r.url, 'http://x').searchParams).filter((q) => q.get('list-type') === '2' && !q.has('delimiter'));
    expect(lists.length).toBeGreaterThan(0);
    for (const q of lists) {
      const startAfter = q.get('start-after') ?? q.get('continuation-token');
      expect(startAfter, q.get('prefix') ?? '').toBeTruthy();
      if (q.has('start-after')) expect(startAfter! >= q.get('prefix')!).toBe(true);
    }
  });

  it('lists only inside a stream when the prefix points into one (a day folder)', async () => {
    const day = `AWSLogs/${ORG}/418632750914/CloudTrail/us-east-1/2026/03/03/`;
    expect(await listed(`s3://logs/${day}`)).toEqual(expected(day));
    const part = 'by-event/111122223333/eu-west-1/northwind-www/2026/03/02/';
    expect(await listed(`s3://logs/${part}`)).toEqual(expected(part));
    const simpleDay = 'access/northwind-www/2026-03-03';
    expect(await listed(`s3://logs/${simpleDay}`)).toEqual(expected(simpleDay));
  });

  it('uses StartAfter keys a real listing accepts for every layout', () => {
    const t = START + 10 * H;
    expect(startKeyAt({ bucket: 'logs', root: 'glued/northwind-www-', layout: 'access-simple' }, t)).toBe('glued/northwind-www-2026-03-02-10-00-00');
  });
});

describe('trailhound stats over an S3 source', () => {
  it('reports the hours in which a stream delivered nothing', async () => {
    // A trail delivering every 20 minutes, silent from 03:00 to 06:00 (a stopped trail).
    const acct = '999988887777';
    const root = `gaps/AWSLogs/${acct}/CloudTrail/eu-central-1/`;
    const body = gzipSync(JSON.stringify({ Records: [] }));
    const keys: Upload[] = [];
    for (let t = START; t < START + 8 * H; t += 20 * 60_000) {
      if (t >= START + 3 * H && t < START + 6 * H) continue;
      const d = new Date(t).toISOString();
      const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}Z`;
      keys.push({ key: `${root}${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${acct}_CloudTrail_eu-central-1_${stamp}_AbCdEf0123456789.json.gz`, body });
    }
    await putAll(bed.client, 'logs', keys);
    const r = await runCli(['stats', 's3://logs/gaps/', '--endpoint', bed.endpoint, '--format', 'json', '--since', '2026-03-02T00:00Z', '--until', '2026-03-02T08:00Z', '--log-level', 'warn'], { env: { ...S3RVER_ENV } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.delivery_gaps).toEqual([
      {
        stream: `s3://logs/${root}`,
        layout: 'cloudtrail',
        unit: 'hour',
        objects: keys.length,
        first: '2026-03-02T00:00:00.000Z',
        last: '2026-03-02T07:40:00.000Z',
        missing_units: 3,
        gaps: [{ from: '2026-03-02T03:00:00.000Z', to: '2026-03-02T06:00:00.000Z', units: 3 }],
      },
    ]);
    const text = await runCli(['stats', 's3://logs/gaps/', '--endpoint', bed.endpoint, '--since', '2026-03-02T00:00Z', '--until', '2026-03-02T08:00Z', '--log-level', 'warn'], { env: { ...S3RVER_ENV } });
    expect(text.stdout).toMatch(/delivery gaps/);
    expect(text.stdout).toMatch(/3 hours\s+2026-03-02T03 \+3h/);
  });
});
