/**
 * Baseline history for windowed detectors: per key (a scope number + an id string) the first
 * window it was counted in and a fixed-width counter vector per event-time window. Serialisable
 * as plain JSON; pruned by event time and bounded by a key count (least recently active keys go
 * first, ties by name, so eviction at the end of a run is deterministic).
 *
 * A key can also carry a run-local value (`run`, e.g. attributions of the windows touched in this
 * run); it is never serialised and `endRun` clears it.
 */
export interface CounterKey<R> {
  readonly scope: number;
  readonly id: string;
  /** First window counted: history starts here (windows without data after it count as zero). */
  first: number;
  readonly counts: Map<number, Float64Array>;
  run: R | null;
}

export interface WindowCountersJson {
  windowMs: number;
  maxTime: number | null;
  /** [scope, id, first window, windows ascending, counters (`width` per window)] */
  keys: [number, string, number | null, number[], number[]][];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class WindowCounters<R> {
  readonly keys = new Map<string, CounterKey<R>>();
  /** Run-local: keys given a run value in this run. */
  touched: CounterKey<R>[] = [];
  windowMs = 0;
  /** Latest event time seen ("now"). */
  maxTime = -Infinity;

  constructor(readonly width: number) {}

  key(scope: number, id: string): CounterKey<R> {
    const name = `${scope}|${id}`;
    let k = this.keys.get(name);
    if (!k) {
      k = { scope, id, first: Infinity, counts: new Map(), run: null };
      this.keys.set(name, k);
    }
    return k;
  }

  /** The counters of a key's window, created (and the key's first window moved) on demand. */
  counters(key: CounterKey<R>, w: number): Float64Array {
    let c = key.counts.get(w);
    if (!c) {
      c = new Float64Array(this.width);
      key.counts.set(w, c);
      if (w < key.first) key.first = w;
    }
    return c;
  }

  /** The key's run-local value, created by `make` the first time in this run. */
  run(key: CounterKey<R>, make: () => R): R {
    if (key.run === null) {
      key.run = make();
      this.touched.push(key);
    }
    return key.run;
  }

  /** Forget windows before `cutoff` and keys left without any. */
  prune(cutoff: number): void {
    for (const [name, key] of this.keys) {
      for (const w of key.counts.keys()) if (w < cutoff) key.counts.delete(w);
      if (key.counts.size === 0) this.keys.delete(name);
    }
  }

  /** Drop the least recently active keys beyond `max`; returns how many were dropped. */
  evict(max: number, untouchedOnly: boolean): number {
    const excess = this.keys.size - max;
    if (excess <= 0) return 0;
    const last = (k: CounterKey<R>): number => {
      let l = -Infinity;
      for (const w of k.counts.keys()) if (w > l) l = w;
      return l;
    };
    const victims = [...this.keys]
      .filter(([, k]) => !untouchedOnly || k.run === null)
      .map(([name, k]) => ({ name, last: last(k) }))
      .sort((a, b) => a.last - b.last || cmp(a.name, b.name))
      .slice(0, excess);
    for (const v of victims) this.keys.delete(v.name);
    return victims.length;
  }

  /** Clear every run-local value. */
  endRun(): void {
    for (const k of this.touched) k.run = null;
    this.touched = [];
  }

  toJSON(): WindowCountersJson {
    const keys = [...this.keys.entries()]
      .sort((a, b) => cmp(a[0], b[0]))
      .map(([, k]): WindowCountersJson['keys'][number] => {
        const windows = [...k.counts.keys()].sort((a, b) => a - b);
        const counters: number[] = [];
        for (const w of windows) counters.push(...k.counts.get(w)!);
        return [k.scope, k.id, Number.isFinite(k.first) ? k.first : null, windows, counters];
      });
    return { windowMs: this.windowMs, maxTime: Number.isFinite(this.maxTime) ? this.maxTime : null, keys };
  }

  static fromJSON<R>(json: unknown, width: number, what: string): WindowCounters<R> {
    const j = json as Partial<WindowCountersJson> | null;
    if (!j || typeof j.windowMs !== 'number' || !Array.isArray(j.keys)) throw new Error(`${what} state: expected {windowMs, maxTime, keys}`);
    const s = new WindowCounters<R>(width);
    s.windowMs = j.windowMs;
    s.maxTime = typeof j.maxTime === 'number' ? j.maxTime : -Infinity;
    for (const entry of j.keys) {
      const [scope, id, first, windows, counters] = Array.isArray(entry) ? entry : [];
      if (typeof scope !== 'number' || typeof id !== 'string' || !Array.isArray(windows) || !Array.isArray(counters) || counters.length !== windows.length * width) {
        throw new Error(`${what} state: malformed key entry ${JSON.stringify(entry).slice(0, 120)}`);
      }
      const k = s.key(scope, id);
      k.first = typeof first === 'number' ? first : Infinity;
      windows.forEach((w, i) => k.counts.set(w, Float64Array.from(counters.slice(i * width, (i + 1) * width))));
    }
    return s;
  }
}
