/**
 * A deliberately plain JSON.parse-based CloudTrail reader, for differential tests of the byte
 * scanner: the same column rules written the obvious way on parsed objects.
 */
import { normalizeUserIdentity } from '../../parsers/principal.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface ExpectedRow {
  [column: string]: unknown;
}

export type Outcome =
  | { kind: 'event'; row: ExpectedRow; missingTime: boolean; invalidTime: boolean }
  | { kind: 'digest' }
  | { kind: 'skipped'; reason: 'unknown_format' | 'invalid_event_time' }
  | { kind: 'unknown'; reason: 'unknown_format' | 'malformed_json' }
  | { kind: 'control' };

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isTextValue = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** Integers as an Int64 column holds them (no -0). */
export function integer(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && JSON_NUMBER.test(v) ? Number(v) : NaN;
  const t = Math.trunc(n) + 0;
  return t >= -(2 ** 63) && t < 2 ** 63 ? t : null;
}

export function boolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return null;
}

/** eventTime → epoch ms, NaN when not a time. */
export function eventTime(s: string): number {
  const m = TIME.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const daysIn = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn[mo - 1] || h > 23 || mi > 59 || se > 60) return NaN;
  if (m[10] !== undefined && Number(m[10]) > 23) return NaN;
  if (m[11] !== undefined && Number(m[11]) > 59) return NaN;
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0)) : 0;
  // Date.UTC maps years 0–99 to 1900–1999: compute 400 years later (same calendar) and shift back.
  const shift = y < 100 ? 400 : 0;
  const t = Date.UTC(y + shift, mo - 1, d, h, mi, se, ms) - shift * 146097 * 86_400_000;
  return t - offset * 60_000;
}

const EVENT_KEYS = [
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'eventType', 'eventID', 'userIdentity', 'awsRegion',
  'recipientAccountId', 'insightDetails', 'requestParameters', 'sourceIPAddress',
];

/** What the parser should make of one top-level value or array element (envelopes expand to several). */
export function classify(v: unknown, at: number, uri: string): Outcome[] {
  if (!isObj(v)) return [{ kind: 'unknown', reason: 'unknown_format' }];
  if (Array.isArray(v.Records)) return v.Records.flatMap((r) => classify(r, at, uri));
  if (has(v, 'digestStartTime') || has(v, 'digestEndTime') || has(v, 'digestS3Object')) return [{ kind: 'digest' }];
  if (isObj(v.detail) && has(v, 'detail-type')) return classify(v.detail, at, uri);
  if (Array.isArray(v.logEvents)) {
    if (text(v.messageType) === 'CONTROL_MESSAGE') return [{ kind: 'control' }];
    return v.logEvents.flatMap((e): Outcome[] => {
      if (!isObj(e) || typeof e.message !== 'string') return [{ kind: 'unknown', reason: 'unknown_format' }];
      const m = e.message.trim();
      if (!m.startsWith('{')) return [{ kind: 'unknown', reason: 'unknown_format' }];
      let inner: unknown;
      try {
        inner = JSON.parse(m);
      } catch {
        return [{ kind: 'unknown', reason: 'malformed_json' }];
      }
      return classify(inner, at, uri);
    });
  }
  if ((isObj(v.s3) && (has(v.s3, 'bucket') || has(v.s3, 'object'))) || text(v.eventSource) === 'aws:s3') {
    return [{ kind: 'skipped', reason: 'unknown_format' }];
  }
  if (!EVENT_KEYS.some((k) => has(v, k))) return [{ kind: 'unknown', reason: 'unknown_format' }];
  return [event(v, at, uri)];
}

