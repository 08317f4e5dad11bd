/**
 * Security-relevant configuration calls with the request shapes CloudTrail records for them:
 * bucket policies (with and without the TLS-only deny, public or VPC-endpoint restricted),
 * public access blocks, versioning, logging, encryption, lifecycle, trail controls.
 */
import type { ApiCall, Caller } from './api-call.js';
import { managementCall } from './management-calls.js';
import { ACCOUNTS, ACTORS, BUCKETS, canonicalPrincipal, HOME_REGION, type Bucket } from './org.js';
import type { Random } from './random.js';
import { s3Call } from './s3-calls.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const CONTROL_XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
export const APP_VPC_ENDPOINT = 'vpce-0a4c2b9e7d31f8a56';
const KMS_KEY = `arn:aws:kms:${HOME_REGION}:${ACCOUNTS.prod.id}:key/5b8e2f41-7c3d-4a96-b0e1-9d27c6f4a813`;

type Statement = Record<string, unknown>;

const arn = (b: Bucket) => `arn:aws:s3:::${b.name}`;

export const statements = {
  /** The canonical TLS-only guard (FORMATS.md §5). */
  denyInsecureTransport: (b: Bucket): Statement => ({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn(b), `${arn(b)}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
  analyticsExports: (b: Bucket): Statement => ({
    Sid: 'AnalyticsReadsExports',
    Effect: 'Allow',
    Principal: { AWS: canonicalPrincipal(ACTORS.analyticsReader.principal) },
    Action: ['s3:GetObject', 's3:ListBucket'],
    Resource: [arn(b), `${arn(b)}/exports/*`],
  }),
  /** `Principal: "*"` but only through the application's VPC endpoint: not public. */
  readThroughVpcEndpoint: (b: Bucket): Statement => ({
    Sid: 'AppVpcEndpointRead',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:ListBucket'],
    Resource: [arn(b), `${arn(b)}/*`],
    Condition: { StringEquals: { 'aws:SourceVpce': APP_VPC_ENDPOINT } },
  }),
  /** Anyone on the internet may read every object. */
  publicRead: (b: Bucket): Statement => ({
    Sid: 'PublicReadGetObject',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `${arn(b)}/*`,
  }),
};

export function bucketPolicy(...statementList: Statement[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statementList };
}

export function putBucketPolicy(rng: Random, time: number, caller: Caller, bucket: Bucket, policy: Record<string, unknown>): ApiCall {
  return s3Call(rng, { time, caller, api: 'PutBucketPolicy', bucket, params: { bucketPolicy: policy } });
}

function publicAccessBlock(block: boolean, xmlns: string): Record<string, unknown> {
  return { xmlns, RestrictPublicBuckets: block, BlockPublicPolicy: block, BlockPublicAcls: block, IgnorePublicAcls: block };
}

export function putBucketPublicAccessBlock(rng: Random, time: number, caller: Caller, bucket: Bucket, block: boolean): ApiCall {
  const params = { PublicAccessBlockConfiguration: publicAccessBlock(block, XMLNS) };
  return s3Call(rng, { time, caller, api: 'PutBucketPublicAccessBlock', bucket, params });
}

export function deleteBucketPublicAccessBlock(rng: Random, time: number, caller: Caller, bucket: Bucket): ApiCall {
  return s3Call(rng, { time, caller, api: 'DeleteBucketPublicAccessBlock', bucket });
}

/** Account-level Block Public Access (S3 Control; CloudTrail names it PutAccountPublicAccessBlock). */
export function putAccountPublicAccessBlock(rng: Random, time: number, caller: Caller, block: boolean): ApiCall {
  const params = { PublicAccessBlockConfiguration: publicAccessBlock(block, CONTROL_XMLNS) };
  return s3Call(rng, { time, caller, api: 'PutAccountPublicAccessBlock', params });
}

export function putBucketVersioning(
  rng: Random,
  time: number,
  caller: Caller,
  bucket: Bucket,
  status: 'Enabled' | 'Suspended',
): ApiCall {
  const params = { VersioningConfiguration: { Status: status, xmlns: XMLNS } };
  return s3Call(rng, { time, caller, api: 'PutBucketVersioning', bucket, params });
}

/** Server access logging on (to the logs bucket) or off (an empty BucketLoggingStatus). */
export function putBucketLogging(rng: Random, time: number, caller: Caller, bucket: Bucket, enabled: boolean): ApiCall {
  const status = enabled
    ? { xmlns: XMLNS, LoggingEnabled: { TargetBucket: BUCKETS.logs.name, TargetPrefix: `s3access/${bucket.name}/` } }
    : { xmlns: XMLNS };
  return s3Call(rng, { time, caller, api: 'PutBucketLogging', bucket, params: { BucketLoggingStatus: status } });
}

export function putBucketEncryption(rng: Random, time: number, caller: Caller, bucket: Bucket): ApiCall {
  const params = {
    ServerSideEncryptionConfiguration: {
      xmlns: XMLNS,
      Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY }, BucketKeyEnabled: true },
    },
  };
  return s3Call(rng, { time, caller, api: 'PutBucketEncryption', bucket, params });
}

