/**
 * s3-config-change: CloudTrail management calls that undo the S3 security checklist, one finding
 * per event (public access block, public policy or ACL, TLS-only deny, encryption, access
 * logging, CloudTrail itself, versioning, MFA delete, Object Lock, whole-bucket expiration).
 *
 * Only successful calls are changes. Denied attempts (AccessDenied…) at the high-severity changes
 * can be reported as low `attempted-<kind>` findings with `reportAttempts`.
 *
 * Three checks need the bucket's (or trail's) previous setting: was there an aws:SecureTransport
 * deny, was MFA delete on, what was the Object Lock default, did the trail log S3 data events.
 * Those facts are kept as short per-resource timelines of (event time, event id, value) in the
 * state; a change is compared with the latest fact strictly before it in event time, from this
 * run or an earlier one, so object order, late files and re-runs give the same answer.
 */
import { defineDetector, type DetectContext } from '../src/detect/detector.js';
import { SEVERITIES, type AttackRef, type EvidenceSample, type Finding, type Severity } from '../src/detect/finding.js';
import { isServicePrincipal } from '../src/detect/principal-class.js';
import { hasSecureTransportDeny, publicGrants, type Json } from '../src/detect/bucket-policy.js';
import {
  bypassesGovernance,
  dig,
  loggingDisabled,
  objectLockDefault,
  PAB_FLAGS,
  publicAccessBlockOff,
  publicAclGrants,
  selectorEffect,
  trailName,
  trailUpdates,
  versioning,
  wholeBucketExpirations,
} from '../src/detect/config-requests.js';
import type { EventView } from '../src/detect/view.js';
import { C, LOG_KIND } from '../src/schema.js';

const S3 = 's3';
const TRAIL = 'cloudtrail';
/** eventSource → the group it logs for (account-level public access block calls go through s3-control). */
const SOURCES: Readonly<Record<string, string>> = {
  's3.amazonaws.com': S3,
  's3-control.amazonaws.com': S3,
  'cloudtrail.amazonaws.com': TRAIL,
};
const ACCOUNT_LEVEL = new Set(['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock', 'PutPublicAccessBlock', 'DeletePublicAccessBlock']);

/** eventName → the service that must have logged it. */
export const EVENTS: Readonly<Record<string, string>> = {
  DeleteBucketPublicAccessBlock: S3,
  PutBucketPublicAccessBlock: S3,
  PutAccountPublicAccessBlock: S3,
  DeleteAccountPublicAccessBlock: S3,
  PutPublicAccessBlock: S3,
  DeletePublicAccessBlock: S3,
  PutBucketPolicy: S3,
  DeleteBucketPolicy: S3,
  PutBucketAcl: S3,
  PutObjectAcl: S3,
  DeleteBucketEncryption: S3,
  PutBucketLogging: S3,
  PutBucketVersioning: S3,
  PutObjectLockConfiguration: S3,
  PutObjectRetention: S3,
  DeleteObject: S3,
  DeleteObjects: S3,
  PutBucketLifecycle: S3,
  PutBucketLifecycleConfiguration: S3,
  StopLogging: TRAIL,
  DeleteTrail: TRAIL,
  UpdateTrail: TRAIL,
  PutEventSelectors: TRAIL,
};
/** Data events: only those whose parameters mention a governance bypass are kept. */
const NEEDS_BYPASS = new Set(['DeleteObject', 'DeleteObjects']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation']);

const T = (technique_id: string, technique_name: string, tactic: string): AttackRef => ({ technique_id, technique_name, tactic });
const T1530 = T('T1530', 'Data from Cloud Storage', 'collection');
const T1562_001 = T('T1562.001', 'Impair Defenses: Disable or Modify Tools', 'defense-evasion');
const T1562_008 = T('T1562.008', 'Impair Defenses: Disable or Modify Cloud Logs', 'defense-evasion');
const T1490 = T('T1490', 'Inhibit System Recovery', 'impact');

const KIND_ATTACK: Readonly<Record<string, AttackRef[]>> = {
  'public-access-block-removed': [T1562_001, T1530],
  'public-bucket-policy': [T1530],
  'public-acl': [T1530],
  'tls-deny-removed': [T1562_001],
  'encryption-removed': [T1562_001],
  'access-logging-disabled': [T1562_008],
  'cloudtrail-tampering': [T1562_008],
  'versioning-suspended': [T1490],
  'mfa-delete-disabled': [T1490],
  'object-lock-weakened': [T1490],
  'lifecycle-expiration': [T1490],
};

const TUNABLES = {
  /** Report denied attempts at high-severity changes as low `attempted-<kind>` findings. */
  reportAttempts: false,
  /** A whole-bucket expiration at or under this many days is high severity (else low). */
  expirationHighDays: 7,
  /** Facts kept per resource and fact type (the latest ones by event time). */
  historyPerResource: 8,
  /** Resources (buckets, trails) with facts in the state. */
  maxKeys: 20_000,
  /** Configuration events kept per run (they are rare; a bound against pathological input). */
  maxEvents: 100_000,
};
type Tun = typeof TUNABLES;

type Fact = 'tls' | 'mfa' | 'lock' | 's3data';
type FactEntry = [time: number, id: string, value: string | boolean];

interface Candidate {
  time: number;
  id: string;
  name: string;
  principal: string;
  service: boolean;
  bucket: string | null;
  objectKey: string | null;
  account: string | null;
  /** Trail name for CloudTrail calls (set in finish from the parameters). */
  trail?: string | null;
  error: string | null;
  params: string | null;
  sample: EvidenceSample;
}

interface State {
  /** `bucket:<name>` / `trail:<name>` → fact → timeline (ascending by time, id). */
  facts: Map<string, Map<Fact, FactEntry[]>>;
  run: Candidate[];
}

/** What one event means, before severity capping and finding assembly. */
interface Verdict {
  kind: string;
  rank: number; // 0 high, 1 medium, 2 low — relative to the detector's configured severity
  summary: string;
  observed?: Finding['observed'];
}

function shift(base: Severity, by: number): Severity {
  return SEVERITIES[Math.max(1, Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(base) - by))];
}

