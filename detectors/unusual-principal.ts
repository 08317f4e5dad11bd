/**
 * unusual-principal: first-seen and rare identities, per account and per bucket.
 *
 * First-seen kinds (after a learning period of `learningDays` from the earliest event in the
 * state; a key is "new" when its first-seen time is at least that far from the baseline start):
 * - `new-principal`: a principal never seen in an owner account (high);
 * - `new-bucket-for-principal`: a principal known in the account touches a bucket it never did (medium);
 * - `new-action-class`: a known principal does a class of action it never did — read, write,
 *   delete, permissions, list (medium; see src/detect/action-class.ts);
 * - `cross-account`: a principal of another account on a bucket for the first time (high); own
 *   accounts are `ownAccounts`, or else the accounts seen owning the bucket (CloudTrail
 *   recipientAccountId of calls made from that same account, access-log canonical owners mapped
 *   through buckets seen in both), or else every account seen owning a bucket;
 * - `anonymous-access`: anonymous requests on a bucket that never had any (high; low when every
 *   request was denied — scanners probing bucket names);
 * - `new-source-network`: a known principal from a /24 (IPv4) or /48 (IPv6) it never used (low).
 * Always-on kinds (no learning period), one finding per principal × day:
 * - `root-activity`: the root user (high);
 * - `offensive-user-agent`: a penetration-testing distribution in the user agent (medium).
 *
 * Noise model: AWS service principals and internal traffic (`isServicePrincipal`) are keyed apart
 * and raise no first-seen finding unless `servicePrincipals` is on (then capped at low). Allow-listed
 * principals, buckets, source IPs and user agents are neither learnt nor reported. A kind whose
 * requests all failed is one step less severe (except root, anonymous: see above).
 *
 * Order independence: every decision is made in `finish` from first-seen times (minimum event
 * time per key) and evidence kept only for rows on a key's first-seen day (src/detect/first-seen.ts);
 * the finding window is that UTC day, so a re-run over replayed objects reproduces it.
 */
import { defineDetector, type DetectContext, type FindingInput } from '../src/detect/detector.js';
import { ACTION_CLASSES, classifyAction } from '../src/detect/action-class.js';
import { BucketOwners } from '../src/detect/bucket-owners.js';
import { DAY_MS, DayEvidence, FirstSeenStore, type FirstSeen, type FirstSeenJSON } from '../src/detect/first-seen.js';
import { SEVERITIES, type AttackRef, type Attribution, type Finding, type Severity } from '../src/detect/finding.js';
import { isServicePrincipal } from '../src/detect/principal-class.js';
import { sourceNetwork } from '../src/detect/source-network.js';
import { BytesMemo, utf8Bytes } from '../src/detect/utf8-bytes.js';
import { dictIds, type IdColumn } from '../src/detect/id-columns.js';
import type { EventView } from '../src/detect/view.js';
import { StateError } from '../src/errors.js';
import { C, LOG_KIND } from '../src/schema.js';
import { ANONYMOUS, UNKNOWN } from '../parsers/principal.js';

const TUNABLES = {
  /** Days of history before first-seen findings start (root and offensive user agents are always on). */
  learningDays: 7,
  /** Bound on first-seen keys in the state; the least recently seen are evicted (counted). */
  maxKeys: 200_000,
  /** Keys not seen for this many days are forgotten: a principal back after that is new again. */
  horizonDays: 180,
  /** Accounts that own the data; empty: the accounts seen owning each bucket. */
  ownAccounts: [] as string[],
  /** Report first-seen AWS service principals and internal traffic (capped at low). */
  servicePrincipals: false,
  ipv4Prefix: 24,
  ipv6Prefix: 48,
  /** Distribution markers matched as words in user agents (`Linux/6.1.0-kali7-amd64`, `exe/x86_64.parrot.5`). */
  offensiveUserAgents: ['kali', 'parrot', 'pentoo'] as string[],
  /** Finding kinds not to report (e.g. `new-source-network`). */
  disabledKinds: [] as string[],
};
type T = typeof TUNABLES;
type Ctx = DetectContext<T>;

export const KINDS = [
  'new-principal',
  'new-bucket-for-principal',
  'new-action-class',
  'cross-account',
  'anonymous-access',
  'new-source-network',
  'root-activity',
  'offensive-user-agent',
] as const;
type Kind = (typeof KINDS)[number];

const VALID_ACCOUNTS: AttackRef = { technique_id: 'T1078.004', technique_name: 'Valid Accounts: Cloud Accounts', tactic: 'initial-access' };
const CLOUD_STORAGE: AttackRef = { technique_id: 'T1530', technique_name: 'Data from Cloud Storage', tactic: 'collection' };
const INFRA_DISCOVERY: AttackRef = { technique_id: 'T1580', technique_name: 'Cloud Infrastructure Discovery', tactic: 'discovery' };
const STORAGE_DISCOVERY: AttackRef = { technique_id: 'T1619', technique_name: 'Cloud Storage Object Discovery', tactic: 'discovery' };
const DESTRUCTION: AttackRef = { technique_id: 'T1485', technique_name: 'Data Destruction', tactic: 'impact' };
const MANIPULATION: AttackRef = { technique_id: 'T1565.001', technique_name: 'Data Manipulation: Stored Data Manipulation', tactic: 'impact' };
const IMPAIR: AttackRef = { technique_id: 'T1562.008', technique_name: 'Impair Defenses: Disable or Modify Cloud Logs', tactic: 'defense-evasion' };

