/**
 * Keeps the k earliest evidence samples by (time, origin_uri, origin_index): deterministic
 * whatever the order in which objects and batches arrive.
 */
import type { EvidenceSample } from './finding.js';
import type { EventView } from './view.js';

function before(a: EvidenceSample, b: EvidenceSample): boolean {
  const ta = a.time ?? '';
  const tb = b.time ?? '';
  if (ta !== tb) return ta < tb;
  const ua = a.origin_uri ?? '';
  const ub = b.origin_uri ?? '';
  if (ua !== ub) return ua < ub;
  return (a.origin_index ?? 0) < (b.origin_index ?? 0);
}

export class SampleKeeper {
  readonly samples: EvidenceSample[] = [];
  count = 0;

  constructor(private readonly k = 5) {}

  /** Epoch ms of the latest kept sample (for a cheap reject test); -Infinity for a null time. */
  private worstTime = Infinity;

  /** Count the row; build a sample object only if it would be kept. */
  offer(view: EventView, row: number): void {
    this.count++;
    if (this.samples.length === this.k) {
      const t = view.time[row];
      if ((Number.isNaN(t) ? -Infinity : t) > this.worstTime) return;
    }
    this.add(view.sample(row));
  }

  add(s: EvidenceSample): void {
    let i = this.samples.length;
    while (i > 0 && before(s, this.samples[i - 1])) i--;
    if (i >= this.k) return;
    const dup = this.samples.some((x) => x.origin_uri === s.origin_uri && x.origin_index === s.origin_index && x.time === s.time);
    if (dup) return;
    this.samples.splice(i, 0, s);
    if (this.samples.length > this.k) this.samples.pop();
    const last = this.samples[this.samples.length - 1].time;
    this.worstTime = this.samples.length < this.k ? Infinity : last === null ? -Infinity : Date.parse(last);
  }

  merge(other: SampleKeeper): void {
    this.count += other.count;
    for (const s of other.samples) this.add(s);
  }
}