const before = (a: FactEntry, time: number, id: string): boolean => a[0] < time || (a[0] === time && a[1] < id);

function observe(state: State, view: EventView, ctx: DetectContext<Tun>): void {
  const logKind = view.dict(C.log_kind);
  const action = view.dict(C.action);
  const source = view.dict(C.event_source);
  const isCt = logKind.values.map((v) => v === LOG_KIND.cloudtrail);
  const wanted = action.values.map((v) => EVENTS[v] ?? null);
  const group = source.values.map((v) => SOURCES[v] ?? null);
  for (let i = 0; i < view.rows.length; i++) {
    const row = view.rows[i];
    if (!logKind.valid(row) || !isCt[logKind.indices[row]] || !action.valid(row)) continue;
    const src = wanted[action.indices[row]];
    if (src === null || !source.valid(row) || group[source.indices[row]] !== src) continue;
    const time = view.time[row];
    if (Number.isNaN(time)) continue;
    const error = view.dict(C.error_code).get(row);
    if (error !== null && !(ctx.tunables.reportAttempts && DENIED.has(error))) continue;
    const name = action.values[action.indices[row]];
    const params = view.str(C.request_parameters, row);
    if (NEEDS_BYPASS.has(name) && !(params !== null && /bypass/i.test(params))) continue;
    if (state.run.length >= ctx.tunables.maxEvents) {
      ctx.evicted('events');
      continue;
    }
    const principal = view.dict(C.principal).get(row) ?? 'unknown';
    const sample = view.sample(row);
    state.run.push({
      time,
      id: view.str(C.event_id, row) ?? `${sample.origin_uri}#${sample.origin_index}`,
      name,
      principal,
      service: isServicePrincipal({ principal, principalType: view.dict(C.principal_type).get(row), invokedBy: view.dict(C.invoked_by).get(row), sourceIp: sample.source_ip }),
      bucket: view.dict(C.bucket).get(row),
      objectKey: sample.object_key,
      account: view.dict(C.owner_account).get(row) ?? view.dict(C.principal_account).get(row),
      error,
      params,
      sample,
    });
  }
}

function parse(text: string | null): Json {
  if (text === null) return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    // The parser stores the raw JSON value; a value it could not store whole is read as "no parameters".
    return null;
  }
}

