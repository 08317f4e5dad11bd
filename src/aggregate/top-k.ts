/**
 * Bounded heavy-hitter counting (Space-Saving): at most `capacity` keys are tracked, so memory
 * never grows with the number of distinct values; counts of the top keys are exact when
 * fewer than `capacity` distinct keys were seen, and over-estimates by at most `error` otherwise.
 */
export class TopK {
  private readonly counts = new Map<string, { count: number; error: number }>();
  evictions = 0;

  constructor(readonly capacity = 10_000) {}

  add(key: string, n = 1): void {
    const hit = this.counts.get(key);
    if (hit) {
      hit.count += n;
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, { count: n, error: 0 });
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v.count < min) {
        min = v.count;
        minKey = k;
      }
    }
    this.counts.delete(minKey);
    this.evictions++;
    this.counts.set(key, { count: min + n, error: min });
  }

  get size(): number {
    return this.counts.size;
  }

  /** The k most frequent keys, ties broken by key so output is deterministic. */
  top(k: number): { key: string; count: number }[] {
    return [...this.counts.entries()]
      .map(([key, v]) => ({ key, count: v.count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k);
  }
}
