/**
 * One simulated request, described once and rendered by both writers: as a CloudTrail record
 * (when the trail records it) and as an access-log line (when the bucket logs it). Rendering
 * both from the same value keeps request ids, times, principals and TLS consistent.
 */
import type { Actor, Bucket, TlsVersion } from './org.js';
import { ALNUM, type Random, UPPER_ALNUM } from './random.js';

export interface Transport {
  /** null = plain HTTP. */
  tlsVersion: TlsVersion | null;
  cipherSuite: string | null;
  /** null = unauthenticated (anonymous). */
  signatureVersion: 'SigV4' | 'SigV2' | null;
  authType: 'AuthHeader' | 'QueryString' | null;
}

/** An STS session of an assumed role (or a console session of the root user). */
export interface Session {
  name: string;
  accessKeyId: string;
  createdAt: number;
  mfaAuthenticated: boolean;
  fromConsole: boolean;
}

export interface Caller {
  actor: Actor;
  session: Session | null;
  /** What S3 sees as the remote address; CloudTrail prints the service name instead when invokedBy is set. */
  sourceIp: string;
  userAgent: string;
  transport: Transport;
}

/** The S3 side of a request: everything an access-log line needs beyond the caller. */
export interface S3Request {
  bucket: Bucket | null;
  key: string | null;
  /** Access-log operation, e.g. REST.GET.OBJECT. */
  operation: string;
  /** `GET /key HTTP/1.1`; null for lifecycle actions. */
  requestUri: string | null;
  httpStatus: number | null;
  bytesSent: number;
  bytesReceived: number;
  objectSize: number | null;
  totalTimeMs: number | null;
  turnAroundMs: number | null;
  hostHeader: string;
  referer: string | null;
  versionId: string | null;
  /** x-amz-id-2 (access-log Host Id). */
  hostId: string;
}

export interface ApiCall {
  time: number;
  caller: Caller;
  eventSource: string;
  eventName: string;
  region: string;
  /** Endpoint host the client connected to (tlsDetails.clientProvidedHostHeader). */
  endpoint: string;
  recipientAccountId: string;
  readOnly: boolean;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  eventCategory: 'Management' | 'Data';
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** Non-S3 extras (ConsoleLogin); S3 calls derive theirs from `s3` and the transport. */
  additionalEventData: Record<string, unknown> | null;
  resources: Record<string, string>[] | null;
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
  eventId: string;
  /** Set when the caller belongs to another account than the recipient. */
  sharedEventId: string | null;
  /** eventID of the caller account's own copy of a cross-account request (if its trail records it). */
  requesterEventId: string | null;
  s3: S3Request | null;
  inCloudTrail: boolean;
  inAccessLog: boolean;
  /** Delivery quirks, per log kind. */
  delivery: { cloudTrail: DeliveryQuirk; accessLog: DeliveryQuirk };
}

/** Delivered a second time in the next log object, or this many minutes late. */
export interface DeliveryQuirk {
  duplicate: boolean;
  lateMinutes: number;
}

export function onTime(): ApiCall['delivery'] {
  return { cloudTrail: { duplicate: false, lateMinutes: 0 }, accessLog: { duplicate: false, lateMinutes: 0 } };
}

export const CIPHERS: Record<TlsVersion, readonly string[]> = {
  'TLSv1.3': ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'],
  'TLSv1.2': ['ECDHE-RSA-AES128-GCM-SHA256'],
  'TLSv1.1': ['ECDHE-RSA-AES128-SHA'],
  TLSv1: ['ECDHE-RSA-AES128-SHA', 'AES128-SHA'],
};

export function tlsTransport(
  rng: Random,
  version: TlsVersion | null,
  signatureVersion: Transport['signatureVersion'] = 'SigV4',
): Transport {
  return {
    tlsVersion: version,
    cipherSuite: version === null ? null : rng.weighted(CIPHERS[version].map((c, i) => [c, i === 0 ? 4 : 1] as const)),
    signatureVersion,
    authType: signatureVersion === null ? null : 'AuthHeader',
  };
}

/** A caller with the actor's usual network, client and TLS. */
export function usualCaller(rng: Random, actor: Actor, session: Session | null, ip?: string): Caller {
  return {
    actor,
    session,
    sourceIp: ip ?? rng.pick(actor.ips),
    userAgent: rng.pick(actor.userAgents),
    transport: tlsTransport(rng, actor.tls, actor.principal.kind === 'anonymous' ? null : 'SigV4'),
  };
}

export function newSession(
  rng: Random,
  name: string,
  createdAt: number,
  opts: { mfa?: boolean; console?: boolean } = {},
): Session {
  return {
    name,
    accessKeyId: `ASIA${rng.chars(16, UPPER_ALNUM)}`,
    createdAt,
    mfaAuthenticated: opts.mfa ?? false,
    fromConsole: opts.console ?? false,
  };
}

/** S3 request ids are 16 upper-case alphanumerics. */
export function s3RequestId(rng: Random): string {
  return rng.chars(16, UPPER_ALNUM);
}

/** x-amz-id-2: base64 of random bytes, 76 characters like real ones. */
export function s3HostId(rng: Random): string {
  return rng.bytes(56).toString('base64');
}

export function versionId(rng: Random): string {
  return rng.chars(32, ALNUM + '._');
}