const CLASS_ATTACK: Record<string, AttackRef[]> = {
  read: [VALID_ACCOUNTS, CLOUD_STORAGE],
  list: [VALID_ACCOUNTS, STORAGE_DISCOVERY],
  delete: [VALID_ACCOUNTS, DESTRUCTION],
  write: [VALID_ACCOUNTS, MANIPULATION],
  permissions: [VALID_ACCOUNTS, IMPAIR],
};

/** Severity of each kind at the detector's default (high); a configured severity shifts them all. */
const BASE: Record<Kind, Severity> = {
  'new-principal': 'high',
  'new-bucket-for-principal': 'medium',
  'new-action-class': 'medium',
  'cross-account': 'high',
  'anonymous-access': 'high',
  'new-source-network': 'low',
  'root-activity': 'high',
  'offensive-user-agent': 'medium',
};
const WEIGHT: Record<Kind, number> = {
  'new-principal': 0.8,
  'new-bucket-for-principal': 0.5,
  'new-action-class': 0.6,
  'cross-account': 0.9,
  'anonymous-access': 0.9,
  'new-source-network': 0.3,
  'root-activity': 1,
  'offensive-user-agent': 0.7,
};

const SEP = '\u001f';
const SAL = 1;
const ACCOUNT_RE = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

interface SourceVerdict {
  ip: string | null;
  allowed: boolean;
  /** `AWS Internal`, `*.amazonaws.com`: a service acting, not a person or workload. */
  internal: boolean;
  network: string | null;
  netId: number;
}
interface AgentVerdict {
  text: string | null;
  allowed: boolean;
  family: string | null;
}
/** Root activity or an offensive user agent: one aggregate per principal × family × day. */
interface Special {
  kind: 'root-activity' | 'offensive-user-agent';
  principal: string;
  family: string;
  human: boolean;
  ev: DayEvidence;
}
interface Run {
  specials: Map<string, Special>;
  sources: BytesMemo<SourceVerdict>;
  agents: BytesMemo<AgentVerdict>;
  netIds: Map<string, number>;
}
interface State {
  keys: FirstSeenStore;
  /** Earliest and latest counted event time (ms): the baseline start and "now". */
  earliest: number;
  latest: number;
  /** Run-local; rebuilt on the first observe of a run, dropped by finish. */
  run: Run | null;
}

const NO_SOURCE: SourceVerdict = { ip: null, allowed: false, internal: false, network: null, netId: -1 };
const NO_AGENT: AgentVerdict = { text: null, allowed: false, family: null };
const FAMILY_NAMES: Record<string, string> = { kali: 'Kali Linux', parrot: 'Parrot OS', pentoo: 'Pentoo' };

function agentMatcher(tokens: string[]): RegExp | null {
  const words = tokens.map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  if (words.length === 0) return null;
  const alt = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // A distribution marker is a word of its own: `-kali7-`, `.kali.`, `13parrot1`, `parrotsec`, `kalilinux`.
  return new RegExp(`(?:^|[^a-z])(${alt})(?:linux|sec|os)?(?![a-z])`, 'i');
}

function newRun(ctx: Ctx): Run {
  const T = ctx.tunables;
  const netIds = new Map<string, number>();
  const matcher = agentMatcher(T.offensiveUserAgents);
  return {
    specials: new Map(),
    netIds,
    sources: new BytesMemo<SourceVerdict>((ip) => {
      const network = sourceNetwork(ip, T.ipv4Prefix, T.ipv6Prefix);
      let netId = -1;
      if (network !== null) {
        netId = netIds.get(network) ?? netIds.size;
        netIds.set(network, netId);
      }
      const internal = isServicePrincipal({ principal: null, principalType: null, invokedBy: null, sourceIp: ip });
      return { ip, allowed: ctx.allow.sourceIp(ip), internal, network, netId };
    }, NO_SOURCE),
    agents: new BytesMemo<AgentVerdict>((ua) => {
      const m = matcher?.exec(ua);
      return { text: ua, allowed: ctx.allow.userAgent(ua), family: m ? m[1].toLowerCase() : null };
    }, NO_AGENT),
  };
}

// Attribute sets tallied per evidence holder (see BatchTallies).
const SET_AGENT = 0; // action, source_ip, user_agent (principal and network keys, specials)
const SET_BUCKET = 1; // action, bucket (action-class keys)

/** A batch column tallied by id, with the tally value of an id. */
interface TallyColumn {
  attribute: string;
  ids: Int32Array;
  size: number;
  label: (id: number) => string;
}

