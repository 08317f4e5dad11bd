/**
 * Run-local evidence for one key × window of a windowed detector: totals of this run's rows,
 * exact bounded attributions per attribute, the 5 earliest samples per class of row (e.g. all,
 * errors, deletes) and the first/last event time per class. Everything is order-independent.
 */
import { AttributionTable } from './attribution.js';
import type { IdColumn } from './id-columns.js';
import type { EvidenceSample } from './finding.js';
import { SampleKeeper } from './samples.js';
import type { EventView } from './view.js';

/**
 * An id column with per-batch scratch space: a group's rows are summed per id in typed arrays
 * and the attribution tables are touched once per distinct id, not once per row.
 */
export class ScratchColumn {
  readonly sums: Float64Array;
  readonly marks: Uint8Array;
  readonly touched: Int32Array;

  constructor(
    readonly col: IdColumn,
    readonly width: number,
  ) {
    this.sums = new Float64Array(col.size * width);
    this.marks = new Uint8Array(col.size);
    this.touched = new Int32Array(col.size);
  }
}

/** Evidence samples of one batch's rows, built once per row however many windows keep them. */
export class SampleCache {
  private readonly built: (EvidenceSample | undefined)[] = [];

  constructor(readonly view: EventView) {}

  get(row: number): EvidenceSample {
    return (this.built[row] ??= this.view.sample(row));
  }
}

/** SampleKeeper fed from a SampleCache, skipping rows later than its 5th sample cheaply. */
export class EarlySamples {
  readonly keeper = new SampleKeeper(5);
  private worst = Infinity;

  offer(cache: SampleCache, row: number, t: number): void {
    if (t > this.worst) return;
    this.keeper.add(cache.get(row));
    const s = this.keeper.samples;
    if (s.length >= 5) this.worst = Date.parse(s[s.length - 1].time ?? '');
  }
}

export class WindowEvidence {
  readonly total: Float64Array;
  readonly attrs: AttributionTable[] = [];
  private readonly samples: (EarlySamples | undefined)[] = [];
  /** [first, last] event time per class of row. */
  private readonly seen: Float64Array;

  /** @param width metrics × kinds counters (e.g. 4 metrics × 2 log kinds) */
  constructor(attributes: number, width: number, capacity: number, classes: number, private readonly kinds = 2) {
    this.total = new Float64Array(width);
    for (let a = 0; a < attributes; a++) this.attrs.push(new AttributionTable(capacity, width));
    this.seen = new Float64Array(classes * 2);
    for (let c = 0; c < classes; c++) {
      this.seen[2 * c] = Infinity;
      this.seen[2 * c + 1] = -Infinity;
    }
  }

  /**
   * Add the rows `order[from..to)`. Counters are laid out metric * kinds + kind: row `r` adds
   * `vals[r * metrics + m]` to counter `m * kinds + kind[r]`; `classes[r]` is its sample class
   * besides class 0 (all rows). `last[r]` is the row's latest event time (aggregate rows span a group).
   */
  add(cache: SampleCache, time: Float64Array, order: Int32Array, from: number, to: number, kind: Uint8Array, vals: Float64Array, classes: Uint8Array, attrs: ScratchColumn[], last: Float64Array = time): void {
    const kinds = this.kinds;
    const w = this.total.length;
    const metrics = w / kinds;
    const total = this.total;
    for (let i = from; i < to; i++) {
      const r = order[i];
      for (let m = 0; m < metrics; m++) total[m * kinds + kind[r]] += vals[r * metrics + m];
      this.note(cache, r, time[r], 0, last[r]);
      if (classes[r] > 0) this.note(cache, r, time[r], classes[r], last[r]);
    }
    for (let a = 0; a < attrs.length; a++) {
      const { col, sums, marks, touched } = attrs[a];
      const ids = col.ids;
      let n = 0;
      for (let i = from; i < to; i++) {
        const r = order[i];
        const id = ids[r];
        if (id < 0) continue;
        if (marks[id] === 0) {
          marks[id] = 1;
          touched[n++] = id;
        }
        const base = id * w + kind[r];
        for (let m = 0; m < metrics; m++) sums[base + m * kinds] += vals[r * metrics + m];
      }
      const table = this.attrs[a];
      for (let x = 0; x < n; x++) {
        const id = touched[x];
        marks[id] = 0;
        const h = col.hash(id);
        let slot = table.slotOf(h);
        if (slot < 0 && table.admits(h)) slot = table.insertSlot(h, col.name(id));
        if (slot >= 0) {
          const data = table.data;
          const o = slot * w;
          for (let j = 0; j < w; j++) data[o + j] += sums[id * w + j];
        }
        sums.fill(0, id * w, id * w + w);
      }
    }
  }

