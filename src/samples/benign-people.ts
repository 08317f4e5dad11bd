/**
 * People at work: administrators and read-only analysts signing in to the console on working
 * days and looking around S3, an administrator's CLI in the second region, and the analytics
 * account's own management activity.
 */
import { newSession, tlsTransport, type ApiCall, type Caller, type Session } from './api-call.js';
import { customerReportKey, curatedKey, objectSize } from './catalog.js';
import { daysBetween, HOUR, isWeekend, MINUTE, spread } from './clock.js';
import { consoleLogin, managementCall } from './management-calls.js';
import { ACCOUNTS, ACTORS, BUCKETS, PEOPLE, SECOND_REGION, UA, type Bucket, type Person } from './org.js';
import type { Random } from './random.js';
import { listObjects, s3Call, type S3Api } from './s3-calls.js';
import type { Sim, Workload } from './sim.js';

export function personCaller(rng: Random, person: Person, session: Session | null, userAgent: string = UA.console): Caller {
  return {
    actor: person.actor,
    session,
    sourceIp: rng.weighted(person.ips.map((ip, i) => [ip, i === 0 ? 3 : 1] as const)),
    userAgent,
    transport: tlsTransport(rng, 'TLSv1.3'),
  };
}

/** Signs a person in to the console: the ConsoleLogin event and the console session it opens. */
export function signIn(sim: Sim, rng: Random, person: Person, at: number): Session {
  const session = newSession(rng, person.session, at, { console: true });
  sim.emit(consoleLogin(rng, at, personCaller(rng, person, session, UA.firefox), false));
  return session;
}

type ConsoleAction = (rng: Random, at: number, caller: Caller, bucket: Bucket) => ApiCall;

const bucketRead =
  (api: S3Api, errorFor?: (b: Bucket) => string | undefined): ConsoleAction =>
  (rng, time, caller, bucket) =>
    s3Call(rng, { time, caller, api, bucket, errorCode: errorFor?.(bucket) });

const CONSOLE_ACTIONS: readonly (readonly [ConsoleAction, number])[] = [
  [(rng, time, caller) => s3Call(rng, { time, caller, api: 'ListBuckets', size: rng.int(900, 1400) }), 3],
  [bucketRead('GetBucketLocation'), 2],
  [(rng, time, caller, bucket) => listObjects(rng, time, caller, bucket, ''), 3],
  [bucketRead('GetBucketPolicy', (b) => (b === BUCKETS.backups ? 'NoSuchBucketPolicy' : undefined)), 2],
  [bucketRead('GetBucketVersioning'), 1],
  [bucketRead('GetBucketEncryption'), 1],
  [bucketRead('GetBucketPublicAccessBlock', (b) => (b === BUCKETS.website ? 'NoSuchPublicAccessBlockConfiguration' : undefined)), 1],
  [bucketRead('GetBucketAcl'), 1],
  [bucketRead('GetBucketLogging'), 1],
  [bucketRead('GetBucketTagging'), 1],
];

/** A person's working day in the S3 console, limited to the buckets they look after. */
function consoleDay(sim: Sim, rng: Random, person: Person, day: number, buckets: readonly Bucket[], actions: number): Session {
  const login = day + 8 * HOUR + rng.int(15, 100) * MINUTE;
  const session = signIn(sim, rng, person, login);
  const times = spread(rng, login + MINUTE, day + 17 * HOUR + 30 * MINUTE - login, rng.poisson(actions));
  for (const at of times) {
    const caller = personCaller(rng, person, session);
    const bucket = rng.pick(buckets);
    if (rng.chance(0.3) && bucket === BUCKETS.data) {
      const key = rng.chance(0.5) ? customerReportKey(rng, at) : curatedKey(at - 2 * 86_400_000, 'revenue', 0);
      sim.emit(s3Call(rng, { time: at, caller, api: 'GetObject', bucket, key, size: objectSize(key, 500_000) }));
      continue;
    }
    sim.emit(rng.weighted(CONSOLE_ACTIONS)(rng, at, caller, bucket));
  }
  return session;
}

