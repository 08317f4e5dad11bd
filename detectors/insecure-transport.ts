/**
 * insecure-transport: requests to S3 without TLS, with TLS below 1.2, or signed with SigV2,
 * aggregated per principal × bucket × UTC day × kind so one misconfigured client is one finding.
 *
 * Evidence rules (FORMATS.md §5):
 * - `no-tls` comes from access logs only: TLS version and cipher suite both `-` on a line long
 *   enough to carry them. The parser leaves host id, signature version and authentication type
 *   null on 18-field lines, so a row "has the TLS fields" when any of those three is present.
 *   CloudTrail without `tlsDetails` is not plaintext (service calls, console proxies, old events).
 * - `weak-tls`: a TLS version below `minTls` (SSL anything, TLSv1, TLSv1.0, TLSv1.1; any letter
 *   case) from either source.
 * - `sigv2`: signature version SigV2 from either source.
 * - Never findings: S3's own lifecycle records (`S3.*` operations, principal AmazonS3) and
 *   website-endpoint requests (`WEBSITE.*`: S3 website endpoints only speak HTTP).
 *
 * Counting: the same request can be in CloudTrail (data events) and in the access logs, so counts
 * are kept per log kind and a finding reports the larger of the two. Totals per key are kept in
 * the state within `horizonDays`, so a day spread over several runs reports its whole count and
 * a re-run over the same objects (replayed rows) reports the same numbers without adding them twice.
 */
import { defineDetector, type DetectContext } from '../src/detect/detector.js';
import { SEVERITIES, type Attribution, type Finding, type FindingSeries, type Severity } from '../src/detect/finding.js';
import { isServicePrincipal } from '../src/detect/principal-class.js';
import { SampleKeeper } from '../src/detect/samples.js';
import type { EventView } from '../src/detect/view.js';
import { C, LOG_KIND } from '../src/schema.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CT = 0;
const SAL = 1;
const TOP = 5;

export const KINDS = ['no-tls', 'weak-tls', 'sigv2'] as const;
type Kind = (typeof KINDS)[number];
const NO_TLS = 0;
const WEAK_TLS = 1;
const SIGV2 = 2;

/** Object reads and writes: data that crossed the wire when the request succeeded. */
const DATA_ACTIONS = new Set([
  'GetObject',
  'PutObject',
  'PostObject',
  'UploadPart',
  'UploadPartCopy',
  'CopyObject',
  'CompleteMultipartUpload',
  'SelectObjectContent',
  'GetObjectTorrent',
]);
const DENIED_ERRORS = new Set(['AccessDenied', 'AllAccessDisabled', 'InvalidSecurity']);

const TUNABLES = {
  /** Versions strictly below this are `weak-tls` (SSL is always weak). */
  minTls: 1.2,
  /** Report plaintext attempts that were all denied (a SecureTransport deny doing its job) as low. */
  reportDenied: true,
  /** Days of per-key totals kept in the state (late log objects, cron runs within a day). */
  horizonDays: 3,
  /** Bound on per-key totals in the state and on distinct keys in one run. */
  maxKeys: 50_000,
  /** Distinct values counted per attribute per key; later values go to "(other)". */
  maxAttributionValues: 1_000,
};
type T = typeof TUNABLES;

/**
 * Totals per log kind: requests, denied, successful data transfers — index `field * 2 + logKind`.
 */
const REQ = 0;
const DENIED = 2;
const DATA = 4;
const NCOUNTS = 6;

interface Totals {
  counts: number[];
  first: number;
  last: number;
  /** Some row came from a person or workload, not an AWS service. */
  human: boolean;
  /** Lowest TLS version seen (weak-tls), Infinity otherwise. */
  weakest: number;
}

type AttrName = 'source_ip' | 'user_agent' | 'action' | 'tls_version' | 'event_source';
const ATTRS: readonly AttrName[] = ['source_ip', 'user_agent', 'action', 'tls_version', 'event_source'];

