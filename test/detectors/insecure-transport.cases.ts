/**
 * insecure-transport cases: plaintext, weak TLS and SigV2 per principal × bucket × day × kind.
 */
import type { DetectorCase } from './case.js';
import { anonymous, ct, hourly, role, sal, service, user, type Identity } from './events.js';

const etl = role('etl');
const legacy = user('legacy-app');
const amazonS3: Identity = { userIdentity: undefined, requester: 'AmazonS3' };
const plain = { tls: '-', cipher: '-' } as const;

export const cases: DetectorCase[] = [
  {
    name: 'plaintext GetObjects over several hours of one day are one high finding',
    objects: [
      { s3access: hourly('2026-03-10T03:00:00Z', 6, 10).map((time, k) => sal({ who: etl, time, ...plain, key: `exports/${k}.csv`, ip: k % 2 ? '192.0.2.10' : '192.0.2.11' })) },
    ],
    expect: [
      {
        kind: 'no-tls',
        severity: 'high',
        subject: { principal: 'arn:aws:iam::111122223333:role/etl', bucket: 'data-bucket' },
        observed: { requests: 60, data_transfers: 60, denied: 0 },
        summaryContains: '60 requests to data-bucket without TLS on 2026-03-10 from 2 source IPs',
      },
    ],
  },
  {
    name: 'plaintext on two days is two findings',
    objects: [
      { s3access: [sal({ who: etl, time: '2026-03-10T23:59:00Z', ...plain }), sal({ who: etl, time: '2026-03-11T00:01:00Z', ...plain }), sal({ who: etl, time: '2026-03-11T05:00:00Z', ...plain })] },
    ],
    expect: [
      { kind: 'no-tls', observed: { requests: 1 }, summaryContains: 'on 2026-03-10' },
      { kind: 'no-tls', observed: { requests: 2 }, summaryContains: 'on 2026-03-11' },
    ],
  },
  {
    name: 'a 24-field line (2019 format) without TLS is plaintext',
    objects: [{ s3access: [sal({ who: etl, ...plain, fields: 24 })] }],
    expect: [{ kind: 'no-tls', observed: { requests: 1 } }],
  },
  {
    name: 'plaintext attempts all denied by a SecureTransport deny are still a low finding',
    objects: [
      { s3access: hourly('2026-03-10T08:00:00Z', 2, 5).map((time) => sal({ who: etl, time, ...plain, status: 403, errorCode: 'AccessDenied', bytesSent: 243 })) },
    ],
    expect: [{ kind: 'no-tls', severity: 'low', observed: { requests: 10, denied: 10, data_transfers: 0 }, summaryContains: 'all were denied' }],
  },
  {
    name: 'plaintext bucket listing without object data is medium',
    objects: [{ s3access: [sal({ who: legacy, operation: 'REST.GET.BUCKET', key: '-', ...plain })] }],
    expect: [{ kind: 'no-tls', severity: 'medium', subject: { principal: 'arn:aws:iam::111122223333:user/legacy-app' } }],
  },
  {
    name: 'anonymous plaintext reads of public data are low',
    objects: [{ s3access: [sal({ who: anonymous, bucket: 'public-data', sigv: '-', authType: '-', ...plain })] }],
    expect: [{ kind: 'no-tls', severity: 'low', subject: { principal: 'anonymous', bucket: 'public-data' } }],
  },
  {
    name: 'an AWS service principal in plaintext is capped at low',
    objects: [{ s3access: [sal({ who: service('delivery.logs.amazonaws.com'), operation: 'REST.PUT.OBJECT', ...plain })] }],
    expect: [{ kind: 'no-tls', severity: 'low', subject: { principal: 'delivery.logs.amazonaws.com' } }],
  },
  {
    name: 'TLSv1.1 in both spellings (TLSv1.1, TLSV1.1) is one weak-tls finding',
    objects: [{ s3access: [sal({ who: legacy, tls: 'TLSv1.1' }), sal({ who: legacy, tls: 'TLSV1.1', time: '2026-03-10T13:00:00Z' })] }],
    expect: [{ kind: 'weak-tls', severity: 'low', observed: { requests: 2, weakest_tls: 'TLS 1.1' } }],
  },
  {
    name: 'upper-case TLSV1.1 alone is weak-tls',
    objects: [{ s3access: [sal({ who: legacy, tls: 'TLSV1.1' })] }],
    expect: [{ kind: 'weak-tls', observed: { requests: 1 } }],
  },
  {
    name: 'CloudTrail TLSv1.0 is weak-tls, medium below TLS 1.1',
    objects: [{ cloudtrail: [ct({ who: legacy, eventName: 'ListBuckets', requestParameters: null, tls: 'TLSv1' })] }],
    expect: [{ kind: 'weak-tls', severity: 'medium', subject: { principal: 'arn:aws:iam::111122223333:user/legacy-app' }, observed: { cloudtrail_requests: 1, weakest_tls: 'TLS 1.0' } }],
  },
  {
    name: 'the same weak-TLS requests in CloudTrail and the access log are counted once',
    objects: [
      { cloudtrail: [1, 2, 3].map((k) => ct({ who: legacy, tls: 'TLSv1.1', time: `2026-03-10T12:0${k}:00Z` })) },
      { s3access: [1, 2, 3].map((k) => sal({ who: legacy, tls: 'TLSv1.1', time: `2026-03-10T12:0${k}:00Z` })) },
    ],
    expect: [{ kind: 'weak-tls', subject: { bucket: 'data-bucket' }, observed: { requests: 3, cloudtrail_requests: 3, s3access_requests: 3 } }],
  },
  {
    name: 'SigV2 is a low sigv2 finding',
    objects: [{ s3access: [sal({ who: legacy, sigv: 'SigV2', tls: 'TLSv1.2' }), sal({ who: legacy, sigv: 'SigV2', tls: 'TLSv1.2', time: '2026-03-10T15:00:00Z' })] }],
    expect: [{ kind: 'sigv2', severity: 'low', observed: { requests: 2 } }],
  },
  {
    name: 'SigV2 in plaintext is two findings (two problems)',
    objects: [{ s3access: [sal({ who: legacy, sigv: 'SigV2', ...plain })] }],
    expect: [{ kind: 'no-tls' }, { kind: 'sigv2' }],
  },
  {
    name: 'negative: 18-field lines predate the TLS fields',
    objects: [{ s3access: hourly('2026-03-10T00:00:00Z', 3, 5).map((time) => sal({ who: etl, time, ...plain, fields: 18 })) }],
    expect: [],
  },
  {
    name: 'negative: S3 lifecycle expirations have no client connection',
    objects: [
      {
        s3access: [
          sal({ who: amazonS3, operation: 'S3.EXPIRE.OBJECT', ip: '-', sigv: '-', authType: '-', ...plain }),
          sal({ who: amazonS3, operation: 'S3.TRANSITION_SIA.OBJECT', ip: '-', sigv: '-', authType: '-', ...plain }),
        ],
      },
    ],
    expect: [],
  },
  {
    name: 'negative: website endpoints only speak HTTP',
    objects: [{ s3access: [sal({ who: anonymous, bucket: 'www-site', operation: 'WEBSITE.GET.OBJECT', key: 'index.html', sigv: '-', authType: '-', ...plain })] }],
    expect: [],
  },
  {
    name: 'negative: TLS 1.2 and 1.3 from both sources',
    objects: [
      { s3access: [sal({ who: etl, tls: 'TLSv1.2' }), sal({ who: etl, tls: 'TLSV1.2' }), sal({ who: etl, tls: 'TLSv1.3' })] },
      { cloudtrail: [ct({ who: etl, tls: 'TLSv1.2' }), ct({ who: etl, tls: 'TLSv1.3' })] },
    ],
    expect: [],
  },
  {
    name: 'negative: CloudTrail without tlsDetails is not plaintext',
    objects: [
      {
        cloudtrail: [
          ct({ who: etl, tls: null }),
          ct({ who: service('cloudtrail.amazonaws.com'), eventName: 'PutObject', tls: null }),
          ct({ who: etl, eventName: 'ListBuckets', requestParameters: null, tls: null }),
        ],
      },
    ],
    expect: [],
  },
];
