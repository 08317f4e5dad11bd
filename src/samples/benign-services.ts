/**
 * AWS services acting in the accounts: CloudTrail checking and writing its bucket, a log
 * delivery service that keeps being denied, AWS Config reading bucket settings, and S3
 * lifecycle expiring old backups. High volume, every day, and never an attack.
 */
import { newSession, usualCaller, versionId, type ApiCall, type Session } from './api-call.js';
import { BACKUP_SOURCES, backupKey, objectSize } from './catalog.js';
import { cloudTrailStamp, dayFolder, daysBetween, DAY, HOUR, hoursBetween, MINUTE, spread } from './clock.js';
import { ACCOUNTS, ACTORS, BUCKETS, HOME_REGION, SECOND_REGION, type Bucket } from './org.js';
import { ALNUM, type Random } from './random.js';
import { lifecycleExpiration, s3Call, type S3Api } from './s3-calls.js';
import type { Sim, Workload } from './sim.js';

/** Trails that deliver into the logs bucket, and how often CloudTrail touches it per hour. */
const TRAIL_DELIVERIES = [
  { account: ACCOUNTS.prod.id, region: HOME_REGION, perHour: 1 },
  { account: ACCOUNTS.prod.id, region: SECOND_REGION, perHour: 0.3 },
  { account: ACCOUNTS.analytics.id, region: HOME_REGION, perHour: 0.4 },
];

const cloudTrailService: Workload = (sim, rng) => {
  for (const hour of hoursBetween(sim.start, sim.end)) {
    for (const trail of TRAIL_DELIVERIES) {
      const caller = usualCaller(rng, ACTORS.cloudTrail, null);
      if (rng.chance(trail.perHour * 0.7)) {
        sim.emit(s3Call(rng, { time: hour + rng.int(0, HOUR - 1), caller, api: 'GetBucketAcl', bucket: BUCKETS.logs }));
      }
      if (!rng.chance(trail.perHour)) continue;
      const at = hour + rng.int(0, HOUR - 1);
      const key =
        `AWSLogs/${trail.account}/CloudTrail/${trail.region}/${dayFolder(at)}/` +
        `${trail.account}_CloudTrail_${trail.region}_${cloudTrailStamp(at)}_${rng.chars(16, ALNUM)}.json.gz`;
      const size = rng.int(2_000, 90_000);
      sim.emit(s3Call(rng, { time: at, caller, api: 'PutObject', bucket: BUCKETS.logs, key, size }));
    }
  }
};

/**
 * A VPC flow-log subscription whose destination policy was never fixed: the delivery service
 * is denied on every attempt, all day, every day (like the ~10,000 denials in real lab data).
 */
const deniedLogDelivery: Workload = (sim, rng) => {
  for (const hour of hoursBetween(sim.start, sim.end)) {
    for (const at of spread(rng, hour, HOUR, rng.poisson(3))) {
      const caller = usualCaller(rng, ACTORS.logDelivery, null);
      sim.emit(s3Call(rng, { time: at, caller, api: 'GetBucketAcl', bucket: BUCKETS.logs, errorCode: 'AccessDenied' }));
      if (!rng.chance(0.5)) continue;
      const account = ACCOUNTS.prod.id;
      const file = `${account}_vpcflowlogs_${HOME_REGION}_fl-0c3a7e91d24b58f60_${cloudTrailStamp(at)}_${rng.hex(8)}.log.gz`;
      const key = `AWSLogs/${account}/vpcflowlogs/${HOME_REGION}/${dayFolder(at)}/${file}`;
      sim.emit(
        s3Call(rng, { time: at + 1_000, caller, api: 'PutObject', bucket: BUCKETS.logs, key, errorCode: 'AccessDenied' }),
      );
    }
  }
};

/** Settings AWS Config reads for a bucket, with the answers the buckets' configuration gives. */
const CONFIG_READS: readonly [S3Api, (b: Bucket) => string | undefined][] = [
  ['GetBucketAcl', () => undefined],
  ['GetBucketPolicy', (b) => (b === BUCKETS.backups ? 'NoSuchBucketPolicy' : undefined)],
  ['GetBucketVersioning', () => undefined],
  ['GetBucketLogging', () => undefined],
  ['GetBucketEncryption', () => undefined],
  ['GetBucketPublicAccessBlock', (b) => (b === BUCKETS.website ? 'NoSuchPublicAccessBlockConfiguration' : undefined)],
  ['GetBucketLifecycle', (b) => (b === BUCKETS.data || b === BUCKETS.backups ? undefined : 'NoSuchLifecycleConfiguration')],
  ['GetBucketTagging', () => undefined],
];

