/**
 * volume-spike: per principal and per bucket, in event-time windows (default 1 h), S3 requests,
 * bytes out, access-denied errors and deletes far above the key's own robust baseline, or above
 * absolute cold-start floors when the key has little history.
 *
 * - Counting: S3 rows only (access logs, and CloudTrail with eventSource s3.amazonaws.com). Counts
 *   are kept per key × window × metric per log kind and a window's value is the larger of the two
 *   kinds: the same request in CloudTrail data events and in the access logs counts once. (Where
 *   the two sources cover different buckets, a principal's count is the larger source, not their
 *   union.) Deletes are successful DeleteObject / DeleteObjects (the access-log keys of a
 *   multi-object delete, not its request line) and lifecycle expirations (S3.EXPIRE.OBJECT,
 *   S3.CREATE.DELETEMARKER: service traffic). Errors are access-denied codes or HTTP 403.
 * - Keys: principal and bucket, each split into people/workloads and AWS service traffic
 *   (`isServicePrincipal`, or `S3.*` operations), so services are baselined apart and capped.
 *   Rows whose principal, bucket, source IP or user agent is allow-listed are not counted.
 * - A window fires for a metric when it clears the minimum floor and either (a) with at least
 *   `minHistoryHours` of history: robust z ≥ `zThreshold` and observed ≥ `ratioThreshold` × the
 *   band's upper edge (robust-baseline.ts: median/MAD, daily then weekly profile), or (b) observed
 *   exceeds the cold-start floor and the key's own band does not reach `comparableFraction` of
 *   that floor (a nightly 5 GB job, or a log-delivery service that is always denied, stays quiet).
 * - One incident, one finding: a bytes-out finding carries its request count (no separate
 *   requests finding); a request spike made of deletes or errors is reported as those; a bucket
 *   finding is dropped when one principal explains ≥ `dominantShare` of it and has its own finding.
 * - State: per key, its first window and per-window counters within `historyDays` + `lateHours`
 *   of the latest event, at most `maxKeys` keys (least recently active evicted, counted).
 *   Attributions and samples are run-local, for the windows this run touched (replayed rows
 *   included, so a re-run reports the same findings; they are never added to the counts); a
 *   window split over two runs reports its whole counts but the second run's attributions only.
 *   Run-local memory grows with the key × windows a run touches (each attribute capped at
 *   `attributionCapacity` values), so a long backfill is best run a few days at a time.
 * - Hot path: per batch, each row gets a principal and a bucket group (key × window); then per
 *   group the counters and attributions are added from typed arrays, touching maps once per
 *   distinct value, and samples are built once per row however many windows keep them.
 */
import type { AllowList } from '../src/detect/allow-list.js';
import { defineDetector, type DetectContext } from '../src/detect/detector.js';
import { SEVERITIES, type AttackRef, type Attribution, type Finding, type FindingSeries, type Severity, type Subject } from '../src/detect/finding.js';
import { formatBytes, formatCount, formatMinutes } from '../src/detect/humanize.js';
import { isServicePrincipal, type PrincipalFacts } from '../src/detect/principal-class.js';
import { seasonalBaseline, type BaselineOptions, type RobustBaseline } from '../src/detect/robust-baseline.js';
import { dictIds, type IdColumn } from '../src/detect/id-columns.js';
import type { EventView } from '../src/detect/view.js';
import { WindowCounters, type CounterKey } from '../src/detect/window-counters.js';
import { BatchGroups, SampleCache, ScratchColumn, WindowEvidence } from '../src/detect/window-evidence.js';
import { C, LOG_KIND } from '../src/schema.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const TUNABLES = {
  windowMinutes: 60,
  historyDays: 14,
  /** Windows kept past the horizon for late log objects. */
  lateHours: 24,
  /** History needed before the baseline test runs (before that only cold-start floors apply). */
  minHistoryHours: 24,
  minRequests: 50,
  minBytes: 100 * MiB,
  minErrors: 20,
  minDeletes: 20,
  zThreshold: 6,
  /** Observed must also be at least this multiple of the band's upper edge. */
  ratioThreshold: 5,
  /** Upper edge of the normal band: median + bandSigmas × robust sigma. */
  bandSigmas: 3,
  coldStartRequests: 500,
  coldStartBytes: GiB,
  coldStartErrors: 50,
  coldStartDeletes: 100,
  /** A key whose band reaches this fraction of a cold-start floor is used to such volumes. */
  comparableFraction: 0.5,
  /** Share of a bucket's spike one principal must explain for the bucket finding to be left to it. */
  dominantShare: 0.8,
  maxKeys: 50_000,
  /** Distinct values counted exactly per attribute per key and window. */
  attributionCapacity: 200,
};
type T = typeof TUNABLES;