const resourceOf = (c: Candidate, params: Json): string | null => {
  if (EVENTS[c.name] === TRAIL) {
    const t = trailName(params);
    return t === null ? null : `trail:${t}`;
  }
  return c.bucket ? `bucket:${c.bucket}` : null;
};

/** The fact a successful event establishes about its resource, if any. */
function factOf(c: Candidate, params: Json): [Fact, string | boolean] | null {
  switch (c.name) {
    case 'PutBucketPolicy': {
      const tls = hasSecureTransportDeny(dig(params, 'bucketPolicy'));
      return tls === null ? null : ['tls', tls];
    }
    case 'DeleteBucketPolicy':
      return ['tls', false];
    case 'PutBucketVersioning': {
      const mfa = versioning(params).mfaDelete;
      return mfa === null ? null : ['mfa', mfa.toLowerCase() === 'enabled'];
    }
    case 'PutObjectLockConfiguration': {
      const lock = objectLockDefault(params);
      return lock === null ? null : ['lock', lock];
    }
    case 'PutEventSelectors': {
      const eff = selectorEffect(params);
      return eff === null ? null : ['s3data', eff.s3Data];
    }
    default:
      return null;
  }
}

/** `GOVERNANCE:30` → `GOVERNANCE, 30 days`. */
function lockLabel(v: string): string {
  const [mode, days] = v.split(':');
  return `${mode}, ${days} day${days === '1' ? '' : 's'}`;
}

