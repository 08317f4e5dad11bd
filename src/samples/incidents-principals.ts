/**
 * Incidents for the unusual-principal detector: identities, networks, clients and buckets
 * that the week of history never showed.
 */
import { newSession, tlsTransport, usualCaller, type Caller } from './api-call.js';
import { customerReportKey, exportKey, objectSize } from './catalog.js';
import { DAY, HOUR, isoDate, MINUTE } from './clock.js';
import type { IncidentSpec } from './incidents.js';
import { consoleLogin, managementCall } from './management-calls.js';
import { personCaller } from './benign-people.js';
import { ACCOUNTS, ACTORS, BUCKETS, canonicalPrincipal, PEOPLE, UA, type Actor } from './org.js';
import { listObjects, s3Call } from './s3-calls.js';

const OUTSIDER: Actor = {
  id: 'outsider-sync-agent',
  principal: { kind: 'role', account: ACCOUNTS.outsider, name: 'sync-agent', path: '/', roleId: 'AROA5XQ2MV7TKE3N8BWD' },
  ips: ['192.0.2.213'],
  userAgents: ['Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#6.2.0-39-generic md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57'],
  tls: 'TLSv1.3',
  hostStyle: 'regional',
  inAws: false,
};

const ROOT: Actor = {
  id: 'prod-root',
  principal: { kind: 'root', account: ACCOUNTS.prod },
  ips: ['198.51.100.201'],
  userAgents: [UA.chrome],
  tls: 'TLSv1.3',
  hostStyle: 'regional',
  inAws: false,
};

const foreignAccountRead: IncidentSpec = {
  id: 'up-foreign-account-reads-data',
  detector: 'unusual-principal',
  day: 0,
  inject({ rng, evidence }, day) {
    let t = day + 22 * HOUR + 10 * MINUTE + rng.int(0, 120) * 1000;
    const session = newSession(rng, `sync-${Math.floor(t / 1000)}`, t - 30_000);
    const caller = () => usualCaller(rng, OUTSIDER, session);
    evidence(listObjects(rng, t, caller(), BUCKETS.data, 'reports/'));
    evidence(listObjects(rng, (t += 4_000), caller(), BUCKETS.data, 'exports/analytics/'));
    for (let n = 0; n < 40; n++) {
      const key = n % 3 === 0 ? exportKey(day - rng.int(1, 6) * DAY, rng.int(0, 9)) : customerReportKey(rng, day);
      t += rng.int(10, 50) * 1000;
      evidence(s3Call(rng, { time: t, caller: caller(), api: 'GetObject', bucket: BUCKETS.data, key, size: objectSize(key, 400_000) }));
    }
    return {
      subject: { principal: canonicalPrincipal(OUTSIDER.principal), account: ACCOUNTS.outsider.id, bucket: BUCKETS.data.name },
      description: `A role in account ${ACCOUNTS.outsider.id}, never seen before, lists and downloads 40 reports and exports from the private data bucket at night.`,
    };
  },
};

const anonymousOnPrivateBucket: IncidentSpec = {
  id: 'up-anonymous-reads-backups',
  detector: 'unusual-principal',
  day: 1,
  inject({ rng, evidence }, day) {
    const scanner: Caller = {
      actor: ACTORS.websiteVisitor,
      session: null,
      sourceIp: '203.0.113.77',
      userAgent: 'python-requests/2.31.0',
      transport: tlsTransport(rng, 'TLSv1.2', null),
    };
    let t = day + 10 * HOUR + 40 * MINUTE + rng.int(0, 300) * 1000;
    evidence(listObjects(rng, t, scanner, BUCKETS.backups, '', 'AccessDenied'));
    for (let back = 1; back <= 7; back++) {
      const key = `daily/${isoDate(day - back * DAY)}/manifest.json`;
      t += rng.int(20, 240) * 1000;
      evidence(s3Call(rng, {
        time: t,
        caller: scanner,
        api: 'GetObject',
        bucket: BUCKETS.backups,
        key,
        size: objectSize(key, 4_000, 0.2),
      }));
    }
    for (const guess of ['backup.zip', 'db.sql', 'latest/pg-orders.dump.zst', '.env', 'config.json', 'daily/latest.tar']) {
      t += rng.int(5, 60) * 1000;
      evidence(s3Call(rng, { time: t, caller: scanner, api: 'GetObject', bucket: BUCKETS.backups, key: guess, errorCode: 'AccessDenied' }));
    }
    return {
      subject: { principal: 'anonymous', bucket: BUCKETS.backups.name },
      description: 'Unauthenticated requests from 203.0.113.77 read backup manifests from the backups bucket, which never had anonymous traffic (it was just made public).',
    };
  },
};