interface RunEntry {
  kind: number;
  principal: string;
  bucket: string;
  day: number;
  /** All rows of this run, replayed ones included. */
  all: Totals;
  /** Counts of rows not already counted by an earlier run. */
  fresh: number[];
  samples: SampleKeeper;
  /** Per log kind, per attribute: value → count. */
  attrs: [Map<string, number>[], Map<string, number>[]];
  /** Requests per log kind and UTC hour of the day seen by this run (index log kind × 24 + hour), for the series. */
  hours: Float64Array;
}

interface State {
  /** Latest event time seen (ms), drives the horizon. */
  latest: number;
  totals: Map<string, Totals>;
  run: Map<string, RunEntry>;
}

function emptyTotals(): Totals {
  return { counts: new Array<number>(NCOUNTS).fill(0), first: Infinity, last: -Infinity, human: false, weakest: Infinity };
}

/** `TLSv1.1` → 1.1, `TLSV1` → 1.0, `SSLv3` → 0 (any SSL is below every TLS); unknown → NaN. */
export function tlsNumber(v: string): number {
  const m = /^(ssl|tls)v?(\d+(?:\.\d+)?)$/i.exec(v.trim());
  if (!m) return NaN;
  return m[1].toLowerCase() === 'ssl' ? 0 : Number(m[2]);
}

function tlsLabel(n: number): string {
  return n === 0 ? 'SSL' : `TLS ${n.toFixed(1)}`;
}

