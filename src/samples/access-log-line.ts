/**
 * Renders an ApiCall as one S3 server access log line in AWS's current 27-field format
 * (FORMATS.md §1.2, §1.7): bare fields, `[time]`, quoted Request-URI / Referer / User-Agent.
 */
import type { ApiCall } from './api-call.js';
import { accessLogTime } from './clock.js';
import { iamArn, sessionArn } from './org.js';
import { encodeKey } from './s3-calls.js';

const dash = (v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '-' : String(v);
const quoted = (v: string | null): string => `"${v ?? '-'}"`;

export function toAccessLogLine(call: ApiCall): string {
  const s3 = call.s3;
  if (s3 === null || s3.bucket === null) throw new Error(`${call.eventName} has no bucket to log against`);
  const { actor, transport: t } = call.caller;
  const lifecycle = s3.operation.startsWith('S3.');
  const fields = [
    s3.bucket.account.canonicalUserId,
    s3.bucket.name,
    `[${accessLogTime(call.time)}]`,
    lifecycle ? '-' : call.caller.sourceIp,
    requester(call),
    call.requestId,
    s3.operation,
    s3.key === null ? '-' : encodeKey(s3.key),
    quoted(s3.requestUri),
    dash(s3.httpStatus),
    dash(call.errorCode),
    s3.bytesSent === 0 ? '-' : String(s3.bytesSent),
    dash(s3.objectSize),
    dash(s3.totalTimeMs),
    dash(s3.turnAroundMs),
    quoted(s3.referer),
    quoted(lifecycle ? null : call.caller.userAgent),
    dash(s3.versionId),
    s3.hostId,
    lifecycle ? '-' : dash(t.signatureVersion),
    lifecycle ? '-' : dash(t.cipherSuite),
    lifecycle ? '-' : dash(t.authType),
    lifecycle ? '-' : s3.hostHeader,
    lifecycle ? '-' : dash(t.tlsVersion),
    '-',
    '-',
    actor.inAws && !lifecycle ? call.region : '-',
  ];
  return fields.join(' ');
}

function requester(call: ApiCall): string {
  const { actor, session } = call.caller;
  const p = actor.principal;
  switch (p.kind) {
    case 'anonymous':
      return '-';
    case 'service':
      return p.service === 'AmazonS3' ? 'AmazonS3' : `svc:${p.service}`;
    case 'role':
      return sessionArn(p, session?.name ?? 'session');
    default:
      return iamArn(p);
  }
}