function lockDays(v: string): number {
  const d = Number(v.split(':')[1]);
  return Number.isFinite(d) ? d : NaN;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** The findings an event is worth; `prev` looks up the resource's fact before this event. */
function judge(c: Candidate, params: Json, prev: (f: Fact) => FactEntry | null, tun: Tun): Verdict[] {
  const p = c.principal;
  const b = c.bucket ?? '?';
  const at = (e: FactEntry): string => new Date(e[0]).toISOString();
  switch (c.name) {
    case 'DeleteBucketPublicAccessBlock':
      return [{ kind: 'public-access-block-removed', rank: 0, summary: `${p} deleted the public access block of bucket ${b} (all 4 protections off)`, observed: { level: 'bucket', flags_off: PAB_FLAGS.join(',') } }];
    case 'DeleteAccountPublicAccessBlock':
    case 'DeletePublicAccessBlock':
      return [{ kind: 'public-access-block-removed', rank: 0, summary: `${p} deleted the account-level public access block of account ${c.account ?? '?'} (all 4 protections off for every bucket)`, observed: { level: 'account', flags_off: PAB_FLAGS.join(',') } }];
    case 'PutBucketPublicAccessBlock':
    case 'PutAccountPublicAccessBlock':
    case 'PutPublicAccessBlock': {
      const off = publicAccessBlockOff(params);
      if (!off || off.length === 0) return [];
      const account = c.name !== 'PutBucketPublicAccessBlock';
      const where = account ? `the account-level public access block of account ${c.account ?? '?'}` : `the public access block of bucket ${b}`;
      return [{ kind: 'public-access-block-removed', rank: off.length === 4 ? 0 : 1, summary: `${p} turned off ${plural(off.length, 'protection')} of 4 (${off.join(', ')}) in ${where}`, observed: { level: account ? 'account' : 'bucket', flags_off: off.join(',') } }];
    }
    case 'PutBucketPolicy': {
      const out: Verdict[] = [];
      const policy = dig(params, 'bucketPolicy');
      const grants = publicGrants(policy);
      if (grants.length > 0) {
        const g = grants[0];
        const how = g.via === 'not-principal' ? 'Allow with NotPrincipal' : 'Principal "*"';
        const actions = [...new Set(grants.flatMap((x) => x.actions))].join(', ') || '(no action)';
        out.push({
          kind: 'public-bucket-policy',
          rank: 0,
          summary: `${p} put a bucket policy on ${b} that allows ${actions} to anyone: ${plural(grants.length, 'statement')} with ${how} and no restricting condition${g.sid ? ` (first: Sid "${g.sid}")` : ''}`,
          observed: { public_statements: grants.length, actions, sids: grants.map((x) => x.sid ?? `#${x.index}`).join(',') },
        });
      }
      const had = prev('tls');
      if (had?.[2] === true && hasSecureTransportDeny(policy) === false) {
        out.push({ kind: 'tls-deny-removed', rank: 1, summary: `${p} replaced the policy of bucket ${b} with one that no longer denies non-TLS requests (aws:SecureTransport deny present since the policy of ${at(had)})`, observed: { tls_deny_since: at(had) } });
      }
      return out;
    }
    case 'DeleteBucketPolicy': {
      const had = prev('tls');
      if (had?.[2] !== true) return [];
      return [{ kind: 'tls-deny-removed', rank: 1, summary: `${p} deleted the policy of bucket ${b}, and with it the aws:SecureTransport deny set at ${at(had)}`, observed: { tls_deny_since: at(had) } }];
    }
    case 'PutBucketAcl':
    case 'PutObjectAcl': {
      const grants = publicAclGrants(params);
      if (grants.length === 0) return [];
      const object = c.name === 'PutObjectAcl';
      const target = object ? `object ${b}/${c.objectKey ?? '?'}` : `bucket ${b}`;
      return [{ kind: 'public-acl', rank: object ? 1 : 0, summary: `${p} made ${target} public with an ACL: ${plural(grants.length, 'public grant')} (${grants.join(', ')})`, observed: { grants: grants.join(','), level: object ? 'object' : 'bucket' } }];
    }
    case 'DeleteBucketEncryption':
      return [{ kind: 'encryption-removed', rank: 1, summary: `${p} deleted the default encryption configuration of bucket ${b}` }];
    case 'PutBucketLogging':
      return loggingDisabled(params) === true ? [{ kind: 'access-logging-disabled', rank: 1, summary: `${p} disabled server access logging on bucket ${b} (BucketLoggingStatus without LoggingEnabled)` }] : [];
    case 'PutBucketVersioning': {
      const out: Verdict[] = [];
      const v = versioning(params);
      const status = (v.status ?? '').toLowerCase();
      if (status === 'suspended' || status === 'disabled') out.push({ kind: 'versioning-suspended', rank: 1, summary: `${p} suspended versioning on bucket ${b} (Status ${v.status}): overwritten and deleted objects are no longer kept`, observed: { status: v.status } });
      if ((v.mfaDelete ?? '').toLowerCase() === 'disabled') {
        const had = prev('mfa');
        const was = had?.[2] === true;
        out.push({ kind: 'mfa-delete-disabled', rank: was ? 1 : 2, summary: `${p} set MFA delete to Disabled on bucket ${b}${was ? ` (enabled since ${at(had!)})` : ' (its previous setting is not in the logs seen)'}`, observed: { was_enabled: was } });
      }
      return out;
    }
    case 'PutObjectLockConfiguration': {
      const now = objectLockDefault(params);
      const had = prev('lock');
      if (now === null) return [];
      const old = typeof had?.[2] === 'string' ? had[2] : null;
      // Without a known earlier default, a configuration without a rule is just Object Lock being enabled.
      if (!old || old === 'none') return [];
      if (now === 'none') {
        return [{ kind: 'object-lock-weakened', rank: 1, summary: `${p} removed the Object Lock default retention of bucket ${b} (was ${lockLabel(old)} since ${at(had!)})`, observed: { retention: 'none', previous: old } }];
      }
      const shorter = lockDays(now) < lockDays(old);
      const softer = old.startsWith('COMPLIANCE') && now.startsWith('GOVERNANCE');
      if (!shorter && !softer) return [];
      return [{ kind: 'object-lock-weakened', rank: 1, summary: `${p} weakened the Object Lock default retention of bucket ${b} from ${lockLabel(old)} to ${lockLabel(now)}`, observed: { retention: now, previous: old } }];
    }
    case 'PutObjectRetention':
    case 'DeleteObject':
    case 'DeleteObjects':
      if (!bypassesGovernance(params)) return [];
      return [{ kind: 'object-lock-weakened', rank: 1, summary: `${p} bypassed Object Lock governance retention (${c.name}) on ${c.objectKey ? `${b}/${c.objectKey}` : `bucket ${b}`}`, observed: { bypass_governance: true } }];
    case 'PutBucketLifecycle':
    case 'PutBucketLifecycleConfiguration': {
      const rules = wholeBucketExpirations(params, c.time);
      if (rules.length === 0) return [];
      const r = rules.reduce((a, x) => (x.days < a.days ? x : a));
      return [{ kind: 'lifecycle-expiration', rank: r.days <= tun.expirationHighDays ? 0 : 2, summary: `${p} added a lifecycle rule${r.id ? ` "${r.id}"` : ''} on ${b} that expires every object after ${plural(r.days, 'day')}${r.date ? ` (on ${r.date})` : ''}`, observed: { expiration_days: r.days, rules: rules.length } }];
    }
    case 'StopLogging':
      return [{ kind: 'cloudtrail-tampering', rank: 0, summary: `${p} stopped logging on trail ${trailName(params) ?? '?'}`, observed: { change: 'StopLogging' } }];
    case 'DeleteTrail':
      return [{ kind: 'cloudtrail-tampering', rank: 0, summary: `${p} deleted trail ${trailName(params) ?? '?'}`, observed: { change: 'DeleteTrail' } }];
    case 'UpdateTrail': {
      const changes = trailUpdates(params);
      return [{ kind: 'cloudtrail-tampering', rank: 1, summary: `${p} updated trail ${trailName(params) ?? '?'}${changes.length ? `: ${changes.join(', ')}` : ''}`, observed: { change: 'UpdateTrail', settings: changes.join(',') } }];
    }
    case 'PutEventSelectors': {
      const eff = selectorEffect(params);
      if (!eff) return [];
      const had = prev('s3data');
      const t = trailName(params) ?? '?';
      if (!eff.management) return [{ kind: 'cloudtrail-tampering', rank: 0, summary: `${p} changed the event selectors of trail ${t} so management events are no longer fully logged (S3 data events: ${eff.s3Data})`, observed: { change: 'PutEventSelectors', management: false, s3_data: eff.s3Data } }];
      if (eff.s3Data === 'all') return [];
      const was = had !== null && had[2] !== 'none' && had[2] !== eff.s3Data;
      const what = eff.s3Data === 'none' ? 'no S3 data events' : 'only part of the S3 data events (reads or writes)';
      return [{ kind: 'cloudtrail-tampering', rank: was || eff.s3Data === 'narrowed' ? 1 : 2, summary: `${p} changed the event selectors of trail ${t} to log ${what}${was ? ` (was ${String(had[2])} since ${at(had)})` : ''}`, observed: { change: 'PutEventSelectors', management: true, s3_data: eff.s3Data } }];
    }
    default:
      return [];
  }
}

function finish(state: State, ctx: DetectContext<Tun>): Finding[] {
  const run = state.run.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const parsed = run.map((c) => parse(c.params));
  // 1. Record every fact this run establishes (successful calls only), deduplicated by event id.
  run.forEach((c, i) => {
    if (c.error !== null) return;
    const res = resourceOf(c, parsed[i]);
    const fact = res ? factOf(c, parsed[i]) : null;
    if (!res || !fact) return;
    let facts = state.facts.get(res);
    if (!facts) state.facts.set(res, (facts = new Map()));
    const line = facts.get(fact[0]) ?? [];
    if (!line.some((e) => e[1] === c.id)) line.push([c.time, c.id, fact[1]]);
    line.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    facts.set(fact[0], line);
  });
  // 2. Judge every event against the facts strictly before it.
  const out: Finding[] = [];
  run.forEach((c, i) => {
    if (EVENTS[c.name] === TRAIL) c.trail = trailName(parsed[i]);
    if (ACCOUNT_LEVEL.has(c.name)) {
      const acct = dig(parsed[i], 'accountId');
      if (typeof acct === 'string' && acct !== '') c.account = acct;
    }
    const res = resourceOf(c, parsed[i]);
    const prev = (f: Fact): FactEntry | null => {
      const line = res ? state.facts.get(res)?.get(f) : undefined;
      if (!line) return null;
      for (let k = line.length - 1; k >= 0; k--) if (before(line[k], c.time, c.id)) return line[k];
      return null;
    };
    const attempt = c.error !== null;
    if (attempt && !(ctx.tunables.reportAttempts && DENIED.has(c.error!))) return;
    for (const v of judge(c, parsed[i], prev, ctx.tunables)) {
      if (attempt && v.rank !== 0) continue;
      out.push(toFinding(c, v, attempt, ctx));
    }
  });
  trim(state, ctx);
  state.run = [];
  return out;
}

function toFinding(c: Candidate, v: Verdict, attempt: boolean, ctx: DetectContext<Tun>): Finding {
  const when = new Date(c.time).toISOString();
  const severity = attempt ? shift(ctx.severity, 2) : shift(ctx.severity, v.rank);
  const kind = attempt ? `attempted-${v.kind}` : v.kind;
  const summary = attempt ? `Denied (${c.error}): ${v.summary.replace(/^(\S+) /, '$1 tried: ')}` : v.summary;
  return ctx.finding({
    kind,
    severity,
    servicePrincipal: c.service,
    title: attempt ? `Denied attempt: ${v.kind.replace(/-/g, ' ')}` : `S3 security configuration undone: ${v.kind.replace(/-/g, ' ')}`,
    summary: `${summary} (${c.name} at ${when})`,
    subject: { principal: c.principal, bucket: c.bucket ?? undefined, trail: c.trail ?? undefined, account: c.account ?? undefined, event_id: c.id },
    window: { start: when, end: when },
    observed: { event_name: c.name, error_code: c.error, ...(v.observed ?? {}) },
    baseline: null,
    score: 3 - v.rank - (attempt ? 2 : 0),
    evidence: { count: 1, samples: [c.sample] },
    attack: KIND_ATTACK[v.kind],
    first_seen: when,
    last_seen: when,
  });
}

/** Keep the latest facts per timeline, then the most recently changed resources. */
function trim(state: State, ctx: DetectContext<Tun>): void {
  const k = ctx.tunables.historyPerResource;
  const latest = new Map<string, number>();
  for (const [res, facts] of state.facts) {
    let t = -Infinity;
    for (const [f, line] of facts) {
      if (line.length > k) facts.set(f, line.slice(line.length - k));
      t = Math.max(t, line[line.length - 1][0]);
    }
    latest.set(res, t);
  }
  const excess = state.facts.size - ctx.tunables.maxKeys;
  if (excess <= 0) return;
  const oldest = [...latest.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, excess);
  for (const [res] of oldest) state.facts.delete(res);
  ctx.evicted('resources', excess);
}

type Saved = { facts: Record<string, Partial<Record<Fact, FactEntry[]>>> };

export const s3ConfigChange = defineDetector<Tun, State>({
  id: 's3-config-change',
  title: 'S3 security configuration undone',
  description:
    'CloudTrail changes that weaken S3 defences: public access block removed or loosened, a bucket policy or ACL that grants anyone access (conditions read Zelkova-style), the aws:SecureTransport deny removed, default encryption deleted, access logging off, CloudTrail stopped/deleted/altered or its selectors dropping events, versioning suspended, MFA delete off, Object Lock weakened or bypassed, whole-bucket expiration. One finding per event.',
  severity: 'high',
  attack: [T1530, T1562_001, T1562_008, T1490],
  falsePositives: [
    'Intentionally public buckets (static websites, open data) — allow-list the bucket',
    'Infrastructure-as-code pipelines re-applying configuration (CloudFormation calls are capped as service principals)',
    'Short expiration rules on scratch or temporary buckets',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  ],
  tunables: TUNABLES,
  state: {
    version: 1,
    create: () => ({ facts: new Map(), run: [] }),
    toJSON: (s): Saved => ({
      facts: Object.fromEntries([...s.facts.keys()].sort().map((res) => [res, Object.fromEntries([...s.facts.get(res)!.entries()].sort())])),
    }),
    fromJSON: (json) => {
      const j = json as Saved;
      const facts = new Map<string, Map<Fact, FactEntry[]>>();
      for (const [res, byFact] of Object.entries(j.facts ?? {})) {
        facts.set(res, new Map(Object.entries(byFact).map(([f, line]) => [f as Fact, (line ?? []).map((e) => [e[0], e[1], e[2]] as FactEntry)])));
      }
      return { facts, run: [] };
    },
  },
  observe,
  finish,
});