const rootActivity: IncidentSpec = {
  id: 'up-root-console-activity',
  detector: 'unusual-principal',
  day: 2,
  inject({ rng, evidence }, day) {
    let t = day + 2 * HOUR + 14 * MINUTE + rng.int(0, 59) * 1000;
    const session = newSession(rng, 'root', t, { console: true });
    const caller = (userAgent: string = UA.console): Caller => ({ ...usualCaller(rng, ROOT, session), userAgent });
    evidence(consoleLogin(rng, t, caller(UA.chrome), false));
    evidence(s3Call(rng, { time: (t += 40_000), caller: caller(), api: 'ListBuckets', size: 1_180 }));
    evidence(s3Call(rng, { time: (t += 25_000), caller: caller(), api: 'GetBucketPolicy', bucket: BUCKETS.data }));
    evidence(s3Call(rng, { time: (t += 18_000), caller: caller(), api: 'GetBucketAcl', bucket: BUCKETS.backups }));
    const iam = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null) =>
      evidence(
        managementCall(rng, {
          time: (t += rng.int(30, 120) * 1000),
          caller: caller(UA.chrome),
          eventSource: 'iam.amazonaws.com',
          eventName,
          endpoint: 'iam.amazonaws.com',
          readOnly: false,
          requestParameters,
          responseElements,
        }),
      );
    const userName = 'svc-maint';
    const userArn = `arn:aws:iam::${ACCOUNTS.prod.id}:user/${userName}`;
    iam('CreateUser', { userName }, { user: { path: '/', userName, userId: 'AIDARJ5Q7QSWIEYHB3YL', arn: userArn, createDate: new Date(t).toUTCString() } });
    iam('AttachUserPolicy', { userName, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, null);
    const accessKey = { userName, accessKeyId: 'AKIARJ5Q76ZCZPNE33FL', status: 'Active', createDate: new Date(t).toUTCString() };
    iam('CreateAccessKey', { userName }, { accessKey });
    return {
      subject: { principal: canonicalPrincipal(ROOT.principal), account: ACCOUNTS.prod.id },
      description: 'The root user signs in to the console at 02:14 without MFA, looks at bucket policies and creates an administrator user with an access key.',
    };
  },
};

const newNetwork: IncidentSpec = {
  id: 'up-etl-role-from-new-network',
  detector: 'unusual-principal',
  day: 1,
  inject({ rng, evidence }, day) {
    const ip = '192.0.2.147';
    let t = day + 19 * HOUR + 30 * MINUTE + rng.int(0, 120) * 1000;
    const session = newSession(rng, `etl-micro-${isoDate(day).replace(/-/g, '')}T18`, day + 18 * HOUR + 3 * MINUTE);
    const caller = (command: string): Caller => ({
      ...usualCaller(rng, ACTORS.etl, session, ip),
      userAgent: `aws-cli/2.15.30 Python/3.11.8 Linux/6.6.15-amd64 exe/x86_64.debian.12 prompt/off command/${command}`,
    });
    evidence(managementCall(rng, {
      time: t,
      caller: caller('sts.get-caller-identity'),
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      endpoint: 'sts.amazonaws.com',
    }));
    evidence(s3Call(rng, { time: (t += 15_000), caller: caller('s3.ls'), api: 'ListBuckets', size: 1_180 }));
    evidence(listObjects(rng, (t += 9_000), caller('s3.ls'), BUCKETS.data, 'curated/'));
    for (let part = 0; part < 12; part++) {
      const key = `curated/revenue/dt=${isoDate(day - DAY)}/part-${String(part % 6).padStart(5, '0')}.snappy.parquet`;
      t += rng.int(3, 20) * 1000;
      evidence(s3Call(rng, {
        time: t,
        caller: caller('s3.cp'),
        api: 'GetObject',
        bucket: BUCKETS.data,
        key,
        size: objectSize(key, 4_000_000, 0.3),
      }));
    }
    return {
      subject: { principal: canonicalPrincipal(ACTORS.etl.principal), source_ip: ip },
      description: 'Session credentials of the ETL role, which only ever ran from 198.51.100.0/24, are used from 192.0.2.147 with the AWS CLI to list buckets and copy curated revenue tables.',
    };
  },
};

