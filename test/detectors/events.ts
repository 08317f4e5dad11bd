/**
 * Builders for detector test cases: CloudTrail records and S3 access-log lines written in AWS's
 * own formats, so cases run through the real parsers.
 */
export type Json = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const OWNER_CANONICAL = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

let counter = 0;
function nextId(prefix: string): string {
  counter++;
  return `${prefix}${counter.toString(16).padStart(12, '0')}`;
}

export function uuid(): string {
  const h = nextId('');
  return `00000000-0000-4000-8000-${h.slice(-12)}`;
}

export function iso(t: Date | string | number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

// --- identities (CloudTrail userIdentity + the matching access-log requester) ---
export interface Identity {
  userIdentity: Json | undefined;
  requester: string;
}

export function role(name: string, session = 'session-1', account = ACCOUNT, path = ''): Identity {
  return {
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${name.toUpperCase()}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${name}/${session}`,
      accountId: account,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLE${name.toUpperCase()}`, arn: `arn:aws:iam::${account}:role/${path}${name}`, accountId: account, userName: name },
        attributes: { creationDate: '2026-03-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    requester: `arn:aws:sts::${account}:assumed-role/${name}/${session}`,
  };
}

export function user(name: string, account = ACCOUNT): Identity {
  return {
    userIdentity: { type: 'IAMUser', principalId: `AIDAEXAMPLE${name.toUpperCase()}`, arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, accessKeyId: 'AKIAEXAMPLEKEY', userName: name },
    requester: `arn:aws:iam::${account}:user/${name}`,
  };
}

export function root(account = ACCOUNT): Identity {
  return {
    userIdentity: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: 'ASIAROOTKEY' },
    requester: `arn:aws:iam::${account}:root`,
  };
}

export function service(name: string): Identity {
  return { userIdentity: { type: 'AWSService', invokedBy: name }, requester: name };
}

export const anonymous: Identity = {
  userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
  requester: '-',
};

// --- CloudTrail ---
export interface CtInput {
  who?: Identity;
  time?: Date | string | number;
  eventName?: string;
  eventSource?: string;
  bucket?: string;
  key?: string;
  ip?: string;
  userAgent?: string;
  errorCode?: string;
  bytesOut?: number;
  tls?: string | null;
  requestParameters?: Json | null;
  readOnly?: boolean;
  eventType?: string;
  extra?: Json;
}

export function ct(i: CtInput = {}): Json {
  const who = i.who ?? role('AppReader');
  const isData = i.eventType === undefined && (i.eventName ?? 'GetObject').endsWith('Object');
  const record: Json = {
    eventVersion: '1.09',
    userIdentity: who.userIdentity,
    eventTime: iso(i.time ?? '2026-03-10T12:00:00Z'),
    eventSource: i.eventSource ?? 's3.amazonaws.com',
    eventName: i.eventName ?? 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: i.ip ?? '192.0.2.10',
    userAgent: i.userAgent ?? '[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64]',
    requestParameters: i.requestParameters !== undefined ? i.requestParameters : { bucketName: i.bucket ?? 'data-bucket', key: i.key ?? 'reports/a.csv', Host: `${i.bucket ?? 'data-bucket'}.s3.us-east-1.amazonaws.com` },
    responseElements: null,
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, bytesTransferredOut: i.bytesOut ?? 1024, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': nextId('hostid') },
    requestID: nextId('REQ').toUpperCase(),
    eventID: uuid(),
    readOnly: i.readOnly ?? !/^(Put|Delete|Create|Stop|Update|Restore|Copy)/.test(i.eventName ?? 'GetObject'),
    eventType: i.eventType ?? 'AwsApiCall',
    managementEvent: !isData,
    recipientAccountId: ACCOUNT,
    eventCategory: isData ? 'Data' : 'Management',
    ...(i.tls === null ? {} : { tlsDetails: { tlsVersion: i.tls ?? 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 's3.amazonaws.com' } }),
    ...(i.errorCode ? { errorCode: i.errorCode, errorMessage: 'Access Denied' } : {}),
    ...(i.extra ?? {}),
  };
  return record;
}

/** A delivered CloudTrail log file body. */
export function ctFile(records: Json[]): string {
  return JSON.stringify({ Records: records });
}

// --- S3 server access logs ---
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function salTime(t: Date | string | number): string {
  const d = new Date(t);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`;
}

export interface SalInput {
  who?: Identity;
  time?: Date | string | number;
  bucket?: string;
  operation?: string;
  key?: string;
  ip?: string;
  status?: number;
  errorCode?: string;
  bytesSent?: number;
  userAgent?: string;
  sigv?: string;
  cipher?: string;
  tls?: string;
  authType?: string;
  /** Cut the line to this many fields (older formats). */
  fields?: number;
  requestId?: string;
}

const OP_METHOD: Record<string, string> = { GET: 'GET', PUT: 'PUT', DELETE: 'DELETE', HEAD: 'HEAD', POST: 'POST', COPY: 'PUT' };

export function sal(i: SalInput = {}): string {
  const bucket = i.bucket ?? 'data-bucket';
  const op = i.operation ?? 'REST.GET.OBJECT';
  const key = i.key ?? 'reports/a.csv';
  const method = OP_METHOD[op.split('.')[1] ?? 'GET'] ?? 'GET';
  const status = i.status ?? (i.errorCode ? 403 : 200);
  const fields = [
    OWNER_CANONICAL,
    bucket,
    salTime(i.time ?? '2026-03-10T12:00:00Z'),
    i.ip ?? '192.0.2.10',
    (i.who ?? role('AppReader')).requester,
    i.requestId ?? nextId('R').toUpperCase(),
    op,
    key,
    `"${method} /${bucket}/${key} HTTP/1.1"`,
    String(status),
    i.errorCode ?? '-',
    String(i.bytesSent ?? 1024),
    '4096',
    '12',
    '10',
    '"-"',
    `"${i.userAgent ?? 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64'}"`,
    '-',
    nextId('hostid') + '=',
    i.sigv ?? 'SigV4',
    i.cipher ?? 'TLS_AES_128_GCM_SHA256',
    i.authType ?? 'AuthHeader',
    `${bucket}.s3.us-east-1.amazonaws.com`,
    i.tls ?? 'TLSv1.3',
    '-',
    '-',
    'us-east-1',
  ];
  return fields.slice(0, i.fields ?? fields.length).join(' ');
}

/** Times spread over `hours` hours from `start`, `perHour` events each hour. */
export function hourly(start: string | Date, hours: number, perHour: number): Date[] {
  const out: Date[] = [];
  const t0 = new Date(start).getTime();
  for (let h = 0; h < hours; h++) for (let k = 0; k < perHour; k++) out.push(new Date(t0 + h * 3_600_000 + Math.floor((k * 3_600_000) / Math.max(perHour, 1))));
  return out;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