export function event(r: Obj, at: number, uri: string): Outcome {
  let time: number | null = null;
  const t = r.eventTime;
  const missingTime = t === undefined || t === null;
  if (!missingTime) {
    time = typeof t === 'string' ? eventTime(t) : NaN;
    // A schema placeholder (its values are the field names) is not an event; any other
    // unreadable eventTime is kept with a null time (and reported).
    if (t === 'eventTime') return { kind: 'skipped', reason: 'unknown_format' };
    if (Number.isNaN(time)) time = null;
  }
  const invalidTime = !missingTime && time === null;
  const ui = r.userIdentity;
  const sc = isObj(ui) ? ui.sessionContext : undefined;
  const issuer = isObj(sc) ? sc.sessionIssuer : undefined;
  const id = isObj(ui)
    ? normalizeUserIdentity({
        present: true,
        type: text(ui.type),
        arn: text(ui.arn),
        accountId: text(ui.accountId),
        principalId: text(ui.principalId),
        userName: text(ui.userName),
        invokedBy: text(ui.invokedBy),
        issuerType: isObj(issuer) ? text(issuer.type) : null,
        issuerArn: isObj(issuer) ? text(issuer.arn) : null,
      })
    : normalizeUserIdentity({ present: false });
  const insight = isObj(r.insightDetails) ? r.insightDetails : null;
  const rp = isObj(r.requestParameters) ? r.requestParameters : null;
  const aed = isObj(r.additionalEventData) ? r.additionalEventData : null;
  const tls = isObj(r.tlsDetails) ? r.tlsDetails : null;
  const ua = text(r.userAgent);
  const row: ExpectedRow = {
    time,
    log_kind: 'cloudtrail',
    event_source: insight && isTextValue(insight.eventSource) ? text(insight.eventSource) : text(r.eventSource),
    action: insight && isTextValue(insight.eventName) ? text(insight.eventName) : text(r.eventName),
    operation: null,
    principal: id.principal,
    principal_type: id.type,
    principal_arn: id.arn,
    session_name: id.session,
    principal_account: id.account,
    invoked_by: isObj(ui) ? text(ui.invokedBy) : null,
    access_key_id: (isObj(ui) ? text(ui.accessKeyId) : null) || null,
    source_ip: text(r.sourceIPAddress),
    user_agent: ua !== null && ua.length >= 2 && ua.startsWith('[') && ua.endsWith(']') ? ua.slice(1, -1) : ua,
    region: text(r.awsRegion),
    bucket: rp ? text(rp.bucketName) : null,
    object_key: rp ? text(rp.key) : null,
    owner_account: text(r.recipientAccountId),
    http_status: null,
    error_code: text(r.errorCode),
    bytes_out: aed ? integer(aed.bytesTransferredOut) : null,
    bytes_in: aed ? integer(aed.bytesTransferredIn) : null,
    object_size: null,
    total_time_ms: null,
    tls_version: tls ? text(tls.tlsVersion) : null,
    cipher_suite: tls && isTextValue(tls.cipherSuite) ? text(tls.cipherSuite) : aed ? text(aed.CipherSuite) : null,
    signature_version: aed ? text(aed.SignatureVersion) : null,
    auth_type: aed ? text(aed.AuthenticationMethod) : null,
    request_id: text(r.requestID),
    host_id: aed ? text(aed['x-amz-id-2']) : null,
    event_id: text(r.eventID),
    read_only: boolean(r.readOnly),
    event_type: isTextValue(r.eventType) ? text(r.eventType) : insight ? 'AwsCloudTrailInsight' : null,
    vpc_endpoint_id: text(r.vpcEndpointId),
    request_parameters: r.requestParameters === undefined || r.requestParameters === null ? null : r.requestParameters,
    origin_uri: uri,
    origin_index: at,
  };
  return { kind: 'event', row, missingTime, invalidTime };
}

/** Compare a parsed row with the reference; request_parameters is compared as parsed JSON. */
export function normalizeActual(row: Record<string, unknown>): Record<string, unknown> {
  const rp = row.request_parameters;
  return { ...row, request_parameters: typeof rp === 'string' ? (JSON.parse(rp) as unknown) : rp };
}

/** Values of one input: whole-document JSON (wrapper, array or single value) or NDJSON lines. */
export function referenceValues(textInput: string): { value: unknown; at: number; byLine: boolean }[] {
  const t = textInput.replace(/^\uFEFF/, '');
  let whole: unknown;
  let ok = true;
  try {
    whole = JSON.parse(t);
  } catch {
    ok = false;
  }
  if (ok && (Array.isArray(whole) || (isObj(whole) && Array.isArray(whole.Records)))) {
    const items = Array.isArray(whole) ? whole : (whole as Obj).Records as Json[];
    return items.map((value, i) => ({ value, at: i, byLine: false }));
  }
  if (ok) {
    const leading = t.slice(0, t.length - t.trimStart().length);
    return [{ value: whole, at: leading.split('\n').length, byLine: true }];
  }
  const out: { value: unknown; at: number; byLine: boolean }[] = [];
  t.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    out.push({ value: JSON.parse(line) as unknown, at: i + 1, byLine: true });
  });
  return out;
}