const offensiveUserAgent: IncidentSpec = {
  id: 'up-kali-user-agent',
  detector: 'unusual-principal',
  day: 2,
  inject({ rng, evidence }, day) {
    const ip = ACTORS.ciDeployer.ips[1];
    const caller = (): Caller => ({ ...usualCaller(rng, ACTORS.ciDeployer, null, ip), userAgent: UA.kali });
    let t = day + 13 * HOUR + 30 * MINUTE + rng.int(0, 120) * 1000;
    evidence(s3Call(rng, { time: t, caller: caller(), api: 'ListBuckets', size: 1_180 }));
    for (const api of ['GetBucketPolicy', 'GetBucketAcl', 'GetBucketVersioning', 'GetBucketLocation'] as const) {
      evidence(s3Call(rng, { time: (t += rng.int(4, 30) * 1000), caller: caller(), api, bucket: BUCKETS.website }));
    }
    evidence(listObjects(rng, (t += 12_000), caller(), BUCKETS.website, ''));
    evidence(listObjects(rng, (t += 7_000), caller(), BUCKETS.website, 'assets/'));
    return {
      subject: { principal: canonicalPrincipal(ACTORS.ciDeployer.principal), source_ip: ip },
      description: 'The ci-deployer access key is used with a Kali Linux AWS CLI build to enumerate buckets and the website bucket settings.',
    };
  },
};

const newBucketForPrincipal: IncidentSpec = {
  id: 'up-readonly-role-on-backups',
  detector: 'unusual-principal',
  day: 0,
  inject({ rng, evidence }, day) {
    const person = PEOPLE.carol;
    let t = day + 15 * HOUR + 20 * MINUTE + rng.int(0, 120) * 1000;
    const session = newSession(rng, person.session, t - 40 * MINUTE, { console: true });
    const caller = () => personCaller(rng, person, session);
    evidence(s3Call(rng, { time: t, caller: caller(), api: 'GetBucketLocation', bucket: BUCKETS.backups }));
    evidence(listObjects(rng, (t += 6_000), caller(), BUCKETS.backups, ''));
    evidence(listObjects(rng, (t += 9_000), caller(), BUCKETS.backups, 'daily/'));
    for (const back of [1, 2, 3]) {
      const key = `daily/${isoDate(day - back * DAY)}/manifest.json`;
      evidence(s3Call(rng, {
        time: (t += rng.int(20, 90) * 1000),
        caller: caller(),
        api: 'GetObject',
        bucket: BUCKETS.backups,
        key,
        size: objectSize(key, 4_000, 0.2),
      }));
    }
    return {
      subject: { principal: canonicalPrincipal(person.actor.principal), bucket: BUCKETS.backups.name },
      description: 'The read-only SSO role, used only on the data and website buckets so far, browses the backups bucket and downloads backup manifests.',
    };
  },
};

export const PRINCIPAL_INCIDENTS: readonly IncidentSpec[] = [
  foreignAccountRead,
  anonymousOnPrivateBucket,
  rootActivity,
  newNetwork,
  offensiveUserAgent,
  newBucketForPrincipal,
];
