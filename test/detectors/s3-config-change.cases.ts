/**
 * s3-config-change cases: every kind, plus the changes that look alike but do not weaken anything.
 */
import type { DetectorCase } from './case.js';
import { ct, role, service, user, type Json } from './events.js';

const mallory = user('mallory');
const admin = role('Admin');
const B = 'data-bucket';
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail';

/** A management call on a bucket, shaped like CloudTrail logs it. */
function s3(eventName: string, params: Json, extra: { time?: string; who?: typeof mallory; errorCode?: string } = {}): Json {
  return ct({ who: extra.who ?? mallory, eventName, eventType: 'AwsApiCall', time: extra.time, errorCode: extra.errorCode, requestParameters: { bucketName: B, Host: `${B}.s3.us-east-1.amazonaws.com`, ...params } });
}

function trail(eventName: string, params: Json, time?: string): Json {
  return ct({ who: admin, eventName, eventSource: 'cloudtrail.amazonaws.com', eventType: 'AwsApiCall', time, requestParameters: params });
}

const stmt = (extra: Json): Json => ({ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*`, ...extra });
const tlsDeny: Json = { Sid: 'TLSOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${B}`, `arn:aws:s3:::${B}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const roleRead = stmt({ Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } });
const policy = (...Statement: Json[]): Json => ({ bucketPolicy: { Version: '2012-10-17', Statement }, policy: '' });
const pab = (flags: Record<string, boolean>): Json => ({ publicAccessBlock: '', PublicAccessBlockConfiguration: { xmlns: XMLNS, ...flags } });
const allTrue = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const lifecycle = (rule: Json | Json[]): Json => ({ lifecycle: '', LifecycleConfiguration: { xmlns: XMLNS, Rule: rule } });
const lock = (days: number, mode = 'GOVERNANCE'): Json => ({ 'object-lock': '', ObjectLockConfiguration: { xmlns: XMLNS, ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: days } } } });

export const cases: DetectorCase[] = [
  // --- public access block ---
  {
    name: 'DeleteBucketPublicAccessBlock is high',
    objects: [{ cloudtrail: [s3('DeleteBucketPublicAccessBlock', { publicAccessBlock: '' })] }],
    expect: [{ kind: 'public-access-block-removed', severity: 'high', subject: { principal: 'arn:aws:iam::111122223333:user/mallory', bucket: B, account: '111122223333' }, observed: { level: 'bucket' } }],
  },
  {
    name: 'PutBucketPublicAccessBlock with every flag false is high, with one flag false medium',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketPublicAccessBlock', pab({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false })),
          s3('PutBucketPublicAccessBlock', pab({ ...allTrue, BlockPublicPolicy: false }), { time: '2026-03-10T13:00:00Z' }),
        ],
      },
    ],
    expect: [
      { kind: 'public-access-block-removed', severity: 'high', observed: { flags_off: 'BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets' } },
      { kind: 'public-access-block-removed', severity: 'medium', observed: { flags_off: 'BlockPublicPolicy' }, summaryContains: 'turned off 1 protection of 4' },
    ],
  },
  {
    name: 'account-level public access block loosened or deleted (s3 and s3-control names)',
    objects: [
      {
        cloudtrail: [
          ct({ who: admin, eventName: 'PutAccountPublicAccessBlock', eventType: 'AwsApiCall', requestParameters: { ...pab({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false }), Host: '111122223333.s3-control.us-east-1.amazonaws.com' } }),
          ct({ who: admin, eventName: 'DeletePublicAccessBlock', eventType: 'AwsApiCall', time: '2026-03-10T12:05:00Z', requestParameters: { accountId: '444455556666', Host: '444455556666.s3-control.us-east-1.amazonaws.com' } }),
        ],
      },
    ],
    expect: [
      { kind: 'public-access-block-removed', severity: 'high', subject: { account: '111122223333' }, observed: { level: 'account', event_name: 'PutAccountPublicAccessBlock' } },
      { kind: 'public-access-block-removed', severity: 'high', subject: { account: '444455556666' }, observed: { level: 'account', event_name: 'DeletePublicAccessBlock' } },
    ],
  },
  {
    name: 'negative: PutBucketPublicAccessBlock with every flag true',
    objects: [{ cloudtrail: [s3('PutBucketPublicAccessBlock', pab(allTrue)), s3('PutBucketPublicAccessBlock', pab({ BlockPublicAcls: 'true', IgnorePublicAcls: 'TRUE', BlockPublicPolicy: true, RestrictPublicBuckets: true } as unknown as Record<string, boolean>))] }],
    expect: [],
  },
  // --- bucket policy ---
  {
    name: 'a policy granting Principal * is public (object or JSON-string policy, {"AWS":"*"})',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketPolicy', policy(roleRead, stmt({ Sid: 'Open', Principal: '*' }))),
          s3('PutBucketPolicy', { bucketPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [stmt({ Sid: 'Aws', Principal: { AWS: '*' }, Action: ['s3:GetObject', 's3:ListBucket'] })] }) }, { time: '2026-03-10T14:00:00Z' }),
        ],
      },
    ],
    expect: [
      { kind: 'public-bucket-policy', severity: 'high', observed: { public_statements: 1, actions: 's3:GetObject', sids: 'Open' } },
      { kind: 'public-bucket-policy', severity: 'high', observed: { actions: 's3:GetObject, s3:ListBucket' } },
    ],
  },
  {
    name: 'Principal * pinned to a fixed VPC endpoint is not public; a wildcard VPC pattern is',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketPolicy', policy(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }))),
          s3('PutBucketPolicy', policy(stmt({ Principal: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } })), { time: '2026-03-10T12:30:00Z' }),
        ],
      },
    ],
    expect: [{ kind: 'public-bucket-policy', observed: { event_name: 'PutBucketPolicy' }, summaryContains: 'allows s3:GetObject to anyone' }],
  },
  {
    name: 'a public policy set by CloudFormation is capped as a service principal',
    objects: [{ cloudtrail: [s3('PutBucketPolicy', policy(stmt({ Principal: '*' })), { who: service('cloudformation.amazonaws.com') })] }],
    expect: [{ kind: 'public-bucket-policy', severity: 'low', subject: { principal: 'cloudformation.amazonaws.com' } }],
  },
  {
    name: 'negative: a failed (AccessDenied) public PutBucketPolicy is not a change',
    objects: [{ cloudtrail: [s3('PutBucketPolicy', policy(stmt({ Principal: '*' })), { errorCode: 'AccessDenied' })] }],
    expect: [],
  },
  {
    name: 'a denied public PutBucketPolicy is a low attempted finding when attempts are reported',
    tunables: { reportAttempts: true },
    objects: [
      {
        cloudtrail: [
          s3('PutBucketPolicy', policy(stmt({ Principal: '*' })), { errorCode: 'AccessDenied' }),
          s3('DeleteBucketEncryption', { encryption: '' }, { errorCode: 'AccessDenied', time: '2026-03-10T12:10:00Z' }),
          s3('PutBucketPolicy', policy(stmt({ Principal: '*' })), { errorCode: 'NoSuchBucket', time: '2026-03-10T12:20:00Z' }),
        ],
      },
    ],
    expect: [{ kind: 'attempted-public-bucket-policy', severity: 'low', summaryContains: 'Denied (AccessDenied)' }],
  },
  // --- TLS-only deny ---
  {
    name: 'a new policy without the aws:SecureTransport deny (objects given out of order)',
    objects: [
      { cloudtrail: [s3('PutBucketPolicy', policy(roleRead), { time: '2026-03-10T15:00:00Z' })] },
      { cloudtrail: [s3('PutBucketPolicy', policy(roleRead, tlsDeny), { time: '2026-03-09T09:00:00Z' })] },
    ],
    expect: [{ kind: 'tls-deny-removed', severity: 'medium', observed: { tls_deny_since: '2026-03-09T09:00:00.000Z' } }],
  },
  {
    name: 'DeleteBucketPolicy on a bucket whose policy had the TLS deny',
    objects: [{ cloudtrail: [s3('PutBucketPolicy', policy(tlsDeny), { time: '2026-03-10T09:00:00Z' }), s3('DeleteBucketPolicy', { policy: '' })] }],
    expect: [{ kind: 'tls-deny-removed', observed: { event_name: 'DeleteBucketPolicy' } }],
  },
  {
    name: 'negative: a policy that keeps the TLS deny, and deleting a policy that never had one',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketPolicy', policy(tlsDeny), { time: '2026-03-10T09:00:00Z' }),
          s3('PutBucketPolicy', policy(roleRead, { ...(tlsDeny as object), Condition: { BoolIfExists: { 'aws:SecureTransport': false } } })),
          ct({ who: mallory, eventName: 'DeleteBucketPolicy', eventType: 'AwsApiCall', requestParameters: { bucketName: 'other-bucket', policy: '' } }),
        ],
      },
    ],
    expect: [],
  },
  // --- ACLs ---
  {
    name: 'ACLs granting AllUsers or AuthenticatedUsers (grant body, canned ACL, grant header)',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketAcl', {
            acl: '',
            AccessControlPolicy: {
              xmlns: XMLNS,
              Owner: { ID: 'owner' },
              AccessControlList: {
                Grant: [
                  { Grantee: { 'xsi:type': 'CanonicalUser', ID: 'owner' }, Permission: 'FULL_CONTROL' },
                  { Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
                ],
              },
            },
          }),
          s3('PutBucketAcl', { acl: [''], 'x-amz-acl': ['public-read-write'] }, { time: '2026-03-10T12:01:00Z' }),
          s3('PutObjectAcl', { acl: '', key: 'secret.csv', 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' }, { time: '2026-03-10T12:02:00Z' }),
        ],
      },
    ],
    expect: [
      { kind: 'public-acl', severity: 'high', observed: { grants: 'AllUsers:READ' } },
      { kind: 'public-acl', severity: 'high', observed: { grants: 'x-amz-acl:public-read-write' } },
      { kind: 'public-acl', severity: 'medium', observed: { level: 'object', grants: 'AuthenticatedUsers:x-amz-grant-read' }, summaryContains: `${B}/secret.csv` },
    ],
  },
  {
    name: 'negative: private ACLs',
    objects: [{ cloudtrail: [s3('PutBucketAcl', { acl: [''], 'x-amz-acl': ['private'] }), s3('PutObjectAcl', { acl: '', key: 'a', 'x-amz-acl': 'bucket-owner-full-control' })] }],
    expect: [],
  },
  // --- encryption, logging ---
  {
    name: 'DeleteBucketEncryption is medium; the same name from another service is ignored',
    objects: [{ cloudtrail: [s3('DeleteBucketEncryption', { encryption: '' }), ct({ who: mallory, eventName: 'DeleteBucketEncryption', eventSource: 'ec2.amazonaws.com', eventType: 'AwsApiCall', requestParameters: {} })] }],
    expect: [{ kind: 'encryption-removed', severity: 'medium' }],
  },
  {
    name: 'PutBucketLogging without LoggingEnabled disables access logging; with it, nothing',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketLogging', { logging: '', BucketLoggingStatus: { xmlns: XMLNS } }),
          s3('PutBucketLogging', { logging: '', BucketLoggingStatus: { xmlns: XMLNS, LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: 'data/' } } }, { time: '2026-03-10T13:00:00Z' }),
        ],
      },
    ],
    expect: [{ kind: 'access-logging-disabled', severity: 'medium' }],
  },
  // --- CloudTrail ---
  {
    name: 'StopLogging and DeleteTrail are high, UpdateTrail medium',
    objects: [
      {
        cloudtrail: [
          trail('StopLogging', { name: TRAIL_ARN }),
          trail('DeleteTrail', { name: 'org-trail' }, '2026-03-10T12:10:00Z'),
          trail('UpdateTrail', { name: 'org-trail', isMultiRegionTrail: false, s3BucketName: 'attacker-bucket' }, '2026-03-10T12:05:00Z'),
        ],
      },
    ],
    expect: [
      { kind: 'cloudtrail-tampering', severity: 'high', observed: { change: 'StopLogging' }, summaryContains: 'stopped logging on trail org-trail' },
      { kind: 'cloudtrail-tampering', severity: 'high', observed: { change: 'DeleteTrail' } },
      { kind: 'cloudtrail-tampering', severity: 'medium', observed: { change: 'UpdateTrail', settings: 'isMultiRegionTrail=false,s3BucketName=attacker-bucket' } },
    ],
  },
  {
    name: 'PutEventSelectors that drop S3 data events after they were logged, or management events',
    objects: [
      {
        cloudtrail: [
          trail('PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }], excludeManagementEventSources: [] }] }, '2026-03-01T00:00:00Z'),
          trail('PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] }, '2026-03-10T12:00:00Z'),
          trail('PutEventSelectors', { trailName: 'other-trail', eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [{ type: 'AWS::S3::Object', values: [] }] }] }, '2026-03-10T12:30:00Z'),
        ],
      },
    ],
    expect: [
      { kind: 'cloudtrail-tampering', severity: 'medium', observed: { s3_data: 'none', management: true }, summaryContains: 'was all since 2026-03-01' },
      { kind: 'cloudtrail-tampering', severity: 'high', observed: { management: false, s3_data: 'narrowed' } },
    ],
  },
  {
    name: 'advanced event selectors without S3 data events',
    objects: [
      {
        cloudtrail: [
          trail('PutEventSelectors', {
            trailName: 'org-trail',
            advancedEventSelectors: [{ name: 'Management', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }],
          }),
        ],
      },
    ],
    expect: [{ kind: 'cloudtrail-tampering', severity: 'low', observed: { s3_data: 'none' } }],
  },
  // --- versioning, MFA delete, Object Lock, lifecycle ---
  {
    name: 'versioning suspended, and MFA delete disabled after it was enabled',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketVersioning', { versioning: '', VersioningConfiguration: { xmlns: XMLNS, Status: 'Enabled', MfaDelete: 'Enabled' } }, { time: '2026-03-01T00:00:00Z' }),
          s3('PutBucketVersioning', { versioning: '', VersioningConfiguration: { xmlns: XMLNS, Status: 'Suspended', MfaDelete: 'Disabled' } }),
        ],
      },
    ],
    expect: [
      { kind: 'versioning-suspended', severity: 'medium' },
      { kind: 'mfa-delete-disabled', severity: 'medium', observed: { was_enabled: true } },
    ],
  },
  {
    name: 'negative: PutBucketVersioning Enabled',
    objects: [{ cloudtrail: [s3('PutBucketVersioning', { versioning: '', VersioningConfiguration: { xmlns: XMLNS, Status: 'Enabled' } })] }],
    expect: [],
  },
  {
    name: 'Object Lock retention shortened, default rule removed, governance bypassed',
    objects: [
      {
        cloudtrail: [
          s3('PutObjectLockConfiguration', lock(30, 'COMPLIANCE'), { time: '2026-03-01T00:00:00Z' }),
          s3('PutObjectLockConfiguration', lock(1), { time: '2026-03-10T10:00:00Z' }),
          s3('PutObjectLockConfiguration', { 'object-lock': '', ObjectLockConfiguration: { xmlns: XMLNS, ObjectLockEnabled: 'Enabled' } }, { time: '2026-03-10T11:00:00Z' }),
          s3('PutObjectRetention', { retention: '', key: 'ledger.csv', 'x-amz-bypass-governance-retention': 'true', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: '2026-03-11T00:00:00Z' } }, { time: '2026-03-10T11:30:00Z' }),
          s3('DeleteObjects', { delete: '', 'x-amz-bypass-governance-retention': ['true'], Delete: { Object: [{ Key: 'a' }, { Key: 'b' }] } }, { time: '2026-03-10T11:40:00Z' }),
        ],
      },
    ],
    expect: [
      { kind: 'object-lock-weakened', observed: { previous: 'COMPLIANCE:30', retention: 'GOVERNANCE:1' } },
      { kind: 'object-lock-weakened', observed: { previous: 'GOVERNANCE:1', retention: 'none' } },
      { kind: 'object-lock-weakened', observed: { event_name: 'PutObjectRetention' } },
      { kind: 'object-lock-weakened', observed: { event_name: 'DeleteObjects' } },
    ],
  },
  {
    name: 'whole-bucket expiration: 1 day is high, 365 days low, a prefixed rule nothing',
    objects: [
      {
        cloudtrail: [
          s3('PutBucketLifecycle', lifecycle({ ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '*' }, Expiration: { Days: 1 } })),
          s3('PutBucketLifecycleConfiguration', lifecycle([{ ID: 'year', Status: 'Enabled', Filter: '', Expiration: { Days: 365 } }]), { time: '2026-03-10T13:00:00Z' }),
          s3('PutBucketLifecycle', lifecycle({ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }), { time: '2026-03-10T14:00:00Z' }),
          s3('PutBucketLifecycle', lifecycle({ ID: 'off', Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }), { time: '2026-03-10T15:00:00Z' }),
        ],
      },
    ],
    expect: [
      { kind: 'lifecycle-expiration', severity: 'high', observed: { expiration_days: 1 }, summaryContains: 'rule "nuke"' },
      { kind: 'lifecycle-expiration', severity: 'low', observed: { expiration_days: 365 } },
    ],
  },
  // --- data events ---
  {
    name: 'negative: data events (reads, writes, deletes without bypass)',
    objects: [
      {
        cloudtrail: [
          ct({ who: mallory, eventName: 'GetObject' }),
          ct({ who: mallory, eventName: 'PutObject' }),
          ct({ who: mallory, eventName: 'DeleteObject' }),
          ct({ who: mallory, eventName: 'DeleteObjects', requestParameters: { bucketName: B, delete: '', Delete: { Object: [{ Key: 'a' }] } } }),
        ],
      },
    ],
    expect: [],
  },
];