/**
 * The tallies of one batch, deferred: the rows of each evidence holder are collected (in row
 * order) and at the end of the batch each holder is tallied once per distinct value with the
 * summed weight, in order of first occurrence per log kind — the order that decides which values
 * fit under DayEvidence's cap — instead of a map update per row and attribute.
 */
class BatchTallies {
  private readonly evs: DayEvidence[] = [];
  private readonly sets: number[] = [];
  private readonly rowsOf: number[][] = [];

  add(ev: DayEvidence, set: number, row: number): void {
    let slot = ev.batchSlot;
    if (slot < 0 || this.evs[slot] !== ev) {
      slot = this.evs.length;
      ev.batchSlot = slot;
      this.evs.push(ev);
      this.sets.push(set);
      this.rowsOf.push([]);
    }
    this.rowsOf[slot].push(row);
  }

  flush(view: EventView, kinds: Uint8Array, columns: TallyColumn[][]): void {
    if (this.evs.length === 0) return;
    const scratch = new Map<TallyColumn, { sums: Float64Array; marks: Uint8Array; touched: Int32Array }>();
    for (let slot = 0; slot < this.evs.length; slot++) {
      const ev = this.evs[slot];
      ev.batchSlot = -1;
      const rows = this.rowsOf[slot];
      for (const col of columns[this.sets[slot]]) {
        let sc = scratch.get(col);
        if (!sc) {
          sc = { sums: new Float64Array(col.size * 2), marks: new Uint8Array(col.size * 2), touched: new Int32Array(col.size * 2) };
          scratch.set(col, sc);
        }
        const { sums, marks, touched } = sc;
        const ids = col.ids;
        let n = 0;
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i];
          const id = ids[row];
          if (id < 0) continue;
          const k = id * 2 + kinds[row];
          if (marks[k] === 0) {
            marks[k] = 1;
            touched[n++] = k;
          }
          sums[k] += view.weight(row);
        }
        for (let x = 0; x < n; x++) {
          const k = touched[x];
          ev.tally(col.attribute, k & 1, col.label(k >> 1), sums[k]);
          marks[k] = 0;
          sums[k] = 0;
        }
      }
    }
  }
}

