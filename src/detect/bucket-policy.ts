/**
 * Resource-policy reasoning for S3 bucket policies, in the spirit of AWS's "meaning of public"
 * (Zelkova): a statement is public when it allows a wildcard principal (or uses NotPrincipal) and
 * no condition pins the request to something an outsider cannot choose.
 *
 * A condition restricts when it uses a matching operator (StringEquals[IgnoreCase], StringLike,
 * ArnEquals, ArnLike, IpAddress, optionally ForAnyValue:) on one of the restricting keys below and
 * every value is fixed. What we deliberately treat as NOT restricting:
 * - `…IfExists` operators and `ForAllValues:` (both pass when the key is absent, e.g. anonymous callers);
 * - negated operators (StringNotEquals, NotIpAddress …), Null, Bool, Numeric, Date;
 * - values that are wildcards or policy variables (`*`, `vpc-*`, `${aws:username}`), whatever the
 *   operator (AWS's rule: only fixed values count);
 * - ARNs whose account is not a fixed 12-digit id (`arn:aws:iam::*:role/x` — anyone can make role x);
 * - aws:SourceIp ranges broader than /8 (IPv4) or /32 (IPv6): `0.0.0.0/1` is half the internet.
 * Unlike AWS's published rule, `aws:userId` values `AROAID:*` (one role's sessions) restrict, and
 * ARNs with a fixed account but wildcards after it (`arn:aws:iam::111122223333:role/app-*`) restrict.
 * Condition keys are compared case-insensitively (IAM does), operators too (lenient on input).
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Statement = { [k: string]: Json };

/** The statements of a policy given as an object or as JSON text; null when it is not a policy. */
export function policyStatements(policy: unknown): Statement[] | null {
  let doc: unknown = policy;
  if (typeof doc === 'string') {
    const text = doc.trim();
    if (!text.startsWith('{')) return null;
    try {
      doc = JSON.parse(text);
    } catch {
      // Not JSON: CloudTrail sometimes logs a truncated or placeholder policy; the caller reports it as unreadable.
      return null;
    }
  }
  if (!isObject(doc)) return null;
  const st = field(doc, 'Statement');
  if (Array.isArray(st)) return st.filter(isObject) as Statement[];
  if (isObject(st)) return [st as Statement];
  return null;
}

export function isObject(v: unknown): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field by name, case-insensitively (policies in logs are hand-written). */
export function field(o: { [k: string]: Json }, name: string): Json | undefined {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

export function asList(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function effect(s: Statement): string {
  const e = field(s, 'Effect');
  return typeof e === 'string' ? e.toLowerCase() : '';
}

/** Principal `*`, {"AWS": "*"}, {"AWS": [..., "*"]}, {"CanonicalUser": "*"} … */
export function isWildcardPrincipal(p: Json | undefined): boolean {
  if (p === '*') return true;
  if (Array.isArray(p)) return p.some((x) => x === '*');
  if (isObject(p)) return Object.values(p).some((v) => asList(v).some((x) => typeof x === 'string' && x.trim() === '*'));
  return false;
}

function strings(v: Json | undefined): string[] {
  return asList(v).map((x) => (typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : ''));
}

const hasWildcard = (v: string): boolean => v.includes('*') || v.includes('?') || v.includes('${');

const ACCOUNT_RE = /^\d{12}$/;

function fixedArn(v: string): boolean {
  if (v === '' || v === '*') return false;
  const parts = v.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return !hasWildcard(v);
  const [, partition, service, , account] = parts;
  if (hasWildcard(partition) || hasWildcard(service)) return false;
  if (account === '') {
    // Global resources without an account (S3 buckets): the bucket name must be fixed.
    const bucket = parts.slice(5).join(':').split('/')[0];
    return bucket.length > 0 && !hasWildcard(bucket);
  }
  return ACCOUNT_RE.test(account);
}

type ValueRule = (v: string) => boolean;
const fixed: ValueRule = (v) => v.length > 0 && !hasWildcard(v);

/** aws:userId: `AIDA…`, `AROA…:session`, account id; fixed before the colon is enough. */
const userId: ValueRule = (v) => {
  const head = v.split(':')[0];
  return head.length > 0 && !hasWildcard(head);
};

/** aws:PrincipalOrgPaths `o-abc/r-ab12/ou-…/*`: the organization must be fixed. */
const orgPath: ValueRule = (v) => {
  const head = v.split('/')[0];
  return /^o-[a-z0-9]+$/i.test(head);
};

function cidrNarrow(v: string): boolean {
  const [addr, bits] = v.trim().split('/');
  if (!addr || hasWildcard(addr)) return false;
  const v6 = addr.includes(':');
  if (bits === undefined) return true;
  const n = Number(bits);
  if (!Number.isInteger(n)) return false;
  return v6 ? n >= 32 : n >= 8;
}

/** Lower-cased condition keys that pin a request to something the bucket owner controls. */
const RESTRICTING_KEYS: Readonly<Record<string, ValueRule>> = {
  'aws:sourcevpce': fixed,
  'aws:sourcevpc': fixed,
  'aws:principalorgid': fixed,
  'aws:principalorgpaths': orgPath,
  'aws:sourceorgid': fixed,
  'aws:sourceorgpaths': orgPath,
  'aws:sourceaccount': fixed,
  'aws:sourceowner': fixed,
  'aws:principalaccount': fixed,
  'aws:resourceaccount': fixed,
  'aws:sourcearn': fixedArn,
  'aws:principalarn': fixedArn,
  'aws:userid': userId,
  'aws:sourceip': cidrNarrow,
  's3:dataaccesspointaccount': fixed,
  's3:dataaccesspointarn': fixedArn,
  's3:x-amz-server-side-encryption-aws-kms-key-id': fixed,
};

const MATCHING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'ipaddress']);

