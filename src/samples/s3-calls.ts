/**
 * Builds S3 requests: the API name CloudTrail uses, the operation and Request-URI the access
 * log prints, sizes, status codes, and which of the two logs records the request.
 */
import { onTime, s3HostId, s3RequestId, versionId, type ApiCall, type Caller } from './api-call.js';
import { HOME_REGION, principalAccount, type Bucket } from './org.js';
import type { Random } from './random.js';

interface OpSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** Resource type in the access-log operation (REST.GET.<resource>); null = not in access logs. */
  resource: string | null;
  /** Query-string subresource (`?policy`), also echoed as an empty requestParameters member. */
  subresource?: string;
  data: boolean;
  readOnly: boolean;
  object: boolean;
  /** Account-level S3 Control call (no bucket). */
  control?: boolean;
}

const op = (method: OpSpec['method'], resource: string | null, rest: Partial<OpSpec> = {}): OpSpec => ({
  method,
  resource,
  data: false,
  readOnly: method === 'GET' || method === 'HEAD',
  object: false,
  ...rest,
});
const objectOp = (method: OpSpec['method']): OpSpec => op(method, 'OBJECT', { data: true, object: true });
const config = (method: OpSpec['method'], resource: string, subresource: string): OpSpec =>
  op(method, resource, { subresource });

const S3_OPS = {
  GetObject: objectOp('GET'),
  HeadObject: objectOp('HEAD'),
  PutObject: objectOp('PUT'),
  DeleteObject: objectOp('DELETE'),
  DeleteObjects: op('POST', 'MULTI_OBJECT_DELETE', { data: true, subresource: 'delete', readOnly: false }),
  ListObjects: op('GET', 'BUCKET', { data: true }),
  ListBuckets: op('GET', null),
  GetBucketLocation: config('GET', 'LOCATION', 'location'),
  GetBucketAcl: config('GET', 'ACL', 'acl'),
  GetBucketPolicy: config('GET', 'BUCKETPOLICY', 'policy'),
  PutBucketPolicy: config('PUT', 'BUCKETPOLICY', 'policy'),
  DeleteBucketPolicy: config('DELETE', 'BUCKETPOLICY', 'policy'),
  GetBucketVersioning: config('GET', 'VERSIONING', 'versioning'),
  PutBucketVersioning: config('PUT', 'VERSIONING', 'versioning'),
  GetBucketLogging: config('GET', 'LOGGING_STATUS', 'logging'),
  PutBucketLogging: config('PUT', 'LOGGING_STATUS', 'logging'),
  GetBucketEncryption: config('GET', 'ENCRYPTION', 'encryption'),
  PutBucketEncryption: config('PUT', 'ENCRYPTION', 'encryption'),
  DeleteBucketEncryption: config('DELETE', 'ENCRYPTION', 'encryption'),
  GetBucketPublicAccessBlock: config('GET', 'PUBLIC_ACCESS_BLOCK', 'publicAccessBlock'),
  PutBucketPublicAccessBlock: config('PUT', 'PUBLIC_ACCESS_BLOCK', 'publicAccessBlock'),
  DeleteBucketPublicAccessBlock: config('DELETE', 'PUBLIC_ACCESS_BLOCK', 'publicAccessBlock'),
  GetBucketLifecycle: config('GET', 'LIFECYCLE', 'lifecycle'),
  PutBucketLifecycle: config('PUT', 'LIFECYCLE', 'lifecycle'),
  GetBucketTagging: config('GET', 'TAGGING', 'tagging'),
  PutBucketTagging: config('PUT', 'TAGGING', 'tagging'),
  GetAccountPublicAccessBlock: op('GET', null, { control: true }),
  PutAccountPublicAccessBlock: op('PUT', null, { control: true }),
  DeleteAccountPublicAccessBlock: op('DELETE', null, { control: true }),
} satisfies Record<string, OpSpec>;

export type S3Api = keyof typeof S3_OPS;