const ALL_BUCKETS = [BUCKETS.data, BUCKETS.backups, BUCKETS.logs, BUCKETS.website];

function configSession(rng: Random, at: number): Session {
  return newSession(rng, 'AWSConfig-Describe', at - rng.int(1, 50) * MINUTE);
}

/** AWS Config re-reading one bucket's settings (after a change, or in its periodic sweep). */
export function configReadsOf(rng: Random, at: number, bucket: Bucket, session?: Session): ApiCall[] {
  const s = session ?? configSession(rng, at);
  const calls: ApiCall[] = [];
  let t = at;
  for (const [api, errorOf] of CONFIG_READS) {
    t += rng.int(100, 1500);
    const caller = usualCaller(rng, ACTORS.config, s);
    calls.push(s3Call(rng, { time: t, caller, api, bucket, errorCode: errorOf(bucket) }));
  }
  return calls;
}

/** The evaluation AWS Config runs a few minutes after a bucket's configuration changed. */
export function configFollowUp(sim: Sim, rng: Random, change: ApiCall): void {
  const bucket = change.s3?.bucket;
  if (!bucket || change.errorCode !== null) return;
  for (const c of configReadsOf(rng, change.time + rng.int(2, 6) * MINUTE, bucket)) sim.emit(c);
}

const configSweep: Workload = (sim, rng) => {
  for (const day of daysBetween(sim.start, sim.end)) {
    const at = day + 4 * HOUR + rng.int(0, 50) * MINUTE;
    const session = configSession(rng, at);
    const caller = usualCaller(rng, ACTORS.config, session);
    sim.emit(s3Call(rng, { time: at, caller, api: 'GetAccountPublicAccessBlock' }));
    for (const bucket of ALL_BUCKETS) {
      for (const c of configReadsOf(rng, at + rng.int(5, 120) * 1000, bucket, session)) sim.emit(c);
    }
  }
};

/** Lifecycle rules: backups expire after 35 days, query scratch space after 1 day. */
const lifecycleExpirations: Workload = (sim, rng) => {
  for (const day of daysBetween(sim.start, sim.end)) {
    const expiredDay = day - 35 * DAY;
    const times = spread(rng, day + 5 * MINUTE, 50 * MINUTE, BACKUP_SOURCES.length);
    BACKUP_SOURCES.forEach((source, i) => {
      const key = backupKey(expiredDay, source);
      const caller = usualCaller(rng, ACTORS.lifecycle, null);
      const call = lifecycleExpiration(rng, times[i], caller, BUCKETS.backups, key, objectSize(key, 400_000_000), null);
      call.s3!.operation = 'S3.CREATE.DELETEMARKER';
      sim.emit(call);
      if (i % 3 !== 0) return;
      // With versioning on, the version made noncurrent a week earlier is removed for good.
      const older = backupKey(expiredDay - 7 * DAY, source);
      const expire = usualCaller(rng, ACTORS.lifecycle, null);
      const size = objectSize(older, 400_000_000);
      sim.emit(lifecycleExpiration(rng, times[i] + 2_000, expire, BUCKETS.backups, older, size, versionId(rng)));
    });
    for (const at of spread(rng, day + HOUR, 40 * MINUTE, rng.int(8, 24))) {
      const key = `tmp/athena-results/${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}.csv`;
      const caller = usualCaller(rng, ACTORS.lifecycle, null);
      sim.emit(lifecycleExpiration(rng, at, caller, BUCKETS.data, key, objectSize(key, 60_000, 1.2), null));
    }
  }
};

export const SERVICE_WORKLOADS: readonly (readonly [string, Workload])[] = [
  ['cloudtrail', cloudTrailService],
  ['denied-log-delivery', deniedLogDelivery],
  ['config-sweep', configSweep],
  ['lifecycle', lifecycleExpirations],
];