function shift(s: Severity, by: number): Severity {
  const i = Math.min(SEVERITIES.length - 1, Math.max(1, SEVERITIES.indexOf(s) + by));
  return SEVERITIES[i];
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function bump(m: Map<string, number>, v: string | null, cap: number, by: number): void {
  if (v === null || v === '') return;
  const n = m.get(v);
  if (n !== undefined) m.set(v, n + by);
  else if (m.size < cap) m.set(v, by);
  else m.set('(other)', (m.get('(other)') ?? 0) + by);
}

function top(m: Map<string, number>): Attribution[] {
  return [...m.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, TOP);
}

function observe(state: State, view: EventView, ctx: DetectContext<T>): void {
  const logKind = view.dict(C.log_kind);
  const operation = view.dict(C.operation);
  const principal = view.dict(C.principal);
  const tls = view.dict(C.tls_version);
  const cipher = view.dict(C.cipher_suite);
  const sig = view.dict(C.signature_version);
  const auth = view.dict(C.auth_type);
  const time = view.time;
  const lastTime = view.lastTime;

  // Per-batch lookups: one decision per dictionary value, integer reads per row.
  const kindOf = logKind.values.map((v) => (v === LOG_KIND.cloudtrail ? CT : v === LOG_KIND.s3access ? SAL : -1));
  const skipOp = operation.values.map((v) => v.startsWith('S3.') || v.startsWith('WEBSITE.'));
  const skipPrincipal = principal.values.map((v) => v === 'AmazonS3');
  const tlsNum = tls.values.map(tlsNumber);
  const isV2 = sig.values.map((v) => v.toLowerCase() === 'sigv2');
  const minTls = ctx.tunables.minTls;

  let latest = state.latest;
  for (let i = 0; i < view.rows.length; i++) {
    const row = view.rows[i];
    const t = time[row];
    // An aggregate row (backfill) ends at lastTime; a plain event's lastTime is its time.
    const lt = lastTime[row];
    if (lt > latest || Number.isNaN(latest)) latest = lt;
    if (!logKind.valid(row)) continue;
    const lk = kindOf[logKind.indices[row]];
    if (lk < 0) continue;
    if (operation.valid(row) && skipOp[operation.indices[row]]) continue;
    if (principal.valid(row) && skipPrincipal[principal.indices[row]]) continue;
    if (Number.isNaN(t)) continue;

    let transport = -1;
    let version = NaN;
    if (tls.valid(row)) {
      version = tlsNum[tls.indices[row]];
      if (version < minTls) transport = WEAK_TLS;
    } else if (lk === SAL && !cipher.valid(row) && (sig.valid(row) || auth.valid(row) || view.str(C.host_id, row) !== null)) {
      transport = NO_TLS;
    }
    const v2 = sig.valid(row) && isV2[sig.indices[row]];
    if (transport < 0 && !v2) continue;
    if (transport >= 0) record(state, view, ctx, row, lk, transport, version);
    if (v2) record(state, view, ctx, row, lk, SIGV2, version);
  }
  state.latest = latest;
}

/** Only rows that are findings reach here, so reading strings per row is affordable. */
function record(state: State, view: EventView, ctx: DetectContext<T>, row: number, lk: number, kind: number, version: number): void {
  const sourceIp = view.str(C.source_ip, row);
  const userAgent = view.str(C.user_agent, row);
  if (ctx.allow.sourceIp(sourceIp) || ctx.allow.userAgent(userAgent)) return;
  const t = view.time[row];
  const day = Math.floor(t / DAY_MS);
  const principal = view.dict(C.principal).get(row) ?? 'unknown';
  const bucket = view.dict(C.bucket).get(row) ?? '';
  const key = `${KINDS[kind]}\u0000${principal}\u0000${bucket}\u0000${day}`;
  let e = state.run.get(key);
  if (e === undefined) {
    if (state.run.size >= ctx.tunables.maxKeys) {
      ctx.evicted('run-keys');
      return;
    }
    e = {
      kind,
      principal,
      bucket,
      day,
      all: emptyTotals(),
      fresh: new Array<number>(NCOUNTS).fill(0),
      samples: new SampleKeeper(),
      attrs: [ATTRS.map(() => new Map()), ATTRS.map(() => new Map())],
      hours: new Float64Array(48),
    };
    state.run.set(key, e);
  }
  const status = view.num(C.http_status)[row];
  const error = view.dict(C.error_code).get(row);
  const action = view.dict(C.action).get(row);
  const denied = status === 403 || (error !== null && DENIED_ERRORS.has(error));
  const ok = lk === SAL ? status >= 200 && status < 300 : error === null;
  const data = ok && action !== null && DATA_ACTIONS.has(action);
  const service = isServicePrincipal({
    principal,
    principalType: view.dict(C.principal_type).get(row),
    invokedBy: view.dict(C.invoked_by).get(row),
    sourceIp,
  });

  const a = e.all;
  // An aggregate row (backfill) stands for `n` requests.
  const n = view.weight(row);
  e.hours[lk * 24 + Math.floor((t - day * DAY_MS) / HOUR_MS)] += n;
  a.counts[REQ + lk] += n;
  if (denied) a.counts[DENIED + lk] += n;
  if (data) a.counts[DATA + lk] += n;
  if (!view.replayed(row)) {
    e.fresh[REQ + lk] += n;
    if (denied) e.fresh[DENIED + lk] += n;
    if (data) e.fresh[DATA + lk] += n;
  }
  if (t < a.first) a.first = t;
  const lt = view.lastTime[row];
  if (lt > a.last) a.last = lt;
  if (!service) a.human = true;
  if (kind === WEAK_TLS && version < a.weakest) a.weakest = version;

  e.samples.offer(view, row);
  const cap = ctx.tunables.maxAttributionValues;
  const m = e.attrs[lk];
  bump(m[0], sourceIp, cap, n);
  bump(m[1], userAgent, cap, n);
  bump(m[2], lk === SAL ? view.dict(C.operation).get(row) ?? action : action, cap, n);
  bump(m[3], view.dict(C.tls_version).get(row), cap, n);
  bump(m[4], view.dict(C.event_source).get(row), cap, n);
}

/** Stored totals + this run's new rows, never below what this run saw (state may have been evicted). */
function merge(stored: Totals | undefined, e: RunEntry): Totals {
  const out = emptyTotals();
  for (let i = 0; i < NCOUNTS; i++) out.counts[i] = Math.max((stored?.counts[i] ?? 0) + e.fresh[i], e.all.counts[i]);
  out.first = Math.min(stored?.first ?? Infinity, e.all.first);
  out.last = Math.max(stored?.last ?? -Infinity, e.all.last);
  out.human = (stored?.human ?? false) || e.all.human;
  out.weakest = Math.min(stored?.weakest ?? Infinity, e.all.weakest);
  return out;
}

/** Hourly requests of the day as this run saw them (the larger log kind per hour); any is one too many. */
function seriesOf(e: RunEntry): FindingSeries {
  const points: FindingSeries['points'] = [];
  for (let h = 0; h < 24; h++) {
    const t = new Date(e.day * DAY_MS + h * HOUR_MS).toISOString();
    points.push({ t, observed: Math.max(e.hours[h], e.hours[24 + h]), expected: 0, low: 0, high: 0 });
  }
  return { metric: 'requests', step_ms: HOUR_MS, points };
}

function build(e: RunEntry, tot: Totals, ctx: DetectContext<T>): Finding | null {
  const c = tot.counts;
  // The log kind that saw more of these requests speaks for the key (access logs on ties).
  const lk = c[REQ + CT] > c[REQ + SAL] ? CT : SAL;
  const requests = c[REQ + lk];
  const denied = c[DENIED + lk];
  const data = c[DATA + lk];
  if (requests === 0) return null;
  const kind: Kind = KINDS[e.kind];
  const deniedOnly = denied === requests;
  if (kind === 'no-tls' && deniedOnly && !ctx.tunables.reportDenied) return null;

  const base = ctx.severity;
  const anonymous = e.principal === 'anonymous';
  let severity: Severity;
  if (kind === 'no-tls') severity = deniedOnly || anonymous ? shift(base, -1) : data > 0 ? shift(base, 1) : base;
  else if (kind === 'weak-tls') severity = tot.weakest < 1.1 && !deniedOnly ? base : shift(base, -1);
  else severity = shift(base, -1);

  const attrs = e.attrs[e.attrs[lk][0].size + e.attrs[lk][1].size > 0 ? lk : 1 - lk];
  const attributions: Record<string, Attribution[]> = {};
  ATTRS.forEach((name, i) => {
    if (name === 'tls_version' && kind !== 'weak-tls') return;
    if (name === 'event_source' && lk === SAL) return;
    const list = top(attrs[i]);
    if (list.length > 0) attributions[name] = list;
  });
  const ips = attrs[0].size;

  const where = e.bucket ? `to ${e.bucket}` : `to AWS APIs`;
  const when = `on ${isoDay(e.day)}`;
  const from = `from ${fmt(ips)} source IP${ips === 1 ? '' : 's'}`;
  let summary: string;
  if (kind === 'no-tls') {
    summary = deniedOnly
      ? `${e.principal} sent ${fmt(requests)} plaintext (no TLS) request${requests === 1 ? '' : 's'} ${where} ${when} ${from}; all were denied (a TLS-only bucket policy is working) but the client still tries plaintext`
      : `${e.principal} sent ${fmt(requests)} request${requests === 1 ? '' : 's'} ${where} without TLS ${when} ${from} (${fmt(data)} successful object read${data === 1 ? '' : 's'}/write${data === 1 ? '' : 's'} in plaintext, ${fmt(denied)} denied)`;
  } else if (kind === 'weak-tls') {
    summary = `${e.principal} sent ${fmt(requests)} request${requests === 1 ? '' : 's'} ${where} over ${tlsLabel(tot.weakest)} (below TLS ${ctx.tunables.minTls.toFixed(1)}) ${when} ${from} (${fmt(denied)} denied)`;
  } else {
    summary = `${e.principal} sent ${fmt(requests)} SigV2-signed request${requests === 1 ? '' : 's'} ${where} ${when} ${from} (SigV2 is deprecated; ${fmt(denied)} denied)`;
  }

  const subject: Finding['subject'] = { principal: e.principal };
  if (e.bucket) subject.bucket = e.bucket;
  const score = Math.round((e.kind === NO_TLS ? 3 : e.kind === WEAK_TLS ? 2 : 1) * Math.log10(1 + requests) * 100) / 100;
  return ctx.finding({
    kind,
    severity,
    servicePrincipal: !tot.human,
    title: kind === 'no-tls' ? 'S3 requests without TLS' : kind === 'weak-tls' ? 'Requests with TLS below 1.2' : 'S3 requests signed with SigV2',
    summary,
    subject,
    window: { start: new Date(e.day * DAY_MS).toISOString(), end: new Date((e.day + 1) * DAY_MS).toISOString() },
    observed: {
      requests,
      denied,
      data_transfers: data,
      cloudtrail_requests: c[REQ + CT],
      s3access_requests: c[REQ + SAL],
      ...(kind === 'weak-tls' ? { weakest_tls: tlsLabel(tot.weakest) } : {}),
    },
    baseline: null,
    score,
    evidence: { count: requests, samples: e.samples.samples },
    attributions,
    first_seen: new Date(tot.first).toISOString(),
    last_seen: new Date(tot.last).toISOString(),
    series: seriesOf(e),
  });
}

function finish(state: State, ctx: DetectContext<T>): Finding[] {
  const out: Finding[] = [];
  for (const key of [...state.run.keys()].sort()) {
    const e = state.run.get(key)!;
    const tot = merge(state.totals.get(key), e);
    state.totals.set(key, tot);
    const f = build(e, tot, ctx);
    if (f) out.push(f);
  }
  state.run.clear();
  prune(state, ctx);
  return out;
}

/** Drop totals past the horizon (event time), then the oldest days beyond maxKeys. */
function prune(state: State, ctx: DetectContext<T>): void {
  if (Number.isNaN(state.latest)) return;
  const oldest = Math.floor(state.latest / DAY_MS) - ctx.tunables.horizonDays;
  for (const [key, tot] of state.totals) if (Math.floor(tot.last / DAY_MS) < oldest) state.totals.delete(key);
  const excess = state.totals.size - ctx.tunables.maxKeys;
  if (excess > 0) {
    const byAge = [...state.totals.entries()].sort((a, b) => a[1].last - b[1].last || (a[0] < b[0] ? -1 : 1));
    for (let i = 0; i < excess; i++) state.totals.delete(byAge[i][0]);
    ctx.evicted('totals', excess);
  }
}

type SavedTotals = [string, number[], number, number, 0 | 1, number | null];

export const insecureTransport = defineDetector<T, State>({
  id: 'insecure-transport',
  title: 'Insecure transport to S3',
  description:
    'Requests without TLS (access logs: TLS version and cipher both "-"), with TLS below 1.2 (either source) or signed with SigV2, one finding per principal × bucket × UTC day × kind. Plaintext requests that succeeded in moving object data raise the severity; plaintext attempts that were all denied stay low.',
  severity: 'medium',
  attack: [
    { technique_id: 'T1557', technique_name: 'Adversary-in-the-Middle', tactic: 'credential-access' },
    { technique_id: 'T1040', technique_name: 'Network Sniffing', tactic: 'credential-access' },
  ],
  falsePositives: [
    'Legacy clients and appliances pinned to HTTP or old TLS inside a VPC endpoint',
    'Anonymous reads of intentionally public data over http:// links',
    'Old SDKs that still sign with SigV2 on legacy regions',
  ],
  references: [
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html',
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  ],
  tunables: TUNABLES,
  state: {
    version: 1,
    create: () => ({ latest: NaN, totals: new Map(), run: new Map() }),
    toJSON: (s) => ({
      latest: Number.isNaN(s.latest) ? null : s.latest,
      totals: [...s.totals.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([k, t]): SavedTotals => [k, t.counts, t.first, t.last, t.human ? 1 : 0, Number.isFinite(t.weakest) ? t.weakest : null]),
    }),
    fromJSON: (json) => {
      const j = json as { latest: number | null; totals: SavedTotals[] };
      const totals = new Map<string, Totals>();
      for (const [k, counts, first, last, human, weakest] of j.totals) {
        totals.set(k, { counts: [...counts], first, last, human: human === 1, weakest: weakest ?? Infinity });
      }
      return { latest: j.latest ?? NaN, totals, run: new Map() };
    },
  },
  observe,
  finish,
});
