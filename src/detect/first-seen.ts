/**
 * First-seen bookkeeping for "never seen before" detections, order-independent by construction:
 *
 * - each key keeps the minimum and maximum event time of the rows counted for it (rows from
 *   replayed objects are not counted: they were counted by the run that first read them);
 * - during a run, each key also collects evidence — but only from rows on the UTC day of its
 *   first-seen time. A row on a later day can never become evidence (the first-seen time only
 *   moves earlier), and when a late row moves the first-seen time to an earlier day the evidence
 *   restarts on that day. Whatever the order of rows, a key ends the run with exactly the rows of
 *   this run that lie on its first-seen day, replayed ones included, so a re-run over the same
 *   objects reproduces the same evidence;
 * - the store is bounded: keys not seen for a horizon expire, and past `maxKeys` the keys seen
 *   least recently (by event time, ties by key) are evicted.
 *
 * Requests are counted per log kind (the same request can be in CloudTrail and in the access
 * logs); a report uses the larger of the two counts.
 */
import { StateError } from '../errors.js';
import type { Attribution } from './finding.js';
import { SampleKeeper } from './samples.js';
import type { EventView } from './view.js';

export const DAY_MS = 86_400_000;
/** Distinct values counted per attribute per key (bounded memory whatever the input). */
const MAX_VALUES = 1_000;

/** Counts and attributions of the rows of one key on one UTC day. */
export class DayEvidence {
  readonly samples = new SampleKeeper();
  /** Requests and failed requests per log kind (index: 0 CloudTrail, 1 access logs). */
  readonly requests = [0, 0];
  readonly failed = [0, 0];
  firstTime = Infinity;
  lastTime = -Infinity;
  /** attribute → log kind → value → count */
  private readonly tallies = new Map<string, [Map<string, number>, Map<string, number>]>();
  /** Scratch for a detector's per-batch bookkeeping (e.g. deferred tallies); -1 outside a batch. */
  batchSlot = -1;
  /** Time of the latest kept sample once the keeper is full: later rows only count. */
  private worst = Infinity;

  constructor(readonly day: number) {}

  /** Count a row (`view.weight(row)` requests, from `t` to `last`: an aggregate row spans a group). */
  add(view: EventView, row: number, t: number, kind: number, failed: boolean, last = t): void {
    const n = view.weight(row);
    this.requests[kind] += n;
    if (failed) this.failed[kind] += n;
    if (t < this.firstTime) this.firstTime = t;
    if (last > this.lastTime) this.lastTime = last;
    const keeper = this.samples;
    if (keeper.samples.length === 5 && t > this.worst) {
      keeper.count++;
      return;
    }
    keeper.offer(view, row);
    this.worst = keeper.samples.length === 5 ? Date.parse(keeper.samples[4].time ?? '') : Infinity;
  }

  /** Count a value of an attribute; past `MAX_VALUES` distinct values, new ones go to "(other)". */
  tally(attribute: string, kind: number, value: string, n = 1): void {
    let t = this.tallies.get(attribute);
    if (!t) {
      t = [new Map(), new Map()];
      this.tallies.set(attribute, t);
    }
    const m = t[kind];
    const have = m.get(value);
    if (have !== undefined) m.set(value, have + n);
    else if (m.size < MAX_VALUES) m.set(value, n);
    else m.set('(other)', (m.get('(other)') ?? 0) + n);
  }

  merge(other: DayEvidence): void {
    for (let k = 0; k < 2; k++) {
      this.requests[k] += other.requests[k];
      this.failed[k] += other.failed[k];
    }
    this.firstTime = Math.min(this.firstTime, other.firstTime);
    this.lastTime = Math.max(this.lastTime, other.lastTime);
    this.samples.merge(other.samples);
    for (const [attr, kinds] of other.tallies) {
      for (let k = 0; k < 2; k++) for (const [v, n] of kinds[k]) this.tally(attr, k, v, n);
    }
  }

  /** The log kind with more requests (CloudTrail on ties). */
  private get mainKind(): number {
    return this.requests[1] > this.requests[0] ? 1 : 0;
  }

  /** Requests, counted once when both log kinds carry them. */
  get count(): number {
    return this.requests[this.mainKind];
  }

  get failedCount(): number {
    return this.failed[this.mainKind];
  }

