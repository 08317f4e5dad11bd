/**
 * Exact, bounded, order-independent attribution counts (CloudTrail-Insights-style "top 5
 * source IPs"). Values are identified by a hash; the table keeps the `capacity` values with the
 * smallest hashes (a bottom-k sample). A value kept at the end was kept from its first row on
 * (the admission threshold only falls), so its counts are exact, and which values are kept does
 * not depend on the order of rows. With at most `capacity` distinct values, every value is kept.
 */
import type { Attribution } from './finding.js';

export class AttributionTable {
  private readonly counters = new Map<number, Float64Array>();
  private readonly names = new Map<number, string>();
  private maxHash = -Infinity;
  /** More than `capacity` distinct values were offered (order-independent): the table is a sample. */
  truncated = false;

  /** @param width counters per value (e.g. metric × log kind) */
  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {}

  get size(): number {
    return this.counters.size;
  }

  /** The counters of a kept value (undefined when not kept yet or never). */
  get(hash: number): Float64Array | undefined {
    return this.counters.get(hash);
  }

  /** Would `insert` keep a value with this hash? */
  admits(hash: number): boolean {
    if (this.counters.size < this.capacity || hash < this.maxHash) return true;
    this.truncated = true;
    return false;
  }

  /** Keep a new value (call only when `get` missed and `admits` said yes). */
  insert(hash: number, name: string): Float64Array {
    if (this.counters.size >= this.capacity) {
      this.counters.delete(this.maxHash);
      this.names.delete(this.maxHash);
      this.truncated = true;
      let max = -Infinity;
      for (const h of this.counters.keys()) if (h > max) max = h;
      this.maxHash = max;
    }
    const c = new Float64Array(this.width);
    this.counters.set(hash, c);
    this.names.set(hash, name);
    if (hash > this.maxHash) this.maxHash = hash;
    return c;
  }

  /** Top `k` values by `score(counters)` (> 0 only), ties by value: deterministic. */
  top(k: number, score: (c: Float64Array) => number): Attribution[] {
    const out: Attribution[] = [];
    for (const [h, c] of this.counters) {
      const count = score(c);
      if (count > 0) out.push({ value: this.names.get(h) ?? '', count });
    }
    out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return out.slice(0, k);
  }
}