const ADMIN_BUCKETS = [BUCKETS.data, BUCKETS.backups, BUCKETS.website, BUCKETS.logs];
const ANALYST_BUCKETS = [BUCKETS.data, BUCKETS.website];

const administrators: Workload = (sim, rng) => {
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day)) continue;
    for (const person of [PEOPLE.alice, PEOPLE.bob]) {
      if (!rng.chance(0.85)) continue;
      const session = consoleDay(sim, rng, person, day, ADMIN_BUCKETS, 10);
      if (!rng.chance(0.3)) continue;
      // Tidying up query scratch space now and then: administrators do delete.
      const at = day + rng.int(12, 16) * HOUR + rng.int(0, 59) * MINUTE;
      for (let n = 0; n < rng.int(1, 4); n++) {
        const key = `tmp/scratch/${person.session.split('@')[0]}-${rng.hex(8)}.csv`;
        sim.emit(s3Call(rng, {
          time: at + n * 7_000,
          caller: personCaller(rng, person, session),
          api: 'DeleteObject',
          bucket: BUCKETS.data,
          key,
        }));
      }
    }
  }
};

const analysts: Workload = (sim, rng) => {
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day)) continue;
    for (const person of [PEOPLE.carol, PEOPLE.dave]) {
      if (rng.chance(0.7)) consoleDay(sim, rng, person, day, ANALYST_BUCKETS, 6);
    }
  }
};

/** Bob keeps an eye on the EC2 fleet in the second region from his CLI. */
const secondRegionCli: Workload = (sim, rng) => {
  const person = PEOPLE.bob;
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day) || !rng.chance(0.6)) continue;
    const at = day + rng.int(9, 16) * HOUR + rng.int(0, 59) * MINUTE;
    const session = newSession(rng, person.session, at - rng.int(5, 60) * MINUTE);
    const cli = (command: string) => personCaller(rng, person, session, UA.cliAdmin.replace('sts.get-caller-identity', command));
    sim.emit(
      managementCall(rng, {
        time: at,
        caller: cli('sts.get-caller-identity'),
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        region: SECOND_REGION,
      }),
    );
    let t = at;
    for (let n = 0; n < rng.int(1, 3); n++) {
      sim.emit(
        managementCall(rng, {
          time: (t += rng.int(20, 300) * 1000),
          caller: cli('ec2.describe-instances'),
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstances',
          region: SECOND_REGION,
          requestParameters: { instancesSet: {}, filterSet: { items: [{ name: 'tag:env', valueSet: { items: [{ value: 'dr' }] } }] } },
        }),
      );
    }
  }
};

/** The analytics account's administrators sign in most working days and check their buckets. */
const analyticsAccount: Workload = (sim, rng) => {
  for (const day of daysBetween(sim.start, sim.end)) {
    if (isWeekend(day) || !rng.chance(0.7)) continue;
    const person: Person = { ...PEOPLE.alice, actor: ACTORS.analyticsAdmin, ips: [PEOPLE.alice.ips[0]] };
    const at = day + rng.int(9, 15) * HOUR + rng.int(0, 59) * MINUTE;
    const session = signIn(sim, rng, person, at);
    const caller = personCaller(rng, person, session);
    sim.emit(s3Call(rng, { time: at + rng.int(20, 90) * 1000, caller, api: 'ListBuckets', size: 620 }));
    sim.emit(
      managementCall(rng, {
        time: at + rng.int(100, 400) * 1000,
        caller,
        eventSource: 'lambda.amazonaws.com',
        eventName: 'ListFunctions20150331',
        endpoint: 'lambda.us-east-1.amazonaws.com',
        recipientAccountId: ACCOUNTS.analytics.id,
      }),
    );
  }
};

export const PEOPLE_WORKLOADS: readonly (readonly [string, Workload])[] = [
  ['administrators', administrators],
  ['analysts', analysts],
  ['second-region-cli', secondRegionCli],
  ['analytics-account', analyticsAccount],
];
