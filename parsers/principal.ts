/**
 * Principal normalisation shared by both log kinds (DESIGN.md): the same identity must
 * become the same `principal` string in CloudTrail and in S3 access logs.
 *
 * - assumed-role session ARN → `arn:<partition>:iam::<account>:role/<name>` (session kept apart)
 * - role ARN with a path (CloudTrail sessionIssuer) → the same path-less role ARN
 * - root → `arn:<partition>:iam::<account>:root`
 * - AWS services → the service name (`cloudtrail.amazonaws.com`)
 * - unauthenticated → `anonymous`; no identity at all → `unknown`
 */
import { DictionaryStorage } from '../src/arrow/columns.js';

export const ANONYMOUS = 'anonymous';
export const UNKNOWN = 'unknown';

export interface NormalizedPrincipal {
  principal: string;
  /** CloudTrail userIdentity.type vocabulary (AssumedRole, IAMUser, Root, AWSService, Anonymous, CanonicalUser …). */
  type: string | null;
  account: string | null;
  session: string | null;
  /** The full ARN as logged, when it differs from `principal` or is the principal itself. */
  arn: string | null;
}

const ARN_RE = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}|[^:]*):(.*)$/;

/** Normalise an IAM/STS ARN; returns null for strings that are not IAM or STS ARNs. */
export function normalizeArn(arn: string): NormalizedPrincipal | null {
  const m = ARN_RE.exec(arn);
  if (!m) return null;
  const [, partition, service, account, resource] = m;
  const acct = account || null;
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const rest = resource.slice('assumed-role/'.length);
    const slash = rest.indexOf('/');
    const role = slash < 0 ? rest : rest.slice(0, slash);
    const session = slash < 0 ? null : rest.slice(slash + 1);
    return { principal: roleArn(partition, account, role), type: 'AssumedRole', account: acct, session, arn };
  }
  if (service === 'iam' && resource.startsWith('role/')) {
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    return { principal: roleArn(partition, account, name), type: 'Role', account: acct, session: null, arn };
  }
  if (resource === 'root') return { principal: arn, type: 'Root', account: acct, session: null, arn };
  if (service === 'iam' && resource.startsWith('user/')) return { principal: arn, type: 'IAMUser', account: acct, session: null, arn };
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return { principal: arn, type: 'FederatedUser', account: acct, session: null, arn };
  }
  return { principal: arn, type: null, account: acct, session: null, arn };
}

export function roleArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

export function rootArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:root`;
}

const CANONICAL_ID_RE = /^[0-9a-f]{64}$/;

/** The Requester field of an S3 access log line. */
export function normalizeRequester(requester: string | null): NormalizedPrincipal {
  if (requester === null || requester === '' || requester === '-') {
    return { principal: ANONYMOUS, type: 'Anonymous', account: null, session: null, arn: null };
  }
  if (requester.startsWith('arn:')) {
    const n = normalizeArn(requester);
    if (n) return n;
    return { principal: requester, type: null, account: null, session: null, arn: requester };
  }
  if (requester === 'AmazonS3') return { principal: requester, type: 'AWSService', account: null, session: null, arn: null };
  if (requester.endsWith('.amazonaws.com') || requester.startsWith('svc:')) {
    const name = requester.startsWith('svc:') ? requester.slice(4) : requester;
    return { principal: name, type: 'AWSService', account: null, session: null, arn: null };
  }
  if (CANONICAL_ID_RE.test(requester)) return { principal: requester, type: 'CanonicalUser', account: null, session: null, arn: null };
  return { principal: requester, type: null, account: null, session: null, arn: null };
}

/** The subset of CloudTrail `userIdentity` the normalisation reads. */
export interface UserIdentityFields {
  present: boolean;
  type?: string | null;
  arn?: string | null;
  accountId?: string | null;
  principalId?: string | null;
  userName?: string | null;
  invokedBy?: string | null;
  issuerArn?: string | null;
  issuerType?: string | null;
}

/** CloudTrail userIdentity → principal. `invokedBy` and AWSService identities become the service name. */
export function normalizeUserIdentity(u: UserIdentityFields): NormalizedPrincipal {
  if (!u.present) return { principal: UNKNOWN, type: null, account: null, session: null, arn: null };
  const type = u.type ?? null;
  const account = u.accountId || null;
  const arn = u.arn || null;
  if (u.invokedBy) {
    const fromArn = arn ? normalizeArn(arn) : null;
    return { principal: u.invokedBy, type: type ?? 'AWSService', account, session: fromArn?.session ?? null, arn };
  }
  if (type === 'AWSService') {
    return { principal: u.principalId || UNKNOWN, type, account, session: null, arn };
  }
  if (account === 'anonymous' || (type === 'AWSAccount' && !u.principalId && !arn && account === null)) {
    return { principal: ANONYMOUS, type: type ?? 'Anonymous', account: null, session: null, arn };
  }
  if (type === 'AssumedRole' || type === 'Role') {
    const fromArn = arn ? normalizeArn(arn) : null;
    const issuer = u.issuerArn ? normalizeArn(u.issuerArn) : null;
    const principal = issuer?.principal ?? fromArn?.principal ?? arn ?? u.principalId ?? UNKNOWN;
    return { principal, type, account: account ?? fromArn?.account ?? null, session: fromArn?.session ?? null, arn };
  }
  if (type === 'Root') {
    const fromArn = arn ? normalizeArn(arn) : null;
    const principal = fromArn?.principal ?? (account ? rootArn(account) : arn ?? UNKNOWN);
    return { principal, type, account, session: null, arn };
  }
  if (type === 'AWSAccount') {
    return { principal: account ? rootArn(account) : u.principalId || UNKNOWN, type, account, session: null, arn };
  }
  if (arn) {
    const n = normalizeArn(arn);
    return { principal: n?.principal ?? arn, type: type ?? n?.type ?? null, account: account ?? n?.account ?? null, session: n?.session ?? null, arn };
  }
  const principal = u.userName || u.principalId || (type === 'Unknown' || type === null ? UNKNOWN : type);
  return { principal, type, account, session: null, arn };
}

/**
 * Caches normalisation per distinct raw requester, keyed by bytes so a repeating requester costs
 * one hash and no string allocation. Bounded: cleared when it holds `maxEntries`.
 */
export class RequesterCache {
  private raw = new DictionaryStorage();
  private results: NormalizedPrincipal[] = [];

  constructor(private readonly maxEntries = 50_000) {}

  lookup(src: Uint8Array, start: number, end: number): NormalizedPrincipal {
    if (this.results.length >= this.maxEntries) {
      this.raw.reset();
      this.results = [];
    }
    const idx = this.raw.internBytes(src, start, end);
    let hit = this.results[idx];
    if (hit === undefined) {
      const s = Buffer.from(src.buffer, src.byteOffset + start, end - start).toString('utf8');
      hit = normalizeRequester(s);
      this.results[idx] = hit;
    }
    return hit;
  }
}
