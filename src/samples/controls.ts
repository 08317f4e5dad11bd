/**
 * Configuration changes that must NOT be reported (unlabelled negative controls): routine
 * changes during the baseline week, a `Principal: "*"` grant restricted to a VPC endpoint,
 * policy edits that keep the TLS-only deny, and the morning repair after the incidents.
 */
import { newSession, type ApiCall } from './api-call.js';
import { configFollowUp } from './benign-services.js';
import { personCaller } from './benign-people.js';
import { DAY, HOUR, MINUTE } from './clock.js';
import {
  bucketPolicy,
  putAccountPublicAccessBlock,
  putBucketEncryption,
  putBucketLifecycle,
  putBucketLogging,
  putBucketPolicy,
  putBucketPublicAccessBlock,
  putBucketTagging,
  putBucketVersioning,
  statements,
  trailLogging,
} from './config-changes.js';
import { incidentDay } from './incidents.js';
import { RESTORE_AT, TRAIL_RESTART_AT } from './incidents-config.js';
import { BUCKETS, PEOPLE, TRAILS, UA, type Person } from './org.js';
import type { Random } from './random.js';
import type { Sim } from './sim.js';

type ChangeBuilder = (caller: ReturnType<typeof personCaller>, at: number) => ApiCall;

function consoleChanges(sim: Sim, rng: Random, person: Person, at: number, builders: readonly ChangeBuilder[]): void {
  const session = newSession(rng, person.session, at - rng.int(10, 40) * MINUTE, { console: true });
  let t = at;
  const lastChangeOf = new Map<string, ApiCall>();
  for (const build of builders) {
    const call = build(personCaller(rng, person, session, UA.console), t);
    sim.emit(call);
    lastChangeOf.set(call.s3?.bucket?.name ?? '', call);
    t += rng.int(40, 180) * 1000;
  }
  // AWS Config records a burst of changes to one bucket as one configuration item.
  for (const call of lastChangeOf.values()) configFollowUp(sim, rng, call);
}

const dataPolicyWithTlsDeny = () =>
  bucketPolicy(
    statements.denyInsecureTransport(BUCKETS.data),
    statements.analyticsExports(BUCKETS.data),
    statements.readThroughVpcEndpoint(BUCKETS.data),
  );

export function injectControls(sim: Sim, rng: Random, start: number, days: number): void {
  const firstIncidentDay = incidentDay(start, days, 0);
  const routine: readonly [number, Person, ChangeBuilder][] = [
    [DAY + 11 * HOUR, PEOPLE.alice, (c, t) => putBucketTagging(rng, t, c, BUCKETS.website, { team: 'marketing', 'cost-center': 'cc-2040' })],
    [2 * DAY + 14 * HOUR, PEOPLE.bob, (c, t) => putBucketVersioning(rng, t, c, BUCKETS.data, 'Enabled')],
    [3 * DAY + 10 * HOUR, PEOPLE.alice, (c, t) => putBucketPublicAccessBlock(rng, t, c, BUCKETS.logs, true)],
    [4 * DAY + 15 * HOUR, PEOPLE.bob, (c, t) => putBucketEncryption(rng, t, c, BUCKETS.backups)],
  ];
  for (const [offset, person, build] of routine) {
    const at = start + offset + rng.int(0, 40) * MINUTE;
    if (at < firstIncidentDay) consoleChanges(sim, rng, person, at, [build]);
  }

  // Day 0, morning: a grant to "*" that only the VPC endpoint can use, TLS deny kept.
  const day0 = incidentDay(start, days, 0);
  consoleChanges(sim, rng, PEOPLE.bob, day0 + 9 * HOUR + 30 * MINUTE, [
    (c, t) => putBucketPolicy(rng, t, c, BUCKETS.data, dataPolicyWithTlsDeny()),
  ]);

  // Day 2: Alice restarts the trail, then repairs both buckets and the account setting.
  const day2 = incidentDay(start, days, 2);
  consoleChanges(sim, rng, PEOPLE.alice, day2 + TRAIL_RESTART_AT, [
    (c, t) => trailLogging(rng, t, { ...c, userAgent: UA.firefox }, TRAILS.prod, 'StartLogging'),
  ]);
  consoleChanges(sim, rng, PEOPLE.alice, day2 + RESTORE_AT, [
    (c, t) => putBucketLogging(rng, t, c, BUCKETS.data, true),
    (c, t) => putBucketEncryption(rng, t, c, BUCKETS.data),
    (c, t) => putBucketPolicy(rng, t, c, BUCKETS.data, dataPolicyWithTlsDeny()),
    (c, t) => putBucketVersioning(rng, t, c, BUCKETS.backups, 'Enabled'),
    (c, t) => putBucketLifecycle(rng, t, c, BUCKETS.backups, { id: 'expire-daily-backups', prefix: 'daily/', expirationDays: 35, noncurrentDays: 7 }),
    (c, t) => putBucketPolicy(rng, t, c, BUCKETS.backups, bucketPolicy(statements.denyInsecureTransport(BUCKETS.backups))),
    (c, t) => putBucketPublicAccessBlock(rng, t, c, BUCKETS.backups, true),
    (c, t) => putAccountPublicAccessBlock(rng, t, c, true),
  ]);
}