export function deleteBucketEncryption(rng: Random, time: number, caller: Caller, bucket: Bucket): ApiCall {
  return s3Call(rng, { time, caller, api: 'DeleteBucketEncryption', bucket });
}

/** One lifecycle rule; an empty prefix makes it apply to the whole bucket. */
export function putBucketLifecycle(
  rng: Random,
  time: number,
  caller: Caller,
  bucket: Bucket,
  rule: { id: string; prefix: string; expirationDays: number; noncurrentDays?: number },
): ApiCall {
  const Rule: Record<string, unknown> = {
    ID: rule.id,
    Status: 'Enabled',
    Filter: { Prefix: rule.prefix },
    Expiration: { Days: rule.expirationDays },
  };
  if (rule.noncurrentDays !== undefined) Rule.NoncurrentVersionExpiration = { NoncurrentDays: rule.noncurrentDays };
  return s3Call(rng, { time, caller, api: 'PutBucketLifecycle', bucket, params: { LifecycleConfiguration: { xmlns: XMLNS, Rule } } });
}

export function putBucketTagging(rng: Random, time: number, caller: Caller, bucket: Bucket, tags: Record<string, string>): ApiCall {
  const Tag = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return s3Call(rng, { time, caller, api: 'PutBucketTagging', bucket, params: { Tagging: { xmlns: XMLNS, TagSet: { Tag } } } });
}

export function trailArn(account: string, name: string): string {
  return `arn:aws:cloudtrail:${HOME_REGION}:${account}:trail/${name}`;
}

export function trailLogging(
  rng: Random,
  time: number,
  caller: Caller,
  trail: { account: { id: string }; name: string },
  action: 'StopLogging' | 'StartLogging',
): ApiCall {
  return managementCall(rng, {
    time,
    caller,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: action,
    readOnly: false,
    requestParameters: { name: trailArn(trail.account.id, trail.name) },
  });
}

/** Replace a trail's event selectors; an empty dataResources list stops S3 data events. */
export function putEventSelectors(
  rng: Random,
  time: number,
  caller: Caller,
  trail: { account: { id: string }; name: string },
  s3DataEvents: boolean,
): ApiCall {
  const eventSelectors = [
    {
      readWriteType: 'All',
      includeManagementEvents: true,
      dataResources: s3DataEvents ? [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] : [],
      excludeManagementEventSources: [],
    },
  ];
  return managementCall(rng, {
    time,
    caller,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'PutEventSelectors',
    readOnly: false,
    requestParameters: { trailName: trail.name, eventSelectors },
    responseElements: { trailARN: trailArn(trail.account.id, trail.name), eventSelectors },
  });
}
