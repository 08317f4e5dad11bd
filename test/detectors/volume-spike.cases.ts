/**
 * volume-spike cases: cold start, steady history with and without a spike, a nightly job, delete
 * and access-denied bursts, AWS service noise, floors, bucket-level spikes, CloudTrail + access
 * log double logging. The builders are exported for the invariance and state tests.
 */
import type { CaseObject, DetectorCase } from './case.js';
import { ct, DAY, HOUR, hourly, role, sal, service, user, type Identity } from './events.js';

const MiB = 1024 * 1024;
/** Monday 2 March 2026, 00:00 UTC. */
export const D0 = Date.parse('2026-03-02T00:00:00Z');
const at = (day: number, hour: number): Date => new Date(D0 + day * DAY + hour * HOUR);
const arn = (name: string): string => `arn:aws:iam::111122223333:role/${name}`;

export const etl = role('etl');
export const exfil = role('exfil', 'laptop');
const reader = role('reader');
const backup = role('backup');
const cleanup = role('cleanup');
const dual = role('dual');
const tiny = role('tiny');
const amazonS3: Identity = { userIdentity: undefined, requester: 'AmazonS3' };
const delivery = service('delivery.logs.amazonaws.com');
const mallory = user('mallory');

/** `n` access-log GetObjects by `who` spread over hour `hour` of day `day`. */
function gets(who: Identity, day: number, hour: number, n: number, opts: { bucket?: string; bytes?: number; prefix?: string; ip?: string } = {}): string[] {
  return hourly(at(day, hour), 1, n).map((time, k) =>
    sal({ who, time, bucket: opts.bucket ?? 'data-bucket', key: `${opts.prefix ?? 'reports/2026'}/part-${k}.csv`, bytesSent: opts.bytes ?? 2 * MiB, ip: opts.ip }),
  );
}

/**
 * The etl role's habits, one object per day: weekdays 60–80 GetObjects an hour 09:00–17:59 and
 * 4–6 at night, weekends 8–12 an hour; 2 MB each. Day hours clear every minimum floor.
 */
export function steadyDays(days: number): CaseObject[] {
  const out: CaseObject[] = [];
  for (let d = 0; d < days; d++) {
    const weekend = d % 7 >= 5;
    const lines: string[] = [];
    for (let h = 0; h < 24; h++) {
      const jitter = (d * 7 + h * 3) % 5;
      const n = weekend ? 8 + jitter : h >= 9 && h < 18 ? 60 + jitter * 5 : 4 + (jitter % 3);
      lines.push(...gets(etl, d, h, n));
    }
    out.push({ uri: `case://steady/day-${String(d).padStart(2, '0')}`, s3access: lines });
  }
  return out;
}

/** 20× the night rate at 03:00 on day 14 (a Monday), after two weeks of history. */
export const nightSpike: CaseObject = { uri: 'case://steady/spike', s3access: gets(etl, 14, 3, 100, { prefix: 'finance/payroll', ip: '203.0.113.66' }) };

export const coldStart: CaseObject[] = [
  { uri: 'case://cold/reader', s3access: Array.from({ length: 12 }, (_, h) => gets(reader, 0, 8 + h, 5)).flat() },
  { uri: 'case://cold/exfil', s3access: gets(exfil, 0, 10, 650, { prefix: 'customers/export', ip: '198.51.100.23' }) },
];

/** A backup job: 60 × 100 MB every night at 02:00 (about 5.9 GB). */
export function nightly(nights: number, from = 0): CaseObject[] {
  return Array.from({ length: nights }, (_, i) => ({
    uri: `case://nightly/night-${String(from + i).padStart(2, '0')}`,
    s3access: gets(backup, from + i, 2, 60, { bucket: 'backup-bucket', bytes: 100 * MiB, prefix: 'db/full' }),
  }));
}

export const deleteBurst: CaseObject[] = [
  {
    uri: 'case://delete/access-log',
    s3access: [
      sal({ who: cleanup, time: at(0, 15), bucket: 'data-bucket', operation: 'REST.POST.MULTI_OBJECT_DELETE', key: '-' }),
      ...hourly(at(0, 15), 1, 130).map((time, k) => sal({ who: cleanup, time, bucket: 'data-bucket', operation: 'BATCH.DELETE.OBJECT', key: `reports/2026/part-${k}.csv`, bytesSent: 0 })),
      ...hourly(at(0, 1), 1, 400).map((time, k) => sal({ who: amazonS3, time, bucket: 'logs-bucket', operation: 'S3.EXPIRE.OBJECT', key: `old/${k}.log`, bytesSent: 0 })),
    ],
  },
  { uri: 'case://delete/cloudtrail', cloudtrail: [ct({ who: cleanup, time: at(0, 15), eventName: 'DeleteObjects', requestParameters: { bucketName: 'data-bucket' } })] },
];