function observe(state: State, view: EventView, ctx: Ctx): void {
  const run = (state.run ??= newRun(ctx));
  if (run.sources.maybeReset()) run.netIds.clear();
  run.agents.maybeReset();
  const store = state.keys;
  const time = view.time;
  // Aggregate rows (backfill) span a group of requests: counts take the weight, "last seen" the group's end.
  const lastTime = view.lastTime;
  const pc = view.dict(C.principal);
  const tc = view.dict(C.principal_type);
  const ib = view.dict(C.invoked_by);
  const bc = view.dict(C.bucket);
  const oc = view.dict(C.owner_account);
  const pa = view.dict(C.principal_account);
  const ac = view.dict(C.action);
  const lk = view.dict(C.log_kind);
  const ec = view.dict(C.error_code);
  const status = view.num(C.http_status);
  const src = utf8Bytes(view.batch, C.source_ip);
  const ua = utf8Bytes(view.batch, C.user_agent);
  // Verdicts per distinct source IP and user agent of the batch (ids shared with other detectors).
  const srcIds = view.utf8Ids(C.source_ip);
  const uaIds = view.utf8Ids(C.user_agent);
  const srcV: (SourceVerdict | undefined)[] = new Array(srcIds.size);
  const uaV: (AgentVerdict | undefined)[] = new Array(uaIds.size);
  const kinds = new Uint8Array(view.numRows);
  const tallies = new BatchTallies();

  // Facts per dictionary value, once per batch.
  const pv = pc.values;
  const pSkip = pv.map((p) => p === '' || p === UNKNOWN || ctx.allow.principal(p));
  const pAnon = pv.map((p) => p === ANONYMOUS);
  const pSvc = pv.map((p) => isServicePrincipal({ principal: p, principalType: null, invokedBy: null, sourceIp: null }));
  const pRootArn = pv.map((p) => p.endsWith(':root'));
  const tSvc = tc.values.map((t) => t === 'AWSService');
  const tRoot = tc.values.map((t) => t === 'Root');
  const tPlaceholder = tc.values.map((t) => t === 'AWSAccount');
  const ibSvc = ib.values.map((v) => v !== '');
  const bv = bc.values;
  const bSkip = bv.map((b) => ctx.allow.bucket(b));
  const ov = oc.values;
  const av = ac.values;
  const aClass = av.map((a) => {
    const c = classifyAction(a);
    return c === null ? -1 : ACTION_CLASSES.indexOf(c);
  });
  const isSal = lk.values.map((v) => v === LOG_KIND.s3access);
  const nB = bv.length;
  const nO = ov.length;
  const nScope = nB + nO + 1;
  const pCache = new Map<number, FirstSeen>();
  const aCache = new Map<number, FirstSeen>();
  const nCache = new Map<number, FirstSeen>();
  const oCache = new Map<number, FirstSeen>();

  const rows = view.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const t = time[row];
    if (t !== t) continue;
    const lt = lastTime[row];
    const replayed = view.replayed(row);
    if (!replayed) {
      if (t < state.earliest) state.earliest = t;
      if (lt > state.latest) state.latest = lt;
    }
    if (!pc.valid(row)) continue;
    const p = pc.indices[row];
    if (pSkip[p]) continue;
    const b = bc.valid(row) ? bc.indices[row] : -1;
    if (b >= 0 && bSkip[b]) continue;
    const ui = uaIds.ids[row];
    const agent = ui < 0 ? NO_AGENT : (uaV[ui] ??= run.agents.get(ua, row));
    if (agent.allowed) continue;
    const si = srcIds.ids[row];
    const source = si < 0 ? NO_SOURCE : (srcV[si] ??= run.sources.get(src, row));
    if (source.allowed) continue;
    const kind = lk.valid(row) && isSal[lk.indices[row]] ? SAL : 0;
    kinds[row] = kind;
    const o = oc.valid(row) ? oc.indices[row] : -1;
    const ti = tc.valid(row) ? tc.indices[row] : -1;
    const svc = pSvc[p] || (ti >= 0 && tSvc[ti]) || (ib.valid(row) && ibSvc[ib.indices[row]]) || source.internal;
    const failed = ec.valid(row) || status[row] >= 400;
    const action = ac.valid(row) ? av[ac.indices[row]] : null;

    // Who owns the bucket: the access-log owner, and the CloudTrail recipient of calls made from the
    // recipient account itself (a cross-account call is also delivered to the caller's trail with
    // the caller as recipient; taking only same-account calls never makes a foreign owner "ours").
    if (b >= 0 && o >= 0 && !replayed && (kind === SAL || (pa.valid(row) && pa.values[pa.indices[row]] === ov[o]))) {
      const k = b * nO + o;
      let e = oCache.get(k);
      if (!e) {
        e = store.entry(`O${SEP}${bv[b]}${SEP}${ov[o]}`);
        oCache.set(k, e);
      }
      if (t < e.first) e.first = t;
      if (lt > e.last) e.last = lt;
    }

    const root = !svc && ((ti >= 0 && tRoot[ti]) || (pRootArn[p] && !(ti >= 0 && tPlaceholder[ti])));
    if (root) special(run, 'root-activity', pv[p], '', svc, view, row, t, kind, failed, tallies, ctx);
    if (agent.family !== null) special(run, 'offensive-user-agent', pv[p], agent.family, svc, view, row, t, kind, failed, tallies, ctx);
    if (root) continue; // reported every day it acts; not learnt as a first-seen principal

    const sv = svc ? 1 : 0;
    const scope = b >= 0 ? b : nB + (o >= 0 ? o : nO);
    const pk = (p * nScope + scope) * 2 + sv;
    let e = pCache.get(pk);
    if (!e) {
      e = store.entry(`P${SEP}${sv}${SEP}${pv[p]}${SEP}${b >= 0 ? bv[b] : '#' + (o >= 0 ? ov[o] : '')}`);
      pCache.set(pk, e);
    }
    let ev = FirstSeenStore.touch(e, t, replayed, lt);
    if (ev !== null) {
      ev.add(view, row, t, kind, failed, lt);
      tallies.add(ev, SET_AGENT, row);
    }
    if (pAnon[p]) continue; // anonymous: only "first anonymous request on this bucket"

    const cls = action !== null ? aClass[ac.indices[row]] : -1;
    if (cls >= 0) {
      const ak = (p * 8 + cls) * 2 + sv;
      let a = aCache.get(ak);
      if (!a) {
        a = store.entry(`A${SEP}${sv}${SEP}${pv[p]}${SEP}${ACTION_CLASSES[cls]}`);
        aCache.set(ak, a);
      }
      ev = FirstSeenStore.touch(a, t, replayed, lt);
      if (ev !== null) {
        ev.add(view, row, t, kind, failed, lt);
        tallies.add(ev, SET_BUCKET, row);
      }
    }

    if (!svc && source.network !== null) {
      const nk = p * 0x1000000 + source.netId;
      let ne = nCache.get(nk);
      if (!ne) {
        ne = store.entry(`N${SEP}0${SEP}${pv[p]}${SEP}${source.network}`);
        nCache.set(nk, ne);
      }
      ev = FirstSeenStore.touch(ne, t, replayed, lt);
      if (ev !== null) {
        ev.add(view, row, t, kind, failed, lt);
        tallies.add(ev, SET_AGENT, row);
      }
    }
  }
  const actions: TallyColumn = { attribute: 'action', ...dictIds(ac, view.numRows, rows), label: (id) => av[id] };
  const buckets: TallyColumn = { attribute: 'bucket', ...dictIds(bc, view.numRows, rows), label: (id) => bv[id] };
  const sources: TallyColumn = { attribute: 'source_ip', ids: srcIds.ids, size: srcIds.size, label: (id) => srcV[id]!.ip! };
  const agents: TallyColumn = { attribute: 'user_agent', ids: uaIds.ids, size: uaIds.size, label: (id) => uaV[id]!.text! };
  tallies.flush(view, kinds, [
    [actions, sources, agents],
    [actions, buckets],
  ]);
  // Hard bound within a run; the exact bound (`maxKeys`) is applied deterministically in finish.
  if (store.size > 2 * ctx.tunables.maxKeys) ctx.evicted('keys', store.trim(ctx.tunables.maxKeys));
}

