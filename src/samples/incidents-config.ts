/**
 * Incidents for the s3-config-change detector: CloudTrail management events that undo the S3
 * security checklist. The story: on day 0 a policy edit drops the TLS-only deny and the
 * analytics trail stops logging S3 data events; on day 1 the backups bucket is made public;
 * in the night of day 2 a stolen administrator session strips the data and backups buckets'
 * defences and stops the trail, until Alice restores everything in the morning (controls.ts).
 */
import { newSession, type ApiCall, type Caller, type Session } from './api-call.js';
import { configFollowUp } from './benign-services.js';
import { personCaller } from './benign-people.js';
import { HOUR, MINUTE } from './clock.js';
import {
  bucketPolicy,
  deleteBucketEncryption,
  deleteBucketPublicAccessBlock,
  putAccountPublicAccessBlock,
  putBucketLifecycle,
  putBucketLogging,
  putBucketPolicy,
  putBucketVersioning,
  putEventSelectors,
  statements,
  trailLogging,
} from './config-changes.js';
import type { IncidentContext, IncidentSpec, LabelSubject } from './incidents.js';
import { ACCOUNTS, ACTORS, BUCKETS, canonicalPrincipal, PEOPLE, TRAILS, UA, type Bucket, type Person } from './org.js';
import type { Random } from './random.js';

/** Time of day (on incident day 2) when the trail is restarted and the damage repaired. */
export const TRAIL_RESTART_AT = 6 * HOUR + 15 * MINUTE;
export const RESTORE_AT = 9 * HOUR + 20 * MINUTE;

const ADMIN = canonicalPrincipal(ACTORS.admin.principal);

function consoleCaller(rng: Random, person: Person, session: Session): Caller {
  return personCaller(rng, person, session, UA.console);
}

function cliCaller(rng: Random, person: Person, session: Session, command: string): Caller {
  return personCaller(rng, person, session, UA.cliAdmin.replace('sts.get-caller-identity', command));
}

/** A session several incidents share (the same access key in all their events). */
export function sharedSession(ctx: IncidentContext, label: string, person: Person, createdAt: number, console: boolean): Session {
  return newSession(ctx.shared.fork(label), person.session, createdAt, { console });
}

/** Bob's CLI session as the intruder uses it in the night of day 2. */
export function stolenSession(ctx: IncidentContext, day: number): Session {
  return sharedSession(ctx, 'stolen-night-session', PEOPLE.bob, day + 2 * HOUR + 48 * MINUTE, false);
}

const aliceMorningSession = (ctx: IncidentContext, day: number): Session =>
  sharedSession(ctx, 'alice-day-1', PEOPLE.alice, day + 8 * HOUR + 50 * MINUTE, true);

function change(ctx: IncidentContext, call: ApiCall): void {
  ctx.evidence(call);
  configFollowUp(ctx.sim, ctx.rng, call);
}

const bucketSubject = (bucket: Bucket): LabelSubject => ({ principal: ADMIN, bucket: bucket.name, account: ACCOUNTS.prod.id });

const tlsDenyRemoved: IncidentSpec = {
  id: 'cc-data-policy-drops-tls-deny',
  detector: 's3-config-change',
  day: 0,
  inject(ctx, day) {
    const { rng } = ctx;
    const at = day + 16 * HOUR + 40 * MINUTE + rng.int(0, 300) * 1000;
    const session = newSession(rng, PEOPLE.bob.session, at - 35 * MINUTE, { console: true });
    const policy = bucketPolicy(statements.analyticsExports(BUCKETS.data), statements.readThroughVpcEndpoint(BUCKETS.data));
    change(ctx, putBucketPolicy(rng, at, consoleCaller(rng, PEOPLE.bob, session), BUCKETS.data, policy));
    return {
      subject: bucketSubject(BUCKETS.data),
      description: 'A new policy on the data bucket keeps the partner and VPC-endpoint grants but no longer has the aws:SecureTransport deny statement.',
    };
  },
};

const analyticsTrailDropsS3: IncidentSpec = {
  id: 'cc-analytics-trail-drops-s3-data-events',
  detector: 's3-config-change',
  day: 0,
  inject(ctx, day) {
    const { rng } = ctx;
    const at = day + 18 * HOUR + rng.int(0, 600) * 1000;
    const person: Person = { ...PEOPLE.alice, actor: ACTORS.analyticsAdmin, ips: [PEOPLE.alice.ips[0]] };
    const session = newSession(rng, person.session, at - 20 * MINUTE, { console: true });
    ctx.evidence(putEventSelectors(rng, at, personCaller(rng, person, session, UA.firefox), TRAILS.analytics, false));
    ctx.effects.requesterDataEventsUntil.set(ACCOUNTS.analytics.id, at);
    return {
      subject: { principal: canonicalPrincipal(ACTORS.analyticsAdmin.principal), account: ACCOUNTS.analytics.id },
      description: 'The analytics trail event selectors are replaced with an empty S3 data resource list: its S3 data events stop.',
    };
  },
};