  /** Every request failed (denied, not found …). */
  get allFailed(): boolean {
    return this.count > 0 && this.failedCount === this.count;
  }

  /** Top values of an attribute (count desc, then value), from the main log kind. */
  top(attribute: string, k = 5): Attribution[] {
    const t = this.tallies.get(attribute);
    if (!t) return [];
    const m = t[this.mainKind].size > 0 ? t[this.mainKind] : t[1 - this.mainKind];
    return [...m.entries()]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, k);
  }

  distinct(attribute: string): number {
    const t = this.tallies.get(attribute);
    if (!t) return 0;
    return t[this.mainKind].size > 0 ? t[this.mainKind].size : t[1 - this.mainKind].size;
  }
}

export interface FirstSeen {
  /** Earliest counted event time (Infinity while only replayed rows were seen). */
  first: number;
  /** Latest counted event time: drives LRU eviction. */
  last: number;
  /** Run-local: this run's rows on the first-seen day. */
  ev: DayEvidence | null;
}

export interface FirstSeenJSON {
  keys: string[];
  first: number[];
  last: number[];
}

export class FirstSeenStore {
  readonly map = new Map<string, FirstSeen>();

  get size(): number {
    return this.map.size;
  }

  entry(key: string): FirstSeen {
    let e = this.map.get(key);
    if (!e) {
      e = { first: Infinity, last: -Infinity, ev: null };
      this.map.set(key, e);
    }
    return e;
  }

  /**
   * Count a row for a key; returns the evidence holder when the row lies on the first-seen day.
   * `last` is the row's latest event time (an aggregate row's group ends there; same UTC day).
   */
  static touch(e: FirstSeen, t: number, replayed: boolean, last = t): DayEvidence | null {
    if (!replayed) {
      if (t < e.first) e.first = t;
      if (last > e.last) e.last = last;
    }
    if (e.first === Infinity) return null;
    const day = Math.floor(t / DAY_MS);
    if (day !== Math.floor(e.first / DAY_MS)) return null;
    let ev = e.ev;
    if (ev === null || ev.day !== day) {
      ev = new DayEvidence(day);
      e.ev = ev;
    }
    return ev;
  }

  /** The key's evidence if it covers its first-seen day (see the module comment). */
  static evidence(e: FirstSeen): DayEvidence | null {
    return e.ev !== null && e.first !== Infinity && e.ev.day === Math.floor(e.first / DAY_MS) ? e.ev : null;
  }

  /** Forget keys last seen before `cutoff`; returns how many. */
  expire(cutoff: number): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (e.last !== -Infinity && e.last < cutoff) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Evict the least recently seen keys (by event time, ties by key) down to `maxKeys`. */
  trim(maxKeys: number): number {
    const excess = this.map.size - Math.max(0, maxKeys);
    if (excess <= 0) return 0;
    const order = [...this.map.entries()].sort((a, b) => a[1].last - b[1].last || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (let i = 0; i < excess; i++) this.map.delete(order[i][0]);
    return excess;
  }

  /** Drop run-local evidence and keys only replayed rows created. */
  endRun(): void {
    for (const [k, e] of this.map) {
      e.ev = null;
      if (e.first === Infinity) this.map.delete(k);
    }
  }

  toJSON(): FirstSeenJSON {
    const keys = [...this.map.keys()].filter((k) => this.map.get(k)!.first !== Infinity).sort();
    return { keys, first: keys.map((k) => this.map.get(k)!.first), last: keys.map((k) => this.map.get(k)!.last) };
  }

  static fromJSON(json: FirstSeenJSON): FirstSeenStore {
    const s = new FirstSeenStore();
    const { keys, first, last } = json;
    if (!Array.isArray(keys) || !Array.isArray(first) || !Array.isArray(last) || keys.length !== first.length || keys.length !== last.length) {
      throw new StateError('first-seen state: keys, first and last must be arrays of the same length');
    }
    for (let i = 0; i < keys.length; i++) {
      if (typeof keys[i] !== 'string' || !Number.isFinite(first[i]) || !Number.isFinite(last[i])) throw new StateError(`first-seen state: bad entry ${i}`);
      s.map.set(keys[i], { first: first[i], last: last[i], ev: null });
    }
    return s;
  }
}