// Metrics; counters are indexed metric * 2 + log kind (0 CloudTrail, 1 access log).
const REQ = 0;
const BYTES = 1;
const ERR = 2;
const DEL = 3;
const METRICS = 4;
const WIDTH = 2 * METRICS;
const KINDS = ['requests', 'bytes-out', 'errors', 'deletes'] as const;
const METRIC_NAMES = ['requests', 'bytes_out', 'errors', 'deletes'] as const;
const FAMILY = ['read', 'read', 'errors', 'deletes'] as const;

// Key scopes: principal, principal (service traffic), bucket, bucket (service traffic).
const P = 0;
const PS = 1;
const B = 2;
const BS = 3;

// Attributes attributed per key × window.
const A_OTHER = 0; // the bucket of a principal key, the principal of a bucket key
const A_IP = 1;
const A_UA = 2;
const A_ERR = 3;
const A_KEY = 4;
const A_ACTION = 5;
const ATTRS = 6;
const ATTR_NAMES = ['', 'source_ips', 'user_agents', 'error_codes', 'keys', 'actions'];
const KEY_PREFIX_SLASHES = 2;

const DELETE_ACTIONS = new Set(['DeleteObject', 'DeleteObjects', 'S3.EXPIRE.OBJECT', 'S3.CREATE.DELETEMARKER']);
/** The request line of a multi-object delete: its keys are logged as BATCH.DELETE.OBJECT lines. */
const DELETE_ENVELOPES = new Set(['REST.POST.MULTI_OBJECT_DELETE']);
const DENIED = new Set(['AccessDenied', 'AllAccessDisabled', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken']);
const S3_SOURCE = 's3.amazonaws.com';

const ATTACK = {
  collection: { technique_id: 'T1530', technique_name: 'Data from Cloud Storage', tactic: 'collection' },
  destruction: { technique_id: 'T1485', technique_name: 'Data Destruction', tactic: 'impact' },
  objectDiscovery: { technique_id: 'T1619', technique_name: 'Cloud Storage Object Discovery', tactic: 'discovery' },
  infraDiscovery: { technique_id: 'T1580', technique_name: 'Cloud Infrastructure Discovery', tactic: 'discovery' },
} satisfies Record<string, AttackRef>;

/** Run-local evidence per window of a key; the history itself is in the counters. */
type Run = Map<number, WindowEvidence>;
export type VolumeState = WindowCounters<Run>;
type Key = CounterKey<Run>;

const at = (c: Float64Array, m: number): number => Math.max(c[2 * m], c[2 * m + 1]);
const round2 = (x: number): number => Math.round(x * 100) / 100;

const newRun = (): Run => new Map();

function windowRun(state: VolumeState, key: Key, w: number, capacity: number): WindowEvidence {
  const run = key.run ?? state.run(key, newRun);
  let e = run.get(w);
  if (!e) {
    e = new WindowEvidence(ATTRS, WIDTH, capacity, 3);
    run.set(w, e);
  }
  return e;
}

const flags = (values: string[], f: (v: string) => number): Uint8Array => Uint8Array.from(values, f);
const serviceFact = (f: Partial<PrincipalFacts>): boolean => isServicePrincipal({ principal: null, principalType: null, invokedBy: null, sourceIp: null, ...f });

/** Columns of one batch, decoded once, with flags per dictionary value and per-batch value ids. */
function batchColumns(view: EventView, allow: AllowList) {
  const { rows, numRows } = view;
  const [kind, source, action, operation, principal, principalType, invokedBy, bucket, error] = (
    [C.log_kind, C.event_source, C.action, C.operation, C.principal, C.principal_type, C.invoked_by, C.bucket, C.error_code] as const
  ).map((c) => view.dict(c));
  const ip = view.utf8Ids(C.source_ip);
  const ua = view.utf8Ids(C.user_agent);
  // Per source-IP id: 1 service traffic, 2 allow-listed, 4 known; per user-agent id: 1 allow-listed, 2 known.
  const ipFlags = new Uint8Array(ip.size);
  const uaFlags = new Uint8Array(ua.size);
  const scratch = (col: IdColumn): ScratchColumn => new ScratchColumn(col, WIDTH);
  const shared = [ip, ua, dictIds(error, numRows, rows), view.utf8Ids(C.object_key, KEY_PREFIX_SLASHES), dictIds(action, numRows, rows)].map(scratch);
  return {
    kind,
    source,
    action,
    operation,
    principal,
    principalType,
    invokedBy,
    bucket,
    error,
    status: view.num(C.http_status),
    bytes: view.num(C.bytes_out),
    /** Log kind per dictionary value: 0 CloudTrail, 1 access log, -1 other. */
    kindOf: Int8Array.from(kind.values, (v) => (v === LOG_KIND.cloudtrail ? 0 : v === LOG_KIND.s3access ? 1 : -1)),
    isS3: flags(source.values, (v) => (v === S3_SOURCE ? 1 : 0)),
    /** 1: a delete action, 2: S3's own operation (lifecycle). */
    actionFlags: flags(action.values, (v) => (DELETE_ACTIONS.has(v) ? 1 : 0) | (v.startsWith('S3.') ? 2 : 0)),
    envelope: flags(operation.values, (v) => (DELETE_ENVELOPES.has(v) ? 1 : 0)),
    denied: flags(error.values, (v) => (DENIED.has(v) ? 1 : 0)),
    /** 1: service principal, 2: allow-listed. */
    principalFlags: flags(principal.values, (v) => (serviceFact({ principal: v }) ? 1 : 0) | (allow.principal(v) ? 2 : 0)),
    typeService: flags(principalType.values, (v) => (serviceFact({ principalType: v }) ? 1 : 0)),
    bucketAllowed: flags(bucket.values, (v) => (allow.bucket(v) ? 1 : 0)),
    /** Attribution columns of principal keys and of bucket keys (they differ in A_OTHER). */
    principalAttrs: [scratch(dictIds(bucket, numRows, rows)), ...shared],
    bucketAttrs: [scratch(dictIds(principal, numRows, rows)), ...shared],
    /** Source-IP flags of a row, computed once per distinct IP. */
    ipFlagsAt(row: number): number {
      const id = ip.ids[row];
      if (id < 0) return 0;
      if (ipFlags[id] === 0) ipFlags[id] = 4 | (serviceFact({ sourceIp: ip.name(id) }) ? 1 : 0) | (allow.sourceIp(ip.name(id)) ? 2 : 0);
      return ipFlags[id];
    },
    uaAllowedAt(row: number): boolean {
      const id = ua.ids[row];
      if (id < 0) return false;
      if (uaFlags[id] === 0) uaFlags[id] = 2 | (allow.userAgent(ua.name(id)) ? 1 : 0);
      return (uaFlags[id] & 1) !== 0;
    },
  };
}

function observe(state: VolumeState, view: EventView, ctx: DetectContext<T>): void {
  const rows = view.rows;
  if (rows.length === 0) return;
  const T = ctx.tunables;
  const windowMs = windowMinutes(T) * 60_000;
  if (state.windowMs !== windowMs) {
    // Saved windows of another size cannot serve as history.
    if (state.touched.length === 0) state.keys.clear();
    state.windowMs = windowMs;
  }
  const cols = batchColumns(view, ctx.allow);
  const { kind, kindOf, source, isS3, action, actionFlags, operation, envelope, principal, principalFlags, principalType, typeService, invokedBy } = cols;
  const { bucket, bucketAllowed, error, denied, status, bytes } = cols;
  const n = view.numRows;
  const time = view.time;
  const last = view.lastTime;
  // Pass 1, per row: log kind, metric values, sample class, and its principal and bucket groups.
  const kinds = new Uint8Array(n);
  const vals = new Float64Array(n * METRICS);
  const classes = new Uint8Array(n);
  const counted = new Uint8Array(n);
  const groups = new BatchGroups<Key>(n, 2);
  const principalKeys: (Key | undefined)[] = new Array(principal.values.length * 2);
  const bucketKeys: (Key | undefined)[] = new Array(bucket.values.length * 2);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const t = time[r];
    if (Number.isNaN(t) || !kind.valid(r)) continue;
    const k = kindOf[kind.indices[r]];
    if (k < 0 || (k === 0 && !(source.valid(r) && isS3[source.indices[r]] === 1))) continue;
    const pi = principal.valid(r) ? principal.indices[r] : -1;
    const pf = pi >= 0 ? principalFlags[pi] : 0;
    const bi = bucket.valid(r) ? bucket.indices[r] : -1;
    const ipf = cols.ipFlagsAt(r);
    if ((pf & 2) !== 0 || (bi >= 0 && bucketAllowed[bi] === 1) || (ipf & 2) !== 0 || cols.uaAllowedAt(r)) continue;
    const af = action.valid(r) ? actionFlags[action.indices[r]] : 0;
    const svc =
      (pf & 1) !== 0 ||
      (ipf & 1) !== 0 ||
      (af & 2) !== 0 ||
      (principalType.valid(r) && typeService[principalType.indices[r]] === 1) ||
      (invokedBy.valid(r) && invokedBy.get(r) !== '');
    const hasError = error.valid(r);
    const st = status[r];
    const err = (hasError && denied[error.indices[r]] === 1) || st === 403;
    const del = (af & 1) !== 0 && !hasError && !(st >= 300) && !(operation.valid(r) && envelope[operation.indices[r]] === 1);
    const o = r * METRICS;
    kinds[r] = k;
    // An aggregate row stands for `weight` requests; its bytes_out is already the group's sum.
    const wt = view.weight(r);
    vals[o + REQ] = wt;
    vals[o + BYTES] = bytes[r] > 0 ? bytes[r] : 0;
    vals[o + ERR] = err ? wt : 0;
    vals[o + DEL] = del ? wt : 0;
    classes[r] = err ? 1 : del ? 2 : 0;
    counted[r] = view.replayed(r) ? 0 : 1;
    if (last[r] > state.maxTime) state.maxTime = last[r];
    const w = Math.floor(t / windowMs);
    const ps = svc ? 1 : 0;
    let pk = pi >= 0 ? principalKeys[pi * 2 + ps] : undefined;
    if (!pk) {
      pk = state.key(svc ? PS : P, pi >= 0 ? principal.values[pi] : 'unknown');
      if (pi >= 0) principalKeys[pi * 2 + ps] = pk;
    }
    groups.add(r, 0, pk, w);
    if (bi >= 0) groups.add(r, 1, (bucketKeys[bi * 2 + ps] ??= state.key(svc ? BS : B, bucket.values[bi])), w);
  }
  // Pass 2, per key × window: counted into the history unless replayed, attributed and sampled either way.
  const { order, start } = groups.ordered();
  const samples = new SampleCache(view);
  for (let g = 0; g < groups.keys.length; g++) {
    const key = groups.keys[g];
    const w = groups.windows[g];
    let c: Float64Array | null = null;
    for (let i = start[g]; i < start[g + 1]; i++) {
      const r = order[i];
      if (counted[r] === 0) continue;
      c ??= state.counters(key, w);
      for (let m = 0; m < METRICS; m++) c[m * 2 + kinds[r]] += vals[r * METRICS + m];
    }
    const attrs = key.scope >= B ? cols.bucketAttrs : cols.principalAttrs;
    windowRun(state, key, w, T.attributionCapacity).add(samples, time, order, start[g], start[g + 1], kinds, vals, classes, attrs, last);
  }
  // Safety valve while a run is under way (keys touched by this run are kept until finish).
  if (state.keys.size > 2 * T.maxKeys) ctx.evicted('keys', state.evict(T.maxKeys, true));
}

// ---------------------------------------------------------------------------------------------
// finish: decide per touched key × window, then prune and bound the history.

interface Params {
  t: T;
  windowMs: number;
  minHistory: number;
  min: number[];
  cold: number[];
  baseline: BaselineOptions[];
}

function windowMinutes(t: T): number {
  return Math.max(1, Math.round(t.windowMinutes));
}

function params(t: T): Params {
  const wm = windowMinutes(t);
  const common = { horizon: Math.round((t.historyDays * 1440) / wm), windowsPerDay: 1440 % wm === 0 ? 1440 / wm : 0, bandSigmas: t.bandSigmas };
  const counts: BaselineOptions = { ...common, sigmaFloor: (m) => Math.max(Math.sqrt(m), 1) };
  // Bytes vary with object sizes: at least a quarter of the median, and 1 MB.
  const volume: BaselineOptions = { ...common, sigmaFloor: (m) => Math.max(0.25 * m, MiB) };
  return {
    t,
    windowMs: wm * 60_000,
    minHistory: Math.ceil((t.minHistoryHours * 60) / wm),
    min: [t.minRequests, t.minBytes, t.minErrors, t.minDeletes],
    cold: [t.coldStartRequests, t.coldStartBytes, t.coldStartErrors, t.coldStartDeletes],
    baseline: [counts, volume, counts, counts],
  };
}

interface Verdict {
  m: number;
  obs: number;
  base: RobustBaseline | null;
  relative: boolean;
  absolute: boolean;
}

function verdict(key: Key, w: number, m: number, c: Float64Array, p: Params): Verdict | null {
  const obs = at(c, m);
  if (obs < p.min[m]) return null;
  const value = (x: number): number => {
    const v = key.counts.get(x);
    return v ? at(v, m) : 0;
  };
  const base = seasonalBaseline(value, key.first, w, p.baseline[m]);
  const relative = base !== null && base.windows >= p.minHistory && (obs - base.median) / base.sigma >= p.t.zThreshold && obs >= p.t.ratioThreshold * base.upper;
  const usual = base !== null && base.upper >= p.cold[m] * p.t.comparableFraction;
  const absolute = obs > p.cold[m] && !usual;
  return relative || absolute ? { m, obs, base, relative, absolute } : null;
}

function raise(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)];
}