const ERRORS: Record<string, { status: number; message: string; bytes: number }> = {
  AccessDenied: { status: 403, message: 'Access Denied', bytes: 243 },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.', bytes: 298 },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist', bytes: 297 },
  ServerSideEncryptionConfigurationNotFoundError: {
    status: 404,
    message: 'The server side encryption configuration was not found',
    bytes: 375,
  },
  NoSuchLifecycleConfiguration: { status: 404, message: 'The lifecycle configuration does not exist', bytes: 326 },
  NoSuchPublicAccessBlockConfiguration: {
    status: 404,
    message: 'The public access block configuration was not found',
    bytes: 353,
  },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist', bytes: 278 },
};

export interface S3CallInput {
  time: number;
  caller: Caller;
  api: S3Api;
  bucket?: Bucket;
  key?: string;
  /** Object size for object operations; response body size for listings and config reads. */
  size?: number;
  errorCode?: string;
  /** Extra requestParameters: configuration bodies, listing prefix … */
  params?: Record<string, unknown>;
  /** Query string of the Request-URI beyond the subresource (`list-type=2&prefix=…`). */
  query?: string;
  region?: string;
  referer?: string;
}

/** A ListObjectsV2 call (CloudTrail names it ListObjects; the access log REST.GET.BUCKET). */
export function listObjects(rng: Random, time: number, caller: Caller, bucket: Bucket, prefix: string, errorCode?: string): ApiCall {
  return s3Call(rng, {
    time,
    caller,
    api: 'ListObjects',
    bucket,
    errorCode,
    params: { 'list-type': '2', prefix, 'encoding-type': 'url' },
    query: `list-type=2&prefix=${encodeURIComponent(prefix)}&encoding-type=url`,
  });
}

/** URL-encode a key the way access logs print it (slashes kept). */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

export function s3Call(rng: Random, input: S3CallInput): ApiCall {
  const spec: OpSpec = S3_OPS[input.api];
  const { caller, bucket = null, key = null } = input;
  const region = input.region ?? bucket?.region ?? HOME_REGION;
  const error = input.errorCode ? ERRORS[input.errorCode] ?? { status: 400, message: input.errorCode, bytes: 250 } : null;
  const ok = error === null;
  const size = input.size ?? 0;
  const callerAccount = principalAccount(caller.actor.principal);
  const recipient = bucket?.account.id ?? callerAccount?.id ?? '';
  const crossAccount = callerAccount !== null && callerAccount.id !== recipient;
  const host = hostHeader(caller, bucket, region, spec, recipient);
  const bytesReceived = ok && input.api === 'PutObject' ? size : spec.method === 'PUT' ? bodySize(input.params) : 0;
  const bytesSent = !ok
    ? error.bytes
    : input.api === 'GetObject'
      ? size
      : spec.method === 'GET'
        ? input.size ?? rng.int(180, 1600)
        : 0;
  const transfer = Math.max(bytesSent, bytesReceived);
  const totalTimeMs = rng.int(4, 40) + Math.round(transfer / 30_000);

  return {
    time: input.time,
    caller,
    eventSource: 's3.amazonaws.com',
    eventName: input.api,
    region,
    endpoint: host,
    recipientAccountId: recipient,
    readOnly: spec.readOnly,
    eventType: 'AwsApiCall',
    eventCategory: spec.data ? 'Data' : 'Management',
    requestParameters: requestParameters(spec, bucket, key, host, input.params),
    responseElements: ok ? responseElements(rng, input.api, bucket) : null,
    additionalEventData: null,
    resources: resources(spec, bucket, key, input.params),
    errorCode: input.errorCode ?? null,
    errorMessage: error?.message ?? null,
    requestId: s3RequestId(rng),
    eventId: rng.uuid(),
    sharedEventId: crossAccount ? rng.uuid() : null,
    requesterEventId: crossAccount ? rng.uuid() : null,
    s3: {
      bucket,
      key,
      operation: spec.resource === null ? '' : `REST.${spec.method}.${spec.resource}`,
      requestUri: requestUri(spec, caller, bucket, key, input.query),
      httpStatus: error?.status ?? (spec.method === 'DELETE' ? 204 : 200),
      bytesSent,
      bytesReceived,
      objectSize: ok && spec.object && input.api !== 'DeleteObject' ? size : null,
      totalTimeMs,
      turnAroundMs: Math.min(totalTimeMs, rng.int(2, 25)),
      hostHeader: host,
      referer: input.referer ?? null,
      versionId: null,
      hostId: s3HostId(rng),
    },
    inCloudTrail: spec.data ? recordsDataEvent(bucket, spec.readOnly) : true,
    inAccessLog: bucket !== null && bucket.accessLogged && spec.resource !== null,
    delivery: onTime(),
  };
}