  /** Offer a row of class `cls` as a sample and note its time (from `t` to `last`). */
  note(cache: SampleCache, row: number, t: number, cls: number, last = t): void {
    const s = (this.samples[cls] ??= new EarlySamples());
    s.offer(cache, row, t);
    if (t < this.seen[2 * cls]) this.seen[2 * cls] = t;
    if (last > this.seen[2 * cls + 1]) this.seen[2 * cls + 1] = last;
  }

  /** Did this run see a row of class `cls`? */
  has(cls: number): boolean {
    return this.seen[2 * cls] !== Infinity;
  }

  samplesOf(cls: number): SampleKeeper['samples'] {
    return this.samples[cls]?.keeper.samples ?? [];
  }

  firstSeen(cls: number): string {
    return new Date(this.seen[2 * cls]).toISOString();
  }

  lastSeen(cls: number): string {
    return new Date(this.seen[2 * cls + 1]).toISOString();
  }
}

/**
 * The key × window groups of one batch's rows and the rows ordered by group (counting sort), so
 * a detector touches each group's structures once per batch. A row may belong to several groups
 * (e.g. its principal's and its bucket's).
 */
export class BatchGroups<K> {
  readonly keys: K[] = [];
  readonly windows: number[] = [];
  private readonly index = new Map<K, number[]>();
  private lastKey: K | null = null;
  private lastW = NaN;
  private lastId = -1;
  /** Group per (row, slot), -1 for none. */
  private readonly rowGroups: Int32Array;
  private entries = 0;

  constructor(
    numRows: number,
    private readonly slots: number,
  ) {
    this.rowGroups = new Int32Array(numRows * slots).fill(-1);
  }

  /** Put `row` (in `slot`) into the group of key × window `w`. */
  add(row: number, slot: number, key: K, w: number): void {
    let id = this.lastId;
    if (key !== this.lastKey || w !== this.lastW) {
      let list = this.index.get(key);
      if (!list) this.index.set(key, (list = []));
      id = -1;
      for (let i = 0; i < list.length; i += 2) if (list[i] === w) id = list[i + 1];
      if (id < 0) {
        id = this.keys.length;
        this.keys.push(key);
        this.windows.push(w);
        list.push(w, id);
      }
      this.lastKey = key;
      this.lastW = w;
      this.lastId = id;
    }
    this.rowGroups[row * this.slots + slot] = id;
    this.entries++;
  }

  /** Rows by group: group g's rows are `order[start[g] .. start[g + 1])`, ascending. */
  ordered(): { order: Int32Array; start: Int32Array } {
    const groups = this.keys.length;
    const rg = this.rowGroups;
    const start = new Int32Array(groups + 1);
    for (let i = 0; i < rg.length; i++) if (rg[i] >= 0) start[rg[i] + 1]++;
    for (let g = 0; g < groups; g++) start[g + 1] += start[g];
    const fill = start.slice(0, groups);
    const order = new Int32Array(this.entries);
    for (let i = 0; i < rg.length; i++) if (rg[i] >= 0) order[fill[rg[i]]++] = Math.floor(i / this.slots);
    return { order, start };
  }
}