function special(
  run: Run,
  kind: Special['kind'],
  principal: string,
  family: string,
  svc: boolean,
  view: EventView,
  row: number,
  t: number,
  logKind: number,
  failed: boolean,
  tallies: BatchTallies,
  ctx: Ctx,
): void {
  const day = Math.floor(t / DAY_MS);
  const key = `${kind}${SEP}${principal}${SEP}${family}${SEP}${day}`;
  let s = run.specials.get(key);
  if (!s) {
    if (run.specials.size >= ctx.tunables.maxKeys) {
      ctx.evicted('special-aggregates');
      return;
    }
    s = { kind, principal, family, human: false, ev: new DayEvidence(day) };
    run.specials.set(key, s);
  }
  if (!svc) s.human = true;
  s.ev.add(view, row, t, logKind, failed, view.lastTime[row]);
  tallies.add(s.ev, SET_AGENT, row);
}

// ---------------------------------------------------------------------------------------------
// finish

const fmt = (n: number): string => n.toLocaleString('en-US');
const iso = (t: number): string => new Date(t).toISOString();
const isoDay = (day: number): string => iso(day * DAY_MS).slice(0, 10);
const dayOf = (t: number): number => Math.floor(t / DAY_MS);
const plural = (n: number, word: string): string => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const days1 = (x: number): string => x.toFixed(1);

function severityOf(kind: Kind, ctx: Ctx, by = 0): Severity {
  const delta = SEVERITIES.indexOf(BASE[kind]) - SEVERITIES.indexOf('high') + by;
  const i = SEVERITIES.indexOf(ctx.severity) + delta;
  return SEVERITIES[Math.min(SEVERITIES.length - 1, Math.max(1, i))];
}

function topLine(ev: DayEvidence, attribute: string, k = 3): string {
  return ev
    .top(attribute, k)
    .map((a) => `${a.value} ×${fmt(a.count)}`)
    .join(', ');
}

function attributionsOf(ev: DayEvidence, names: string[]): Record<string, Attribution[]> {
  const out: Record<string, Attribution[]> = {};
  for (const n of names) {
    const list = ev.top(n);
    if (list.length > 0) out[n] = list;
  }
  return out;
}

function failedNote(ev: DayEvidence): string {
  const f = ev.failedCount;
  return f === 0 ? '' : ev.allFailed ? ', all failed' : `, ${fmt(f)} failed`;
}

interface Emit {
  (kind: Kind, input: Omit<FindingInput, 'kind' | 'window' | 'evidence' | 'first_seen' | 'last_seen' | 'severity'>, ev: DayEvidence, first: number, by?: number): void;
}

function specialFindings(run: Run, ctx: Ctx, emit: Emit): void {
  for (const s of run.specials.values()) {
    const ev = s.ev;
    const day = isoDay(ev.day);
    if (s.kind === 'root-activity') {
      emit(
        'root-activity',
        {
          title: 'Root user activity',
          summary: `${s.principal} made ${plural(ev.count, 'request')} on ${day}${failedNote(ev)} (${topLine(ev, 'action')}) from ${plural(ev.distinct('source_ip'), 'source IP')}`,
          subject: { principal: s.principal, account: ACCOUNT_RE.exec(s.principal)?.[1] },
          observed: { requests: ev.count, failed: ev.failedCount, actions: ev.distinct('action'), source_ips: ev.distinct('source_ip') },
          baseline: null,
          score: WEIGHT['root-activity'],
          attributions: attributionsOf(ev, ['action', 'source_ip', 'user_agent']),
          servicePrincipal: !s.human,
          attack: [VALID_ACCOUNTS],
        },
        ev,
        ev.firstTime,
      );
    } else {
      const name = FAMILY_NAMES[s.family] ?? s.family;
      emit(
        'offensive-user-agent',
        {
          title: `${name} user agent`,
          summary: `${s.principal} made ${plural(ev.count, 'request')} with a ${name} user agent on ${day}${failedNote(ev)} (${topLine(ev, 'action')})`,
          subject: { principal: s.principal, ua_family: s.family },
          observed: { requests: ev.count, failed: ev.failedCount, user_agents: ev.distinct('user_agent'), source_ips: ev.distinct('source_ip') },
          baseline: null,
          score: WEIGHT['offensive-user-agent'],
          attributions: attributionsOf(ev, ['user_agent', 'source_ip', 'action']),
          servicePrincipal: !s.human,
          attack: [VALID_ACCOUNTS, INFRA_DISCOVERY],
        },
        ev,
        ev.firstTime,
      );
    }
  }
}

