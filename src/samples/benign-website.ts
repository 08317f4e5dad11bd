/**
 * The public website bucket: anonymous visitors from many networks (normal here, and only
 * here), scanners denied on paths that do not exist, and the two identities that publish it.
 */
import { tlsTransport, usualCaller, type ApiCall, type Caller } from './api-call.js';
import { WEBSITE_ASSETS, WEBSITE_MISSES, objectSize } from './catalog.js';
import { alwaysOnWeight, daysBetween, HOUR, hoursBetween, isoDate, isWeekend, MINUTE, spread } from './clock.js';
import { managementCall } from './management-calls.js';
import { ACTORS, BROWSERS, BUCKETS, UA } from './org.js';
import { Random, UPPER_ALNUM } from './random.js';
import { listObjects, s3Call } from './s3-calls.js';
import type { Sim, Workload } from './sim.js';

interface Visitor {
  ip: string;
  userAgent: string;
}

/** A fixed crowd, independent of the seed: the same visitors come back day after day. */
function visitorPool(size: number): Visitor[] {
  const rng = Random.fromKey('website-visitors');
  const visitors: Visitor[] = [];
  for (let i = 0; i < size; i++) {
    const ip = rng.chance(0.15)
      ? `2001:db8:${rng.hex(4).replace(/^0+/, '') || '0'}:${rng.int(1, 0xfff).toString(16)}::${rng.int(1, 0xffff).toString(16)}`
      : `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(100, 254)}`;
    visitors.push({ ip, userAgent: rng.pick(BROWSERS) });
  }
  return visitors;
}

const VISITORS = visitorPool(320);
const ASSET_WEIGHTS = WEBSITE_ASSETS.map((a) => [a, a.weight] as const);

const websiteVisitors: Workload = (sim, rng) => {
  for (const hour of hoursBetween(sim.start, sim.end)) {
    for (const at of spread(rng, hour, HOUR, rng.poisson(26 * alwaysOnWeight(hour)))) {
      const visitor = rng.pick(VISITORS);
      const caller: Caller = {
        actor: ACTORS.websiteVisitor,
        session: null,
        sourceIp: visitor.ip,
        userAgent: visitor.userAgent,
        transport: tlsTransport(rng, 'TLSv1.3', null),
      };
      if (rng.chance(0.03)) {
        const key = rng.pick(WEBSITE_MISSES);
        sim.emit(s3Call(rng, { time: at, caller, api: 'GetObject', bucket: BUCKETS.website, key, errorCode: 'AccessDenied' }));
        continue;
      }
      const asset = rng.weighted(ASSET_WEIGHTS);
      const referer = asset.key.endsWith('.html') ? null : 'https://www.northwind.example/';
      const call = s3Call(rng, {
        time: at,
        caller,
        api: 'GetObject',
        bucket: BUCKETS.website,
        key: asset.key,
        size: asset.size,
        referer: referer ?? undefined,
      });
      if (rng.chance(0.12)) notModified(call);
      sim.emit(call);
    }
  }
};

/** A conditional GET answered 304: nothing sent. */
function notModified(call: ApiCall): void {
  call.s3!.httpStatus = 304;
  call.s3!.bytesSent = 0;
}

/** CI publishes the site a few times per working day and prunes superseded hashed assets. */
const ciDeploys: Workload = (sim, rng) => {
  const actor = ACTORS.ciDeployer;
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day)) continue;
    for (const at of spread(rng, day + 10 * HOUR, 7 * HOUR, rng.poisson(1.3))) {
      const ip = rng.pick(actor.ips);
      const caller = (command: string): Caller => ({ ...usualCaller(rng, actor, null, ip), userAgent: UA.cliCi(command) });
      let t = at;
      sim.emit(listObjects(rng, t, caller('s3.sync'), BUCKETS.website, ''));
      for (const asset of rng.shuffle([...WEBSITE_ASSETS]).slice(0, rng.int(4, 10))) {
        t += rng.int(300, 2500);
        sim.emit(s3Call(rng, {
          time: t,
          caller: caller('s3.sync'),
          api: 'PutObject',
          bucket: BUCKETS.website,
          key: asset.key,
          size: asset.size,
        }));
      }
      if (rng.chance(0.4)) {
        const stale = Array.from({ length: rng.int(2, 6) }, () => `assets/app.${rng.hex(6)}.js`);
        for (const c of deleteObjects(rng, (t += 900), caller('s3.sync'), stale)) sim.emit(c);
      }
      sim.emit(
        managementCall(rng, {
          time: t + rng.int(2, 6) * 1000,
          caller: caller('cloudfront.create-invalidation'),
          eventSource: 'cloudfront.amazonaws.com',
          eventName: 'CreateInvalidation',
          endpoint: 'cloudfront.amazonaws.com',
          requestParameters: {
            distributionId: 'E2QWRUHAPOMQZL',
            invalidationBatch: { paths: { quantity: 1, items: ['/*'] }, callerReference: `cli-${Math.floor(t / 1000)}-${rng.int(100000, 999999)}` },
          },
          responseElements: {
            location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation/I${rng.chars(13, UPPER_ALNUM)}`,
          },
        }),
      );
    }
  }
};

/**
 * A multi-object delete: one REST.POST.MULTI_OBJECT_DELETE line plus one BATCH.DELETE.OBJECT
 * line per key, all sharing the request's id (they differ only by key).
 */
export function deleteObjects(rng: Random, time: number, caller: Caller, keys: readonly string[]): ApiCall[] {
  const post = s3Call(rng, { time, caller, api: 'DeleteObjects', bucket: BUCKETS.website, params: { delete: '' } });
  const lines = keys.map((key) => {
    const line = s3Call(rng, { time, caller, api: 'DeleteObject', bucket: BUCKETS.website, key });
    line.requestId = post.requestId;
    line.inCloudTrail = false;
    line.s3 = { ...line.s3!, operation: 'BATCH.DELETE.OBJECT', requestUri: post.s3!.requestUri, hostId: post.s3!.hostId };
    return line;
  });
  return [post, ...lines];
}

/** Marketing uploads images from a laptop on most working days. */
const mediaUploads: Workload = (sim, rng) => {
  const actor = ACTORS.mediaUploader;
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day) || !rng.chance(0.75)) continue;
    let t = day + rng.int(9, 16) * HOUR + rng.int(0, 59) * MINUTE;
    sim.emit(listObjects(rng, t, usualCaller(rng, actor, null), BUCKETS.website, 'images/'));
    for (let n = 0; n < rng.int(2, 6); n++) {
      const key = `images/campaign-${isoDate(day)}-${n + 1}.webp`;
      t += rng.int(5, 40) * 1000;
      sim.emit(s3Call(rng, {
        time: t,
        caller: usualCaller(rng, actor, null),
        api: 'PutObject',
        bucket: BUCKETS.website,
        key,
        size: objectSize(key, 300_000),
      }));
    }
  }
};

export const WEBSITE_WORKLOADS: readonly (readonly [string, Workload])[] = [
  ['website-visitors', websiteVisitors],
  ['ci-deploys', ciDeploys],
  ['media-uploads', mediaUploads],
];
