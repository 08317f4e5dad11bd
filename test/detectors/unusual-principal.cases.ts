/**
 * unusual-principal cases: eight days of a known workload (the learning period is seven), then
 * something new on day 8. Times are in March 2026; day 0 is 2026-03-01.
 */
import type { CaseObject, DetectorCase } from './case.js';
import { ACCOUNT, DAY, HOUR, OTHER_ACCOUNT, anonymous, ct, role, root, sal, service, user, type CtInput, type Identity, type Json, type SalInput } from './events.js';

export const START = Date.parse('2026-03-01T00:00:00Z');
export const at = (day: number, hour = 12, minute = 0): Date => new Date(START + day * DAY + hour * HOUR + minute * 60_000);

export const reader = role('AppReader');
export const partner = role('Partner', 'ext-1', OTHER_ACCOUNT);
export const KALI_UA = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off command/s3.cp';

const HOURS = [3, 9, 14, 20];

/** CloudTrail records of `who` on each of `days` days from `from`, four a day. */
export function ctDays(days: number, input: CtInput = {}, from = 0): Json[] {
  const out: Json[] = [];
  for (let d = from; d < from + days; d++) for (const h of HOURS) out.push(ct({ who: reader, ...input, time: at(d, h) }));
  return out;
}

/** Access-log lines of `who` on each of `days` days from `from`, four a day. */
export function salDays(days: number, input: SalInput = {}, from = 0): string[] {
  const out: string[] = [];
  for (let d = from; d < from + days; d++) for (const h of HOURS) out.push(sal({ who: reader, ...input, time: at(d, h) }));
  return out;
}

/** Eight days of the known reader on data-bucket, in CloudTrail. */
export const ctHistory: CaseObject = { uri: 'case://ct/history.json', cloudtrail: ctDays(8) };
/** The same requests as seen by the access logs. */
export const salHistory: CaseObject = { uri: 'case://sal/history', s3access: salDays(8) };

const reads = (who: Identity, day: number, n: number, extra: CtInput = {}): Json[] =>
  Array.from({ length: n }, (_, k) => ct({ who, time: at(day, 10, k * 5), ip: '198.51.100.20', ...extra }));