/** (bucket, owner) pairs from the O keys. */
function* ownerPairs(store: FirstSeenStore): Generator<[string, string]> {
  for (const [key, e] of store.map) {
    if (key[0] !== 'O' || e.first === Infinity) continue;
    const cut = key.lastIndexOf(SEP);
    yield [key.slice(2, cut), key.slice(cut + 1)];
  }
}

/** The owning account of a scope: a bucket, or `#<recipient account>` for calls without a bucket. */
function scopeAccount(owners: BucketOwners, scope: string): string {
  return scope.startsWith('#') ? owners.account(scope.slice(1)) : owners.label(scope);
}

interface Group {
  svc: boolean;
  principal: string;
  scopes: { scope: string; e: FirstSeen }[];
  classes: { cls: string; e: FirstSeen }[];
  nets: { net: string; e: FirstSeen }[];
}

function groupsWithEvidence(store: FirstSeenStore): Map<string, Group> {
  const wanted = new Set<string>();
  for (const [key, e] of store.map) {
    if (key[0] !== 'O' && FirstSeenStore.evidence(e) !== null) wanted.add(key.slice(2, key.lastIndexOf(SEP)));
  }
  const groups = new Map<string, Group>();
  if (wanted.size === 0) return groups;
  for (const [key, e] of store.map) {
    if (key[0] === 'O' || e.first === Infinity) continue;
    const cut = key.lastIndexOf(SEP);
    const id = key.slice(2, cut);
    if (!wanted.has(id)) continue;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { svc: id[0] === '1', principal: id.slice(2), scopes: [], classes: [], nets: [] }));
    const part = key.slice(cut + 1);
    if (key[0] === 'P') g.scopes.push({ scope: part, e });
    else if (key[0] === 'A') g.classes.push({ cls: part, e });
    else if (key[0] === 'N') g.nets.push({ net: part, e });
  }
  return groups;
}