const accountBlockPublicAccessOff: IncidentSpec = {
  id: 'cc-account-public-access-block-off',
  detector: 's3-config-change',
  day: 1,
  inject(ctx, day) {
    const { rng } = ctx;
    const at = day + 9 * HOUR + 58 * MINUTE + rng.int(0, 50) * 1000;
    const session = aliceMorningSession(ctx, day);
    ctx.evidence(putAccountPublicAccessBlock(rng, at, consoleCaller(rng, PEOPLE.alice, session), false));
    return {
      subject: { principal: ADMIN, account: ACCOUNTS.prod.id },
      description: 'Account-level S3 Block Public Access is switched off (all four settings false).',
    };
  },
};

const bucketBlockPublicAccessDeleted: IncidentSpec = {
  id: 'cc-backups-public-access-block-deleted',
  detector: 's3-config-change',
  day: 1,
  inject(ctx, day) {
    const { rng } = ctx;
    const at = day + 10 * HOUR + 2 * MINUTE + rng.int(0, 50) * 1000;
    const session = aliceMorningSession(ctx, day);
    change(ctx, deleteBucketPublicAccessBlock(rng, at, consoleCaller(rng, PEOPLE.alice, session), BUCKETS.backups));
    return {
      subject: bucketSubject(BUCKETS.backups),
      description: 'The public access block of the backups bucket is deleted.',
    };
  },
};

const backupsMadePublic: IncidentSpec = {
  id: 'cc-backups-policy-public-read',
  detector: 's3-config-change',
  day: 1,
  inject(ctx, day) {
    const { rng } = ctx;
    const at = day + 10 * HOUR + 5 * MINUTE + rng.int(0, 50) * 1000;
    const session = aliceMorningSession(ctx, day);
    const policy = bucketPolicy(statements.publicRead(BUCKETS.backups));
    change(ctx, putBucketPolicy(rng, at, consoleCaller(rng, PEOPLE.alice, session), BUCKETS.backups, policy));
    return {
      subject: bucketSubject(BUCKETS.backups),
      description: 'The backups bucket gets a policy allowing s3:GetObject to Principal "*" with no condition.',
    };
  },
};

/** One of the intruder's changes in the night of day 2, made with Bob's stolen CLI session. */
function nightChange(
  id: string,
  minuteOfNight: number,
  description: string,
  bucket: Bucket | null,
  build: (rng: Random, at: number, caller: Caller) => ApiCall,
  command: string,
  after?: (ctx: IncidentContext, at: number, day: number) => void,
): IncidentSpec {
  return {
    id,
    detector: 's3-config-change',
    day: 2,
    inject(ctx, day) {
      const { rng } = ctx;
      const at = day + minuteOfNight * MINUTE + rng.int(0, 40) * 1000;
      const call = build(rng, at, cliCaller(rng, PEOPLE.bob, stolenSession(ctx, day), command));
      change(ctx, call);
      after?.(ctx, at, day);
      return { subject: bucket ? bucketSubject(bucket) : { principal: ADMIN, account: ACCOUNTS.prod.id }, description };
    },
  };
}

const nightOfDayTwo: IncidentSpec[] = [
  nightChange(
    'cc-data-encryption-deleted',
    3 * 60 + 5,
    'Default encryption of the data bucket is deleted.',
    BUCKETS.data,
    (rng, at, caller) => deleteBucketEncryption(rng, at, caller, BUCKETS.data),
    's3api.delete-bucket-encryption',
  ),
  nightChange(
    'cc-data-access-logging-disabled',
    3 * 60 + 8,
    'Server access logging of the data bucket is turned off (empty BucketLoggingStatus); its access logs stop until the morning.',
    BUCKETS.data,
    (rng, at, caller) => putBucketLogging(rng, at, caller, BUCKETS.data, false),
    's3api.put-bucket-logging',
    (ctx, at, day) => ctx.effects.accessLogGaps.push({ bucket: BUCKETS.data.name, start: at + 12 * MINUTE, end: day + RESTORE_AT + 8 * MINUTE }),
  ),
  nightChange(
    'cc-backups-versioning-suspended',
    4 * 60,
    'Versioning of the backups bucket is suspended, so deletes become permanent.',
    BUCKETS.backups,
    (rng, at, caller) => putBucketVersioning(rng, at, caller, BUCKETS.backups, 'Suspended'),
    's3api.put-bucket-versioning',
  ),
  nightChange(
    'cc-backups-lifecycle-expire-all',
    4 * 60 + 2,
    'A lifecycle rule with an empty prefix expires every object of the backups bucket after one day.',
    BUCKETS.backups,
    (rng, at, caller) => putBucketLifecycle(rng, at, caller, BUCKETS.backups, { id: 'cleanup', prefix: '', expirationDays: 1 }),
    's3api.put-bucket-lifecycle-configuration',
  ),
  nightChange(
    'cc-org-trail-stopped',
    5 * 60 + 30,
    'Logging of the organisation trail is stopped; nothing is recorded until it is restarted at 06:15.',
    null,
    (rng, at, caller) => trailLogging(rng, at, caller, TRAILS.prod, 'StopLogging'),
    'cloudtrail.stop-logging',
    (ctx, at, day) => ctx.effects.cloudTrailGaps.push({ accountId: ACCOUNTS.prod.id, start: at + 1, end: day + TRAIL_RESTART_AT }),
  ),
];

export const CONFIG_INCIDENTS: readonly IncidentSpec[] = [
  tlsDenyRemoved,
  analyticsTrailDropsS3,
  accountBlockPublicAccessOff,
  bucketBlockPublicAccessDeleted,
  backupsMadePublic,
  ...nightOfDayTwo,
];