/** A lifecycle expiration: access logs only (CloudTrail does not record lifecycle actions). */
export function lifecycleExpiration(
  rng: Random,
  time: number,
  caller: Caller,
  bucket: Bucket,
  key: string,
  size: number,
  expiredVersionId: string | null,
): ApiCall {
  const call = s3Call(rng, { time, caller, api: 'DeleteObject', bucket, key });
  call.inCloudTrail = false;
  call.s3 = {
    ...call.s3!,
    operation: 'S3.EXPIRE.OBJECT',
    requestUri: null,
    httpStatus: null,
    bytesSent: 0,
    objectSize: size,
    totalTimeMs: null,
    turnAroundMs: null,
    versionId: expiredVersionId,
  };
  return call;
}

function recordsDataEvent(bucket: Bucket | null, readOnly: boolean): boolean {
  if (bucket === null) return false;
  return bucket.dataEvents === 'all' || (bucket.dataEvents === 'write-only' && !readOnly);
}

function hostHeader(caller: Caller, bucket: Bucket | null, region: string, spec: OpSpec, account: string): string {
  if (spec.control) return `${account}.s3-control.${region}.amazonaws.com`;
  const style = caller.actor.hostStyle;
  if (bucket === null) return style === 'regional' ? `s3.${region}.amazonaws.com` : 's3.amazonaws.com';
  if (style === 'path') return 's3.amazonaws.com';
  return style === 'regional' ? `${bucket.name}.s3.${region}.amazonaws.com` : `${bucket.name}.s3.amazonaws.com`;
}

function requestUri(spec: OpSpec, caller: Caller, bucket: Bucket | null, key: string | null, query?: string): string {
  const base = caller.actor.hostStyle === 'path' && bucket ? `/${bucket.name}` : '';
  const path = key !== null && spec.object ? `${base}/${encodeKey(key)}` : base === '' ? '/' : base;
  const parts = [spec.subresource, query].filter((p): p is string => p !== undefined && p !== '');
  return `${spec.method} ${path}${parts.length ? '?' + parts.join('&') : ''} HTTP/1.1`;
}

function requestParameters(
  spec: OpSpec,
  bucket: Bucket | null,
  key: string | null,
  host: string,
  params?: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  if (bucket) out.bucketName = bucket.name;
  out.Host = host;
  if (spec.subresource) out[spec.subresource] = '';
  if (key !== null && spec.object) out.key = key;
  return out;
}

function responseElements(rng: Random, api: S3Api, bucket: Bucket | null): Record<string, unknown> | null {
  if (api !== 'PutObject') return null;
  const out: Record<string, unknown> = { 'x-amz-server-side-encryption': 'AES256' };
  if (bucket?.versioned) out['x-amz-version-id'] = versionId(rng);
  return out;
}

function resources(
  spec: OpSpec,
  bucket: Bucket | null,
  key: string | null,
  params?: Record<string, unknown>,
): Record<string, string>[] | null {
  if (bucket === null) return null;
  const bucketArn = `arn:aws:s3:::${bucket.name}`;
  const owner = { accountId: bucket.account.id, type: 'AWS::S3::Bucket', ARN: bucketArn };
  if (spec.object && key !== null) return [{ type: 'AWS::S3::Object', ARN: `${bucketArn}/${key}` }, owner];
  if (spec.data) {
    const prefix = typeof params?.prefix === 'string' ? params.prefix : '';
    return [{ type: 'AWS::S3::Object', ARNPrefix: `${bucketArn}/${prefix}` }, owner];
  }
  return [owner];
}

function bodySize(params?: Record<string, unknown>): number {
  return params ? JSON.stringify(params).length + 40 : 0;
}
