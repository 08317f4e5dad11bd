/**
 * Readers for the `requestParameters` CloudTrail logs for S3 and CloudTrail configuration calls.
 * CloudTrail turns the XML request bodies into JSON, so a one-element list is an object, a
 * boolean may be a string, an empty body is `""`, and headers are strings or one-element arrays;
 * every reader accepts all of those and returns null when the request does not say.
 */
import { asList, field, isObject, type Json } from './bucket-policy.js';

type Obj = { [k: string]: Json };

function obj(v: Json | undefined): Obj | null {
  return isObject(v) ? v : null;
}

/** A nested field by path, case-insensitively. */
export function dig(v: Json | undefined, ...path: string[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const p of path) {
    const o = obj(cur);
    if (!o) return undefined;
    cur = field(o, p);
  }
  return cur;
}

function text(v: Json | undefined): string | null {
  if (Array.isArray(v)) return v.length > 0 ? text(v[0]) : null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function truthy(v: Json | undefined): boolean | null {
  const t = text(v);
  if (t === null) return null;
  const l = t.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : null;
}

export const PAB_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/**
 * The public access block flags a Put*PublicAccessBlock turns off (an omitted flag is false, as
 * in the API); null when the request carries no configuration.
 */
export function publicAccessBlockOff(params: Json): string[] | null {
  const cfg = obj(dig(params, 'PublicAccessBlockConfiguration'));
  if (!cfg) return null;
  return PAB_FLAGS.filter((f) => truthy(field(cfg, f)) !== true);
}

const PUBLIC_GROUPS: Readonly<Record<string, string>> = {
  'http://acs.amazonaws.com/groups/global/allusers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/authenticatedusers': 'AuthenticatedUsers',
};
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/** Public grants of a Put{Bucket,Object}Acl: `AllUsers:READ`, `x-amz-acl:public-read`, `AuthenticatedUsers:x-amz-grant-write`. */
export function publicAclGrants(params: Json): string[] {
  const out: string[] = [];
  for (const g of asList(dig(params, 'AccessControlPolicy', 'AccessControlList', 'Grant'))) {
    const uri = text(dig(g, 'Grantee', 'URI'));
    const group = uri ? PUBLIC_GROUPS[uri.trim().toLowerCase()] : undefined;
    if (group) out.push(`${group}:${text(dig(g, 'Permission')) ?? '?'}`);
  }
  const p = obj(params);
  if (!p) return out;
  for (const v of asList(field(p, 'x-amz-acl'))) {
    const canned = text(v)?.trim().toLowerCase();
    if (canned && PUBLIC_CANNED.has(canned)) out.push(`x-amz-acl:${canned}`);
  }
  for (const h of GRANT_HEADERS) {
    for (const v of asList(field(p, h))) {
      const t = (text(v) ?? '').toLowerCase();
      for (const [uri, group] of Object.entries(PUBLIC_GROUPS)) if (t.includes(uri)) out.push(`${group}:${h}`);
    }
  }
  return out;
}

/** PutBucketLogging: true when the new status has no LoggingEnabled; null when the body is not logged. */
export function loggingDisabled(params: Json): boolean | null {
  const status = dig(params, 'BucketLoggingStatus');
  if (status === undefined || status === null) return null;
  const enabled = dig(status, 'LoggingEnabled');
  return enabled === undefined || enabled === null || enabled === '';
}

export interface Versioning {
  status: string | null;
  mfaDelete: string | null;
}

export function versioning(params: Json): Versioning {
  const cfg = dig(params, 'VersioningConfiguration');
  return { status: text(dig(cfg, 'Status')), mfaDelete: text(dig(cfg, 'MfaDelete')) };
}

/** Object Lock default retention as `MODE:days` (years as 365 days), `none` without a rule; null when unreadable. */
export function objectLockDefault(params: Json): string | null {
  const cfg = dig(params, 'ObjectLockConfiguration');
  if (!obj(cfg)) return null;
  const r = dig(cfg, 'Rule', 'DefaultRetention');
  if (!obj(r)) return 'none';
  const mode = (text(dig(r, 'Mode')) ?? '?').toUpperCase();
  const days = Number(text(dig(r, 'Days')) ?? NaN);
  const years = Number(text(dig(r, 'Years')) ?? NaN);
  const total = Number.isFinite(days) ? days : Number.isFinite(years) ? years * 365 : NaN;
  return `${mode}:${Number.isFinite(total) ? total : '?'}`;
}

/** `x-amz-bypass-governance-retention: true` or `bypassGovernanceRetention: true`, in any spelling. */
export function bypassesGovernance(params: Json): boolean {
  const p = obj(params);
  if (!p) return false;
  for (const [k, v] of Object.entries(p)) {
    const key = k.toLowerCase().replace(/-/g, '');
    if ((key === 'xamzbypassgovernanceretention' || key === 'bypassgovernanceretention') && (truthy(v) === true || v === '')) return true;
  }
  return false;
}

export interface Expiration {
  id: string | null;
  /** Days after creation; for a date rule, days from the event to that date (≥ 0). */
  days: number;
  date: string | null;
}

function wholeBucket(rule: Json): boolean {
  const prefix = dig(rule, 'Prefix');
  const filter = dig(rule, 'Filter');
  if (filter === undefined || filter === null || filter === '') return prefix === undefined || prefix === null || text(prefix)?.trim() === '' || text(prefix) === '*';
  const f = obj(filter);
  if (!f) return false;
  const keys = Object.keys(f).filter((k) => k.toLowerCase() !== 'xmlns');
  if (keys.length === 0) return true;
  if (keys.length === 1 && keys[0].toLowerCase() === 'prefix') {
    // `*` is a literal character in S3 prefixes, but it is what attackers write to mean "everything".
    const p = text(field(f, 'Prefix'))?.trim() ?? '';
    return p === '' || p === '*' || p === '/';
  }
  return false;
}

/** Enabled rules that expire current objects on the whole bucket (no prefix, tag or size filter). */
export function wholeBucketExpirations(params: Json, eventTimeMs: number): Expiration[] {
  const out: Expiration[] = [];
  for (const rule of asList(dig(params, 'LifecycleConfiguration', 'Rule'))) {
    if ((text(dig(rule, 'Status')) ?? '').toLowerCase() !== 'enabled') continue;
    const exp = dig(rule, 'Expiration');
    if (!obj(exp) || !wholeBucket(rule)) continue;
    const days = Number(text(dig(exp, 'Days')) ?? NaN);
    const date = text(dig(exp, 'Date'));
    const fromDate = date ? Math.max(0, Math.ceil((Date.parse(date) - eventTimeMs) / 86_400_000)) : NaN;
    const d = Number.isFinite(days) ? days : fromDate;
    if (!Number.isFinite(d)) continue;
    out.push({ id: text(dig(rule, 'ID')), days: d, date: Number.isFinite(days) ? null : date });
  }
  return out;
}

export interface SelectorEffect {
  /** Management events still recorded by some selector. */
  management: boolean;
  /** S3 object data events: all of them, only reads or writes, or none. */
  s3Data: 'all' | 'narrowed' | 'none';
}

/** What a PutEventSelectors (basic or advanced) leaves logged; null when it carries neither. */
export function selectorEffect(params: Json): SelectorEffect | null {
  const basic = dig(params, 'eventSelectors');
  const advanced = dig(params, 'advancedEventSelectors');
  if (basic === undefined && advanced === undefined) return null;
  let management = false;
  let s3: SelectorEffect['s3Data'] = 'none';
  const better = (x: SelectorEffect['s3Data']): void => {
    if (x === 'all' || (x === 'narrowed' && s3 === 'none')) s3 = x;
  };
  for (const sel of asList(basic)) {
    const rw = (text(dig(sel, 'readWriteType')) ?? 'All').toLowerCase();
    if (truthy(dig(sel, 'includeManagementEvents')) !== false && rw === 'all') management = true;
    const s3Resource = asList(dig(sel, 'dataResources')).some((r) => text(dig(r, 'type')) === 'AWS::S3::Object');
    if (s3Resource) better(rw === 'all' ? 'all' : 'narrowed');
  }
  for (const sel of asList(advanced)) {
    const fields = asList(dig(sel, 'fieldSelectors'));
    const equals = (name: string): string[] =>
      fields.filter((f) => (text(dig(f, 'field')) ?? '').toLowerCase() === name.toLowerCase()).flatMap((f) => asList(dig(f, 'equals')).map((v) => text(v) ?? ''));
    const narrowing = fields.some((f) => ['readonly', 'eventname'].includes((text(dig(f, 'field')) ?? '').toLowerCase()));
    const category = equals('eventCategory');
    if (category.includes('Management')) management = management || !narrowing;
    if (category.includes('Data') && equals('resources.type').includes('AWS::S3::Object')) better(narrowing ? 'narrowed' : 'all');
  }
  return { management, s3Data: s3 };
}

/** The UpdateTrail settings worth telling a responder about. */
export function trailUpdates(params: Json): string[] {
  const p = obj(params);
  if (!p) return [];
  const out: string[] = [];
  const flag = (name: string, bad: boolean): void => {
    const v = truthy(field(p, name));
    if (v === bad) out.push(`${name}=${String(v)}`);
  };
  flag('isMultiRegionTrail', false);
  flag('includeGlobalServiceEvents', false);
  flag('enableLogFileValidation', false);
  flag('isOrganizationTrail', false);
  for (const name of ['s3BucketName', 's3KeyPrefix', 'kmsKeyId', 'snsTopicName', 'cloudWatchLogsLogGroupArn']) {
    const v = text(field(p, name));
    if (v !== null) out.push(`${name}=${v}`);
  }
  return out;
}

/** `arn:aws:cloudtrail:…:trail/name` or `name` → `name`. */
export function trailName(params: Json): string | null {
  const raw = text(dig(params, 'name')) ?? text(dig(params, 'trailName'));
  if (raw === null) return null;
  const i = raw.indexOf(':trail/');
  return i >= 0 ? raw.slice(i + ':trail/'.length) : raw;
}