export const cases: DetectorCase[] = [
  {
    name: 'a principal of another account reads the bucket after 8 days of history (new-principal + cross-account)',
    objects: [ctHistory, { uri: 'case://ct/day8.json', cloudtrail: reads(partner, 8, 5) }],
    expect: [
      { kind: 'new-principal', severity: 'high', subject: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Partner`, account: ACCOUNT }, observed: { requests: 5, buckets: 1 } },
      { kind: 'cross-account', severity: 'high', subject: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Partner`, bucket: 'data-bucket', account: ACCOUNT }, observed: { principal_account: OTHER_ACCOUNT } },
    ],
  },
  {
    name: 'the same request in CloudTrail and in the access logs is counted once',
    objects: [
      ctHistory,
      salHistory,
      { uri: 'case://ct/day8.json', cloudtrail: reads(partner, 8, 5) },
      { uri: 'case://sal/day8', s3access: Array.from({ length: 5 }, (_, k) => sal({ who: partner, time: at(8, 10, k * 5), ip: '198.51.100.20' })) },
    ],
    expect: [
      { kind: 'new-principal', severity: 'high', observed: { requests: 5 } },
      { kind: 'cross-account', severity: 'high', observed: { requests: 5 } },
    ],
  },
  {
    name: 'everything inside the learning period: no first-seen findings',
    objects: [{ uri: 'case://ct/history.json', cloudtrail: ctDays(3) }, { uri: 'case://ct/day3.json', cloudtrail: reads(partner, 3, 5) }],
    expect: [],
  },
  {
    name: 'another account that was only denied is one step less severe',
    objects: [ctHistory, { uri: 'case://ct/day8.json', cloudtrail: reads(partner, 8, 3, { errorCode: 'AccessDenied' }) }],
    expect: [
      { kind: 'new-principal', severity: 'medium', summaryContains: 'all failed' },
      { kind: 'cross-account', severity: 'medium' },
    ],
  },
  {
    name: 'an account-level identity (AWSAccount) of another account is cross-account, not root activity',
    objects: [
      ctHistory,
      {
        uri: 'case://ct/day8.json',
        cloudtrail: reads({ userIdentity: { type: 'AWSAccount', principalId: 'AIDAEXTERNAL', accountId: OTHER_ACCOUNT }, requester: '-' }, 8, 2),
      },
    ],
    expect: [
      { kind: 'new-principal', subject: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:root` } },
      { kind: 'cross-account', subject: { principal: `arn:aws:iam::${OTHER_ACCOUNT}:root`, bucket: 'data-bucket' } },
    ],
  },
  {
    name: 'access logs only: another account is cross-account when ownAccounts names ours',
    objects: [salHistory, { uri: 'case://sal/day8', s3access: [sal({ who: partner, time: at(8, 10), ip: '198.51.100.20' })] }],
    tunables: { ownAccounts: [ACCOUNT] },
    expect: [
      { kind: 'new-principal', severity: 'high' },
      { kind: 'cross-account', severity: 'high', subject: { bucket: 'data-bucket', account: ACCOUNT } },
    ],
  },
  {
    name: 'a known principal on a bucket it never used (medium)',
    objects: [ctHistory, { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: reader, time: at(8, 11), bucket: 'hr-exports', key: 'salaries.csv' })] }],
    expect: [{ kind: 'new-bucket-for-principal', severity: 'medium', subject: { principal: `arn:aws:iam::${ACCOUNT}:role/AppReader`, bucket: 'hr-exports' } }],
  },
  {
    name: 'a reader that starts changing bucket policies: new action class (medium)',
    objects: [
      ctHistory,
      {
        uri: 'case://ct/day8.json',
        cloudtrail: [ct({ who: reader, time: at(8, 11), eventName: 'PutBucketPolicy', requestParameters: { bucketName: 'data-bucket', policy: '' } })],
      },
    ],
    expect: [{ kind: 'new-action-class', severity: 'medium', subject: { action_class: 'permissions' }, summaryContains: 'PutBucketPolicy' }],
  },
  {
    name: 'anonymous access to a private bucket (high)',
    objects: [
      { uri: 'case://sal/history', s3access: salDays(8, { bucket: 'private-bucket' }) },
      { uri: 'case://sal/day8', s3access: [0, 1, 2].map((k) => sal({ who: anonymous, bucket: 'private-bucket', time: at(8, 2, k), ip: '203.0.113.9', userAgent: 'curl/8.5.0' })) },
    ],
    expect: [{ kind: 'anonymous-access', severity: 'high', subject: { principal: 'anonymous', bucket: 'private-bucket' }, observed: { requests: 3, failed: 0 } }],
  },
  {
    name: 'anonymous probes of a private bucket that were all denied (low)',
    objects: [
      { uri: 'case://sal/history', s3access: salDays(8, { bucket: 'private-bucket' }) },
      {
        uri: 'case://sal/day8',
        s3access: [0, 1, 2, 3].map((k) => sal({ who: anonymous, bucket: 'private-bucket', time: at(8, 2, k), ip: `203.0.113.${k + 1}`, errorCode: 'AccessDenied', status: 403 })),
      },
    ],
    expect: [{ kind: 'anonymous-access', severity: 'low', observed: { requests: 4, failed: 4 } }],
  },
  {
    name: 'a public website bucket with anonymous traffic in its history: anonymous visitors are normal',
    objects: [
      { uri: 'case://sal/history', s3access: salDays(8, { who: anonymous, bucket: 'www-site', operation: 'WEBSITE.GET.OBJECT', key: 'index.html', ip: '192.0.2.77' }) },
      {
        uri: 'case://sal/day8',
        s3access: [1, 2, 3].map((k) => sal({ who: anonymous, bucket: 'www-site', operation: 'WEBSITE.GET.OBJECT', key: 'index.html', time: at(8, k), ip: `198.51.${k}.${k}` })),
      },
    ],
    expect: [],
  },
  {
    name: 'root console sign-in and an S3 call on the first day: one root finding',
    objects: [
      {
        uri: 'case://ct/day0.json',
        cloudtrail: [
          ct({ who: root(), time: at(0, 8), eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn', requestParameters: null, ip: '198.51.100.99' }),
          ct({ who: root(), time: at(0, 8, 5), eventName: 'ListBuckets', requestParameters: { Host: 's3.amazonaws.com' }, ip: '198.51.100.99' }),
        ],
      },
    ],
    expect: [{ kind: 'root-activity', severity: 'high', subject: { principal: `arn:aws:iam::${ACCOUNT}:root` }, observed: { requests: 2 } }],
  },
  {
    name: 'root reading an object, seen in the access logs only',
    objects: [salHistory, { uri: 'case://sal/day8', s3access: [sal({ who: root(), time: at(8, 4), key: 'backups/db.dump' })] }],
    expect: [{ kind: 'root-activity', severity: 'high', subject: { principal: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT } }],
  },
  {
    name: 'a Kali Linux user agent, even on the first day (medium)',
    objects: [{ uri: 'case://ct/day0.json', cloudtrail: [0, 1, 2].map((k) => ct({ who: user('dev'), time: at(0, 15, k), eventName: 'ListBuckets', userAgent: KALI_UA, requestParameters: { Host: 's3.amazonaws.com' } })) }],
    expect: [{ kind: 'offensive-user-agent', severity: 'medium', subject: { principal: `arn:aws:iam::${ACCOUNT}:user/dev`, ua_family: 'kali' }, observed: { requests: 3 } }],
  },
  {
    name: 'a Parrot OS user agent in the access logs',
    objects: [{ uri: 'case://sal/day0', s3access: [sal({ who: reader, time: at(0, 1), userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0-13parrot1-amd64 lang/python#3.11.2' })] }],
    expect: [{ kind: 'offensive-user-agent', subject: { ua_family: 'parrot' } }],
  },
  {
    name: 'a known principal from a new /24 (low)',
    objects: [ctHistory, { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: reader, time: at(8, 9), ip: '203.0.113.7' }), ct({ who: reader, time: at(8, 9, 30), ip: '203.0.113.8' })] }],
    expect: [{ kind: 'new-source-network', severity: 'low', subject: { network: '203.0.113.0/24' }, observed: { requests: 2, source_ips: 2 } }],
  },
  {
    name: 'a known principal from another address in a known /24: nothing',
    objects: [ctHistory, { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: reader, time: at(8, 9), ip: '192.0.2.200' })] }],
    expect: [],
  },
  {
    name: 'a known principal from a new IPv6 /48 (low)',
    objects: [
      { uri: 'case://ct/history.json', cloudtrail: ctDays(8, { ip: '2001:db8:aaaa:1::10' }) },
      { uri: 'case://ct/day8.json', cloudtrail: [ct({ who: reader, time: at(8, 9), ip: '2001:db8:aaaa:2::10' }), ct({ who: reader, time: at(8, 10), ip: '2001:db8:bbbb::1' })] },
    ],
    expect: [{ kind: 'new-source-network', severity: 'low', subject: { network: '2001:db8:bbbb::/48' } }],
  },
  {
    name: 'delivery.logs.amazonaws.com denied from many addresses: an AWS service, not an attack',
    objects: [
      ctHistory,
      salHistory,
      {
        uri: 'case://ct/day8.json',
        cloudtrail: Array.from({ length: 300 }, (_, k) =>
          ct({ who: service('delivery.logs.amazonaws.com'), time: at(8, 0, k), eventName: 'PutObject', bucket: 'flow-logs', key: `AWSLogs/${ACCOUNT}/vpcflowlogs/${k}.gz`, ip: `10.${k % 7}.${k % 50}.${k % 251}`, errorCode: 'AccessDenied' }),
        ),
      },
      {
        uri: 'case://sal/day8',
        s3access: Array.from({ length: 300 }, (_, k) =>
          sal({ who: service('delivery.logs.amazonaws.com'), time: at(8, 1, k), operation: 'REST.PUT.OBJECT', bucket: 'flow-logs', ip: `172.16.${k % 40}.${k % 200}`, errorCode: 'AccessDenied' }),
        ),
      },
    ],
    expect: [],
  },
];