function firstSeenFindings(state: State, ctx: Ctx, emit: Emit): void {
  const T = ctx.tunables;
  const start = state.earliest;
  const learnedAt = start + T.learningDays * DAY_MS;
  const historyDays = (t: number): number => round2((t - start) / DAY_MS);
  const owners = new BucketOwners(ownerPairs(state.keys));
  for (const g of groupsWithEvidence(state.keys).values()) {
    if (g.svc && !T.servicePrincipals) continue;
    const who = g.principal;
    const svc = g.svc;
    if (who === ANONYMOUS) {
      for (const { scope, e } of g.scopes) {
        const ev = FirstSeenStore.evidence(e);
        if (ev === null || scope.startsWith('#') || e.first < learnedAt) continue;
        emit(
          'anonymous-access',
          {
            title: 'Anonymous access to a bucket that never had it',
            summary: `${scope} received ${plural(ev.count, 'anonymous request')} on ${isoDay(ev.day)}${failedNote(ev)} (${topLine(ev, 'action')}) from ${plural(ev.distinct('source_ip'), 'source IP')}; none in ${days1(historyDays(e.first))} days of history`,
            subject: { principal: ANONYMOUS, bucket: scope, account: owners.label(scope) || undefined },
            observed: { requests: ev.count, failed: ev.failedCount, source_ips: ev.distinct('source_ip') },
            baseline: { history_days: historyDays(e.first), anonymous_requests: 0 },
            score: round2(WEIGHT['anonymous-access'] * (ev.allFailed ? 0.4 : 1)),
            attributions: attributionsOf(ev, ['action', 'source_ip', 'user_agent']),
            servicePrincipal: svc,
            attack: [CLOUD_STORAGE],
          },
          ev,
          e.first,
          ev.allFailed ? -2 : 0,
        );
      }
      continue;
    }

    // When the principal first appeared, overall and per owning account.
    let first = Infinity;
    const byAccount = new Map<string, number>();
    const accountOf = new Map<string, string>();
    for (const { scope, e } of g.scopes) {
      const acct = scopeAccount(owners, scope);
      accountOf.set(scope, acct);
      first = Math.min(first, e.first);
      byAccount.set(acct, Math.min(byAccount.get(acct) ?? Infinity, e.first));
    }
    const principalAccount = ACCOUNT_RE.exec(who)?.[1];

    for (const [acct, fa] of [...byAccount].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      // Buckets whose owner was never seen: new only if the principal is new everywhere.
      if (fa < learnedAt || (acct === '' && dayOf(fa) > dayOf(first))) continue;
      const merged = new DayEvidence(dayOf(fa));
      const buckets: string[] = [];
      for (const { scope, e } of g.scopes) {
        const ev = FirstSeenStore.evidence(e);
        if (ev === null || accountOf.get(scope) !== acct || ev.day !== merged.day) continue;
        merged.merge(ev);
        if (!scope.startsWith('#')) {
          buckets.push(scope);
          for (let k = 0; k < 2; k++) if (ev.requests[k] > 0) merged.tally('bucket', k, scope, ev.requests[k]);
        }
      }
      if (merged.count === 0) continue;
      const where = buckets.length === 0 ? '' : buckets.length === 1 ? ` to ${buckets[0]}` : ` to ${plural(buckets.length, 'bucket')} (${topLine(merged, 'bucket')})`;
      const known = [...g.scopes].filter((s) => s.e.first < fa).length;
      emit(
        'new-principal',
        {
          title: 'Principal never seen before',
          summary: `${who} made ${plural(merged.count, 'request')}${where} in account ${acct || '(unknown)'} on ${isoDay(merged.day)}${failedNote(merged)} (${topLine(merged, 'action')}); not seen in ${days1(historyDays(fa))} days of history`,
          subject: { principal: who, account: acct || undefined },
          observed: { requests: merged.count, failed: merged.failedCount, buckets: buckets.length, actions: merged.distinct('action'), principal_account: principalAccount ?? null },
          baseline: { history_days: historyDays(fa), baseline_start: iso(start), known_scopes: known },
          score: round2(WEIGHT['new-principal'] * (merged.allFailed ? 0.6 : 1)),
          attributions: attributionsOf(merged, ['bucket', 'action', 'source_ip', 'user_agent']),
          servicePrincipal: svc,
          attack: [VALID_ACCOUNTS, CLOUD_STORAGE],
        },
        merged,
        fa,
        merged.allFailed ? -1 : 0,
      );
    }

    for (const { scope, e } of g.scopes) {
      const ev = FirstSeenStore.evidence(e);
      if (ev === null || scope.startsWith('#') || e.first < learnedAt) continue;
      const acct = accountOf.get(scope) ?? '';
      const knownSince = acct === '' ? first : (byAccount.get(acct) ?? Infinity);
      if (dayOf(knownSince) < ev.day) {
        const knownBuckets = g.scopes.filter((s) => !s.scope.startsWith('#') && s.e.first < e.first && accountOf.get(s.scope) === acct).length;
        emit(
          'new-bucket-for-principal',
          {
            title: 'Known principal on a bucket it never used',
            summary: `${who} made ${plural(ev.count, 'request')} to ${scope} on ${isoDay(ev.day)}${failedNote(ev)} (${topLine(ev, 'action')}); it has used ${plural(knownBuckets, 'other bucket')} since ${isoDay(dayOf(knownSince))} but never this one`,
            subject: { principal: who, bucket: scope, account: acct || undefined },
            observed: { requests: ev.count, failed: ev.failedCount, actions: ev.distinct('action') },
            baseline: { principal_first_seen: iso(knownSince), known_buckets: knownBuckets, history_days: historyDays(e.first) },
            score: round2(WEIGHT['new-bucket-for-principal'] * (ev.allFailed ? 0.6 : 1)),
            attributions: attributionsOf(ev, ['action', 'source_ip', 'user_agent']),
            servicePrincipal: svc,
            attack: [VALID_ACCOUNTS, CLOUD_STORAGE],
          },
          ev,
          e.first,
          ev.allFailed ? -1 : 0,
        );
      }
      if (svc || principalAccount === undefined) continue;
      const own = owners.own(scope, T.ownAccounts);
      if (own.size === 0 || own.has(principalAccount)) continue;
      const owner = [...own].sort().join(',');
      emit(
        'cross-account',
        {
          title: 'Principal from another account on a bucket',
          summary: `${who} from account ${principalAccount} made ${plural(ev.count, 'request')} to ${scope} (owned by ${owner}) on ${isoDay(ev.day)}${failedNote(ev)} (${topLine(ev, 'action')}), the first time for this bucket`,
          subject: { principal: who, bucket: scope, account: owner },
          observed: { requests: ev.count, failed: ev.failedCount, principal_account: principalAccount, owner_account: owner },
          baseline: { history_days: historyDays(e.first), own_accounts: [...own].sort().join(',') },
          score: round2(WEIGHT['cross-account'] * (ev.allFailed ? 0.6 : 1)),
          attributions: attributionsOf(ev, ['action', 'source_ip', 'user_agent']),
          attack: [VALID_ACCOUNTS, CLOUD_STORAGE],
        },
        ev,
        e.first,
        ev.allFailed ? -1 : 0,
      );
    }

    for (const { cls, e } of g.classes) {
      const ev = FirstSeenStore.evidence(e);
      if (ev === null || e.first < learnedAt || dayOf(first) >= ev.day) continue;
      const knownClasses = g.classes.filter((c) => c.e.first < e.first).map((c) => c.cls).sort();
      emit(
        'new-action-class',
        {
          title: `Known principal doing ${cls} actions for the first time`,
          summary: `${who} made ${plural(ev.count, cls + ' request')} on ${isoDay(ev.day)}${failedNote(ev)} (${topLine(ev, 'action')}); before it only did ${knownClasses.join(', ') || 'other'} actions`,
          subject: { principal: who, action_class: cls },
          observed: { requests: ev.count, failed: ev.failedCount, actions: ev.distinct('action'), buckets: ev.distinct('bucket') },
          baseline: { known_classes: knownClasses.join(','), principal_first_seen: iso(first), history_days: historyDays(e.first) },
          score: round2(WEIGHT['new-action-class'] * (cls === 'permissions' || cls === 'delete' ? 1.25 : 1) * (ev.allFailed ? 0.6 : 1)),
          attributions: attributionsOf(ev, ['action', 'bucket', 'source_ip']),
          servicePrincipal: svc,
          attack: CLASS_ATTACK[cls] ?? [VALID_ACCOUNTS],
        },
        ev,
        e.first,
        ev.allFailed ? -1 : 0,
      );
    }

    for (const { net, e } of g.nets) {
      const ev = FirstSeenStore.evidence(e);
      if (ev === null || e.first < learnedAt || dayOf(first) >= ev.day) continue;
      const knownNets = g.nets.filter((n) => n.e.first < e.first).length;
      emit(
        'new-source-network',
        {
          title: 'Known principal from a new network',
          summary: `${who} made ${plural(ev.count, 'request')} from ${net} on ${isoDay(ev.day)}${failedNote(ev)} (${topLine(ev, 'source_ip')}); it used ${plural(knownNets, 'other network')} before`,
          subject: { principal: who, network: net },
          observed: { requests: ev.count, failed: ev.failedCount, source_ips: ev.distinct('source_ip') },
          baseline: { known_networks: knownNets, principal_first_seen: iso(first), history_days: historyDays(e.first) },
          score: WEIGHT['new-source-network'],
          attributions: attributionsOf(ev, ['source_ip', 'user_agent', 'action']),
          attack: [VALID_ACCOUNTS],
        },
        ev,
        e.first,
      );
    }
  }
}