/** Does this operator (with its set qualifier) require the key to match one of the values? */
export function isMatchingOperator(op: string): boolean {
  let o = op.trim().toLowerCase();
  if (o.startsWith('forallvalues:')) return false;
  if (o.startsWith('foranyvalue:')) o = o.slice('foranyvalue:'.length);
  if (o.endsWith('ifexists')) return false;
  return MATCHING_OPERATORS.has(o);
}

/** The restricting keys a Condition block pins (empty when it restricts nothing). */
export function restrictingKeys(condition: Json | undefined): string[] {
  if (!isObject(condition)) return [];
  const out: string[] = [];
  for (const [op, block] of Object.entries(condition)) {
    if (!isMatchingOperator(op) || !isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      const k = key.trim().toLowerCase();
      const rule = RESTRICTING_KEYS[k];
      if (!rule) continue;
      if (k === 'aws:sourceip' && op.toLowerCase().replace('foranyvalue:', '') !== 'ipaddress') continue;
      if (k !== 'aws:sourceip' && op.toLowerCase().endsWith('ipaddress')) continue;
      const vs = strings(values);
      if (vs.length > 0 && vs.every(rule)) out.push(k);
    }
  }
  return out;
}

export interface PublicGrant {
  /** Statement position in the policy (0-based). */
  index: number;
  sid: string | null;
  /** The allowed actions as written (`NotAction: …` is reported as `all except …`). */
  actions: string[];
  /** How anyone gets in: a wildcard principal or an Allow with NotPrincipal. */
  via: 'wildcard-principal' | 'not-principal';
}

/** Allow statements that grant access to anyone, after reading their conditions. */
export function publicGrants(policy: unknown): PublicGrant[] {
  const statements = policyStatements(policy);
  if (!statements) return [];
  const out: PublicGrant[] = [];
  statements.forEach((s, index) => {
    if (effect(s) !== 'allow') return;
    const notPrincipal = field(s, 'NotPrincipal');
    const via = notPrincipal !== undefined ? 'not-principal' : isWildcardPrincipal(field(s, 'Principal')) ? 'wildcard-principal' : null;
    if (via === null) return;
    if (restrictingKeys(field(s, 'Condition')).length > 0) return;
    const notAction = field(s, 'NotAction');
    const actions = notAction !== undefined ? [`all except ${strings(notAction).join(', ')}`] : strings(field(s, 'Action'));
    const sid = field(s, 'Sid');
    out.push({ index, sid: typeof sid === 'string' && sid !== '' ? sid : null, actions, via });
  });
  return out;
}

const isFalse = (v: Json): boolean => v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false');

/** A Deny statement with `Bool`/`BoolIfExists` aws:SecureTransport = false (the TLS-only guard). */
export function isSecureTransportDeny(s: Statement): boolean {
  if (effect(s) !== 'deny') return false;
  const cond = field(s, 'Condition');
  if (!isObject(cond)) return false;
  for (const [op, block] of Object.entries(cond)) {
    const o = op.trim().toLowerCase();
    if ((o !== 'bool' && o !== 'boolifexists') || !isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      if (key.trim().toLowerCase() === 'aws:securetransport' && asList(values).some(isFalse)) return true;
    }
  }
  return false;
}

/** Does the policy deny every request that is not sent over TLS? null when it is not a readable policy. */
export function hasSecureTransportDeny(policy: unknown): boolean | null {
  const statements = policyStatements(policy);
  if (!statements) return null;
  return statements.some(isSecureTransportDeny);
}