function accountOf(principal: string): string | undefined {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

function expectedClause(v: Verdict, p: Params): string {
  const fmt = v.m === BYTES ? formatBytes : formatCount;
  const b = v.base;
  const history = formatMinutes(((b?.windows ?? 0) * p.windowMs) / 60_000);
  let s =
    b !== null && b.windows >= p.minHistory
      ? `expected ≤ ${fmt(b.upper)} (median ${fmt(b.median)}, ${b.profile} baseline over ${history})`
      : `no baseline yet (${b ? history : 'no'} history)`;
  if (v.absolute) s += `, above the cold-start floor of ${fmt(p.cold[v.m])}`;
  return s;
}

function describe(key: Key, v: Verdict, c: Float64Array, other: Attribution | undefined, run: WindowEvidence, p: Params): string {
  const bucketKey = key.scope >= B;
  const req = formatCount(at(c, REQ));
  const what = [
    `${bucketKey ? 'served' : 'made'} ${req} requests`,
    `${bucketKey ? 'served' : 'read'} ${formatBytes(at(c, BYTES))} in ${req} requests`,
    `${bucketKey ? 'returned' : 'got'} ${formatCount(at(c, ERR))} access-denied errors`,
    `${bucketKey ? 'lost' : 'deleted'} ${formatCount(at(c, DEL))} objects`,
  ][v.m];
  let where = '';
  if (bucketKey) {
    const metric = (x: Float64Array): number => at(x, v.m);
    const n = run.attrs[A_OTHER].top(Infinity, metric).length;
    const total = at(run.total, v.m);
    const share = other && total > 0 ? Math.round((100 * other.count) / total) : 0;
    where = other ? ` for ${n}${run.attrs[A_OTHER].truncated ? '+' : ''} principal${n === 1 ? '' : 's'} (top ${other.value}, ${share} %)` : '';
  } else if (other) {
    where = ` ${['on', 'from', 'on', 'from'][v.m]} ${other.value}${other.count < at(run.total, v.m) ? ' and other buckets' : ''}`;
  }
  const action = v.m === REQ ? run.attrs[A_ACTION].top(1, (x) => at(x, REQ))[0] : undefined;
  const mostly = action ? ` (mostly ${action.value})` : '';
  return `${key.id} ${what}${mostly}${where} in ${formatMinutes(p.windowMs / 60_000)}; ${expectedClause(v, p)}`;
}

function attackFor(m: number, run: WindowEvidence): AttackRef[] {
  if (m === DEL) return [ATTACK.destruction];
  if (m === ERR) return [ATTACK.objectDiscovery, ATTACK.infraDiscovery];
  if (m === REQ) {
    const top = run.attrs[A_ACTION].top(1, (x) => at(x, REQ))[0];
    if (top?.value.startsWith('List')) return [ATTACK.objectDiscovery];
  }
  return [ATTACK.collection];
}

/** Windows charted before and after a finding's window (the report's series; two days and a half day when hourly). */
const SERIES_BEFORE = 48;
const SERIES_AFTER = 12;

/** The metric per window around `w` from the key's history, with the band each window was judged against. */
function seriesOf(key: Key, w: number, m: number, p: Params): FindingSeries {
  const value = (x: number): number => {
    const v = key.counts.get(x);
    return v ? at(v, m) : 0;
  };
  let last = w;
  for (const x of key.counts.keys()) if (x > last && x <= w + SERIES_AFTER) last = x;
  const points: FindingSeries['points'] = [];
  for (let x = Math.max(key.first, w - SERIES_BEFORE); x <= last; x++) {
    const b = seasonalBaseline(value, key.first, x, p.baseline[m]);
    const known = b !== null && b.windows >= p.minHistory;
    points.push({
      t: new Date(x * p.windowMs).toISOString(),
      observed: value(x),
      expected: known ? round2(b.median) : null,
      low: known ? round2(Math.max(0, 2 * b.median - b.upper)) : null,
      high: known ? round2(b.upper) : null,
    });
  }
  return { metric: METRIC_NAMES[m], step_ms: p.windowMs, points };
}

function build(key: Key, w: number, run: WindowEvidence, v: Verdict, c: Float64Array, p: Params, ctx: DetectContext<T>, fired: Set<string>): Finding | null {
  const m = v.m;
  const bucketKey = key.scope >= B;
  const service = key.scope === PS || key.scope === BS;
  const other = run.attrs[A_OTHER].top(1, (x) => at(x, m))[0];
  if (bucketKey && other) {
    const total = at(run.total, m);
    const dominant = total > 0 && other.count / total >= p.t.dominantShare;
    if (dominant && fired.has(`${key.scope - B}|${other.value}|${w}|${FAMILY[m]}`)) return null;
  }
  const events = m === BYTES ? REQ : m;
  const attributions: Record<string, Attribution[]> = {};
  for (let a = 0; a < ATTRS; a++) {
    const list = run.attrs[a].top(5, (x) => at(x, events));
    if (list.length > 0) attributions[a === A_OTHER ? (bucketKey ? 'principals' : 'buckets') : ATTR_NAMES[a]] = list;
  }
  const subject: Subject = bucketKey ? { bucket: key.id } : { principal: key.id, account: accountOf(key.id) };
  if (other) subject[bucketKey ? 'top_principal' : 'bucket'] = other.value;
  if (service) subject.traffic = 'service';
  for (const k of Object.keys(subject)) if (subject[k] === undefined) delete subject[k];
  const b = v.base;
  // Rows of the finding's class (errors, deletes; all rows otherwise) when this run saw some.
  const cls = m === ERR && run.has(1) ? 1 : m === DEL && run.has(2) ? 2 : 0;
  const high = m === DEL || ((m === REQ || m === BYTES) && (at(c, REQ) > p.cold[REQ] || at(c, BYTES) > p.cold[BYTES]));
  const score = Math.max(v.relative && b ? v.obs / Math.max(b.upper, 1) : 0, v.absolute ? v.obs / p.cold[m] : 0);
  return ctx.finding({
    kind: KINDS[m],
    title: `${bucketKey ? 'Bucket' : 'Principal'} ${['request', 'bytes-out', 'access-denied', 'delete'][m]} spike`,
    summary: describe(key, v, c, other, run, p),
    subject,
    window: { start: new Date(w * p.windowMs).toISOString(), end: new Date((w + 1) * p.windowMs).toISOString() },
    observed: { metric: METRIC_NAMES[m], requests: at(c, REQ), bytes_out: at(c, BYTES), errors: at(c, ERR), deletes: at(c, DEL) },
    baseline: {
      profile: b?.profile ?? 'none',
      median: b ? round2(b.median) : null,
      mad: b ? round2(b.mad) : null,
      upper: b ? round2(b.upper) : null,
      windows: b?.windows ?? 0,
      samples: b?.samples ?? 0,
      cold_start_floor: p.cold[m],
      trigger: v.relative && v.absolute ? 'baseline+floor' : v.relative ? 'baseline' : 'floor',
    },
    score: round2(score),
    evidence: { count: at(c, events), samples: run.samplesOf(cls) },
    attributions,
    severity: high ? raise(ctx.severity) : ctx.severity,
    servicePrincipal: service,
    attack: attackFor(m, run),
    first_seen: run.firstSeen(cls),
    last_seen: run.lastSeen(cls),
    series: seriesOf(key, w, m, p),
  });
}

function evaluate(key: Key, w: number, run: WindowEvidence, p: Params, ctx: DetectContext<T>, fired: Set<string>, out: Finding[]): void {
  const c = key.counts.get(w);
  if (!c) return;
  const v = [REQ, BYTES, ERR, DEL].map((m) => verdict(key, w, m, c, p));
  if (key.scope < B) for (const x of v) if (x) fired.add(`${key.scope}|${key.id}|${w}|${FAMILY[x.m]}`);
  const emit: Verdict[] = [];
  const [req, bytes, err, del] = v;
  if (bytes) emit.push(bytes);
  else if (req) {
    const explained = (x: Verdict | null): boolean => x !== null && x.obs >= p.t.dominantShare * req.obs;
    if (!explained(del) && !explained(err)) emit.push(req);
  }
  if (err) emit.push(err);
  if (del) emit.push(del);
  for (const x of emit) {
    const f = build(key, w, run, x, c, p, ctx, fired);
    if (f) out.push(f);
  }
}

function finish(state: VolumeState, ctx: DetectContext<T>): Finding[] {
  const p = params(ctx.tunables);
  const out: Finding[] = [];
  const fired = new Set<string>();
  // Principal keys (scopes 0, 1) before bucket keys, so a bucket knows its principals' findings.
  const touched = [...state.touched].sort((a, b) => a.scope - b.scope || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const key of touched) {
    const run = key.run;
    if (!run) continue;
    for (const w of [...run.keys()].sort((a, b) => a - b)) evaluate(key, w, run.get(w)!, p, ctx, fired, out);
  }
  if (Number.isFinite(state.maxTime) && state.windowMs > 0) {
    const now = Math.floor(state.maxTime / state.windowMs);
    state.prune(now - p.baseline[0].horizon - Math.ceil((p.t.lateHours * 60_000 * 60) / p.windowMs) - 1);
  }
  state.endRun();
  const evicted = state.evict(p.t.maxKeys, false);
  if (evicted > 0) ctx.evicted('keys', evicted);
  return out;
}

export const volumeSpike = defineDetector<T, VolumeState>({
  id: 'volume-spike',
  title: 'S3 volume spike (requests, bytes out, access denied, deletes)',
  description:
    'Per principal and per bucket in event-time windows: S3 requests, bytes out, access-denied errors and deletes far above the key\'s own robust (median/MAD, daily and weekly) baseline, or above absolute cold-start floors while history is short, with observed vs expected numbers and the top principals, buckets, source IPs, user agents, error codes and key prefixes.',
  severity: 'medium',
  attack: [ATTACK.collection, ATTACK.destruction, ATTACK.objectDiscovery, ATTACK.infraDiscovery],
  falsePositives: [
    'Backfills and data migrations that read or copy whole buckets',
    'A new batch or ETL job on its first runs (until its own history covers it)',
    'Disaster-recovery tests and restores',
    'Bulk clean-ups and newly added lifecycle rules (deletes)',
    'Permission changes that leave a working job denied until fixed (errors)',
  ],
  tunables: TUNABLES,
  state: {
    version: 1,
    create: () => new WindowCounters<Run>(WIDTH),
    toJSON: (s) => s.toJSON(),
    fromJSON: (json) => WindowCounters.fromJSON<Run>(json, WIDTH, 'volume-spike'),
  },
  observe,
  finish,
});