/** delivery.logs.amazonaws.com denied 20–60 times an hour for ten days (about 9,600 rows). */
export function deliveryDenied(days: number, from = 0): CaseObject[] {
  return Array.from({ length: days }, (_, i) => {
    const d = from + i;
    const lines: string[] = [];
    for (let h = 0; h < 24; h++) {
      const n = 20 + (((d * 24 + h) * 37) % 41);
      lines.push(
        ...hourly(at(d, h), 1, n).map((time, k) =>
          sal({ who: delivery, time, bucket: 'logs-bucket', operation: 'REST.PUT.OBJECT', key: `AWSLogs/111122223333/elb/${k}.gz`, errorCode: 'AccessDenied', bytesSent: 0 }),
        ),
      );
    }
    return { uri: `case://delivery/day-${String(d).padStart(2, '0')}`, s3access: lines };
  });
}

const malloryDenied: CaseObject = {
  uri: 'case://mallory',
  cloudtrail: hourly(at(4, 14), 1, 80).map((time, k) =>
    ct({ who: mallory, time, eventName: k % 4 === 0 ? 'ListObjects' : 'GetObject', bucket: 'finance-bucket', key: `payroll/2026/${k}.pdf`, errorCode: 'AccessDenied', ip: '203.0.113.9' }),
  ),
};

/** Each of `n` users reads 60 × 2 MB from one bucket in the same hour: only the bucket spikes. */
const crowd = (n: number): CaseObject => ({
  uri: 'case://crowd',
  s3access: Array.from({ length: n }, (_, u) => gets(user(`analyst-${u}`), 0, 13, 60, { bucket: 'shared-bucket' })).flat(),
});

/** The same GetObjects in CloudTrail data events and in the access logs (same request ids). */
export function doubleLogged(who: Identity, day: number, hour: number, n: number): CaseObject[] {
  const times = hourly(at(day, hour), 1, n);
  return [
    { uri: `case://dual/ct-${day}-${hour}`, cloudtrail: times.map((time, k) => ct({ who, time, key: `exports/${k}.csv`, bytesOut: MiB, extra: { requestID: `DUAL${day}${hour}X${k}` } })) },
    { uri: `case://dual/sal-${day}-${hour}`, s3access: times.map((time, k) => sal({ who, time, key: `exports/${k}.csv`, bytesSent: MiB, requestId: `DUAL${day}${hour}X${k}` })) },
  ];
}

export const cases: DetectorCase[] = [
  {
    name: 'cold start: a first-day bulk download by one role (650 GetObjects, 1.3 GB in an hour) is high',
    objects: coldStart,
    expect: [{ kind: 'bytes-out', severity: 'high', subject: { principal: arn('exfil'), bucket: 'data-bucket' }, observed: { requests: 650 }, summaryContains: 'above the cold-start floor of 1 GB' }],
  },
  {
    name: 'two weeks of steady traffic, then 20× the usual night rate: observed vs expected',
    objects: [...steadyDays(15), nightSpike],
    expect: [{ kind: 'bytes-out', severity: 'medium', subject: { principal: arn('etl') }, observed: { requests: 106 }, summaryContains: 'read 212 MB in 106 requests from data-bucket in 1 h; expected ≤' }],
  },
  {
    name: 'the same steady traffic (diurnal, weekly, well above the minimum floors) without a spike',
    objects: steadyDays(15),
    expect: [],
  },
  {
    name: 'a nightly 5.9 GB job is reported on its first night only (cold start), never on the 14 that follow',
    objects: nightly(15),
    expect: [{ kind: 'bytes-out', severity: 'high', subject: { principal: arn('backup') }, summaryContains: 'no baseline yet (no history)' }],
  },
  {
    name: 'a delete burst of 130 objects is high; 400 lifecycle expirations by S3 itself are capped at low',
    objects: deleteBurst,
    expect: [
      { kind: 'deletes', severity: 'high', subject: { principal: arn('cleanup'), bucket: 'data-bucket' }, observed: { deletes: 130 } },
      { kind: 'deletes', severity: 'low', subject: { principal: 'AmazonS3', traffic: 'service' }, observed: { deletes: 400 } },
    ],
  },
  {
    name: 'an access-denied burst from a person fires; ~9,600 denials of log delivery over ten days do not',
    objects: [...deliveryDenied(10), malloryDenied],
    expect: [{ kind: 'errors', severity: 'medium', subject: { principal: 'arn:aws:iam::111122223333:user/mallory', bucket: 'finance-bucket' }, observed: { errors: 80 } }],
  },
  {
    name: 'a small absolute spike (1 → 15 requests an hour) stays under the floors',
    objects: [
      { uri: 'case://tiny/history', s3access: Array.from({ length: 14 * 24 }, (_, h) => gets(tiny, 0, h, 1)).flat() },
      { uri: 'case://tiny/spike', s3access: gets(tiny, 14, 3, 15) },
    ],
    expect: [],
  },
  {
    name: 'ten users each under every floor, together 1.2 GB from one bucket: one bucket finding',
    objects: [crowd(10)],
    expect: [{ kind: 'bytes-out', severity: 'high', subject: { bucket: 'shared-bucket' }, observed: { requests: 600 }, summaryContains: 'for 10 principals' }],
  },
  {
    name: 'requests logged in both CloudTrail and the access logs count once (600 fires, 300 does not)',
    objects: [...doubleLogged(dual, 0, 9, 600), ...doubleLogged(dual, 0, 14, 300)],
    expect: [{ kind: 'requests', severity: 'high', subject: { principal: arn('dual') }, observed: { requests: 600, bytes_out: 600 * MiB } }],
  },
];
