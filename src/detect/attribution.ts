/**
 * Exact, bounded, order-independent attribution counts (CloudTrail-Insights-style "top 5
 * source IPs"). Values are identified by a hash; the table keeps the `capacity` values with the
 * smallest hashes (a bottom-k sample). A value kept at the end was kept from its first row on
 * (the admission threshold only falls), so its counts are exact, and which values are kept does
 * not depend on the order of rows. With at most `capacity` distinct values, every value is kept.
 */
import type { Attribution } from './finding.js';

export class AttributionTable {
  /** hash → slot in `data` (insertion order kept: a Map, as before). */
  private readonly slots = new Map<number, number>();
  /** Value and hash per slot. */
  private readonly names: string[] = [];
  private readonly hashes: number[] = [];
  /** Counters of every kept value, `width` per slot (one buffer per table, grown on demand). */
  data: Float64Array;
  private free = -1;
  private used = 0;
  private maxHash = -Infinity;
  /** More than `capacity` distinct values were offered (order-independent): the table is a sample. */
  truncated = false;

  /** @param width counters per value (e.g. metric × log kind) */
  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    this.data = new Float64Array(Math.min(Math.max(capacity, 1), 4) * width);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The slot of a kept value (its counters are `data[slot * width ..]`); -1 when not kept. */
  slotOf(hash: number): number {
    return this.slots.get(hash) ?? -1;
  }

  /** The counters of a kept value (undefined when not kept yet or never); a view valid until the next insert. */
  get(hash: number): Float64Array | undefined {
    const slot = this.slots.get(hash);
    return slot === undefined ? undefined : this.data.subarray(slot * this.width, slot * this.width + this.width);
  }

  /** Would `insert` keep a value with this hash? */
  admits(hash: number): boolean {
    if (this.slots.size < this.capacity || hash < this.maxHash) return true;
    this.truncated = true;
    return false;
  }

  /** Keep a new value (call only when `get` missed and `admits` said yes); a view valid until the next insert. */
  insert(hash: number, name: string): Float64Array {
    const slot = this.insertSlot(hash, name);
    return this.data.subarray(slot * this.width, slot * this.width + this.width);
  }

  /** `insert`, returning the value's slot (counters zeroed) instead of a view. */
  insertSlot(hash: number, name: string): number {
    if (this.slots.size >= this.capacity) {
      const free = this.slots.get(this.maxHash)!;
      this.slots.delete(this.maxHash);
      this.truncated = true;
      let max = -Infinity;
      const hashes = this.hashes;
      for (let i = 0; i < this.used; i++) if (i !== free && hashes[i] > max) max = hashes[i];
      this.maxHash = max;
      this.free = free;
    }
    const w = this.width;
    let slot: number;
    if (this.free >= 0) {
      slot = this.free;
      this.free = -1;
      this.data.fill(0, slot * w, slot * w + w);
    } else {
      slot = this.used++;
      if (slot * w + w > this.data.length) {
        const grown = new Float64Array(Math.min(Math.max(this.data.length * 2, (slot + 1) * w), Math.max(this.capacity, slot + 1) * w));
        grown.set(this.data);
        this.data = grown;
      }
    }
    this.slots.set(hash, slot);
    this.names[slot] = name;
    this.hashes[slot] = hash;
    if (hash > this.maxHash) this.maxHash = hash;
    return slot;
  }

  /** Top `k` values by `score(counters)` (> 0 only), ties by value: deterministic. */
  top(k: number, score: (c: Float64Array) => number): Attribution[] {
    const out: Attribution[] = [];
    const w = this.width;
    for (const slot of this.slots.values()) {
      const count = score(this.data.subarray(slot * w, slot * w + w));
      if (count > 0) out.push({ value: this.names[slot], count });
    }
    out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return out.slice(0, k);
  }
}