function finish(state: State, ctx: Ctx): Finding[] {
  const T = ctx.tunables;
  const out: Finding[] = [];
  const disabled = new Set(T.disabledKinds);
  const emit: Emit = (kind, input, ev, first, by = 0) => {
    if (disabled.has(kind) || ev.count === 0) return;
    out.push(
      ctx.finding({
        ...input,
        kind,
        severity: severityOf(kind, ctx, by),
        window: { start: iso(ev.day * DAY_MS), end: iso((ev.day + 1) * DAY_MS) },
        evidence: { count: ev.count, samples: ev.samples.samples },
        first_seen: iso(Math.min(first, ev.firstTime)),
        last_seen: iso(ev.lastTime),
      }),
    );
  };
  if (state.run) specialFindings(state.run, ctx, emit);
  if (Number.isFinite(state.earliest)) firstSeenFindings(state, ctx, emit);

  const keys = state.keys;
  if (Number.isFinite(state.latest)) {
    const expired = keys.expire(state.latest - T.horizonDays * DAY_MS);
    if (expired > 0) ctx.evicted('expired-keys', expired);
  }
  keys.endRun();
  const evicted = keys.trim(T.maxKeys);
  if (evicted > 0) ctx.evicted('keys', evicted);
  state.run = null;
  return out;
}

interface StateJSON extends FirstSeenJSON {
  earliest: number | null;
  latest: number | null;
}

export const unusualPrincipal = defineDetector<T, State>({
  id: 'unusual-principal',
  title: 'Unusual principal',
  description:
    'First-seen identities per account and per bucket: new principals, known principals on new buckets or action classes, ' +
    'principals from other accounts, first anonymous access, new source networks, root-user activity and penetration-testing user agents.',
  severity: 'high',
  attack: [VALID_ACCOUNTS, CLOUD_STORAGE],
  falsePositives: [
    'New employees, roles, CI runners or applications (allow-list them, or expect one finding each)',
    'Source IP changes of NAT gateways, VPN egress or CI fleets (new-source-network, low)',
    'Public website buckets receiving their first anonymous traffic (allow-list the bucket)',
    'Partners or vendors granted cross-account access (list your accounts in ownAccounts, allow-list partner principals)',
    'Authorised penetration tests from Kali/Parrot hosts (allow-list the user agent or principal)',
  ],
  references: ['https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-s3.html'],
  tunables: TUNABLES,
  state: {
    version: 1,
    create: () => ({ keys: new FirstSeenStore(), earliest: Infinity, latest: -Infinity, run: null }),
    toJSON: (s): StateJSON => ({
      earliest: Number.isFinite(s.earliest) ? s.earliest : null,
      latest: Number.isFinite(s.latest) ? s.latest : null,
      ...s.keys.toJSON(),
    }),
    fromJSON: (json) => {
      const j = json as Partial<StateJSON> | null;
      if (j === null || typeof j !== 'object') throw new StateError('unusual-principal state: not an object');
      const time = (v: unknown, fallback: number): number => {
        if (v === null || v === undefined) return fallback;
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new StateError('unusual-principal state: bad earliest/latest time');
        return v;
      };
      return {
        keys: FirstSeenStore.fromJSON({ keys: j.keys ?? [], first: j.first ?? [], last: j.last ?? [] }),
        earliest: time(j.earliest, Infinity),
        latest: time(j.latest, -Infinity),
        run: null,
      };
    },
  },
  observe,
  finish,
});
